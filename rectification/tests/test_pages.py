"""The plan and task pages as each role uses them: the unit drafts and submits, the office
returns and approves with the reviewers' opinions, the unit reports progress with a real
PDF, the office verifies or rejects; the unit sees no verify buttons and is refused if it
posts them; another county's office sees nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import feedback, finding
from core import menu
from core.workbench import todos_for
from planning.models import Inspection
from rectification import plans as plan_services
from rectification.models import PlanReview, RectificationPlan, RectificationTask
from rectification.tests.factories import PDF, TITLES, fed_back, pdf, plan, progress

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def task_body(**fields):
    body = {
        "measure": "修订公务接待管理办法，严格执行接待标准。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "responsible_leader": "王书记",
        "responsible_office": "办公室",
        "phase": "concentrated",
    }
    body.update(fields)
    return body


def follow(client, response):
    assert response.status_code == 302, text(response)[:500]
    return client.get(response.url)


# The plan: draft → submit → return → resubmit → approve -------------------------------------


def test_the_unit_drafts_the_office_returns_and_approves(world, login):
    a = world["a"]
    Inspection.objects.filter(pk=a.inspection.pk).update(stage="reporting")
    first, second = fed_back(world)
    unit, office = login(a.users["unit_liaison"]), login(a.users["office"])
    start = reverse("rectification:inspection_plan", args=[a.inspection.pk])

    r = unit.get(start)
    assert "开始制定整改方案" in text(r) and "disabled" not in text(r).split("开始制定整改方案")[0][-30:]
    r = office.get(start)
    assert "开始制定整改方案" not in text(r) and "尚未制定整改方案" in text(r)
    assert office.post(start).status_code == 403

    r = follow(unit, unit.post(start))
    p = RectificationPlan.objects.get(inspection=a.inspection)
    assert r.request["PATH_INFO"] == reverse("rectification:plan", args=[p.pk])
    page = text(r)
    assert first.title in page and "无任务" in page and "还有 2 个问题没有整改任务" in page
    assert unit.get(start).url == reverse("rectification:plan", args=[p.pk])  # started: shows the plan

    # The form comes with the finding chosen and the default deadline filled in.
    new = reverse("rectification:task_new", args=[p.pk])
    r = unit.get(f"{new}?finding={first.pk}")
    default = plan_services.default_deadline(a.inspection)
    assert f'value="{default.isoformat()}"' in text(r)
    assert f'<option value="{first.pk}" selected>' in text(r)

    # Bad input: Chinese messages by the fields, nothing lost.
    r = unit.post(new, task_body(finding=first.pk, measure="", deadline="明年三月", responsible_office=""))
    assert r.status_code == 200
    assert "请填写整改措施。" in text(r) and "不是有效日期" in text(r) and "请填写责任部门。" in text(r)
    assert "王书记" in text(r)
    early = (feedback(world).issued_on - datetime.timedelta(days=1)).isoformat()
    r = unit.post(new, task_body(finding=first.pk, deadline=early))
    assert "完成时限不能早于反馈日期" in text(r)
    assert not p.tasks.exists()

    follow(unit, unit.post(new, task_body(finding=first.pk)))
    r = follow(unit, unit.post(reverse("rectification:plan_submit", args=[p.pk])))
    assert "以下问题还没有整改任务" in text(r) and second.title in text(r)
    follow(unit, unit.post(new, task_body(finding=second.pk, measure="严格执行“三重一大”集体决策制度。")))
    r = follow(unit, unit.post(reverse("rectification:plan_summary", args=[p.pk]), {"summary": "成立领导小组。"}))
    assert "已保存整改工作安排" in text(r) and "成立领导小组。" in text(r)
    r = follow(unit, unit.post(reverse("rectification:plan_submit", args=[p.pk])))
    assert "已报送巡察办审核" in text(r)
    p.refresh_from_db()
    assert p.status == "submitted"
    assert "修改</a>" not in text(r) and "审核整改方案" not in text(r)
    task = p.tasks.get(finding=first)
    r = follow(unit, unit.get(reverse("rectification:task_edit", args=[task.pk])))
    assert "整改方案待审核，不能修改整改任务" in text(r)

    # The unit may not review; the office returns it, with comments required.
    review = reverse("rectification:plan_review", args=[p.pk])
    assert (
        unit.post(review, {"decision": "approved", "decided_on": timezone.localdate().isoformat()}).status_code == 403
    )
    r = office.get(reverse("rectification:plan", args=[p.pk]))
    for label in ("审核整改方案", "纪委监委意见", "组织部意见", "宣传部意见", "巡察组意见"):
        assert label in text(r)
    r = office.post(review, {"decided_on": timezone.localdate().isoformat()})
    assert "请选择审核结论：同意或退回修改。" in text(r)
    r = office.post(review, {"decision": "returned", "decided_on": timezone.localdate().isoformat()})
    assert r.status_code == 200 and "退回修改须写明意见。" in text(r)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    r = office.post(review, {"decision": "returned", "comments": "措施不具体", "decided_on": tomorrow})
    assert "审核日期不能晚于今天。" in text(r)
    r = follow(
        office,
        office.post(
            review,
            {
                "decision": "returned",
                "comments": "第一项措施不够具体，请细化。",
                "decided_on": timezone.localdate().isoformat(),
                "opinion_discipline": "建议明确追责措施。",
                "opinion_team": "同意巡察办意见。",
            },
        ),
    )
    assert "已退回修改" in text(r)
    p.refresh_from_db()
    assert p.status == "returned"

    # The unit reads the comments, revises and resubmits.
    r = unit.get(reverse("rectification:plan", args=[p.pk]))
    page = text(r)
    assert "第一项措施不够具体，请细化。" in page and "建议明确追责措施。" in page and "纪委监委" in page
    r = follow(
        unit,
        unit.post(
            reverse("rectification:task_edit", args=[task.pk]),
            task_body(finding=first.pk, measure="逐笔清理2025年接待费用，超标准部分由责任人退赔。"),
        ),
    )
    assert "逐笔清理2025年接待费用" in text(r)
    follow(unit, unit.post(reverse("rectification:plan_submit", args=[p.pk])))
    r = follow(
        office,
        office.post(
            review,
            {
                "decision": "approved",
                "decided_on": timezone.localdate().isoformat(),
                "opinion_organization": "无意见。",
                "opinion_publicity": "同意。",
            },
        ),
    )
    assert "整改方案已批准" in text(r)
    p.refresh_from_db()
    assert p.status == "approved" and p.reviews.count() == 2
    assert p.reviews.last().opinions == {"organization": "无意见。", "publicity": "同意。"}
    assert Inspection.objects.get(pk=a.inspection.pk).stage == "rectification"

    # After approval the unit writes its head's report; the office only reads it.
    head = reverse("rectification:plan_head_report", args=[p.pk])
    r = unit.post(head, {"head_name": "", "head_report": "亲自部署。"})
    assert "请填写单位主要负责人姓名。" in text(r) and "亲自部署。" in text(r)
    follow(unit, unit.post(head, {"head_name": "周建国", "head_report": "主持召开专题会议5次。"}))
    p.refresh_from_db()
    assert (p.head_name, p.head_report) == ("周建国", "主持召开专题会议5次。")
    assert office.post(head, {"head_name": "某某", "head_report": "x"}).status_code == 403
    assert "主持召开专题会议5次。" in text(office.get(reverse("rectification:plan", args=[p.pk])))


def test_the_unit_deletes_a_task_of_its_draft_and_cannot_before_feedback_is_acknowledged(world, login):
    a = world["a"]
    finding(world, "a", title=TITLES[0])
    feedback(world, "a")
    unit = login(a.users["unit_liaison"])
    r = unit.get(reverse("rectification:inspection_plan", args=[a.inspection.pk]))
    assert "反馈意见尚未签收，签收后才能制定整改方案。" in text(r)
    r = follow(unit, unit.post(reverse("rectification:inspection_plan", args=[a.inspection.pk])))
    assert "反馈意见尚未签收" in text(r)
    assert not RectificationPlan.objects.exists()

    p = plan(world, "a", status="draft")
    task = p.tasks.first()
    r = follow(unit, unit.post(reverse("rectification:task_delete", args=[task.pk])))
    assert f"已删除整改任务 {task.number}" in text(r)
    assert not RectificationTask.objects.filter(pk=task.pk).exists()
    office = login(a.users["office"])
    other = p.tasks.first()
    assert office.post(reverse("rectification:task_delete", args=[other.pk])).status_code == 403
    assert office.get(reverse("rectification:task_new", args=[p.pk])).status_code == 403


# Progress and verification ---------------------------------------------------------------------------


def test_progress_with_a_pdf_then_the_office_verifies(world, login):
    a = world["a"]
    p = plan(world, "a")
    task = p.tasks.order_by("number").first()
    unit, office = login(a.users["unit_liaison"]), login(a.users["office"])
    url = reverse("rectification:task", args=[task.pk])
    post = reverse("rectification:task_progress", args=[task.pk])

    r = unit.get(url)
    assert "报告整改进展" in text(r) and "申请销号" in text(r) and "核验销号</button>" not in text(r)
    r = unit.post(post, {"text": "", "completed": "on"})
    assert "请填写整改进展。" in text(r)
    r = unit.post(post, {"text": "已修订制度。", "completed": "on"})
    assert "申请销号须附佐证材料。" in text(r) and "已修订制度。" in text(r)
    r = unit.post(post, {"text": "已修订制度。", "files": [SimpleUploadedFile("x.pdf", b"hello")]})
    assert "的内容不是允许的类型" in text(r)
    assert not task.progress_reports.exists()

    r = follow(
        unit,
        unit.post(
            post,
            {"text": "已修订《公务接待管理办法》并印发。", "completed": "on", "files": [pdf(), pdf("会议纪要.pdf")]},
        ),
    )
    assert "已报告进展并申请销号" in text(r) and "整改佐证.pdf" in text(r) and "会议纪要.pdf" in text(r)
    task.refresh_from_db()
    assert task.status == "reported"

    # The unit sees no verify buttons and is refused if it posts them.
    assert "核验销号</button>" not in text(r) and "退回补充</button>" not in text(r)
    assert unit.post(reverse("rectification:task_verify", args=[task.pk])).status_code == 403
    assert unit.post(reverse("rectification:task_reject", args=[task.pk]), {"reason": "x"}).status_code == 403

    # The office downloads the evidence and verifies.
    r = office.get(url)
    assert "核验销号</button>" in text(r) and "退回补充</button>" in text(r)
    evidence = task.progress_reports.first().evidence.order_by("id").first()
    d = office.get(reverse("rectification:evidence", args=[evidence.pk]))
    assert d.status_code == 200 and d["Content-Type"] == "application/pdf"
    assert b"".join(d.streaming_content) == PDF
    assert "attachment" in d["Content-Disposition"]

    r = follow(office, office.post(reverse("rectification:task_verify", args=[task.pk]), {"reason": "佐证齐全。"}))
    assert f"整改任务 {task.number} 已核验销号" in text(r) and "佐证齐全。" in text(r)
    task.refresh_from_db()
    assert task.status == "verified" and task.verified_on == timezone.localdate()
    assert "报告整改进展" not in text(unit.get(url))
    page = text(office.get(reverse("rectification:plan", args=[p.pk])))
    assert "已整改" in page and "整改中" in page  # the other finding's task is not verified

    # Verified once: a second verify says so.
    r = follow(office, office.post(reverse("rectification:task_verify", args=[task.pk])))
    assert "销号" in text(r) and "已于" in text(r)


def test_the_office_rejects_with_a_reason_and_only_a_reported_task(world, login):
    a = world["a"]
    p = plan(world, "a")
    task = p.tasks.order_by("number").first()
    office, unit = login(a.users["office"]), login(a.users["unit_liaison"])
    url = reverse("rectification:task", args=[task.pk])

    assert "核验销号</button>" not in text(office.get(url))  # still in progress
    r = follow(office, office.post(reverse("rectification:task_verify", args=[task.pk])))
    assert "单位尚未报告完成并提交佐证材料，不能销号。" in text(r)

    progress(world, task, completed=True)
    r = office.post(reverse("rectification:task_reject", args=[task.pk]), {"reason": "  "})
    assert r.status_code == 200 and "退回须写明理由。" in text(r)
    r = follow(office, office.post(reverse("rectification:task_reject", args=[task.pk]), {"reason": "缺少印发文件。"}))
    assert "已退回补充" in text(r) and "缺少印发文件。" in text(r)
    task.refresh_from_db()
    assert task.status == "rejected" and task.checks.get().decision == "rejected"
    r = unit.get(url)
    assert "缺少印发文件。" in text(r) and "报告整改进展" in text(r)


def test_overdue_tasks_are_red_and_reminders_show(world, login):
    from rectification.models import Reminder

    a = world["a"]
    p = plan(world, "a")
    task = p.tasks.order_by("number").first()
    past = timezone.localdate() - datetime.timedelta(days=3)
    RectificationTask.objects.filter(pk=task.pk).update(deadline=past)
    Reminder.objects.create(
        authority=a.authority, task=task, kind="supervise", raised_on=timezone.localdate(), due_on=past, days_overdue=3
    )
    office = login(a.users["office"])
    page = text(office.get(reverse("rectification:plan", args=[p.pk])))
    assert "table-danger" in page and f"{past:%Y-%m-%d}（已逾期）" in page
    page = text(office.get(reverse("rectification:task", args=[task.pk])))
    assert "督办" in page and "3 天" in page
    lst = text(office.get(reverse("rectification:plans")))
    assert 'class="x-overdue">1<' in lst


# Out of sight -------------------------------------------------------------------------------------------


def test_another_county_sees_nothing(world, login):
    a, b = world["a"], world["b"]
    p = plan(world, "a")
    task = p.tasks.first()
    pr = progress(world, task, completed=True)
    evidence = pr.evidence.first()
    for role in ("office", "unit_liaison", "team_leader"):
        client = login(b.users[role])
        for url in (
            reverse("rectification:plan", args=[p.pk]),
            reverse("rectification:task", args=[task.pk]),
            reverse("rectification:evidence", args=[evidence.pk]),
            reverse("rectification:inspection_plan", args=[a.inspection.pk]),
            reverse("rectification:task_edit", args=[task.pk]),
        ):
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(reverse("rectification:task_verify", args=[task.pk])).status_code == 404
        assert a.orgs["dept"].name not in text(client.get(reverse("rectification:plans")))
    assert login(a.users["nobody"]).get(reverse("rectification:plans")).status_code == 403


# The list, the menu, the links and the workbench -------------------------------------------------------------


def test_the_list_by_role_with_counts_and_filters(world, login):
    a = world["a"]
    p = plan(world, "a")
    task = p.tasks.order_by("number").first()
    progress(world, task, completed=True)
    plan(world, "b", status="submitted")
    office = login(a.users["office"])
    r = office.get(reverse("rectification:plans"))
    page = text(r)
    assert a.orgs["dept"].name in page and world["b"].orgs["dept"].name not in page
    assert "已批准" in page
    due = plan_services.plan_due_on(a.inspection)
    assert f"{due:%Y-%m-%d}" in page
    row = page.split(a.orgs["dept"].name)[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[4:9]]
    assert cells == ["2", "1", "1", "0", "0"]  # total, in progress, reported, rejected, verified

    assert a.orgs["dept"].name not in text(office.get(reverse("rectification:plans") + "?status=submitted"))
    assert a.orgs["dept"].name in text(office.get(reverse("rectification:plans") + "?status=approved"))
    assert a.orgs["dept"].name not in text(office.get(reverse("rectification:plans") + "?q=不存在的单位"))
    assert a.orgs["dept"].name in text(office.get(reverse("rectification:plans") + "?q=县委办"))
    rnd = a.inspection.round_id
    assert a.orgs["dept"].name in text(office.get(reverse("rectification:plans") + f"?round={rnd}"))
    assert a.orgs["dept"].name not in text(office.get(reverse("rectification:plans") + f"?round={rnd + 999}"))
    assert office.get(reverse("rectification:plans") + "?round=²").status_code == 200

    for role in ("unit_liaison", "team_member", "leading_group", "office_head"):
        assert a.orgs["dept"].name in text(login(a.users[role]).get(reverse("rectification:plans"))), role
    # The city's office sees the plans of the counties below it.
    city = text(login(world["city_office"]).get(reverse("rectification:plans")))
    assert a.orgs["dept"].name in city and world["b"].orgs["dept"].name in city


def test_the_list_shows_the_unit_the_plan_to_write(world, login):
    a = world["a"]
    fed_back(world)
    r = login(a.users["unit_liaison"]).get(reverse("rectification:plans"))
    assert "待制定的整改方案" in text(r) and "制定整改方案</a>" in text(r)
    assert reverse("rectification:inspection_plan", args=[a.inspection.pk]) in text(r)
    r = login(a.users["office"]).get(reverse("rectification:plans"))
    assert "待制定的整改方案" in text(r) and a.orgs["dept"].name in text(r)


def test_menu_links_and_workbench(world, login):
    a = world["a"]
    p = plan(world, "a", status="submitted")
    office, unit = a.users["office"], a.users["unit_liaison"]

    def labels(user):
        return [i.label for _g, items in menu.menu_for(user) for i in items]

    assert "整改方案" in labels(office) and "整改方案" in labels(unit) and "整改方案" in labels(a.users["team_member"])
    assert "整改方案" not in labels(a.users["nobody"]) and "整改方案" not in labels(a.users["sysadmin"])
    link = ("整改", reverse("rectification:inspection_plan", args=[a.inspection.pk]))
    assert link in menu.inspection_links(office, a.inspection)
    assert link in menu.inspection_links(unit, a.inspection)
    assert link in menu.inspection_links(a.users["team_member"], a.inspection)
    assert link not in menu.inspection_links(world["b"].users["office"], a.inspection)
    assert link not in menu.inspection_links(a.users["nobody"], a.inspection)

    assert any("审核整改方案" in t.title for t in todos_for(office))
    r = login(office).get("/")
    assert "审核整改方案" in text(r) and reverse("rectification:plan", args=[p.pk]) in text(r)
    r = login(office).get(reverse("planning:inspection", args=[a.inspection.pk]))
    assert reverse("rectification:inspection_plan", args=[a.inspection.pk]) in text(r)


def test_the_team_reads_but_does_not_act(world, login):
    a = world["a"]
    p = plan(world, "a", status="submitted")
    team = login(a.users["team_leader"])
    r = team.get(reverse("rectification:plan", args=[p.pk]))
    assert r.status_code == 200 and TITLES[0] in text(r) and "提交审核结论" not in text(r)
    review = {"decision": "approved", "decided_on": timezone.localdate().isoformat()}
    assert team.post(reverse("rectification:plan_review", args=[p.pk]), review).status_code == 403
    assert team.post(reverse("rectification:plan_submit", args=[p.pk])).status_code == 403
    assert PlanReview.objects.count() == 0


def test_an_approved_plan_links_to_its_assessment_ledger_import_and_reminders(world, login):
    from rectification.reminders import reminders_raise

    a = world["a"]
    p = plan(world, deadline=timezone.localdate() + datetime.timedelta(days=3))
    unit_page = text(login(a.users["unit_liaison"]).get(f"/rectification/plans/{p.pk}/"))
    for url in (
        reverse("rectification:assessment", args=[p.pk]),
        reverse("rectification:plan_ledger", args=[p.pk]),
        reverse("rectification:plan_ledger_import", args=[p.pk]),
    ):
        assert url in unit_page
    office_page = text(login(a.users["office"]).get(f"/rectification/plans/{p.pk}/"))
    assert reverse("rectification:plan_ledger_import", args=[p.pk]) not in office_page
    # The reminders of this plan, and only this plan's, behind the link.
    reminders_raise()
    other = plan(world, "b", deadline=timezone.localdate() + datetime.timedelta(days=3))
    reminders_raise()
    city = login(world["city_office"])
    listed = text(city.get(f"/rectification/reminders/?plan={p.pk}"))
    assert a.orgs["dept"].name in listed and world["b"].orgs["dept"].name not in listed
    assert "仅显示" in listed and "整改方案</a>的督促记录" in listed
    assert other.pk and world["b"].orgs["dept"].name in text(city.get(f"/rectification/reminders/?plan={other.pk}"))


def test_one_menu_entry_is_highlighted_the_closest(world):
    from core.menu import menu_for

    office = world["a"].users["office"]
    for path, label in (("/rectification/ledger/", "整改台账"), ("/rectification/plans/1/", "整改方案")):
        active = [i.label for _, items in menu_for(office, path) for i in items if i.active]
        assert active == [label], path


def test_the_unit_adds_a_supplementary_task_on_the_page_for_a_finding_made_after_approval(world, login):
    a = world["a"]
    p = plan(world)
    unit = login(a.users["unit_liaison"])
    # Every finding has a task: nothing to add.
    r = unit.get(f"/rectification/plans/{p.pk}/tasks/new/", follow=True)
    assert "每个问题都已有整改任务，不能再添加" in text(r)
    late = finding(world, title="方案批准后新形成的问题")
    page = text(unit.get(f"/rectification/plans/{p.pk}/"))
    assert "方案批准后新增的问题" in page and f"/rectification/plans/{p.pk}/tasks/new/?finding={late.pk}" in page
    form = text(unit.get(f"/rectification/plans/{p.pk}/tasks/new/?finding={late.pk}"))
    assert late.title in form and "公务接待超标准" not in form  # only the finding without a task
    r = unit.post(f"/rectification/plans/{p.pk}/tasks/new/", {**task_body(), "finding": late.pk})
    assert r.status_code == 302
    assert RectificationTask.objects.filter(plan=p, finding=late).count() == 1
    # The office does not add tasks for the unit.
    assert login(a.users["office"]).get(f"/rectification/plans/{p.pk}/tasks/new/").status_code == 403
