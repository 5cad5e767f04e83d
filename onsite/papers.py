"""Working papers (底稿) and the findings (问题) they yield.

A member of the team writes a paper for the team's inspection: the problem in one line,
the facts, the rule breached, and the evidence (the inspection's talks, petitions,
document requests and attachments; evidence of another inspection is refused). The
author submits it; it needs at least one piece of evidence (每个问题都要有证据支撑).
The team leader or a deputy of that inspection reviews it: returns it with comments (the
author edits and submits it again) or approves it, which yields its finding in the same
step. Nobody reviews their own paper: the leader's own paper goes to a deputy or the
office. A submitted or approved paper is not edited.

``actor`` is always an account (a paper has an author, a finding a reviewer); scripts
such as the demo loader pass the team's accounts. Every write checks access first
(``Http404`` out of sight, ``PermissionDenied`` seen but not allowed), raises
``ValidationError`` with Chinese messages by field, and writes its audit event in the
same transaction.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import access
from core.audit import audit_record
from core.files import file_erase, file_path
from core.models import RoleAssignment
from core.workbench import Todo
from onsite.attachments import attachment_create
from onsite.focus import focus_leaf_check
from onsite.models import Attachment, DocumentRequest, Finding, FocusArea, Interview, Petition, WorkingPaper
from planning.models import Inspection

EVIDENCE: dict[str, tuple[type[Interview | Petition | DocumentRequest | Attachment], str]] = {
    # field: (model, what a user calls it)
    "interviews": (Interview, "谈话"),
    "petitions": (Petition, "信访举报"),
    "document_requests": (DocumentRequest, "调阅资料"),
    "attachments": (Attachment, "附件"),
}
EDITABLE = (WorkingPaper.Status.DRAFT, WorkingPaper.Status.RETURNED)
MAX_AMOUNT = Decimal("999999999999.99")  # 14 digits, 2 after the point (the column)
NO_SELF_REVIEW = "不能审核自己撰写的底稿：组长撰写的底稿由副组长或巡察办审核，其他底稿由组长或副组长审核。"


# Reads ---------------------------------------------------------------------------------


def working_papers_for(*, user, inspection: Inspection | None = None):
    """Papers the user may see (the office of the authority, the team of the inspection),
    each with ``evidence_count`` and its finding (if approved) joined."""
    qs = WorkingPaper.objects.select_related("author", "reviewed_by", "inspection__organization", "finding")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return access.restrict(qs, user, "view")


def with_evidence_count(qs):
    """``evidence_count`` on each paper, from four counting subqueries (no row multiplication)."""

    def count(field):
        through = getattr(WorkingPaper, field).through
        sub = (
            through.objects.filter(workingpaper_id=OuterRef("pk"))
            .values("workingpaper_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(sub), 0)

    return qs.annotate(
        evidence_count=count("interviews") + count("petitions") + count("document_requests") + count("attachments")
    )


def findings_for(*, user, inspection: Inspection | None = None):
    """Findings the user may see, with their focus area (and its parents and version) joined."""
    qs = Finding.objects.select_related(
        "focus_area__parent__parent", "focus_area__taxonomy", "working_paper", "inspection__organization"
    )
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    qs = access.restrict(qs, user, "view")
    # The unit's liaison reads its fed-back findings on results:unit only (without the people,
    # amounts or papers), never through the on-site desk, which is for those who see the case.
    return qs.filter(inspection__in=access.restrict(Inspection.objects.all(), user, "view"))


def evidence_choices(inspection: Inspection) -> dict:
    """The inspection's records that may back a paper, by field (for the pickers)."""
    return {
        "interviews": inspection.interviews.order_by("held_at", "planned_on", "id"),
        "petitions": inspection.petitions.order_by("-received_on", "-id"),
        "document_requests": inspection.document_requests.order_by("requested_on", "id"),
        "attachments": inspection.attachments.order_by("-uploaded_at", "-id"),
    }


