from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core import access
from core.api.common import page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from planning.documents import inspection_document
from planning.inspections import inspection_create, inspections_for, rounds_for
from planning.models import Inspection
from planning.stages import deadline_settings_for, deadlines, inspection_advance
from registry.organizations import organizations_for

OPERATION_ID_PREFIX = "planning_api"  # its operation ids from before it moved here

router = Router(tags=["巡察规划"])


class DeadlineOut(Schema):
    kind: str
    label: str
    due_on: date
    done: bool
    done_on: date | None = None


class InspectionOut(Schema):
    id: int
    round_id: int
    organization_id: int
    team_id: int | None = None
    kind: str
    theme: str
    revisits_id: int | None = None
    stage: str
    public_id: str
    deadlines: list[DeadlineOut]

    @staticmethod
    def resolve_deadlines(obj):
        settings = getattr(obj, "deadline_settings", None) or deadline_settings_for(obj.authority_id)
        return deadlines(obj, settings, list(obj.stage_changes.all()))


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int


def _inspections(user):
    return inspections_for(user=user).prefetch_related("stage_changes", "document_numbers")


@router.get("", response=InspectionPage)
def inspection_list(request, search: str | None = None, limit: int = 50, offset: int = 0):
    result = page(_inspections(request.user), search=search, fields=("organization__name",), limit=limit, offset=offset)
    settings = {a: deadline_settings_for(a) for a in {i.authority_id for i in result["items"]}}
    for inspection in result["items"]:
        inspection.deadline_settings = settings[inspection.authority_id]  # one read per authority, not per row
    return result


@router.get("/{int:inspection_id}", response=InspectionOut)
def inspection_get(request, inspection_id: int):
    return get_object_or_404(_inspections(request.user), pk=inspection_id)


class InspectionIn(Schema):
    round_id: int
    organization_id: int
    kind: str = "regular"
    repeat_reason: str = ""
    theme: str = ""
    revisits_id: int | None = None


@router.post("", response={201: InspectionOut})
def inspection_post(request, payload: InspectionIn):
    """Plan an inspection: one organisation in one round (a repeat in the term needs a reason)."""
    rnd = get_object_or_404(rounds_for(user=request.user), pk=payload.round_id)
    if rnd.authority_id not in access.authorities_for(request.user, "change", Inspection):
        raise PermissionDenied
    org = organizations_for(user=request.user).filter(pk=payload.organization_id, authority_id=rnd.authority_id).first()
    if org is None:
        raise ValidationError({"organization_id": [ValidationError("所选单位不存在。", code="unknown_reference")]})
    revisits = None
    if payload.revisits_id is not None:
        revisits = _inspections(request.user).filter(pk=payload.revisits_id).first()
        if revisits is None:
            raise ValidationError({"revisits_id": [ValidationError("所选原巡察不存在。", code="unknown_reference")]})
    inspection = inspection_create(
        actor=request.user,
        round=rnd,
        organization=org,
        kind=payload.kind,
        repeat_reason=payload.repeat_reason,
        theme=payload.theme,
        revisits=revisits,
    )
    return 201, get_object_or_404(_inspections(request.user), pk=inspection.pk)


class AdvanceIn(Schema):
    to_stage: str
    on: date | None = None


@router.post("/{int:inspection_id}/advance", response=InspectionOut)
def inspection_advance_post(request, inspection_id: int, payload: AdvanceIn):
    """Move to the next stage (only forwards, one at a time, by the role allowed to)."""
    inspection = get_object_or_404(_inspections(request.user), pk=inspection_id)
    inspection_advance(actor=request.user, inspection=inspection, to_stage=payload.to_stage, on=payload.on)
    return get_object_or_404(_inspections(request.user), pk=inspection_id)


@router.get("/{int:inspection_id}/documents/{kind}.docx", response={200: None})
def inspection_document_get(request, inspection_id: int, kind: str):
    """A preparation document as .docx in the official format: ``work-plan`` (工作方案),
    ``authorization`` (组长授权任职及任务分工的决定), ``entry-notice`` (进驻通知) or
    ``public-notice`` (巡察公告, with the QR code of the online reporting page)."""
    inspection = get_object_or_404(_inspections(request.user), pk=inspection_id)
    name, data = inspection_document(actor=request.user, inspection=inspection, kind=kind)
    return attachment(data, name, DOCX)


@router.get("/{int:inspection_id}/documents/{kind}.pdf", response={200: None})
def inspection_document_pdf_get(request, inspection_id: int, kind: str):
    """The same document as PDF, converted by LibreOffice on the server (numbered and audited as
    the .docx); 404 ``pdf_unavailable`` where LibreOffice is not installed, 503 ``pdf_failed``
    when the conversion fails."""
    pdf_require()
    inspection = get_object_or_404(_inspections(request.user), pk=inspection_id)
    name, data = inspection_document(actor=request.user, inspection=inspection, kind=kind)
    return document_download(name, data, pdf=True)
