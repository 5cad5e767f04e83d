"""Attachments in the API: upload (multipart) and metadata; the file itself comes only
through the download endpoint, which checks scope and writes an audit event."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from core.api.common import page
from core.files import file_response
from onsite.attachments import attachment_create, attachment_open, attachments_for
from planning.inspections import inspections_for

OPERATION_ID_PREFIX = "onsite_api"  # its operation ids from before it moved here

router = Router(tags=["附件"])


class AttachmentOut(Schema):
    id: int
    inspection_id: int
    name: str
    kind: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj):
        return reverse("api:attachment_download", args=[obj.pk])


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    count: int


@router.get("", response=AttachmentPage)
def attachment_list(request, inspection_id: int | None = None, limit: int = 50, offset: int = 0):
    qs = attachments_for(user=request.user)
    if inspection_id is not None:
        qs = qs.filter(inspection_id=inspection_id)
    return page(qs, search=None, fields=(), limit=limit, offset=offset)


@router.post("", response={201: AttachmentOut})
def attachment_post(request, inspection_id: Form[int], file: File[UploadedFile]):
    """Upload evidence (multipart: ``inspection_id`` and ``file``). PDF, Word, Excel, JPG, PNG,
    MP3 or MP4, judged by content; over the size cap or of another type answers 422."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=inspection_id)
    if file is None:
        raise ValidationError({"file": [ValidationError("请选择文件。", code="file_rejected")]})
    return 201, attachment_create(actor=request.user, inspection=inspection, upload=file)


@router.get("/{int:attachment_id}", response=AttachmentOut)
def attachment_get(request, attachment_id: int):
    return get_object_or_404(attachments_for(user=request.user), pk=attachment_id)


@router.get("/{int:attachment_id}/download", url_name="attachment_download", response={200: None})
def attachment_download(request, attachment_id: int):
    attachment = get_object_or_404(attachments_for(user=request.user), pk=attachment_id)
    handle = attachment_open(actor=request.user, attachment=attachment)
    return file_response(handle, name=attachment.name, kind=attachment.kind)
