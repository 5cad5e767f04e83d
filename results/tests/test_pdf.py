"""The results' documents as PDF beside the Word file: the feedback opinion and the transfer letter
carry the title, 发文字号 and date of the .docx (issued once); without LibreOffice no page offers a
PDF and the addresses say why."""

import pytest

from conftest import feedback, finding
from core.pdf import UNAVAILABLE
from core.tests import pdf_read
from results.tests.factories import lead_transfer, team_report

ORG = "甲县县委办公室党组织"


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_feedback_opinion_as_pdf_is_the_numbered_document(world, login):
    finding(world)
    fb = feedback(world)
    client = login(world["a"].users["office"])
    page = client.get(f"/results/inspections/{world['a'].inspection.pk}/feedback/").content.decode()
    base = f"/results/feedback/{fb.pk}/documents/leadership"
    assert f'href="{base}.pdf">查看 PDF</a>' in page and "另有 PDF 文件，供阅读和打印" in page

    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    title = f"中共甲县委第一巡察组向{ORG}领导班子反馈巡察情况的意见"
    number = pdf_read.same_document(pdf.content, client.get(f"{base}.docx").content, title)
    assert number in client.get(f"/results/inspections/{world['a'].inspection.pk}/feedback/").content.decode()


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_transfer_letter_as_pdf_carries_its_number(world, login):
    transfer = lead_transfer(world)
    client = login(world["a"].users["office_head"])
    page = client.get(f"/results/transfers/{transfer.pk}/").content.decode()
    assert f'href="/results/transfers/{transfer.pk}/letter.pdf">查看移交函 PDF</a>' in page

    pdf = client.get(f"/results/transfers/{transfer.pk}/letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = client.get(f"/results/transfers/{transfer.pk}/letter.docx").content
    number = pdf_read.same_document(pdf.content, docx, "关于移交甲县县委办公室")
    transfer.refresh_from_db()
    assert number == transfer.letter_number


def test_without_libreoffice_no_page_offers_a_pdf(world, login, settings):
    pdf_read.without_soffice(settings)
    a = world["a"]
    team_report(world)
    finding(world)
    fb, transfer = feedback(world), lead_transfer(world)
    office = login(a.users["office_head"])
    pages = [
        f"/results/inspections/{a.inspection.pk}/feedback/",
        f"/results/inspections/{a.inspection.pk}/report/",
        f"/results/inspections/{a.inspection.pk}/transfers/",
        f"/results/transfers/{transfer.pk}/",
    ]
    for url in pages:
        page = office.get(url).content.decode()
        assert ".pdf" not in page and "PDF" not in page, url
    assert "下载 Word" in office.get(pages[0]).content.decode()
    assert "下载报告 Word" in office.get(pages[1]).content.decode()
    assert "下载移交函 Word" in office.get(pages[3]).content.decode()
    for url in (
        f"/results/feedback/{fb.pk}/documents/leadership.pdf",
        f"/results/inspections/{a.inspection.pk}/report.pdf",
        f"/results/transfers/{transfer.pk}/letter.pdf",
    ):
        r = office.get(url)
        assert r.status_code == 404 and UNAVAILABLE in r.content.decode(), url
