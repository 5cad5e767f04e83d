"""On-site records for tests (talks, working papers and findings, the focus-area taxonomy,
document requests, surveys, petitions, attachments), on top of the shared ``world`` fixture
(conftest.py). Made with the real services (the talk, the unit's leader and the team's
members with the ORM), the first time they are asked for and the same record after (once
per test)."""

import datetime

PDF = b"%PDF-1.4\n%%EOF\n"


# Working papers, findings and the focus-area taxonomy ------------------------------------

TITLE = "违规发放津补贴"
FACTS = "2025年1月至6月，该单位以加班补助名义向班子成员发放津贴12800元。"


def talk(w, county="a"):
    """A held talk of the county's inspection (evidence)."""
    from django.utils import timezone

    from onsite.models import Interview

    c = w[county]
    found = Interview.objects.filter(inspection=c.inspection).first()
    return found or Interview.objects.create(
        authority=c.authority,
        inspection=c.inspection,
        interviewee="王会计",
        post="财务室主任",
        category=Interview.Category.KEY_POST,
        held_at=timezone.now(),
        notes="反映津贴发放情况",
    )


def current_leaf(authority):
    """The first leaf of group focus in the authority's current version."""
    from onsite.focus import focus_current
    from onsite.models import FocusArea

    taxonomy = focus_current(authority.pk)
    return (
        FocusArea.objects.filter(taxonomy=taxonomy, group="focus", children__isnull=True)
        .order_by("parent__order", "order")
        .first()
    )


def paper(w, status="draft", county="a"):
    """A paper of the county's inspection by its team member, in ``status`` (made once)."""
    from onsite.models import WorkingPaper
    from onsite.papers import working_paper_approve, working_paper_create, working_paper_submit

    c = w[county]
    found = WorkingPaper.objects.filter(inspection=c.inspection, status=status).first()
    if found:
        return found
    made = working_paper_create(
        actor=c.users["team_member"], inspection=c.inspection, title=TITLE, facts=FACTS, interviews=[talk(w, county)]
    )
    if status in ("submitted", "approved"):
        working_paper_submit(actor=c.users["team_member"], paper=made)
    if status == "approved":
        working_paper_approve(
            actor=c.users["team_leader"],
            paper=made,
            focus_area=current_leaf(c.authority),
            immediate=True,
            immediate_deadline=datetime.date(2026, 10, 10),
            amount="12800",
        )
    made.refresh_from_db()
    return made


def immediate_finding(w, county="a"):
    """An immediate finding of the county's inspection."""
    return paper(w, "approved", county).finding


def draft_taxonomy(w, county="a"):
    """The county's draft taxonomy (version 2, copied from version 1), made once."""
    from onsite.focus import focus_draft, focus_taxonomy_draft

    c = w[county]
    return focus_draft(c.authority.pk) or focus_taxonomy_draft(actor=c.users["office"], authority=c.authority)


def draft_leaf(w):
    from onsite.models import FocusArea

    return (
        FocusArea.objects.filter(taxonomy=draft_taxonomy(w), children__isnull=True, group="focus")
        .order_by("-id")
        .first()
    )


def current_area(w):
    from onsite.focus import focus_current

    return focus_current(w["a"].authority.pk).areas.order_by("id").first()


# Talks, document requests and surveys ----------------------------------------------------


def members(w):
    """Two members of county A's team (interviewers need at least two)."""
    from planning.models import Inspector, TeamMember

    a = w["a"]
    found = list(TeamMember.objects.filter(team=a.team).order_by("id")[:2])
    for name in ("赵敏", "钱进")[len(found) :]:
        inspector = Inspector.objects.create(authority=a.authority, name=name, unit="县审计局")
        found.append(TeamMember.objects.create(team=a.team, inspector=inspector, role="member"))
    return found


def interview(w):
    from onsite.interviews import interview_create
    from onsite.models import Interview

    a = w["a"]
    return Interview.objects.filter(inspection=a.inspection).first() or interview_create(
        actor=a.users["team_member"], inspection=a.inspection, interviewee="孙立新", category="leadership", post="主任"
    )


def leader(w):
    from registry.models import OrganizationLeader

    a = w["a"]
    return OrganizationLeader.objects.get_or_create(
        organization=a.orgs["dept"], name="周建国", post="党组书记", defaults={"start_on": datetime.date(2022, 1, 1)}
    )[0]


def document_request(w):
    from onsite.document_requests import document_request_create
    from onsite.models import DocumentRequest

    a = w["a"]
    return DocumentRequest.objects.filter(inspection=a.inspection).first() or document_request_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        title="2024年度党组会议记录",
        requested_on=datetime.date(2026, 1, 5),
    )


def received_request(w):
    from onsite.document_requests import document_request_receive

    found = document_request(w)
    if found.received_on is None:
        document_request_receive(
            actor=w["a"].users["team_member"], document_request=found, received_on=datetime.date(2026, 1, 6)
        )
    return found


def survey(w):
    from onsite.models import Survey
    from onsite.surveys import survey_create

    a = w["a"]
    return Survey.objects.filter(inspection=a.inspection).first() or survey_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        kind="evaluation",
        title="领导班子民主测评",
        held_on=datetime.date(2026, 1, 8),
        handed_out=40,
        returned=38,
    )


def results_xlsx():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["测评项目", "好", "较好", "一般", "差"])
    wb.active.append(["领导班子总体评价", 20, 10, 5, 3])
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("测评结果.xlsx", buf.getvalue())


# Petitions and attachments --------------------------------------------------------------

SUBJECT = "反映县委办公室公车私用问题"


def petition(w):
    """County A's inspection's petition (made once per test)."""
    from onsite.models import Petition
    from onsite.petitions import petition_create

    a = w["a"]
    found = Petition.objects.filter(inspection=a.inspection).first()
    return found or petition_create(
        actor=a.users["team_member"],
        inspection=a.inspection,
        channel="letter",
        received_on=datetime.date(2026, 9, 3),
        subject=SUBJECT,
        content="有干部周末开公车去钓鱼。",
        anonymous=False,
        name="李四",
        phone="13800000000",
    )


def designated_intake(w):
    """The member designated for intake, so that the revocation has something to end."""
    from onsite.petitions import intake_designate, intake_members

    a = w["a"]
    if not intake_members(a.inspection).filter(pk=w["a"].users["team_member"].pk).exists():
        intake_designate(actor=a.users["team_leader"], inspection=a.inspection, user=w["a"].users["team_member"])
    return w["a"].users["team_member"]


def attachment(w):
    """County A's inspection's attachment (made once per test)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onsite.attachments import attachment_create
    from onsite.models import Attachment

    a = w["a"]
    found = Attachment.objects.filter(inspection=a.inspection).first()
    return found or attachment_create(
        actor=a.users["team_member"], inspection=a.inspection, upload=SimpleUploadedFile("谈话提纲.pdf", PDF)
    )
