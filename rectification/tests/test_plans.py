"""The plan and its review; the verification rules: only the office closes a task, only one
the unit reported done with evidence, and a finding is rectified only when all its tasks are."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from core.models import AuditEvent
from planning.models import Inspection
from rectification import plans as plan_services
from rectification import tasks as task_services
from rectification.models import RectificationPlan, RectificationTask
from rectification.tests.factories import fed_back, pdf, plan, progress

pytestmark = pytest.mark.django_db


def test_unit_drafts_a_plan_only_after_acknowledging_the_feedback(world):
    a = world["a"]
    with pytest.raises(ValidationError) as e:
        plan_services.plan_create(actor=a.users["unit_liaison"], inspection=a.inspection)
    assert "尚未反馈" in str(e.value)
    fed_back(world)
    p = plan_services.plan_create(actor=a.users["unit_liaison"], inspection=a.inspection)
    assert p.status == "draft"
    with pytest.raises(ValidationError):
        plan_services.plan_create(actor=a.users["unit_liaison"], inspection=a.inspection)


def test_only_the_unit_drafts_and_others_out_of_scope_see_nothing(world):
    a, b = world["a"], world["b"]
    fed_back(world)
    with pytest.raises(PermissionDenied):
        plan_services.plan_create(actor=a.users["office"], inspection=a.inspection)
    with pytest.raises(Http404):
        plan_services.plan_create(actor=b.users["office"], inspection=a.inspection)
    with pytest.raises(Http404):
        plan_services.plan_create(actor=b.users["unit_liaison"], inspection=a.inspection)


def test_a_plan_is_submitted_only_when_every_finding_has_a_task(world):
    a = world["a"]
    unit = a.users["unit_liaison"]
    first, second = fed_back(world)
    p = plan_services.plan_create(actor=unit, inspection=a.inspection)
    task_services.task_create(
        actor=unit,
        plan=p,
        finding=first,
        measure="修订接待制度",
        responsible_leader="王书记",
        responsible_office="办公室",
    )
    with pytest.raises(ValidationError) as e:
        plan_services.plan_submit(actor=unit, plan=p)
    assert second.title in str(e.value)
    task = task_services.task_create(
        actor=unit,
        plan=p,
        finding=second,
        measure="完善议事规则",
        responsible_leader="王书记",
        responsible_office="党办",
    )
    # The default deadline is when the rectification report is due.
    assert task.deadline == plan_services.default_deadline(a.inspection)
    assert plan_services.plan_submit(actor=unit, plan=p).status == "submitted"
    with pytest.raises(ValidationError):
        task_services.task_update(actor=unit, task=task, measure="改了")


def test_review_returns_with_comments_and_approval_moves_the_stage(world):
    a = world["a"]
    Inspection.objects.filter(pk=a.inspection.pk).update(stage="reporting")
    p = plan(world, status="submitted")
    office = a.users["office"]
    with pytest.raises(PermissionDenied):
        plan_services.plan_review(actor=a.users["unit_liaison"], plan=p, decision="approved")
    with pytest.raises(PermissionDenied):
        plan_services.plan_review(actor=a.users["team_leader"], plan=p, decision="approved")
    with pytest.raises(ValidationError) as e:
        plan_services.plan_review(actor=office, plan=p, decision="returned")
    assert "comments" in e.value.message_dict
    plan_services.plan_review(actor=office, plan=p, decision="returned", comments="措施不具体")
    p.refresh_from_db()
    assert p.status == "returned"
    plan_services.plan_submit(actor=a.users["unit_liaison"], plan=p)
    review = plan_services.plan_review(
        actor=office, plan=p, decision="approved", opinions={"discipline": "同意", "team": "措施可行"}
    )
    assert review.opinions == {"discipline": "同意", "team": "措施可行"}
    p.refresh_from_db()
    assert p.status == "approved"
    assert Inspection.objects.get(pk=a.inspection.pk).stage == "rectification"
    assert AuditEvent.objects.filter(action="rectification_plan.approve").exists()


def test_the_unit_cannot_verify_and_only_reported_tasks_are_verified(world):
    a = world["a"]
    p = plan(world)
    task = p.tasks.first()
    with pytest.raises(ValidationError):
        task_services.task_verify(actor=a.users["office"], task=task)  # nothing reported yet
    with pytest.raises(ValidationError) as e:
        task_services.task_progress(actor=a.users["unit_liaison"], task=task, text="完成", completed=True)
    assert "佐证" in str(e.value)
    progress(world, task, completed=True)
    task.refresh_from_db()
    assert task.status == "reported"
    with pytest.raises(PermissionDenied):
        task_services.task_verify(actor=a.users["unit_liaison"], task=task)
    with pytest.raises(PermissionDenied):
        task_services.task_verify(actor=a.users["team_leader"], task=task)
    with pytest.raises(Http404):
        task_services.task_verify(actor=world["b"].users["office"], task=task)
    with pytest.raises(PermissionDenied):
        task_services.task_progress(actor=a.users["office"], task=task, text="代报")


def test_reject_needs_a_reason_and_a_finding_is_rectified_only_with_all_tasks_verified(world):
    a = world["a"]
    office, unit = a.users["office"], a.users["unit_liaison"]
    p = plan(world)
    first = p.tasks.first()
    extra = RectificationTask.objects.create(
        authority=a.authority,
        plan=p,
        finding=first.finding,
        number=9,
        measure="追回超标费用",
        deadline=first.deadline,
        responsible_leader="李主任",
        responsible_office="财务室",
    )
    progress(world, first, completed=True)
    with pytest.raises(ValidationError):
        task_services.task_reject(actor=office, task=first, reason=" ")
    task_services.task_reject(actor=office, task=first, reason="佐证材料不能证明制度已印发")
    first.refresh_from_db()
    assert first.status == "rejected"
    progress(world, first, completed=True, text="制度已印发，附文件")
    task_services.task_verify(actor=office, task=first)
    assert not task_services.finding_rectified(first.finding)
    assert plan_services.tasks_count(p)["verified"] == 1
    task_services.task_progress(actor=unit, task=extra, text="已追回", completed=True, uploads=[pdf()])
    task_services.task_verify(actor=office, task=extra)
    assert task_services.finding_rectified(first.finding)
    assert task_services.finding_states(p)[first.finding_id] == "已整改"
    with pytest.raises(ValidationError):
        task_services.task_progress(actor=unit, task=extra, text="再报")


def test_progress_before_approval_is_refused_and_nothing_partial_is_written(world, settings):
    a = world["a"]
    p = plan(world, status="submitted")
    task = p.tasks.first()
    with pytest.raises(ValidationError):
        task_services.task_progress(
            actor=a.users["unit_liaison"], task=task, text="进展", completed=True, uploads=[pdf()]
        )
    assert not task.progress_reports.exists()
    assert RectificationPlan.objects.get(pk=p.pk).status == "submitted"


def test_files_written_before_a_failure_are_removed(world, settings, monkeypatch):
    """A failure after the evidence is on disk (here the audit write, made to fail) leaves
    neither the progress nor its files behind."""
    a = world["a"]
    task = plan(world).tasks.first()

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(task_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        task_services.task_progress(
            actor=a.users["unit_liaison"], task=task, text="进展", completed=True, uploads=[pdf(), pdf("二.pdf")]
        )
    assert not task.progress_reports.exists()
    assert [x for x in settings.FILE_DIR.rglob("*") if x.is_file()] == []


def test_the_workbench_tells_the_unit_a_plan_is_owed_and_the_office_to_review_it(world):
    from core.workbench import todos_for

    a = world["a"]
    fed_back(world)
    owed = [t for t in todos_for(a.users["unit_liaison"]) if "整改方案" in t.title]
    assert owed and owed[0].due_on == plan_services.plan_due_on(a.inspection)
    assert not [t for t in todos_for(world["b"].users["unit_liaison"]) if "整改方案" in t.title]
    plan(world, status="submitted")
    assert [t for t in todos_for(a.users["office"]) if "审核整改方案" in t.title]
    assert not [t for t in todos_for(world["b"].users["office"]) if "审核整改方案" in t.title]


def test_dates_cannot_go_before_what_they_answer(world):
    import datetime

    from django.utils import timezone

    a = world["a"]
    office = a.users["office"]
    long_ago = datetime.date(1900, 1, 1)
    p = plan(world, status="submitted")
    with pytest.raises(ValidationError) as e:
        plan_services.plan_review(actor=office, plan=p, decision="returned", comments="不具体", on=long_ago)
    assert "不能早于报送日期" in str(e.value)
    plan_services.plan_review(actor=office, plan=p, decision="approved")
    task = p.tasks.first()
    progress(world, task, completed=True)
    for action in (task_services.task_verify, task_services.task_reject):
        with pytest.raises(ValidationError) as e:
            action(actor=office, task=task, reason="核验", on=long_ago)
        assert "不能早于单位报告进展的日期" in str(e.value)
    assert task_services.task_verify(actor=office, task=task, on=timezone.localdate()).status == "verified"


def test_the_unit_is_told_of_a_task_sent_back_however_far_its_deadline(world):
    import datetime

    from django.utils import timezone

    from core.workbench import todos_for

    a = world["a"]
    p = plan(world, deadline=timezone.localdate() + datetime.timedelta(days=200))
    task = p.tasks.first()
    assert not [t for t in todos_for(a.users["unit_liaison"]) if "整改任务" in t.title]  # far off
    progress(world, task, completed=True)
    assert [t.title for t in todos_for(a.users["office"]) if "核验整改任务 1" in t.title]
    task_services.task_reject(actor=a.users["office"], task=task, reason="佐证不足")
    titles = [t.title for t in todos_for(a.users["unit_liaison"])]
    assert any("整改任务 1 被退回" in t for t in titles)
    assert not [t for t in todos_for(world["b"].users["unit_liaison"]) if "整改任务" in t.title]


def test_an_inspection_is_archived_only_once_its_rectification_is_closed_and_assessed(world):
    from planning.stages import inspection_advance
    from rectification.assessments import assessment_record, criteria_of

    a = world["a"]
    office = a.users["office"]
    Inspection.objects.filter(pk=a.inspection.pk).update(stage="reporting")
    fed_back(world)

    def archive():
        inspection = Inspection.objects.get(pk=a.inspection.pk)
        return inspection_advance(actor=office, inspection=inspection, to_stage="archived")

    p = plan(world, status="submitted")
    Inspection.objects.filter(pk=a.inspection.pk).update(stage="rectification")
    with pytest.raises(ValidationError) as e:
        archive()
    assert "整改方案待审核" in str(e.value)
    plan_services.plan_review(actor=office, plan=p, decision="approved")
    with pytest.raises(ValidationError) as e:
        archive()
    assert "2 项整改任务未销号" in str(e.value)
    for task in p.tasks.all():
        progress(world, task, completed=True)
        task_services.task_verify(actor=office, task=task)
    with pytest.raises(ValidationError) as e:
        archive()
    assert "尚未评估" in str(e.value)
    scores = {c.pk: c.max_score for c in criteria_of(a.authority, active_only=True)}
    assessment_record(actor=office, plan=p, grade="good", scores=scores)
    assert archive().to_stage == "archived"


def test_dates_in_the_future_and_deadlines_before_the_feedback_are_refused(world):
    import datetime

    from django.utils import timezone

    a = world["a"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    draft = plan(world, status="draft")
    with pytest.raises(ValidationError) as e:
        task_services.task_update(actor=a.users["unit_liaison"], task=draft.tasks.first(), deadline="2020-01-01")
    assert "不能早于反馈日期" in str(e.value)
    plan_services.plan_submit(actor=a.users["unit_liaison"], plan=draft)
    plan_services.plan_review(actor=a.users["office"], plan=draft, decision="approved")
    task = draft.tasks.first()
    with pytest.raises(ValidationError) as e:
        task_services.task_progress(actor=a.users["unit_liaison"], task=task, text="进展", on=tomorrow)
    assert "不能晚于今天" in str(e.value)
    progress(world, task, completed=True)
    for action in (task_services.task_verify, task_services.task_reject):
        with pytest.raises(ValidationError) as e:
            action(actor=a.users["office"], task=task, reason="核验", on=tomorrow)
        assert "不能晚于今天" in str(e.value)


def test_a_finding_made_after_approval_gets_a_supplementary_task_before_archiving(world):
    from conftest import finding
    from core.workbench import todos_for

    a = world["a"]
    unit = a.users["unit_liaison"]
    p = plan(world)
    late = finding(world, title="方案批准后新形成的问题")
    assert plan_services.findings_without_tasks(p) == [late]
    assert "还有 1 个问题没有整改任务" in plan_services.archive_blocker(a.inspection, "archived")
    assert [t for t in todos_for(unit) if "补充整改任务" in t.title]
    # Only for that finding, and only once.
    with pytest.raises(ValidationError):
        task_services.task_create(
            actor=unit,
            plan=p,
            finding=p.tasks.first().finding,
            measure="再加",
            responsible_leader="王",
            responsible_office="办",
        )
    extra = task_services.task_create(
        actor=unit, plan=p, finding=late, measure="建立台账", responsible_leader="王书记", responsible_office="办公室"
    )
    assert extra.plan_id == p.pk and plan_services.findings_without_tasks(p) == []
    with pytest.raises(ValidationError):
        task_services.task_create(
            actor=unit, plan=p, finding=late, measure="再加", responsible_leader="王", responsible_office="办"
        )
    # A plan still missing tasks for some finding is not approved.
    other = plan(world, "b", status="submitted")
    finding(world, "b", title="报送后新形成的问题")
    with pytest.raises(ValidationError) as e:
        plan_services.plan_review(actor=world["b"].users["office"], plan=other, decision="approved")
    assert "报送后新形成的问题" in str(e.value)


def test_a_report_or_check_cannot_go_before_the_last_check(world):
    import datetime

    from rectification.models import RectificationPlan as Plan

    a = world["a"]
    today = timezone_today()
    p = plan(world)
    Plan.objects.filter(pk=p.pk).update(approved_on=today - datetime.timedelta(days=30))
    p.refresh_from_db()
    task = p.tasks.first()
    progress(world, task, completed=True)
    task_services.task_reject(actor=a.users["office"], task=task, reason="不足")
    with pytest.raises(ValidationError) as e:
        task_services.task_progress(
            actor=a.users["unit_liaison"], task=task, text="补充", on=today - datetime.timedelta(days=5)
        )
    assert "不能早于巡察办上次核验的日期" in str(e.value)
    task_services.task_progress(actor=a.users["unit_liaison"], task=task, text="补充", completed=True, uploads=[pdf()])
    task_services.task_verify(actor=a.users["office"], task=task)


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()
