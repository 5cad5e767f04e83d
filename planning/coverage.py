"""Full coverage within a term (届内巡察全覆盖): who is in scope, who is covered, who is owed.

The rules:

- In scope: organisations of the term's kinds (all kinds if none chosen) that existed
  during the term, i.e. created by its end and not ended before its start.
- Covered: inspected in one of the term's rounds, the inspection past preparation
  (an inspection still in preparation is *planned*: the organisation is still owed).
- Merged: an organisation that merged into another during the term drops out, and its
  coverage passes to the one it merged into (through any chain of mergers).
- Dissolved: drops out, with a note.
- Created during the term: in scope like any other, so owed until inspected.

``term_coverage`` answers in four queries whatever the registry's size.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.utils import timezone

from core.documents import cn_date
from planning.models import Inspection, Term
from registry.models import Organization


@dataclass
class KindShare:
    kind_id: int
    name: str
    is_village: bool
    in_scope: int = 0
    covered: int = 0

    @property
    def share(self) -> float:
        return round(self.covered / self.in_scope, 4) if self.in_scope else 1.0


@dataclass
class Owed:
    organization: Organization
    planned_round: int | None  # the round that already plans it, if any


@dataclass
class Dropped:
    organization: Organization
    note: str


@dataclass
class Coverage:
    term: Term
    in_scope: int = 0
    covered: int = 0
    uncovered: list[Owed] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    by_kind: list[KindShare] = field(default_factory=list)
    remaining_rounds: list[int] = field(default_factory=list)

    @property
    def share(self) -> float:
        return round(self.covered / self.in_scope, 4) if self.in_scope else 1.0

    @property
    def per_remaining_round(self) -> int | None:
        """How many organisations each remaining planned round must take to finish on time."""
        if not self.uncovered:
            return 0
        return math.ceil(len(self.uncovered) / len(self.remaining_rounds)) if self.remaining_rounds else None

    @property
    def village(self) -> KindShare | None:
        villages = [k for k in self.by_kind if k.is_village]
        if not villages:
            return None
        total = KindShare(0, "村(社区)", True)
        for k in villages:
            total.in_scope += k.in_scope
            total.covered += k.covered
        return total


def term_coverage(term: Term, *, today: datetime.date | None = None) -> Coverage:
    """The coverage of ``term``. The caller has already checked the user may see the term."""
    today = today or timezone.localdate()
    scope = set(term.scope_kinds.values_list("id", flat=True))
    orgs = list(
        Organization.objects.filter(authority_id=term.authority_id)
        .select_related("kind", "merged_into")
        .order_by("code")
    )
    inspected: set[int] = set()
    planned: dict[int, int] = {}
    rows = Inspection.objects.filter(round__term=term).values_list("organization_id", "stage", "round__number")
    for org_id, stage, number in rows:
        if stage == Inspection.Stage.PREPARATION:
            planned[org_id] = min(planned.get(org_id, number), number)
        else:
            inspected.add(org_id)
    predecessors: dict[int, list[int]] = {}
    for o in orgs:
        if o.merged_into_id and o.ended_on and o.ended_on <= term.end_on:
            predecessors.setdefault(o.merged_into_id, []).append(o.pk)

    def is_covered(org_id: int, seen: frozenset = frozenset()) -> bool:
        if org_id in inspected:
            return True
        return any(p not in seen and is_covered(p, seen | {org_id}) for p in predecessors.get(org_id, ()))

    result = Coverage(term=term)
    kinds: dict[int, KindShare] = {}
    for o in orgs:
        if scope and o.kind_id not in scope:
            continue
        if (o.established_on and o.established_on > term.end_on) or (o.ended_on and o.ended_on < term.start_on):
            continue  # did not exist during the term
        if o.status != Organization.Status.ACTIVE and o.ended_on and o.ended_on <= term.end_on:
            if o.status == Organization.Status.MERGED and o.merged_into is not None:
                note = f"已于{cn_date(o.ended_on)}并入{o.merged_into.name}，其巡察情况计入后者"
            else:
                note = f"已于{cn_date(o.ended_on)}撤销，不再计入全覆盖"
            result.dropped.append(Dropped(o, note))
            continue
        share = kinds.setdefault(o.kind_id, KindShare(o.kind_id, o.kind.name, o.kind.is_village))
        share.in_scope += 1
        result.in_scope += 1
        if is_covered(o.pk):
            share.covered += 1
            result.covered += 1
        else:
            result.uncovered.append(Owed(o, planned.get(o.pk)))
    result.by_kind = sorted(kinds.values(), key=lambda k: k.kind_id)
    result.remaining_rounds = [
        r.number for r in term.rounds.order_by("number") if r.entry_on is None or r.entry_on > today
    ]
    return result
