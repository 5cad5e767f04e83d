"""Rectification's documents as PDF beside the Word file: the 督办通知书 carries the title, 发文字号
and date of the .docx (issued once); without LibreOffice no page offers a PDF and the addresses say why."""

import pytest

from core.pdf import UNAVAILABLE
from core.tests import pdf_read
from rectification.tests.factories import plan, reminded


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_supervision_notice_as_pdf_is_the_numbered_document(world, login):
    reminder = reminded(world)
    client = login(world["a"].users["office"])
    page = client.get("/rectification/reminders/").content.decode()
    assert f'href="/rectification/reminders/{reminder.pk}/notice.pdf"' in page and "巡察整改督办通知书 PDF" in page

    pdf = client.get(f"/rectification/reminders/{reminder.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = client.get(f"/rectification/reminders/{reminder.pk}/notice.docx").content
    number = pdf_read.same_document(pdf.content, docx, "巡察整改督办通知书")
    assert number in client.get("/rectification/reminders/").content.decode()  # the list shows the number issued


def test_without_libreoffice_no_page_offers_a_pdf(world, login, settings):
    pdf_read.without_soffice(settings)
    reminder, approved = reminded(world), plan(world)
    office = login(world["a"].users["office"])
    reminders = office.get("/rectification/reminders/").content.decode()
    assessment = office.get(f"/rectification/plans/{approved.pk}/assessment/").content.decode()
    assert "PDF" not in reminders and ".pdf" not in reminders
    assert f'href="/rectification/reminders/{reminder.pk}/notice.docx"' in reminders
    assert "巡察整改督办通知书" in reminders
    assert "PDF" not in assessment and ".pdf" not in assessment and "下载 Word" in assessment
    for url in (
        f"/rectification/reminders/{reminder.pk}/notice.pdf",
        f"/rectification/plans/{approved.pk}/documents/report.pdf",
    ):
        r = office.get(url)
        assert r.status_code == 404 and UNAVAILABLE in r.content.decode(), url
