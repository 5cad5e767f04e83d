"""Every kind of document, rendered by LibreOffice and read back from the PDF as a clerk reads it.

One document per row of ``DOCUMENT_KINDS`` (with its callers' title and parts), long enough for
a full middle page, plus documents whose body ends at a page's foot. All are converted in one
LibreOffice run (module fixture). Checked on the PDF: 22 lines on a full page and 28 characters
on a full line; the red 版头 (发文机关标志 35 mm below the text area's top, the separator line
across the text area 4 mm below the 发文字号) where the kind has one and no red elsewhere; the
版记 at the foot of the last page; page numbers 7 mm below the text area, odd right and even
left; no signature alone on a page; no title line splitting a word.

Skipped where LibreOffice or poppler is not installed (CI installs both: .ci/run).
"""

import datetime
import itertools

import pytest

from core.documents import DOCUMENT_KINDS, OfficialDocument, document_render
from core.tests import pdf_pages
from core.tests.pdf_pages import is_dark, is_red

pytestmark = pytest.mark.skipif(not pdf_pages.available(), reason="LibreOffice (soffice) or poppler not installed")

TOP, FOOT, LEFT, RIGHT = 37.0, 262.0, 28.0, 184.0  # the text area, mm
PITCH = 28.95 * 25.4 / 72  # one line, mm
OFFICE = "中共青禾县委巡察工作领导小组办公室"
ORG = "青禾县县委办公室党组织"
TEAM = "中共青禾县委第一巡察组"
DAY = datetime.date(2026, 11, 29)
SENTENCES = [
    "巡察组坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻巡视工作方针，紧扣“四个聚焦”，",
    "通过听取汇报、个别谈话、受理信访举报、调阅资料、走访调研等方式深入了解情况。",
    "该单位超标准接待问题突出，公务用车管理不规范；“三重一大”事项决策程序不规范，",
    "部分项目未经集体研究即组织实施，干部选拔任用工作程序执行不严格，",
    "对上一轮巡察反馈问题整改不到位，问题整改台账销号把关不严。",
]
# Figures are half as wide as characters: the full-line count is checked on text without them.

WORDS = ["党组织", "巡察组", "问题", "移交", "问题线索", "领导小组", "领导班子", "办公室", ORG]


def _body(paragraphs: int) -> list[tuple[str, str | bytes]]:
    text = "".join(SENTENCES)
    blocks: list[tuple[str, str | bytes]] = [("h1", "一、基本情况"), ("h2", "（一）总体情况")]
    return blocks + [("p", text[i % 7 :] + text[: i % 7]) for i in range(paragraphs)]


# The kinds as their callers write them: title, issuer, recipient, signer, copies.
PARTS = {
    "plain": {"title": "关于巡察工作有关事项的说明", "signature": OFFICE},
    "work_plan": {
        "title": f"{TEAM}关于对{ORG}开展常规巡察的工作方案",
        "signature": TEAM,
        "doc_number": "青巡发〔2026〕8号",
    },
    "authorization": {
        "title": "中共青禾县委巡察工作领导小组关于第一巡察组组长授权任职及任务分工的决定",
        "signature": "中共青禾县委巡察工作领导小组",
        "printer": OFFICE,
        "doc_number": "青巡发〔2026〕9号",
    },
    "entry_notice": {"title": f"{TEAM}关于进驻{ORG}开展常规巡察的通知", "recipient": ORG, "signature": TEAM},
    "public_notice": {"title": f"{TEAM}关于巡察{ORG}的公告", "signature": TEAM},
    "immediate_notice": {"title": f"{TEAM}立行立改通知书", "recipient": ORG, "signature": TEAM},
    "inspection_report": {
        "title": f"关于巡察{ORG}的情况报告",
        "recipient": "中共青禾县委巡察工作领导小组",
        "signature": TEAM,
    },
    "special_report": {
        "title": f"关于巡察{ORG}发现的领导干部问题线索的专题报告",
        "recipient": "中共青禾县委巡察工作领导小组",
        "signature": TEAM,
    },
    "feedback": {
        "title": f"{TEAM}向{ORG}领导班子反馈巡察情况的意见",
        "recipient": f"{ORG}领导班子",
        "signature": TEAM,
        "doc_number": "青巡发〔2026〕12号",
    },
    "feedback_public": {"title": f"{TEAM}巡察{ORG}反馈情况公开稿", "signature": TEAM},
    "transfer_letter": {
        "title": f"{OFFICE}关于移交{ORG}巡察发现问题线索的函",
        "recipient": "青禾县纪委监委",
        "signature": OFFICE,
        "doc_number": "青巡函〔2026〕3号",
    },
    "reminder_notice": {
        "title": "巡察整改督办通知书",
        "recipient": ORG,
        "signature": OFFICE,
        "doc_number": "青巡办发〔2027〕2号",
    },
    "accountability": {
        "title": "巡察整改问责建议书",
        "recipient": "青禾县纪委监委、青禾县委组织部",
        "signature": OFFICE,
        "doc_number": "青巡办发〔2027〕3号",
        "cc": ORG,
    },
    "rectification_report": {
        "title": f"{ORG}关于巡察反馈意见整改情况的报告",
        "recipient": "中共青禾县委巡察工作领导小组",
        "signature": ORG,
        "signer": "周建国",
        "doc_number": "县办党组〔2027〕4号",
    },
    "rectification_public": {"title": f"{ORG}关于巡察整改情况的公开通报", "signature": ORG},
}
# Bodies ending one to six lines from a page's foot: without the signature kept with the body,
# some of these would put the signature block alone on the last page.
ENDINGS = {f"ending-{n}": n for n in range(1, 8)}


