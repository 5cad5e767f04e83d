"""Rows of the four-permission-cases table for working papers, findings, the immediate notice,
the focus-area taxonomy and the tallies; and the builders of their records (used by the
tests of this part too). Records are made with the real services, once per test."""

import datetime

from core.tests.permissions import Case

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


def leaf(authority):
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
            focus_area=leaf(c.authority),
            immediate=True,
            immediate_deadline=datetime.date(2026, 10, 10),
            amount="12800",
        )
    made.refresh_from_db()
    return made


def finding(w, county="a"):
    """An immediate finding of the county's inspection."""
    return paper(w, "approved", county).finding


def draft(w, county="a"):
    """The county's draft taxonomy (version 2, copied from version 1), made once."""
    from onsite.focus import focus_draft, focus_taxonomy_draft

    c = w[county]
    return focus_draft(c.authority.pk) or focus_taxonomy_draft(actor=c.users["office"], authority=c.authority)


def draft_leaf(w):
    from onsite.models import FocusArea

    return FocusArea.objects.filter(taxonomy=draft(w), children__isnull=True, group="focus").order_by("-id").first()


def current_area(w):
    from onsite.focus import focus_current

    return focus_current(w["a"].authority.pk).areas.order_by("id").first()


def _inspection(w):
    return w["a"].inspection.pk


