"""The assessment of a unit's rectification (整改评估) and its criteria.

- The office keeps its own list of criteria (``AssessmentCriterion``: name, full score,
  order, active); a default set is created the first time an authority's list is read
  (``criteria_of``). Criteria are renamed or switched off, never deleted: assessments keep
  the names and scores as they were scored.
- The office grades an approved plan 好/较好/一般/差 with a score on each active criterion
  (``assessment_record``). A 一般 or 差 reopens every task not yet verified as a second
  rectification (二次整改): the plan's round goes up by one, the tasks go back to 整改中 in
  that round with a new deadline (the assessment date plus the office's time limit for the
  rectification report) unless their own is later; verified tasks stay closed.

Every write checks access first (``Http404`` out of sight, ``PermissionDenied`` seen but not
allowed), raises ``ValidationError`` with Chinese messages by field and writes its audit
event in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core import access
from core.audit import audit_record
from planning.stages import add_months, deadline_settings_for
from rectification.models import Assessment, AssessmentCriterion, Grade, RectificationPlan, RectificationTask

TaskStatus = RectificationTask.Status
DEFAULT_CRITERIA = (
    ("整改责任落实", 20),
    ("整改措施针对性", 20),
    ("问题整改完成率", 30),
    ("长效机制建设", 15),
    ("群众满意度", 15),
)
REOPENING = frozenset({Grade.AVERAGE, Grade.POOR})
NAME_MAX, SCORE_MAX, ORDER_MAX, COMMENTS_MAX = 100, 100, 999, 5000


# Criteria ----------------------------------------------------------------------------------


def criteria_for(*, user):
    """The criteria the user may see (the office and the leading group of their authority)."""
    return access.restrict(AssessmentCriterion.objects.all(), user, "view")


def criteria_of(authority, *, active_only: bool = False) -> list[AssessmentCriterion]:
    """The authority's criteria in order; the default set is created if it has none yet."""
    qs = AssessmentCriterion.objects.filter(authority=authority)
    if not qs.exists():
        with transaction.atomic():
            for i, (name, score) in enumerate(DEFAULT_CRITERIA, start=1):
                AssessmentCriterion.objects.get_or_create(
                    authority=authority, name=name, defaults={"max_score": score, "order": i * 10}
                )
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("order", "id"))


