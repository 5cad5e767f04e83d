"""Rows of the four-permission-cases table (core/tests/test_permissions.py) for the API of
rectification plans and tasks. The records are made with the real services
(``rectification/tests/factories.py``)."""

from core.tests.permissions import Case
from rectification.tests.factories import TITLES, fed_back, plan, reported, task


def dept(w):
    return w["a"].orgs["dept"].name


def task_body(w):
    p = plan(w, status="draft")
    return {
        "plan": p.pk,
        "finding": p.tasks.first().finding_id,
        "measure": "建立接待审批台账",
        "responsible_leader": "王书记",
        "responsible_office": "办公室",
    }


PLANS, TASKS = "/api/v1/rectification-plans", "/api/v1/rectification-tasks"

CASES = [
    Case(
        "api rectification plans",
        "get",
        lambda w: plan(w) and PLANS,
        "office",
        200,
        api=True,
        list_view=True,
        marker=dept,
    ),
    Case(
        "api rectification plan create",
        "post",
        lambda w: PLANS,
        "unit_liaison",
        201,
        api=True,
        body=lambda w: fed_back(w) and {"inspection": w["a"].inspection.pk, "summary": "逐项整改。"},
        denied=404,  # the inspection it names is out of sight
    ),
    Case(
        "api rectification plan detail",
        "get",
        lambda w: f"{PLANS}/{plan(w).pk}",
        "team_member",
        200,
        api=True,
        marker=lambda w: TITLES[0],
    ),
    Case(
        "api rectification plan patch",
        "patch",
        lambda w: f"{PLANS}/{plan(w, status='draft').pk}",
        "unit_liaison",
        200,
        api=True,
        body=lambda w: {"summary": "成立整改工作领导小组。", "head_name": "周建国"},
    ),
    Case(
        "api rectification plan submit",
        "post",
        lambda w: f"{PLANS}/{plan(w, status='draft').pk}/submit",
        "unit_liaison",
        200,
        api=True,
    ),
    Case(
        "api rectification plan review",
        "post",
        lambda w: f"{PLANS}/{plan(w, status='submitted').pk}/review",
        "office",
        200,
        api=True,
        body=lambda w: {"decision": "approved", "comments": "同意。", "opinions": {"discipline": "同意。"}},
    ),
    Case(
        "api rectification tasks",
        "get",
        lambda w: plan(w) and TASKS,
        "office",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "整改措施1",
    ),
    Case(
        "api rectification task create",
        "post",
        lambda w: TASKS,
        "unit_liaison",
        201,
        api=True,
        body=task_body,
        denied=404,  # the plan it names is out of sight
    ),
    Case(
        "api rectification task detail",
        "get",
        lambda w: f"{TASKS}/{task(w).pk}",
        "team_member",
        200,
        api=True,
        marker=lambda w: "整改措施1",
    ),
    Case(
        "api rectification task patch",
        "patch",
        lambda w: f"{TASKS}/{task(w, 'draft').pk}",
        "unit_liaison",
        200,
        api=True,
        body=lambda w: {"measure": "修订公务接待管理办法"},
    ),
    Case(
        "api rectification task delete",
        "delete",
        lambda w: f"{TASKS}/{task(w, 'draft').pk}",
        "unit_liaison",
        204,
        api=True,
    ),
    Case(
        "api rectification task progress",
        "post",
        lambda w: f"{TASKS}/{task(w).pk}/progress",
        "unit_liaison",
        201,
        api=True,
        body=lambda w: {"text": "已完成制度修订。"},
    ),
    Case(
        "api rectification task verify",
        "post",
        lambda w: f"{TASKS}/{reported(w).pk}/verify",
        "office",
        200,
        api=True,
        body=lambda w: {"reason": "佐证材料齐全。"},
    ),
    Case(
        "api rectification task reject",
        "post",
        lambda w: f"{TASKS}/{reported(w).pk}/reject",
        "office",
        200,
        api=True,
        body=lambda w: {"reason": "佐证材料未盖章。"},
    ),
    Case(
        "api rectification evidence download",
        "get",
        lambda w: f"/api/v1/rectification-evidence/{reported(w).progress_reports.first().evidence.first().pk}",
        "team_member",
        200,
        api=True,
        marker=lambda w: "%PDF",
    ),
]
