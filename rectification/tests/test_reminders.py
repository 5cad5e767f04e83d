"""Escalating reminders: the ladder at each threshold, idempotence (also through the real
database task backend and worker), which tasks are left alone, a new deadline restarting
the ladder, the notices, the office's settings, the pages, the API and the workbench."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from docx import Document

from conftest import make_user, token_client
from core.jobs import audit_daily
from core.models import AuditEvent
from rectification import tasks as task_services
from rectification.jobs import daily_enqueue, reminders_daily
from rectification.models import RectificationPlan, RectificationTask, Reminder, ReminderSettings
from rectification.reminder_documents import reminder_document
from rectification.reminders import reminder_settings_update, reminders_raise, todos_for
from rectification.tests.factories import plan, progress

pytestmark = pytest.mark.django_db

ON = datetime.date(2027, 3, 1)
day = datetime.timedelta(days=1)


def tasks_due(world, deadline, key="a", status="approved"):
    """County ``key``'s plan in ``status`` with both its tasks due on ``deadline``."""
    p = plan(world, key, status=status)
    RectificationTask.objects.filter(plan=p).update(deadline=deadline)
    return list(RectificationTask.objects.filter(plan=p).order_by("number"))


def kinds(task):
    return list(Reminder.objects.filter(task=task).order_by("raised_on", "id").values_list("kind", flat=True))


# The ladder --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overdue, expected",
    [
        (-8, None),  # more than 7 days left: nothing yet
        (-7, "remind"),
        (0, "remind"),
        (1, "supervise"),
        (14, "supervise"),
        # Found late, a task starts at 督办, never straight at 告诫 or 问责.
        (15, "supervise"),
        (30, "supervise"),
        (120, "supervise"),
    ],
)
def test_the_first_step_raised_at_each_threshold(world, overdue, expected):
    first, second = tasks_due(world, ON - overdue * day)
    raised = reminders_raise(on=ON)
    if expected is None:
        assert raised == []
        return
    assert sorted(r.task_id for r in raised) == [first.pk, second.pk]
    reminder = Reminder.objects.get(task=first)
    assert (reminder.kind, reminder.raised_on, reminder.due_on, reminder.days_overdue) == (
        expected,
        ON,
        ON - overdue * day,
        overdue,
    )


def test_the_ladder_climbs_one_dated_record_per_step(world):
    deadline = ON
    task, _ = tasks_due(world, deadline)
    for offset in (-7, -3, 0, 1, 2, 15, 30, 31):
        reminders_raise(on=deadline + offset * day)
    steps = list(Reminder.objects.filter(task=task).order_by("raised_on").values_list("kind", "raised_on"))
    assert steps == [
        ("remind", deadline - 7 * day),
        ("supervise", deadline + day),
        ("warn", deadline + 15 * day),
        ("account", deadline + 30 * day),
    ]


def test_a_task_found_late_climbs_one_step_per_interval(world):
    """20 days overdue with nothing yet: 督办 now, 告诫 14 days later (the settings' interval
    between 督办 and 告诫), 问责 15 days after that; never two steps on one day."""
    task, _ = tasks_due(world, ON - 20 * day)
    reminders_raise(on=ON)
    assert kinds(task) == ["supervise"]
    reminders_raise(on=ON + 13 * day)
    assert kinds(task) == ["supervise"]
    reminders_raise(on=ON + 14 * day)
    assert kinds(task) == ["supervise", "warn"]
    reminders_raise(on=ON + 28 * day)
    assert kinds(task) == ["supervise", "warn"]
    reminders_raise(on=ON + 29 * day)
    assert kinds(task) == ["supervise", "warn", "account"]


def test_a_task_sent_back_long_after_its_deadline_is_not_accounted_at_once(world):
    """Reported before its deadline, rejected 40 days after it: the ladder starts at 督办."""
    a = world["a"]
    today = timezone.localdate()
    task, _ = tasks_due(world, today + 10 * day)
    progress(world, task, completed=True)
    RectificationTask.objects.filter(pk=task.pk).update(deadline=today - 40 * day)
    reminders_raise(on=today)
    assert kinds(task) == []  # waiting for the office: not the unit's fault
    task_services.task_reject(actor=a.users["office"], task=task, reason="佐证材料不能证明已整改")
    reminders_raise(on=today)
    assert kinds(task) == ["supervise"]


