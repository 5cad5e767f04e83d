"""The assessment of a unit's rectification (整改评估): the office's criteria, the scores, the
grade, and the second rectification a 一般 or 差 starts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from conftest import token_client
from core.models import AuditEvent
from planning.stages import add_months, deadline_settings_update
from rectification import tasks as task_services
from rectification.assessments import (
    DEFAULT_CRITERIA,
    assessment_record,
    criteria_of,
    criterion_create,
    criterion_update,
)
from rectification.models import AssessmentCriterion, RectificationPlan, RectificationTask
from rectification.tests.factories import plan, progress


def full_scores(authority, minus: int = 0) -> dict:
    return {c.pk: c.max_score - minus for c in criteria_of(authority, active_only=True)}


@pytest.fixture
def half_done(world):
    """County A's approved plan with its first task verified and its second in progress."""
    p = plan(world, "a")
    first = p.tasks.get(number=1)
    progress(world, first, completed=True)
    task_services.task_verify(actor=world["a"].users["office"], task=first)
    return p


# Criteria -----------------------------------------------------------------------------------


def test_a_default_set_of_criteria_on_first_use(world, login):
    a = world["a"]
    r = login(a.users["office"]).get("/rectification/criteria/")
    assert r.status_code == 200
    page = r.content.decode()
    for name, _ in DEFAULT_CRITERIA:
        assert name in page
    assert "满分合计 100 分" in page
    assert AssessmentCriterion.objects.filter(authority=a.authority).count() == len(DEFAULT_CRITERIA)
    assert not AssessmentCriterion.objects.filter(authority=world["b"].authority).exists()


def test_the_office_adds_renames_rescores_reorders_and_switches_off_criteria(world, login):
    a = world["a"]
    client = login(a.users["office"])
    r = client.post("/rectification/criteria/", {"name": "整改公开情况", "max_score": "10", "order": "5"})
    assert r.status_code == 302
    added = AssessmentCriterion.objects.get(authority=a.authority, name="整改公开情况")
    assert criteria_of(a.authority)[0] == added  # order 5 goes first
    r = client.post(
        f"/rectification/criteria/{added.pk}/", {"name": "整改信息公开", "max_score": "5", "order": "99", "active": ""}
    )
    assert r.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.max_score, added.order, added.active) == ("整改信息公开", 5, 99, False)
    assert added not in criteria_of(a.authority, active_only=True)
    r = client.post(f"/rectification/criteria/{added.pk}/", {"name": "整改责任落实", "max_score": "abc"})
    page = r.content.decode()
    assert r.status_code == 200 and "分值须为 1 到 100 之间的整数。" in page
    r = client.post(f"/rectification/criteria/{added.pk}/", {"name": "整改责任落实", "max_score": "5"})
    assert "已有名为“整改责任落实”的评估项目。" in r.content.decode()
    assert AuditEvent.objects.filter(action="assessment_criterion.update", object_id=str(added.pk)).exists()


def test_criteria_errors_are_named_by_the_field(world, login):
    a = world["a"]
    client = login(a.users["office"])
    r = client.post("/rectification/criteria/", {"name": "整改责任落实", "max_score": "0"})
    page = r.content.decode()
    assert r.status_code == 200 and "分值须为 1 到 100 之间的整数。" in page
    r = client.post("/rectification/criteria/", {"name": "整改责任落实", "max_score": "10"})
    assert "已有名为“整改责任落实”的评估项目。" in r.content.decode()
    with pytest.raises(ValidationError) as e:
        criterion_create(actor=a.users["office"], authority=a.authority, name="", max_score=101, order=1000)
    assert set(e.value.message_dict) == {"name", "max_score", "order"}
    first, *rest = criteria_of(a.authority)
    for c in rest:
        criterion_update(actor=a.users["office"], criterion=c, active=False)
    with pytest.raises(ValidationError, match="至少要保留一个启用的评估项目"):
        criterion_update(actor=a.users["office"], criterion=first, active=False)


def test_only_the_office_edits_criteria(world, login):
    a = world["a"]
    criterion = criteria_of(a.authority)[0]
    assert login(a.users["leading_group"]).get("/rectification/criteria/").status_code == 200  # reads
    assert (
        login(a.users["leading_group"]).post("/rectification/criteria/", {"name": "x", "max_score": 5}).status_code
        == 403
    )
    assert login(a.users["unit_liaison"]).get("/rectification/criteria/").status_code == 403
    assert login(a.users["team_leader"]).get("/rectification/criteria/").status_code == 403
    r = login(world["b"].users["office"]).post(
        f"/rectification/criteria/{criterion.pk}/", {"name": "x", "max_score": 5}
    )
    assert r.status_code == 404
    with pytest.raises(PermissionDenied):
        criterion_create(actor=a.users["team_leader"], authority=a.authority, name="x", max_score=5)


