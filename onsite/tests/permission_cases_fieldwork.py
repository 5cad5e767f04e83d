"""Rows of the four-permission-cases table for talks, document requests and surveys.

The helpers make county A's records once per test (the same record on each call)."""

import datetime

from core.tests.permissions import Case

PDF = b"%PDF-1.4\n%%EOF\n"


def members(w):
    """Two members of county A's team (interviewers need at least two)."""
    from planning.models import Inspector, TeamMember

    a = w["a"]
    found = list(TeamMember.objects.filter(team=a.team).order_by("id")[:2])
    for name in ("赵敏", "钱进")[len(found) :]:
        inspector = Inspector.objects.create(authority=a.authority, name=name, unit="县审计局")
        found.append(TeamMember.objects.create(team=a.team, inspector=inspector, role="member"))
    return found


def interview(w):
    from onsite.interviews import interview_create
    from onsite.models import Interview

    a = w["a"]
    return Interview.objects.filter(inspection=a.inspection).first() or interview_create(
        actor=a.users["team_member"], inspection=a.inspection, interviewee="孙立新", category="leadership", post="主任"
    )


def leader(w):
    from registry.models import OrganizationLeader

    a = w["a"]
    return OrganizationLeader.objects.get_or_create(
        organization=a.orgs["dept"], name="周建国", post="党组书记", defaults={"start_on": datetime.date(2022, 1, 1)}
    )[0]


def document_request(w):
    from onsite.document_requests import document_request_create
    from onsite.models import DocumentRequest

    a = w["a"]
    return DocumentRequest.objects.filter(inspection=a.inspection).first() or document_request_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        title="2024年度党组会议记录",
        requested_on=datetime.date(2026, 1, 5),
    )


def received(w):
    from onsite.document_requests import document_request_receive

    found = document_request(w)
    if found.received_on is None:
        document_request_receive(
            actor=w["a"].users["team_member"], document_request=found, received_on=datetime.date(2026, 1, 6)
        )
    return found


def survey(w):
    from onsite.models import Survey
    from onsite.surveys import survey_create

    a = w["a"]
    return Survey.objects.filter(inspection=a.inspection).first() or survey_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        kind="evaluation",
        title="领导班子民主测评",
        held_on=datetime.date(2026, 1, 8),
        handed_out=40,
        returned=38,
    )


def results_xlsx():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["测评项目", "好", "较好", "一般", "差"])
    wb.active.append(["领导班子总体评价", 20, 10, 5, 3])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("测评结果.xlsx", buf.getvalue())


def _inspection_url(w, part):
    return f"/onsite/inspections/{w['a'].inspection.pk}/{part}/"


