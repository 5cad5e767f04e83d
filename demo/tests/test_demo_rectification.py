"""The demo county's rectification in every state, loaded once and only once: a plan under
review, tasks in progress, overdue with reminders, waiting, rejected and verified, a unit
graded 一般 in its second rectification, and the look-back of a round-five inspection."""

import io
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent, User
from onsite.models import Finding, WorkingPaper
from planning.models import Inspection, Team
from rectification.models import (
    Assessment,
    Evidence,
    LookbackCheck,
    PlanReview,
    ProgressReport,
    RectificationPlan,
    RectificationTask,
    Reminder,
    TaskCheck,
)
from rectification.plans import findings_without_tasks, plans_for
from rectification.reminders import reminders_for
from rectification.tasks import finding_rectified, is_overdue, tasks_for
from results.models import Feedback


def _load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _plan(name, number):
    return RectificationPlan.objects.get(inspection__organization__name=name, inspection__round__number=number)


def test_demo_rectification_in_every_state(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    printed = _load()
    today = timezone.localdate()
    office = User.objects.get(username="qh_office")
    for username in ("qh_unit3", "qh_unit4", "qh_unit5", "qh_unit6", "qh_leader5"):
        assert username in printed

    # 县人民医院 (round seven): the plan waits for the office's review, every finding answered.
    hospital = _plan("县人民医院", 7)
    assert hospital.status == "submitted" and hospital.submitted_at is not None
    assert not findings_without_tasks(hospital) and hospital.tasks.count() >= 4
    assert hospital in plans_for(user=User.objects.get(username="qh_unit2"))

    # Round six: approved plans (one returned first) with tasks in every state.
    housing, agri, school = (_plan(n, 6) for n in ("县住房和城乡建设局", "县农业发展集团有限公司", "县实验小学"))
    for plan in (housing, agri, school):
        assert plan.status == "approved" and plan.approved_on < today
        assert Feedback.objects.get(inspection=plan.inspection).acknowledged_on < plan.approved_on
    assert list(housing.reviews.values_list("decision", flat=True)) == ["returned", "approved"]
    assert PlanReview.objects.filter(decision="approved").exclude(opinions={}).exists()
    tasks = RectificationTask.objects.filter(plan__in=[housing, agri, school])
    assert {"in_progress", "reported", "rejected", "verified"} <= set(tasks.values_list("status", flat=True))
    unit4 = User.objects.get(username="qh_unit4")
    assert set(tasks_for(user=unit4).values_list("plan_id", flat=True)) == {agri.pk}

    # Verified with evidence, a real file on disk; a finding with all its tasks verified is rectified.
    verified = tasks.filter(status="verified")
    assert verified.count() >= 4
    for task in verified:
        assert task.verified_by == office and task.verified_on <= today
        evidence = Evidence.objects.filter(progress__task=task)
        assert evidence.exists()
        assert (Path(django_settings.FILE_DIR) / evidence.first().path).read_bytes().startswith(b"%PDF")
    assert any(finding_rectified(t.finding) for t in verified)
    assert tasks.get(status="rejected").reject_reason

    # Overdue with the escalating reminders: 提醒, 督办 and 告诫 on the same task.
    overdue = [t for t in tasks if is_overdue(t, today)]
    assert overdue
    kinds = {t.pk: set(t.reminders.values_list("kind", flat=True)) for t in overdue}
    assert any(k >= {"remind", "supervise", "warn"} for k in kinds.values())
    assert set(reminders_for(user=unit4).values_list("kind", flat=True)) >= {"remind", "supervise", "warn"}

    # 县住房和城乡建设局 graded 一般: its unfinished tasks reopened as 二次整改.
    average = Assessment.objects.get(plan=housing)
    assert average.grade == "average" and average.rectification_round == 1 and len(average.scores) >= 3
    assert housing.rectification_round == 2
    second = housing.tasks.filter(rectification_round=2)
    assert second.count() == 2 and not second.filter(status="verified").exists()
    assert second.filter(deadline__gt=average.assessed_on).count() == 2
    assert housing.tasks.filter(rectification_round=1, status="verified").exists()

    # The look-back of 县乡村振兴局's round-five inspection, all verified and graded 较好.
    rural = _plan("县乡村振兴局", 5)
    assert rural.inspection.stage == "archived" and rural.head_report
    assert set(rural.tasks.values_list("status", flat=True)) == {"verified"}
    assert rural.assessments.get().grade == "fair_good"
    lookback = Inspection.objects.get(round__number=7, kind="lookback")
    assert lookback.revisits == rural.inspection and lookback.stage == "onsite"
    assert lookback.team.name == "第五巡察组"
    leader = User.objects.get(username="qh_leader5")
    assert lookback.pk in leader.role_assignments.filter(role="team_leader").values_list("scope_id", flat=True)
    checks = LookbackCheck.objects.filter(inspection=lookback)
    assert sorted(checks.values_list("verdict", flat=True)) == ["fixed", "not_fixed", "surface"]
    new = Finding.objects.filter(lookback_origin__inspection=lookback)
    assert new.count() == 2 and all(f.inspection == lookback for f in new)
    assert checks.get(verdict="fixed").new_finding is None
    for check in checks.exclude(verdict="fixed"):
        assert check.new_finding.title == "（回头看）" + check.finding.title

    # Nothing dated in the future.
    for model, field in (
        (Feedback, "issued_on"),
        (PlanReview, "decided_on"),
        (ProgressReport, "reported_on"),
        (TaskCheck, "checked_on"),
        (Reminder, "raised_on"),
        (Assessment, "assessed_on"),
    ):
        assert not model.objects.filter(**{f"{field}__gt": today}).exists(), model.__name__

    # Round seven keeps its eleven regular targets, all in preparation.
    regular = Inspection.objects.filter(round__number=7, kind="regular")
    assert regular.count() == 11 and set(regular.values_list("stage", flat=True)) == {"preparation"}

    # Idempotent: loading again changes nothing.
    models = (
        Inspection,
        Team,
        WorkingPaper,
        Finding,
        Feedback,
        RectificationPlan,
        PlanReview,
        RectificationTask,
        ProgressReport,
        Evidence,
        TaskCheck,
        Reminder,
        Assessment,
        LookbackCheck,
        User,
        AuditEvent,
    )
    counts = [m.objects.count() for m in models]
    _load()
    assert [m.objects.count() for m in models] == counts