# Recording an assessment -------------------------------------------------------------------


def test_a_good_grade_reopens_nothing(world, half_done):
    a = world["a"]
    before = {t.pk: (t.status, t.deadline) for t in half_done.tasks.all()}
    done = assessment_record(
        actor=a.users["office"], plan=half_done, grade="good", scores=full_scores(a.authority), comments="整改扎实。"
    )
    assert done.total == 100 and done.grade == "good" and done.rectification_round == 1
    assert [s["name"] for s in done.scores] == [n for n, _ in DEFAULT_CRITERIA]
    half_done.refresh_from_db()
    assert half_done.rectification_round == 1
    assert {t.pk: (t.status, t.deadline) for t in half_done.tasks.all()} == before
    event = AuditEvent.objects.get(action="rectification_assessment.record")
    assert event.detail["grade"] == "good" and event.detail["reopened"] == []


def test_an_average_grade_reopens_exactly_the_unverified_tasks_as_a_second_rectification(world, half_done):
    a = world["a"]
    deadline_settings_update(
        actor=a.users["office"], authority=a.authority, rectification_report_months_after_feedback=3
    )
    verified, open_task = half_done.tasks.get(number=1), half_done.tasks.get(number=2)
    progress(world, open_task, completed=True)  # reported, but not verified yet
    on = timezone.localdate()
    # A task waiting for the office's check must be checked first.
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=a.users["office"], plan=half_done, grade="一般", scores=full_scores(a.authority, 5))
    assert "待核验" in str(e.value) and not half_done.assessments.exists()
    task_services.task_reject(actor=a.users["office"], task=open_task, reason="佐证材料不足")
    done = assessment_record(
        actor=a.users["office"], plan=half_done, grade="一般", scores=full_scores(a.authority, 5), on=on
    )
    assert done.grade == "average" and done.total == 75 and done.rectification_round == 1
    half_done.refresh_from_db()
    assert half_done.rectification_round == 2
    open_task.refresh_from_db()
    assert open_task.status == RectificationTask.Status.IN_PROGRESS
    assert open_task.rectification_round == 2
    assert open_task.deadline == add_months(on, 3)
    before = verified.deadline
    verified.refresh_from_db()
    assert verified.status == RectificationTask.Status.VERIFIED and verified.rectification_round == 1
    assert verified.deadline == before
    event = AuditEvent.objects.get(action="rectification_assessment.record")
    assert event.detail["reopened"] == [open_task.pk] and event.detail["round"] == 1
    # The second round is assessed once its tasks are verified (or its deadline has passed), and once.
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=a.users["office"], plan=half_done, grade="一般", scores=full_scores(a.authority, 5))
    assert "二次整改的完成时限" in str(e.value)
    progress(world, open_task, completed=True, text="已补充佐证材料")
    task_services.task_verify(actor=a.users["office"], task=open_task)
    again = assessment_record(actor=a.users["office"], plan=half_done, grade="good", scores=full_scores(a.authority))
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=a.users["office"], plan=half_done, grade="good", scores=full_scores(a.authority))
    assert "不能重复评估" in str(e.value)
    assert again.rectification_round == 2
    half_done.refresh_from_db()
    assert half_done.rectification_round == 2


def test_an_average_grade_with_every_task_verified_opens_no_second_round(world, half_done):
    a = world["a"]
    last = half_done.tasks.get(number=2)
    progress(world, last, completed=True)
    task_services.task_verify(actor=a.users["office"], task=last)
    done = assessment_record(
        actor=a.users["office"], plan=half_done, grade="average", scores=full_scores(a.authority, 5)
    )
    half_done.refresh_from_db()
    assert done.reopened == [] and half_done.rectification_round == 1


def test_a_poor_grade_reopens_too(world, half_done):
    a = world["a"]
    assessment_record(actor=a.users["office"], plan=half_done, grade="poor", scores=full_scores(a.authority, 10))
    assert list(half_done.tasks.filter(rectification_round=2).values_list("number", flat=True)) == [2]


