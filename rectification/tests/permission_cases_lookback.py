"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the look-back
check page and API, and the records they need: county ``key``'s approved plan (round 7) with
evidence, and a look-back of it in round 8 with its own team member.

The rows use the office (which may record verdicts too): the look-back team member is not
one of the shared world's accounts; test_lookback.py covers the team itself."""

from core.tests.permissions import Case


def lookback(w, key="a"):
    """County ``key``'s look-back inspection (round 8) of its round-seven inspection, whose
    approved plan has one task reported completed with a PDF as evidence."""
    from planning.inspections import inspection_create, round_create
    from planning.models import Inspection, Round
    from planning.teams import inspection_assign_team, team_create
    from rectification.tests.factories import plan, progress

    c = w[key]
    found = Inspection.objects.filter(revisits=c.inspection, kind="lookback").first()
    if found:
        return found
    p = plan(w, key, status="approved")
    progress(w, p.tasks.order_by("number").first(), key, completed=True)
    term = c.inspection.round.term
    later = Round.objects.filter(term=term, number=8).first() or round_create(actor=None, term=term, number=8)
    inspection = inspection_create(
        actor=None, round=later, organization=c.orgs["dept"], kind="lookback", revisits=c.inspection
    )
    inspection_assign_team(
        actor=None, inspection=inspection, team=team_create(actor=None, round=later, name="回头看组")
    )
    return inspection


def member(w, key="a"):
    """The deputy leader of county ``key``'s look-back team (who records verdicts), with no
    role on the old inspection."""
    from conftest import make_user
    from core.models import User

    name = f"lookback_{key}_member"
    return User.objects.filter(username=name).first() or make_user(
        w[key].authority, name, "team_deputy", lookback(w, key).pk
    )


def old_finding(w, key="a"):
    return lookback(w, key).revisits.findings.order_by("id").first()


def _page(w):
    return f"/rectification/lookbacks/{lookback(w).pk}/"


CASES = [
    Case("lookback page", "get", _page, "office", 200, marker=lambda w: "公务接待超标准"),
    Case(
        "lookback check",
        "post",
        lambda w: f"/rectification/lookbacks/{lookback(w).pk}/findings/{old_finding(w).pk}/check/",
        "office",
        302,
        body=lambda w: {f"f{old_finding(w).pk}-verdict": "surface", f"f{old_finding(w).pk}-note": "制度仅上墙未执行。"},
    ),
    Case(
        "api lookback items",
        "get",
        lambda w: f"/api/v1/lookbacks/{lookback(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: "公务接待超标准",
    ),
    Case(
        "api lookback check",
        "post",
        lambda w: f"/api/v1/lookbacks/{lookback(w).pk}/checks",
        "office",
        200,
        api=True,
        body=lambda w: {"finding": old_finding(w).pk, "verdict": "not_fixed", "note": "仍有超标准接待。"},
    ),
]
