"""File storage, one way for every stage: uploads checked by content, stored outside any
web root, served through a view that has checked scope.

- ``sniff``: what a file really is, from its first bytes (and, for Word and Excel, the names
  inside the zip), never from its name; only the kinds of ``CONTENT_TYPES`` are known.
- ``sanitise_name``: a name safe to show and to offer as a download.
- ``file_write``: a new file under ``settings.FILE_DIR`` (never overwritten), its SHA-256; a
  photo (JPEG, PNG) is written again without its metadata (``image_without_metadata``: EXIF
  can hold where and when it was taken, and the phone's owner), turned upright first;
  ``file_relative`` gives a fresh random path with no extension, ``file_path`` the full one.
- ``file_response``: the download, with a Content-Disposition that keeps Chinese names and
  no caching.

The records that point to the files (``onsite.Attachment``, ``rectification.Evidence``) and
their services (scope checks, audit) stay in their apps.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}
ALLOWED_TEXT = "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG、MP3、MP4"
IMAGE_KINDS = {"jpg": "JPEG", "png": "PNG"}  # kind → Pillow's format


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


def file_check(upload, *, field: str) -> str:
    """The kind of ``upload`` (a key of ``CONTENT_TYPES``), or a ``ValidationError`` on
    ``field`` naming the file when it is over the size cap, empty, or of a type outside the
    allow-list (code ``file_rejected``). Nothing is written."""
    limit = settings.XUNCHA["UPLOAD_MAX_BYTES"]
    label = upload.name or "文件"
    if upload.size > limit:
        why = f"“{label}”超过 {limit // (1024 * 1024)} MB 的上限。"
    elif upload.size == 0:
        why = f"“{label}”是空文件。"
    elif (kind := sniff(upload)) is None:
        why = f"“{label}”的内容不是允许的类型。只接受 {ALLOWED_TEXT} 文件。"
    elif kind in IMAGE_KINDS and not _decodes(upload):
        why = f"“{label}”不是完整的图片（无法读取，或尺寸过大），请重新拍摄或导出后上传。"
    else:
        return kind
    raise ValidationError({field: [ValidationError(why, code="file_rejected")]})


def _decodes(upload) -> bool:
    """Whether Pillow reads the whole image (within its decompression-bomb limit)."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.load()
        return True
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def image_without_metadata(upload, kind: str) -> bytes:
    """A photo as stored: turned upright by its EXIF orientation, then written again with none
    of its metadata (EXIF with any GPS location, XMP, IPTC, comments, PNG text chunks); its
    colour profile is kept. ``upload`` has passed ``file_check``."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        if kind == "jpg" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        options = {"quality": 92} if kind == "jpg" else {}
        if icc:
            options["icc_profile"] = icc
        upright.save(out, IMAGE_KINDS[kind], **options)
    upload.seek(0)
    return out.getvalue()


def sanitise_name(name: str, kind: str) -> str:
    """A name safe to show and to offer as a download: no path, no control characters,
    at most 100 characters, ending in the extension of the kind found."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = re.sub(r"[\x00-\x1f\x7f<>:\"/|?*]", "", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:100] or '附件'}.{kind}"


def file_path(relative: str) -> Path:
    """Where a stored file (``relative`` to ``settings.FILE_DIR``, as records keep it) lives."""
    return Path(settings.FILE_DIR) / relative


def file_relative(*parts) -> str:
    """A fresh path for a new file: ``parts`` joined by ``/``, then a random name with no
    extension (``<authority>/<inspection>/<random>``)."""
    return "/".join([*(str(p) for p in parts), secrets.token_hex(16)])


def file_write(upload, relative: str, *, written: list[Path] | None = None) -> str:
    """Write ``upload`` (a Django ``UploadedFile``; a photo without its metadata) to a new file
    at ``relative`` under ``settings.FILE_DIR`` (never over an existing one) and answer the
    SHA-256 (hex) of what was written (its size: ``file_path(relative).stat()``). The
    path is appended to ``written`` as soon as the file exists, so that a caller can remove
    it if its transaction fails."""
    target = file_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = sniff(upload)
    chunks = [image_without_metadata(upload, kind)] if kind in IMAGE_KINDS else upload.chunks()
    digest = hashlib.sha256()
    with open(target, "xb") as out:
        if written is not None:
            written.append(target)
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def file_erase(path: Path | str) -> None:
    """Overwrite a file with zeros, flush that to the disk, then remove it: on a file system
    that writes in place (ext4, XFS) what it held is gone from the disk, not only its name.
    Copy-on-write file systems, snapshots and an SSD's wear levelling may keep old blocks;
    the disk's encryption covers those (README). A missing file is no error."""
    target = Path(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW)  # a link is removed, not what it points at
    except FileNotFoundError:
        return
    except OSError:
        pass  # a symbolic link, or not writable: removed all the same
    else:
        try:
            left = os.fstat(fd).st_size
            zeros = bytes(1 << 20)
            while left > 0:
                left -= os.write(fd, zeros[: min(left, len(zeros))])
            os.fsync(fd)
        except OSError:
            logger.exception("could not overwrite %s before removing it", target)
        finally:
            os.close(fd)
    target.unlink(missing_ok=True)


def file_response(handle, *, name: str, kind: str) -> FileResponse:
    """The download of an open stored file (the response closes it) named ``name`` (Chinese
    names survive: RFC 6266 ``filename*``), never cached."""
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response
