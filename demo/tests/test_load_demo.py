import datetime
import io

from django.core.management import call_command

from core.models import AuditEvent, User
from planning.models import Inspection, Round
from registry.models import Organization


def _load(**kw):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **kw)
    return out.getvalue()


def test_demo_county_is_complete_and_idempotent(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    printed = _load()
    orgs = Organization.objects.filter(authority__code="MH-QH")
    assert 140 <= orgs.count() <= 160
    assert {"县委办公室", "县人大机关", "县政府办公室"} <= set(orgs.values_list("name", flat=True))
    assert orgs.filter(kind__name="村(社区)", parent__kind__name="乡镇(街道)").count() >= 80
    assert orgs.filter(status="merged").exists() and orgs.filter(status="dissolved").exists()
    assert orgs.filter(established_on__isnull=False).exists()
    assert list(Round.objects.filter(authority__code="MH-QH").values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    round7 = Inspection.objects.filter(round__number=7, kind="regular")  # the special ones carry issues 4–5
    assert round7.count() == 11 and set(round7.values_list("stage", flat=True)) == {"preparation"}
    assert {"县委办公室", "县人大机关", "县政府办公室"} <= set(round7.values_list("organization__name", flat=True))
    covered = set(Inspection.objects.filter(round__number__lte=6).values_list("organization_id", flat=True))
    owed = orgs.filter(status="active").exclude(pk__in=covered)
    assert owed.count() >= 11  # round seven's targets and a few more are still owed

    lines = (tmp_path / "demo-accounts.txt").read_text().splitlines()
    roles = {line.split()[2] for line in lines}
    assert roles >= {
        "sysadmin",
        "secadmin",
        "auditor",
        "office",
        "office_head",
        "leading_group",
        "team_leader",
        "team_deputy",
        "team_liaison",
        "team_member",
        "unit_liaison",
        "receiver",
    }
    for line in lines:
        username, password, _ = line.split()
        assert User.objects.get(username=username).check_password(password)
        assert password in printed

    counts = (
        Organization.objects.count(),
        Inspection.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    _load()
    assert (
        Organization.objects.count(),
        Inspection.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert (tmp_path / "demo-accounts.txt").read_text().splitlines() == lines


def test_passwords_differ_between_installations(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _load()
    first = (tmp_path / "demo-accounts.txt").read_text()
    (tmp_path / "demo-accounts.txt").unlink()
    _load()
    assert (tmp_path / "demo-accounts.txt").read_text() != first


def test_scale_multiplies_the_organisations(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _load(scale=3)
    assert Organization.objects.filter(authority__code="MH-QH").count() == 3 * 146


def test_demo_round_seven_has_teams_a_pool_and_conflicts(db, settings, tmp_path):
    from planning.conflicts import conflict_check
    from planning.models import Inspector, Team, TeamMember

    settings.DATA_DIR = tmp_path
    _load()
    round7 = Round.objects.get(number=7)
    assert Team.objects.filter(round=round7).count() == 5  # 第五巡察组: the look-back (demo.rectification)
    assert not round7.inspections.filter(team__isnull=True).exists()
    overridden = {m.inspector.name: m for m in TeamMember.objects.exclude(decision_reason="")}
    assert set(overridden) == {"汪洋", "钱志强"}
    assert overridden["汪洋"].conflicts[0]["rule"] == "worked_recently"
    # 钱志强 works at 县财政局, which his team inspects (the special inspection of demo.onsite).
    qian = overridden["钱志强"]
    assert qian.inspector.unit_organization == Organization.objects.get(name="县财政局")
    assert [c["rule"] for c in qian.conflicts] == ["current_unit"]
    assert qian.conflicts[0]["reason"] == "现在县财政局工作（所在单位）"
    hu = Inspector.objects.get(name="胡静")
    assert not hu.memberships.exists()
    jinzhu = Organization.objects.get(name="金竹乡")
    assert [c.rule for c in conflict_check(hu, jinzhu, datetime.date(2026, 11, 20))] == ["declared"]
    member = User.objects.get(username="qh_member")
    team_one = Team.objects.get(round=round7, name="第一巡察组")
    assert set(member.role_assignments.values_list("scope_id", flat=True)) == set(
        team_one.inspections.values_list("pk", flat=True)
    )