CASES = [
    # Talks
    Case(
        "interviews page",
        "get",
        lambda w: interview(w) and _inspection_url(w, "interviews"),
        "leading_group",
        200,
        marker=lambda w: "孙立新",
    ),
    Case(
        "interview plan",
        "post",
        lambda w: _inspection_url(w, "interviews"),
        "team_member",
        302,
        body=lambda w: {"category": "staff", "interviewee": "李娜", "post": "科员"},
    ),
    Case(
        "interviews from leaders",
        "post",
        lambda w: leader(w) and _inspection_url(w, "interviews/from-leaders"),
        "team_leader",
        302,
    ),
    Case(
        "interview page",
        "get",
        lambda w: f"/onsite/interviews/{interview(w).pk}/",
        "leading_group",
        200,
        marker=lambda w: "孙立新",
    ),
    Case(
        "interview record",
        "post",
        lambda w: f"/onsite/interviews/{interview(w).pk}/",
        "team_member",
        302,
        body=lambda w: {
            "held_at": "2026-01-06 09:30",
            "place": "县委办公室小会议室",
            "interviewers": [m.pk for m in members(w)],
            "notes": "谈及财务报销审批不严的问题。",
        },
    ),
    # Document requests
    Case(
        "document requests page",
        "get",
        lambda w: document_request(w) and _inspection_url(w, "document-requests"),
        "leading_group",
        200,
        marker=lambda w: "2024年度党组会议记录",
    ),
    Case(
        "document request add",
        "post",
        lambda w: _inspection_url(w, "document-requests"),
        "team_member",
        302,
        body=lambda w: {"form": "single", "title": "2024年度财务凭证", "requested_on": "2026-01-05"},
    ),
    Case(
        "document requests bulk",
        "post",
        lambda w: _inspection_url(w, "document-requests"),
        "office",
        302,
        body=lambda w: {"form": "bulk", "titles": "三重一大台账\n公务接待清单", "requested_on": "2026-01-05"},
    ),
    Case(
        "document request page",
        "get",
        lambda w: f"/onsite/document-requests/{document_request(w).pk}/",
        "leading_group",
        200,
        marker=lambda w: "2024年度党组会议记录",
    ),
    Case(
        "document request update",
        "post",
        lambda w: f"/onsite/document-requests/{document_request(w).pk}/",
        "team_member",
        302,
        body=lambda w: {"title": "2024年度党组会议记录", "requested_on": "2026-01-05", "note": "含会议纪要"},
    ),
    Case(
        "document request receive",
        "post",
        lambda w: f"/onsite/document-requests/{document_request(w).pk}/receive/",
        "team_member",
        302,
    ),
    Case(
        "document request review",
        "post",
        lambda w: f"/onsite/document-requests/{received(w).pk}/review/",
        "office",
        302,
    ),
    # Surveys
    Case(
        "surveys page",
        "get",
        lambda w: survey(w) and _inspection_url(w, "surveys"),
        "leading_group",
        200,
        marker=lambda w: "领导班子民主测评",
    ),
    Case(
        "survey add",
        "post",
        lambda w: _inspection_url(w, "surveys"),
        "team_member",
        302,
        body=lambda w: {
            "kind": "questionnaire",
            "title": "作风建设问卷",
            "held_on": "2026-01-09",
            "handed_out": "60",
            "returned": "55",
        },
    ),
    Case(
        "survey page",
        "get",
        lambda w: f"/onsite/surveys/{survey(w).pk}/",
        "leading_group",
        200,
        marker=lambda w: "领导班子民主测评",
    ),
    Case(
        "survey update",
        "post",
        lambda w: f"/onsite/surveys/{survey(w).pk}/",
        "team_member",
        302,
        body=lambda w: {
            "kind": "evaluation",
            "title": "领导班子民主测评",
            "held_on": "2026-01-08",
            "handed_out": "40",
            "returned": "39",
        },
    ),
    Case(
        "survey import",
        "post",
        lambda w: f"/onsite/surveys/{survey(w).pk}/results/",
        "team_member",
        302,
        body=lambda w: {"file": results_xlsx()},
    ),
    Case(
        "survey template",
        "get",
        lambda w: "/onsite/surveys/template.xlsx",
        "team_member",
        200,
        other_scope=200,  # the same blank template for every team
    ),
    # API
    Case(
        "api interviews",
        "get",
        lambda w: interview(w) and "/api/v1/interviews",
        "leading_group",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "孙立新",
    ),
    Case(
        "api interview post",
        "post",
        lambda w: "/api/v1/interviews",
        "team_member",
        201,
        api=True,
        body=lambda w: {"inspection_id": w["a"].inspection.pk, "interviewee": "李娜", "category": "staff"},
    ),
    Case(
        "api interviews from leaders",
        "post",
        lambda w: leader(w) and "/api/v1/interviews/from-leaders",
        "team_leader",
        200,
        api=True,
        body=lambda w: {"inspection_id": w["a"].inspection.pk},
        marker=lambda w: "周建国",
    ),
    Case(
        "api interview",
        "get",
        lambda w: f"/api/v1/interviews/{interview(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: "孙立新",
    ),
    Case(
        "api interview record",
        "post",
        lambda w: f"/api/v1/interviews/{interview(w).pk}/record",
        "team_member",
        200,
        api=True,
        body=lambda w: {
            "held_at": "2026-01-06T09:30:00+08:00",
            "interviewer_ids": [m.pk for m in members(w)],
            "notes": "谈及财务报销审批不严的问题。",
        },
    ),
    Case(
        "api document requests",
        "get",
        lambda w: document_request(w) and "/api/v1/document-requests",
        "leading_group",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "2024年度党组会议记录",
    ),
    Case(
        "api document request post",
        "post",
        lambda w: "/api/v1/document-requests",
        "team_member",
        201,
        api=True,
        body=lambda w: {"inspection_id": w["a"].inspection.pk, "title": "公务接待清单", "requested_on": "2026-01-05"},
    ),
    Case(
        "api document requests bulk",
        "post",
        lambda w: "/api/v1/document-requests/bulk",
        "office",
        201,
        api=True,
        body=lambda w: {
            "inspection_id": w["a"].inspection.pk,
            "titles": ["三重一大台账", "公务用车记录"],
            "requested_on": "2026-01-05",
        },
    ),
    Case(
        "api document request",
        "get",
        lambda w: f"/api/v1/document-requests/{document_request(w).pk}",
        "team_member",
        200,
        api=True,
        marker=lambda w: "2024年度党组会议记录",
    ),
    Case(
        "api document request patch",
        "patch",
        lambda w: f"/api/v1/document-requests/{document_request(w).pk}",
        "team_member",
        200,
        api=True,
        body=lambda w: {"note": "含会议纪要"},
    ),
    Case(
        "api document request receive",
        "post",
        lambda w: f"/api/v1/document-requests/{document_request(w).pk}/receive",
        "team_member",
        200,
        api=True,
        body=lambda w: {"on": None},  # today
    ),
    Case(
        "api document request review",
        "post",
        lambda w: f"/api/v1/document-requests/{received(w).pk}/review",
        "office",
        200,
        api=True,
        body=lambda w: {"on": None},
        marker=lambda w: w["a"].users["office"].display_name,
    ),
    Case(
        "api surveys",
        "get",
        lambda w: survey(w) and "/api/v1/surveys",
        "leading_group",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "领导班子民主测评",
    ),
    Case(
        "api survey post",
        "post",
        lambda w: "/api/v1/surveys",
        "team_member",
        201,
        api=True,
        body=lambda w: {
            "inspection_id": w["a"].inspection.pk,
            "kind": "questionnaire",
            "title": "作风建设问卷",
            "held_on": "2026-01-09",
            "handed_out": 60,
            "returned": 55,
        },
    ),
    Case(
        "api survey",
        "get",
        lambda w: f"/api/v1/surveys/{survey(w).pk}",
        "leading_group",
        200,
        api=True,
        marker=lambda w: "领导班子民主测评",
    ),
    Case(
        "api survey patch",
        "patch",
        lambda w: f"/api/v1/surveys/{survey(w).pk}",
        "team_member",
        200,
        api=True,
        body=lambda w: {"returned": 39},
    ),
    Case(
        "api survey results",
        "post",
        lambda w: f"/api/v1/surveys/{survey(w).pk}/results",
        "team_member",
        422,  # the table sends no file: the permitted caller is told to choose one (test_surveys imports)
        api=True,
        marker=lambda w: "请选择要导入的 Excel 文件。",
    ),
    Case(
        "api survey template",
        "get",
        lambda w: "/api/v1/surveys/template.xlsx",
        "team_member",
        200,
        api=True,
        other_scope=200,
    ),
]
