"""The 立行立改通知书 offered as PDF (read on screen, printed) where LibreOffice is installed, and
only as Word where it is not (the PDF's text is read by the permission rows)."""

from core.pdf import UNAVAILABLE
from core.tests import pdf_read
from onsite.tests.factories import immediate_finding


def test_the_notice_is_offered_as_pdf_first(world, login, settings):
    settings.XUNCHA = {**settings.XUNCHA, "SOFFICE": "/bin/true"}  # installed (the page does not convert)
    found = immediate_finding(world)
    page = login(world["a"].users["team_member"]).get(f"/onsite/findings/{found.pk}/").content.decode()
    pdf, word = page.find("查看立行立改通知书（PDF）"), page.find("下载立行立改通知书（Word）")
    assert 0 < pdf < word and f'href="/onsite/findings/{found.pk}/immediate-notice.pdf"' in page


def test_without_libreoffice_only_word(world, login, settings):
    pdf_read.without_soffice(settings)
    found = immediate_finding(world)
    client = login(world["a"].users["team_member"])
    page = client.get(f"/onsite/findings/{found.pk}/").content.decode()
    assert "PDF" not in page and ".pdf" not in page and "下载立行立改通知书（Word）" in page
    r = client.get(f"/onsite/findings/{found.pk}/immediate-notice.pdf")
    assert r.status_code == 404 and UNAVAILABLE in r.content.decode()
