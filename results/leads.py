"""Leads (问题线索): a named person and what they are suspected of.

Who and what (name, post, details) exist only sealed (``core.crypto.seal_json`` into
``Lead.subject``); nothing else holds them in plain text, the audit trail included (its
events name the lead's id and category only). Every read of a subject is an audit event
(``lead.read``).

Who sees a lead is ``core.access`` (kind "lead"): the team leader of the inspection (not
the sealed ones), the office head, and the receiver once the lead is transferred to it.
A lead on a senior leader may be sealed (封存): until it is transferred only the office
head sees it, not even the team leader who recorded it.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from core import access
from core.audit import audit_record
from core.crypto import seal_json, unseal_json
from onsite.models import Finding
from planning.models import Inspection
from results.models import Lead

NAME_MAX, POST_MAX, DETAILS_MAX = 50, 100, 5000
SUBJECT_FIELDS = ("name", "post", "details")


# Reads ---------------------------------------------------------------------------------


def leads_for(*, user, inspection: Inspection | None = None, category: str = ""):
    """Leads the user may see (never their subjects: read those with ``lead_subjects``)."""
    qs = Lead.objects.select_related("inspection__organization", "inspection__round__term", "finding")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if category:
        qs = qs.filter(category=category)
    # A receiver reaches a lead through its transfers; a lead transferred twice would repeat.
    return access.restrict(qs, user, "view").distinct()


def may_view_leads(user, inspection: Inspection) -> bool:
    """Whether ``user`` holds a role that sees leads of ``inspection`` (its team leader, the office head)."""
    return inspection.authority_id in access.authorities_for(user, "view", Lead) or inspection.pk in access.scope_ids(
        user, access.TEAM_LEADER
    )


def may_view_leads_somewhere(user) -> bool:
    """Whether ``user`` holds a role that sees leads of some inspection (for the menu)."""
    return bool(access.authorities_for(user, "view", Lead) or access.scope_ids(user, access.TEAM_LEADER))


def lead_inspections_for(*, user):
    """The inspections whose leads page ``user`` opens (as ``may_view_leads``), newest round
    first, and {inspection id: (leads the user sees, of which not yet transferred)}."""
    authorities = access.authorities_for(user, "view", Lead)
    led = access.scope_ids(user, access.TEAM_LEADER)
    qs = (
        access.restrict(Inspection.objects.all(), user, "view")
        .filter(Q(authority_id__in=authorities) | Q(pk__in=led))
        .select_related("round__term", "organization", "team")
        .order_by("-round__term__start_on", "-round__number", "organization__code")
    )
    visible = leads_for(user=user).filter(inspection__in=qs)
    total = Counter(i for _, i in visible.values_list("pk", "inspection_id"))
    untransferred = Counter(i for _, i in visible.filter(transfers__isnull=True).values_list("pk", "inspection_id"))
    return qs, {i: (n, untransferred[i]) for i, n in total.items()}


def lead_subjects(*, actor, leads) -> dict[int, dict]:
    """The unsealed subjects (``{"name", "post", "details"}``) of ``leads``, by lead id.

    Each lead must be visible to ``actor`` (``Http404`` otherwise); each read is a
    ``lead.read`` audit event naming the lead and its category only.
    """
    leads = list(leads)
    if not leads:
        return {}
    ids = [x.pk for x in leads]
    visible = set(access.restrict(Lead.objects.filter(pk__in=ids), actor, "view").values_list("pk", flat=True))
    if any(lead.pk not in visible for lead in leads):
        raise Http404
    out = {}
    with transaction.atomic():
        for lead in leads:
            data = unseal_json(lead.subject)
            out[lead.pk] = {f: data.get(f, "") for f in SUBJECT_FIELDS}
            audit_record(
                actor=actor,
                action="lead.read",
                obj=lead,
                authority=lead.authority_id,
                detail={"lead": lead.pk, "category": lead.category},
            )
    return out


# Writes --------------------------------------------------------------------------------


def lead_create(
    *,
    actor,
    inspection: Inspection,
    category: str,
    name: str,
    post: str = "",
    details: str,
    senior: bool = False,
    sealed: bool = False,
    finding: Finding | None = None,
) -> Lead:
    """Record a lead on ``inspection``: its team leader or the office head does.

    Raises ``Http404`` if the actor cannot see the inspection, ``PermissionDenied`` if they
    may see it but not record leads on it, ``ValidationError`` for missing or bad fields
    (only a lead on a senior leader may be sealed; the finding must be of this inspection).
    """
    access.require(actor, "lead.record", inspection)
    name, post, details = (name or "").strip(), (post or "").strip(), (details or "").strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if category not in Lead.Category.values:
        errors["category"] = ["请选择线索类别。"]
    if not name:
        errors["name"] = ["请填写被反映人姓名。"]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"姓名不超过 {NAME_MAX} 字。"]
    if len(post) > POST_MAX:
        errors["post"] = [f"职务不超过 {POST_MAX} 字。"]
    if not details:
        errors["details"] = ["请写明反映的主要问题。"]
    elif len(details) > DETAILS_MAX:
        errors["details"] = [f"问题描述不超过 {DETAILS_MAX} 字。"]
    if sealed and not senior:
        errors["sealed"] = ["只有涉及领导干部的线索可以封存。"]
    if finding is not None and finding.inspection_id != inspection.pk:
        errors["finding"] = [ValidationError("所选问题不属于本次巡察。", code="unknown_reference")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lead = Lead.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            finding=finding,
            category=category,
            subject=seal_json({"name": name, "post": post, "details": details}),
            senior=bool(senior),
            sealed=bool(sealed),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="lead.create",
            obj=lead,
            authority=inspection.authority,
            detail={"lead": lead.pk, "category": lead.category},
        )
    return lead