def test_each_reminder_is_audited_as_raised_by_the_system(world):
    tasks_due(world, ON - 2 * day)
    raised = reminders_raise(on=ON)
    events = AuditEvent.objects.filter(action="reminder.raise")
    assert events.count() == len(raised) == 2
    assert all(e.actor_id is None for e in events)


def test_the_office_settings_move_the_thresholds(world):
    a = world["a"]
    reminder_settings_update(
        actor=a.users["office"],
        authority=a.authority,
        remind_days_before=3,
        supervise_days_after=5,
        warn_days_after=10,
        account_days_after=20,
    )
    task, _ = tasks_due(world, ON - 4 * day)
    reminders_raise(on=ON)
    assert kinds(task) == ["remind"]  # 4 days overdue: not yet 督办 under these settings
    reminders_raise(on=ON + 6 * day)  # 10 days overdue: 告诫 is due, but 督办 comes first
    assert kinds(task) == ["remind", "supervise"]
    reminders_raise(on=ON + 10 * day)  # 4 days after the 督办: under these settings, 5 are given
    assert kinds(task) == ["remind", "supervise"]
    reminders_raise(on=ON + 11 * day)
    assert kinds(task) == ["remind", "supervise", "warn"]
    # County B keeps the defaults.
    b_task, _ = tasks_due(world, ON - 4 * day, key="b")
    reminders_raise(on=ON)
    assert kinds(b_task) == ["supervise"]


# Idempotence --------------------------------------------------------------------------------


def test_running_twice_on_the_same_day_creates_nothing_twice(world):
    tasks_due(world, ON - 16 * day)
    first = reminders_raise(on=ON)
    assert len(first) == 2
    assert reminders_raise(on=ON) == []
    assert Reminder.objects.count() == 2
    assert AuditEvent.objects.filter(action="reminder.raise").count() == 2


# The worker and the scheduler close and reopen database connections, as they do in
# production: they run outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_through_the_database_backend_and_worker(world):
    tasks_due(world, ON - 2 * day)
    for _ in range(2):
        reminders_daily.enqueue(on=ON.isoformat())
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    results = list(DBTaskResult.objects.filter(task_path=reminders_daily.module_path).order_by("enqueued_at"))
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [r.return_value["raised"] for r in results] == [2, 0]
    assert Reminder.objects.filter(raised_on=ON, kind="supervise").count() == 2


# The worker and the scheduler close and reopen database connections, as they do in
# production: they run outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_each_daily_task_once_a_day(world):
    tasks_due(world, timezone.localdate() - 3 * day)
    call_command("run_periodic", once=True, verbosity=0)
    call_command("run_periodic", once=True, verbosity=0)
    assert daily_enqueue() == []  # today's is queued already
    assert DBTaskResult.objects.filter(task_path=reminders_daily.module_path).count() == 1
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert Reminder.objects.filter(raised_on=timezone.localdate()).count() == 2
    # The audit trail's daily anchor and purge ran beside it.
    audit = DBTaskResult.objects.get(task_path=audit_daily.module_path)
    assert audit.status == "SUCCESSFUL" and audit.return_value["anchored"] > 0
    # A new day: queued again.
    assert daily_enqueue(timezone.localdate() + day) == [reminders_daily.module_path, audit_daily.module_path]


# Tasks left alone ----------------------------------------------------------------------------


def test_no_reminder_for_verified_or_waiting_tasks_and_one_again_after_a_rejection(world):
    office = world["a"].users["office"]
    done, waiting = tasks_due(world, timezone.localdate() + 30 * day)
    progress(world, done, completed=True)
    task_services.task_verify(actor=office, task=done)
    progress(world, waiting, completed=True)
    RectificationTask.objects.filter(pk__in=[done.pk, waiting.pk]).update(deadline=ON - 20 * day)
    assert reminders_raise(on=ON) == []  # 已销号 is closed; 待核验 waits for the office, not the unit
    task_services.task_reject(actor=office, task=waiting, reason="佐证材料不全。")
    assert [r.task_id for r in reminders_raise(on=ON)] == [waiting.pk]


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_no_reminder_for_plans_not_approved(world, status):
    tasks_due(world, ON - 40 * day, status=status)
    assert reminders_raise(on=ON) == []


