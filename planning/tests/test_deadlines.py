"""Deadlines as a clerk reads them: the entry notice counts as sent once generated (with its date),
and a deadline due today reads 今日到期 (the inspection page, the workbench, the API)."""

import datetime

import pytest
from django.utils import timezone

from conftest import token_client
from planning.models import Inspector, Round
from planning.teams import team_member_add

DAY = datetime.timedelta(days=1)


@pytest.fixture
def due_in(world):
    """County A's inspection, with a leader, entering ``days_to_entry`` days from today."""
    a = world["a"]

    def make(days_to_entry: int):
        entry = timezone.localdate() + days_to_entry * DAY
        Round.objects.filter(pk=a.inspection.round_id).update(entry_on=entry, onsite_end_on=entry + 45 * DAY)
        a.inspection.refresh_from_db()
        leader = Inspector.objects.create(authority=a.authority, name="刘卫东", unit="县纪委监委", post="副书记")
        team_member_add(actor=a.users["office"], team=a.team, inspector=leader, role="leader")
        return a

    return make


def _row(page: str, label: str) -> str:
    return page[page.index(f"<td>{label}</td>") :].split("</tr>")[0]


def test_generating_the_entry_notice_counts_as_sending_it(due_in, login):
    a = due_in(20)  # the notice is due in 10 days (the default: 10 days before entry)
    today = timezone.localdate()
    office = login(a.users["office"])
    url = f"/planning/inspections/{a.inspection.pk}/"
    todo = f"{a.orgs['dept'].name}：发出进驻通知"
    assert "未到期" in _row(office.get(url).content.decode(), "发出进驻通知")
    assert todo in office.get("/").content.decode()
    # The team leader reading the draft does not send it (only the office numbers and sends it).
    leader = login(a.users["team_leader"])
    assert leader.get(f"{url}documents/entry-notice.docx").status_code == 200
    assert "已完成" not in _row(office.get(url).content.decode(), "发出进驻通知")

    assert office.get(f"{url}documents/entry-notice.docx").status_code == 200
    row = _row(office.get(url).content.decode(), "发出进驻通知")
    assert "已完成" in row and f"{today:%Y-%m-%d} 已生成进驻通知，视为发出" in row
    assert todo not in office.get("/").content.decode()
    api = token_client(a.users["office"]).get(f"/api/v1/inspections/{a.inspection.pk}").json()
    notice = next(d for d in api["deadlines"] if d["kind"] == "entry_notice")
    assert notice["done"] is True and notice["done_on"] == today.isoformat()
    assert a.inspection.stage == "preparation"  # sending the notice does not move the stage


def test_a_deadline_due_today_reads_due_today(due_in, login):
    a = due_in(10)  # the notice is due today
    office = login(a.users["office"])
    row = _row(office.get(f"/planning/inspections/{a.inspection.pk}/").content.decode(), "发出进驻通知")
    assert "今日到期" in row and "7 日内到期" not in row
    workbench = office.get("/").content.decode()
    line = workbench[workbench.index(f"{a.orgs['dept'].name}：发出进驻通知") :].split("</div>")[0]
    assert "今日到期" in line and f"{timezone.localdate():%Y-%m-%d}" not in line
