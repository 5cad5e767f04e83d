"""API of rectification tasks (整改任务): the three lists, progress with evidence, and the
office's verification item by item (对账销号).

Thin: the rules are in ``rectification.tasks``. The unit writes tasks while its plan is a
draft or returned and reports progress once it is approved; only the office verifies or
rejects. ``POST /rectification-tasks/{id}/progress`` takes JSON or multipart/form-data (the
same fields plus ``files``, one or more uploads).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Router, Schema
from pydantic import ValidationError as PydanticValidationError

from core.api.common import PYDANTIC_MESSAGES, SURROGATE_MESSAGE, PatchIn, page, surrogate_at
from core.files import file_response
from onsite.models import Finding
from rectification import tasks as task_services
from rectification.api.plans import PlanTaskOut, check_choice, check_id, get_or_404
from rectification.evidence import evidence_open
from rectification.models import Evidence, RectificationPlan, RectificationTask
from rectification.plans import plans_for

router = Router(tags=["整改"])

TaskStatus = RectificationTask.Status


# Schemas -----------------------------------------------------------------------------------


def _name(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


class TaskOut(PlanTaskOut):
    """A task as listed on its own, with its plan and inspection."""

    plan_id: int
    inspection_id: int
    organization_name: str
    overdue: bool
    rectification_round: int
    reject_reason: str

    @staticmethod
    def resolve_inspection_id(obj):
        return obj.plan.inspection_id

    @staticmethod
    def resolve_organization_name(obj):
        return obj.plan.inspection.organization.name

    @staticmethod
    def resolve_overdue(obj):
        return task_services.is_overdue(obj)


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


class EvidenceOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    download_url: str

    @staticmethod
    def resolve_download_url(obj):
        return reverse("api:rectification_evidence_download", args=[obj.pk])


class ProgressOut(Schema):
    id: int
    text: str
    completed: bool
    reported_on: date
    reported_by_name: str
    created_at: datetime
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_reported_by_name(obj):
        return _name(obj.reported_by)

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class CheckOut(Schema):
    id: int
    decision: str
    decision_display: str
    reason: str
    checked_on: date
    checked_by_name: str

    @staticmethod
    def resolve_decision_display(obj):
        return obj.get_decision_display()

    @staticmethod
    def resolve_checked_by_name(obj):
        return _name(obj.checked_by)


class TaskDetailOut(TaskOut):
    plan_status: str
    finding_rectified: bool
    progress_reports: list[ProgressOut]
    checks: list[CheckOut]

    @staticmethod
    def resolve_plan_status(obj):
        return obj.plan.status

    @staticmethod
    def resolve_finding_rectified(obj):
        return task_services.finding_rectified(obj.finding)

    @staticmethod
    def resolve_progress_reports(obj):
        return list(task_services.progress_of(obj))

    @staticmethod
    def resolve_checks(obj):
        return list(obj.checks.select_related("checked_by").order_by("recorded_at", "id"))


class TaskIn(Schema):
    plan: int
    finding: int
    measure: str = ""
    deadline: date | None = None
    responsible_leader: str = ""
    responsible_office: str = ""
    phase: str | None = None


class TaskPatch(PatchIn):
    finding: int | None = None
    measure: str | None = None
    deadline: date | None = None
    responsible_leader: str | None = None
    responsible_office: str | None = None
    phase: str | None = None


class ProgressIn(Schema):
    text: str = ""
    completed: bool = False
    reported_on: date | None = None


class VerifyIn(Schema):
    reason: str = ""
    checked_on: date | None = None


class RejectIn(Schema):
    reason: str = ""
    checked_on: date | None = None


# Helpers -----------------------------------------------------------------------------------


def _task(user, task_id: int) -> RectificationTask:
    return get_or_404(task_services.tasks_for(user=user), task_id)


def _finding_of(plan: RectificationPlan, finding_id: int | None) -> Finding | None:
    """The finding ``finding_id`` of the plan's inspection, or None (the service then says
    in Chinese that a finding of this inspection must be chosen)."""
    if finding_id is None or not 0 < finding_id <= 2**63 - 1:
        return None
    return Finding.objects.filter(pk=finding_id, inspection_id=plan.inspection_id).first()


LABELS = {
    "text": "整改进展",
    "completed": "申请销号",
    "reported_on": "报告日期",
    "reason": "意见",
    "checked_on": "核验日期",
}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _body(request, schema: type[Schema]) -> tuple:
    """The fields of ``schema`` and the uploads under ``files``, read from multipart/form-data
    (or a urlencoded form) or from JSON (an empty body counts as ``{}``); anything malformed
    raises ``ValidationError`` in Chinese by field."""
    fields = schema.model_fields
    if request.content_type in FORM_TYPES:
        data = {k: request.POST.get(k) for k in fields if request.POST.get(k) not in (None, "")}
        uploads = request.FILES.getlist("files")
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as e:
            raise ValidationError({"__all__": [ValidationError("请求体不是有效的 JSON。", code="bad_json")]}) from e
        if not isinstance(data, dict):
            raise ValidationError({"__all__": [ValidationError("请求体须为 JSON 对象。", code="bad_json")]})
        data = {k: v for k, v in data.items() if k in fields}
        at = surrogate_at(data)  # as core.api.common.EdgeParser refuses for the bodies ninja reads
        if at is not None:
            raise ValidationError({at.split(".")[0]: [ValidationError(SURROGATE_MESSAGE, code="bad_text")]})
        uploads = []
    try:
        return schema.model_validate(data), uploads
    except PydanticValidationError as e:
        errors: dict = {}
        for err in e.errors():
            field = str(err["loc"][0]) if err.get("loc") else "__all__"
            message = PYDANTIC_MESSAGES.get(err.get("type", ""), "格式有误。")
            errors.setdefault(field, []).append(
                ValidationError(f"{LABELS.get(field, '')}{message}", code="schema_invalid")
            )
        raise ValidationError(errors) from e


_DATE = {"type": "string", "format": "date"}
_TEXT = {"type": "string", "default": ""}


def _doc(properties: dict, *, required=(), files: bool = False) -> dict:
    """The OpenAPI request body of an endpoint that reads it with ``_body``: JSON or a form."""
    form = dict(properties)
    if files:
        form["files"] = {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "title": "佐证材料（PDF、Word、Excel、JPG、PNG 等，按内容判断类型）",
        }
    schema = {"type": "object", "properties": properties, "required": list(required)}
    return {
        "requestBody": {
            "required": bool(required),
            "content": {
                "application/json": {"schema": schema},
                "multipart/form-data": {"schema": {**schema, "properties": form}},
            },
        }
    }


PROGRESS_BODY = _doc(
    {
        "text": {**_TEXT, "title": "整改进展"},
        "completed": {"type": "boolean", "default": False, "title": "申请销号（须有佐证材料）"},
        "reported_on": {**_DATE, "title": "报告日期（默认今天）"},
    },
    required=["text"],
    files=True,
)
VERIFY_BODY = _doc({"reason": {**_TEXT, "title": "核验意见"}, "checked_on": {**_DATE, "title": "核验日期（默认今天）"}})
REJECT_BODY = _doc(
    {"reason": {**_TEXT, "title": "退回理由"}, "checked_on": {**_DATE, "title": "核验日期（默认今天）"}},
    required=["reason"],
)


# Endpoints ---------------------------------------------------------------------------------


@router.get("/rectification-tasks", response=TaskPage)
def task_list(
    request,
    plan: int | None = None,
    inspection: int | None = None,
    finding: int | None = None,
    status: str | None = None,
    phase: str | None = None,
    overdue: bool | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
):
    """Tasks the caller may see, by plan and number. ``status`` is in_progress, reported,
    rejected or verified; ``overdue=true`` keeps the unverified tasks past their deadline;
    ``search`` over the measure, the finding and the organisation."""
    check_id("plan", plan, "整改方案")
    check_id("inspection", inspection, "巡察")
    check_id("finding", finding, "问题")
    check_choice("status", status, TaskStatus, "状态")
    check_choice("phase", phase, RectificationTask.Phase, "整改阶段")
    qs = task_services.tasks_for(user=request.user).order_by("plan_id", "number", "id")
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if inspection is not None:
        qs = qs.filter(plan__inspection_id=inspection)
    if finding is not None:
        qs = qs.filter(finding_id=finding)
    if status is not None:
        qs = qs.filter(status=status)
    if phase is not None:
        qs = qs.filter(phase=phase)
    if overdue is not None:
        qs = qs.filter(task_services.overdue_q()) if overdue else qs.exclude(task_services.overdue_q())
    return page(
        qs,
        search=search,
        fields=("measure", "finding__title", "plan__inspection__organization__name"),
        limit=limit,
        offset=offset,
    )


@router.post("/rectification-tasks", response={201: TaskDetailOut})
def task_post(request, payload: TaskIn):
    """The unit adds a task to its draft (or returned) plan: for a ``finding`` of the plan's
    inspection, a ``measure``, a ``deadline`` (by default when the rectification report is
    due), the ``responsible_leader`` and ``responsible_office``, and the ``phase``
    (concentrated or ongoing)."""
    plan = get_or_404(plans_for(user=request.user), payload.plan)
    values = payload.model_dump(exclude={"plan", "finding"})
    if values["phase"] is None:
        values.pop("phase")
    task = task_services.task_create(
        actor=request.user, plan=plan, finding=_finding_of(plan, payload.finding), **values
    )
    return 201, _task(request.user, task.pk)


@router.get("/rectification-tasks/{int:task_id}", response=TaskDetailOut)
def task_get(request, task_id: int):
    """A task with its progress history (newest first, with the names of its evidence) and
    the office's checks."""
    return _task(request.user, task_id)