def _ending(n: int) -> OfficialDocument:
    sentence = "巡察组对反馈问题逐项跟踪督促，推动整改落地见效。"  # 24 characters: one line with the indent
    blocks: list[tuple[str, str | bytes]] = [("p", sentence) for _ in range(14 + n)]
    return OfficialDocument(
        kind="feedback", title="巡察整改问责建议书", blocks=blocks, signature=TEAM, date=DAY, recipient=ORG
    )


def test_every_kind_is_rendered_here():
    assert set(PARTS) == set(DOCUMENT_KINDS)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    documents = {
        kind: OfficialDocument(kind=kind, blocks=_body(10), date=DAY, title_words=[ORG], **parts)  # type: ignore[arg-type]
        for kind, parts in PARTS.items()
    }
    documents.update({name: _ending(n) for name, n in ENDINGS.items()})
    docx = {name: document_render(d) for name, d in documents.items()}
    paths = pdf_pages.pdfs(docx, folder)
    return {name: (documents[name], docx[name], pdf_pages.pages(paths[name])) for name in documents}


def _row(page, start: str = "", end: str = ""):
    """The row with a line starting with ``start`` and ending with ``end`` (pdftotext parts a row at a tab)."""
    first = next(line for line in page.lines if line.text.startswith(start) and line.text.endswith(end))
    parts = sorted((line for line in page.lines if abs(line.top - first.top) < 0.5), key=lambda line: line.left)
    return pdf_pages.Line("".join(p.text for p in parts), first.top, first.bottom, parts[0].left, parts[-1].right)


def _body_lines(page):
    """Lines within the text area, without the page number."""
    return [line for line in page.lines if line.top >= TOP - 1 and line.bottom <= FOOT + 1]


@pytest.mark.parametrize("kind", list(PARTS))
def test_a_full_page_holds_22_lines_of_28_characters(rendered, kind):
    _, _, pages = rendered[kind]
    assert len(pages) >= 4, kind
    # A middle page: body paragraphs only, and not the page before the signature's, where the
    # layout may move the last paragraph down to keep it with the signature.
    full = _body_lines(pages[1])
    assert len(full) == 22, [line.text for line in full]
    tops = [line.top for line in full]
    assert all(abs(b - a - PITCH) < 0.3 for a, b in itertools.pairwise(tops))
    whole = [line for line in full if line.left < LEFT + 1 and line.right > RIGHT - 2]
    assert whole and {len(line.text) for line in whole} <= {27, 28}
    assert sum(len(line.text) == 28 for line in whole) >= len(whole) * 0.7


def _red_rows(page, y_from, y_to, x_from=LEFT + 1, x_to=RIGHT - 1):
    return page.rows(is_red, x_from, x_to, y_from, y_to)


@pytest.mark.parametrize("kind", list(PARTS))
def test_the_red_masthead_where_the_kind_has_one(rendered, kind):
    document, docx, pages = rendered[kind]
    spec = DOCUMENT_KINDS[kind]
    first = pages[0]
    if not spec.masthead:
        assert not _red_rows(first, 0, 297, 0, 210)
        assert b"FF0000" not in docx
        return
    masthead = next(line for line in first.lines if line.text.startswith(document.signature))
    red = _red_rows(first, 30, 130)
    assert red
    if spec.masthead == "文件":
        assert masthead.text == f"{document.signature}文件"
        assert abs(red[0] - (TOP + 35)) < 1.5, red[0]  # 发文机关标志: 35 mm below the text area's top
        number = _row(first, document.doc_number)
        if spec.direction == "上行文":
            assert number.text.endswith(f"{document.doc_number}签发人：{document.signer}")
            assert number.left < LEFT + 7 and number.right > RIGHT - 8  # the number left, the signer right
        glyphs = first.rows(is_dark, number.left, number.right, number.top - 1, number.bottom + 1)
        line = [y for y in red if y > number.top]
    else:  # 函: the line under the name
        glyphs = first.rows(is_red, masthead.left, masthead.right, masthead.top - 1, masthead.bottom + 1)
        line = [y for y in red if y > masthead.bottom]
        number = _row(first, "000001")
        assert number.text == f"000001{document.doc_number}" and number.right > RIGHT - 8  # the number on the right
    # The separator: red across the text area's width, 4 mm below the number (or the name).
    assert line, "no separator line"
    gap = line[0] - glyphs[-1]
    assert 3.0 < gap < 5.0, gap
    assert is_red(*first.rgb(LEFT + 0.5, line[0])) and is_red(*first.rgb(RIGHT - 2.5, line[0]))
    assert not is_red(*first.rgb(LEFT - 2, line[0])) and not is_red(*first.rgb(RIGHT + 2, line[0]))


