"""Reading a downloaded document as its reader does: the PDF's text (poppler's pdftotext) and the
.docx's text, both without white space (a title or a number wraps across lines, and pdftotext
puts a space between figures and 号)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

NUMBER = re.compile(r"([\u4e00-\u9fff]+)〔\s*(\d{4})\s*〕\s*(\d+)\s*号")


def tools() -> bool:
    """LibreOffice to make the PDF and poppler to read it."""
    return bool(shutil.which("soffice") and shutil.which("pdftotext"))


def pdf_lines(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=60)
    return out.stdout.decode()


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", pdf_lines(data))


def docx_lines(data: bytes) -> str:
    """The paragraphs' text, one a line."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return "\n".join("".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", p)) for p in xml.split("</w:p>"))


def docx_text(data: bytes) -> str:
    return re.sub(r"\s+", "", docx_lines(data))


def numbers(lines: str) -> list[str]:
    """The 发文字号 in ``lines`` (text with its line breaks, so that the 版头 above stays apart):
    青巡发〔2026〕8号."""
    return [f"{code}〔{year}〕{n}号" for code, year, n in NUMBER.findall(lines)]


DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def same_document(pdf: bytes, docx: bytes, title: str) -> str:
    """Check that ``pdf`` shows ``title`` and carries the 发文字号 and dates of ``docx`` (the .docx
    downloaded after it: a number is issued once and printed unchanged); answers its number."""
    text, word = pdf_text(pdf), docx_text(docx)
    assert title in text, text[:300]
    in_pdf, in_word = numbers(pdf_lines(pdf)), numbers(docx_lines(docx))
    assert in_pdf and set(in_pdf) == set(in_word), (in_pdf, in_word)
    assert set(DATE.findall(text)) == set(DATE.findall(word)), (DATE.findall(text), DATE.findall(word))
    return in_pdf[0]


def without_soffice(settings) -> None:
    """As on a server without LibreOffice (``XUNCHA_SOFFICE`` names nothing)."""
    settings.XUNCHA = {**settings.XUNCHA, "SOFFICE": "/nonexistent/soffice"}


def failing_soffice(settings) -> None:
    """A LibreOffice that fails every conversion."""
    settings.XUNCHA = {**settings.XUNCHA, "SOFFICE": "/bin/false"}
