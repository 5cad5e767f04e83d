"""The inspector pool (巡察人才库): people who can serve on teams, with the history the
conflict check reads (work and study, relatives) and the conflicts they declare."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import access
from core.audit import audit_record
from planning.models import Inspector, InspectorDeclaration, InspectorRecord, InspectorRelative
from registry.models import Organization

PROFILE_FIELDS = ("name", "unit", "post", "education")


def unit_organization_match(authority_id: int, name: str) -> Organization | None:
    """The registry organisation named exactly ``name`` in the authority's registry: the one
    active organisation of that name, or else the one organisation of that name; None when
    there is none or the name is ambiguous (the text then stays the free-text fallback)."""
    named = list(Organization.objects.filter(authority_id=authority_id, name=name.strip())) if name.strip() else []
    active = [o for o in named if o.status == Organization.Status.ACTIVE]
    match = active or named
    return match[0] if len(match) == 1 else None


def _unit(authority_id: int, unit: str, unit_organization, errors: dict) -> tuple[str, Organization | None]:
    """The unit's text and organisation from what was entered: a registry organisation chosen
    (its name is the text), or else the text, matched to the registry by name."""
    unit = (unit or "").strip()
    if unit_organization is not None:
        if unit_organization.authority_id != authority_id:
            errors["unit_organization"] = [ValidationError("所选单位不属于本机构名册。", code="unknown_reference")]
            return unit, None
        return unit_organization.name, unit_organization
    if not unit:
        errors["unit"] = ["请从名册选择所在单位，或填写单位名称。"]
        return unit, None
    return unit, unit_organization_match(authority_id, unit)


def inspector_create(
    *,
    actor,
    authority,
    name: str,
    unit: str = "",
    unit_organization: Organization | None = None,
    post: str = "",
    education: str = "",
    records=(),
    relatives=(),
) -> Inspector:
    """Add a person to the pool with their history; the office of ``authority`` only.

    The current unit is ``unit_organization`` (a registry organisation) or, failing that,
    ``unit`` as text, linked to the registry organisation of exactly that name if there is one:
    the conflict check's first rule compares it with the inspected organisation.
    """
    access.check_authority(actor, "change", Inspector, authority)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not name.strip():
        errors["name"] = ["请填写姓名。"]
    unit, unit_organization = _unit(authority.pk, unit, unit_organization, errors)
    for i, r in enumerate(records, start=1):
        if r.get("end_on") and r["end_on"] < r["start_on"]:
            errors.setdefault("records", []).append(
                ValidationError(f"第 {i} 条经历的截止日期早于起始日期。", code="out_of_scope_date")
            )
        if r.get("kind", "work") not in InspectorRecord.Kind.values:
            errors.setdefault("records", []).append(
                ValidationError(f"第 {i} 条经历的类别无效。", code="unknown_choice")
            )
    inspector = Inspector(
        authority=authority,
        name=name.strip(),
        unit=unit,
        unit_organization=unit_organization,
        post=post,
        education=education,
    )
    try:
        inspector.full_clean()  # lengths, on every database (SQLite does not enforce them)
    except ValidationError as e:
        for field, field_errors in e.error_dict.items():
            errors.setdefault(field, field_errors)  # a field's own message above comes first
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspector.save()
        for r in records:
            org = r.get("organization")
            InspectorRecord.objects.create(
                inspector=inspector,
                kind=r.get("kind", "work"),
                organization=org,
                organization_name=r.get("organization_name") or (org.name if org else ""),
                post=r.get("post", ""),
                start_on=r["start_on"],
                end_on=r.get("end_on"),
            )
        for rel in relatives:
            org = rel.get("organization")
            InspectorRelative.objects.create(
                inspector=inspector,
                name=rel["name"],
                relation=rel["relation"],
                organization=org,
                organization_name=rel.get("organization_name") or (org.name if org else ""),
            )
        audit_record(
            actor=actor,
            action="inspector.create",
            obj=inspector,
            detail={"records": len(records), "relatives": len(relatives)},
        )
    return inspector


def inspector_update(*, actor, inspector: Inspector, **values) -> Inspector:
    """Change the profile (``PROFILE_FIELDS`` and ``unit_organization``). The unit is set as in
    ``inspector_create``: the organisation chosen, or else the text matched by name."""
    access.check(actor, "change", inspector)
    before = {f: getattr(inspector, f) for f in PROFILE_FIELDS}
    for field, value in values.items():
        if field in PROFILE_FIELDS:
            setattr(inspector, field, (value or "").strip())
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not inspector.name:
        errors["name"] = ["请填写姓名。"]
    if "unit_organization" in values or "unit" in values:
        inspector.unit, inspector.unit_organization = _unit(
            inspector.authority_id, inspector.unit, values.get("unit_organization"), errors
        )
    if errors:
        raise ValidationError(errors)
    inspector.full_clean()
    changes = {f: [before[f], getattr(inspector, f)] for f in PROFILE_FIELDS if before[f] != getattr(inspector, f)}
    with transaction.atomic():
        inspector.save()
        audit_record(actor=actor, action="inspector.update", obj=inspector, detail={"changes": changes})
    return inspector


def _record_errors(kind, start_on, end_on, organization, organization_name) -> dict:
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if kind not in InspectorRecord.Kind.values:
        errors["kind"] = [ValidationError("类别无效。", code="unknown_choice")]
    if start_on is None:
        errors["start_on"] = ["请填写起始日期。"]
    elif start_on > timezone.localdate():
        errors["start_on"] = [ValidationError("起始日期不能晚于今天。", code="out_of_scope_date")]
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = [ValidationError("截止日期不能早于起始日期。", code="out_of_scope_date")]
    if organization is None and not organization_name.strip():
        errors["organization_name"] = ["请选择名册中的单位，或填写单位名称。"]
    return errors


def inspector_record_add(
    *,
    actor,
    inspector: Inspector,
    kind: str,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    organization=None,
    organization_name: str = "",
    post: str = "",
) -> InspectorRecord:
    """A work or study period (the conflict rules read these against the registry)."""
    access.check(actor, "change", inspector)
    if organization is not None and organization.authority_id != inspector.authority_id:
        raise ValidationError(
            {"organization": [ValidationError("所选单位不属于本机构名册。", code="unknown_reference")]}
        )
    if errors := _record_errors(kind, start_on, end_on, organization, organization_name):
        raise ValidationError(errors)
    with transaction.atomic():
        record = InspectorRecord.objects.create(
            inspector=inspector,
            kind=kind,
            organization=organization,
            organization_name=organization_name.strip() or (organization.name if organization else ""),
            post=post.strip(),
            start_on=start_on,
            end_on=end_on,
        )
        audit_record(
            actor=actor,
            action="inspector.record_add",
            obj=inspector,
            detail={"kind": kind, "organization": record.organization_name, "start_on": start_on.isoformat()},
        )
    return record


def inspector_relative_add(
    *, actor, inspector: Inspector, name: str, relation: str, organization=None, organization_name: str = ""
) -> InspectorRelative:
    access.check(actor, "change", inspector)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not name.strip():
        errors["name"] = ["请填写亲属姓名。"]
    if not relation.strip():
        errors["relation"] = ["请填写与本人关系。"]
    if organization is not None and organization.authority_id != inspector.authority_id:
        errors["organization"] = [ValidationError("所选单位不属于本机构名册。", code="unknown_reference")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        relative = InspectorRelative.objects.create(
            inspector=inspector,
            name=name.strip(),
            relation=relation.strip(),
            organization=organization,
            organization_name=organization_name.strip() or (organization.name if organization else ""),
        )
        audit_record(actor=actor, action="inspector.relative_add", obj=inspector, detail={"relation": relation})
    return relative


def inspector_declaration_add(*, actor, inspector: Inspector, organization, reason: str) -> InspectorDeclaration:
    """A conflict declared about an organisation: by the office, or by the inspector themself."""
    own = actor is not None and inspector.user_id is not None and inspector.user_id == actor.pk
    if not own:
        access.check(actor, "change", inspector)
    if organization.authority_id != inspector.authority_id:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": ["请写明需要回避的事由。"]})
    if len(reason.strip()) > 200:
        raise ValidationError({"reason": ["事由不超过 200 字。"]})
    with transaction.atomic():
        declaration = InspectorDeclaration.objects.create(
            inspector=inspector, organization=organization, reason=reason.strip()
        )
        audit_record(
            actor=actor,
            action="inspector.declare",
            obj=inspector,
            authority=inspector.authority,
            detail={"organization": organization.name, "by_self": own},
        )
    return declaration
