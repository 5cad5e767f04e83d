"""Working papers: written by the team, backed by evidence of the same inspection, reviewed by
the leader or a deputy (never by their author), returned and submitted again, frozen once
submitted, and approved into a finding."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user, token_client
from core.models import AuditEvent
from onsite.models import Attachment, Finding, Interview, Petition, WorkingPaper
from onsite.papers import working_paper_create, working_paper_return, working_paper_submit
from onsite.tests.factories import FACTS, TITLE, current_leaf, paper, talk
from planning.inspections import inspection_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def a(world):
    return world["a"]


@pytest.fixture
def deputy(a):
    return make_user(a.authority, "mh_a_deputy", "team_deputy", a.inspection.pk)


def _post_paper(client, a, **extra):
    body = {"inspection_id": a.inspection.pk, "title": TITLE, "facts": FACTS, **extra}
    return client.post("/api/v1/working-papers", body, content_type="application/json")


def _approve(client, paper_id, a, **extra):
    body = {"working_paper_id": paper_id, "focus_area_id": current_leaf(a.authority).pk, **extra}
    return client.post("/api/v1/findings", body, content_type="application/json")


def test_a_member_writes_submits_and_the_leader_approves_into_a_finding(world, a):
    member = token_client(a.users["team_member"])
    r = _post_paper(member, a, interview_ids=[talk(world).pk], rule="《中国共产党纪律处分条例》")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["interview_ids"] == [talk(world).pk] and body["finding_id"] is None
    r = member.post(f"/api/v1/working-papers/{body['id']}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"

    r = _approve(token_client(a.users["team_leader"]), body["id"], a, severity="serious", amount="12800.50")
    assert r.status_code == 201, r.content
    finding = r.json()
    assert finding["title"] == TITLE and finding["description"] == FACTS  # the paper's, by default
    assert finding["amount"] == "12800.50" and finding["severity"] == "serious"
    assert finding["focus_version"] == 1 and finding["notice_url"] is None
    r = member.get(f"/api/v1/working-papers/{body['id']}")
    assert r.json()["status"] == "approved" and r.json()["finding_id"] == finding["id"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"working_paper.create", "working_paper.submit", "working_paper.approve", "finding.create"} <= actions


def test_a_paper_needs_evidence_before_it_is_submitted(world, a):
    member = token_client(a.users["team_member"])
    paper_id = _post_paper(member, a).json()["id"]
    r = member.post(f"/api/v1/working-papers/{paper_id}/submit")
    assert r.status_code == 422
    assert "每个问题都要有证据支撑" in r.json()["errors"]["evidence"][0]
    assert WorkingPaper.objects.get(pk=paper_id).status == "draft"
    r = member.patch(
        f"/api/v1/working-papers/{paper_id}", {"interview_ids": [talk(world).pk]}, content_type="application/json"
    )
    assert r.status_code == 200
    assert member.post(f"/api/v1/working-papers/{paper_id}/submit").json()["status"] == "submitted"


def test_evidence_of_another_inspection_is_refused(world, a):
    member = token_client(a.users["team_member"])
    other = inspection_create(actor=None, round=a.inspection.round, organization=a.orgs["town"])
    elsewhere = Interview.objects.create(
        authority=a.authority, inspection=other, interviewee="李四", category=Interview.Category.STAFF
    )
    county_b = talk(world, "b")
    for bad in (elsewhere.pk, county_b.pk, 999999):  # another inspection, another county, none at all: alike
        r = _post_paper(member, a, interview_ids=[talk(world).pk, bad])
        assert r.status_code == 422
        assert r.json()["errors"] == {"interviews": ["所选谈话不属于本次巡察，不能作为本底稿的证据。"]}
    assert not WorkingPaper.objects.exists()
    b_file = Attachment.objects.create(
        authority=world["b"].authority, inspection=world["b"].inspection, name="x.pdf", kind="pdf", size=1, sha256=""
    )
    r = _post_paper(member, a, attachment_ids=[b_file.pk])
    assert r.json()["errors"] == {"attachments": ["所选附件不属于本次巡察，不能作为本底稿的证据。"]}


def test_only_the_leader_or_a_deputy_reviews_and_nobody_their_own_paper(world, a, deputy):
    submitted = paper(world, "submitted")  # by the team member
    for user in (a.users["team_member"], a.users["office"], a.users["leading_group"]):
        assert _approve(token_client(user), submitted.pk, a).status_code == 403
    r = token_client(deputy).post(
        f"/api/v1/working-papers/{submitted.pk}/return", {"comment": "请补充凭证。"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"

    # The leader's own paper: not by the leader, but by a deputy or the office.
    leader = token_client(a.users["team_leader"])
    own = _post_paper(leader, a, interview_ids=[talk(world).pk]).json()["id"]
    assert leader.post(f"/api/v1/working-papers/{own}/submit").status_code == 200
    r = _approve(leader, own, a)
    assert r.status_code == 422
    assert "不能审核自己撰写的底稿" in r.json()["errors"]["reviewer"][0]
    r = leader.post(f"/api/v1/working-papers/{own}/return", {"comment": "x"}, content_type="application/json")
    assert r.status_code == 422
    assert _approve(token_client(a.users["office"]), own, a).status_code == 201
    assert Finding.objects.get(working_paper_id=own).created_by == a.users["office"]
    # County B's office does not even see it.
    assert _approve(token_client(world["b"].users["office"]), own, a).status_code == 404


def test_a_submitted_or_approved_paper_is_not_edited(world, a):
    member = token_client(a.users["team_member"])
    submitted = paper(world, "submitted")
    r = member.patch(f"/api/v1/working-papers/{submitted.pk}", {"title": "改"}, content_type="application/json")
    assert r.status_code == 422 and "已提交审核" in r.json()["errors"]["status"][0]
    assert member.post(f"/api/v1/working-papers/{submitted.pk}/submit").status_code == 422
    approved = paper(world, "approved")
    r = member.patch(f"/api/v1/working-papers/{approved.pk}", {"title": "改"}, content_type="application/json")
    assert r.status_code == 422 and "审核通过" in r.json()["errors"]["status"][0]
    assert WorkingPaper.objects.get(pk=approved.pk).title == TITLE
    # Someone else's draft is not theirs to edit either.
    draft = paper(world)
    leader = token_client(a.users["team_leader"])
    assert (
        leader.patch(f"/api/v1/working-papers/{draft.pk}", {"title": "改"}, content_type="application/json").status_code
        == 403
    )


def test_a_returned_paper_is_edited_and_submitted_again(world, a, login):
    submitted = paper(world, "submitted")
    leader = login(a.users["team_leader"])
    r = leader.post(f"/onsite/working-papers/{submitted.pk}/return/", {"comment": ""})
    assert r.status_code == 200 and "请写明退回意见" in r.content.decode()
    r = leader.post(f"/onsite/working-papers/{submitted.pk}/return/", {"comment": "请补充会议纪要。"})
    assert r.status_code == 302

    member = login(a.users["team_member"])
    page = member.get(f"/onsite/working-papers/{submitted.pk}/").content.decode()
    assert "已退回" in page and "请补充会议纪要。" in page and "提交审核" in page
    form = member.get(f"/onsite/working-papers/{submitted.pk}/edit/").content.decode()
    assert "退回意见" in form and "请补充会议纪要。" in form
    upload = SimpleUploadedFile("会议纪要.pdf", PDF)
    body = {"title": TITLE, "facts": FACTS + "经查会议纪要。", "interviews": [talk(world).pk], "upload": upload}
    r = member.post(f"/onsite/working-papers/{submitted.pk}/edit/", body)
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.facts.endswith("经查会议纪要。") and submitted.attachments.get().name == "会议纪要.pdf"
    r = member.post(f"/onsite/working-papers/{submitted.pk}/submit/")
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    # Now frozen: the edit page sends the author back with a message.
    r = member.get(f"/onsite/working-papers/{submitted.pk}/edit/", follow=True)
    assert "不能修改" in r.content.decode()
    events = AuditEvent.objects.filter(action="working_paper.submit", object_id=str(submitted.pk))
    assert [e.detail["resubmitted"] for e in events.order_by("seq")] == [False, True]


def test_writing_a_paper_on_the_page(world, a, login):
    talk(world)
    member = login(a.users["team_member"])
    url = f"/onsite/inspections/{a.inspection.pk}/working-papers/new/"
    page = member.get(url).content.decode()
    assert "王会计（重点岗位人员，财务室主任" in page and "上传证据材料" in page
    r = member.post(url, {"title": "", "facts": ""})
    assert r.status_code == 200 and "这个字段是必填项" in r.content.decode()
    r = member.post(url, {"title": TITLE, "facts": FACTS, "interviews": [talk(world, "b").pk]})
    assert r.status_code == 200 and "所选记录不属于本次巡察，不能作为证据。" in r.content.decode()
    bad = SimpleUploadedFile("报告.pdf", b"MZ\x90\0 not a pdf")
    r = member.post(url, {"title": TITLE, "facts": FACTS, "upload": bad})
    assert r.status_code == 200 and "内容不是允许的类型" in r.content.decode()
    assert not WorkingPaper.objects.exists() and not Attachment.objects.exists()
    assert not [p for p in Path(settings.FILE_DIR).rglob("*") if p.is_file()]  # nothing partial kept

    r = member.post(
        url,
        {"title": TITLE, "facts": FACTS, "interviews": [talk(world).pk], "upload": SimpleUploadedFile("凭证.pdf", PDF)},
    )
    assert r.status_code == 302
    made = WorkingPaper.objects.get()
    page = member.get(r.url).content.decode()
    assert TITLE in page and "凭证.pdf" in page and "王会计" in page and "提交审核" in page
    assert "审核通过，形成问题" not in page  # the author does not review
    listing = member.get(f"/onsite/inspections/{a.inspection.pk}/working-papers/?status=draft").content.decode()
    assert TITLE in listing and "2 项" in listing and "新增底稿" in listing
    assert (
        TITLE
        not in member.get(f"/onsite/inspections/{a.inspection.pk}/working-papers/?status=approved").content.decode()
    )
    assert made.author == a.users["team_member"]


def test_the_leader_approves_on_the_page_with_errors_next_to_the_fields(world, a, login):
    submitted = paper(world, "submitted")
    leader = login(a.users["team_leader"])
    page = leader.get(f"/onsite/working-papers/{submitted.pk}/").content.decode()
    assert "审核通过，形成问题" in page and "退回修改" in page
    assert "聚焦群众身边腐败问题和不正之风" in page  # the leaves, grouped under their focus
    url = f"/onsite/working-papers/{submitted.pk}/approve/"
    r = leader.post(
        url, {"focus_area": current_leaf(a.authority).pk, "severity": "general", "amount": "-5", "immediate": "on"}
    )
    text = r.content.decode()
    assert r.status_code == 200 and "金额不能为负数。" in text and "立行立改的问题须填写整改期限。" in text
    assert not Finding.objects.exists()
    r = leader.post(
        url,
        {
            "focus_area": current_leaf(a.authority).pk,
            "severity": "grave",
            "amount": "3000",
            "immediate": "on",
            "immediate_deadline": "2026-10-10",
            "people": "张某",
            "title": "超标准发放津贴",
        },
    )
    assert r.status_code == 302
    finding = Finding.objects.get()
    assert r.url == f"/onsite/findings/{finding.pk}/"
    assert finding.title == "超标准发放津贴" and finding.description == FACTS
    assert finding.immediate_deadline == datetime.date(2026, 10, 10) and str(finding.amount) == "3000.00"


def test_the_leading_group_reads_but_does_not_write(world, a, login):
    paper(world, "submitted")
    reader = login(a.users["leading_group"])
    listing = reader.get(f"/onsite/inspections/{a.inspection.pk}/working-papers/")
    assert listing.status_code == 200 and TITLE in listing.content.decode()
    assert "新增底稿" not in listing.content.decode()
    assert reader.get(f"/onsite/inspections/{a.inspection.pk}/working-papers/new/").status_code == 403
    detail = reader.get(f"/onsite/working-papers/{WorkingPaper.objects.get().pk}/").content.decode()
    assert "审核通过，形成问题" not in detail


def test_the_workbench_lists_papers_to_review_and_papers_returned(world, a, deputy):
    from onsite.papers import todos_for

    submitted = paper(world, "submitted")
    assert [t.title for t in todos_for(a.users["team_leader"])] == [f"{a.orgs['dept'].name}：底稿“{TITLE}”待审核"]
    assert todos_for(deputy)[0].url == f"/onsite/working-papers/{submitted.pk}/"
    assert todos_for(a.users["team_member"]) == []  # the author waits
    assert todos_for(a.users["office"]) == []  # a member's paper is the team's to review
    assert todos_for(world["b"].users["team_leader"]) == []
    working_paper_return(actor=deputy, paper=submitted, comment="请补充。")
    assert [t.title for t in todos_for(a.users["team_member"])] == [
        f"{a.orgs['dept'].name}：底稿“{TITLE}”被退回，待修改"
    ]
    assert todos_for(a.users["team_leader"]) == []

    own = working_paper_create(
        actor=a.users["team_leader"], inspection=a.inspection, title="组长的底稿", facts=FACTS, interviews=[talk(world)]
    )
    working_paper_submit(actor=a.users["team_leader"], paper=own)
    assert [t.url for t in todos_for(a.users["office"])] == [f"/onsite/working-papers/{own.pk}/"]
    assert [t.url for t in todos_for(deputy)] == [f"/onsite/working-papers/{own.pk}/"]
    assert todos_for(a.users["team_leader"]) == []  # not their own
    assert todos_for(world["b"].users["office"]) == []


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_lists_cost_the_same_queries_for_few_and_many_papers(world, a, login):
    from onsite.papers import working_paper_approve

    def add(n):
        for i in range(n):
            made = working_paper_create(
                actor=a.users["team_member"],
                inspection=a.inspection,
                title=f"问题{i}",
                facts=FACTS,
                interviews=[talk(world)],
            )
            working_paper_submit(actor=a.users["team_member"], paper=made)
            working_paper_approve(actor=a.users["team_leader"], paper=made, focus_area=current_leaf(a.authority))

    api = token_client(a.users["team_member"])
    page = login(a.users["team_member"])
    urls = [
        (api, "/api/v1/working-papers"),
        (api, "/api/v1/findings"),
        (page, f"/onsite/inspections/{a.inspection.pk}/working-papers/"),
        (page, f"/onsite/inspections/{a.inspection.pk}/findings/"),
    ]
    add(2)
    [_queries(c, u) for c, u in urls]  # the first request of a session also writes the session
    few = [_queries(c, u) for c, u in urls]
    add(10)
    assert [_queries(c, u) for c, u in urls] == few


def test_petition_text_with_script_is_shown_as_text(world, a, login):
    petition = Petition.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        channel="online",
        received_on=datetime.date(2026, 9, 5),
        subject="<script>alert(1)</script>反映问题",
        content="内容",
    )
    member = login(a.users["team_member"])
    form = member.get(f"/onsite/inspections/{a.inspection.pk}/working-papers/new/").content.decode()
    assert "<script>alert(1)</script>" not in form and "&lt;script&gt;alert(1)&lt;/script&gt;反映问题" in form
    made = working_paper_create(
        actor=a.users["team_member"], inspection=a.inspection, title=TITLE, facts=FACTS, petitions=[petition]
    )
    page = member.get(f"/onsite/working-papers/{made.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;反映问题" in page


# The 监督重点 chosen at triage carries into the paper (issue 13)


def test_the_focus_chosen_at_triage_carries_into_the_paper_and_its_finding(world, a, login):
    import re

    from onsite.models import FocusArea
    from onsite.petitions import petition_triage

    leaves = FocusArea.objects.filter(
        taxonomy=current_leaf(a.authority).taxonomy, group="focus", children__isnull=True
    ).order_by("parent__order", "order")
    chosen = leaves[2]  # not the first leaf, which a form might pick by itself
    discipline = FocusArea.objects.filter(taxonomy=chosen.taxonomy, group="discipline", children__isnull=True).first()
    petition = Petition.objects.create(
        authority=a.authority,
        inspection=a.inspection,
        channel="letter",
        received_on=datetime.date(2026, 9, 5),
        subject="反映违规发放津贴",
        content="内容",
    )
    petition_triage(
        actor=a.users["team_member"], petition=petition, status="in_scope", disciplines=[discipline], focus_area=chosen
    )
    member = login(a.users["team_member"])
    page = member.get(f"/onsite/petitions/{petition.pk}/").content.decode()
    new = f"/onsite/inspections/{a.inspection.pk}/working-papers/new/?petition={petition.pk}"
    assert f'href="{new}"' in page and "据此撰写底稿" in page

    form = member.get(new).content.decode()
    assert f"监督重点：{chosen.name}（信访分办时选定" in form
    box = re.search(rf'<input type="checkbox" name="petitions" value="{petition.pk}"[^>]*>', form).group(0)
    assert "checked" in box  # the petition is cited already

    body = {"title": TITLE, "facts": FACTS, "petitions": [petition.pk]}
    r = member.post(new, body, follow=True)
    made = WorkingPaper.objects.get(title=TITLE)
    assert f"{chosen.name}" in r.content.decode() and "信访分办时选定，审核时沿用" in r.content.decode()
    working_paper_submit(actor=a.users["team_member"], paper=made)

    leader = login(a.users["team_leader"])
    review = leader.get(f"/onsite/working-papers/{made.pk}/").content.decode()
    selected = re.search(r'<select name="focus_area".*?</select>', review, re.S).group(0)
    assert re.search(rf'<option value="{chosen.pk}" selected>', selected), "the reviewer starts from the triage's"
    r = leader.post(f"/onsite/working-papers/{made.pk}/approve/", {"focus_area": chosen.pk, "severity": "general"})
    assert r.status_code == 302
    assert Finding.objects.get(working_paper=made).focus_area == chosen