CASES = [
    # Pages: working papers
    Case(
        "working papers list",
        "get",
        lambda w: paper(w) and f"/onsite/inspections/{_inspection(w)}/working-papers/",
        "team_member",
        200,
        marker=lambda w: TITLE,
    ),
    Case(
        "working paper new form",
        "get",
        lambda w: talk(w) and f"/onsite/inspections/{_inspection(w)}/working-papers/new/",
        "team_member",
        200,
        marker=lambda w: talk(w).interviewee,
    ),
    Case(
        "working paper new",
        "post",
        lambda w: f"/onsite/inspections/{_inspection(w)}/working-papers/new/",
        "team_member",
        302,
        body=lambda w: {"title": TITLE, "facts": FACTS, "interviews": [talk(w).pk]},
    ),
    Case(
        "working paper page",
        "get",
        lambda w: f"/onsite/working-papers/{paper(w).pk}/",
        "team_member",
        200,
        marker=lambda w: FACTS,
    ),
    Case(
        "working paper edit form",
        "get",
        lambda w: f"/onsite/working-papers/{paper(w).pk}/edit/",
        "team_member",
        200,
        marker=lambda w: FACTS,
    ),
    Case(
        "working paper edit",
        "post",
        lambda w: f"/onsite/working-papers/{paper(w).pk}/edit/",
        "team_member",
        302,
        body=lambda w: {"title": TITLE, "facts": FACTS + "补充。", "interviews": [talk(w).pk]},
    ),
    Case(
        "working paper submit",
        "post",
        lambda w: f"/onsite/working-papers/{paper(w).pk}/submit/",
        "team_member",
        302,
    ),
    Case(
        "working paper approve",
        "post",
        lambda w: f"/onsite/working-papers/{paper(w, 'submitted').pk}/approve/",
        "team_leader",
        302,
        body=lambda w: {"focus_area": leaf(w["a"].authority).pk, "severity": "serious", "amount": "12800.50"},
    ),
    Case(
        "working paper return",
        "post",
        lambda w: f"/onsite/working-papers/{paper(w, 'submitted').pk}/return/",
        "team_leader",
        302,
        body=lambda w: {"comment": "证据不足，请补充财务凭证。"},
    ),
    # Pages: findings and the notice
    Case(
        "findings list",
        "get",
        lambda w: finding(w) and f"/onsite/inspections/{_inspection(w)}/findings/",
        "team_member",
        200,
        marker=lambda w: TITLE,
    ),
    Case(
        "finding page",
        "get",
        lambda w: f"/onsite/findings/{finding(w).pk}/",
        "leading_group",
        200,
        marker=lambda w: FACTS,
    ),
    Case(
        "finding notice",
        "get",
        lambda w: f"/onsite/findings/{finding(w).pk}/immediate-notice.docx",
        "team_member",
        200,
        marker=lambda w: "word/document.xml",
    ),
    # Pages: the focus-area taxonomy (the office's own authority)
    Case(
        "focus areas page",
        "get",
        lambda w: "/onsite/focus-areas/",
        "office",
        200,
        marker=lambda w: f'id="area-{current_area(w).pk}"',
        own_authority=True,
    ),
    Case("focus version new", "post", lambda w: "/onsite/focus-areas/versions/new/", "office", 302, own_authority=True),
    Case(
        "focus version publish",
        "post",
        lambda w: f"/onsite/focus-areas/versions/{draft(w).pk}/publish/",
        "office",
        302,
    ),
    Case(
        "focus area new",
        "post",
        lambda w: f"/onsite/focus-areas/versions/{draft(w).pk}/areas/new/",
        "office",
        302,
        body=lambda w: {"name": "落实耕地保护责任不到位", "group": "focus"},
    ),
    Case(
        "focus area rename",
        "post",
        lambda w: f"/onsite/focus-areas/{draft_leaf(w).pk}/rename/",
        "office",
        302,
        body=lambda w: {"name": "改名后的事项"},
    ),
    Case(
        "focus area move",
        "post",
        lambda w: f"/onsite/focus-areas/{draft_leaf(w).pk}/move/",
        "office",
        302,
        body=lambda w: {"direction": "up"},
    ),
    Case(
        "focus area remove",
        "post",
        lambda w: f"/onsite/focus-areas/{draft_leaf(w).pk}/remove/",
        "office_head",
        302,
    ),
    # API: the focus-area taxonomy
    Case(
        "api focus areas",
        "get",
        lambda w: "/api/v1/focus-areas",
        "office",
        200,
        api=True,
        list_view=True,
        marker=lambda w: f'"id":{current_area(w).pk},"code"',
    ),
    Case(
        "api focus area add",
        "post",
        lambda w: "/api/v1/focus-areas",
        "office",
        201,
        api=True,
        body=lambda w: {"taxonomy_id": draft(w).pk, "name": "落实耕地保护责任不到位"},
    ),
    Case(
        "api focus area patch",
        "patch",
        lambda w: f"/api/v1/focus-areas/{draft_leaf(w).pk}",
        "office",
        200,
        api=True,
        body=lambda w: {"name": "改名后的事项"},
    ),
    Case(
        "api focus area delete",
        "delete",
        lambda w: f"/api/v1/focus-areas/{draft_leaf(w).pk}",
        "office",
        204,
        api=True,
    ),
    Case(
        "api focus versions",
        "get",
        lambda w: "/api/v1/focus-areas/versions",
        "leading_group",
        200,
        api=True,
        list_view=True,
        marker=lambda w: f'"id":{current_area(w).taxonomy_id},"authority_id"',
    ),
    Case(
        "api focus version create",
        "post",
        lambda w: "/api/v1/focus-areas/versions",
        "office",
        201,
        api=True,
        other_scope=201,
    ),
    Case(
        "api focus version publish",
        "post",
        lambda w: f"/api/v1/focus-areas/versions/{draft(w).pk}/publish",
        "office",
        200,
        api=True,
    ),
    # API: working papers and findings
    Case(
        "api working papers",
        "get",
        lambda w: paper(w) and "/api/v1/working-papers",
        "team_member",
        200,
        api=True,
        list_view=True,
        marker=lambda w: TITLE,
    ),
    Case(
        "api working paper create",
        "post",
        lambda w: "/api/v1/working-papers",
        "team_member",
        201,
        api=True,
        denied=404,  # the inspection it names is out of sight
        body=lambda w: {
            "inspection_id": _inspection(w),
            "title": TITLE,
            "facts": FACTS,
            "interview_ids": [talk(w).pk],
        },
    ),
    Case(
        "api working paper",
        "get",
        lambda w: f"/api/v1/working-papers/{paper(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: FACTS,
    ),
    Case(
        "api working paper patch",
        "patch",
        lambda w: f"/api/v1/working-papers/{paper(w).pk}",
        "team_member",
        200,
        api=True,
        body=lambda w: {"rule": "《中国共产党纪律处分条例》第一百零三条"},
    ),
    Case(
        "api working paper submit",
        "post",
        lambda w: f"/api/v1/working-papers/{paper(w).pk}/submit",
        "team_member",
        200,
        api=True,
    ),
    Case(
        "api working paper return",
        "post",
        lambda w: f"/api/v1/working-papers/{paper(w, 'submitted').pk}/return",
        "team_leader",
        200,
        api=True,
        body=lambda w: {"comment": "证据不足，请补充财务凭证。"},
    ),
    Case(
        "api findings",
        "get",
        lambda w: finding(w) and "/api/v1/findings",
        "leading_group",
        200,
        api=True,
        list_view=True,
        marker=lambda w: TITLE,
    ),
    Case(
        "api finding create",
        "post",
        lambda w: "/api/v1/findings",
        "team_leader",
        201,
        api=True,
        denied=404,  # the paper it names is out of sight
        body=lambda w: {
            "working_paper_id": paper(w, "submitted").pk,
            "focus_area_id": leaf(w["a"].authority).pk,
            "severity": "general",
        },
    ),
    Case(
        "api finding",
        "get",
        lambda w: f"/api/v1/findings/{finding(w).pk}",
        "team_member",
        200,
        api=True,
        marker=lambda w: FACTS,
    ),
    Case(
        "api finding notice",
        "get",
        lambda w: f"/api/v1/findings/{finding(w).pk}/immediate-notice.docx",
        "office",
        200,
        api=True,
        marker=lambda w: "word/document.xml",
    ),
    Case(
        "api inspection tallies",
        "get",
        lambda w: f"/api/v1/inspections/{_inspection(w)}/tallies",
        "leading_group",
        200,
        api=True,
        marker=lambda w: f'"inspection_id":{_inspection(w)},',
    ),
]
