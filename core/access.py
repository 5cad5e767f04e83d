"""The access module: the one place that decides who may see and change what.

Three questions, asked by every selector, service, view and endpoint:

- ``restrict(queryset, user, action)``: which of these records may the user see
  (``"view"``) or change (``"change"``)?
- ``check(user, action, obj)``: may the user do this to this record? Raises
  ``Http404`` when the record is out of the user's sight (the same answer as a
  missing record) and ``PermissionDenied`` when the user may see it but not
  change it.
- ``may(user, "report.decide.secretary", report)``: may the user take this step of the work
  on this record? The second table, ``STEPS``, names for every step the roles that take it
  (held on the record itself, or on the records a step reaches through: see ``Step``).
  Views and endpoints ask it to show or hide a button; services enforce it with
  ``require``. The state of the record (a draft, the current step of a chain) is the
  service's to check, with its message; ``STEPS`` says only who.

Models do not decide; they only *declare* how they reach their scopes with an
``AccessSpec`` class attribute: their data kind and the lookup paths to their
authority, inspection, organisation or receiver. The rules below map each
data kind and action to the roles allowed and the reach of each role.

Reach:

- ``"own"``: the grant's authority only.
- ``"tree"``: the grant's authority and every authority below it (read-only
  views of lower authorities: 市县巡察上下联动); from a root authority, also
  the records that belong to no authority.
- ``"inspection"``, ``"organization"``, ``"receiver"``: the one record the
  grant's ``scope_id`` names, matched through the model's declared path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

# Role names are repeated here as plain strings so that this module has no
# import of the models that themselves import it. They are the values of
# ``core.models.Role``; tests check the two agree.
OFFICE, OFFICE_HEAD, LEADING_GROUP = "office", "office_head", "leading_group"
TEAM_LEADER, TEAM_DEPUTY, TEAM_LIAISON, TEAM_MEMBER = "team_leader", "team_deputy", "team_liaison", "team_member"
# Designated on an inspection to open petitions and read reporters' identity; held beside a team role.
TEAM_INTAKE = "team_intake"
UNIT_LIAISON, RECEIVER = "unit_liaison", "receiver"
SYSADMIN, SECADMIN, AUDITOR = "sysadmin", "secadmin", "auditor"
# Reads and compares departments' datasets (personal data of the whole county): held on an
# authority; no other role reads datasets, runs or unconfirmed hits (decision 0008).
DATA_OFFICER = "data_officer"

TEAM_ROLES = (TEAM_LEADER, TEAM_DEPUTY, TEAM_LIAISON, TEAM_MEMBER)
OFFICE_ROLES = frozenset({OFFICE, OFFICE_HEAD})  # the inspection office of an authority
ADMIN_ROLES = (SYSADMIN, SECADMIN, AUDITOR)  # 三员: each stands alone (core.services.role_assign)
AUTHORITY_ROLES = (OFFICE, OFFICE_HEAD, LEADING_GROUP, SYSADMIN, SECADMIN, AUDITOR)
# Which kind of scope_id each role needs (None: the authority alone).
ROLE_SCOPE = {
    **{r: None for r in AUTHORITY_ROLES},
    **{r: "inspection" for r in TEAM_ROLES},
    TEAM_INTAKE: "inspection",
    UNIT_LIAISON: "organization",
    RECEIVER: "receiver",
    DATA_OFFICER: None,
}
# Roles that may see case data at all; the three administrators are not among them.
CASE_ROLES = (OFFICE, OFFICE_HEAD, LEADING_GROUP, *TEAM_ROLES, TEAM_INTAKE, UNIT_LIAISON, RECEIVER)


@dataclass(frozen=True)
class AccessSpec:
    """How a model reaches its scopes. Paths are ORM lookups from the model.

    ``kind`` is one of the keys of ``RULES``. A path left ``None`` means the
    model cannot be reached that way, so roles with that reach see none of it.
    """

    kind: str
    authority: str | None = None
    inspection: str | None = None
    organization: str | None = None
    receiver: str | None = None
    # Extra conditions (ORM lookups) on what a role or a reach sees: {"unit_liaison":
    # {"inspection__feedback__acknowledged_at__isnull": False}} lets a unit see a record
    # only once the feedback has been acknowledged.
    # Keys are a role or a reach: {"unit_liaison": {…}} applies to that role, {"tree": {…}} to a reach.
    when: dict = field(default_factory=dict, hash=False)

    def condition(self, role: str, reach: str) -> Q | None:
        lookups = self.when.get(role, self.when.get(reach))
        return Q(**lookups) if lookups is not None else None


def case_spec(inspection: str = "inspection") -> AccessSpec:
    """The spec of case data reached through the lookup path ``inspection`` (e.g.
    ``"petition__inspection"``): its authority and its inspection, as every case record."""
    return AccessSpec(kind="case", authority=f"{inspection}__authority", inspection=f"{inspection}_id")


_TEAM_ON_INSPECTION = {r: "inspection" for r in TEAM_ROLES}

RULES: dict[str, dict[str, dict[str, str]]] = {
    # Accounts and role assignments: the security administrator only.
    "account": {
        "view": {SECADMIN: "tree"},
        "change": {SECADMIN: "tree"},
    },
    # The audit trail: the security auditor reads it; nobody changes it.
    "audit": {
        "view": {AUDITOR: "tree"},
        "change": {},
    },
    # Authorities themselves (the tree): visible to anyone working in them.
    "authority": {
        "view": {**{r: "tree" for r in AUTHORITY_ROLES}},
        "change": {},
    },
    # The organisation registry: reference data kept by the office.
    "registry": {
        "view": {
            OFFICE: "tree",
            OFFICE_HEAD: "tree",
            LEADING_GROUP: "tree",
            **{r: "own" for r in TEAM_ROLES},
            UNIT_LIAISON: "organization",
        },
        "change": {OFFICE: "own", OFFICE_HEAD: "own"},
    },
    # Settings the office edits (organisation kinds, receivers, deadlines).
    "config": {
        "view": {OFFICE: "own", OFFICE_HEAD: "own", LEADING_GROUP: "own", RECEIVER: "receiver"},
        "change": {OFFICE: "own", OFFICE_HEAD: "own"},
    },
    # Objections of an inspected unit to a team member (申请回避): the unit's liaison raises
    # them about its own inspection and reads the answer; the office decides.
    "objection": {
        "view": {OFFICE: "tree", OFFICE_HEAD: "tree", LEADING_GROUP: "tree", UNIT_LIAISON: "organization"},
        "change": {OFFICE: "own", OFFICE_HEAD: "own", UNIT_LIAISON: "organization"},
    },
    # Findings: case data, and the inspected unit's liaison reads them once fed back
    # (the condition is on the model's spec).
    "finding": {
        "view": {
            OFFICE: "tree",
            OFFICE_HEAD: "tree",
            LEADING_GROUP: "tree",
            **_TEAM_ON_INSPECTION,
            UNIT_LIAISON: "organization",
        },
        "change": {OFFICE: "own", OFFICE_HEAD: "own", **_TEAM_ON_INSPECTION},
    },
    # Feedback to the unit: the office issues it, the unit's liaison acknowledges it.
    "feedback": {
        "view": {
            OFFICE: "tree",
            OFFICE_HEAD: "tree",
            LEADING_GROUP: "tree",
            **_TEAM_ON_INSPECTION,
            UNIT_LIAISON: "organization",
        },
        "change": {OFFICE: "own", OFFICE_HEAD: "own", UNIT_LIAISON: "organization"},
    },
    # Leads on named people: the team leader (not the sealed ones), the office head, and the
    # receiver once transferred to it (conditions on the model's spec). Nobody else.
    "lead": {
        "view": {TEAM_LEADER: "inspection", OFFICE_HEAD: "tree", RECEIVER: "receiver"},
        "change": {TEAM_LEADER: "inspection", OFFICE_HEAD: "own"},
    },
    # Transfers to the receiving bodies: the office sends, the receiver confirms and answers.
    "transfer": {
        "view": {OFFICE: "tree", OFFICE_HEAD: "tree", LEADING_GROUP: "tree", RECEIVER: "receiver"},
        "change": {OFFICE: "own", OFFICE_HEAD: "own", RECEIVER: "receiver"},
    },
    # Rectification: the unit's liaison drafts its plan and reports progress on its own
    # organisation's; the office reviews, verifies and assesses; the team and the leading
    # group read. Which of these steps a role takes is the second table's (STEPS: plan.draft, …).
    "rectification": {
        "view": {
            OFFICE: "tree",
            OFFICE_HEAD: "tree",
            LEADING_GROUP: "tree",
            **_TEAM_ON_INSPECTION,
            UNIT_LIAISON: "organization",
        },
        "change": {OFFICE: "own", OFFICE_HEAD: "own", UNIT_LIAISON: "organization"},
    },
    # Datasets, their sources, the office's own rules and the runs (comparison): personal data of
    # the whole authority, the data officer's alone: not the office, the leading group or the 三员.
    "dataset": {
        "view": {DATA_OFFICER: "own"},
        "change": {DATA_OFFICER: "own"},
    },
    # A comparison's hits: the data officer's; a team reads a hit only once it has been confirmed
    # to its inspection (the condition is on the model's spec).
    "comparison_hit": {
        "view": {DATA_OFFICER: "own", **_TEAM_ON_INSPECTION},
        "change": {DATA_OFFICER: "own"},
    },
    # Case data: everything under an inspection. Later stages narrow it
    # further per model (leads, reporter identity) with their own kinds.
    "case": {
        "view": {OFFICE: "tree", OFFICE_HEAD: "tree", LEADING_GROUP: "tree", **_TEAM_ON_INSPECTION},
        "change": {OFFICE: "own", OFFICE_HEAD: "own", **_TEAM_ON_INSPECTION},
    },
}


@dataclass(frozen=True)
class Grant:
    role: str
    authority_id: int
    authority_path: str
    scope_id: int | None


def grants(user) -> list[Grant]:
    """The user's role assignments, read once per user object (so once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_xuncha_grants", None)
    if cached is None:
        from core.models import RoleAssignment

        cached = [
            Grant(ra.role, ra.authority_id, ra.authority.path, ra.scope_id)
            for ra in RoleAssignment.objects.filter(user=user).select_related("authority")
        ]
        user._xuncha_grants = cached
    return cached


