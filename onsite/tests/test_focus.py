"""The focus-area taxonomy: versions drafted, edited and published by the office; published
versions never edited; findings tagged with a focus leaf of the current version, keeping
their node (and version) after a newer one is published."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import token_client
from core.models import AuditEvent
from onsite.focus import (
    focus_area_add,
    focus_area_move,
    focus_area_remove,
    focus_area_rename,
    focus_current,
    focus_taxonomy_draft,
    focus_taxonomy_publish,
    focus_tree,
)
from onsite.models import FocusArea, FocusTaxonomy
from onsite.papers import working_paper_approve
from onsite.tests.factories import current_leaf, immediate_finding, paper


@pytest.fixture
def a(world):
    return world["a"]


def _message(exc_info) -> str:
    return " ".join(m for ms in exc_info.value.message_dict.values() for m in ms)


def test_each_authority_starts_with_the_four_focuses_and_the_six_disciplines(world, a):
    r = token_client(a.users["office"]).get("/api/v1/focus-areas")
    assert r.status_code == 200
    body = r.json()
    assert body["taxonomy"]["version"] == 1 and body["taxonomy"]["current"] is True
    focuses = [n for n in body["items"] if n["group"] == "focus"]
    disciplines = [n for n in body["items"] if n["group"] == "discipline"]
    assert [n["code"] for n in focuses] == ["F1", "F2", "F3", "F4"]
    assert focuses[1]["name"] == "聚焦群众身边腐败问题和不正之风" and not focuses[1]["leaf"]
    assert "违反中央八项规定精神" in [c["name"] for c in focuses[1]["children"]]
    assert [n["name"] for n in disciplines] == ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"]
    # A team member reads the published tree of its inspection's authority (to tag with it).
    member = token_client(a.users["team_member"]).get("/api/v1/focus-areas").json()
    assert member["taxonomy"]["id"] == body["taxonomy"]["id"]


def test_a_new_version_copies_the_current_one_and_is_published_by_the_office(world, a):
    office = a.users["office"]
    v1 = focus_current(a.authority.pk)
    draft = focus_taxonomy_draft(actor=office, authority=a.authority)
    assert draft.version == 2 and draft.published_at is None
    assert draft.areas.count() == v1.areas.count()
    copied = {(x.code, x.name, x.group, x.parent.code if x.parent else None) for x in draft.areas.all()}
    assert copied == {(x.code, x.name, x.group, x.parent.code if x.parent else None) for x in v1.areas.all()}
    with pytest.raises(ValidationError) as e:
        focus_taxonomy_draft(actor=office, authority=a.authority)
    assert "已有草稿（第2版）" in _message(e)

    f2 = draft.areas.get(code="F2")
    added = focus_area_add(actor=office, taxonomy=draft, parent=f2, name="农村集体“三资”清产核资不实")
    assert added.code == "F2.6" and added.group == "focus"
    third = focus_area_add(actor=office, taxonomy=draft, parent=added, name="虚报资产")
    assert third.code == "F2.6.1"
    with pytest.raises(ValidationError) as e:
        focus_area_add(actor=office, taxonomy=draft, parent=third, name="第四级")
    assert "最多分3级" in _message(e)
    with pytest.raises(ValidationError) as e:
        focus_area_remove(actor=office, area=added)
    assert "请先删除下级事项" in _message(e)
    top = focus_area_add(actor=office, taxonomy=draft, name="聚焦生态环境保护", group="focus")
    assert top.code == "F5"
    focus_area_move(actor=office, area=top, direction="up")
    assert [n.code for n in focus_tree(draft) if n.group == "focus"] == ["F1", "F2", "F3", "F5", "F4"]
    assert focus_current(a.authority.pk) == v1  # a draft is not current

    assert focus_taxonomy_publish(actor=office, taxonomy=draft).published_at is not None
    assert focus_current(a.authority.pk) == draft
    assert token_client(office).get("/api/v1/focus-areas").json()["taxonomy"]["version"] == 2
    old = token_client(office).get("/api/v1/focus-areas?version=1").json()
    assert old["taxonomy"]["version"] == 1 and old["taxonomy"]["current"] is False
    actions = list(AuditEvent.objects.filter(action__startswith="focus_").values_list("action", flat=True))
    assert actions.count("focus_area.add") == 3 and "focus_taxonomy.publish" in actions


def test_a_published_version_refuses_edits(world, a):
    office = a.users["office"]
    v1 = focus_current(a.authority.pk)
    area = v1.areas.get(code="F2.3")
    for attempt in (
        lambda: focus_area_rename(actor=office, area=area, name="改名"),
        lambda: focus_area_add(actor=office, taxonomy=v1, parent=area.parent, name="新增"),
        lambda: focus_area_move(actor=office, area=area, direction="up"),
        lambda: focus_area_remove(actor=office, area=area),
        lambda: focus_taxonomy_publish(actor=office, taxonomy=v1),
    ):
        with pytest.raises(ValidationError) as e:
            attempt()
        assert "已发布的版本不能修改" in _message(e)
    area.refresh_from_db()
    assert area.name == "违反中央八项规定精神" and FocusArea.objects.filter(taxonomy=v1).count() == 27
    r = token_client(office).patch(f"/api/v1/focus-areas/{area.pk}", {"name": "改名"}, content_type="application/json")
    assert r.status_code == 422 and "已发布的版本不能修改" in r.json()["errors"]["taxonomy"][0]
    # Only the office changes it: the leading group reads.
    draft = focus_taxonomy_draft(actor=office, authority=a.authority)
    with pytest.raises(PermissionDenied):
        focus_area_rename(actor=a.users["leading_group"], area=draft.areas.get(code="F1"), name="改名")


def test_a_finding_keeps_its_node_after_a_new_version_is_published(world, a):
    office = a.users["office"]
    tagged = immediate_finding(world)
    node = tagged.focus_area
    assert node.taxonomy.version == 1

    draft = focus_taxonomy_draft(actor=office, authority=a.authority)
    focus_area_rename(actor=office, area=draft.areas.get(code=node.code), name="新版本中的名称")
    focus_taxonomy_publish(actor=office, taxonomy=draft)

    tagged.refresh_from_db()
    assert tagged.focus_area_id == node.pk and tagged.focus_area.name == node.name
    assert tagged.focus_area.taxonomy.version == 1
    api = token_client(a.users["team_member"]).get(f"/api/v1/findings/{tagged.pk}").json()
    assert api["focus_version"] == 1 and api["focus_area_name"] == node.name

    # New findings take the new version's leaves, not the old one's.
    submitted = paper(world, "submitted")
    leader = a.users["team_leader"]
    with pytest.raises(ValidationError) as e:
        working_paper_approve(actor=leader, paper=submitted, focus_area=node)
    assert "不是现行版本" in _message(e)
    made = working_paper_approve(actor=leader, paper=submitted, focus_area=current_leaf(a.authority))
    assert made.focus_area.taxonomy == draft


def test_only_leaves_of_the_focus_group_tag_a_finding(world, a):
    submitted = paper(world, "submitted")
    leader = a.users["team_leader"]
    v1 = focus_current(a.authority.pk)
    cases = {
        v1.areas.get(code="F2"): "下还有细项，请选择末级事项",
        v1.areas.get(code="D3"): "六项纪律只用于信访分类",
        FocusArea.objects.get(taxonomy=focus_current(world["b"].authority.pk), code="F2.3"): "所选监督重点不存在",
    }
    for area, message in cases.items():
        with pytest.raises(ValidationError) as e:
            working_paper_approve(actor=leader, paper=submitted, focus_area=area)
        assert message in _message(e)
    assert working_paper_approve(actor=leader, paper=submitted, focus_area=v1.areas.get(code="F2.3")).pk


def test_the_office_edits_the_taxonomy_on_its_page(world, a, login):
    office = login(a.users["office"])
    page = office.get("/onsite/focus-areas/").content.decode()
    assert "第1版" in page and "现行" in page and "新建版本" in page and "违反中央八项规定精神" in page
    assert "发布</button>" not in page  # the published version shows without editing

    r = office.post("/onsite/focus-areas/versions/new/", follow=True)
    page = r.content.decode()
    assert "已新建第2版草稿" in page and "草稿" in page and "添加一级事项" in page
    draft = FocusTaxonomy.objects.get(authority=a.authority, version=2)
    f3 = draft.areas.get(code="F3")
    r = office.post(f"/onsite/focus-areas/versions/{draft.pk}/areas/new/", {"parent": f3.pk, "name": "党费收缴不规范"})
    added = draft.areas.get(name="党费收缴不规范")
    assert r.status_code == 302 and r.url.endswith(f"#area-{added.pk}")
    r = office.post(f"/onsite/focus-areas/versions/{draft.pk}/areas/new/", {"name": ""}, follow=True)
    assert "请填写名称。" in r.content.decode()
    office.post(f"/onsite/focus-areas/{added.pk}/rename/", {"name": "党费收缴使用管理不规范"})
    office.post(f"/onsite/focus-areas/{added.pk}/move/", {"direction": "up"})
    added.refresh_from_db()
    assert added.name == "党费收缴使用管理不规范" and added.order == 5
    r = office.post(f"/onsite/focus-areas/{f3.pk}/remove/", follow=True)
    assert "下还有下级事项" in r.content.decode()
    office.post(f"/onsite/focus-areas/{added.pk}/remove/")
    assert not draft.areas.filter(pk=added.pk).exists()
    r = office.post(f"/onsite/focus-areas/versions/{draft.pk}/publish/", follow=True)
    assert "第2版已发布" in r.content.decode()
    assert focus_current(a.authority.pk) == draft

    reader = login(a.users["leading_group"])
    page = reader.get("/onsite/focus-areas/").content.decode()
    assert "第2版" in page and "新建版本</button>" not in page
    assert reader.post("/onsite/focus-areas/versions/new/").status_code == 403
    refused = login(a.users["team_member"]).get("/onsite/focus-areas/")
    assert refused.status_code == 403 and "此类页面供巡察办、巡察办主任、领导小组使用。" in refused.content.decode()


def test_versions_through_the_api(world, a):
    office = token_client(a.users["office"])
    r = office.post("/api/v1/focus-areas", {"name": "新事项"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"taxonomy": ["尚无草稿版本：请先新建版本，再添加事项。"]}
    draft = office.post("/api/v1/focus-areas/versions").json()
    assert draft["version"] == 2 and draft["current"] is False
    r = office.post("/api/v1/focus-areas", {"name": "聚焦耕地保护", "group": "focus"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["code"] == "F5" and r.json()["leaf"] is True
    r = office.post(
        "/api/v1/focus-areas", {"parent_id": r.json()["id"], "name": "违规占用耕地"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["code"] == "F5.1"
    r = office.post(f"/api/v1/focus-areas/versions/{draft['id']}/publish")
    assert r.status_code == 200 and r.json()["current"] is True
    tree = office.get("/api/v1/focus-areas").json()
    f5 = next(n for n in tree["items"] if n["code"] == "F5")
    assert [c["name"] for c in f5["children"]] == ["违规占用耕地"]
    versions = office.get("/api/v1/focus-areas/versions").json()
    assert versions["count"] == 2
