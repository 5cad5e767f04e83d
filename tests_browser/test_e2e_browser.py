"""One inspection of round seven, end to end, in a real browser: from planning the round to the
look-back, as the office, the team, the public, the unit and the receiver; the coverage page
counts it at the end.

县委办公室 (第一巡察组, unit liaison ``qh_unit``) starts in preparation, as the demo leaves
round seven. The office moves each stage through the inspection page's advance control; the
approved rectification plan moves it into 整改 by itself. The look-back is planned by the
office in a new round eight, on the round page, with its own team.

Saves ``rectification-plan.png``, ``rectification-task.png``, ``rectification-assessment.png`` and
``lookback.png``.
"""

import re
from pathlib import Path

import pytest

from tests_browser.test_registry_browser import (  # noqa: F401  (fixtures)
    PHONE,
    Problems,
    _shot,
    browser,
    demo,
    expect,
)
from tests_browser.test_results_browser import _as, _decide

pytestmark = [pytest.mark.browser]

ORG = "县委办公室"
SUBJECT = "县委办公室违规使用公务用车"
PAPER = "公务用车管理不严，存在私车公养问题"
MEASURE = "开展公务用车专项清理，建立用车登记和审批台账"


def _advance(page, url, label):
    """The office (or the team leader) moves the inspection on with the inspection page's control."""
    page.goto(url)
    page.click(f"button:has-text('推进到“{label}”')")
    expect(page.locator(".alert-success")).to_contain_text(f"已推进到“{label}”阶段")
    expect(page.locator(".x-steps li.done").last).to_have_text(label)


def _figure(page, label) -> int:
    text = page.locator(".x-figure", has_text=label).locator(".x-figure-value").inner_text()
    return int(re.match(r"\d+", text.strip()).group())


def _pdf(browser, path, text):  # noqa: F811
    """A real PDF, printed by chromium itself."""
    page = browser.new_page()
    page.set_content(f"<html lang='zh-CN'><body><h1>{text}</h1><p>附：公务用车登记台账（2026年）</p></body></html>")
    page.pdf(path=str(path), format="A4")
    page.close()
    return path


