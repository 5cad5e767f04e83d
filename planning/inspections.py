"""Terms, rounds and inspections: their writes (each with its audit event) and the reads of
planning's records (narrowed by the access module)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import access
from core.audit import audit_record
from planning.models import Inspection, InspectionKind, Inspector, Round, Team, Term


def term_create(*, actor, authority, name: str, start_on, end_on, scope_kinds=(), village_target: int = 100) -> Term:
    """Define a term and the organisation kinds it must cover (all kinds when none are given)."""
    access.check_authority(actor, "change", Term, authority)
    term = Term(authority=authority, name=name, start_on=start_on, end_on=end_on, village_target=village_target)
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if start_on and end_on and end_on <= start_on:
        errors["end_on"] = [ValidationError("结束日期须晚于开始日期。", code="out_of_scope_date")]
    if any(k.authority_id != authority.pk for k in scope_kinds):
        errors["scope_kinds"] = [ValidationError("所选单位类别不属于本机构。", code="unknown_reference")]
    if not 0 <= village_target <= 100:
        errors["village_target"] = ["覆盖目标须在 0 到 100 之间。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        term.full_clean()
        term.save()
        term.scope_kinds.set(scope_kinds)
        audit_record(
            actor=actor,
            action="term.create",
            obj=term,
            detail={"scope_kinds": [k.name for k in scope_kinds], "village_target": village_target},
        )
    return term


def round_create(
    *, actor, term: Term, number: int | None = None, kind: str = "regular", entry_on=None, onsite_end_on=None
) -> Round:
    """Add a round to ``term``; ``number`` defaults to the next free one (第N轮)."""
    access.check_authority(actor, "change", Round, term.authority)
    if number is None:
        number = (term.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    errors: dict[str, list] = {}  # messages or ValidationErrors, by field
    if not 1 <= number <= 99:
        errors["number"] = ["轮次须在 1 到 99 之间。"]
    elif term.rounds.filter(number=number).exists():
        errors["number"] = [ValidationError(f"本届已有第{number}轮。", code="duplicate")]
    if entry_on and onsite_end_on and onsite_end_on < entry_on:
        errors["onsite_end_on"] = [ValidationError("结束进驻日期不能早于进驻日期。", code="out_of_scope_date")]
    for field, day in (("entry_on", entry_on), ("onsite_end_on", onsite_end_on)):
        if day and not term.start_on <= day <= term.end_on:
            errors.setdefault(field, []).append(
                ValidationError(
                    f"日期须在本届起止日期（{term.start_on:%Y-%m-%d} 至 {term.end_on:%Y-%m-%d}）之内。",
                    code="out_of_scope_date",
                )
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rnd = Round(
            authority=term.authority,
            term=term,
            number=number,
            kind=kind,
            entry_on=entry_on,
            onsite_end_on=onsite_end_on,
        )
        rnd.full_clean()
        rnd.save()
        audit_record(actor=actor, action="round.create", obj=rnd)
    return rnd


REPEAT_ALLOWED = (InspectionKind.LOOKBACK, InspectionKind.SPECIAL)


def inspection_create(
    *,
    actor,
    round: Round,
    organization,
    kind: str = "regular",
    stage: str = "preparation",
    repeat_reason: str = "",
    theme: str = "",
    revisits: Inspection | None = None,
) -> Inspection:
    """Plan an inspection of ``organization`` in ``round``.

    A special inspection has a theme; a look-back names the earlier inspection it
    revisits (of the same organisation, or of one merged into it). A second
    inspection of the same organisation in one term is allowed only for a look-back
    or special inspection, or with ``repeat_reason`` recorded.
    """
    access.check_authority(actor, "change", Inspection, round.authority)
    if organization.authority_id != round.authority_id:
        raise PermissionDenied
    _check_kind(round=round, organization=organization, kind=kind, theme=theme.strip(), revisits=revisits)
    earlier = Inspection.objects.filter(round__term_id=round.term_id, organization=organization).select_related("round")
    if kind not in REPEAT_ALLOWED and not repeat_reason.strip() and earlier.exists():
        numbers = "、".join(f"第{i.round.number}轮" for i in earlier)
        message = f"{organization.name}本届已在{numbers}巡察；再次巡察须为回头看或专项巡察，或填写理由。"
        raise ValidationError({"repeat_reason": [ValidationError(message, code="duplicate")]})
    with transaction.atomic():
        inspection = Inspection(
            authority=round.authority,
            round=round,
            organization=organization,
            kind=kind,
            stage=stage,
            repeat_reason=repeat_reason.strip(),
            theme=theme.strip(),
            revisits=revisits,
        )
        inspection.full_clean()
        inspection.save()
        audit_record(actor=actor, action="inspection.create", obj=inspection)
    return inspection


def _check_kind(*, round: Round, organization, kind: str, theme: str, revisits: Inspection | None) -> None:
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": [ValidationError("未知的巡察类型。", code="unknown_choice")]})
    if kind == InspectionKind.SPECIAL and not theme:
        raise ValidationError({"theme": ["专项巡察须填写巡察主题。"]})
    if kind != InspectionKind.LOOKBACK:
        if revisits is not None:
            raise ValidationError({"revisits": ["只有“回头看”需要指明原巡察。"]})
        return
    if revisits is None:
        raise ValidationError({"revisits": ["“回头看”须指明所回看的此前巡察。"]})
    same_unit = revisits.organization_id == organization.pk or revisits.organization.merged_into_id == organization.pk
    if revisits.authority_id != round.authority_id or not same_unit:
        raise ValidationError(
            {"revisits": [ValidationError(f"所选原巡察不是对{organization.name}的巡察。", code="unknown_reference")]}
        )
    earlier = (revisits.round.term.start_on, revisits.round.number) < (round.term.start_on, round.number)
    if not earlier:
        raise ValidationError(
            {"revisits": [ValidationError("“回头看”只能回看更早轮次的巡察。", code="unknown_reference")]}
        )


def inspections_for(*, user, round=None):
    """Inspections the user may see: the office all of its authority's, a team its own."""
    qs = Inspection.objects.select_related("round__term", "organization__kind")
    if round is not None:
        qs = qs.filter(round=round)
    return access.restrict(qs, user, "view")


def terms_for(*, user):
    return access.restrict(Term.objects.select_related("authority").prefetch_related("scope_kinds"), user, "view")


def rounds_for(*, user):
    return access.restrict(Round.objects.select_related("term"), user, "view").order_by("term__start_on", "number")


def inspectors_for(*, user):
    return access.restrict(Inspector.objects.all(), user, "view")


def teams_for(*, user):
    """Teams the user may see; distinct because members reach a team through any of its inspections."""
    return access.restrict(Team.objects.select_related("round"), user, "view").distinct().order_by("round", "id")
