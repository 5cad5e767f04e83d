"""Rectification records for tests, built with the real services (as pages and the API
build them) on top of the shared ``world`` fixture (conftest.py).

``plan(w, "a", status=...)`` gives county ``key``'s plan in the asked state, with two
findings ("公务接待超标准", "“三重一大”事项未经集体决策") and one task each, written by the
unit's liaison; ``approved`` plans are reviewed by the office. ``progress(w, task,
completed=True)`` reports progress with a real PDF as evidence.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.pdf import one_page_pdf
from rectification import plans as plan_services
from rectification import tasks as task_services
from rectification.models import RectificationPlan
from results.tests.permission_cases_feedback import feedback, finding

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