def test_one_inspection_from_planning_to_lookback(browser, demo, live_server, tmp_path):  # noqa: F811
    from django.utils import timezone

    from onsite.models import Finding, FocusArea
    from planning.models import Inspection
    from rectification.models import LookbackCheck, RectificationPlan
    from results.models import Feedback, Transfer

    inspection = Inspection.objects.get(round__number=7, organization__name=ORG)
    assert inspection.stage == "preparation" and inspection.team.name == "第一巡察组"
    base = live_server.url
    url = f"{base}/planning/inspections/{inspection.pk}/"
    today = timezone.localdate().isoformat()
    leaf = str(
        FocusArea.objects.filter(taxonomy__authority=inspection.authority, name="违反中央八项规定精神")
        .order_by("-taxonomy__version")
        .values_list("pk", flat=True)
        .first()
    )
    problems: list = []

    # -- Planning: the office finds the target on the coverage page, in round seven, and opens it.
    office = _as(browser, live_server, demo, "qh_office", problems, shown_errors=True)
    office.click("text=全覆盖进度")
    expect(office.locator("h1")).to_contain_text("届内巡察全覆盖")
    expect(office.locator("tr", has_text=ORG)).to_contain_text("已列入第7轮")
    covered = _figure(office, "已巡察")
    office.click("a:has-text('第7轮')")
    row = office.locator("tr", has_text=ORG)
    expect(row).to_contain_text("第一巡察组")
    expect(row).to_contain_text("准备")
    row.locator(f"a:has-text('{ORG}')").click()
    expect(office.locator("h1")).to_contain_text(ORG)
    with office.expect_download() as info:
        office.locator("tr", has_text="巡察公告").locator("a", has_text="下载 Word").click()
    assert info.value.suggested_filename == f"{ORG}-巡察公告.docx"
    public_path = office.locator("code").inner_text().split("/p/", 1)[1]
    assert public_path == f"{inspection.public_id}/"
    _advance(office, url, "进驻了解")

    # -- The public: a report from a phone through the notice's address.
    phone = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems.append(Problems(phone, shown_errors=True))
    phone.goto(f"{base}/p/{public_path}")
    expect(phone.locator("body")).to_contain_text(ORG)
    phone.fill("#id_subject", SUBJECT)
    phone.fill("#id_content", "县委办公室有干部长期将公务用车停放在自家小区，周末接送家人，油费由单位报销。")
    phone.click("button:has-text('提交')")
    expect(phone.locator(".p-code")).to_be_visible()

    # -- The team on site: triage the report, hold a talk, write a working paper, approve it.
    member = _as(browser, live_server, demo, "qh_member", problems, shown_errors=True)
    member.goto(f"{base}/onsite/inspections/{inspection.pk}/petitions/")
    member.click(f"text={SUBJECT}")
    member.check("label:has-text('属于受理范围') >> xpath=preceding-sibling::input")
    member.check("label:has-text('廉洁纪律') >> xpath=preceding-sibling::input")
    member.select_option("#id_focus_area", value=leaf)
    member.click("button:has-text('保存分办')")
    expect(member.locator(".alert-success")).to_be_visible()

    member.goto(f"{base}/onsite/inspections/{inspection.pk}/interviews/")
    member.click("button:has-text('从领导班子名单生成')")
    expect(member.locator(".alert-success")).to_contain_text("程立军")
    member.locator("table a", has_text="程立军").click()
    member.fill("#id_held_at", timezone.localtime().strftime("%Y-%m-%d %H:%M"))
    member.fill("#id_place", "县委办公室会议室")
    member.get_by_label("刘卫东（组长）").check()
    member.get_by_label("黄丽娟（成员）").check()
    member.fill("#id_notes", "程立军称单位公务用车由办公室统一调度，对个别干部周末用车情况不掌握。")
    member.click("button:has-text('保存谈话记录')")
    expect(member.locator(".alert-success")).to_contain_text("已记录与程立军的谈话")

    member.goto(f"{base}/onsite/inspections/{inspection.pk}/working-papers/")
    member.click("text=新增底稿")
    member.fill("#id_title", PAPER)
    member.fill("#id_facts", "经调阅2026年用车记录和加油凭证，1辆公务用车周末多次出行，油费2300元由单位报销。")
    member.fill("#id_rule", "《党政机关公务用车管理办法》第二十条")
    member.check(f"label:has-text('{SUBJECT}') >> xpath=preceding-sibling::input")
    member.check("label:has-text('程立军') >> xpath=preceding-sibling::input")
    member.click("button:has-text('保存')")
    member.click("button:has-text('提交审核')")
    expect(member.locator("body")).to_contain_text("待审核")

    leader = _as(browser, live_server, demo, "qh_leader", problems, shown_errors=True)
    leader.goto(f"{base}/onsite/inspections/{inspection.pk}/working-papers/")
    leader.click(f"text={PAPER}")
    leader.select_option("#id_focus_area", value=leaf)
    leader.select_option("#id_severity", label="较重")
    leader.click("button:has-text('审核通过')")
    expect(leader.locator("body")).to_contain_text("已审核")
    finding = Finding.objects.get(inspection=inspection)
    assert finding.title == PAPER

    # -- The report chain (reporting stage), then feedback, acknowledged by the unit.
    _advance(office, url, "报告")
    report_url = f"{base}/results/inspections/{inspection.pk}/report/"
    leader.goto(report_url)
    leader.click("button:has-text('起草报告')")
    leader.goto(report_url + "edit/")
    body = leader.locator("#id_body").input_value()
    assert PAPER in body
    leader.fill("#id_body", re.sub(r"【请填写：[^】]*】", "该办党组总体能够贯彻落实县委决策部署。", body))
    leader.select_option("#id_ecology", label="持平")
    leader.select_option("#id_implementation", label="较好")
    leader.click("button:has-text('保存')")
    leader.goto(report_url)
    leader.click("button:has-text('提交审议')")
    _decide(leader, report_url, today)  # 组务会
    _decide(office, report_url, today)  # 组办会商
    leading = _as(browser, live_server, demo, "qh_leading", problems, shown_errors=True)
    _decide(leading, report_url, today)  # 领导小组会议
    head = _as(browser, live_server, demo, "qh_office_head", problems, shown_errors=True)
    _decide(head, report_url, today, results_use=("feedback", "discipline"))  # 书记专题会
    expect(head.locator("body")).to_contain_text("报告已审定")

    _advance(office, url, "反馈")
    office.goto(f"{base}/results/inspections/{inspection.pk}/feedback/")
    office.fill("#id_issued_on", today)
    office.click("button:has-text('登记反馈')")
    expect(office.locator(".alert-success")).to_be_visible()
    feedback = Feedback.objects.get(inspection=inspection)

    unit = _as(browser, live_server, demo, "qh_unit", problems, shown_errors=True)
    unit.goto(f"{base}/results/unit/")
    card = unit.locator(f"#feedback-{feedback.pk}")
    card.locator("input[name=acknowledged_on]").fill(today)
    card.locator("input[name=acknowledged_name]").fill("程立军")
    card.locator("button:has-text('登记签收')").click()
    expect(unit.locator(".alert-success")).to_be_visible()
    expect(card).to_contain_text(PAPER)

    # -- A lead goes to the discipline commission, which receives it and answers.
    leader.goto(f"{base}/results/inspections/{inspection.pk}/leads/")
    leader.select_option("select[name=category]", value="discipline")
    leader.fill("input[name=name]", "孔德才")
    leader.fill("input[name=post]", "县委办公室副主任")
    leader.fill("textarea[name=details]", "涉嫌长期私用公务用车并以加油票报销个人费用。")
    leader.click("button:has-text('保存线索')")
    expect(leader.locator("body")).to_contain_text("孔德才")
    head.goto(f"{base}/results/inspections/{inspection.pk}/transfers/")
    head.select_option("select[name=kind]", value="leads")
    head.select_option("select[name=receiver]", label="青禾县纪委监委（纪委监委）")
    head.check("label:has-text('孔德才') >> xpath=preceding-sibling::input")
    head.fill("input[name=sent_on]", today)
    head.click("button:has-text('移交')")
    expect(head.locator(".alert-success")).to_be_visible()
    transfer = Transfer.objects.get(inspection=inspection, kind="leads")
    jw = _as(browser, live_server, demo, "qh_jw", problems, shown_errors=True)
    jw.goto(f"{base}/results/received/")
    expect(jw.locator("body")).to_contain_text(ORG)
    jw.goto(f"{base}/results/transfers/{transfer.pk}/")
    expect(jw.locator("body")).to_contain_text("孔德才")
    jw.fill("input[name=received_on]", today)
    jw.fill("input[name=received_name]", "马俊")
    jw.click("button:has-text('确认签收')")
    jw.select_option("select[name=outcome]", value="verifying")
    jw.fill("textarea[name=detail]", "已转第一监督检查室初步核实。")
    jw.fill("input[name=outcome_on]", today)
    jw.click("button:has-text('反馈办理结果')")
    expect(jw.locator("body")).to_contain_text("初步核实")

    # -- The plan: the unit starts it from its feedback page, writes a task, submits it.
    unit.goto(f"{base}/results/unit/")
    unit.locator(f"#feedback-{feedback.pk}").locator("a:has-text('整改方案和整改进展')").click()
    expect(unit.locator("h1")).to_contain_text("整改方案")
    unit.click("button:has-text('开始制定整改方案')")
    expect(unit.locator(".alert-success")).to_contain_text("已建立整改方案")
    plan = RectificationPlan.objects.get(inspection=inspection)
    plan_url = f"{base}/rectification/plans/{plan.pk}/"
    unit.fill("#id_summary", "成立整改工作领导小组，主要负责人亲自抓，班子成员分工负责。")
    unit.fill("#id_head_name", "程立军")
    unit.locator("#summary").locator("button:has-text('保存')").click()
    expect(unit.locator(".alert-success")).to_contain_text("已保存整改工作安排")
    expect(unit.locator("button:has-text('报送审核')")).to_be_disabled()  # the finding has no task yet
    unit.locator(f"#finding-{finding.pk}").locator("..").locator("a:has-text('添加整改措施')").click()
    expect(unit.locator("#id_finding")).to_have_value(str(finding.pk))
    expect(unit.locator("#id_deadline")).not_to_have_value("")  # the default from the planning settings
    unit.fill("#id_measure", MEASURE)
    unit.fill("#id_responsible_leader", "程立军")
    unit.fill("#id_responsible_office", "县委办公室行政科")
    unit.click("button:has-text('保存')")
    expect(unit.locator(".alert-success")).to_contain_text("已添加整改任务 1")
    unit.click("button:has-text('报送审核')")
    expect(unit.locator(".alert-success")).to_contain_text("已报送巡察办审核")

    # -- The office approves it with the other reviewers' opinions: the inspection is in 整改.
    office.goto(plan_url)
    office.check("#decision-approved")
    office.fill("#id_decided_on", today)
    office.fill("#id_comments", "措施具体，责任明确，同意。")
    office.fill("#id_opinion_discipline", "同意。")
    office.fill("#id_opinion_team", "措施针对问题，同意。")
    office.click("button:has-text('提交审核结论')")
    expect(office.locator(".alert-success")).to_contain_text("整改方案已批准")
    expect(office.locator("#reviews")).to_contain_text("措施针对问题，同意。")
    office.goto(url)
    expect(office.locator(".x-steps li.done").last).to_have_text("整改")

    # -- The unit reports progress with a PDF and asks for the task to be closed.
    evidence = _pdf(browser, tmp_path / "公务用车清理情况.pdf", "公务用车专项清理情况报告")
    unit.goto(plan_url)
    unit.click(f"a:has-text('{MEASURE}')")
    expect(unit.locator("h1")).to_contain_text("整改任务 1")
    unit.fill("#id_text", "已完成公务用车专项清理，收回违规停放车辆1辆，追缴油费2300元，建立用车登记审批台账。")
    unit.set_input_files("#id_files", str(evidence))
    unit.check("#id_completed")
    unit.click("button:has-text('报告进展')")
    expect(unit.locator(".alert-success")).to_contain_text("已报告进展并申请销号")
    expect(unit.locator("#history")).to_contain_text(evidence.name)
    expect(unit.locator("button:has-text('核验销号')")).to_have_count(0)  # only the office closes a task
    task_url = unit.url
    unit.goto(plan_url)
    unit.locator("#head-report").locator("#id_head_report").fill(
        "本人作为第一责任人，召开专题会议3次，逐项审定整改措施并督促落实。"
    )
    unit.locator("#head-report").locator("button:has-text('保存')").click()
    expect(unit.locator(".alert-success")).to_contain_text("已保存主要负责人组织落实整改情况")

    # -- The office checks the evidence and closes the task: the finding is rectified.
    office.goto(task_url)
    with office.expect_download() as info:
        office.locator("#history").locator(f"a:has-text('{evidence.name}')").click()
    assert Path(info.value.path()).read_bytes() == evidence.read_bytes()
    verify = office.locator("form", has=office.locator("button:has-text('核验销号')"))
    verify.locator("textarea[name=reason]").fill("佐证材料齐全，整改到位。")
    verify.locator("button:has-text('核验销号')").click()
    expect(office.locator(".alert-success")).to_contain_text("整改任务 1 已核验销号")
    expect(office.locator(".x-page-title")).to_contain_text("已销号")
    _shot(office, "rectification-task.png", full_page=True)
    office.goto(plan_url)
    expect(office.locator(f"#finding-{finding.pk}")).to_contain_text("已整改")
    _shot(office, "rectification-plan.png", full_page=True)

    # -- Assessment: the office scores and grades it; the rectification report downloads.
    office.click("a:has-text('整改评估和整改情况报告')")
    expect(office.locator("body")).to_contain_text("已核验销号")
    for box in office.locator("input[name^=score_]").all():
        box.fill(box.get_attribute("max"))
    office.select_option("#id_grade", label="好")
    office.fill("#id_comments", "整改态度端正，措施有力，成效明显。")
    office.click("button:has-text('提交评估')")
    expect(office.locator(".alert-success")).to_contain_text("已记录整改评估：好")
    _shot(office, "rectification-assessment.png", full_page=True)
    with office.expect_download() as info:
        office.locator("tr", has_text="整改情况报告").locator("a", has_text="下载 Word").click()
    from docx import Document

    text = "\n".join(p.text for p in Document(info.value.path()).paragraphs)
    assert ORG in text and "召开专题会议3次" in text

    # -- The inspection is archived: every stage passed.
    _advance(office, url, "归档")

    # -- The look-back: a new round eight, 县委办公室 revisited, a team for it.
    office.click("text=全覆盖进度")
    office.fill("#id_entry_on", "2027-02-15")
    office.fill("#id_onsite_end_on", "2027-03-20")
    office.click("button:has-text('新增轮次')")
    expect(office.locator("h1")).to_have_text("十六届县委第8轮")
    office.select_option("#id_organization", label=ORG)
    office.select_option("#id_kind", label="巡察“回头看”")
    office.select_option("#id_revisits", label=f"{ORG}（十六届县委第7轮）")
    office.click("button:has-text('列入本轮')")
    expect(office.locator(".alert-success")).to_contain_text(f"已将“{ORG}”列入第8轮")
    lookback = Inspection.objects.get(revisits=inspection)
    assert lookback.kind == "lookback" and lookback.round.number == 8
    office.fill("input[name=name]", "第一巡察组")
    office.click("button:has-text('新增巡察组')")
    office.click("button:has-text('交由本组巡察')")
    expect(office.locator(".x-card", has_text="巡察对象")).to_contain_text(ORG)
    office.select_option("#id_inspector", label="宁志华")
    office.select_option("#id_role", label="组长")
    office.click("button:has-text('加入本组')")
    expect(office.locator(".alert-success")).to_contain_text("已将宁志华加入第一巡察组")
    lookback_url = f"{base}/planning/inspections/{lookback.pk}/"
    _advance(office, lookback_url, "进驻了解")
    expect(office.locator(".x-page-title")).to_contain_text("回看：")

    # The look-back's team reads the old finding with its task and evidence, and records a verdict.
    team = _as(browser, live_server, demo, "qh_leader5", problems, shown_errors=True)
    team.goto(lookback_url)
    team.click("a:has-text('回头看核查')")
    section = team.locator(f"#finding-{finding.pk}")
    expect(section).to_contain_text(PAPER)
    expect(section).to_contain_text(MEASURE)
    expect(section).to_contain_text("已销号")
    expect(section.locator("a", has_text=evidence.name)).to_be_visible()
    expect(team.locator(".x-page-title")).to_contain_text("整改评估：好")
    team.check(f"#id_f{finding.pk}-verdict_surface")
    team.fill(f"#id_f{finding.pk}-note", "回访发现该车辆仍于周末停放在干部小区，用车登记台账存在补记情况。")
    team.locator(f"#finding-{finding.pk}").locator("button:has-text('记录结论')").click()
    expect(team.locator(".alert-success")).to_contain_text("已形成回头看新发现问题")
    new = team.locator("#new-findings")
    expect(new).to_contain_text(f"（回头看）{PAPER}")
    expect(new).to_contain_text("表面整改")
    _shot(team, "lookback.png", full_page=True)
    check = LookbackCheck.objects.get(inspection=lookback, finding=finding)
    assert check.verdict == "surface" and check.new_finding.inspection_id == lookback.pk

    # -- Coverage: 县委办公室 counts as inspected in this term.
    office.click("text=全覆盖进度")
    done = office.locator(".x-figure", has_text="已巡察").locator(".x-figure-value")
    expect(done).to_have_text(re.compile(rf"^\s*{covered + 1}\s*个"))
    expect(office.locator("tr", has_text=ORG)).to_have_count(0)
    expect(office.locator(".x-card", has_text="尚有")).to_contain_text("其中 10 个已列入计划")

    assert [item for p in problems for item in p.items] == []
