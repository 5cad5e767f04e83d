"""The on-site figures of an inspection (进驻了解情况统计).

One aggregate query per kind of record, whatever the number of records: talks, petitions,
document requests, surveys, working papers and findings (six queries in all).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse


@dataclass
class Tally:
    label: str
    value: int
    unit: str
    key: str = ""  # the name in the API
    url: str = ""  # the part of the desk it counts, when that part exists
    detail: str = ""  # a second line, e.g. "计划 12 人"


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def figures_for(inspection) -> dict[str, int]:
    """The figures by name (the API's ``GET /inspections/{id}/tallies``)."""
    from onsite.models import Petition, WorkingPaper

    talks = inspection.interviews.aggregate(planned=Count("id"), held=Count("id", filter=Q(held_at__isnull=False)))
    petitions = inspection.petitions.aggregate(
        received=Count("id"), in_scope=Count("id", filter=Q(status=Petition.Status.IN_SCOPE))
    )
    documents = inspection.document_requests.aggregate(
        requested=Count("id"),
        received=Count("id", filter=Q(received_on__isnull=False)),
        reviewed=Count("id", filter=Q(reviewed_on__isnull=False)),
    )
    surveys = inspection.surveys.aggregate(handed_out=Sum("handed_out"), returned=Sum("returned"))
    papers = inspection.working_papers.aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(status=WorkingPaper.Status.SUBMITTED))
    )
    findings = inspection.findings.aggregate(total=Count("id"), immediate=Count("id", filter=Q(immediate=True)))
    return {
        "talks_planned": talks["planned"],
        "talks_held": talks["held"],
        "petitions_received": petitions["received"],
        "petitions_in_scope": petitions["in_scope"],
        "documents_requested": documents["requested"],
        "documents_received": documents["received"],
        "documents_reviewed": documents["reviewed"],
        "surveys_handed_out": surveys["handed_out"] or 0,
        "surveys_returned": surveys["returned"] or 0,
        "working_papers": papers["total"],
        "working_papers_submitted": papers["submitted"],
        "findings": findings["total"],
        "immediate": findings["immediate"],
    }


def tallies_for(inspection, figures: dict[str, int] | None = None) -> list[Tally]:
    """The figures as the desk shows them, each linking to its part of the desk."""
    f = figures if figures is not None else figures_for(inspection)
    pk = inspection.pk
    findings = _url("onsite:findings", pk)
    return [
        Tally(
            "个别谈话",
            f["talks_held"],
            "人次",
            "talks_held",
            _url("onsite:interviews", pk),
            f"计划 {f['talks_planned']} 人",
        ),
        Tally("受理信访举报", f["petitions_received"], "件", "petitions_received", _url("onsite:petitions", pk)),
        Tally("其中属于受理范围", f["petitions_in_scope"], "件", "petitions_in_scope", _url("onsite:petitions", pk)),
        Tally(
            "调阅资料",
            f["documents_received"],
            "份",
            "documents_received",
            _url("onsite:document_requests", pk),
            f"调阅 {f['documents_requested']} 份，已审阅 {f['documents_reviewed']} 份",
        ),
        Tally(
            "问卷和民主测评",
            f["surveys_returned"],
            "份",
            "surveys_returned",
            _url("onsite:surveys", pk),
            f"发放 {f['surveys_handed_out']} 份",
        ),
        Tally(
            "巡察底稿",
            f["working_papers"],
            "份",
            "working_papers",
            _url("onsite:working_papers", pk),
            f"待审核 {f['working_papers_submitted']} 份",
        ),
        Tally("发现问题", f["findings"], "个", "findings", findings),
        Tally("立行立改", f["immediate"], "个", "immediate", f"{findings}?immediate=1" if findings else ""),
    ]
