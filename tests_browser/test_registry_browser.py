"""The office keeps the 党组织名册 in a real browser: log in, filter, import from Excel.

Drives Debian's chromium (``/usr/bin/chromium``) through Playwright against
pytest-django's live server with the demo county loaded, and saves the
screenshots used in the documentation through ``_shot`` (see ``screenshot_dir``):
to ``var/screenshots/`` (git-ignored) on an ordinary run, so that ``make test``
leaves the working tree clean, and to ``docs/screenshots/`` with ``make screenshots``.

Run: ``.venv/bin/python -m pytest tests_browser -m browser``
"""

import io
import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here

sync_api = pytest.importorskip("playwright.sync_api")
openpyxl = pytest.importorskip("openpyxl")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from registry.importing import COLUMNS  # noqa: E402
from registry.models import Organization  # noqa: E402

expect = sync_api.expect

pytestmark = [pytest.mark.browser]

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # with Debian's chromium-l10n, the browser's own controls speak Chinese
]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS_DEFAULT = Path("var") / "screenshots"  # see screenshot_dir()
COUNTY = "MH-QH"  # the demo county's authority code

# Codes the demo does not use (demo villages under T01 are T01-V01…V08, departments D001…D041).
GOOD_VILLAGE = ("T01-V91", "青禾镇新源村", "村(社区)", "T01")
GOOD_DEPT = ("D901", "县数据局", "县直部门", "")
BAD_CODES = ("T01-V98", "D998")

expect.set_options(timeout=10_000)


