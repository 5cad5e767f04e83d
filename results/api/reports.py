"""API of the inspection report (巡察报告): its versions, the approval chain and the Word files.

The special report (``special_body``) appears in answers only for the team leader of the
inspection and the office head; for everyone else the key is absent."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Max
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from core.api.common import page
from core.http import DOCX, attachment, document_download
from core.pdf import pdf_require
from planning.inspections import inspections_for
from results.models import InspectionReport, ReportDecision, ReportVersion
from results.reports import (
    current_version,
    decisions_of,
    permissions,
    report_create,
    report_decide,
    report_export,
    report_rate,
    report_submit,
    report_version_save,
    reports_for,
    special_text,
    versions_for,
)

router = Router(tags=["报告、反馈和移交"])


class DecisionOut(Schema):
    id: int
    step: str
    step_label: str
    decision: str
    comments: str
    decided_on: date
    decided_by: str
    version: int
    recorded_at: datetime
    report_status: str | None = None
    report_step: str | None = None


class ReportOut(Schema):
    id: int
    inspection_id: int
    organization: str
    status: str
    status_label: str
    step: str
    step_label: str
    ecology: str
    implementation: str
    results_use: list[str]
    version: int
    created_at: datetime


class ReportPage(Schema):
    items: list[ReportOut]
    count: int


class ReportDetailOut(ReportOut):
    body: str
    special_body: str | None = None
    may_decide: str
    decisions: list[DecisionOut]


class VersionOut(Schema):
    number: int
    note: str
    saved_by: str
    saved_at: datetime
    body: str
    special_body: str | None = None


class VersionPage(Schema):
    items: list[VersionOut]
    count: int


def _decision(d: ReportDecision) -> dict:
    return {
        "id": d.pk,
        "step": d.step,
        "step_label": d.get_step_display(),
        "decision": d.decision,
        "comments": d.comments,
        "decided_on": d.decided_on,
        "decided_by": d.decided_by.display_name,
        "version": d.version.number,
        "recorded_at": d.recorded_at,
    }


def _version(v: ReportVersion, special: str | None) -> dict:
    return {
        "number": v.number,
        "note": v.note,
        "saved_by": v.saved_by.display_name,
        "saved_at": v.saved_at,
        "body": v.body,
        "special_body": special,
    }


def _summary(report: InspectionReport, version: int) -> dict:
    return {
        "id": report.pk,
        "inspection_id": report.inspection_id,
        "organization": report.inspection.organization.name,
        "status": report.status,
        "status_label": report.get_status_display(),
        "step": report.step,
        "step_label": report.get_step_display() if report.step else "",
        "ecology": report.ecology,
        "implementation": report.implementation,
        "results_use": report.results_use,
        "version": version,
        "created_at": report.created_at,
    }


def _detail(user, report_id: int) -> dict:
    report = get_object_or_404(reports_for(user=user), pk=report_id)
    version = current_version(report)
    out = _summary(report, version.number)
    perms = permissions(user, report)
    out.update(
        body=version.body,
        special_body=special_text(actor=user, report=report, version=version) if perms.special else None,
        may_decide=perms.decide,
        decisions=[_decision(d) for d in decisions_of(report)],
    )
    return out


def _report(user, report_id: int) -> InspectionReport:
    return get_object_or_404(reports_for(user=user), pk=report_id)


@router.get("/reports", response=ReportPage)
def report_list(request, search: str | None = None, status: str | None = None, limit: int = 50, offset: int = 0):
    """The reports the user may see, with their status and the step awaiting decision."""
    qs = reports_for(user=request.user).annotate(version=Max("versions__number")).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    result = page(qs, search=search, fields=("inspection__organization__name",), limit=limit, offset=offset)
    result["items"] = [_summary(r, r.version) for r in result["items"]]
    return result


class ReportIn(Schema):
    inspection_id: int


@router.post("/reports", response={201: ReportDetailOut}, exclude_none=True)
def report_post(request, payload: ReportIn):
    """The team creates the report of its inspection; version 1 is the draft the platform assembles."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=payload.inspection_id)
    report = report_create(actor=request.user, inspection=inspection)
    return 201, _detail(request.user, report.pk)


