"""The demo county's round seven on site and after: the figures the quality bars of the
on-site and results issues name, loaded once and only once, coverage left as it was."""

import io

from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent, User
from demo import county
from onsite.models import (
    Attachment,
    DocumentRequest,
    Finding,
    Interview,
    Petition,
    PetitionMessage,
    Survey,
    WorkingPaper,
)
from planning.models import Inspection, StageChange, Term
from results.models import Feedback, InspectionReport, Lead, ReportDecision, Transfer


def _load(**kw):
    call_command("load_demo", stdout=io.StringIO(), **kw)


def _special(name):
    return Inspection.objects.get(round__number=7, kind="special", organization__name=name)


def _top(area):
    while area.parent_id is not None:
        area = area.parent
    return area.code


def test_demo_round_seven_on_site(db, settings, tmp_path):
    from core.idnumber import id_number_normalise
    from onsite.duplicates import similar_petitions
    from onsite.petitions import intake_members, petition_identity, reporter_replies
    from onsite.surveys import survey_table

    settings.DATA_DIR = tmp_path
    _load()
    today = timezone.localdate()
    s1 = _special("县财政局")
    assert s1.stage == "onsite" and s1.theme and s1.team.name == "第一巡察组"
    leader = User.objects.get(username="qh_leader")
    assert s1.pk in leader.role_assignments.filter(role="team_leader").values_list("scope_id", flat=True)
    assert list(intake_members(s1).values_list("username", flat=True)) == ["qh_liaison"]

    # Petitions: anonymous ones online, named ones sealed, a duplicate jieba finds, one forwarded.
    petitions = Petition.objects.filter(inspection=s1)
    assert petitions.count() >= 9
    assert petitions.filter(channel="online", anonymous=True).count() >= 2
    assert {"letter", "visit", "phone"} <= set(petitions.values_list("channel", flat=True))
    liaison = User.objects.get(username="qh_liaison")
    named = petitions.filter(anonymous=False)
    assert named.count() >= 3
    for petition in named:
        identity = petition_identity(actor=liaison, petition=petition)
        assert identity["name"] and identity["name"] not in petition.identity  # ciphertext in the column
        assert id_number_normalise(identity["id_number"]) == identity["id_number"]  # a valid check digit
    duplicate = petitions.get(status="duplicate")
    assert duplicate.duplicate_of in [s.petition for s in similar_petitions(duplicate)]
    forwarded = petitions.get(status="out_of_scope")
    assert forwarded.forwarded_to == "县信访局" and forwarded.forwarded_on <= today
    in_scope = petitions.filter(status="in_scope")
    assert {_top(p.focus_area) for p in in_scope} == {"F1", "F2", "F3", "F4"}
    assert all(p.disciplines.exists() for p in in_scope)
    answered = petitions.filter(anonymous=True, channel="online", messages__internal=False).distinct()
    assert answered.exists() and reporter_replies(answered.first()).exists()

    # Talks: the plan from the unit's leaders and others; five held by two or more of the team.
    talks = Interview.objects.filter(inspection=s1)
    leaders = set(s1.organization.leaders.values_list("name", flat=True))
    assert leaders and leaders <= set(talks.filter(category="leadership").values_list("interviewee", flat=True))
    held = talks.filter(held_at__isnull=False)
    assert held.count() >= 5 and talks.filter(held_at__isnull=True).exists()
    for talk in held:
        assert talk.interviewers.count() >= 2 and talk.notes
        assert {m.team_id for m in talk.interviewers.all()} == {s1.team_id}

    # Document requests: reviewed by someone, one overdue.
    documents = DocumentRequest.objects.filter(inspection=s1)
    assert documents.count() >= 6
    assert documents.filter(reviewed_by__isnull=False, received_on__isnull=False).count() >= 3
    assert documents.filter(received_on__isnull=True, due_on__lt=today).exists()  # overdue

    # Surveys: an evaluation and a questionnaire, with tallies imported.
    surveys = Survey.objects.filter(inspection=s1)
    assert set(surveys.values_list("kind", flat=True)) == {"evaluation", "questionnaire"}
    for survey in surveys:
        table = survey_table(survey)
        assert table is not None and table.rows and all(row.total <= survey.returned for row in table.rows)

    # Papers in every status; findings under every focus, of every severity, one immediate.
    papers = WorkingPaper.objects.filter(inspection=s1)
    statuses = list(papers.values_list("status", flat=True))
    assert {statuses.count(s) for s in ("draft", "submitted", "returned")} == {1}
    assert 3 <= statuses.count("approved") <= 4
    assert papers.get(status="returned").review_comment
    findings = Finding.objects.filter(inspection=s1).select_related("focus_area__parent", "working_paper")
    assert {_top(f.focus_area) for f in findings} == {"F1", "F2", "F3", "F4"}
    assert set(findings.values_list("severity", flat=True)) == {"general", "serious", "grave"}
    immediate = findings.get(immediate=True)
    assert immediate.immediate_deadline and immediate.amount
    assert findings.exclude(people="").exists() and findings.filter(amount__isnull=False).count() >= 3
    for f in findings:
        paper = f.working_paper
        assert paper.petitions.exists() or paper.interviews.exists() or paper.document_requests.exists()
    for kind in ("petitions", "interviews", "document_requests"):
        assert papers.filter(**{f"{kind}__isnull": False}).exists()  # evidence of each kind is linked

    # Across round seven's special inspections, findings spread over at least three focuses.
    all_findings = Finding.objects.filter(inspection__round__number=7).select_related("focus_area__parent")
    assert len({_top(f.focus_area) for f in all_findings}) >= 3