# -- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    pw = sync_api.sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def demo(transactional_db, live_server, settings, tmp_path):
    """The demo county in the live server's database; returns {username: password}.

    ``load_demo`` writes ``DATA_DIR/demo-accounts.txt``; DATA_DIR points at
    tmp_path so the developer's own ``var/demo-accounts.txt`` is left alone.
    """
    settings.DATA_DIR = tmp_path
    (tmp_path / "tmp").mkdir(exist_ok=True)  # the import view parks checked files here
    call_command("load_demo", stdout=io.StringIO())
    accounts = {}
    for line in (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8").splitlines():
        username, password, _role = line.split()
        accounts[username] = password
    return accounts


# Reports, as a console error, every error a page shows: a refused form's summary or a
# field's message, an error message, a field marked invalid; on load and after each HTMX swap.
SHOWN_ERRORS = """
(() => {
  const report = () => {
    for (const el of document.querySelectorAll('.alert-danger, .invalid-feedback, .is-invalid')) {
      if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;  // hidden
      const what = (el.innerText || el.name || el.id).trim().slice(0, 120);
      console.error('error shown: ' + location.pathname + ': ' + what);
    }
  };
  document.addEventListener('DOMContentLoaded', report);
  document.addEventListener('htmx:afterSettle', report);
})();
"""


class Problems:
    """Collects what a user would see go wrong: script errors and failed requests and, with
    ``shown_errors``, every error a page shows (for a walk in which nothing should be refused)."""

    def __init__(self, page, shown_errors=False):
        self.items = []
        if shown_errors:
            page.add_init_script(SHOWN_ERRORS)
        page.on("pageerror", lambda e: self.items.append(f"JS error: {e}"))
        page.on("console", self._console)
        page.on(
            "response",
            lambda r: (
                self.items.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )

    def _console(self, message):
        # Chromium asks for /favicon.ico on its own and logs the 404; the app links no icon.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.items.append(f"console {message.type}: {message.text} ({message.location.get('url')})")


def _xlsx(path: Path, rows: list[tuple]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "党组织名册"
    ws.append(COLUMNS)
    for code, name, kind, parent in rows:
        ws.append([code, name, kind, parent or None, "正常", None, None, None, None])
    wb.save(path)
    return path


def _type_search(page, text: str):
    """Type into the search box the way an IME commits Chinese: the text arrives, then a keyup."""
    box = page.locator("#q")
    box.fill(text)
    box.press("End")


def screenshot_dir() -> Path:
    """Where the browser tests save their screenshots: the one place that decides it.

    ``XUNCHA_SCREENSHOT_DIR`` (relative to the repository root unless absolute) when
    set, as ``make screenshots`` does with ``docs/screenshots``; otherwise
    ``var/screenshots``, which git ignores.
    """
    chosen = os.environ.get("XUNCHA_SCREENSHOT_DIR", "").strip()
    return Path(settings.BASE_DIR) / (chosen or SHOTS_DEFAULT)


def _shot(page, name: str, **kwargs):
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / name), **kwargs)


# -- tests --------------------------------------------------------------------


def test_office_logs_in_filters_and_imports_registry(browser, demo, live_server, tmp_path):
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    problems = Problems(page)

    # 1. Log in through the login page and land on the workbench.
    page.goto(f"{base}/login/")
    expect(page).to_have_title(re.compile("登录"))
    expect(page.locator("#id_username")).to_be_focused()
    _shot(page, "login.png")
    page.fill("#id_username", "qh_office")
    page.fill("#id_password", demo["qh_office"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="党组织名册")).to_be_visible()
    expect(page.locator("header.x-top .x-user-name")).to_have_text("李晓燕")
    _shot(page, "workbench.png")

    # 2. The registry: the pager counts every organisation; typing 县委 narrows the table (HTMX, no reload).
    menu.get_by_role("link", name="党组织名册").click()
    page.wait_for_url(f"{base}/registry/")
    expect(page.get_by_role("heading", level=1)).to_have_text("党组织名册")
    for label in ("新增", "导入", "导出"):
        expect(page.locator(".x-actions").get_by_role("link", name=label, exact=True)).to_be_visible()
    total = Organization.objects.filter(authority__code=COUNTY).count()
    assert total > 20
    pager = page.locator("#org-table .x-pager")
    expect(pager).to_contain_text(f"共 {total} 条")
    rows = page.locator("#org-table tbody tr")
    expect(rows).to_have_count(20)  # the first page of 20
    _shot(page, "registry.png")

    page.evaluate("window.__sameDocument = true")
    xianwei = Organization.objects.filter(authority__code=COUNTY, name__contains="县委").count()
    assert 0 < xianwei < total
    with page.expect_response(lambda r: "/registry/?" in r.url and r.request.headers.get("hx-request") == "true"):
        _type_search(page, "县委")
    expect(pager).to_contain_text(f"共 {xianwei} 条")
    expect(rows).to_have_count(min(xianwei, 20))
    names = rows.locator("td:nth-child(2)").all_inner_texts()
    assert names and all("县委" in n for n in names), names
    assert page.evaluate("window.__sameDocument") is True, "filtering reloaded the page instead of swapping the table"
    expect(page).to_have_url(re.compile(r"/registry/\?.*q=%E5%8E%BF%E5%A7%94"))  # the filter is bookmarkable

    # 3. A bad file: every problem listed by row, nothing written.
    page.locator(".x-actions").get_by_role("link", name="导入", exact=True).click()
    page.wait_for_url(f"{base}/registry/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("导入党组织名册")
    bad = _xlsx(
        tmp_path / "名册-有误.xlsx",
        [
            (BAD_CODES[0], "青禾镇测试村", "村(社区)", "T01"),  # row 2: fine on its own
            (BAD_CODES[0], "青禾镇测试二村", "村(社区)", "T01"),  # row 3: same code as row 2
            (BAD_CODES[1], "县测试局", "县直部门", "Q99"),  # row 4: no such parent
        ],
    )
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("alert")).to_contain_text("文件未导入")
    errors = page.locator("table.x-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("第 3 行")
    expect(errors.nth(0)).to_contain_text(f"单位编码“{BAD_CODES[0]}”与第 2 行重复")
    expect(errors.nth(1)).to_contain_text("第 4 行")
    expect(errors.nth(1)).to_contain_text("上级单位编码")
    expect(errors.nth(1)).to_contain_text("单位编码“Q99”在本表和系统中都不存在")
    expect(page.get_by_text("检查通过")).to_have_count(0)
    page.locator("table.x-errors").scroll_into_view_if_needed()
    _shot(page, "registry-import-errors.png")
    assert not Organization.objects.filter(code__in=BAD_CODES).exists(), "a rejected file wrote rows"

    # 4. A good file: checked, confirmed, written; the new village is found in the registry.
    good = _xlsx(tmp_path / "名册-新增.xlsx", [GOOD_VILLAGE, GOOD_DEPT])
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="上传并检查").click()
    passed = page.get_by_role("status")
    expect(passed).to_contain_text("检查通过")
    expect(passed).to_contain_text(re.compile(r"新增\s*2\s*个"))
    assert not Organization.objects.filter(code__in=[GOOD_VILLAGE[0], GOOD_DEPT[0]]).exists(), "the check wrote rows"
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(f"{base}/registry/")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"^导入完成：新增 2 个"))
    expect(pager).to_contain_text(f"共 {total + 2} 条")
    with page.expect_response(lambda r: "/registry/?" in r.url and r.request.headers.get("hx-request") == "true"):
        _type_search(page, "新源村")
    expect(pager).to_contain_text("共 1 条")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(GOOD_VILLAGE[0])
    expect(rows.first).to_contain_text(GOOD_VILLAGE[1])
    expect(rows.first).to_contain_text("青禾镇")  # its parent, shown by name

    village = Organization.objects.select_related("kind", "parent").get(authority__code=COUNTY, code=GOOD_VILLAGE[0])
    assert (village.name, village.kind.name, village.parent.code) == GOOD_VILLAGE[1:]
    dept = Organization.objects.select_related("kind").get(authority__code=COUNTY, code=GOOD_DEPT[0])
    assert (dept.name, dept.kind.name, dept.parent_id) == (GOOD_DEPT[1], GOOD_DEPT[2], None)

    assert problems.items == []
    context.close()


def test_login_page_fits_a_phone(browser, live_server, transactional_db):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    problems = Problems(page)
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("登\\s*录"))).to_be_visible()
    _shot(page, "login-phone.png")
    scroll_width, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width == PHONE["width"]
    assert scroll_width <= width, f"the login page scrolls sideways on a phone: {scroll_width}px > {width}px"
    assert problems.items == []
    context.close()
