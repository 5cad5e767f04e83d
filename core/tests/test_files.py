"""File storage (core.files): the type comes from the content, names are made safe, files are
written once under FILE_DIR with their SHA-256, and served as a named, uncached download."""

import hashlib
import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook

from core.files import file_check, file_path, file_relative, file_response, file_write, sanitise_name, sniff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buf = io.BytesIO()
    Document().save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (PDF, "pdf"),
        (_docx(), "docx"),
        (_xlsx(), "xlsx"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpg"),
        (b"ID3\x04" + b"\0" * 20, "mp3"),
        (b"\0\0\0\x18ftypmp42" + b"\0" * 20, "mp4"),
        (b"MZ\x90\0" + b"\0" * 20, None),  # a Windows program
        (_zip(), None),  # a zip that is not an Office file
        (b"<html><script>alert(1)</script>", None),
    ],
)
def test_the_type_comes_from_the_content(data, kind):
    assert sniff(io.BytesIO(data)) == kind


def test_a_file_is_checked_before_anything_is_written(settings):
    settings.XUNCHA = {**settings.XUNCHA, "UPLOAD_MAX_BYTES": 1024}
    assert file_check(SimpleUploadedFile("报告.pdf", PDF), field="file") == "pdf"
    refusals = {
        "大.pdf": (PDF + b"0" * 1024, "超过 0 MB 的上限"),
        "空.pdf": (b"", "是空文件"),
        "脚本.pdf": (b"#!/bin/sh\nrm -rf /\n", "不是允许的类型"),
    }
    for name, (data, why) in refusals.items():
        with pytest.raises(ValidationError) as refused:
            file_check(SimpleUploadedFile(name, data), field="files")
        (error,) = refused.value.error_dict["files"]
        assert f"“{name}”" in error.message and why in error.message and error.code == "file_rejected"
    assert not list(settings.FILE_DIR.iterdir())


def test_names_are_sanitised():
    assert sanitise_name("../../etc/passwd.pdf", "pdf") == "passwd.pdf"
    assert sanitise_name("C:\\Users\\x\\举报材料.PDF", "pdf") == "举报材料.pdf"
    assert sanitise_name("照片.exe", "png") == "照片.png"  # the extension follows the content
    assert sanitise_name("a\x00b<>.docx", "docx") == "ab.docx"
    assert sanitise_name("...", "jpg") == "附件.jpg"


def test_a_file_is_written_once_under_file_dir_with_its_digest():
    relative = file_relative(3, 17, "rectification")
    head, _, name = relative.rpartition("/")
    assert head == "3/17/rectification" and len(name) == 32 and "." not in name
    assert file_relative(3, 17) != file_relative(3, 17)  # a fresh name each time

    written = []
    digest = file_write(SimpleUploadedFile("a.pdf", PDF), relative, written=written)
    target = file_path(relative)
    assert written == [target] and target.read_bytes() == PDF
    assert digest == hashlib.sha256(PDF).hexdigest()
    assert target.resolve().is_relative_to(settings.FILE_DIR.resolve())
    with pytest.raises(FileExistsError):  # never over an existing file
        file_write(SimpleUploadedFile("b.pdf", b"%PDF-other"), relative)
    assert target.read_bytes() == PDF


def test_the_download_keeps_a_chinese_name_and_is_not_cached():
    response = file_response(io.BytesIO(PDF), name="整改佐证 (1).pdf", kind="pdf")
    assert response["Content-Type"] == "application/pdf"
    encoded = "%E6%95%B4%E6%94%B9%E4%BD%90%E8%AF%81%20%281%29.pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{encoded}"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF
    assert file_response(io.BytesIO(b"x"), name="a", kind="other")["Content-Type"] == "application/octet-stream"


def test_an_erased_file_is_overwritten_before_it_is_removed(tmp_path):
    """A second name for the same file (a hard link) still reads what is on the disk after
    the first is erased: zeros, not the content."""
    import os

    from core.files import file_erase

    secret = tmp_path / "petition.bin"
    secret.write_bytes(b"\xe4\xb8\xbe\xe6\x8a\xa5\xe4\xba\xba" * 300_000)  # 2.7 MB, over one block of zeros
    witness = tmp_path / "witness.bin"
    os.link(secret, witness)
    file_erase(secret)
    assert not secret.exists()
    data = witness.read_bytes()
    assert len(data) == 2_700_000 and data == bytes(len(data))
    file_erase(secret)  # already gone: no error