def test_a_new_deadline_starts_the_ladder_again(world):
    task, _ = tasks_due(world, ON - 31 * day)
    reminders_raise(on=ON)
    assert kinds(task) == ["supervise"]
    new_deadline = ON + 60 * day  # 二次整改: a new deadline
    RectificationTask.objects.filter(pk=task.pk).update(deadline=new_deadline)
    assert reminders_raise(on=ON + day) == []
    reminders_raise(on=new_deadline - 7 * day)
    reminders_raise(on=new_deadline + day)
    steps = list(Reminder.objects.filter(task=task).order_by("raised_on").values_list("kind", "due_on"))
    assert steps == [
        ("supervise", ON - 31 * day),
        ("remind", new_deadline),
        ("supervise", new_deadline),
    ]


# Notices -------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize(
    "kind, title",
    [("supervise", "巡察整改督办通知书"), ("warn", "巡察整改告诫通知书"), ("account", "巡察整改问责建议书")],
)
def test_the_notice_names_the_task_its_deadline_and_days_overdue(world, kind, title):
    a = world["a"]
    deadline = ON - 35 * day
    task, _ = tasks_due(world, deadline)
    for offset in (3, 17, 33):  # the ladder climbed on these days after the deadline
        reminders_raise(on=deadline + offset * day)
    reminder = Reminder.objects.get(task=task, kind=kind)
    overdue = reminder.days_overdue
    name, data = reminder_document(actor=a.users["office"], reminder=reminder)
    assert name == f"{a.orgs['dept'].name}-{title}.docx"
    text = _docx_text(data)
    assert text.splitlines()[0] != ""  # the number line, then the title
    assert title in text
    if kind == "account":  # a proposal to those who hold people to account, copied to the unit
        assert "甲县纪委监委、甲县委组织部：" in text and f"抄送：{a.orgs['dept'].name}党组织。" in text
    else:
        assert f"{a.orgs['dept'].name}党组织：" in text
    assert "公务接待超标准" in text and task.measure[:10] in text
    assert f"完成时限：{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert f"已逾期{overdue}天" in text
    assert "巡察工作领导小组办公室" in text
    reminder.refresh_from_db()
    assert reminder.document_number and reminder.document_number in text
    # The number is kept: a second download shows the same.
    assert reminder.document_number in _docx_text(reminder_document(actor=a.users["office"], reminder=reminder)[1])
    assert AuditEvent.objects.filter(action="reminder.document", object_id=str(reminder.pk)).count() == 2


def test_the_warning_recalls_the_earlier_supervision(world):
    task, _ = tasks_due(world, ON)
    reminders_raise(on=ON + 2 * day)
    reminders_raise(on=ON + 16 * day)
    warn = Reminder.objects.get(task=task, kind="warn")
    text = _docx_text(reminder_document(actor=world["a"].users["office"], reminder=warn)[1])
    assert f"于{(ON + 2 * day).year}年{(ON + 2 * day).month}月{(ON + 2 * day).day}日进行督办" in text
    assert "该项任务经督办后仍未完成" in text


def test_notices_are_numbered_when_raised_in_date_order_and_a_remind_has_none(world):
    a, b = world["a"], world["b"]
    first, second = tasks_due(world, ON - 7 * day)
    reminders_raise(on=ON)
    reminder = Reminder.objects.get(task=first)
    numbers = sorted(Reminder.objects.values_list("document_number", flat=True))
    assert numbers == [f"甲巡办发〔{ON.year}〕1号", f"甲巡办发〔{ON.year}〕2号"]
    # The unit reads its notice with the number it was raised with.
    _, data = reminder_document(actor=a.users["unit_liaison"], reminder=reminder)
    assert "巡察整改督办通知书" in _docx_text(data) and reminder.document_number in _docx_text(data)
    # A later step takes a later number.
    reminders_raise(on=ON + 14 * day)
    warn = Reminder.objects.get(task=first, kind="warn")
    assert warn.document_number == f"甲巡办发〔{ON.year}〕3号"
    with pytest.raises(Http404):
        reminder_document(actor=b.users["office"], reminder=reminder)
    RectificationTask.objects.filter(pk=second.pk).update(deadline=ON + 60 * day)
    reminders_raise(on=ON + 55 * day)
    remind = Reminder.objects.get(task=second, kind="remind")
    with pytest.raises(ValidationError):
        reminder_document(actor=a.users["office"], reminder=remind)


