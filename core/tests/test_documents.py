"""The GB/T 9704 document writer: open the .docx and check what the standard fixes."""

import datetime
import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from core.documents import OfficialDocument, cn_date, document_render


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