def roles(user) -> set[str]:
    return {g.role for g in grants(user)}


def _tree_ids(user, path: str) -> list[int]:
    cache = user.__dict__.setdefault("_xuncha_tree", {})
    if path not in cache:
        from core.models import Authority

        cache[path] = list(Authority.objects.filter(path__startswith=path).values_list("id", flat=True))
    return cache[path]


def _spec(model) -> AccessSpec:
    spec = getattr(model, "access", None)
    if not isinstance(spec, AccessSpec):
        raise TypeError(f"{model.__name__} declares no AccessSpec; core.access cannot decide on it")
    return spec


def _grant_q(user, grant: Grant, reach: str, spec: AccessSpec) -> Q | None:
    q = _reach_q(user, grant, reach, spec)
    extra = spec.condition(grant.role, reach) if q is not None else None
    return q & extra if q is not None and extra is not None else q


def _reach_q(user, grant: Grant, reach: str, spec: AccessSpec) -> Q | None:
    if reach == "own":
        return Q(**{spec.authority: grant.authority_id}) if spec.authority else None
    if reach == "tree":
        if not spec.authority:
            return None
        q = Q(**{f"{spec.authority}__in": _tree_ids(user, grant.authority_path)})
        if grant.authority_path.count("/") == 2:
            # A root authority's reach also covers installation-wide records that belong to
            # no authority (failed logins of unknown account names, set-up events).
            q |= Q(**{f"{spec.authority}__isnull": True})
        return q
    path = getattr(spec, reach)
    if path is None or grant.scope_id is None:
        return None
    q = Q(**{path: grant.scope_id})
    if spec.authority:
        q &= Q(**{spec.authority: grant.authority_id})
    return q


