"""Transfers (移交): leads and findings sent to the bodies that act on them, with the
receipt, the outcome and its deadline.

What goes where follows the category of the matter:

- ``leads`` (问题线索, leads of category discipline) to the discipline commission
  (纪委监委); only the office head transfers them, since only the head sees every lead;
- ``cadre`` (选人用人问题: findings, and leads of category cadre) to the organisation
  department (组织部);
- ``findings`` (其他问题: findings, and leads of category other) to the responsible
  department or the unit itself (a receiver of kind "other").

A transfer carrying leads can be made by the office head only. The outcome is due
``DeadlineSettings.transfer_outcome_months`` after the sent date. The receiver (a user
with the receiver role on that ``Receiver``) confirms receipt, then records the outcome,
never before the receipt. Who sees a transfer is ``core.access`` (kind "transfer"): the
office and the leading group see transfers of findings; transfers of leads only the
office head and the receiver.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.models import Receiver
from onsite.models import Finding
from planning.documents import document_number_issue, document_settings_for
from planning.models import Inspection
from planning.stages import add_months, deadline_settings_for
from results.models import Lead, Transfer

Kind = Transfer.Kind
# The receiver kind each transfer goes to, and the category of the leads it may carry.
RECEIVER_KIND: dict[str, str] = {
    Kind.LEADS: Receiver.Kind.DISCIPLINE,
    Kind.CADRE: Receiver.Kind.ORGANIZATION_DEPT,
    Kind.FINDINGS: Receiver.Kind.OTHER,
}
LEAD_CATEGORY: dict[str, str] = {
    Kind.LEADS: Lead.Category.DISCIPLINE,
    Kind.CADRE: Lead.Category.CADRE,
    Kind.FINDINGS: Lead.Category.OTHER,
}
# The kinds of receiver that take findings (选人用人问题 and 其他问题; never 纪委监委 with leads).
FINDING_RECEIVER_KINDS = frozenset(RECEIVER_KIND[k] for k in (Kind.CADRE, Kind.FINDINGS))


def kind_of_lead(lead: Lead) -> str:
    """The kind of transfer a lead goes with, by its category."""
    return next(k for k, category in LEAD_CATEGORY.items() if category == lead.category)


WRONG_RECEIVER: dict[str, str] = {
    Kind.LEADS: "问题线索只能移交纪委监委，“{name}”是{kind}。",
    Kind.CADRE: "选人用人问题移交组织部，“{name}”是{kind}。",
    Kind.FINDINGS: "其他问题移交有关部门或被巡察单位，“{name}”是{kind}：问题线索和选人用人问题请按类别移交。",
}
DETAIL_MAX = 5000
SOON_DAYS = 14

# Status of a transfer, as the lists filter and tag it (see ``transfer_status``).
STATUSES = {"unreceived": "未签收", "handling": "办理中", "done": "已反馈", "overdue": "已逾期"}


def transfer_status(transfer: Transfer, today: datetime.date | None = None) -> str:
    """``done`` (outcome recorded), ``overdue`` (no outcome by ``due_on``), ``unreceived`` or ``handling``."""
    today = today or timezone.localdate()
    if transfer.outcome:
        return "done"
    if transfer.due_on < today:
        return "overdue"
    return "unreceived" if transfer.received_on is None else "handling"


def _status_q(status: str, today: datetime.date) -> Q:
    open_ = Q(outcome="")
    return {
        "done": ~open_,
        "overdue": open_ & Q(due_on__lt=today),
        "unreceived": open_ & Q(due_on__gte=today, received_on__isnull=True),
        "handling": open_ & Q(due_on__gte=today, received_on__isnull=False),
    }[status]


# Reads ---------------------------------------------------------------------------------


def transfers_for(
    *,
    user,
    inspection: Inspection | None = None,
    receiver_id: int | None = None,
    status: str = "",
    today: datetime.date | None = None,
):
    """Transfers the user may see, newest first; ``status`` one of ``STATUSES`` (others ignored)."""
    qs = Transfer.objects.select_related("inspection__organization", "inspection__round__term", "receiver")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    if receiver_id is not None:
        qs = qs.filter(receiver_id=receiver_id)
    if status in STATUSES:
        qs = qs.filter(_status_q(status, today or timezone.localdate()))
    return access.restrict(qs, user, "view")


def received_for(*, user, status: str = ""):
    """What was transferred to the receivers the user answers for (the receiver role)."""
    ids = access.scope_ids(user, access.RECEIVER)
    return transfers_for(user=user, status=status).filter(receiver_id__in=ids)


def receivers_for(*, user, action: str = "view"):
    """Receivers of the authorities whose transfers the user may see (``view``) or send (``change``)."""
    ids = access.authorities_for(user, action, Transfer)
    return Receiver.objects.filter(authority_id__in=ids).order_by("kind", "name")


# Writes --------------------------------------------------------------------------------


def transfer_create(
    *,
    actor,
    inspection: Inspection,
    receiver: Receiver,
    kind: str,
    leads=(),
    findings=(),
    sent_on: datetime.date | None,
) -> Transfer:
    """The office transfers ``leads`` and/or ``findings`` of ``inspection`` to ``receiver``.

    The outcome is due ``transfer_outcome_months`` (the authority's deadline settings)
    after ``sent_on``; the transfer letter's number is issued at once. Raises ``Http404``
    if the actor cannot see the inspection, ``PermissionDenied`` unless they are its office
    (the office head, for a transfer carrying leads), ``ValidationError`` for a receiver of
    the wrong kind, matters of another inspection or category, a lead already transferred,
    nothing selected, or a sent date missing or in the future.
    """
    leads, findings = list(leads), list(findings)
    _send_check(actor, inspection, kind, bool(leads))
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if kind not in Kind.values:
        raise ValidationError({"kind": ["请选择移交内容。"]})
    label = Kind(kind).label
    if receiver.authority_id != inspection.authority_id:
        errors["receiver"] = [ValidationError("所选接收单位不属于本机构。", code="unknown_reference")]
    elif receiver.kind != RECEIVER_KIND[kind]:
        errors["receiver"] = [
            ValidationError(
                WRONG_RECEIVER[kind].format(name=receiver.name, kind=receiver.get_kind_display()),
                code="unknown_reference",
            )
        ]
    lead_errors = _lead_errors(kind, inspection, leads)
    if lead_errors:
        errors["leads"] = lead_errors
    finding_errors: list[str | ValidationError] = []
    if kind == Kind.LEADS and findings:
        finding_errors.append("移交纪委监委的问题线索不附带其他问题，问题请另行移交。")
    for f in findings:
        if f.inspection_id != inspection.pk:
            finding_errors.append(ValidationError(f"“{f.title}”不是本次巡察发现的问题。", code="unknown_reference"))
        elif f.transfers.filter(receiver=receiver).exists():
            finding_errors.append(
                ValidationError(f"“{f.title}”已移交{receiver.name}，不能重复移交。", code="duplicate")
            )
    if finding_errors:
        errors["findings"] = finding_errors
    if not leads and not findings and not errors:
        field = "leads" if kind == Kind.LEADS else "findings"
        errors[field] = ["请选择要移交的问题线索。" if kind == Kind.LEADS else f"请选择要移交的{label}。"]
    today = timezone.localdate()
    if sent_on is None:
        errors["sent_on"] = ["请填写移交日期。"]
    elif sent_on > today:
        errors["sent_on"] = [ValidationError("移交日期不能晚于今天。", code="out_of_scope_date")]
    if errors:
        raise ValidationError(errors)
    assert sent_on is not None  # a missing date is one of the errors raised above
    months = deadline_settings_for(inspection.authority_id).transfer_outcome_months
    with transaction.atomic():
        transfer = Transfer.objects.create(
            authority_id=inspection.authority_id,
            inspection=inspection,
            receiver=receiver,
            kind=kind,
            sent_on=sent_on,
            due_on=add_months(sent_on, months),
            created_by=actor,
        )
        transfer.leads.set(leads)
        transfer.findings.set(findings)
        transfer.letter_number = document_number_issue(
            actor=actor,
            inspection=inspection,
            kind=f"transfer-{transfer.pk}",
            document_kind="transfer_letter",
            doc_settings=document_settings_for(inspection.authority),
            on=sent_on,
            refuse_field="sent_on",  # the office dates the transfer in this form: a later-dated letter refuses it
        ).text
        transfer.save(update_fields=["letter_number"])
        audit_record(
            actor=actor,
            action="transfer.create",
            obj=transfer,
            authority=inspection.authority_id,
            detail={
                "kind": kind,
                "receiver": receiver.name,
                "leads": [x.pk for x in leads],
                "findings": [f.pk for f in findings],
                "sent_on": sent_on.isoformat(),
                "due_on": transfer.due_on.isoformat(),
                "letter_number": transfer.letter_number,
            },
        )
    return transfer


def transfer_create_from_ids(
    *,
    actor,
    inspection: Inspection,
    receiver_id: int | None,
    kind: str,
    lead_ids=(),
    finding_ids=(),
    sent_on: datetime.date | None,
) -> Transfer:
    """``transfer_create`` with the receiver, leads and findings named by id (the API's way).

    Ids that name nothing the actor sees in this inspection are a ``ValidationError``.
    """
    lead_ids, finding_ids = sorted(set(lead_ids)), sorted(set(finding_ids))
    _send_check(actor, inspection, kind, bool(lead_ids))
    receiver = (
        Receiver.objects.filter(pk=receiver_id, authority_id=inspection.authority_id).first()
        if receiver_id is not None
        else None
    )
    leads = list(access.restrict(Lead.objects.filter(pk__in=lead_ids, inspection=inspection), actor, "view"))
    findings = list(access.restrict(Finding.objects.filter(pk__in=finding_ids, inspection=inspection), actor, "view"))
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if receiver is None:
        errors["receiver"] = [ValidationError("所选接收单位不存在。", code="unknown_reference")]
    if missing := sorted(set(lead_ids) - {x.pk for x in leads}):
        errors["leads"] = [
            ValidationError(f"线索 {i} 不存在或不属于本次巡察。", code="unknown_reference") for i in missing
        ]
    if missing := sorted(set(finding_ids) - {f.pk for f in findings}):
        errors["findings"] = [
            ValidationError(f"问题 {i} 不存在或不属于本次巡察。", code="unknown_reference") for i in missing
        ]
    if errors:
        raise ValidationError(errors)
    assert receiver is not None  # a missing receiver is one of the errors raised above
    return transfer_create(
        actor=actor,
        inspection=inspection,
        receiver=receiver,
        kind=kind,
        leads=leads,
        findings=findings,
        sent_on=sent_on,
    )


def transfer_kinds_for(user, inspection: Inspection) -> list[str]:
    """The kinds of transfer ``user`` may send for ``inspection``: all of them for the office
    head (who sees every lead), all but leads for the rest of the office, none for anyone
    else. For the page's form; ``transfer_create`` checks again."""
    roles = access.roles_on(user, inspection)
    if not access.may(user, "transfer.send", inspection, held=roles):
        return []
    if access.may(user, "transfer.send_leads", inspection, held=roles):
        return list(Kind.values)
    return [k for k in Kind.values if k != Kind.LEADS]


def _send_check(actor, inspection: Inspection, kind: str, with_leads: bool) -> None:
    """``Http404`` out of sight; ``PermissionDenied`` unless the office of the inspection's
    authority, and the office head for anything carrying leads (only the head sees every lead)."""
    access.check(actor, "view", inspection)
    roles = access.roles_on(actor, inspection)
    if not access.may(actor, "transfer.send", inspection, held=roles):
        raise PermissionDenied
    if (kind == Kind.LEADS or with_leads) and not access.may(actor, "transfer.send_leads", inspection, held=roles):
        raise PermissionDenied


def _lead_errors(kind: str, inspection: Inspection, leads: list[Lead]) -> list[ValidationError]:
    """What is wrong with the leads of a transfer; the messages name a lead by its number, never by name."""
    errors = []
    category = LEAD_CATEGORY.get(kind)
    for lead in leads:
        if lead.inspection_id != inspection.pk:
            errors.append(ValidationError(f"线索 {lead.pk} 不属于本次巡察。", code="unknown_reference"))
        elif category is not None and lead.category != category:
            errors.append(
                ValidationError(
                    f"线索 {lead.pk} 的类别是“{lead.get_category_display()}”，不能作为{Kind(kind).label}移交。",
                    code="unknown_choice",
                )
            )
        elif (done := lead.transfers.select_related("receiver").first()) is not None:
            errors.append(
                ValidationError(
                    f"线索 {lead.pk} 已于{done.sent_on:%Y-%m-%d}移交{done.receiver.name}，不能重复移交。",
                    code="duplicate",
                )
            )
    return errors


def _receiver_check(actor, transfer: Transfer) -> None:
    access.require(actor, "transfer.answer", transfer)


def transfer_receive(*, actor, transfer: Transfer, received_on: datetime.date | None, received_name: str) -> Transfer:
    """The receiver confirms receipt: the date and the name of who signed for it.

    Raises ``Http404`` out of sight, ``PermissionDenied`` unless the actor holds the receiver
    role on the transfer's receiver, ``ValidationError`` for a repeat, a missing name or a
    date before the sending or after today.
    """
    _receiver_check(actor, transfer)
    received_name = (received_name or "").strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if received_on is None:
        errors["received_on"] = ["请填写签收日期。"]
    elif received_on < transfer.sent_on:
        errors["received_on"] = [
            ValidationError(f"签收日期不能早于移交日期（{transfer.sent_on:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    elif received_on > timezone.localdate():
        errors["received_on"] = [ValidationError("签收日期不能晚于今天。", code="out_of_scope_date")]
    if not received_name:
        errors["received_name"] = ["请填写签收人姓名。"]
    elif len(received_name) > 50:
        errors["received_name"] = ["签收人姓名不超过 50 字。"]
    if errors:
        raise ValidationError(errors)
    assert received_on is not None  # a missing date is one of the errors raised above
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.received_on is not None:
            raise ValidationError(
                {"received_on": [ValidationError(f"已于{locked.received_on:%Y-%m-%d}签收。", code="duplicate")]}
            )
        transfer.received_on, transfer.received_name, transfer.received_by = received_on, received_name, actor
        transfer.save(update_fields=["received_on", "received_name", "received_by"])
        audit_record(
            actor=actor,
            action="transfer.receive",
            obj=transfer,
            authority=transfer.authority_id,
            detail={"received_on": received_on.isoformat(), "received_name": received_name},
        )
    return transfer


def transfer_outcome_record(
    *, actor, transfer: Transfer, outcome: str, detail: str, outcome_on: datetime.date | None
) -> Transfer:
    """The receiver records the outcome (办理结果) of a transfer it has signed for.

    Raises as ``transfer_receive``; ``ValidationError`` also before the receipt, for an
    outcome already recorded, and for a date before the receipt or after today.
    """
    _receiver_check(actor, transfer)
    detail = (detail or "").strip()
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if transfer.received_on is None:
        raise ValidationError({"outcome": [ValidationError("请先确认签收，再反馈办理结果。", code="stage_order")]})
    if outcome not in Transfer.Outcome.values:
        errors["outcome"] = ["请选择办理结果。"]
    if not detail:
        errors["detail"] = ["请写明办理情况。"]
    elif len(detail) > DETAIL_MAX:
        errors["detail"] = [f"办理情况不超过 {DETAIL_MAX} 字。"]
    if outcome_on is None:
        errors["outcome_on"] = ["请填写反馈日期。"]
    elif outcome_on < transfer.received_on:
        errors["outcome_on"] = [
            ValidationError(f"反馈日期不能早于签收日期（{transfer.received_on:%Y-%m-%d}）。", code="out_of_scope_date")
        ]
    elif outcome_on > timezone.localdate():
        errors["outcome_on"] = [ValidationError("反馈日期不能晚于今天。", code="out_of_scope_date")]
    if errors:
        raise ValidationError(errors)
    assert outcome_on is not None  # a missing date is one of the errors raised above
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.outcome:
            raise ValidationError(
                {"outcome": [ValidationError(f"已于{locked.outcome_on:%Y-%m-%d}反馈办理结果。", code="duplicate")]}
            )
        transfer.outcome, transfer.outcome_detail, transfer.outcome_on = outcome, detail, outcome_on
        transfer.outcome_by = actor
        transfer.save(update_fields=["outcome", "outcome_detail", "outcome_on", "outcome_by"])
        audit_record(
            actor=actor,
            action="transfer.outcome",
            obj=transfer,
            authority=transfer.authority_id,
            detail={"outcome": outcome, "outcome_on": outcome_on.isoformat(), "late": outcome_on > transfer.due_on},
        )
    return transfer


# The workbench -------------------------------------------------------------------------


def todos_for(user) -> list:
    """For the workbench: transfers whose outcome is overdue or due within 14 days, for the
    office of the authority and for the receiver; and, for the receiver, those it has not
    yet signed for."""
    from django.urls import reverse

    from core.workbench import Todo

    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=SOON_DAYS)
    open_ = Transfer.objects.filter(outcome="").select_related("inspection__organization", "receiver")
    found: dict[int, Todo] = {}
    offices = access.authorities_for(user, "change", Transfer)  # the office's own authority, not the tree
    if offices:
        qs = access.restrict(open_.filter(authority_id__in=offices, due_on__lte=horizon), user, "view")
        for t in qs:
            state = "已逾期" if t.due_on < today else "即将到期"
            title = f"{t.inspection.organization.name}移交{t.receiver.name}的{t.get_kind_display()}：办理结果{state}"
            found[t.pk] = Todo(title, reverse("results:transfer", args=[t.pk]), t.due_on, "移交")
    receivers = access.scope_ids(user, access.RECEIVER)
    if receivers:
        qs = access.restrict(open_.filter(receiver_id__in=receivers), user, "view")
        for t in qs:
            what = f"{t.inspection.organization.name}巡察移交的{t.get_kind_display()}"
            if t.received_on is None:
                title = f"待签收：{what}（{t.letter_number or '移交函'}）"
            elif t.due_on <= horizon:
                title = f"{what}：{'办理结果反馈已逾期' if t.due_on < today else '请按期反馈办理结果'}"
            else:
                continue
            found[t.pk] = Todo(title, reverse("results:transfer", args=[t.pk]), t.due_on, "移交")
    return list(found.values())
