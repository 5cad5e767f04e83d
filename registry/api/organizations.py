from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from core import access
from core.api.common import ErrorOut, PatchIn, page
from core.models import Authority
from registry.importing import organizations_import
from registry.models import Organization, OrganizationKind
from registry.organizations import (
    organization_create,
    organization_leader_add,
    organization_leader_end,
    organization_leaders_for,
    organization_update,
    organizations_for,
)

OPERATION_ID_PREFIX = "registry_api"  # its operation ids from before it moved here

router = Router(tags=["党组织名册"])


class OrganizationOut(Schema):
    id: int
    authority_id: int
    code: str
    name: str
    kind: str
    kind_id: int
    parent_id: int | None
    status: str
    status_label: str
    established_on: date | None
    ended_on: date | None
    merged_into_id: int | None
    note: str

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.name

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    count: int


class OrganizationIn(Schema):
    code: str
    name: str
    kind_id: int
    parent_id: int | None = None
    status: str = "active"
    established_on: date | None = None
    ended_on: date | None = None
    merged_into_id: int | None = None
    note: str = ""
    authority_id: int | None = None


class OrganizationPatch(PatchIn):
    code: str | None = None
    name: str | None = None
    kind_id: int | None = None
    parent_id: int | None = None
    status: str | None = None
    established_on: date | None = None
    ended_on: date | None = None
    merged_into_id: int | None = None
    note: str | None = None


def _resolve_refs(user, authority_id: int, data: dict) -> dict:
    """Turn ids into objects the user may see, in the same authority; unknown ids are field errors."""
    fields = {}
    errors = {}
    for key, value in data.items():
        if value is None and key in ("code", "name", "kind_id", "status", "note"):
            errors[key.removesuffix("_id")] = ["不能为空。"]
        elif key == "kind_id":
            kind = OrganizationKind.objects.filter(pk=value, authority_id=authority_id).first()
            if kind is None:
                errors["kind"] = [ValidationError("单位类别不存在。", code="unknown_reference")]
            fields["kind"] = kind
        elif key in ("parent_id", "merged_into_id"):
            name = key[:-3]
            if value is None:
                fields[name] = None
                continue
            other = organizations_for(user=user).filter(pk=value, authority_id=authority_id).first()
            if other is None:
                errors[name] = [ValidationError("所选单位不存在。", code="unknown_reference")]
            fields[name] = other
        elif key != "authority_id":
            fields[key] = value
    if errors:
        raise ValidationError(errors)
    return fields


@router.get("", response=OrganizationPage)
def organization_list(
    request,
    search: str | None = None,
    kind_id: int | None = None,
    status: str | None = None,
    parent_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
):
    qs = organizations_for(user=request.user, kind=kind_id, status=status, parent=parent_id)
    return page(qs, search=search, fields=("name", "code"), limit=limit, offset=offset)


@router.get("/{int:org_id}", response=OrganizationOut)
def organization_get(request, org_id: int):
    return get_object_or_404(organizations_for(user=request.user), pk=org_id)


@router.post("", response={201: OrganizationOut})
def organization_post(request, payload: OrganizationIn):
    allowed = access.authorities_for(request.user, "change", Organization)
    authority_id = payload.authority_id or request.user.authority_id
    if authority_id not in allowed:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    authority = Authority.objects.get(pk=authority_id)
    fields = _resolve_refs(request.user, authority_id, payload.dict())
    return 201, organization_create(actor=request.user, authority=authority, **fields)


@router.patch("/{int:org_id}", response=OrganizationOut)
def organization_patch(request, org_id: int, payload: OrganizationPatch):
    org = get_object_or_404(organizations_for(user=request.user), pk=org_id)
    access.check(request.user, "change", org)
    fields = _resolve_refs(request.user, org.authority_id, payload.dict(exclude_unset=True))
    return organization_update(actor=request.user, organization=org, **fields)


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]


class ImportRefusedOut(ImportOut):
    """The 422 answer: the counts, the row errors, and the error code ``file_rejected``."""

    code: str


@router.post("/import", response={200: ImportOut, 422: ImportRefusedOut | ErrorOut})
def organization_import(request, file: File[UploadedFile], dry_run: bool = False):
    """Import an .xlsx in the template's layout: the row errors, or the counts created and updated."""
    from django.conf import settings

    if file.size > settings.XUNCHA["IMPORT_MAX_BYTES"]:
        too_big = {"row": 0, "column": "", "message": "文件过大，请拆分后分批导入。"}
        return 422, {
            "ok": False,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "errors": [too_big],
            "code": "file_rejected",
        }
    allowed = access.authorities_for(request.user, "change", Organization)
    if request.user.authority_id not in allowed:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    result = organizations_import(
        actor=request.user, authority=request.user.authority, data=file.read(), dry_run=dry_run
    )
    body = {
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [e.__dict__ for e in result.errors],
    }
    if not result.ok:
        return 422, {**body, "code": "file_rejected"}
    return 200, body


class LeaderOut(Schema):
    id: int
    organization_id: int
    name: str
    post: str
    start_on: date
    end_on: date | None


class LeaderPage(Schema):
    items: list[LeaderOut]
    count: int


class LeaderIn(Schema):
    name: str
    post: str
    start_on: date
    end_on: date | None = None


class LeaderEndIn(Schema):
    end_on: date


def _leaders(user, org_id: int):
    """The leaders of an organisation the user may see (404 if the organisation is out of sight)."""
    org = get_object_or_404(organizations_for(user=user), pk=org_id)
    return org, organization_leaders_for(user=user, organization=org)


@router.get("/{int:org_id}/leaders", response=LeaderPage)
def organization_leader_list(request, org_id: int, search: str | None = None, limit: int = 50, offset: int = 0):
    """The organisation's leaders over time: those in post first, then those who left, each newest first."""
    _, leaders = _leaders(request.user, org_id)
    return page(leaders, search=search, fields=("name", "post"), limit=limit, offset=offset)


@router.post("/{int:org_id}/leaders", response={201: LeaderOut})
def organization_leader_post(request, org_id: int, payload: LeaderIn):
    """Record a tenure; 422 with field errors if a rule refuses it (an overlapping tenure in the same post, say)."""
    org, _ = _leaders(request.user, org_id)
    return 201, organization_leader_add(actor=request.user, organization=org, **payload.dict())


@router.post("/{int:org_id}/leaders/{int:leader_id}/end", response=LeaderOut)
def organization_leader_end_post(request, org_id: int, leader_id: int, payload: LeaderEndIn):
    """Record the day the leader left the post."""
    _, leaders = _leaders(request.user, org_id)
    leader = get_object_or_404(leaders, pk=leader_id)
    return organization_leader_end(actor=request.user, leader=leader, end_on=payload.end_on)
