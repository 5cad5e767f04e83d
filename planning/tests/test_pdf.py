"""The preparation documents as PDF, beside the Word file: the same document (title, 发文字号 and
date issued once), and where the server has no LibreOffice, no link and a 404 that says why."""

import datetime

import pytest

from conftest import token_client
from core.pdf import UNAVAILABLE
from core.tests import pdf_read
from planning.models import Inspector, Round
from planning.teams import team_member_add

D = datetime.date
TITLE = "中共甲县委第一巡察组关于进驻甲县县委办公室党组织开展常规巡察的通知"


@pytest.fixture
def ready(world):
    a = world["a"]
    Round.objects.filter(pk=a.inspection.round_id).update(entry_on=D(2026, 9, 1), onsite_end_on=D(2026, 10, 15))
    leader = Inspector.objects.create(authority=a.authority, name="刘卫东", unit="县纪委监委", post="副书记")
    team_member_add(actor=a.users["office"], team=a.team, inspector=leader, role="leader")
    return a


def _page(a, login):
    return login(a.users["office"]).get(f"/planning/inspections/{a.inspection.pk}/").content.decode()


@pytest.mark.skipif(not pdf_read.tools(), reason="LibreOffice (soffice) or poppler not installed")
def test_the_pdf_is_the_numbered_document(ready, login):
    client = login(ready.users["office"])
    base = f"/planning/inspections/{ready.inspection.pk}/documents/entry-notice"
    page = _page(ready, login)
    assert f'href="{base}.pdf">查看 PDF</a>' in page and "另有 PDF 文件，供阅读和打印" in page

    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline; filename*=utf-8''") and ".pdf" in pdf["Content-Disposition"]
    number = pdf_read.same_document(pdf.content, client.get(f"{base}.docx").content, TITLE)
    assert number in _page(ready, login)  # the page lists the number the PDF carries


def test_without_libreoffice_there_is_no_pdf_link_and_the_address_says_why(ready, login, settings):
    pdf_read.without_soffice(settings)
    base = f"/planning/inspections/{ready.inspection.pk}/documents/entry-notice"
    page = _page(ready, login)
    assert "查看 PDF" not in page and ".pdf" not in page and "PDF 文件" not in page
    assert f'href="{base}.docx">下载 Word</a>' in page

    r = login(ready.users["office"]).get(f"{base}.pdf")
    assert r.status_code == 404 and UNAVAILABLE in r.content.decode()
    api = token_client(ready.users["office"]).get(f"/api/v1/inspections/{ready.inspection.pk}/documents/work-plan.pdf")
    assert api.status_code == 404 and api.json() == {"detail": UNAVAILABLE, "code": "pdf_unavailable"}
    assert "首次生成时编号" in _page(ready, login)  # nothing was issued for an answer that offers nothing


def test_a_failed_conversion_is_told_not_a_server_error(ready, login, settings):
    pdf_read.failing_soffice(settings)
    client = login(ready.users["office"])
    r = client.get(f"/planning/inspections/{ready.inspection.pk}/documents/work-plan.pdf", follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == f"/planning/inspections/{ready.inspection.pk}/"
    assert "PDF 文件生成失败（LibreOffice 未能转换此文件），请稍后重试，或下载 Word 文件。" in r.content.decode()
    api = token_client(ready.users["office"]).get(f"/api/v1/inspections/{ready.inspection.pk}/documents/work-plan.pdf")
    assert api.status_code == 503 and api.json()["code"] == "pdf_failed" and "PDF 文件生成失败" in api.json()["detail"]
