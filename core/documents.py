"""Word documents in the party and government document format (GB/T 9704-2012).

Every document the platform writes (work plans, notices, reports, feedback,
transfer letters) is built here, so the format is decided once:

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text area 156 × 225 mm);
- body 3号 (16 pt) 仿宋_GB2312, exact line spacing of 28.95 pt and characters
  condensed by 0.25 pt, so that a full page holds 22 lines of 28 characters; body
  paragraphs justified (两端对齐), headings kept with the next paragraph, widow control
  off (the fixed grid), East Asian language zh-CN;
- title 2号 (22 pt) 方正小标宋简体, centred, broken between words into a 梯形 or 菱形
  (``core.document_titles``); level-1 headings 黑体, level-2 楷体_GB2312;
- 版头 (masthead) for the kinds that carry one (``DOCUMENT_KINDS``): 份号 and 密级
  (or 工作秘密) top left, the red 发文机关标志 35 mm below the text area's top, the
  发文字号 two lines below it (上行文: on the left, 签发人 on the right), and the red
  separator line 4 mm below the number, as wide as the text area; 函 in the letter
  format (the name without 文件 and a red double line, thick over thin);
- signature block: sealed (成文日期右空四字, 署名 centred over it, two lines left for the
  seal) or unsealed (署名右空二字, the date two characters further right), kept with the
  last body paragraph so that it never stands alone on a page;
- 版记 (抄送, 印发机关和印发日期) at the foot of the last page between separator lines,
  the first and last thick (0.35 mm), the middle thin (0.25 mm);
- page numbers "— 1 —" in 4号 (14 pt) 宋体, the dash 7 mm below the text area, odd
  pages on the right and even pages on the left, one character in from the edge;
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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from core.document_titles import text_width, title_lines

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
TEXT_WIDTH = Mm(156)
TEXT_HEIGHT = Mm(225)
CHAR = Pt(16 + CHAR_CONDENSE_TWIPS / 20)  # one body character, condensed: 28 to the line
TITLE_CHARS = 20  # 2号 characters (22 pt, condensed) in the 156 mm line
MARK_SIZE = Pt(14)  # 4号: 版记
RED = RGBColor(0xFF, 0x00, 0x00)
MASTHEAD_TOP = Mm(35)  # 发文机关标志: its top edge below the text area's top
MASTHEAD_MAX = Pt(36)  # 小初


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


@dataclass(frozen=True)
class DocumentKind:
    """What the standard's optional elements are for one kind of document.

    ``masthead``: "文件" (the 文件 format: 发文机关标志 "{issuer}文件", 版记 with 印发机关和印发日期),
    "函" (the letter format: the issuer's name, a red double line) or "" (no 版头).
    ``direction``: 下行文, 上行文 (签发人 beside the number) or 平行文.
    ``sealed``: the signature block is laid out for a seal (GB/T 9704 7.3.5.1) or without (7.3.5.2).
    ``secrecy``: the mark printed top left (工作秘密), with a 份号; "" for none.
    ``register``: the register (机关代字) its 发文字号 is taken from (``planning.documents.REGISTERS``:
    "office" 巡察办, "leading_group" 领导小组, "team" the inspection's 巡察组, "letter" 函); "" for
    a document without a number.
    """

    label: str
    masthead: str = ""
    direction: str = "下行文"
    sealed: bool = True
    secrecy: str = ""
    register: str = ""


# One table for every document the platform writes; callers name their kind.
DOCUMENT_KINDS: dict[str, DocumentKind] = {
    "plain": DocumentKind("文书", sealed=False),
    # Preparation (planning.documents)
    "work_plan": DocumentKind("巡察工作方案", sealed=False, register="team"),
    "authorization": DocumentKind("组长授权任职及任务分工的决定", masthead="文件", register="leading_group"),
    "entry_notice": DocumentKind("进驻通知", register="team"),
    "public_notice": DocumentKind("巡察公告"),
    # On site (onsite.notices)
    "immediate_notice": DocumentKind("立行立改通知书"),
    # Report, feedback, transfer (results)
    "inspection_report": DocumentKind("巡察报告", direction="上行文", secrecy="工作秘密"),
    "special_report": DocumentKind("专题报告", direction="上行文", secrecy="工作秘密"),
    "feedback": DocumentKind("反馈意见", register="team"),
    "feedback_public": DocumentKind("反馈情况公开稿", sealed=False),
    "transfer_letter": DocumentKind("移交函", masthead="函", direction="平行文", secrecy="工作秘密", register="letter"),
    # Rectification
    "reminder_notice": DocumentKind("整改督办（告诫）通知书", masthead="文件", register="office"),
    "accountability": DocumentKind("巡察整改问责建议书", masthead="文件", direction="平行文", register="office"),
    "rectification_report": DocumentKind("整改情况报告", masthead="文件", direction="上行文"),
    "rectification_public": DocumentKind("整改情况公开通报", sealed=False),
}


@dataclass
class OfficialDocument:
    """The parts of an official document. ``blocks`` are ``(kind, value)`` with kind one
    of ``"h1"`` (一、), ``"h2"`` (（一）), ``"p"`` (a body paragraph), ``"plain"`` (a body
    line without the two-character indent), ``"center"`` (a centred body line) or
    ``"image"`` (PNG bytes, centred, 30 mm wide, e.g. a QR code).

    ``kind`` names the row of ``DOCUMENT_KINDS`` that decides the 版头, the signature
    layout and the 版记. A first block repeating the title is not printed twice."""

    title: str
    blocks: Sequence[tuple[str, str | bytes]] = field(default_factory=list)
    doc_number: str = ""  # 发文字号, e.g. 青巡发〔2026〕7号
    recipient: str = ""  # 主送机关
    signature: str = ""  # 发文机关署名
    date: datetime.date | None = None  # 成文日期
    trace: str = ""  # user, time and trace id of an export
    kind: str = "plain"  # a key of DOCUMENT_KINDS
    issuer: str = ""  # 发文机关 of the 版头 (the signature when blank)
    signer: str = ""  # 签发人 (上行文)
    cc: str = ""  # 抄送机关, in the 版记
    printer: str = ""  # 印发机关 (the issuer when blank)
    copy_number: int = 1  # 份号, printed with a secrecy mark
    title_words: Sequence[str] = ()  # names the title never breaks inside (the organisation, the team)

    @property
    def spec(self) -> DocumentKind:
        return DOCUMENT_KINDS[self.kind]


def _fonts(run, east_asia: str, size, bold: bool = False, condense: bool = False, color=None) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = east_asia  # ascii and hAnsi
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), east_asia)
    if condense:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_CONDENSE_TWIPS))
        rpr.append(spacing)


def _exact_lines(paragraph, pitch=LINE_PITCH) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = pitch
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


def _image(doc, png: bytes):
    """A centred picture; its paragraph spacing is single, since an exact line height would clip it."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.add_run().add_picture(io.BytesIO(png), width=Mm(30))
    return p


def _border(paragraph, side: str, *, style: str, eighths: int, space_pt: int, color: str) -> None:
    """A paragraph border: the separator lines of the 版头 (as wide as the paragraph, i.e. the text area)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), style)
    line.set(qn("w:sz"), str(eighths))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)


def _tab_line(doc, left: str, right: str, *, right_font: str = BODY_FONT, label: str = ""):
    """One line with ``left`` at the left edge and ``label``+``right`` ending one character before
    the right edge (no indents: a border under the line spans the whole text area)."""
    p = _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
    p.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - CHAR), WD_TAB_ALIGNMENT.RIGHT)
    p.runs[0].text = left
    _fonts(p.add_run("\t" + label), BODY_FONT, BODY_SIZE, condense=True)
    if right:
        _fonts(p.add_run(right), right_font, BODY_SIZE, condense=True)
    return p


# Measured on LibreOffice's rendering: the gap between a line's glyphs and a bottom border of
# ``w:space`` points, so that the red line lies 4 mm below the 发文字号.
SEPARATOR_SPACE_PT = 6


def _masthead(doc, d: OfficialDocument) -> None:
    """份号 and 密级, the red 发文机关标志, the 发文字号 (and 签发人) and the red separator line."""
    spec = d.spec
    issuer = d.issuer or d.signature
    name = f"{issuer}文件" if spec.masthead == "文件" else issuer
    letter = spec.masthead == "函"
    marks = [f"{d.copy_number:06d}", spec.secrecy] if spec.secrecy else []
    if marks and not letter:
        _paragraph(doc, marks[0], BODY_FONT, BODY_SIZE, indent=False)
        _paragraph(doc, marks[1], H1_FONT, BODY_SIZE, indent=False)
    size = Pt(min(MASTHEAD_MAX.pt, int(TEXT_WIDTH.pt / max(text_width(name), 1))))
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(p, Pt(round(size.pt * 1.25)))
    if not letter:
        # The glyphs' top edge lies about 0.14 of the size below the line's top (measured).
        p.paragraph_format.space_before = Emu(MASTHEAD_TOP - LINE_PITCH * len(marks) - Pt(size.pt * 0.14))
    _fonts(p.add_run(name), TITLE_FONT, size, color=RED)
    p.paragraph_format.keep_with_next = True
    if letter:
        # 信函格式: a red double line, thick over thin, under the name; the number on the right.
        _border(p, "bottom", style="thickThinSmallGap", eighths=24, space_pt=SEPARATOR_SPACE_PT, color="FF0000")
        _tab_line(doc, marks[0] if marks else "", d.doc_number)
        if marks:
            _paragraph(doc, marks[1], H1_FONT, BODY_SIZE, indent=False)
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
        return
    for _ in range(2):  # 发文字号: 发文机关标志下空二行
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
    if spec.direction == "上行文":
        # 发文字号居左空一字 (an ideographic space, one character), 签发人 居右空一字.
        number = _tab_line(doc, f"　{d.doc_number}", d.signer or "　　　", right_font=H2_FONT, label="签发人：")
    else:
        number = _paragraph(doc, d.doc_number, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _border(number, "bottom", style="single", eighths=12, space_pt=SEPARATOR_SPACE_PT, color="FF0000")
    for _ in range(2):  # 标题: 红色分隔线下空二行
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)


def _title(doc, d: OfficialDocument) -> None:
    lines = title_lines(d.title, TITLE_CHARS, d.title_words)
    p = _paragraph(doc, lines[0], TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for line in lines[1:]:
        p.runs[-1].add_break()
        _fonts(p.add_run(line), TITLE_FONT, TITLE_SIZE, condense=True)
    p.paragraph_format.keep_with_next = True


def _blocks(doc, d: OfficialDocument) -> list:
    """The body; answers its paragraphs."""
    blocks = list(d.blocks)
    if blocks and isinstance(blocks[0][1], str) and "".join(blocks[0][1].split()) == "".join(d.title.split()):
        blocks = blocks[1:]  # the title is printed once, as the title
    fonts = {"h1": H1_FONT, "h2": H2_FONT, "p": BODY_FONT, "plain": BODY_FONT}
    out = []
    for kind, value in blocks:
        # The kind decides the value's type: PNG bytes for "image", text for the others.
        if kind == "image":
            out.append(_image(doc, cast(bytes, value)))
            continue
        if kind == "center":
            p = _paragraph(doc, cast(str, value), BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        else:
            p = _paragraph(
                doc, cast(str, value), fonts[kind], BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=kind != "plain"
            )
            p.paragraph_format.keep_with_next = kind in ("h1", "h2")
        out.append(p)
    return out


def signature_indents(signature: str, date: str, *, sealed: bool) -> tuple[float, float]:
    """Right indents, in characters, of the 署名 and the 成文日期.

    Sealed (GB/T 9704 7.3.5.1): the date 右空四字, the signature centred over the date (when
    the signature is wider than the date allows, the date moves left to keep it centred).
    Unsealed (7.3.5.2): the signature 右空二字, the date's first character two characters
    right of the signature's; a date longer than that stays 右空二字 and the signature moves left."""
    sig, day = text_width(signature), text_width(date)
    if sealed:
        date_right = 4.0
        sig_right = date_right + (day - sig) / 2
        if sig_right < 0:
            date_right, sig_right = date_right - sig_right, 0.0
        return sig_right, date_right
    sig_right = 2.0
    date_right = sig_right + sig - 2 - day
    if date_right < 2:
        sig_right, date_right = sig_right + 2 - date_right, 2.0
    return sig_right, date_right


def _signature(doc, d: OfficialDocument, body: list) -> None:
    date = cn_date(d.date) if d.date else ""
    sealed = d.spec.sealed
    sig_right, date_right = signature_indents(d.signature, date, sealed=sealed)
    if not d.signature:
        date_right = 4.0 if sealed else 2.0
    blank = 2 if sealed else 1  # room for the seal: its top within a line of the body
    if d.blocks and d.blocks[-1][0] == "image":  # a picture leaves room enough
        blank -= 1
    if body:
        body[-1].paragraph_format.keep_with_next = True  # never a signature alone on the last page
    for _ in range(blank):
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False).paragraph_format.keep_with_next = True
    lines = [(d.signature, sig_right), (date, date_right)]
    for i, (text, right) in enumerate(line for line in lines if line[0]):
        p = _paragraph(doc, text, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Emu(int(CHAR * right))
        p.paragraph_format.keep_with_next = i == 0 and bool(date and d.signature)


THICK, THIN = 8, 6  # eighths of a point: 0.35 mm and 0.25 mm, the 版记's lines


def _frame(paragraph, above: int) -> None:
    """Puts ``paragraph`` in a frame of one line, the text area's width, ``above`` lines above the
    text area's foot, text flowing above it. One frame a line: LibreOffice lays out a frame of
    several bordered paragraphs inline."""
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w", str(int(TEXT_WIDTH.twips))),
        ("h", str(int(LINE_PITCH.twips))),
        ("hRule", "exact"),
        ("wrap", "around"),
        ("hAnchor", "margin"),
        ("vAnchor", "margin"),
        ("xAlign", "center"),
        ("y", str(int(TEXT_HEIGHT.twips - LINE_PITCH.twips * above))),
    ):
        frame.set(qn(f"w:{key}"), value)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, frame)


