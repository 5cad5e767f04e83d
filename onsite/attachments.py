"""Attachments: uploads checked by content, stored outside any web root, read through a view.

The type is sniffed from the first bytes (``core.files.sniff``: for Word and Excel, the
names inside the zip), never taken from the file name; only the allow-list of
``Attachment.Kind`` is kept.
Files live under ``settings.FILE_DIR/<authority>/<inspection>/<random>`` with no extension,
and every download writes an audit event.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.http import Http404

from core import access
from core.audit import audit_record
from core.files import file_check, file_erase, file_path, file_relative, file_write, sanitise_name
from onsite.models import Attachment


def _path(attachment: Attachment) -> Path:
    return file_path(attachment.path)


def attachment_create(*, actor, inspection, upload, public: bool = False, step_checked: bool = False) -> Attachment:
    """Store ``upload`` (a Django ``UploadedFile``) as evidence of ``inspection``.

    ``actor`` None with ``public`` True is a reporter on the public page (no account, no
    address recorded). ``step_checked`` True is for a service that has already enforced its
    own step on a record of ``inspection``'s authority (comparison's ``hit.confirm``: the
    data officer hands a hit's evidence to a team without holding any role on the
    inspection); the scope check on ``inspection`` is then that service's, not repeated here.
    Raises ``ValidationError`` naming the file for a size over the cap or a type outside the
    allow-list; nothing is stored then.
    """
    if not public and not step_checked:
        access.check(actor, "change", inspection)
    kind = file_check(upload, field="file")
    label = upload.name or "文件"
    relative = file_relative(inspection.authority_id, inspection.pk)
    target = file_path(relative)
    sha256 = file_write(upload, relative)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                authority_id=inspection.authority_id,
                inspection=inspection,
                # A reporter's own file name may name them ("张三举报.pdf"): the team sees a neutral one.
                name=f"群众提交的材料.{kind}" if public else sanitise_name(label, kind),
                kind=kind,
                size=file_path(relative).stat().st_size,
                sha256=sha256,
                path=relative,
                uploaded_by=actor if not public else None,
                public=public,
            )
            audit_record(
                actor=actor,
                action="attachment.upload",
                obj=attachment,
                authority=inspection.authority,
                detail={"name": attachment.name, "kind": kind, "size": upload.size, "public": public},
            )
    except Exception:
        file_erase(target)  # nothing partial is kept
        raise
    return attachment


def attachment_open(*, actor, attachment: Attachment):
    """The file to send, after the scope check; audited as a download."""
    access.check(actor, "view", attachment)
    if attachment.interviews.exists() and not access.may(actor, "interview.read_notes", attachment):
        raise Http404  # a talk's record is the team's and the office's only, as its notes are
    audit_record(actor=actor, action="attachment.download", obj=attachment, detail={"name": attachment.name})
    return open(_path(attachment), "rb")  # noqa: SIM115 (the response closes it)


def attachments_for(*, user):
    return access.restrict(Attachment.objects.all(), user, "view")