def _clean_criterion(authority, values: dict, errors: dict, exclude_pk=None) -> dict:
    out = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写评估项目名称。"]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"评估项目名称不能超过 {NAME_MAX} 字。"]
    elif AssessmentCriterion.objects.filter(authority=authority, name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [ValidationError(f"已有名为“{name}”的评估项目。", code="duplicate")]
    out["name"] = name
    score = values.get("max_score")
    if isinstance(score, bool) or not isinstance(score, int):
        try:
            score = int(str(score).strip()) if score is not None and str(score).strip() else None
        except ValueError:
            score = -1
    if score is None:
        errors["max_score"] = ["请填写分值。"]
    elif not 1 <= score <= SCORE_MAX:
        errors["max_score"] = [f"分值须为 1 到 {SCORE_MAX} 之间的整数。"]
    out["max_score"] = score
    order = values.get("order")
    if order is not None and order != "":
        try:
            order = int(order)
        except (TypeError, ValueError):
            order = -1
        if isinstance(values.get("order"), bool) or not 0 <= order <= ORDER_MAX:
            errors["order"] = [f"顺序须为 0 到 {ORDER_MAX} 之间的整数。"]
        out["order"] = order
    if "active" in values:
        out["active"] = bool(values["active"])
    return out


def criterion_create(*, actor, authority, name: str, max_score, order=None, active: bool = True) -> AssessmentCriterion:
    """The office adds a criterion to its authority's list (at the end unless ``order`` is given)."""
    access.check_authority(actor, "change", AssessmentCriterion, authority)
    criteria_of(authority)  # the defaults first, so that a new list starts from them
    errors: dict = {}
    cleaned = _clean_criterion(authority, {"name": name, "max_score": max_score, "order": order}, errors)
    if errors:
        raise ValidationError(errors)
    if cleaned.get("order") is None:
        last = AssessmentCriterion.objects.filter(authority=authority).aggregate(n=Max("order"))["n"] or 0
        cleaned["order"] = min(last + 10, ORDER_MAX)
    with transaction.atomic():
        try:
            with transaction.atomic():
                criterion = AssessmentCriterion.objects.create(authority=authority, active=bool(active), **cleaned)
        except IntegrityError as e:
            raise ValidationError(
                {"name": [ValidationError(f"已有名为“{cleaned['name']}”的评估项目。", code="duplicate")]}
            ) from e
        audit_record(
            actor=actor,
            action="assessment_criterion.create",
            obj=criterion,
            authority=authority,
            detail={"name": criterion.name, "max_score": criterion.max_score},
        )
    return criterion


def criterion_update(*, actor, criterion: AssessmentCriterion, **values) -> AssessmentCriterion:
    """The office renames a criterion, changes its full score or order, or switches it off
    (``active=False``) or on. Assessments already recorded keep what they scored."""
    access.check(actor, "change", criterion)
    current = {"name": criterion.name, "max_score": criterion.max_score, "order": criterion.order}
    merged = {**current, **{k: v for k, v in values.items() if k in ("name", "max_score", "order", "active")}}
    errors: dict = {}
    cleaned = _clean_criterion(criterion.authority, merged, errors, exclude_pk=criterion.pk)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = AssessmentCriterion.objects.select_for_update().get(pk=criterion.pk)
        fields = ("name", "max_score", "order", "active")
        changes = {
            f: [getattr(locked, f), cleaned[f]] for f in fields if f in cleaned and getattr(locked, f) != cleaned[f]
        }
        if cleaned.get("active") is False and locked.active:
            others = AssessmentCriterion.objects.filter(authority_id=locked.authority_id, active=True)
            if not others.exclude(pk=locked.pk).exists():
                raise ValidationError({"active": ["至少要保留一个启用的评估项目。"]})
        for f, (_, new) in changes.items():
            setattr(locked, f, new)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as e:
            raise ValidationError(
                {"name": [ValidationError(f"已有名为“{cleaned['name']}”的评估项目。", code="duplicate")]}
            ) from e
        audit_record(
            actor=actor, action="assessment_criterion.update", obj=locked, authority=locked.authority, detail=changes
        )
    return locked


# Assessments -------------------------------------------------------------------------------


def assessments_for(*, user, plan: RectificationPlan | None = None):
    qs = Assessment.objects.select_related("plan__inspection__organization", "assessed_by")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return access.restrict(qs, user, "view")


def parse_grade(value) -> str | None:
    """A grade given as its value (``average``) or its label (一般)."""
    value = (value or "").strip() if isinstance(value, str) else ""
    if value in Grade.values:
        return value
    return {label: v for v, label in Grade.choices}.get(value)


def _score(raw) -> Decimal | None:
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return value


def _clean_scores(criteria: list[AssessmentCriterion], scores: dict, errors: dict) -> list[dict]:
    by_id = {str(c.pk): c for c in criteria}
    given = {str(k).strip(): v for k, v in (scores or {}).items()}
    messages = []
    unknown = [k for k in given if k not in by_id]
    if unknown:
        messages.append(f"评分中有未启用或不存在的评估项目（编号 {'、'.join(unknown[:5])}）。")
    out = []
    for c in criteria:
        value = _score(given.get(str(c.pk)))
        if value is None:
            messages.append(f"请为“{c.name}”评分（0 到 {c.max_score} 分）。")
        elif not value.is_finite() or not 0 <= value <= c.max_score:
            messages.append(f"“{c.name}”的得分须在 0 到 {c.max_score} 分之间。")
        elif value != value.quantize(Decimal("0.1")):
            messages.append(f"“{c.name}”的得分最多保留一位小数。")
        else:
            value = value.quantize(Decimal("0.1"))
            number = int(value) if value == value.to_integral_value() else float(value)
            out.append({"criterion": c.pk, "name": c.name, "max": c.max_score, "score": number})
    if messages:
        errors["scores"] = messages
    return out


def assessment_blocker(plan: RectificationPlan, on: datetime.date | None = None) -> str | None:
    """Why the plan's current round cannot be assessed on ``on``, in Chinese; None when it can.

    Once per round; never while a task waits for the office's check; a second rectification
    only once its tasks are all verified or its deadline has passed."""
    on = on or timezone.localdate()
    if plan.status != RectificationPlan.Status.APPROVED:
        return "整改方案批准后才能进行整改评估。"
    done = plan.assessments.filter(rectification_round=plan.rectification_round).order_by("-assessed_on").first()
    if done is not None:
        return f"本轮整改已于{done.assessed_on:%Y-%m-%d}评估为“{done.get_grade_display()}”，不能重复评估。"
    waiting = plan.tasks.filter(status=TaskStatus.REPORTED).count()
    if waiting:
        return f"还有 {waiting} 项整改任务待核验。请先逐项核验销号或退回，再进行整改评估。"
    if plan.rectification_round > 1:
        pending = plan.tasks.exclude(status=TaskStatus.VERIFIED).filter(deadline__gte=on)
        last = pending.aggregate(last=Max("deadline"))["last"]
        if last is not None:
            return f"二次整改的完成时限（{last:%Y-%m-%d}）未到，仍有整改任务未销号；全部销号或期满后再评估。"
    return None


def assessment_record(
    *,
    actor,
    plan: RectificationPlan,
    grade: str,
    scores: dict,
    comments: str = "",
    on: datetime.date | None = None,
) -> Assessment:
    """The office grades the rectification of an approved plan, scoring every active criterion.

    A 一般 or 差 starts a second rectification: every task not verified goes back to 整改中 in
    the plan's next round with the deadline ``on`` plus the office's time limit for the
    rectification report (or its own, if later). The assessment records the round it assessed.
    """
    access.require(actor, "plan.assess", plan)
    today = timezone.localdate()
    on = on or today
    errors: dict = {}
    value = parse_grade(grade)
    if value is None:
        errors["grade"] = ["请选择评估等次：好、较好、一般或差。"]
    criteria = criteria_of(plan.authority, active_only=True)
    if not isinstance(scores, dict):
        errors["scores"] = ["评分须按评估项目逐项填写。"]
        cleaned = []
    else:
        cleaned = _clean_scores(criteria, scores, errors)
    comments = (comments or "").strip()
    if len(comments) > COMMENTS_MAX:
        errors["comments"] = [f"评估意见不能超过 {COMMENTS_MAX} 字（现有 {len(comments)} 字）。"]
    if not isinstance(on, datetime.date):
        errors["assessed_on"] = ["评估日期须为日期，格式如 2027-03-31。"]
    elif on > today:
        errors["assessed_on"] = [ValidationError("评估日期不能晚于今天。", code="out_of_scope_date")]
    elif plan.approved_on and on < plan.approved_on:
        errors["assessed_on"] = [
            ValidationError(
                f"评估日期不能早于整改方案批准日期（{plan.approved_on:%Y-%m-%d}）。", code="out_of_scope_date"
            )
        ]
    elif (
        last := plan.assessments.order_by("-assessed_on").values_list("assessed_on", flat=True).first()
    ) and on < last:
        errors["assessed_on"] = [
            ValidationError(f"评估日期不能早于上一次整改评估的日期（{last:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    if errors:
        raise ValidationError(errors)
    assert value is not None  # an unknown grade is one of the errors raised above
    total = sum((Decimal(str(s["score"])) for s in cleaned), Decimal(0))
    with transaction.atomic():
        locked = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
        if blocker := assessment_blocker(locked, on):
            raise ValidationError({"plan": [ValidationError(blocker, code="stage_order")]})
        assessed_round = locked.rectification_round
        assessment = Assessment.objects.create(
            authority_id=locked.authority_id,
            plan=locked,
            grade=value,
            scores=cleaned,
            total=total,
            comments=comments,
            rectification_round=assessed_round,
            assessed_on=on,
            assessed_by=actor,
        )
        deadline = None
        unfinished = (
            RectificationTask.objects.select_for_update().filter(plan=locked).exclude(status=TaskStatus.VERIFIED)
        )
        reopened = list(unfinished.values_list("pk", flat=True)) if value in REOPENING else []
        if reopened:
            # A second rectification only when something is left to do.
            months = deadline_settings_for(locked.authority_id).rectification_report_months_after_feedback
            deadline = add_months(on, months)
            locked.rectification_round = assessed_round + 1
            locked.save(update_fields=["rectification_round", "updated_at"])
            # The new deadline for tasks already late; a later deadline of its own (an ongoing
            # task's, say) is kept.
            reopening = RectificationTask.objects.filter(pk__in=reopened)
            reopening.update(rectification_round=locked.rectification_round, status=TaskStatus.IN_PROGRESS)
            reopening.filter(deadline__lt=deadline).update(deadline=deadline, updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="rectification_assessment.record",
            obj=assessment,
            authority=locked.authority,
            detail={
                "plan": locked.pk,
                "grade": value,
                "total": str(total),
                "round": assessed_round,
                "reopened": reopened,
                "deadline": deadline,
            },
        )
    assessment.reopened = reopened  # for the page's message
    assessment.new_deadline = deadline
    return assessment


def assessment_open(plan: RectificationPlan) -> bool:
    """Whether the plan's current round still waits for an assessment (for the workbench)."""
    return not plan.assessments.filter(rectification_round=plan.rectification_round).exists()


def todos_for(user) -> list:
    """For the office's workbench: approved plans whose tasks are all verified and whose
    current round has not been assessed yet."""
    from django.urls import reverse

    from core.workbench import Todo

    if not access.may_somewhere(user, "plan.assess"):
        return []
    plans = access.restrict(
        RectificationPlan.objects.filter(status=RectificationPlan.Status.APPROVED).select_related(
            "inspection__organization"
        ),
        user,
        "change",
    )
    plans = plans.exclude(tasks__status__in=[s for s in TaskStatus.values if s != TaskStatus.VERIFIED]).filter(
        tasks__isnull=False
    )
    items = []
    for plan in plans.distinct()[:50]:
        if access.may(user, "plan.assess", plan) and assessment_open(plan):
            url = reverse("rectification:assessment", args=[plan.pk])
            items.append(Todo(f"{plan.inspection.organization.name}：整改评估", url, None, "整改"))
    return items
