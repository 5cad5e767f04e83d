"""Every page a link leads to opens, and shows where it is: signed in as each kind of demo
user, follow every link of the staff pages (one page of each address pattern), and check that
no link answers a refusal or an error, that every page but the workbench carries breadcrumbs or
an active menu entry, and that every breadcrumb link opens (a team member's team page once
linked the round's page, which answers them 404)."""

import io
import re
from html.parser import HTMLParser

from django.core.management import call_command
from django.test import Client

from core.models import User
from planning.models import Inspection

# One user of each kind, and the second county's office.
USERS = [
    "qh_office",
    "qh_office_head",
    "qh_leading",
    "qh_leader",
    "qh_member",
    "qh_liaison",
    "qh_unit",
    "qh_jw",
    "qh_zzb",
    "qh_data",
    "qh_secadmin",
    "qh_auditor",
    "sy_office",
    "sy_member",
]
# Downloads, the public pages, the exit, and paging of a list already seen.
NOT_PAGES = re.compile(r"(download|\.docx|\.pdf|\.xlsx|\.csv|/export|/files/|/attachments/|/p/|/logout|[?&]page=)")
CRUMBS = re.compile(r'<nav class="x-crumbs"[^>]*>(.*?)</nav>', re.S)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.links.append(href.split("#")[0])


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _crawl(client: Client) -> tuple[int, list[str]]:
    """Pages opened and what is wrong, following links from the workbench."""
    seen, wrong, queue = set(), [], [("/", "菜单")]
    while queue:
        path, came_from = queue.pop(0)
        pattern = re.sub(r"\d+", "N", path)
        if pattern in seen or NOT_PAGES.search(path):
            continue
        seen.add(pattern)
        response = client.get(path, follow=True)
        if response.status_code != 200:
            wrong.append(f"{path} answers {response.status_code} (linked from {came_from})")
            continue
        if "text/html" not in response["Content-Type"]:
            continue
        html = response.content.decode()
        crumbs = CRUMBS.search(html)
        if path != "/" and not crumbs and "x-menu-item active" not in html:
            wrong.append(f"{path} has neither breadcrumbs nor an active menu entry")
        for link in _links(crumbs.group(1)) if crumbs else []:
            if client.get(link, follow=True).status_code != 200:
                wrong.append(f"{path}: breadcrumb {link} does not open")
        queue += [(link, path) for link in _links(html)]
    return len(seen), wrong


def test_every_link_opens_and_every_page_shows_where_it_is(db):
    call_command("load_demo", stdout=io.StringIO())  # once: some 15 s
    wrong = {}
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        opened, wrong[username] = _crawl(client)
        assert opened >= 3, username  # the workbench, the password page and a page of their work
    assert {user: found for user, found in wrong.items() if found} == {}

    # The team page names its round; only those who open the round's page get a link to it.
    team = f"/planning/teams/{Inspection.objects.get(round__number=7, organization__name='县委办公室').team_id}/"
    member, office = Client(), Client()
    member.force_login(User.objects.get(username="qh_member"))
    office.force_login(User.objects.get(username="qh_office"))
    crumbs = CRUMBS.search(member.get(team).content.decode()).group(1)
    assert "十六届县委第7轮" in crumbs and "/planning/rounds/" not in crumbs
    crumbs = CRUMBS.search(office.get(team).content.decode()).group(1)
    assert re.search(r'href="/planning/rounds/\d+/">十六届县委第7轮', crumbs)
