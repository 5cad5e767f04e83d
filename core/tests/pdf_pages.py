"""Reading a rendered document as a reader sees it: LibreOffice makes the PDF, poppler reads it.

``pdfs`` converts many .docx files in one LibreOffice run (with a profile of its own, so that
it does not meet another soffice). ``Page`` holds one page's lines of text with their
positions (pdftotext -bbox-layout) and its pixels (pdftoppm), in millimetres from the top left.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

PT_MM = 25.4 / 72
DPI = 100
TOOLS = ("soffice", "pdftotext", "pdftoppm")


def available() -> bool:
    return all(shutil.which(tool) for tool in TOOLS)


def pdfs(docx: dict[str, bytes], folder: Path) -> dict[str, Path]:
    """Each .docx rendered to PDF by one LibreOffice run; name → PDF path."""
    for name, data in docx.items():
        (folder / f"{name}.docx").write_bytes(data)
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *[str(folder / f"{name}.docx") for name in docx],
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {name: folder / f"{name}.pdf" for name in docx}


@dataclass
class Line:
    text: str  # the words of the line joined without spaces
    top: float  # mm from the page's top
    bottom: float
    left: float  # mm from the page's left
    right: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    pixels: bytes = b""  # RGB, DPI dots per inch
    px_width: int = 0
    px_height: int = 0

    def rgb(self, x_mm: float, y_mm: float) -> tuple[int, int, int]:
        x, y = round(x_mm / 25.4 * DPI), round(y_mm / 25.4 * DPI)
        i = (y * self.px_width + x) * 3
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def rows(self, test, x_from: float = 0, x_to: float | None = None, y_from: float = 0, y_to: float = 297) -> list:
        """The rows (mm from the top) where some pixel between ``x_from`` and ``x_to`` passes ``test``."""
        x_to = self.width if x_to is None else x_to
        xs = range(round(x_from / 25.4 * DPI), min(round(x_to / 25.4 * DPI), self.px_width))
        found = []
        for y in range(round(y_from / 25.4 * DPI), min(round(y_to / 25.4 * DPI), self.px_height)):
            base = y * self.px_width * 3
            if any(test(*self.pixels[base + 3 * x : base + 3 * x + 3]) for x in xs):
                found.append(y * 25.4 / DPI)
        return found

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def is_red(r: int, g: int, b: int) -> bool:
    return r > 180 and g < 90 and b < 90


def is_dark(r: int, g: int, b: int) -> bool:
    return r < 110 and g < 110 and b < 110


def _ppm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PPM (P6) → width, height, RGB bytes."""
    fields, at = [], 0
    while len(fields) < 4:
        while data[at : at + 1].isspace():
            at += 1
        if data[at : at + 1] == b"#":
            at = data.index(b"\n", at)
            continue
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P6"
    return int(fields[1]), int(fields[2]), data[at + 1 :]


def pages(pdf: Path, *, pixels: bool = True) -> list[Page]:
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(html)
    out = []
    for n, page_el in enumerate(root.iter("page"), start=1):
        page = Page(n, float(page_el.get("width")) * PT_MM, float(page_el.get("height")) * PT_MM)
        for line_el in page_el.iter("line"):
            words = list(line_el.iter("word"))
            page.lines.append(
                Line(
                    text="".join(w.text or "" for w in words),
                    top=float(line_el.get("yMin")) * PT_MM,
                    bottom=float(line_el.get("yMax")) * PT_MM,
                    left=float(line_el.get("xMin")) * PT_MM,
                    right=float(line_el.get("xMax")) * PT_MM,
                )
            )
        page.lines.sort(key=lambda line: (round(line.top, 1), line.left))
        out.append(page)
    if pixels:
        for page in out:
            data = subprocess.run(
                ["pdftoppm", "-r", str(DPI), "-f", str(page.number), "-l", str(page.number), str(pdf)],
                check=True,
                capture_output=True,
            ).stdout
            page.px_width, page.px_height, page.pixels = _ppm(data)
    return out