def _colophon(doc, d: OfficialDocument) -> None:
    """The 版记 (抄送; 印发机关和印发日期) at the foot of the last page's text area, as wide as the
    text area, between separator lines: the first and last thick, the middle ones thin."""
    rows = []
    if d.cc:
        rows.append(("cc", d.cc if d.cc.endswith("。") else f"{d.cc}。"))
    if d.spec.masthead == "文件" and d.date:
        rows.append(("print", d.printer or d.issuer or d.signature))
    if not rows:
        return
    lined = d.spec.masthead != "函"  # the letter format's 版记 has no lines
    for i, item in enumerate(rows):
        p = doc.add_paragraph()
        _frame(p, len(rows) - i)
        _exact_lines(p)
        fmt = p.paragraph_format
        if lined:
            if i == 0:
                _border(p, "top", style="single", eighths=THICK, space_pt=0, color="000000")
            last = i == len(rows) - 1
            _border(p, "bottom", style="single", eighths=THICK if last else THIN, space_pt=0, color="000000")
        if item[0] == "cc":
            # 左右各空一字; a second line aligns with the first name after the colon.
            fmt.left_indent = Emu(MARK_SIZE * 4)
            fmt.first_line_indent = Emu(-MARK_SIZE * 3)
            fmt.right_indent = MARK_SIZE
            _fonts(p.add_run(f"抄送：{item[1]}"), BODY_FONT, MARK_SIZE)
        else:
            assert d.date is not None  # a 印发 row is made only for a dated document
            fmt.left_indent = MARK_SIZE
            fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - MARK_SIZE), WD_TAB_ALIGNMENT.RIGHT)
            _fonts(p.add_run(f"{item[1]}\t{cn_date(d.date)}印发"), BODY_FONT, MARK_SIZE)
    anchor = doc.add_paragraph()  # the frame stands on the page of the paragraph after it
    _exact_lines(anchor, Pt(1))


