"""The GB/T 9704 document writer: open the .docx and check what the standard fixes."""

import datetime
import io
import itertools
import re

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.document_titles import GLOSSARY, domain_words, text_width, title_lines
from core.documents import OfficialDocument, cn_date, document_render, signature_indents


@pytest.fixture(scope="module")
def doc():
    data = document_render(
        OfficialDocument(
            title="关于对县委办公室党组织开展巡察的工作方案",
            doc_number="青巡发〔2026〕7号",
            recipient="县委第一巡察组",
            blocks=[("h1", "一、总体要求"), ("h2", "（一）指导思想"), ("p", "坚持以人民为中心。")],
            signature="中共青禾县委巡察工作领导小组办公室",
            date=datetime.date(2026, 11, 29),
            trace="李晓燕 2026-11-29 10:00 追踪号 abc",
        )
    )
    return Document(io.BytesIO(data))


def _para(doc, text):
    return next(p for p in doc.paragraphs if p.text == text)


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_the_standard_margins(doc):
    s = doc.sections[0]
    measured = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
    # Word stores twentieths of a point; a millimetre does not divide evenly into them.
    assert [round(v.mm, 1) for v in measured] == [210, 297, 37, 35, 28, 26]


def test_fonts_and_sizes(doc):
    title = _para(doc, "关于对县委办公室党组织开展巡察的工作方案")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asia(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    for text, font in (
        ("一、总体要求", "黑体"),
        ("（一）指导思想", "楷体_GB2312"),
        ("坚持以人民为中心。", "仿宋_GB2312"),
    ):
        run = _para(doc, text).runs[0]
        assert _east_asia(run) == font and run.font.size == Pt(16), text
    normal = doc.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size == Pt(16)


def test_exact_line_spacing_gives_22_lines_of_28_characters(doc):
    body = _para(doc, "坚持以人民为中心。")
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28.95)
    text_height_pt = (297 - 37 - 35) / 25.4 * 72
    assert int(text_height_pt // 28.95) == 22
    spacing = body.runs[0]._element.rPr.find(qn("w:spacing"))
    char_pt = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(((210 - 28 - 26) / 25.4 * 72) // char_pt) == 28
    assert fmt.first_line_indent == Pt(32)


def test_page_numbers_alternate_sides_with_a_page_field(doc):
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        xml = p._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert {_east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size for r in p.runs} == {Pt(14)}


def test_signature_date_and_trace(doc):
    assert _para(doc, "2026年11月29日").alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert _para(doc, "县委第一巡察组：")
    assert doc.core_properties.comments == "李晓燕 2026-11-29 10:00 追踪号 abc"


def test_cn_date():
    assert cn_date(datetime.date(2025, 9, 3)) == "2025年9月3日"


def test_cn_date_in_templates():
    from django.template import Context, Template

    page = Template("{% load xuncha %}{{ on|cn_date }}·{{ none|cn_date }}")
    assert page.render(Context({"on": datetime.date(2025, 9, 30), "none": None})) == "2025年9月30日·"


# The 版头, the 版记, the signature block and the title (GB/T 9704-2012) ----------------------

OFFICE = "中共青禾县委巡察工作领导小组办公室"


def _render(**kwargs):
    values = {
        "title": "巡察整改问责建议书",
        "blocks": [("h1", "一、有关情况"), ("p", "经对账检查，该单位整改任务逾期未完成。")],
        "signature": OFFICE,
        "date": datetime.date(2026, 11, 29),
    }
    return Document(io.BytesIO(document_render(OfficialDocument(**{**values, **kwargs}))))


def _border(p, side):
    found = p._p.pPr.find(qn("w:pBdr"))
    return None if found is None else found.find(qn(f"w:{side}"))


def test_the_office_s_own_documents_carry_the_red_masthead_and_separator_line():
    doc = _render(kind="accountability", doc_number="青巡办发〔2026〕7号", cc="青禾县县委办公室党组织")
    masthead = next(p for p in doc.paragraphs if p.text == f"{OFFICE}文件")
    run = masthead.runs[0]
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert str(run.font.color.rgb) == "FF0000" and _east_asia(run) == "方正小标宋简体"
    assert run.font.size > Pt(22)  # larger than the title, within the line
    number = _para(doc, "青巡办发〔2026〕7号")
    line = _border(number, "bottom")
    assert line is not None and line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER  # 下行文: the number centred
    texts = [p.text for p in doc.paragraphs]
    # 下空二行 between masthead and number, and between the red line and the title.
    assert texts[texts.index(f"{OFFICE}文件") : texts.index("巡察整改问责建议书") + 1] == [
        f"{OFFICE}文件",
        "",
        "",
        "青巡办发〔2026〕7号",
        "",
        "",
        "巡察整改问责建议书",
    ]


def test_documents_without_a_masthead_carry_no_red():
    doc = _render(kind="feedback", doc_number="青巡发〔2026〕3号")
    assert "FF0000" not in doc.element.xml
    assert doc.paragraphs[0].text == "青巡发〔2026〕3号"


def test_a_marked_document_has_its_copy_number_and_secrecy_top_left():
    doc = _render(kind="inspection_report", copy_number=12)
    assert [p.text for p in doc.paragraphs[:2]] == ["000012", "工作秘密"]
    assert _east_asia(doc.paragraphs[1].runs[0]) == "黑体"
    letter = _render(kind="transfer_letter", doc_number="青巡函〔2026〕3号")
    assert letter.paragraphs[0].text == OFFICE  # the letter format: the name without 文件
    assert _border(letter.paragraphs[0], "bottom").get(qn("w:val")) == "thickThinSmallGap"  # 上粗下细
    assert letter.paragraphs[1].text == "000001\t青巡函〔2026〕3号" and letter.paragraphs[2].text == "工作秘密"


def test_an_upward_document_puts_the_signer_beside_the_number():
    doc = _render(
        kind="rectification_report", doc_number="县办党组〔2027〕2号", signer="周建国", signature="县委办公室党组织"
    )
    line = next(p for p in doc.paragraphs if "签发人" in p.text)
    assert line.text == "　县办党组〔2027〕2号\t签发人：周建国"  # 居左空一字
    assert _east_asia(line.runs[-1]) == "楷体_GB2312"  # the name in 楷体
    assert _border(line, "bottom").get(qn("w:color")) == "FF0000"


def test_the_colophon_sits_at_the_foot_between_thick_and_thin_lines():
    doc = _render(kind="accountability", cc="青禾县县委办公室党组织")
    cc = _para(doc, "抄送：青禾县县委办公室党组织。")
    printed = _para(doc, f"{OFFICE}\t2026年11月29日印发")
    assert cc.runs[0].font.size == printed.runs[0].font.size == Pt(14)  # 4号
    frames = [p._p.pPr.find(qn("w:framePr")) for p in (cc, printed)]
    pitch = int(Pt(28.95).twips)
    assert [int(f.get(qn("w:y"))) for f in frames] == [int(Mm(225).twips) - 2 * pitch, int(Mm(225).twips) - pitch]
    assert {f.get(qn("w:vAnchor")) for f in frames} == {"margin"}
    assert {f.get(qn("w:w")) for f in frames} == {str(int(Mm(156).twips))}
    widths = [(_border(cc, "top").get(qn("w:sz"))), _border(cc, "bottom").get(qn("w:sz"))]
    assert widths == ["8", "6"] and _border(printed, "bottom").get(qn("w:sz")) == "8"  # 0.35 mm, 0.25 mm
    # The copy is no longer a body line.
    assert not [p for p in doc.paragraphs if p.text.startswith("抄送") and p._p.pPr.find(qn("w:framePr")) is None]
    assert not [p for p in _render(kind="feedback").paragraphs if "印发" in p.text]


def test_signature_layouts():
    date = "2026年11月29日"  # 7 characters wide: digits are half
    # Sealed: the date 右空四字, the signature centred over it (or the date moved left to stay centred).
    assert signature_indents("中共青禾县委第一巡察组", date, sealed=True) == (2.0, 4.0)
    assert signature_indents(OFFICE, date, sealed=True) == (0.0, 5.0)
    # Unsealed: the signature 右空二字, the date's first character two characters right of its first.
    assert signature_indents("中共青禾县委第一巡察组", date, sealed=False) == (2.0, 4.0)
    assert signature_indents("县委办", date, sealed=False) == (8.0, 2.0)
    doc = _render(kind="accountability")
    sig, day = _para(doc, OFFICE), _para(doc, "2026年11月29日")
    assert sig.paragraph_format.right_indent == 0 and day.paragraph_format.right_indent == Pt(15.75 * 5)
    # Two blank lines above leave room for the seal; everything from the last body line is kept together.
    texts = [p.text for p in doc.paragraphs]
    at = texts.index(OFFICE)
    assert texts[at - 3 : at] == ["经对账检查，该单位整改任务逾期未完成。", "", ""]
    assert all(p.paragraph_format.keep_with_next for p in doc.paragraphs[at - 3 : at + 1])
    unsealed = _render(kind="work_plan")
    texts = [p.text for p in unsealed.paragraphs]
    assert texts[texts.index(OFFICE) - 1] == "" and texts[texts.index(OFFICE) - 2] != ""


def test_body_is_justified_headings_keep_with_next_and_the_styles_say_zh_cn(doc):
    body = _para(doc, "坚持以人民为中心。")
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert _para(doc, "一、总体要求").paragraph_format.keep_with_next
    assert _para(doc, "（一）指导思想").paragraph_format.keep_with_next
    styles = doc.styles.element.xml
    assert 'w:eastAsia="zh-CN"' in styles
    assert doc.styles["Normal"].paragraph_format.widow_control is False


def test_the_title_is_printed_once():
    doc = _render(blocks=[("p", "巡察整改问责建议书"), ("p", "正文。")])
    assert [p.text for p in doc.paragraphs].count("巡察整改问责建议书") == 1


def _title_lines(doc):
    p = next(p for p in doc.paragraphs if p.runs and p.runs[0].font.size == Pt(22))
    return p.text.split("\n")


def test_titles_break_between_words_into_a_trapezoid():
    doc = _render(
        title="中共青禾县委第一巡察组向青禾县县委办公室党组织领导班子反馈巡察情况的意见",
        title_words=["青禾县县委办公室党组织"],
    )
    lines = _title_lines(doc)
    assert lines == ["中共青禾县委第一巡察组", "向青禾县县委办公室党组织", "领导班子反馈巡察情况的意见"]
    assert [len(line) for line in lines] == sorted(len(line) for line in lines)  # 梯形: upper lines shorter
    assert _title_lines(_render(title="巡察整改问责建议书")) == ["巡察整改问责建议书"]


TITLES = [
    "中共青禾县委巡察工作领导小组办公室关于移交青禾县县委办公室党组织巡察发现问题线索的函",
    "中共青禾县委第一巡察组关于对青禾县县委办公室党组织开展常规巡察的工作方案",
    "中共青禾县委巡察工作领导小组关于第一巡察组组长授权任职及任务分工的决定",
    "青禾县县委办公室党组织关于巡察反馈意见整改情况的报告",
    "关于巡察青禾县县委办公室党组织发现的领导干部问题线索的专题报告",
    "中共青禾县委第一巡察组巡察青禾县县委办公室党组织反馈情况公开稿",
]
WORDS = ["党组织", "巡察组", "问题", "移交", "问题线索", "领导小组", "领导班子", "办公室", "工作方案", "专题报告"]


@pytest.mark.parametrize("title", TITLES)
def test_no_title_line_splits_a_domain_word(title):
    lines = title_lines(title, 20, ["青禾县县委办公室党组织"])
    assert "".join(lines) == title and all(text_width(line) <= 20 for line in lines)
    for a, b in itertools.pairwise(lines):
        for word in WORDS + ["青禾县县委办公室党组织"]:
            joined = a + b
            for at in range(len(a) - len(word) + 1, len(a)):
                assert joined[at : at + len(word)] != word, (title, lines, word)


def test_the_glossary_s_terms_are_words_titles_keep_whole():
    glossary = GLOSSARY.read_text()
    terms = set()
    for row in glossary.splitlines():
        if not row.startswith("| ") or row.startswith(("| 中文", "|---")):
            continue
        for term in re.split(r"\s*/\s*", row.split("|")[1]):
            term = re.sub(r"[（(].*?[)）]", "", term).strip()
            if re.fullmatch(r"[\u4e00-\u9fff]{2,}", term):
                terms.add(term)
    assert "回避申报" in terms and terms <= set(domain_words()), sorted(terms - set(domain_words()))
