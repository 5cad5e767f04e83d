"""Attachments: uploads checked by content, stored outside any web root, read through a view.

The type is sniffed from the first bytes (and, for Word and Excel, the names inside the
zip), never taken from the file name; only the allow-list of ``Attachment.Kind`` is kept.
Files live under ``settings.FILE_DIR/<authority>/<inspection>/<random>`` with no extension,
and every download writes an audit event.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from core import access
from core.audit import audit_record
from onsite.models import Attachment

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}
TALK_READERS = {access.OFFICE, access.OFFICE_HEAD, *access.TEAM_ROLES}
ALLOWED_TEXT = "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG、MP3、MP4"


def sniff(upload) -> str | None:
    """The kind of the uploaded file by its content, or None when it is none of the allowed."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def sanitise_name(name: str, kind: str) -> str:
    """A name safe to show and to offer as a download: no path, no control characters,
    at most 100 characters, ending in the extension of the kind found."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = re.sub(r"[\x00-\x1f\x7f<>:\"/|?*]", "", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:100] or '附件'}.{kind}"


def _path(attachment: Attachment) -> Path:
    return Path(settings.FILE_DIR) / attachment.path


def attachment_create(*, actor, inspection, upload, public: bool = False) -> Attachment:
    """Store ``upload`` (a Django ``UploadedFile``) as evidence of ``inspection``.

    ``actor`` None with ``public`` True is a reporter on the public page (no account, no
    address recorded). Raises ``ValidationError`` naming the file for a size over the cap
    or a type outside the allow-list; nothing is stored then.
    """
    if not public:
        access.check(actor, "change", inspection)
    limit = settings.XUNCHA["UPLOAD_MAX_BYTES"]
    label = upload.name or "文件"
    if upload.size > limit:
        raise ValidationError({"file": [f"“{label}”超过 {limit // (1024 * 1024)} MB 的上限。"]})
    if upload.size == 0:
        raise ValidationError({"file": [f"“{label}”是空文件。"]})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError({"file": [f"“{label}”的内容不是允许的类型。只接受 {ALLOWED_TEXT} 文件。"]})
    relative = f"{inspection.authority_id}/{inspection.pk}/{secrets.token_hex(16)}"
    target = Path(settings.FILE_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                authority_id=inspection.authority_id,
                inspection=inspection,
                # A reporter's own file name may name them ("张三举报.pdf"): the team sees a neutral one.
                name=f"群众提交的材料.{kind}" if public else sanitise_name(label, kind),
                kind=kind,
                size=upload.size,
                sha256=digest.hexdigest(),
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
        target.unlink(missing_ok=True)  # nothing partial is kept
        raise
    return attachment


def attachment_open(*, actor, attachment: Attachment):
    """The file to send, after the scope check; audited as a download."""
    access.check(actor, "view", attachment)
    if attachment.interviews.exists() and not access.roles_on(actor, attachment) & TALK_READERS:
        raise Http404  # a talk's record is the team's and the office's only, as its notes are
    audit_record(actor=actor, action="attachment.download", obj=attachment, detail={"name": attachment.name})
    return open(_path(attachment), "rb")  # noqa: SIM115 (the response closes it)


def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Remove an attachment and its file (after the transaction commits)."""
    access.check(actor, "change", attachment)
    path = _path(attachment)
    with transaction.atomic():
        audit_record(actor=actor, action="attachment.delete", obj=attachment, detail={"name": attachment.name})
        attachment.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def attachments_for(*, user):
    return access.restrict(Attachment.objects.all(), user, "view")