@router.patch("/rectification-tasks/{int:task_id}", response=TaskDetailOut)
def task_patch(request, task_id: int, payload: TaskPatch):
    """The unit changes a task of its draft (or returned) plan; fields left out stay."""
    task = _task(request.user, task_id)
    values = payload.model_dump(exclude_unset=True)
    if "finding" in values:
        values["finding"] = _finding_of(task.plan, values["finding"])
    task_services.task_update(actor=request.user, task=task, **values)
    return _task(request.user, task_id)


@router.delete("/rectification-tasks/{int:task_id}", response={204: None})
def task_delete(request, task_id: int):
    """The unit removes a task from its draft (or returned) plan."""
    task_services.task_delete(actor=request.user, task=_task(request.user, task_id))
    return 204, None


@router.post("/rectification-tasks/{int:task_id}/progress", response={201: TaskDetailOut}, openapi_extra=PROGRESS_BODY)
def task_progress_post(request, task_id: int):
    """The unit reports progress on a task of its approved plan: ``text``, ``completed``
    (asks the office to verify and close it; evidence is required unless earlier progress
    had some) and ``reported_on``. As JSON, or as multipart/form-data with the evidence as
    ``files`` (one or more; PDF, Word, Excel, images, judged by content)."""
    task = _task(request.user, task_id)
    payload, uploads = _body(request, ProgressIn)
    task_services.task_progress(
        actor=request.user,
        task=task,
        text=payload.text,
        completed=payload.completed,
        uploads=uploads,
        on=payload.reported_on,
    )
    return 201, _task(request.user, task_id)


