"""The on-site figures of an inspection: one query per kind of record."""

from dataclasses import dataclass


@dataclass
class Tally:
    label: str
    value: int
    unit: str


def tallies_for(inspection) -> list[Tally]:
    from onsite.models import Petition

    petitions = inspection.petitions.all()
    findings = inspection.findings.all()
    return [
        Tally("个别谈话", inspection.interviews.filter(held_at__isnull=False).count(), "人次"),
        Tally("受理信访举报", petitions.count(), "件"),
        Tally("其中属于受理范围", petitions.filter(status=Petition.Status.IN_SCOPE).count(), "件"),
        Tally("调阅资料", inspection.document_requests.filter(received_on__isnull=False).count(), "份"),
        Tally("问卷和民主测评", sum(s.returned for s in inspection.surveys.all()), "份"),
        Tally("发现问题", findings.count(), "个"),
        Tally("立行立改", findings.filter(immediate=True).count(), "个"),
    ]