def test_demo_round_seven_results(db, settings, tmp_path):
    from results.feedback import unit_findings_for
    from results.leads import leads_for
    from results.transfers import transfer_status

    settings.DATA_DIR = tmp_path
    _load()
    today = timezone.localdate()
    lines = (tmp_path / "demo-accounts.txt").read_text().splitlines()
    listed = {line.split()[0]: line.split()[2] for line in lines}
    assert {"qh_leader2": "team_leader", "qh_leader3": "team_leader", "qh_leader4": "team_leader"}.items() <= (
        listed.items()
    )
    assert listed["qh_unit2"] == "unit_liaison"

    transport, hospital, township = _special("县交通运输局"), _special("县人民医院"), _special("南塘镇")
    assert (transport.stage, hospital.stage, township.stage) == ("reporting", "feedback", "reporting")
    assert [transport.team.name, hospital.team.name, township.team.name] == ["第二巡察组", "第三巡察组", "第四巡察组"]
    for inspection in (transport, hospital, township):
        assert inspection.findings.count() >= 3 and inspection.theme

    # Reports at three different places in the chain.
    reports = {r.inspection_id: r for r in InspectionReport.objects.all()}
    assert (reports[transport.pk].status, reports[transport.pk].step) == ("in_review", "office_review")
    assert reports[hospital.pk].status == "approved" and reports[hospital.pk].results_use
    assert reports[township.pk].status == "returned"
    assert len({(r.status, r.step) for r in reports.values()}) >= 3
    for report in reports.values():
        assert report.ecology and report.implementation
        assert "【请填写" not in report.versions.order_by("-number").first().body
    chain = list(ReportDecision.objects.filter(report=reports[hospital.pk]).order_by("id"))
    assert [d.step for d in chain] == ["team_meeting", "office_review", "leading_group", "secretary"]
    assert {d.decision for d in chain} == {"approved"}
    assert [d.decided_on for d in chain] == sorted(d.decided_on for d in chain)
    returned = ReportDecision.objects.get(report=reports[township.pk], decision="returned")
    assert returned.step == "leading_group" and returned.comments

    # Feedback acknowledged by the unit, which now reads its findings (and only its own).
    feedback = Feedback.objects.get(inspection=hospital)
    assert feedback.acknowledged_by.username == "qh_unit2"
    assert feedback.acknowledged_name in set(hospital.organization.leaders.values_list("name", flat=True))
    assert feedback.issued_on <= feedback.acknowledged_on <= today
    unit = User.objects.get(username="qh_unit2")
    assert set(unit_findings_for(user=unit)) == set(hospital.findings.all())
    assert hospital.findings.filter(excluded="open_case").count() == 1

    # Leads: one of each kind and a sealed one the team leader does not see.
    leads = Lead.objects.filter(inspection=hospital)
    assert {"discipline", "cadre"} <= set(leads.values_list("category", flat=True))
    sealed = leads.get(sealed=True)
    assert sealed.senior and not sealed.transfers.exists()
    assert sealed not in leads_for(user=User.objects.get(username="qh_leader3"))
    assert sealed in leads_for(user=User.objects.get(username="qh_office_head"))

    # Transfers with and without an outcome, one overdue.
    transfers = {t.kind: t for t in Transfer.objects.filter(inspection=hospital).select_related("receiver")}
    done, late, other = transfers["leads"], transfers["cadre"], transfers["findings"]
    assert done.received_by.username == "qh_jw" and done.outcome and transfer_status(done) == "done"
    assert late.received_by.username == "qh_zzb" and not late.outcome
    assert transfer_status(late, today) == "overdue" and late.due_on < today
    assert other.receiver.kind == "other" and not other.outcome and transfer_status(other, today) != "overdue"
    assert all(t.letter_number for t in transfers.values())

    # Every event is dated in the past, and the stages moved forwards in order.
    now = timezone.now()
    assert not Petition.objects.filter(received_on__gt=today).exists()
    assert not Interview.objects.filter(held_at__gt=now).exists()
    assert not DocumentRequest.objects.filter(reviewed_on__gt=today).exists()
    assert not ReportDecision.objects.filter(decided_on__gt=today).exists()
    assert not Transfer.objects.filter(sent_on__gt=today).exists()
    for inspection in (transport, hospital, township, _special("县财政局")):
        days = list(StageChange.objects.filter(inspection=inspection).order_by("id").values_list("on", flat=True))
        assert days == sorted(days) and days[-1] <= today