def test_scores_are_checked_criterion_by_criterion(world, half_done):
    a = world["a"]
    office = a.users["office"]
    criteria = criteria_of(a.authority, active_only=True)
    scores = full_scores(a.authority)
    scores[criteria[0].pk] = 21
    del scores[criteria[1].pk]
    scores[criteria[2].pk] = "12.25"
    scores[criteria[3].pk] = "abc"
    with pytest.raises(ValidationError) as e:
        assessment_record(actor=office, plan=half_done, grade="excellent", scores=scores)
    messages = e.value.message_dict
    assert messages["grade"] == ["请选择评估等次：好、较好、一般或差。"]
    assert messages["scores"] == [
        "“整改责任落实”的得分须在 0 到 20 分之间。",
        "请为“整改措施针对性”评分（0 到 20 分）。",
        "“问题整改完成率”的得分最多保留一位小数。",
        "“长效机制建设”的得分须在 0 到 15 分之间。",
    ]
    with pytest.raises(ValidationError, match="未启用或不存在"):
        assessment_record(actor=office, plan=half_done, grade="good", scores={**full_scores(a.authority), 999999: 1})
    with pytest.raises(ValidationError, match="晚于今天"):
        assessment_record(
            actor=office,
            plan=half_done,
            grade="good",
            scores=full_scores(a.authority),
            on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert not half_done.assessments.exists()


def test_a_switched_off_criterion_is_not_scored(world, half_done):
    a = world["a"]
    last = criteria_of(a.authority)[-1]
    criterion_update(actor=a.users["office"], criterion=last, active=False)
    done = assessment_record(
        actor=a.users["office"], plan=half_done, grade="fair_good", scores=full_scores(a.authority)
    )
    assert done.total == 85 and last.name not in [s["name"] for s in done.scores]


def test_only_the_office_assesses_an_approved_plan(world, login, half_done):
    a, b = world["a"], world["b"]
    scores = full_scores(a.authority)
    with pytest.raises(PermissionDenied):
        assessment_record(actor=a.users["unit_liaison"], plan=half_done, grade="good", scores=scores)
    with pytest.raises(PermissionDenied):
        assessment_record(actor=a.users["team_leader"], plan=half_done, grade="good", scores=scores)
    with pytest.raises(Http404):
        assessment_record(actor=b.users["office"], plan=half_done, grade="good", scores=scores)
    body = {"grade": "good", "assessed_on": timezone.localdate().isoformat()}
    body.update({f"score_{k}": v for k, v in scores.items()})
    url = f"/rectification/plans/{half_done.pk}/assessment/"
    assert login(a.users["unit_liaison"]).post(url, body).status_code == 403
    assert login(b.users["office"]).post(url, body).status_code == 404
    assert not half_done.assessments.exists()
    draft = plan(world, "b", status="submitted")
    with pytest.raises(ValidationError, match="批准后才能进行整改评估"):
        assessment_record(actor=b.users["office"], plan=draft, grade="good", scores=full_scores(b.authority))
    r = login(b.users["office"]).post(f"/rectification/plans/{draft.pk}/assessment/", {}, follow=True)
    assert "批准后才能进行整改评估" in r.content.decode() and not draft.assessments.exists()


# The page ------------------------------------------------------------------------------------


def test_the_office_assesses_on_the_page_and_the_unit_reads_its_grade(world, login, half_done):
    a = world["a"]
    office = login(a.users["office"])
    url = f"/rectification/plans/{half_done.pk}/assessment/"
    page = office.get(url).content.decode()
    assert "整改责任落实（满分 20 分）" in page and "已核验销号" in page
    scores = full_scores(a.authority, 5)
    body = {"grade": "average", "assessed_on": timezone.localdate().isoformat(), "comments": "长效机制不健全。"}
    body.update({f"score_{k}": v for k, v in scores.items()})
    bad = {**body, f"score_{next(iter(scores))}": "30"}
    r = office.post(url, bad)
    assert r.status_code == 200 and "“整改责任落实”的得分须在 0 到 20 分之间。" in r.content.decode()
    r = office.post(url, body, follow=True)
    page = r.content.decode()
    assert "已记录整改评估：一般，总分 75。1 项未销号的整改任务已转入二次整改" in page
    assert "二次整改" in page and "二次整改的完成时限" in page
    unit_page = login(a.users["unit_liaison"]).get(url).content.decode()
    assert "一般" in unit_page and "长效机制不健全。" in unit_page and "提交评估" not in unit_page
    team_page = login(a.users["team_member"]).get(url)
    assert team_page.status_code == 200 and "提交评估" not in team_page.content.decode()


# The API -------------------------------------------------------------------------------------


def test_the_api_records_and_lists_assessments_and_keeps_criteria(world, half_done):
    a = world["a"]
    office = token_client(a.users["office"])
    r = office.get("/api/v1/assessment-criteria")
    assert r.status_code == 200 and r.json()["count"] == len(DEFAULT_CRITERIA)
    ids = [c["id"] for c in r.json()["items"]]
    r = office.post(
        "/api/v1/assessment-criteria", {"name": "整改公开情况", "max_score": 10}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["order"] > 0
    new_id = r.json()["id"]
    r = office.patch(f"/api/v1/assessment-criteria/{new_id}", {"active": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["active"] is False
    r = office.post("/api/v1/assessment-criteria", {"name": "", "max_score": 0}, content_type="application/json")
    assert r.status_code == 422 and set(r.json()["errors"]) == {"name", "max_score"}

    body = {"plan": half_done.pk, "grade": "差", "scores": {str(i): 5 for i in ids}, "comments": "整改不到位。"}
    r = office.post("/api/v1/rectification-assessments", body, content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["grade"] == "poor" and out["grade_display"] == "差" and out["total"] == 25
    assert out["rectification_round"] == 1 and len(out["scores"]) == len(ids)
    bad = {**body, "scores": {str(ids[0]): 50}}
    r = office.post("/api/v1/rectification-assessments", bad, content_type="application/json")
    assert r.status_code == 422 and "整改责任落实" in r.json()["errors"]["scores"][0]

    r = token_client(a.users["unit_liaison"]).get(f"/api/v1/rectification-assessments?plan={half_done.pk}")
    assert r.json()["count"] == 1 and r.json()["items"][0]["grade"] == "poor"
    r = token_client(a.users["unit_liaison"]).post(
        "/api/v1/rectification-assessments", body, content_type="application/json"
    )
    assert r.status_code == 403
    assert token_client(world["b"].users["office"]).get("/api/v1/rectification-assessments").json()["count"] == 0
    r = token_client(world["b"].users["office"]).post(
        "/api/v1/rectification-assessments", body, content_type="application/json"
    )
    assert r.status_code == 404


def test_the_workbench_asks_the_office_to_assess_a_plan_whose_tasks_are_all_verified(world, login, half_done):
    a = world["a"]
    second = half_done.tasks.get(number=2)
    progress(world, second, completed=True)
    task_services.task_verify(actor=a.users["office"], task=second)
    assert f"/rectification/plans/{half_done.pk}/assessment/" in login(a.users["office"]).get("/").content.decode()
    assessment_record(actor=a.users["office"], plan=half_done, grade="good", scores=full_scores(a.authority))
    assert f"/rectification/plans/{half_done.pk}/assessment/" not in login(a.users["office"]).get("/").content.decode()


def test_a_second_rectification_keeps_a_later_deadline_of_its_own(world, half_done):
    a = world["a"]
    far = timezone.localdate() + datetime.timedelta(days=400)
    RectificationTask.objects.filter(plan=half_done, number=2).update(deadline=far)
    assessment_record(actor=a.users["office"], plan=half_done, grade="poor", scores=full_scores(a.authority, 10))
    task = half_done.tasks.get(number=2)
    assert task.rectification_round == 2 and task.deadline == far


def test_an_assessment_cannot_go_before_the_last_one(world, half_done):
    a = world["a"]
    today = timezone.localdate()
    RectificationPlan.objects.filter(pk=half_done.pk).update(approved_on=today - datetime.timedelta(days=100))
    half_done.refresh_from_db()
    assessment_record(actor=a.users["office"], plan=half_done, grade="一般", scores=full_scores(a.authority, 5))
    RectificationTask.objects.filter(plan=half_done).exclude(status="verified").update(
        deadline=today - datetime.timedelta(days=1)
    )
    half_done.refresh_from_db()
    with pytest.raises(ValidationError) as e:
        assessment_record(
            actor=a.users["office"],
            plan=half_done,
            grade="good",
            scores=full_scores(a.authority),
            on=today - datetime.timedelta(days=50),
        )
    assert "不能早于上一次整改评估的日期" in str(e.value)
