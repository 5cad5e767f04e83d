"""Documents as PDF (core.pdf): LibreOffice converts the very .docx the office downloads; where it
is missing or fails, the clerk reads why (in Chinese), never a server error."""

import datetime
import os
import subprocess
import time
from pathlib import Path

import pytest

from core.documents import OfficialDocument, document_render
from core.pdf import UNAVAILABLE, PdfFailed, PdfUnavailable, document_pdf, pdf_available
from core.tests import pdf_read

TITLE = "中共甲县委巡察工作领导小组办公室关于做好巡察整改工作的通知"
NUMBER = "甲巡办〔2026〕3号"


def _docx() -> bytes:
    return document_render(
        OfficialDocument(
            title=TITLE,
            blocks=[("p", "请各单位按照巡察反馈意见抓好整改落实。")],
            doc_number=NUMBER,
            recipient="各有关单位：",
            signature="中共甲县委巡察工作领导小组办公室",
            date=datetime.date(2026, 11, 29),
        )
    )


def _soffice(settings, path) -> None:
    settings.XUNCHA = {**settings.XUNCHA, "SOFFICE": str(path)}


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_pdf_reads_as_the_document(settings):
    pdf = document_pdf(_docx())
    text = pdf_read.pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert TITLE in text and NUMBER in text and "2026年11月29日" in text
    assert not list((settings.DATA_DIR / "tmp").glob("pdf-*"))  # the conversion's folder and profile are gone
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "Noto Serif CJK SC" in families and "仿宋" not in families:
        # Without the official 仿宋, the body is set in a serif stand-in (core/fonts.conf), not a sans fallback.
        fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True).stdout.decode()
        assert "NotoSerifCJK" in fonts, fonts


def test_without_libreoffice_there_is_no_pdf(settings):
    _soffice(settings, "/nonexistent/soffice")
    assert not pdf_available()
    with pytest.raises(PdfUnavailable) as refused:
        document_pdf(_docx())
    assert refused.value.message == UNAVAILABLE and "LibreOffice" in UNAVAILABLE and "Word" in UNAVAILABLE


def test_a_failed_conversion_says_so(settings, tmp_path):
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    broken.chmod(0o755)
    _soffice(settings, broken)
    assert pdf_available()
    with pytest.raises(PdfFailed) as failed:
        document_pdf(_docx())
    assert failed.value.messages == ["PDF 文件生成失败（LibreOffice 未能转换此文件），请稍后重试，或下载 Word 文件。"]


def test_a_conversion_that_hangs_is_stopped_with_what_it_started(settings, tmp_path):
    pid_file = tmp_path / "child.pid"
    hanging = tmp_path / "soffice"
    hanging.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n")
    hanging.chmod(0o755)
    _soffice(settings, hanging)
    settings.XUNCHA = {**settings.XUNCHA, "PDF_TIMEOUT_SECONDS": 1}
    started = time.monotonic()
    with pytest.raises(PdfFailed) as failed:
        document_pdf(_docx())
    assert time.monotonic() - started < 10
    assert "转换超过 1 秒未完成" in failed.value.messages[0]
    child = int(pid_file.read_text())
    for _ in range(50):  # the launcher's child (soffice.bin, here a sleep) is stopped too
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":  # killed, not yet reaped by init
            break
        time.sleep(0.1)
    else:
        pytest.fail("the conversion's child process is still running")