@router.post("/rectification-tasks/{int:task_id}/verify", response=TaskDetailOut, openapi_extra=VERIFY_BODY)
def task_verify_post(request, task_id: int):
    """The office closes (销号) a task the unit reported completed, after checking its evidence."""
    task = _task(request.user, task_id)
    payload, _ = _body(request, VerifyIn)
    task_services.task_verify(actor=request.user, task=task, reason=payload.reason, on=payload.checked_on)
    return _task(request.user, task_id)


@router.post("/rectification-tasks/{int:task_id}/reject", response=TaskDetailOut, openapi_extra=REJECT_BODY)
def task_reject_post(request, task_id: int):
    """The office sends a reported task back with the ``reason`` (the evidence does not hold)."""
    task = _task(request.user, task_id)
    payload, _ = _body(request, RejectIn)
    task_services.task_reject(actor=request.user, task=task, reason=payload.reason, on=payload.checked_on)
    return _task(request.user, task_id)


@router.get(
    "/rectification-evidence/{int:evidence_id}",
    url_name="rectification_evidence_download",
    response={200: None},
)
def evidence_download(request, evidence_id: int):
    """A file of evidence (佐证材料), for those who see its task (and the look-back team of a
    later inspection revisiting it); every download is audited."""
    evidence = get_or_404(Evidence.objects.select_related("progress__task__plan__inspection"), evidence_id)
    handle = evidence_open(actor=request.user, evidence=evidence)
    return file_response(handle, name=evidence.name, kind=evidence.kind)