# Settings ------------------------------------------------------------------------------------

URL = "/rectification/reminders/settings/"
GOOD = {"remind_days_before": 10, "supervise_days_after": 3, "warn_days_after": 20, "account_days_after": 40}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"remind_days_before": 0}, "remind_days_before", "须为 1 到 30 之间的整数"),
        ({"remind_days_before": 31}, "remind_days_before", "须为 1 到 30 之间的整数"),
        ({"supervise_days_after": 0}, "supervise_days_after", "须为 1 到 365 之间的整数"),
        ({"account_days_after": 366}, "account_days_after", "须为 1 到 365 之间的整数"),
        ({"warn_days_after": 3}, "warn_days_after", "告诫须晚于督办"),
        ({"account_days_after": 20}, "account_days_after", "问责须晚于告诫"),
        ({"warn_days_after": "十五"}, "warn_days_after", "须为整数"),
    ],
)
def test_the_settings_form_refuses_settings_that_cannot_work(world, login, change, field, message):
    client = login(world["a"].users["office"])
    r = client.post(URL, {**GOOD, **change})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert message in " ".join(r.context["form"].errors[field])
    assert not ReminderSettings.objects.exists()


def test_the_office_saves_its_settings(world, login):
    a = world["a"]
    client = login(a.users["office"])
    assert "到期前几天提醒" in client.get(URL).content.decode()
    r = client.post(URL, GOOD)
    assert r.status_code == 302
    saved = ReminderSettings.objects.get(authority=a.authority)
    assert (saved.remind_days_before, saved.warn_days_after) == (10, 20)
    assert AuditEvent.objects.filter(action="reminder_settings.update").count() == 1
    for role in ("unit_liaison", "team_leader", "leading_group"):
        assert login(a.users[role]).post(URL, GOOD).status_code == 403


# Pages and API -------------------------------------------------------------------------------


def test_the_list_shows_each_user_what_is_theirs_and_filters_by_kind(world, login):
    a, b = world["a"], world["b"]
    today = timezone.localdate()
    first, second = tasks_due(world, today - 2 * day)
    RectificationTask.objects.filter(pk=second.pk).update(deadline=today + 3 * day)
    reminders_raise(on=today)
    tasks_due(world, today - 20 * day, key="b")
    reminders_raise(on=today)
    page = login(a.users["office"]).get("/rectification/reminders/").content.decode()
    assert a.orgs["dept"].name in page and b.orgs["dept"].name not in page
    assert "巡察整改督办通知书" in page and "尚余 3 天" in page
    filtered = login(a.users["office"]).get("/rectification/reminders/?kind=remind").content.decode()
    assert "尚余 3 天" in filtered and "逾期" not in filtered.split("<tbody>")[1].split("</tbody>")[0]
    unit = login(b.users["unit_liaison"]).get("/rectification/reminders/").content.decode()
    assert b.orgs["dept"].name in unit and a.orgs["dept"].name not in unit
    team = login(a.users["team_member"]).get("/rectification/reminders/?state=open").content.decode()
    assert team.count("x-tag-merged") == 1  # one 督办
    assert login(a.users["nobody"]).get("/rectification/reminders/").status_code == 403


