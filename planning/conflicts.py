"""Conflict of interest (回避): the rules of domain.md, checked when a person joins a team.

An inspector must not inspect an organisation where they
0. work now (their 所在单位: the registry organisation, or the unit's text matched by name);
1. worked within the last 3 years, or
2. worked for more than 3 years in all;
3. studied;
4. have a spouse or close relative working; or
5. had a superior–subordinate relation with its leaders within the last 3 years
   (they worked in the same organisation as one of its current or recent leaders,
   the periods overlapping within the window);
and 6. whatever the inspector declared about it.
Each conflict found carries its reason in Chinese, for the office's decision.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from planning.models import Inspector, InspectorRecord
from registry.models import Organization, OrganizationLeader

WINDOW_YEARS = 3


@dataclass(frozen=True)
class Conflict:
    rule: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _overlap(a_start, a_end, b_start, b_end, today) -> tuple[datetime.date, datetime.date] | None:
    start, end = max(a_start, b_start), min(a_end or today, b_end or today)
    return (start, end) if start <= end else None


def conflict_check(
    inspector: Inspector, organization: Organization, on: datetime.date, *, cache: dict | None = None
) -> list[Conflict]:
    """The conflicts between ``inspector`` and ``organization`` as of ``on``.

    Reads the inspector's records, relatives and declarations (prefetch them to check many
    people); ``cache``, a dict kept across calls for the same ``on``, saves reading the
    organisation's leaders again for each person.
    """
    cutoff = _years_before(on, WINDOW_YEARS)
    found: list[Conflict] = []
    if _works_at(inspector, organization):
        found.append(Conflict("current_unit", f"现在{organization.name}工作（所在单位）"))
    records = list(inspector.records.all())
    work = [r for r in records if r.kind == InspectorRecord.Kind.WORK]

    here = [r for r in work if r.organization_id == organization.pk]
    recent = [r for r in here if (r.end_on or on) >= cutoff]
    if recent:
        r = recent[0]
        found.append(Conflict("worked_recently", f"近三年内曾在{organization.name}工作（{_span(r)}）"))
    total_days = sum(((r.end_on or on) - r.start_on).days for r in here)
    if total_days > WINDOW_YEARS * 365:
        found.append(Conflict("worked_long", f"曾在{organization.name}工作累计超过三年"))
    for r in records:
        if r.kind == InspectorRecord.Kind.STUDY and r.organization_id == organization.pk:
            found.append(Conflict("studied", f"曾在{organization.name}学习（{_span(r)}）"))
    for rel in inspector.relatives.all():
        if rel.organization_id == organization.pk:
            found.append(Conflict("relative", f"{rel.relation}{rel.name}在{organization.name}工作"))

    names, tenures = _leaders(organization, cutoff, cache) if work else ({}, [])
    if names and work:
        for tenure in tenures:
            for r in work:
                if r.organization_id != tenure.organization_id:
                    continue
                span = _overlap(r.start_on, r.end_on, tenure.start_on, tenure.end_on, on)
                if span and span[1] >= cutoff:
                    leader = names[tenure.name]
                    found.append(
                        Conflict(
                            "superior_subordinate",
                            f"近三年与{organization.name}{leader.post}{leader.name}同在{tenure.organization.name}任职"
                            f"（{tenure.name}时任{tenure.post}），存在上下级关系",
                        )
                    )
                    break
    for d in inspector.declarations.all():
        if d.organization_id == organization.pk:
            found.append(Conflict("declared", f"本人申报：{d.reason}"))
    return found


def _leaders(
    organization: Organization, cutoff: datetime.date, cache: dict | None
) -> tuple[dict[str, OrganizationLeader], list[OrganizationLeader]]:
    """The organisation's leaders within the window by name, and all their tenures in the authority."""
    key = (organization.pk, cutoff)
    if cache is not None and key in cache:
        return cache[key]
    leaders = OrganizationLeader.objects.filter(organization=organization).exclude(end_on__lt=cutoff)
    names = {leader.name: leader for leader in leaders}
    tenures: list[OrganizationLeader] = []
    if names:
        tenures = list(
            OrganizationLeader.objects.filter(
                name__in=names, organization__authority_id=organization.authority_id
            ).select_related("organization")
        )
    if cache is not None:
        cache[key] = (names, tenures)
    return names, tenures


def _works_at(inspector: Inspector, organization: Organization) -> bool:
    """The inspector's current unit is ``organization``: the registry link, or, for a unit kept
    as text only, the same name."""
    if inspector.unit_organization_id is not None:
        return inspector.unit_organization_id == organization.pk
    return inspector.unit.strip() == organization.name


def _span(r: InspectorRecord) -> str:
    return f"{r.start_on:%Y-%m} 至 {r.end_on:%Y-%m}" if r.end_on else f"{r.start_on:%Y-%m} 至今"