def triage_focus_area(petitions) -> FocusArea | None:
    """The 监督重点 the team chose when triaging ``petitions`` (those within scope), if it may
    still tag a finding (a leaf of the current version): what a working paper written on them,
    and the finding made of it, start from. The most frequent one; on a tie, that of the
    earliest petition."""
    ordered = sorted(petitions, key=lambda p: (p.received_on, p.pk))
    chosen = [p.focus_area for p in ordered if p.status == Petition.Status.IN_SCOPE and p.focus_area is not None]
    if not chosen:
        return None
    counts = Counter(f.pk for f in chosen)
    best = max(chosen, key=lambda f: counts[f.pk])  # max keeps the first of equals
    try:
        return focus_leaf_check(best, authority_id=best.taxonomy.authority_id)
    except ValidationError:
        return None  # retagged since: the reviewer chooses afresh


def paper_focus_area(paper: WorkingPaper) -> FocusArea | None:
    """The 监督重点 a paper carries from the petitions it cites (``triage_focus_area``)."""
    return triage_focus_area(list(paper.petitions.select_related("focus_area__taxonomy")))


def evidence_count(paper: WorkingPaper) -> int:
    return sum(getattr(paper, field).count() for field in EVIDENCE)


def may_edit(user, paper: WorkingPaper) -> bool:
    """Whether ``user`` may edit and submit ``paper`` now (its author, while a draft or returned)."""
    return user.pk == paper.author_id and paper.status in EDITABLE and _can_change(user, paper)


def may_review(user, paper: WorkingPaper) -> bool:
    """Whether ``user`` may approve or return ``paper`` now."""
    if paper.status != WorkingPaper.Status.SUBMITTED:
        return False
    try:
        _check_reviewer(user, paper)
    except (Http404, PermissionDenied, ValidationError):
        return False
    return True


def may_write(user, inspection: Inspection) -> bool:
    """Whether ``user`` may write papers for ``inspection`` (its team, the office of its authority)."""
    return _can_change(user, inspection) and inspection.stage != Inspection.Stage.ARCHIVED


def _can_change(user, obj) -> bool:
    return access.restrict(type(obj).objects.filter(pk=obj.pk), user, "change").exists()


# Writes: papers ------------------------------------------------------------------------


def _clean_text(title, facts, rule) -> dict:
    values, errors = {}, {}
    if title is not None:
        title = title.strip()
        if not title:
            errors["title"] = ["请用一句话写明发现的问题。"]
        elif len(title) > 200:
            errors["title"] = ["问题概述不超过 200 字。"]
        values["title"] = title
    if facts is not None:
        facts = facts.strip()
        if not facts:
            errors["facts"] = ["请写明查实的事实。"]
        elif len(facts) > 20000:
            errors["facts"] = ["事实部分不超过 20000 字。"]
        values["facts"] = facts
    if rule is not None:
        rule = rule.strip()
        if len(rule) > 5000:
            errors["rule"] = ["违反的规定不超过 5000 字。"]
        values["rule"] = rule
    if errors:
        raise ValidationError(errors)
    return values


def _evidence(inspection: Inspection, given: dict) -> dict[str, list]:
    """The records named in ``given`` ({field: records or ids, or None to leave alone}),
    each of ``inspection``; a record of another inspection (or none at all) is refused alike."""
    resolved, errors = {}, {}
    for field, items in given.items():
        if items is None:
            continue
        model, label = EVIDENCE[field]
        try:
            pks = {int(getattr(x, "pk", x)) for x in items}
        except (TypeError, ValueError):
            errors[field] = [ValidationError(f"所选{label}无效。", code="unknown_reference")]
            continue
        found = list(model.objects.filter(pk__in=pks, inspection_id=inspection.pk))
        if len(found) != len(pks):
            errors[field] = [
                ValidationError(f"所选{label}不属于本次巡察，不能作为本底稿的证据。", code="unknown_reference")
            ]
        resolved[field] = found
    if errors:
        raise ValidationError(errors)
    return resolved


def _store_uploads(actor, inspection: Inspection, uploads, stored: list[Attachment]) -> list[Attachment]:
    for upload in uploads or ():
        stored.append(attachment_create(actor=actor, inspection=inspection, upload=upload))
    return stored


def _forget_files(stored: list[Attachment]) -> None:
    """The files of uploads whose rows were rolled back (nothing partial is kept)."""
    for a in stored:
        file_erase(file_path(a.path))