def test_the_api_lists_with_filters(world):
    a = world["a"]
    first, second = tasks_due(world, ON)
    reminders_raise(on=ON - 7 * day)
    reminders_raise(on=ON + day)
    client = token_client(a.users["office"])
    body = client.get("/api/v1/reminders").json()
    assert body["count"] == 4
    assert {i["kind"] for i in body["items"]} == {"remind", "supervise"}
    item = client.get("/api/v1/reminders?kind=supervise&limit=1").json()
    assert item["count"] == 2 and len(item["items"]) == 1
    assert item["items"][0]["kind_label"] == "督办" and item["items"][0]["has_notice"] is True
    assert item["items"][0]["days_overdue"] == 1
    assert client.get(f"/api/v1/reminders?task={first.pk}").json()["count"] == 2
    assert client.get(f"/api/v1/reminders?plan={first.plan_id}&offset=3").json()["count"] == 4
    assert len(client.get(f"/api/v1/reminders?plan={first.plan_id}&offset=3").json()["items"]) == 1
    bad = client.get("/api/v1/reminders?kind=fire")
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    assert token_client(world["b"].users["office"]).get("/api/v1/reminders").json()["count"] == 0


# Workbench -----------------------------------------------------------------------------------


def test_the_workbench_of_the_unit_the_leader_and_the_office(world, login):
    a = world["a"]
    today = timezone.localdate()
    first, second = tasks_due(world, today - 16 * day)
    RectificationTask.objects.filter(pk=second.pk).update(responsible_leader="李副书记")
    reminders_raise(on=today - 15 * day)  # a 督办, then the 告诫: one to-do per task
    reminders_raise(on=today)
    leader = make_user(a.authority, "wang_shuji", "unit_liaison", a.orgs["dept"].pk)
    leader.full_name = "王书记"  # the responsible leader of both tasks in the factory
    leader.save()
    unit = [t.title for t in todos_for(a.users["unit_liaison"])]
    assert sorted(unit) == [
        f"{a.orgs['dept'].name}：整改任务 1 告诫（逾期 16 天）",
        f"{a.orgs['dept'].name}：整改任务 2 告诫（逾期 16 天）",
    ]
    mine = sorted(t.title for t in todos_for(leader))
    assert mine[0].endswith("整改任务 1 告诫（逾期 16 天）（您是责任领导）")
    assert not mine[1].endswith("（您是责任领导）")  # task 2's leader is 李副书记
    office = todos_for(a.users["office"])
    assert len(office) == 2 and office[0].due_on == today - 16 * day
    for role in ("team_member", "leading_group", "nobody"):
        assert todos_for(a.users[role]) == []
    assert todos_for(world["b"].users["office"]) == []
    assert todos_for(world["b"].users["unit_liaison"]) == []
    assert "整改任务 1 告诫" in login(a.users["unit_liaison"]).get("/").content.decode()


def test_the_workbench_forgets_verified_tasks_and_keeps_the_latest_step_until_closed(world):
    a = world["a"]
    today = timezone.localdate()
    first, second = tasks_due(world, today + 30 * day)
    progress(world, first, completed=True)
    task_services.task_verify(actor=a.users["office"], task=first)
    RectificationTask.objects.filter(plan=first.plan).update(deadline=today - 40 * day)
    Reminder.objects.create(
        authority=a.authority, task=first, kind="account", raised_on=today, due_on=today - 40 * day, days_overdue=40
    )
    reminders_raise(on=today - 31 * day)  # a 督办 raised a month ago stays until the task is closed
    assert [t.title.split("：")[1] for t in todos_for(a.users["unit_liaison"])] == [
        "整改任务 2 督办（逾期 40 天）"
    ]  # as of today
    reminders_raise(on=today)
    assert [t.title.split("：")[1] for t in todos_for(a.users["unit_liaison"])] == ["整改任务 2 告诫（逾期 40 天）"]


def test_a_notice_reads_as_things_stood_on_the_day_it_was_raised(world):
    a = world["a"]
    today = timezone.localdate()
    task, _ = tasks_due(world, today - 3 * day)
    RectificationPlan.objects.filter(pk=task.plan_id).update(approved_on=today - 10 * day)
    task_services.task_progress(actor=a.users["unit_liaison"], task=task, text="已起草制度初稿。", on=today - 2 * day)
    reminders_raise(on=today - day)
    progress(world, task, text="制度已经党组会审议通过。")
    notice = Reminder.objects.get(task=task, kind="supervise")
    text = _docx_text(reminder_document(actor=a.users["office"], reminder=notice)[1])
    assert "已起草制度初稿" in text and "党组会审议通过" not in text
