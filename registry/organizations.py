"""The organisation registry: its writes (each with its audit event) and its reads (narrowed
by the access module)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.forms import is_id
from core.models import Authority
from registry.models import CODE_RE, DEFAULT_KINDS, Organization, OrganizationKind, OrganizationLeader

EDITABLE_FIELDS = ("code", "name", "kind", "parent", "status", "established_on", "ended_on", "merged_into", "note")


def organization_kinds_seed(*, authority: Authority) -> None:
    """Give a new authority the default kinds (idempotent)."""
    for order, (name, is_village) in enumerate(DEFAULT_KINDS, start=1):
        OrganizationKind.objects.get_or_create(
            authority=authority, name=name, defaults={"order": order * 10, "is_village": is_village}
        )


def organization_kind_create(*, actor, authority: Authority, name: str, is_village: bool = False) -> OrganizationKind:
    access.check_authority(actor, "change", OrganizationKind, authority)
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["请填写类别名称。"]})
    if OrganizationKind.objects.filter(authority=authority, name=name).exists():
        raise ValidationError({"name": [ValidationError("该类别已存在。", code="duplicate")]})
    with transaction.atomic():
        last = OrganizationKind.objects.filter(authority=authority).order_by("-order").first()
        kind = OrganizationKind.objects.create(
            authority=authority, name=name, is_village=is_village, order=(last.order + 10) if last else 10
        )
        audit_record(actor=actor, action="organization_kind.create", obj=kind)
    return kind


def _validate(org: Organization) -> None:
    """Field and cross-field rules, with Chinese messages keyed by field."""
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if org.kind_id and org.kind.authority_id != org.authority_id:
        errors["kind"] = [ValidationError("单位类别不属于本机构。", code="unknown_reference")]
    for field in ("parent", "merged_into"):
        other = getattr(org, field)
        if other is not None and other.authority_id != org.authority_id:
            errors[field] = [ValidationError("所选单位不属于本机构。", code="unknown_reference")]
        elif other is not None and org.pk is not None and other.pk == org.pk:
            errors[field] = ["不能选择单位自身。"]
    if org.parent is not None and org.pk is not None and "parent" not in errors:
        seen = {org.pk}
        node: Organization | None = org.parent
        while node is not None:
            if node.pk in seen:
                errors["parent"] = ["上级单位不能是本单位的下级（会形成循环）。"]
                break
            seen.add(node.pk)
            node = node.parent
    if org.code and not CODE_RE.match(org.code):
        errors["code"] = ["单位编码只能由字母、数字、点、横线和下划线组成，最长 40 位。"]
    errors.update(status_errors(org.status, org.established_on, org.ended_on, org.merged_into_id or org.merged_into))
    if errors:
        raise ValidationError(errors)
    org.full_clean(exclude=["kind", "parent", "merged_into", "authority"], validate_unique=False)
    clash = Organization.objects.filter(authority_id=org.authority_id, code=org.code).exclude(pk=org.pk)
    if clash.exists():
        raise ValidationError({"code": [ValidationError("该单位编码已被使用。", code="duplicate")]})


def status_errors(status, established_on, ended_on, merged_into) -> dict[str, list]:
    """The life-cycle rules shared by the form and the import."""
    S = Organization.Status
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if status in (S.MERGED, S.DISSOLVED) and not ended_on:
        errors["ended_on"] = ["已合并或已撤销的单位须填写撤销或并入日期。"]
    if status == S.MERGED and not merged_into:
        errors["merged_into"] = ["已合并的单位须填写并入单位。"]
    if status == S.ACTIVE and ended_on:
        errors["ended_on"] = ["状态为正常的单位不应填写撤销或并入日期。"]
    if status != S.MERGED and merged_into:
        errors["merged_into"] = ["只有已合并的单位才填写并入单位。"]
    if isinstance(established_on, datetime.date) and isinstance(ended_on, datetime.date) and ended_on < established_on:
        errors["ended_on"] = [ValidationError("撤销或并入日期不能早于成立日期。", code="out_of_scope_date")]
    return errors


def organization_create(*, actor, authority: Authority, **fields) -> Organization:
    """Create an organisation in ``authority``; the office of that authority only."""
    access.check_authority(actor, "change", Organization, authority)
    org = Organization(authority=authority, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    if isinstance(org.code, str):
        org.code = org.code.strip()
    _validate(org)
    with transaction.atomic():
        org.save()
        audit_record(actor=actor, action="organization.create", obj=org, detail=organization_snapshot(org))
    return org


def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    """Change fields of an organisation; records what changed."""
    access.check(actor, "change", organization)
    before = organization_snapshot(organization)
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(organization, key, value.strip() if key == "code" and isinstance(value, str) else value)
    _validate(organization)
    after = organization_snapshot(organization)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return organization
    with transaction.atomic():
        organization.save()
        audit_record(actor=actor, action="organization.update", obj=organization, detail={"changes": changes})
    return organization


def organization_snapshot(org: Organization) -> dict:
    """The fields an audit event records, with references by code."""
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind.name if org.kind_id else None,
        "parent": org.parent.code if org.parent is not None else None,
        "status": org.status,
        "established_on": org.established_on.isoformat() if org.established_on else None,
        "ended_on": org.ended_on.isoformat() if org.ended_on else None,
        "merged_into": org.merged_into.code if org.merged_into is not None else None,
        "note": org.note,
    }


LEADER_FIELDS = ("name", "post", "start_on", "end_on")


def _leader_validate(leader: OrganizationLeader) -> None:
    """The rules for a tenure, with Chinese messages keyed by field.

    A tenure starts no later than today and ends no earlier than it starts; the same person
    may not hold the same post in the same organisation twice over an overlapping period
    (an open tenure runs on without end).
    """
    today = timezone.localdate()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    leader.name = leader.name.strip() if isinstance(leader.name, str) else leader.name
    leader.post = leader.post.strip() if isinstance(leader.post, str) else leader.post
    if not leader.name:
        errors["name"] = ["请填写姓名。"]
    if not leader.post:
        errors["post"] = ["请填写职务。"]
    if not isinstance(leader.start_on, datetime.date):
        errors["start_on"] = ["请填写任职起始日期。"]
    elif leader.start_on > today:
        errors["start_on"] = [ValidationError("任职起始日期不能晚于今天。", code="out_of_scope_date")]
    if leader.end_on is not None and isinstance(leader.start_on, datetime.date):
        if leader.end_on < leader.start_on:
            errors["end_on"] = [ValidationError("离任日期不能早于任职起始日期。", code="out_of_scope_date")]
        elif leader.end_on > today:
            errors["end_on"] = [ValidationError("离任日期不能晚于今天。", code="out_of_scope_date")]
    if errors:
        raise ValidationError(errors)
    leader.full_clean(exclude=["organization"], validate_unique=False)
    same = OrganizationLeader.objects.filter(
        organization_id=leader.organization_id, name=leader.name, post=leader.post
    ).exclude(pk=leader.pk)
    if leader.end_on is not None:
        same = same.filter(start_on__lte=leader.end_on)
    clash = same.exclude(end_on__lt=leader.start_on).order_by("-start_on").first()
    if clash is not None:
        until = f"{clash.end_on:%Y-%m-%d}" if clash.end_on else "至今"
        raise ValidationError(
            {
                "name": [
                    ValidationError(
                        f"{clash.name}已任{clash.post}（{clash.start_on:%Y-%m-%d} 至 {until}），"
                        "与本次填写的任职期间重叠。"
                        + ("如其已离任，请先记录离任日期；" if clash.end_on is None else "")
                        + "如原记录有误，请更正原记录。",
                        code="duplicate",
                    )
                ]
            }
        )


def leader_snapshot(leader: OrganizationLeader) -> dict:
    """The fields an audit event records."""
    return {
        "organization": leader.organization.code,
        "name": leader.name,
        "post": leader.post,
        "start_on": leader.start_on.isoformat() if leader.start_on else None,
        "end_on": leader.end_on.isoformat() if leader.end_on else None,
    }


def organization_leader_add(
    *,
    actor,
    organization: Organization,
    name: str,
    post: str,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
) -> OrganizationLeader:
    """Record that ``name`` holds (or held) ``post`` in ``organization`` from ``start_on``.

    The office of the organisation's authority only: ``Http404`` if the organisation is out of
    the actor's sight, ``PermissionDenied`` if it is only visible; ``ValidationError`` on the rules
    of ``_leader_validate``.
    """
    access.check(actor, "change", organization)
    leader = OrganizationLeader(organization=organization, name=name, post=post, start_on=start_on, end_on=end_on)
    _leader_validate(leader)
    with transaction.atomic():
        leader.save()
        audit_record(
            actor=actor,
            action="organization_leader.add",
            obj=leader,
            authority=organization.authority,
            detail=leader_snapshot(leader),
        )
    return leader


def organization_leader_end(*, actor, leader: OrganizationLeader, end_on: datetime.date | None) -> OrganizationLeader:
    """Record that the leader left the post on ``end_on``; a tenure already ended is corrected
    with ``organization_leader_update`` instead."""
    access.check(actor, "change", leader)
    if end_on is None:
        raise ValidationError({"end_on": ["请填写离任日期。"]})
    if leader.end_on is not None:
        raise ValidationError(
            {
                "end_on": [
                    ValidationError(f"已记录于 {leader.end_on:%Y-%m-%d} 离任；如有误，请更正该记录。", code="duplicate")
                ]
            }
        )
    leader.end_on = end_on
    try:
        _leader_validate(leader)
    except ValidationError:
        leader.end_on = None
        raise
    with transaction.atomic():
        leader.save(update_fields=["end_on"])
        audit_record(
            actor=actor,
            action="organization_leader.end",
            obj=leader,
            authority=leader.organization.authority,
            detail={"name": leader.name, "post": leader.post, "end_on": end_on.isoformat()},
        )
    return leader


def organization_leader_update(*, actor, leader: OrganizationLeader, **fields) -> OrganizationLeader:
    """Correct a tenure (name, post, start_on, end_on) under the rules of ``organization_leader_add``;
    records what changed. Tenures are never deleted: the history is kept."""
    access.check(actor, "change", leader)
    before = leader_snapshot(leader)
    stored = {f: getattr(leader, f) for f in LEADER_FIELDS}
    for key, value in fields.items():
        if key in LEADER_FIELDS:
            setattr(leader, key, value)
    try:
        _leader_validate(leader)
    except ValidationError:
        for key, value in stored.items():
            setattr(leader, key, value)
        raise
    after = leader_snapshot(leader)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return leader
    with transaction.atomic():
        leader.save()
        audit_record(
            actor=actor,
            action="organization_leader.update",
            obj=leader,
            authority=leader.organization.authority,
            detail={"changes": changes},
        )
    return leader


def _id(value) -> int | None:
    """A filter id from a query string; anything else filters nothing."""
    return int(value) if isinstance(value, int) or is_id(value) else None


def organizations_for(*, user, action="view", search=None, kind=None, status=None, parent=None):
    """Organisations the user may see (or change), filtered as on the registry page.

    Filters that are not ids (a hand-edited URL) are ignored rather than failing.
    """
    qs: QuerySet[Organization] = Organization.objects.select_related("kind", "parent", "merged_into", "authority")
    qs = access.restrict(qs, user, action)
    kind, parent = _id(kind), _id(parent)
    if status not in (None, "", *Organization.Status.values):
        status = None
    if search:
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(code__icontains=search.strip()))
    if kind:
        qs = qs.filter(kind_id=kind)
    if status:
        qs = qs.filter(status=status)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("authority__path", "code")


def organization_kinds_for(*, user, authority_id=None):
    qs = access.restrict(OrganizationKind.objects.all(), user, "view")
    if authority_id:
        qs = qs.filter(authority_id=authority_id)
    return qs


def organization_leaders_for(*, user, organization):
    """The organisation's leaders the user may see: those in post first, then those who left."""
    return access.restrict(OrganizationLeader.objects.filter(organization=organization).current_first(), user, "view")
