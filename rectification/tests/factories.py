"""Rectification records for tests, built with the real services (as pages and the API
build them) on top of the shared ``world`` fixture and the finding and feedback of the root
conftest.py.

``plan(w, "a", status=...)`` gives county ``key``'s plan in the asked state, with two
findings ("公务接待超标准", "“三重一大”事项未经集体决策") and one task each, written by the
unit's liaison; ``approved`` plans are reviewed by the office. ``progress(w, task,
completed=True)`` reports progress with a real PDF as evidence. The others build on these:
the reported task and its evidence, the assessment, the reminder and the look-back.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import feedback, finding, make_user
from demo.pdf import one_page_pdf
from rectification import plans as plan_services
from rectification import tasks as task_services
from rectification.models import RectificationPlan

TITLES = ("公务接待超标准", "“三重一大”事项未经集体决策")
PDF = one_page_pdf(["Rectification evidence"])


def pdf(name="整改佐证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fed_back(w, key="a"):
    """County ``key``'s inspection with two findings and an acknowledged feedback."""
    findings = [finding(w, key, title=t) for t in TITLES]
    feedback(w, key, acknowledged=True)
    return findings


def plan(w, key="a", *, status="approved", deadline: datetime.date | None = None) -> RectificationPlan:
    """County ``key``'s plan in ``status`` (draft, submitted, returned, approved), one task per finding."""
    c = w[key]
    found = RectificationPlan.objects.filter(inspection=c.inspection).first()
    if found:
        return found
    unit, office = c.users["unit_liaison"], c.users["office"]
    findings = fed_back(w, key)
    p = plan_services.plan_create(actor=unit, inspection=c.inspection, summary="成立整改工作领导小组，逐项整改。")
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=60)
    for i, f in enumerate(findings):
        task_services.task_create(
            actor=unit,
            plan=p,
            finding=f,
            measure=f"整改措施{i + 1}：建立制度，逐项清理。",
            deadline=deadline,
            responsible_leader="王书记",
            responsible_office="办公室",
            phase="concentrated" if i == 0 else "ongoing",
        )
    if status == "draft":
        return p
    plan_services.plan_submit(actor=unit, plan=p)
    if status == "returned":
        plan_services.plan_review(actor=office, plan=p, decision="returned", comments="措施不够具体。")
    elif status == "approved":
        plan_services.plan_review(actor=office, plan=p, decision="approved", comments="同意。")
        plan_services.plan_head_report_set(
            actor=unit, plan=p, head_name="周建国", head_report="本人作为第一责任人，主持召开专题会议研究整改。"
        )
    p.refresh_from_db()
    return p


def progress(w, task, key="a", *, completed=False, text="已完成制度修订。"):
    unit = w[key].users["unit_liaison"]
    return task_services.task_progress(
        actor=unit, task=task, text=text, completed=completed, uploads=[pdf()] if completed else []
    )


def task(w, status="approved"):
    """The first task of county A's plan in ``status``."""
    return plan(w, status=status).tasks.order_by("number").first()


def reported(w):
    """County A's first task, reported completed with a PDF: what the office checks."""
    found = task(w)
    if found.status != "reported":
        progress(w, found, completed=True)
        found.refresh_from_db()
    return found


def evidence(w):
    """The PDF of county A's reported task."""
    return reported(w).progress_reports.first().evidence.first()


# Assessments ----------------------------------------------------------------------------------

CRITERION = "甲县整改公开情况"  # a criterion only county A has


def full_marks(w) -> dict:
    """Full marks on each of county A's active criteria, by criterion id."""
    from rectification.assessments import criteria_of

    return {str(c.pk): c.max_score for c in criteria_of(w["a"].authority, active_only=True)}


def criterion(w):
    """County A's own criterion ``CRITERION`` (beside the default ones)."""
    from rectification.assessments import criteria_of
    from rectification.models import AssessmentCriterion

    criteria_of(w["a"].authority)
    found, _ = AssessmentCriterion.objects.get_or_create(
        authority=w["a"].authority, name=CRITERION, defaults={"max_score": 10, "order": 100}
    )
    return found


def assessed(w):
    """County A's approved plan, assessed good by the office with full marks."""
    from rectification.assessments import assessment_record

    p = plan(w, "a")
    if not p.assessments.exists():
        assessment_record(actor=w["a"].users["office"], plan=p, grade="good", scores=full_marks(w))
    return p


# Reminders ----------------------------------------------------------------------------------


def reminded(w, key="a"):
    """County ``key``'s 督办 on task 1 of its approved plan, five days overdue."""
    from rectification.models import RectificationTask, Reminder
    from rectification.reminders import reminders_raise

    p = plan(w, key)
    today = timezone.localdate()
    RectificationTask.objects.filter(plan=p).update(deadline=today - datetime.timedelta(days=5))
    reminders_raise(on=today)
    return Reminder.objects.filter(task__plan=p, kind="supervise").order_by("task__number").first()


# The look-back ------------------------------------------------------------------------------


def lookback(w, key="a"):
    """County ``key``'s look-back inspection (round 8) of its round-seven inspection, whose
    approved plan has one task reported completed with a PDF as evidence."""
    from planning.inspections import inspection_create, round_create
    from planning.models import Inspection, Round
    from planning.teams import inspection_assign_team, team_create

    c = w[key]
    found = Inspection.objects.filter(revisits=c.inspection, kind="lookback").first()
    if found:
        return found
    p = plan(w, key, status="approved")
    progress(w, p.tasks.order_by("number").first(), key, completed=True)
    term = c.inspection.round.term
    later = Round.objects.filter(term=term, number=8).first() or round_create(actor=None, term=term, number=8)
    inspection = inspection_create(
        actor=None, round=later, organization=c.orgs["dept"], kind="lookback", revisits=c.inspection
    )
    inspection_assign_team(
        actor=None, inspection=inspection, team=team_create(actor=None, round=later, name="回头看组")
    )
    return inspection


def lookback_member(w, key="a"):
    """The deputy leader of county ``key``'s look-back team (who records verdicts), with no
    role on the old inspection."""
    from core.models import User

    name = f"lookback_{key}_member"
    return User.objects.filter(username=name).first() or make_user(
        w[key].authority, name, "team_deputy", lookback(w, key).pk
    )


def old_finding(w, key="a"):
    """The first finding of the inspection county ``key``'s look-back revisits."""
    return lookback(w, key).revisits.findings.order_by("id").first()