@router.get("/reports/{int:report_id}", response=ReportDetailOut, exclude_none=True)
def report_get(request, report_id: int):
    return _detail(request.user, report_id)


class RatingsIn(Schema):
    ecology: str | None = None
    implementation: str | None = None


@router.patch("/reports/{int:report_id}", response=ReportDetailOut, exclude_none=True)
def report_patch(request, report_id: int, payload: RatingsIn):
    """Set the ratings: ``ecology`` better/same/worse (好转/持平/恶化), ``implementation``
    good/fair_good/average/poor (好/较好/一般/较差)."""
    report_rate(actor=request.user, report=_report(request.user, report_id), **payload.dict())
    return _detail(request.user, report_id)


@router.get("/reports/{int:report_id}/versions", response=VersionPage, exclude_none=True)
def report_versions(request, report_id: int, limit: int = 50, offset: int = 0):
    report = _report(request.user, report_id)
    result = page(versions_for(user=request.user, report=report), search=None, fields=(), limit=limit, offset=offset)
    special = permissions(request.user, report).special
    if special and any(v.special_body for v in result["items"]):
        special_text(actor=request.user, report=report, version=result["items"][0])  # audits the reading
    result["items"] = [_version(v, v.special_body if special else None) for v in result["items"]]
    return result


class VersionIn(Schema):
    body: str
    special_body: str | None = None
    note: str = ""


@router.post("/reports/{int:report_id}/versions", response={201: VersionOut}, exclude_none=True)
def report_version_post(request, report_id: int, payload: VersionIn):
    """Save a new text; ``special_body`` is kept as it is when absent (and ignored from
    anyone but the team leader and the office head)."""
    report = _report(request.user, report_id)
    version = report_version_save(actor=request.user, report=report, **payload.dict())
    return 201, _version(version, version.special_body if permissions(request.user, report).special else None)


@router.post("/reports/{int:report_id}/submit", response=ReportDetailOut, exclude_none=True)
def report_submit_post(request, report_id: int):
    """The team leader submits the report; the chain starts at 组务会 (team_meeting)."""
    report_submit(actor=request.user, report=_report(request.user, report_id))
    return _detail(request.user, report_id)


class DecisionIn(Schema):
    step: str
    decision: str
    comments: str = ""
    decided_on: date | None = None
    results_use: list[str] = []


@router.post("/reports/{int:report_id}/decisions", response={201: DecisionOut})
def report_decision_post(request, report_id: int, payload: DecisionIn):
    """Record the decision of the current step (``step``: team_meeting, office_review,
    leading_group, secretary; ``decision``: approved or returned, ``comments`` required
    when returned). The secretary's approval needs ``results_use``: one or more of
    feedback, discipline, organization, departments, superior."""
    report = _report(request.user, report_id)
    record = report_decide(actor=request.user, report=report, **payload.dict())
    out = _decision(record)
    out.update(report_status=report.status, report_step=report.step)
    return 201, out


@router.get("/reports/{int:report_id}/document.docx", response={200: None})
def report_document(request, report_id: int):
    """The current version as .docx in the official format (GB/T 9704)."""
    name, data = report_export(actor=request.user, report=_report(request.user, report_id))
    return attachment(data, name, DOCX)


@router.get("/reports/{int:report_id}/special-report.docx", response={200: None})
def special_report_document(request, report_id: int):
    """The special report as .docx: for the team leader and the office head only (404 for others)."""
    name, data = report_export(actor=request.user, report=_report(request.user, report_id), special=True)
    return attachment(data, name, DOCX)


@router.get("/reports/{int:report_id}/document.pdf", response={200: None})
def report_document_pdf(request, report_id: int):
    """The current version as PDF, converted by LibreOffice on the server; 404 ``pdf_unavailable``
    where it is not installed, 503 ``pdf_failed`` when the conversion fails."""
    pdf_require()
    name, data = report_export(actor=request.user, report=_report(request.user, report_id))
    return document_download(name, data, pdf=True)


@router.get("/reports/{int:report_id}/special-report.pdf", response={200: None})
def special_report_document_pdf(request, report_id: int):
    """The special report as PDF (as the .docx: for the team leader and the office head only)."""
    pdf_require()
    name, data = report_export(actor=request.user, report=_report(request.user, report_id), special=True)
    return document_download(name, data, pdf=True)
