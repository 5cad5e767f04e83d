"""Writes on terms, rounds and inspections (in outline; the planning issue adds the rest)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core import access
from core.audit import audit_record
from planning.models import Inspection, Round, Term


def term_create(*, actor, authority, name: str, start_on, end_on) -> Term:
    access.check_authority(actor, "change", Term, authority)
    with transaction.atomic():
        term = Term(authority=authority, name=name, start_on=start_on, end_on=end_on)
        term.full_clean()
        term.save()
        audit_record(actor=actor, action="term.create", obj=term)
    return term


def round_create(*, actor, term: Term, number: int, kind: str = "regular", entry_on=None, onsite_end_on=None) -> Round:
    access.check_authority(actor, "change", Round, term.authority)
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


def inspection_create(
    *, actor, round: Round, organization, kind: str = "regular", stage: str = "preparation"
) -> Inspection:
    access.check_authority(actor, "change", Inspection, round.authority)
    if organization.authority_id != round.authority_id:
        raise PermissionDenied
    with transaction.atomic():
        inspection = Inspection(
            authority=round.authority, round=round, organization=organization, kind=kind, stage=stage
        )
        inspection.full_clean()
        inspection.save()
        audit_record(actor=actor, action="inspection.create", obj=inspection)
    return inspection