def working_paper_create(
    *,
    actor,
    inspection: Inspection,
    title: str,
    facts: str,
    rule: str = "",
    interviews=(),
    petitions=(),
    document_requests=(),
    attachments=(),
    uploads=(),
) -> WorkingPaper:
    """A new draft paper of ``inspection`` by ``actor`` (its team or the office).

    Evidence is given as records or ids of the same inspection; ``uploads`` (Django
    ``UploadedFile``) are stored as attachments (``onsite.attachments``) and linked.
    """
    access.check(actor, "change", inspection)
    if inspection.stage == Inspection.Stage.ARCHIVED:
        raise ValidationError({"inspection": [ValidationError("该巡察已归档，不能再撰写底稿。", code="not_editable")]})
    values = _clean_text(title, facts, rule)
    evidence = _evidence(
        inspection,
        {
            "interviews": interviews,
            "petitions": petitions,
            "document_requests": document_requests,
            "attachments": attachments,
        },
    )
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            paper = WorkingPaper.objects.create(
                authority_id=inspection.authority_id, inspection=inspection, author=actor, **values
            )
            for field, records in evidence.items():
                getattr(paper, field).set(records)
            paper.attachments.add(*_store_uploads(actor, inspection, uploads, stored))
            audit_record(
                actor=actor,
                action="working_paper.create",
                obj=paper,
                detail={"title": paper.title, "evidence": _evidence_summary(paper)},
            )
    except BaseException:
        _forget_files(stored)
        raise
    return paper


def _evidence_summary(paper: WorkingPaper) -> dict:
    return {field: sorted(getattr(paper, field).values_list("pk", flat=True)) for field in EVIDENCE}


def _lock_editable(actor, paper: WorkingPaper) -> WorkingPaper:
    locked = WorkingPaper.objects.select_for_update().get(pk=paper.pk)
    if locked.status == WorkingPaper.Status.SUBMITTED:
        raise ValidationError(
            {
                "status": [
                    ValidationError("底稿已提交审核，审核前不能修改；如需修改，请审核人退回。", code="not_editable")
                ]
            }
        )
    if locked.status == WorkingPaper.Status.APPROVED:
        raise ValidationError(
            {"status": [ValidationError("底稿已审核通过并形成问题，不能再修改。", code="not_editable")]}
        )
    return locked


def _check_author(actor, paper: WorkingPaper) -> None:
    access.check(actor, "change", paper)
    if actor.pk != paper.author_id:
        raise PermissionDenied("只有撰写人可以修改和提交底稿。")


def working_paper_update(
    *,
    actor,
    paper: WorkingPaper,
    title: str | None = None,
    facts: str | None = None,
    rule: str | None = None,
    interviews=None,
    petitions=None,
    document_requests=None,
    attachments=None,
    uploads=(),
) -> WorkingPaper:
    """Edit a draft or returned paper (its author only). Arguments left ``None`` keep
    their value; evidence given replaces that kind of evidence; ``uploads`` are added."""
    _check_author(actor, paper)
    values = _clean_text(title, facts, rule)
    evidence = _evidence(
        paper.inspection,
        {
            "interviews": interviews,
            "petitions": petitions,
            "document_requests": document_requests,
            "attachments": attachments,
        },
    )
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            locked = _lock_editable(actor, paper)
            before = {f: getattr(locked, f) for f in values}
            for f, v in values.items():
                setattr(paper, f, v)
            paper.status = locked.status
            paper.save()
            for field, records in evidence.items():
                getattr(paper, field).set(records)
            paper.attachments.add(*_store_uploads(actor, paper.inspection, uploads, stored))
            changed = [f for f in values if before[f] != values[f]]
            audit_record(
                actor=actor,
                action="working_paper.update",
                obj=paper,
                detail={"changed": changed, "evidence": _evidence_summary(paper)},
            )
    except BaseException:
        _forget_files(stored)
        raise
    return paper


def working_paper_submit(*, actor, paper: WorkingPaper) -> WorkingPaper:
    """The author submits the paper for review; it needs at least one piece of evidence."""
    _check_author(actor, paper)
    with transaction.atomic():
        locked = _lock_editable(actor, paper)
        if evidence_count(locked) == 0:
            raise ValidationError(
                {
                    "evidence": [
                        ValidationError(
                            "每个问题都要有证据支撑：请至少关联一项谈话、信访举报、调阅资料或附件后再提交。",
                            code="missing_prerequisite",
                        )
                    ]
                }
            )
        paper.status = WorkingPaper.Status.SUBMITTED
        paper.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="working_paper.submit",
            obj=paper,
            detail={"title": paper.title, "resubmitted": locked.status == WorkingPaper.Status.RETURNED},
        )
    return paper


