"""The public reporting address: the inspection pages and the 巡察公告's QR code use
XUNCHA_PUBLIC_URL, and when it is not set (the default 127.0.0.1) the office is told what to set."""

import pytest

from core.public_address import public_url_problem

WARNING = "群众扫描巡察公告的二维码无法打开"
FIX = "请系统管理员在服务器环境变量中设置 XUNCHA_PUBLIC_URL 为群众可以访问的网址"


@pytest.fixture
def public_url(settings):
    def _set(url):
        settings.XUNCHA = {**settings.XUNCHA, "PUBLIC_URL": url}

    return _set


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://127.0.0.1:8000", "本机地址 http://127.0.0.1:8000"),
        ("http://localhost:8000/", "本机地址"),
        ("http://[::1]/", "本机地址"),
        ("http://0.0.0.0:8000", "本机地址"),
        ("", "尚未设置"),
        ("xuncha.example.gov.cn", "不是有效的网址"),
        ("https://xuncha.qh.gov.cn", None),
        ("http://10.12.0.8:8080", None),  # an intranet address is the office's choice
    ],
)
def test_which_addresses_the_public_cannot_open(public_url, url, problem):
    public_url(url)
    found = public_url_problem()
    if problem is None:
        assert found is None
    else:
        assert problem in found and "XUNCHA_PUBLIC_URL" in found


def test_the_inspection_pages_warn_the_office_until_the_address_is_set(world, login, public_url):
    a = world["a"]
    office = login(a.users["office"])
    pages = (f"/planning/inspections/{a.inspection.pk}/", f"/onsite/inspections/{a.inspection.pk}/")
    public_url("http://127.0.0.1:8000")
    for url in pages:
        page = office.get(url).content.decode()
        assert WARNING in page and FIX in page, url
        assert f"http://127.0.0.1:8000/p/{a.inspection.public_id}/" in page
    public_url("https://xuncha.jiaxian.gov.cn/")
    for url in pages:
        page = office.get(url).content.decode()
        assert WARNING not in page and "XUNCHA_PUBLIC_URL" not in page, url
        assert f"https://xuncha.jiaxian.gov.cn/p/{a.inspection.public_id}/" in page