@pytest.mark.parametrize("kind", [k for k, s in DOCUMENT_KINDS.items() if s.masthead == "文件" or "cc" in PARTS[k]])
def test_the_colophon_is_at_the_foot_of_the_last_page(rendered, kind):
    document, _, pages = rendered[kind]
    last = pages[-1]
    printed = _row(last, end="印发")
    assert printed.text == f"{document.printer or document.signature}2026年11月29日印发"
    assert printed.top > FOOT - PITCH and printed.bottom < FOOT + 0.5
    assert printed.left < LEFT + 7 and printed.right > RIGHT - 7  # 印发机关左空一字, 印发日期右空一字
    lines = last.rows(is_dark, LEFT + 60, LEFT + 100, FOOT - 3 * PITCH, FOOT + 1)
    runs = [list(g) for _, g in itertools.groupby(lines, key=lambda y, c=itertools.count(): round(y * 3.937) - next(c))]
    assert abs(runs[-1][-1] - FOOT) < 0.8  # the last line on the text area's foot
    if document.cc:
        cc = next(line for line in last.lines if line.text.startswith("抄送："))
        assert cc.text == f"抄送：{document.cc}。" and cc.bottom < printed.top
        assert len(runs) >= 3  # thick line, thin line between 抄送 and 印发, thick line
    for page in pages[:-1]:
        assert not [line for line in page.lines if "印发" in line.text or line.text.startswith("抄送")]


@pytest.mark.parametrize("kind", ["accountability", "feedback", "transfer_letter"])
def test_page_numbers_7_mm_below_the_text_area(rendered, kind):
    _, _, pages = rendered[kind]
    for page in pages:
        number = next(line for line in page.lines if line.text == f"—{page.number}—")
        dash = page.rows(is_dark, number.left + 0.5, number.left + 3.5, FOOT, FOOT + 15)
        assert dash and abs(sum(dash) / len(dash) - (FOOT + 7)) < 0.6, dash
        if page.number % 2:
            assert abs(number.right - (RIGHT - 5)) < 2  # odd: right, one character in
        else:
            assert abs(number.left - (LEFT + 5)) < 2  # even: left, one character in


SIGNATURE_BLOCK = {TEAM, OFFICE, ORG, "中共青禾县委巡察工作领导小组", "2026年11月29日"}


@pytest.mark.parametrize("name", [*PARTS, *ENDINGS])
def test_no_signature_alone_on_the_last_page(rendered, name):
    document, _, pages = rendered[name]
    body = [
        line
        for line in _body_lines(pages[-1])
        if line.text not in SIGNATURE_BLOCK and not line.text.endswith("印发") and not line.text.startswith("抄送")
    ]
    assert body, f"{name}: the last page holds only the signature block"


def test_the_endings_did_move_text_to_the_signature_s_page(rendered):
    # At least one of the endings would have left the signature alone: its last page starts with
    # body text the layout moved down, above an unfilled foot of the page before.
    moved = []
    for name in ENDINGS:
        _, _, pages = rendered[name]
        if len(pages) > 1:
            before = _body_lines(pages[-2])
            moved.append(before[-1].bottom < FOOT - PITCH)
    assert any(moved)


@pytest.mark.parametrize("kind", list(PARTS))
def test_no_title_line_splits_a_word(rendered, kind):
    document, _, pages = rendered[kind]
    first = pages[0]
    tall = [line for line in first.lines if line.bottom - line.top > 9.5]  # 2号 and larger
    if DOCUMENT_KINDS[kind].masthead:
        tall = tall[1:]  # the 发文机关标志
    title = [line.text for line in tall]
    assert "".join(title) == document.title, (title, document.title)
    for a, b in itertools.pairwise(title):
        joined = a + b
        for word in WORDS:
            for at in range(len(a) - len(word) + 1, len(a)):
                assert joined[at : at + len(word)] != word, (title, word)
    if len(title) > 1:  # 梯形 (each line no longer, or no shorter, than the next) or 菱形 (the middle longest)
        widths = [len(t) for t in title]
        assert sorted(widths) in (widths, widths[::-1]) or max(widths) in widths[1:-1], title