# Writes: review ------------------------------------------------------------------------


def _check_reviewer(actor, paper: WorkingPaper) -> None:
    """The team leader or a deputy of the paper's inspection, not its author; the office of
    the authority for a paper the team leader wrote."""
    access.check(actor, "view", paper)
    held = access.roles_on(actor, paper)
    reviews = access.may(actor, "paper.review", paper, held=held)
    reviews_leaders = access.may(actor, "paper.review_leaders_paper", paper, held=held)
    if actor.pk == paper.author_id:
        if reviews or reviews_leaders:
            raise ValidationError({"reviewer": [ValidationError(NO_SELF_REVIEW, code="self_action")]})
        raise PermissionDenied
    if reviews:
        return
    if reviews_leaders and access.TEAM_LEADER in access.roles_on(paper.author, paper):
        return
    raise PermissionDenied


def _lock_submitted(paper: WorkingPaper) -> WorkingPaper:
    locked = WorkingPaper.objects.select_for_update().get(pk=paper.pk)
    if locked.status != WorkingPaper.Status.SUBMITTED:
        raise ValidationError(
            {"status": [ValidationError(f"该底稿{locked.get_status_display()}，不在待审核状态。", code="stage_order")]}
        )
    return locked


def working_paper_return(*, actor, paper: WorkingPaper, comment: str) -> WorkingPaper:
    """Send a submitted paper back to its author with the reviewer's comments."""
    _check_reviewer(actor, paper)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ["请写明退回意见，告诉撰写人需要补充或修改什么。"]})
    if len(comment) > 2000:
        raise ValidationError({"comment": ["退回意见不超过 2000 字。"]})
    with transaction.atomic():
        _lock_submitted(paper)
        paper.status = WorkingPaper.Status.RETURNED
        paper.review_comment = comment
        paper.reviewed_by = actor
        paper.reviewed_at = timezone.now()
        paper.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
        audit_record(actor=actor, action="working_paper.return", obj=paper, detail={"comment": comment})
    return paper