def _page_number(footer, align) -> None:
    """— PAGE — in 4号宋体; ``align`` right (odd pages) or left (even), one character in."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        p.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    _exact_lines(p, PAGE_NUMBER_LINE)
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


# The footer's line and its distance from the page's foot, measured on LibreOffice's rendering
# so that the dash of "— 1 —" lies 7 mm below the text area (GB/T 9704 7.5).
PAGE_NUMBER_LINE = Pt(14)
FOOTER_DISTANCE = Mm(25.3)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_after = Pt(0)
    fmt.widow_control = False  # the fixed grid: 22 lines on every full page


WATERMARK_VML = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><w:rPr><w:noProof/></w:rPr>
<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>
<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight"
 xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:52pt;rotation:315;z-index:-251654144;
mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;
mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#a0a0a0" stroked="f">
<v:fill opacity="0.4"/><v:textpath style="font-family:&quot;SimSun&quot;;font-size:1pt" string="{text}"/>
</v:shape></w:pict></w:r>"""


def _watermark(header, text: str) -> None:
    """The export's trace (user, time, trace id) across the middle of every page, faint and
    diagonal, behind the text: Word's own text watermark (a VML shape in the header), which
    LibreOffice draws into the PDF too. A leaked copy, printed or photographed, names its
    source; the trace id finds the export in the audit trail."""
    from html import escape  # & < > " ' as XML character references

    from docx.oxml import parse_xml

    n = len(header.part.package.parts) + 1
    run = parse_xml(WATERMARK_VML.format(n=n, spid=2048 + n, text=escape(text, quote=True)))
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    paragraph._p.append(run)


