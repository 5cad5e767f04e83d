"""The second table of core.access: which role takes which step of the work (``STEPS``),
asked with ``may`` (buttons), ``require`` (services) and ``may_somewhere`` (menus)."""

import ast
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import access
from core.models import Role
from planning.inspections import inspection_create, round_create
from planning.models import InspectionKind

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("core", "registry", "planning", "onsite", "results", "rectification")


def test_every_step_names_roles_that_exist():
    for name, step in access.STEPS.items():
        assert step.roles, name
        assert step.roles <= set(Role.values), name


def test_an_unknown_step_is_an_error_not_a_no(world):
    with pytest.raises(KeyError):
        access.may(world["a"].users["office"], "report.decide.nobody", world["a"].inspection)


def test_a_step_is_taken_on_the_own_scope_only(world):
    a, b = world["a"], world["b"]
    office, leader, member = a.users["office"], a.users["team_leader"], a.users["team_member"]
    assert access.may(office, "inspection.advance.onsite", a.inspection)
    assert not access.may(office, "inspection.advance.onsite", b.inspection)
    # The team leader moves the inspection to reporting, not on site; a member neither.
    assert access.may(leader, "inspection.advance.reporting", a.inspection)
    assert not access.may(leader, "inspection.advance.onsite", a.inspection)
    assert not access.may(member, "inspection.advance.reporting", a.inspection)
    # The city reads its counties' inspections but takes no step in them.
    assert not access.may(world["city_office"], "inspection.advance.onsite", a.inspection)
    assert not access.may(None, "inspection.advance.onsite", a.inspection)


def test_the_report_chain_has_one_decider_table(world):
    a = world["a"]
    deciders = {
        step: {key for key, user in a.users.items() if access.may(user, f"report.decide.{step}", a.inspection)}
        for step in ("team_meeting", "office_review", "leading_group", "secretary")
    }
    assert deciders == {
        "team_meeting": {"team_leader"},
        "office_review": {"office", "office_head"},
        "leading_group": {"leading_group", "office_head"},
        "secretary": {"office_head"},
    }


def test_require_answers_404_out_of_sight_and_403_in_sight(world):
    a, b = world["a"], world["b"]
    with pytest.raises(Http404):
        access.require(b.users["office"], "inspection.advance.onsite", a.inspection)
    with pytest.raises(PermissionDenied):
        access.require(a.users["leading_group"], "inspection.advance.onsite", a.inspection)
    access.require(a.users["office_head"], "inspection.advance.onsite", a.inspection)
    access.require(None, "inspection.advance.onsite", a.inspection)  # the system itself


def test_may_somewhere_is_for_menus(world):
    a = world["a"]
    assert access.may_somewhere(a.users["unit_liaison"], "plan.draft")
    assert not access.may_somewhere(a.users["office"], "plan.draft")
    assert access.may_somewhere(a.users["office"], "plan.review")
    assert not access.may_somewhere(a.users["nobody"], "plan.review")


def test_a_lookback_team_reads_the_inspection_it_revisits_and_no_other(world):
    a = world["a"]
    old = a.inspection
    later = round_create(actor=None, term=old.round.term, number=8)
    lookback = inspection_create(
        actor=None, round=later, organization=old.organization, kind=InspectionKind.LOOKBACK, revisits=old
    )
    from conftest import make_user
    from core.services import role_assign

    looker = make_user(a.authority, "lookback_member")
    assert not access.may(looker, "lookback.read_revisited", old)
    role_assign(actor=None, user=looker, role="team_member", authority=a.authority, scope_id=lookback.pk)
    looker = type(looker).objects.get(pk=looker.pk)  # grants are read once per user object
    assert access.may(looker, "lookback.read_revisited", old)
    assert not access.may(looker, "lookback.read_revisited", lookback)  # nothing revisits the look-back
    # The old inspection's own team is not a look-back team.
    assert not access.may(a.users["team_member"], "lookback.read_revisited", old)


def _role_sets(path: pathlib.Path) -> list[int]:
    """Lines of ``path`` that build a set, tuple or list of two or more ``access.<ROLE>`` names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            roles = [
                e
                for e in node.elts
                if isinstance(e, ast.Attribute)
                and isinstance(e.value, ast.Name)
                and e.value.id == "access"
                and e.attr.isupper()
                and not e.attr.endswith("_ROLES")
            ]
            if len(roles) >= 2:
                found.append(node.lineno)
    return found


def test_no_app_keeps_its_own_list_of_who_may():
    """Who takes a step is answered by core.access alone: no module elsewhere lists roles."""
    offenders = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts or path.name == "access.py":
                continue
            if lines := _role_sets(path):
                offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}


def test_lists_ask_the_table_once_for_a_page(world):
    a, b = world["a"], world["b"]
    assert access.step_authorities(a.users["office"], "plan.review") == {a.authority.pk}
    assert access.step_authorities(a.users["unit_liaison"], "plan.review") == set()
    assert access.step_authorities(world["city_office"], "plan.review") == {world["city"].pk}
    assert access.step_scopes(a.users["unit_liaison"], "plan.draft") == {(a.authority.pk, a.orgs["dept"].pk)}
    assert access.step_scopes(a.users["office"], "plan.draft") == set()
    assert access.step_scopes(b.users["team_leader"], "report.decide.team_meeting") == {
        (b.authority.pk, b.inspection.pk)
    }