def scope_q(user, model, action: str) -> Q | None:
    """The filter that narrows ``model`` to what ``user`` may ``action``; None for nothing."""
    spec = _spec(model)
    allowed = RULES[spec.kind].get(action, {})
    combined: Q | None = None
    for grant in grants(user):
        reach = allowed.get(grant.role)
        if reach is None:
            continue
        q = _grant_q(user, grant, reach, spec)
        if q is not None:
            combined = q if combined is None else combined | q
    return combined


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """Narrow ``queryset`` to the records ``user`` may ``action``."""
    q = scope_q(user, queryset.model, action)
    return queryset.none() if q is None else queryset.filter(q)


def check(user, action: str, obj: Model) -> None:
    """Raise unless ``user`` may ``action`` on ``obj``.

    ``Http404`` if the user may not even see it, ``PermissionDenied`` if they
    may see it but not ``action`` it.
    """
    if user is None:  # the system itself; see check_authority
        return
    model = type(obj)
    base = model._default_manager.filter(pk=obj.pk)
    if action == "view" or not restrict(base, user, action).exists():
        if not restrict(base, user, "view").exists():
            raise Http404
        if action != "view":
            raise PermissionDenied


def check_authority(user, action: str, model, authority) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may ``action`` records of ``model``
    at the level of ``authority`` (to create one there, say).

    ``user`` None is the system itself: a management command such as the demo
    loader or an installation's set-up. Pages and the API always pass a user.
    """
    if user is None:
        return
    if authority.pk not in authorities_for(user, action, model):
        raise PermissionDenied


def roles_on(user, obj: Model) -> set[str]:
    """The user's roles that reach ``obj`` (an office role on its authority, a team role on
    its inspection, …): for rules that depend on who acts, such as who may move a stage."""
    spec, model = _spec(type(obj)), type(obj)
    found: set[str] = set()
    for grant in grants(user):
        reach = ROLE_SCOPE.get(grant.role) or "own"
        q = _grant_q(user, grant, reach, spec)
        if q is not None and grant.role not in found and model._default_manager.filter(q, pk=obj.pk).exists():
            found.add(grant.role)
    return found


def scope_ids(user, role: str) -> list[int]:
    """The scopes (inspections, organisations, receivers) on which ``user`` holds ``role``."""
    return sorted({g.scope_id for g in grants(user) if g.role == role and g.scope_id is not None})


def can(user, action: str, model) -> bool:
    """Whether the user holds any role that may ``action`` some records of ``model``.

    For menus and buttons; the records themselves are still narrowed by ``restrict``.
    """
    spec = _spec(model)
    allowed = RULES[spec.kind].get(action, {})
    return any(g.role in allowed and _reachable(allowed[g.role], spec) for g in grants(user))


def _reachable(reach: str, spec: AccessSpec) -> bool:
    """Whether a grant of this reach can match any record of a model with this spec
    (a team role reaches nothing of a model that has no path to an inspection)."""
    return bool(spec.authority) if reach in ("own", "tree") else getattr(spec, reach) is not None


def authorities_for(user, action: str, model) -> list[int]:
    """Authorities in which the user may ``action`` records of ``model`` at authority level.

    Used to decide where a new record may be created.
    """
    allowed = RULES[_spec(model).kind].get(action, {})
    ids: list[int] = []
    for g in grants(user):
        reach = allowed.get(g.role)
        if reach == "own":
            ids.append(g.authority_id)
        elif reach == "tree":
            ids.extend(_tree_ids(user, g.authority_path))
    return sorted(set(ids))


# Who may take which step ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """The roles that take one step of the work. A role counts when the user holds it on the
    record asked about (``roles_on``: an office role on its authority, a team role on its
    inspection, a liaison on its organisation, a receiver on its transfer), or, with
    ``through``, on one of the records ``through(record)`` gives (a look-back team reads the
    inspection it revisits through the look-back inspection it is the team of)."""

    roles: frozenset[str]
    through: Callable[[Model], Iterable[Model]] | None = None


def _step(*roles: str | Iterable[str], through=None) -> Step:
    flat: set[str] = set()
    for r in roles:
        flat.update({r} if isinstance(r, str) else r)
    return Step(frozenset(flat), through)


_TEAM = frozenset(TEAM_ROLES)
_REVISITED_BY = lambda inspection: inspection.lookbacks.all()  # noqa: E731 (look-backs revisiting it)

STEPS: dict[str, Step] = {
    "system.status": _step(SYSADMIN),  # the system administrator's status page
    # planning: moving an inspection into each stage (planning.stages)
    "inspection.advance.onsite": _step(OFFICE_ROLES),
    "inspection.advance.reporting": _step(OFFICE_ROLES, TEAM_LEADER),
    "inspection.advance.feedback": _step(OFFICE_ROLES),
    "inspection.advance.rectification": _step(OFFICE_ROLES),
    "inspection.advance.archived": _step(OFFICE_ROLES),
    "document.number": _step(OFFICE_ROLES),  # the office gives official documents their numbers
    "objection.raise": _step(UNIT_LIAISON),  # the inspected unit objects to a team member
    "objection.read_all": _step(OFFICE_ROLES, LEADING_GROUP),
    "objection.decide": _step(OFFICE_ROLES),
    # onsite: petitions, talks, working papers
    "petition.designate_intake": _step(TEAM_LEADER, OFFICE_ROLES),
    "petition.read_identity": _step(TEAM_INTAKE),
    # talk notes, and the attachments of talks
    "interview.read_notes": _step(OFFICE_ROLES, _TEAM),
    "paper.review": _step(TEAM_LEADER, TEAM_DEPUTY),
    # the office reviews the papers the team leader wrote (onsite.papers)
    "paper.review_leaders_paper": _step(OFFICE_ROLES),
    # results: the report and its approval chain, feedback, leads, transfers
    "report.create": _step(_TEAM),
    "report.edit": _step(_TEAM, OFFICE_ROLES),
    "report.submit": _step(TEAM_LEADER),
    "report.read_special": _step(TEAM_LEADER, OFFICE_HEAD),
    "report.decide.team_meeting": _step(TEAM_LEADER),
    "report.decide.office_review": _step(OFFICE_ROLES),
    "report.decide.leading_group": _step(LEADING_GROUP, OFFICE_HEAD),
    "report.decide.secretary": _step(OFFICE_HEAD),
    "feedback.issue": _step(OFFICE_ROLES),
    "feedback.acknowledge": _step(UNIT_LIAISON),  # the unit signs for it (签收)
    # the feedback to the leadership and to the head, before it is issued
    "feedback.read_internal": _step(OFFICE_ROLES, _TEAM),
    # the public version: masking opens the leads' names (results.feedback_documents)
    "feedback.read_public_draft": _step(OFFICE_HEAD),
    "lead.record": _step(TEAM_LEADER, OFFICE_HEAD),
    "transfer.send": _step(OFFICE_ROLES),
    "transfer.send_leads": _step(OFFICE_HEAD),  # only the head sees every lead
    "transfer.answer": _step(RECEIVER),
    # rectification: the unit drafts its plan and reports on its tasks; the office reviews the
    # plan, verifies each task and assesses the whole (rectification's services)
    "plan.draft": _step(UNIT_LIAISON),
    "plan.review": _step(OFFICE_ROLES),
    "plan.assess": _step(OFFICE_ROLES),
    "task.report": _step(UNIT_LIAISON),
    "task.verify": _step(OFFICE_ROLES),
    "plan.read_report": _step(OFFICE_ROLES, LEADING_GROUP, _TEAM, UNIT_LIAISON),  # the rectification report
    "lookback.record": _step(TEAM_LEADER, TEAM_DEPUTY, OFFICE_ROLES),
    "lookback.read_revisited": _step(_TEAM, through=_REVISITED_BY),
    # comparison: datasets, runs, hits and the office's own rules (decision 0008)
    "dataset.upload": _step(DATA_OFFICER),
    "comparison.run": _step(DATA_OFFICER),
    "hit.confirm": _step(DATA_OFFICER),
    "hit.dismiss": _step(DATA_OFFICER),
    "rule.write": _step(DATA_OFFICER),
}


def may(user, action: str, obj: Model, *, held: set[str] | None = None) -> bool:
    """Whether ``user`` holds a role that takes step ``action`` on ``obj``.

    ``held``: the user's ``roles_on(user, obj)`` when the caller has them already (one query
    for several questions). An unknown ``action`` is a ``KeyError``: a misspelt step is a bug.
    """
    step = STEPS[action]
    if user is None:
        return False
    if step.through is not None:
        return any(roles_on(user, other) & step.roles for other in step.through(obj))
    return bool((roles_on(user, obj) if held is None else held) & step.roles)


def require(user, action: str, obj: Model) -> None:
    """For services: ``Http404`` if ``obj`` is out of ``user``'s sight, ``PermissionDenied``
    unless ``user`` takes step ``action`` on it. ``user`` None is the system itself."""
    if user is None:
        return
    check(user, "view", obj)
    if not may(user, action, obj):
        raise PermissionDenied


def may_somewhere(user, action: str) -> bool:
    """Whether ``user`` holds any role that takes step ``action`` on some record: for menus
    and lists; each record is still asked with ``may``."""
    return bool(roles(user) & STEPS[action].roles)


def step_authorities(user, action: str) -> set[int]:
    """The authorities on whose records ``user`` takes ``action`` through a role over the whole
    authority (an office role): for lists and to-dos, one set instead of a question per row."""
    allowed = STEPS[action].roles
    return {g.authority_id for g in grants(user) if g.role in allowed and ROLE_SCOPE.get(g.role) is None}


def step_scopes(user, action: str) -> set[tuple[int, int]]:
    """``(authority_id, scope_id)`` of each scoped grant (an inspection, an organisation, a
    receiver) through which ``user`` takes ``action``: for lists, as ``step_authorities``."""
    allowed = STEPS[action].roles
    return {(g.authority_id, g.scope_id) for g in grants(user) if g.role in allowed and g.scope_id is not None}


def step_roles(action: str) -> frozenset[str]:
    """The roles that take step ``action`` (for queries that select by role)."""
    return STEPS[action].roles


# Pages that are not about one record (a list, a desk, a template): a user none of whose roles
# opens one is told which roles do. That names no record, so it reveals nothing a 404 hides;
# a record out of sight still answers 404 through ``check`` and ``restrict``.


class PageRefused(PermissionDenied):
    """A page none of the user's roles opens; ``roles`` are those that open it (for the 403 page)."""

    def __init__(self, roles: Iterable[str]):
        self.roles = tuple(roles)
        super().__init__("page_refused")


def page_roles(action: str, model, *, authority_wide: bool = False) -> tuple[str, ...]:
    """The roles that may ``action`` some records of ``model`` (the table ``RULES``); with
    ``authority_wide``, only those that reach a whole authority (``authorities_for``)."""
    spec = _spec(model)
    allowed = RULES[spec.kind].get(action, {})
    reaches = ("own", "tree") if authority_wide else ("own", "tree", "inspection", "organization", "receiver")
    return tuple(role for role, reach in allowed.items() if reach in reaches and _reachable(reach, spec))


def require_page(user, action: str, model) -> None:
    """``PageRefused`` unless ``can(user, action, model)``: for a page listing ``model``."""
    if not can(user, action, model):
        raise PageRefused(page_roles(action, model))


def require_page_step(user, action: str) -> None:
    """``PageRefused`` unless the user takes step ``action`` somewhere: for a page of that step."""
    if not may_somewhere(user, action):
        raise PageRefused(STEPS[action].roles)
