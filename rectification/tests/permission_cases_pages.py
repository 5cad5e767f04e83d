"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the plan and
task pages; the records come from rectification/tests/factories.py."""

from django.utils import timezone

from core.tests.permissions import Case
from rectification.tests.factories import PDF, TITLES, evidence, fed_back, pdf, plan, reported, task

R = "/rectification"
MEASURE = "整改措施1：建立制度，逐项清理。"


def today() -> str:
    return timezone.localdate().isoformat()


def _inspection_plan(w):
    fed_back(w, "a")
    return f"{R}/inspections/{w['a'].inspection.pk}/plan/"


def _task_body(w):
    return {
        "finding": task(w, "draft").finding_id,
        "measure": "修订接待制度。",
        "deadline": today(),
        "responsible_leader": "王书记",
        "responsible_office": "办公室",
        "phase": "ongoing",
    }


CASES = [
    Case(
        "rectification plans list",
        "get",
        lambda w: plan(w) and f"{R}/",
        "office",
        200,
        list_view=True,
        marker=lambda w: w["a"].orgs["dept"].name,
        denied=403,
    ),
    Case(
        "rectification inspection plan",
        "get",
        _inspection_plan,
        "unit_liaison",
        200,
        marker=lambda w: "开始制定整改方案",
    ),
    Case(
        "rectification inspection plan office",
        "get",
        _inspection_plan,
        "office",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case("rectification plan create", "post", _inspection_plan, "unit_liaison", 302),
    Case(
        "rectification plan page",
        "get",
        lambda w: f"{R}/plans/{plan(w).pk}/",
        "office",
        200,
        marker=lambda w: TITLES[0],
    ),
    Case(
        "rectification plan page unit",
        "get",
        lambda w: f"{R}/plans/{plan(w).pk}/",
        "unit_liaison",
        200,
        marker=lambda w: MEASURE,
    ),
    Case(
        "rectification plan summary",
        "post",
        lambda w: f"{R}/plans/{plan(w, status='draft').pk}/summary/",
        "unit_liaison",
        302,
        body=lambda w: {"summary": "成立领导小组。", "head_name": "周建国"},
    ),
    Case(
        "rectification plan submit",
        "post",
        lambda w: f"{R}/plans/{plan(w, status='draft').pk}/submit/",
        "unit_liaison",
        302,
    ),
    Case(
        "rectification plan review",
        "post",
        lambda w: f"{R}/plans/{plan(w, status='submitted').pk}/review/",
        "office",
        302,
        body=lambda w: {"decision": "approved", "decided_on": today(), "opinion_team": "同意。"},
    ),
    Case(
        "rectification plan head report",
        "post",
        lambda w: f"{R}/plans/{plan(w).pk}/head-report/",
        "unit_liaison",
        302,
        body=lambda w: {"head_name": "周建国", "head_report": "主持召开专题会议。"},
    ),
    Case(
        "rectification task new form",
        "get",
        lambda w: f"{R}/plans/{plan(w, status='draft').pk}/tasks/new/",
        "unit_liaison",
        200,
        marker=lambda w: TITLES[0],
    ),
    Case(
        "rectification task new",
        "post",
        lambda w: f"{R}/plans/{plan(w, status='draft').pk}/tasks/new/",
        "unit_liaison",
        302,
        body=_task_body,
    ),
    Case(
        "rectification task edit form",
        "get",
        lambda w: f"{R}/tasks/{task(w, 'draft').pk}/edit/",
        "unit_liaison",
        200,
        marker=lambda w: MEASURE,
    ),
    Case(
        "rectification task edit",
        "post",
        lambda w: f"{R}/tasks/{task(w, 'draft').pk}/edit/",
        "unit_liaison",
        302,
        body=_task_body,
    ),
    Case(
        "rectification task delete",
        "post",
        lambda w: f"{R}/tasks/{task(w, 'draft').pk}/delete/",
        "unit_liaison",
        302,
    ),
    Case(
        "rectification task page",
        "get",
        lambda w: f"{R}/tasks/{task(w).pk}/",
        "office",
        200,
        marker=lambda w: MEASURE,
    ),
    Case(
        "rectification task page unit",
        "get",
        lambda w: f"{R}/tasks/{task(w).pk}/",
        "unit_liaison",
        200,
        marker=lambda w: MEASURE,
    ),
    Case(
        "rectification task progress",
        "post",
        lambda w: f"{R}/tasks/{task(w).pk}/progress/",
        "unit_liaison",
        302,
        body=lambda w: {"text": "已修订制度。", "completed": "on", "files": [pdf()]},
    ),
    Case(
        "rectification task verify",
        "post",
        lambda w: f"{R}/tasks/{reported(w).pk}/verify/",
        "office",
        302,
        body=lambda w: {"reason": "佐证齐全。"},
    ),
    Case(
        "rectification task reject",
        "post",
        lambda w: f"{R}/tasks/{reported(w).pk}/reject/",
        "office",
        302,
        body=lambda w: {"reason": "缺少印发文件。"},
    ),
    Case(
        "rectification evidence download",
        "get",
        lambda w: f"{R}/evidence/{evidence(w).pk}/",
        "team_member",
        200,
        marker=lambda w: PDF.decode()[:8],
    ),
]
