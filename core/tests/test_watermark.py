"""Every export names its source: a document carries the user, the time and the request's trace
id as a watermark across every page (Word's own, which the PDF keeps) and in its properties; a
workbook in its printed footer and properties; and the auditor finds the export's event from
the trace id read off a leaked copy."""

import io
import re
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from core.documents import OfficialDocument, document_render
from core.models import AuditEvent
from core.tests import pdf_pages, pdf_read
from results.tests.factories import lead_transfer

TRACE = re.compile(r"追踪号 ([0-9a-f]{32})")


def _headers_xml(data: bytes) -> list[str]:
    section = Document(io.BytesIO(data)).sections[0]
    return [section.header._element.xml, section.even_page_header._element.xml]


def test_a_document_with_a_trace_carries_it_across_odd_and_even_pages():
    trace = "李晓燕（qh_office） 导出于 2026-12-06 13:25 追踪号 3f2a9c0d5e6b47a8b1c2d3e4f5a6b7c8"
    data = document_render(OfficialDocument(title="关于移交问题线索的函", blocks=[("p", "正文。")], trace=trace))
    for xml in _headers_xml(data):
        assert "PowerPlusWaterMarkObject" in xml and f'string="{trace}"' in xml and "rotation:315" in xml
    props = Document(io.BytesIO(data)).core_properties
    assert props.comments == trace and props.keywords == trace
    plain = document_render(OfficialDocument(title="关于移交问题线索的函", blocks=[("p", "正文。")]))
    assert not any("PowerPlusWaterMarkObject" in xml for xml in _headers_xml(plain))


def test_the_auditor_finds_the_export_from_the_trace_on_a_leaked_letter(world, login):
    a = world["a"]
    transfer = lead_transfer(world)
    head = a.users["office_head"]
    docx = login(head).get(f"/results/transfers/{transfer.pk}/letter.docx").content
    header = _headers_xml(docx)[0]
    trace_id = TRACE.search(header).group(1)
    assert f"{head.display_name}（{head.username}） 导出于" in header
    # The request's events: the lead read into the letter, its number given on this first
    # download, the export.
    events = list(AuditEvent.objects.filter(trace_id=trace_id).order_by("seq"))
    assert "document.export" in [e.action for e in events] and len(events) >= 2
    assert {e.actor_username for e in events} == {head.username}

    auditor = login(a.users["auditor"])
    page = auditor.get("/audit/", {"trace": trace_id[:8].upper()}).content.decode()
    found = set(map(int, re.findall(r'href="/audit/(\d+)/"', page)))
    assert found == {e.pk for e in events}
    assert "请至少输入前 6 位" in auditor.get("/audit/", {"trace": "3f2"}).content.decode()
    api = auditor.get("/api/v1/audit-events", {"trace": trace_id[:10]})
    assert {e["id"] for e in api.json()["items"]} == {e.pk for e in events}
    short = auditor.get("/api/v1/audit-events", {"trace": "3f2"})
    assert short.status_code == 422 and "至少输入前 6 位" in short.json()["errors"]["trace"][0]


def test_every_workbook_export_carries_the_trace_in_its_footer(world, login):
    office = world["a"].users["office"]
    data = login(office).get("/registry/export.xlsx").content
    book = load_workbook(io.BytesIO(data))
    footer = book.active.oddFooter.center.text
    trace_id = TRACE.search(footer).group(1)
    assert book.properties.description == footer and office.username in footer
    assert [e.action for e in AuditEvent.objects.filter(trace_id=trace_id)] == ["organization.export"]


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_pdf_keeps_the_watermark(world, login, tmp_path):
    """Drawn on the page (the first page differs from the same letter without it, in light
    grey only) and named in the PDF's keywords."""
    from core.pdf import document_pdf

    transfer = lead_transfer(world)
    pdf = login(world["a"].users["office_head"]).get(f"/results/transfers/{transfer.pk}/letter.pdf").content
    (tmp_path / "with.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "with.pdf")], capture_output=True, text=True).stdout
    trace_id = re.search(r"[0-9a-f]{32}", info).group(0)
    assert AuditEvent.objects.filter(trace_id=trace_id, action="document.export").exists()

    docx = login(world["a"].users["office_head"]).get(f"/results/transfers/{transfer.pk}/letter.docx").content
    document = Document(io.BytesIO(docx))
    for header in (document.sections[0].header, document.sections[0].even_page_header):
        for p in header.paragraphs:
            p._p.getparent().remove(p._p)
    bare = io.BytesIO()
    document.save(bare)
    (tmp_path / "without.pdf").write_bytes(document_pdf(bare.getvalue()))

    def pixels(name):
        ppm = subprocess.run(
            ["pdftoppm", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / name)], capture_output=True, check=True
        ).stdout
        return pdf_pages._ppm(ppm)[2]

    marked, plain = pixels("with.pdf"), pixels("without.pdf")
    assert len(marked) == len(plain)
    changed = [tuple(marked[i : i + 3]) for i in range(0, len(marked), 3) if marked[i : i + 3] != plain[i : i + 3]]
    assert len(changed) > 200, "no watermark drawn on the page"
    grey = [c for c in changed if c[0] > 150 and abs(c[0] - c[1]) < 20 and abs(c[1] - c[2]) < 20]
    assert len(grey) > 0.9 * len(changed), "the watermark is faint grey, behind the text"
