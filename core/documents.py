"""Word documents in the party and government document format (GB/T 9704-2012).

Every document the platform writes (work plans, notices, reports, feedback,
transfer letters) is built here, so the format is decided once:

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text area 156 × 225 mm);
- body 3号 (16 pt) 仿宋_GB2312, exact line spacing of 28.95 pt and characters
  condensed by 0.25 pt, so that a full page holds 22 lines of 28 characters;
- title 2号 (22 pt) 方正小标宋简体, centred; level-1 headings 黑体, level-2 楷体_GB2312;
- page numbers "— 1 —" in 4号 (14 pt) 宋体 at the bottom, odd pages on the right and
  even pages on the left, one character in from the edge;
- Chinese fonts named through ``w:eastAsia`` (Word uses that slot for CJK text).

``document_render`` takes an ``OfficialDocument`` and answers the .docx bytes.
The trace line (user, time, trace id) goes into the file's properties: exports
carry it without marking the official text.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm text area
CHAR_CONDENSE_TWIPS = -5  # -0.25 pt: 28 characters of 16 pt in the 156 mm line
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}


def cn_date(day: datetime.date) -> str:
    """2026年11月29日, as documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """7 → 七, 12 → 十二, 20 → 二十, 35 → 三十五 (rounds, 第七轮); numbers from 100 up stay in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else DIGITS[tens] + "十"
    return head + (DIGITS[ones] if ones else "")


@dataclass
class OfficialDocument:
    """The parts of an official document. ``blocks`` are ``(kind, value)`` with kind one
    of ``"h1"`` (一、), ``"h2"`` (（一）), ``"p"`` (a body paragraph), ``"plain"`` (a body
    line without the two-character indent), ``"center"`` (a centred body line) or
    ``"image"`` (PNG bytes, centred, 30 mm wide, e.g. a QR code)."""

    title: str
    blocks: Sequence[tuple[str, str | bytes]] = field(default_factory=list)
    doc_number: str = ""  # 发文字号, e.g. 青巡发〔2026〕7号
    recipient: str = ""  # 主送机关
    signature: str = ""  # 发文机关署名
    date: datetime.date | None = None  # 成文日期
    trace: str = ""  # user, time and trace id of an export


def _fonts(run, east_asia: str, size, bold: bool = False, condense: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = east_asia  # ascii and hAnsi
    rpr = run._element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), east_asia)
    if condense:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_CONDENSE_TWIPS))
        rpr.append(spacing)


def _exact_lines(paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _paragraph(doc, text: str, font: str, size, *, align=None, indent: bool = True, bold: bool = False):
    p = doc.add_paragraph()
    _exact_lines(p)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
    _fonts(p.add_run(text), font, size, bold=bold, condense=True)
    return p


def _image(doc, png: bytes) -> None:
    """A centred picture; its paragraph spacing is single, since an exact line height would clip it."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.add_run().add_picture(io.BytesIO(png), width=Mm(30))


def _page_number(footer, align) -> None:
    """— PAGE — in 4号宋体; ``align`` right (odd pages) or left (even), one character in."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        p.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    _fonts(p.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    run = p.add_run()
    _fonts(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
            continue
        assert text is not None  # a pair without a field-character kind carries text
        if text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._element.append(t)
    _fonts(p.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def document_render(document: OfficialDocument) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    section.footer_distance = Mm(28)  # the page number sits 7 mm below the text area
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.space_after = Pt(0)

    if document.doc_number:
        _paragraph(doc, document.doc_number, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
    _paragraph(doc, document.title, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)  # one blank line below the title
    if document.recipient:
        _paragraph(doc, f"{document.recipient}：", BODY_FONT, BODY_SIZE, indent=False)
    fonts = {"h1": H1_FONT, "h2": H2_FONT, "p": BODY_FONT, "plain": BODY_FONT}
    for kind, value in document.blocks:
        # The kind decides the value's type: PNG bytes for "image", text for the others.
        if kind == "image":
            _image(doc, cast(bytes, value))
        elif kind == "center":
            _paragraph(doc, cast(str, value), BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        else:
            _paragraph(doc, cast(str, value), fonts[kind], BODY_SIZE, indent=kind != "plain")
    if document.signature or document.date:
        if not document.blocks or document.blocks[-1][0] != "image":  # a picture leaves room enough
            _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
        for line in (document.signature, cn_date(document.date) if document.date else ""):
            if line:
                p = _paragraph(doc, line, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
                p.paragraph_format.right_indent = Pt(64)  # 成文日期右空四字
    props = doc.core_properties
    props.title, props.author = document.title, "巡察工作平台"
    props.comments = document.trace
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
