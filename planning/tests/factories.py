"""Planning records for tests, on top of the shared ``world`` fixture (conftest.py), whose
counties already have a term, round, inspection, team and inspector. Made the first time
they are asked for and the same record after (once per test)."""


def member(w):
    """County A's inspector, a member of its team."""
    from planning.models import TeamMember

    a = w["a"]
    found = TeamMember.objects.filter(team=a.team, inspector=a.inspector).first()
    return found or TeamMember.objects.create(team=a.team, inspector=a.inspector, role="member")


def objection(w):
    """The unit's objection to that member on county A's inspection."""
    from planning.models import MemberObjection
    from planning.objections import member_objection_raise

    a = w["a"]
    found = MemberObjection.objects.filter(inspection=a.inspection).first()
    return found or member_objection_raise(
        actor=a.users["unit_liaison"], inspection=a.inspection, member=member(w), reason="其亲属在本单位工作"
    )