def parse_amount(value) -> Decimal | None:
    """Yuan, at least 0, to the fen (two decimals); ``None`` or blank for no amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": ["金额须为数字，例如 12800.50。"]})
    if not amount.is_finite():
        raise ValidationError({"amount": ["金额须为数字，例如 12800.50。"]})
    if amount < 0:
        raise ValidationError({"amount": ["金额不能为负数。"]})
    if amount > MAX_AMOUNT:  # before quantize, which fails on numbers of more than 28 digits
        raise ValidationError({"amount": ["金额过大，请核对（单位为元）。"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": ["金额以元为单位，最多保留两位小数（到分）。"]})
    return amount.quantize(Decimal("0.01"))


def _finding_values(
    paper: WorkingPaper,
    *,
    title,
    description,
    focus_area,
    severity,
    people,
    amount,
    immediate,
    immediate_deadline,
) -> dict:
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    values: dict = {}
    title = (title or "").strip() or paper.title
    if len(title) > 200:
        errors["title"] = ["问题不超过 200 字。"]
    values["title"] = title
    values["description"] = (description or "").strip() or paper.facts
    if severity not in Finding.Severity.values:
        errors["severity"] = ["请选择严重程度（一般、较重、严重）。"]
    values["severity"] = severity
    people = (people or "").strip()
    if len(people) > 300:
        errors["people"] = ["涉及人员不超过 300 字。"]
    values["people"] = people
    try:
        values["amount"] = parse_amount(amount)
    except ValidationError as e:
        errors.update(e.error_dict)
    if focus_area is not None and not isinstance(focus_area, FocusArea):
        try:
            focus_area = FocusArea.objects.select_related("taxonomy").filter(pk=int(focus_area)).first()
        except (TypeError, ValueError):
            focus_area = None
        if focus_area is None:
            errors["focus_area"] = [ValidationError("所选监督重点不存在。", code="unknown_reference")]
    if "focus_area" not in errors:
        try:
            values["focus_area"] = focus_leaf_check(focus_area, authority_id=paper.authority_id)
        except ValidationError as e:
            errors.update(e.error_dict)
    values["immediate"] = bool(immediate)
    if immediate:
        if not isinstance(immediate_deadline, datetime.date):
            errors["immediate_deadline"] = ["立行立改的问题须填写整改期限。"]
        values["immediate_deadline"] = immediate_deadline
    else:
        values["immediate_deadline"] = None
    if errors:
        raise ValidationError(errors)
    return values


def working_paper_approve(
    *,
    actor,
    paper: WorkingPaper,
    focus_area,
    title: str = "",
    description: str = "",
    severity: str = Finding.Severity.GENERAL,
    people: str = "",
    amount=None,
    immediate: bool = False,
    immediate_deadline: datetime.date | None = None,
    comment: str = "",
) -> Finding:
    """Approve a submitted paper; its finding is made in the same step and returned.

    The reviewer fills in the finding: title (default: the paper's), description
    (default: the facts), a focus-area leaf of the current version (``FocusArea`` or its
    id), severity, people involved, amount in yuan (≥ 0, to the fen) and whether it is
    immediate (立行立改), which needs a deadline. One finding per paper.
    """
    _check_reviewer(actor, paper)
    values = _finding_values(
        paper,
        title=title,
        description=description,
        focus_area=focus_area,
        severity=severity,
        people=people,
        amount=amount,
        immediate=immediate,
        immediate_deadline=immediate_deadline,
    )
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": ["审核意见不超过 2000 字。"]})
    try:
        with transaction.atomic():
            _lock_submitted(paper)
            finding = Finding.objects.create(
                authority_id=paper.authority_id,
                inspection_id=paper.inspection_id,
                working_paper=paper,
                created_by=actor,
                **values,
            )
            paper.status = WorkingPaper.Status.APPROVED
            paper.review_comment = comment
            paper.reviewed_by = actor
            paper.reviewed_at = timezone.now()
            paper.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
            audit_record(
                actor=actor,
                action="working_paper.approve",
                obj=paper,
                detail={"finding": finding.pk, "comment": comment},
            )
            audit_record(
                actor=actor,
                action="finding.create",
                obj=finding,
                detail={
                    "working_paper": paper.pk,
                    "focus_area": f"{finding.focus_area.code} {finding.focus_area.name}",
                    "version": finding.focus_area.taxonomy.version,
                    "severity": finding.severity,
                    "amount": finding.amount,
                    "immediate": finding.immediate,
                    "immediate_deadline": finding.immediate_deadline,
                },
            )
    except IntegrityError:  # a finding for this paper already exists
        raise ValidationError({"working_paper": [ValidationError("该底稿已形成问题。", code="duplicate")]})
    return finding


def todos_for(user) -> list:
    """The workbench's to-dos of working papers: papers waiting for ``user``'s review, and
    ``user``'s own papers returned for changes. Each links to the paper."""
    qs = WorkingPaper.objects.none()
    if access.may_somewhere(user, "paper.review"):
        reviewed = {i for role in access.step_roles("paper.review") for i in access.scope_ids(user, role)}
        qs = WorkingPaper.objects.filter(status=WorkingPaper.Status.SUBMITTED, inspection_id__in=reviewed)
    if access.may_somewhere(user, "paper.review_leaders_paper"):
        by_leader = RoleAssignment.objects.filter(
            user_id=OuterRef("author_id"), role=access.TEAM_LEADER, scope_id=OuterRef("inspection_id")
        )
        office = access.restrict(
            WorkingPaper.objects.filter(Exists(by_leader), status=WorkingPaper.Status.SUBMITTED), user, "change"
        )
        qs = qs | office
    waiting = access.restrict(qs.exclude(author=user), user, "view").select_related("inspection__organization")
    returned = access.restrict(
        WorkingPaper.objects.filter(author=user, status=WorkingPaper.Status.RETURNED), user, "view"
    ).select_related("inspection__organization")
    todos = [
        Todo(
            f"{p.inspection.organization.name}：底稿“{p.title}”待审核",
            reverse("onsite:working_paper", args=[p.pk]),
            None,
            "底稿",
        )
        for p in waiting.order_by("updated_at")
    ]
    todos += [
        Todo(
            f"{p.inspection.organization.name}：底稿“{p.title}”被退回，待修改",
            reverse("onsite:working_paper", args=[p.pk]),
            None,
            "底稿",
        )
        for p in returned.order_by("updated_at")
    ]
    return todos