def test_demo_round_seven_loads_once_and_keeps_coverage(db, settings, tmp_path):
    from planning.coverage import term_coverage

    settings.DATA_DIR = tmp_path
    _load()
    models = (
        Inspection,
        Petition,
        PetitionMessage,
        Interview,
        DocumentRequest,
        Survey,
        WorkingPaper,
        Finding,
        Attachment,
        InspectionReport,
        ReportDecision,
        Feedback,
        Lead,
        Transfer,
        User,
        AuditEvent,
    )
    counts = [m.objects.count() for m in models]
    _load()
    assert [m.objects.count() for m in models] == counts

    # The special inspections are of organisations covered earlier; the eleven regular
    # targets of round seven are still in preparation and still owed.
    special = Inspection.objects.filter(round__number=7, kind="special")
    assert special.count() == 4
    for inspection in special:
        assert Inspection.objects.filter(
            organization=inspection.organization, round__number__lte=6, stage__in=["rectification", "archived"]
        ).exists()
    regular = Inspection.objects.filter(round__number=7, kind="regular")
    assert regular.count() == 11 and set(regular.values_list("stage", flat=True)) == {"preparation"}
    coverage = term_coverage(Term.objects.get(name="十六届县委"))
    owed = {o.organization.name: o.planned_round for o in coverage.uncovered}
    assert owed == {**dict.fromkeys(county.ROUND7, 7), **dict.fromkeys(("县统计局", "县总工会", "县实验幼儿园"))}
    assert coverage.covered == coverage.in_scope - 14