def document_render(document: OfficialDocument) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    section.footer_distance = FOOTER_DISTANCE
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    _styles(doc)

    spec = document.spec
    if spec.masthead:
        _masthead(doc, document)
    elif spec.secrecy:  # 份号 and 密级 top left, without a masthead
        _paragraph(doc, f"{document.copy_number:06d}", BODY_FONT, BODY_SIZE, indent=False)
        _paragraph(doc, spec.secrecy, H1_FONT, BODY_SIZE, indent=False)
    if not spec.masthead and document.doc_number:
        _paragraph(doc, document.doc_number, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False)
    _title(doc, document)
    _paragraph(doc, "", BODY_FONT, BODY_SIZE, indent=False).paragraph_format.keep_with_next = True  # 标题下空一行
    if document.recipient:
        _paragraph(doc, f"{document.recipient}：", BODY_FONT, BODY_SIZE, indent=False)
    body = _blocks(doc, document)
    if document.signature or document.date:
        _signature(doc, document, body)
    _colophon(doc, document)
    props = doc.core_properties
    props.title, props.author = document.title, "巡察工作平台"
    props.comments = document.trace
    props.keywords = document.trace  # LibreOffice carries it into the PDF's Keywords
    if document.trace:
        for header in (section.header, section.even_page_header):
            _watermark(header, document.trace)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
