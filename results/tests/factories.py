"""Results records for tests (reports, leads, transfers, feedback), on top of the shared
``world`` fixture (conftest.py). Each makes county A's record the first time it is asked
for and the same record after (once per test), unless its docstring says otherwise.

The finding, the ORM-made report and the feedback that later stages build on too are in
the root conftest.py (``finding``, ``inspection_report``, ``feedback``)."""

from conftest import feedback, finding

LEAD_NAME = "王某某"
CLEAN = "\n".join(
    ["一、基本情况", "巡察组进驻了解情况。", "二、总体评价", "总体较好。", "三、发现的主要问题"]
    + ["（一）聚焦监督重点", "1.问题。", "四、意见建议", "抓好整改。"]
)
SPECIAL = "一、有关领导干部问题线索\n某局长涉嫌违规收受礼金。"


def _today():
    from django.utils import timezone

    return timezone.localdate()


# Reports ---------------------------------------------------------------------------------


def team_report(w):
    """County A's report, as the team creates it (once per test)."""
    from results.models import InspectionReport
    from results.reports import report_create

    a = w["a"]
    found = InspectionReport.objects.filter(inspection=a.inspection).first()
    return found or report_create(actor=a.users["team_member"], inspection=a.inspection)


def ready_report(w):
    """The report with a second version written out in full (and a special report) and both ratings."""
    from results.reports import report_rate, report_version_save

    r = team_report(w)
    if r.versions.count() == 1:
        leader = w["a"].users["team_leader"]
        report_version_save(actor=leader, report=r, body=CLEAN, special_body="一、问题线索\n某某涉嫌违规。")
        report_rate(actor=leader, report=r, ecology="same", implementation="fair_good")
    return r


def submitted_report(w):
    from results.reports import report_submit

    r = ready_report(w)
    if r.status == "draft":
        report_submit(actor=w["a"].users["team_leader"], report=r)
    return r


def written_report(county):
    """A new report of the county's inspection written out in full (version 2, note 完善), with
    the special report ``SPECIAL`` and both ratings."""
    from results.reports import report_create, report_rate, report_version_save

    leader = county.users["team_leader"]
    report = report_create(actor=county.users["team_member"], inspection=county.inspection)
    report_version_save(actor=leader, report=report, body=CLEAN, special_body=SPECIAL, note="完善")
    report_rate(actor=leader, report=report, ecology="same", implementation="fair_good")
    return report


def leaf_under(authority, root_code):
    """A leaf of group focus under the root area ``root_code``, of any taxonomy version."""
    from onsite.models import FocusArea

    return FocusArea.objects.filter(
        taxonomy__authority=authority, group="focus", children__isnull=True, parent__code=root_code
    ).first()


def finding_under(county, title, description, root_code, immediate=False):
    """A new finding (each call) of the county's inspection on an approved working paper, in a
    leaf under the root area ``root_code``."""
    from onsite.models import Finding, WorkingPaper

    author = county.users["team_member"]
    paper = WorkingPaper.objects.create(
        authority=county.authority,
        inspection=county.inspection,
        title=title,
        facts=description,
        status=WorkingPaper.Status.APPROVED,
        author=author,
    )
    return Finding.objects.create(
        authority=county.authority,
        inspection=county.inspection,
        working_paper=paper,
        title=title,
        description=description,
        focus_area=leaf_under(county.authority, root_code),
        immediate=immediate,
        created_by=author,
    )


# Leads and transfers -----------------------------------------------------------------------


def first_finding(w):
    """County A's first finding, whatever its title; if it has none, an approved working paper
    and its finding "公务接待超标准" with the overspend (3.6 万元) in its description."""
    from onsite.models import Finding, FocusArea, WorkingPaper

    a = w["a"]
    found = Finding.objects.filter(inspection=a.inspection).first()
    if found:
        return found
    area = FocusArea.objects.filter(taxonomy__authority=a.authority, group="focus", children__isnull=True).first()
    author = a.users["team_member"]
    paper = WorkingPaper.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        title="公务接待超标准",
        facts="2025年超标准接待 12 次",
        status="approved",
        author=author,
    )
    return Finding.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        working_paper=paper,
        title="公务接待超标准",
        description="2025年超标准接待 12 次，超支 3.6 万元",
        focus_area=area,
        created_by=author,
    )


def other_receiver(w):
    from core.models import Receiver
    from core.services import receiver_create

    a = w["a"]
    found = Receiver.objects.filter(authority=a.authority, kind="other").first()
    return found or receiver_create(actor=None, authority=a.authority, name="甲县财政局", kind="other")


def lead(w):
    """An unsealed discipline lead on county A's inspection, recorded by the office head."""
    from results.leads import lead_create
    from results.models import Lead

    a = w["a"]
    found = Lead.objects.filter(inspection=a.inspection, category="discipline").first()
    return found or lead_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        category="discipline",
        name=LEAD_NAME,
        post="县委办公室副主任",
        details="违规收受礼金",
    )


def lead_transfer(w):
    """County A's lead, transferred to its discipline receiver."""
    from results.models import Transfer
    from results.transfers import transfer_create

    a = w["a"]
    found = Transfer.objects.filter(inspection=a.inspection, kind="leads").first()
    return found or transfer_create(
        actor=a.users["office_head"],
        inspection=a.inspection,
        receiver=a.receiver,
        kind="leads",
        leads=[lead(w)],
        sent_on=_today(),
    )


def received_transfer(w):
    from results.transfers import transfer_receive

    t = lead_transfer(w)
    if t.received_on is None:
        transfer_receive(actor=w["a"].users["receiver"], transfer=t, received_on=_today(), received_name="孙某")
    return t


def finding_transfer(w):
    """County A's finding, transferred to a department (the office sees it)."""
    from results.models import Transfer
    from results.transfers import transfer_create

    a = w["a"]
    found = Transfer.objects.filter(inspection=a.inspection, kind="findings").first()
    return found or transfer_create(
        actor=a.users["office"],
        inspection=a.inspection,
        receiver=other_receiver(w),
        kind="findings",
        findings=[first_finding(w)],
        sent_on=_today(),
    )


# Feedback ------------------------------------------------------------------------------------


def acknowledged_feedback(w):
    """An acknowledged feedback with a finding: what the unit's liaison may read."""
    finding(w)
    return feedback(w, acknowledged=True)
