"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the feedback
pages and API, and the records they need, made with the ORM (reports, findings and leads
are other parts' to write)."""

import datetime

from django.utils import timezone

from core.tests.permissions import Case

FINDING_TITLE = "公务接待超标准"


def today() -> str:
    return timezone.localdate().isoformat()


def leaf(w, key="a"):
    from onsite.models import FocusArea

    return (
        FocusArea.objects.filter(taxonomy__authority=w[key].authority, group="focus", children__isnull=True)
        .order_by("code")
        .first()
    )


def finding(w, key="a", *, title=FINDING_TITLE, inspection=None, area=None, **fields):
    """A finding of county ``key``'s inspection (or ``inspection``), on an approved working paper."""
    from onsite.models import Finding, WorkingPaper

    c = w[key]
    inspection = inspection or c.inspection
    found = Finding.objects.filter(inspection=inspection, title=title).first()
    if found:
        return found
    paper = WorkingPaper.objects.create(
        authority=c.authority,
        inspection=inspection,
        title=title,
        facts=fields.get("description", "2025年超标准接待12次。"),
        status="approved",
        author=c.users["team_member"],
    )
    return Finding.objects.create(
        authority=c.authority,
        inspection=inspection,
        working_paper=paper,
        title=title,
        description=fields.pop("description", "2025年超标准接待12次。"),
        focus_area=area or leaf(w, key),
        created_by=c.users["team_member"],
        **fields,
    )


def report(w, key="a", *, status="approved", inspection=None):
    from results.models import InspectionReport

    c = w[key]
    found, _ = InspectionReport.objects.get_or_create(
        inspection=inspection or c.inspection,
        defaults={"authority": c.authority, "status": status, "created_by": c.users["office"]},
    )
    return found


def feedback(w, key="a", *, acknowledged=False, inspection=None):
    """County ``key``'s feedback, issued five days ago (and acknowledged, if asked)."""
    from results.models import Feedback

    c = w[key]
    inspection = inspection or c.inspection
    report(w, key, inspection=inspection)
    found = Feedback.objects.filter(inspection=inspection).first() or Feedback.objects.create(
        authority=c.authority,
        inspection=inspection,
        issued_on=timezone.localdate() - datetime.timedelta(days=5),
        issued_by=c.users["office"],
    )
    if acknowledged and found.acknowledged_at is None:
        found.acknowledged_at = timezone.now()
        found.acknowledged_on = timezone.localdate()
        found.acknowledged_name = "周建国"
        found.acknowledged_by = c.users["unit_liaison"]
        found.save()
    return found


def _fed_back(w):
    """An acknowledged feedback with a finding: what the unit's liaison may read."""
    finding(w)
    return feedback(w, acknowledged=True)


def _inspection_url(w):
    return f"/results/inspections/{w['a'].inspection.pk}/feedback/"


CASES = [
    Case("feedback page", "get", _inspection_url, "office", 200, marker=lambda w: w["a"].orgs["dept"].name),
    Case(
        "feedback issue",
        "post",
        _inspection_url,
        "office",
        302,
        body=lambda w: report(w) and {"issued_on": today()},
    ),
    Case(
        "feedback exclusion",
        "post",
        lambda w: f"/results/feedback/findings/{finding(w).pk}/exclusion/",
        "office",
        302,
        body=lambda w: {"excluded": "secret"},
    ),
    Case(
        "feedback document",
        "get",
        lambda w: f"/results/feedback/{feedback(w).pk}/documents/leadership.docx",
        "team_member",
        200,
        marker=lambda w: "word/document.xml",  # a Word file, not a page
    ),
    Case(
        "unit feedback page",
        "get",
        lambda w: _fed_back(w) and "/results/unit/",
        "unit_liaison",
        200,
        marker=lambda w: FINDING_TITLE,
        own_authority=True,
    ),
    Case(
        "unit acknowledge",
        "post",
        lambda w: f"/results/unit/feedback/{feedback(w).pk}/acknowledge/",
        "unit_liaison",
        302,
        body=lambda w: {"acknowledged_on": today(), "acknowledged_name": "周建国"},
    ),
    Case(
        "api feedback list",
        "get",
        lambda w: feedback(w) and "/api/v1/feedback",
        "office",
        200,
        api=True,
        list_view=True,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "api feedback create",
        "post",
        lambda w: "/api/v1/feedback",
        "office",
        201,
        api=True,
        body=lambda w: report(w) and {"inspection_id": w["a"].inspection.pk, "issued_on": today()},
        denied=404,  # the inspection it names is out of sight
    ),
    Case(
        "api feedback detail",
        "get",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "api feedback acknowledge",
        "post",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}/acknowledge",
        "unit_liaison",
        200,
        api=True,
        body=lambda w: {"acknowledged_on": today(), "acknowledged_name": "周建国"},
    ),
    Case(
        "api feedback document",
        "get",
        lambda w: f"/api/v1/feedback/{feedback(w).pk}/documents/public.docx",
        "office_head",  # the public text opens the leads' names to mask them
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api feedback findings",
        "get",
        lambda w: f"/api/v1/feedback/{_fed_back(w).pk}/findings",
        "unit_liaison",
        200,
        api=True,
        marker=lambda w: FINDING_TITLE,
    ),
    Case(
        "api finding exclusion",
        "post",
        lambda w: f"/api/v1/findings/{finding(w).pk}/exclusion",
        "office",
        200,
        api=True,
        body=lambda w: {"excluded": "sensitive"},
    ),
]
