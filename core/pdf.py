"""Documents as PDF, for reading on screen and printing: the .docx converted by LibreOffice.

The .docx writer (``core.documents``) is the one source of a document; a PDF is that same
file converted by ``soffice --headless --convert-to pdf`` on the server, so it shows what Word
shows (and what the GB/T 9704 tests in ``core/tests/test_document_pdf.py`` check). Callers
issue the document exactly as for the .docx download (the same service: same checks, same
number and date, same audit) and convert its bytes here.

Where LibreOffice is not installed (``pdf_available()`` is False) pages hide the PDF link and
the PDF addresses answer ``PdfUnavailable`` (a 404 with a Chinese message). The path of
``soffice`` comes from ``XUNCHA_SOFFICE`` (a path or a command name; default ``soffice`` on
PATH). The PDF is set in the fonts the server has: the official ones where installed, else
the free stand-ins ``core/fonts.conf`` names (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

logger = logging.getLogger(__name__)

PDF = "application/pdf"
UNAVAILABLE = (
    "本服务器未安装 LibreOffice，不能生成 PDF 文件，请下载 Word 文件。如需 PDF，请系统管理员按安装说明安装后重试。"
)


class PdfUnavailable(Http404):
    """A PDF asked for where LibreOffice is not installed (404: the address offers nothing here)."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE)
        self.message = UNAVAILABLE


class PdfFailed(ValidationError):
    """LibreOffice did not produce the PDF (timed out, crashed, wrote nothing)."""

    def __init__(self, reason: str) -> None:
        message = f"PDF 文件生成失败（{reason}），请稍后重试，或下载 Word 文件。"
        super().__init__({"pdf": [ValidationError(message, code="pdf_failed")]})


def soffice_path() -> str | None:
    """The LibreOffice executable (``XUNCHA_SOFFICE``, else ``soffice`` on PATH), or None."""
    return shutil.which(settings.XUNCHA.get("SOFFICE") or "soffice")


def pdf_available() -> bool:
    """Whether documents can be offered as PDF here (pages show the link only then)."""
    return soffice_path() is not None


def pdf_require() -> None:
    """``PdfUnavailable`` unless LibreOffice is installed: call before issuing the document."""
    if not pdf_available():
        raise PdfUnavailable


def pdf_name(docx_name: str) -> str:
    """``…-工作方案.docx`` → ``…-工作方案.pdf``."""
    return docx_name.removesuffix(".docx") + ".pdf"


FONTS = Path(__file__).with_name("fonts.conf")
SYSTEM_FONTS = Path("/etc/fonts/fonts.conf")


def _environment(work: Path) -> dict[str, str]:
    """soffice's environment: a home of its own, and (where the system's fontconfig is the usual
    one, which ``core/fonts.conf`` includes) the official fonts' free stand-ins."""
    env = {**os.environ, "HOME": str(work)}
    if SYSTEM_FONTS.is_file() and "FONTCONFIG_FILE" not in os.environ:
        env["FONTCONFIG_FILE"] = str(FONTS)
    return env


def document_pdf(docx: bytes) -> bytes:
    """The .docx ``docx`` converted to PDF by LibreOffice, in a subprocess.

    Each conversion runs with a profile of its own (``-env:UserInstallation``) in a temporary
    folder under ``XUNCHA_DATA_DIR/tmp``, removed afterwards, so that conversions at the same
    time (several workers, or a clerk's own LibreOffice on the server) do not meet. It is
    stopped, with every process it started, after ``XUNCHA["PDF_TIMEOUT_SECONDS"]``.
    Raises ``PdfUnavailable`` without LibreOffice and ``PdfFailed`` (a ``ValidationError``
    with a Chinese message) when the conversion does not produce a PDF.
    """
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable
    parent = Path(settings.DATA_DIR) / "tmp"
    parent.mkdir(parents=True, exist_ok=True)
    timeout = settings.XUNCHA.get("PDF_TIMEOUT_SECONDS", 60)
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=parent) as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        # LibreOffice starts soffice.bin as a child of its launcher: a session of its own lets a
        # timeout stop them all.
        try:
            process = subprocess.Popen(  # noqa: S603 (the configured soffice, on files of our own)
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=_environment(work),
            )
        except OSError as e:
            logger.warning("soffice could not start: %s", e)
            raise PdfFailed("LibreOffice 无法启动") from None
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.warning("soffice timed out after %s s", timeout)
            raise PdfFailed(f"转换超过 {timeout} 秒未完成") from None
        result = work / "out" / "document.pdf"
        if process.returncode != 0 or not result.is_file() or not result.read_bytes().startswith(b"%PDF"):
            logger.warning("soffice failed (exit %s): %s", process.returncode, err.decode(errors="replace")[-2000:])
            raise PdfFailed("LibreOffice 未能转换此文件")
        return result.read_bytes()
