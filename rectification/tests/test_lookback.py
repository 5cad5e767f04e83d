"""The look-back (回头看): its team, with no role on the old inspection, reads the old findings
with their tasks, progress and evidence; its verdicts of 表面整改 and 未整改 become new
findings of the look-back linked to the old ones, once; nobody else records them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import make_user, token_client
from core import access, menu, workbench
from core.models import AuditEvent
from onsite.models import Finding, WorkingPaper
from rectification.lookback import lookback_check_record, lookback_items_for
from rectification.models import LookbackCheck
from rectification.tests.factories import lookback, lookback_member, old_finding
from rectification.views.lookback import evidence_url

pytestmark = pytest.mark.django_db


def test_the_lookback_team_reads_the_old_findings_tasks_and_evidence(world, login):
    a = world["a"]
    inspection, user = lookback(world), lookback_member(world)
    assert not access.roles_on(user, a.inspection)  # no role on the old inspection
    view = lookback_items_for(user=user, inspection=inspection)
    assert [i.finding.title for i in view.items] == ["公务接待超标准", "“三重一大”事项未经集体决策"]
    first = view.items[0].tasks[0]
    assert first.task.measure.startswith("整改措施1") and first.task.status == "reported"
    assert first.latest.text == "已完成制度修订。"
    assert [e.name for e in first.evidence] == ["整改佐证.pdf"]
    assert view.plan.status == "approved" and view.assessment is None
    assert view.counts == {"fixed": 0, "surface": 0, "not_fixed": 0, "unchecked": 2}

    r = login(user).get(f"/rectification/lookbacks/{inspection.pk}/")
    text = r.content.decode()
    assert r.status_code == 200
    assert "公务接待超标准" in text and "整改措施1" in text and "待核验" in text
    evidence = first.evidence[0]
    assert f'href="{evidence_url(evidence.pk)}"' in text
    assert "记录结论" in text and "未核查" in text
    # The link on the look-back's pages, and the team's to-do.
    assert ("回头看核查", f"/rectification/lookbacks/{inspection.pk}/") in menu.inspection_links(user, inspection)
    assert any("2 个原巡察问题未核查" in t.title for t in workbench.todos_for(user))
    # The old inspection's page links to its look-back for the office.
    old_page = login(a.users["office"]).get(f"/planning/inspections/{a.inspection.pk}/").content.decode()
    assert f"/rectification/lookbacks/{inspection.pk}/" in old_page and "回头看（十六届第8轮）" in old_page
    # The look-back team downloads the old inspection's evidence.
    download = login(user).get(evidence_url(evidence.pk))
    assert download.status_code == 200 and b"".join(
        download.streaming_content if download.streaming else [download.content]
    ).startswith(b"%PDF")


def test_the_old_team_and_another_county_see_nothing_and_the_leading_group_only_reads(world, login):
    a, b = world["a"], world["b"]
    inspection = lookback(world)
    for user in (a.users["team_member"], b.users["office"], a.users["unit_liaison"]):
        with pytest.raises(Http404):
            lookback_items_for(user=user, inspection=inspection)
        with pytest.raises(Http404):
            lookback_check_record(actor=user, inspection=inspection, finding=old_finding(world), verdict="fixed")
        assert login(user).get(f"/rectification/lookbacks/{inspection.pk}/").status_code == 404
    lead = a.users["leading_group"]
    page = login(lead).get(f"/rectification/lookbacks/{inspection.pk}/")
    assert page.status_code == 200 and "记录结论" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        lookback_check_record(actor=lead, inspection=inspection, finding=old_finding(world), verdict="fixed")
    url = f"/rectification/lookbacks/{inspection.pk}/findings/{old_finding(world).pk}/check/"
    assert login(lead).post(url, {f"f{old_finding(world).pk}-verdict": "fixed"}).status_code == 403
    # A plain member of the look-back team reads, but the verdict is the leader's or deputy's.
    plain = make_user(a.authority, "lookback_plain_member", "team_member", inspection.pk)
    page = login(plain).get(f"/rectification/lookbacks/{inspection.pk}/")
    assert page.status_code == 200 and "记录结论" not in page.content.decode()
    with pytest.raises(PermissionDenied):
        lookback_check_record(actor=plain, inspection=inspection, finding=old_finding(world), verdict="fixed")
    assert not LookbackCheck.objects.exists()


def test_surface_and_not_fixed_become_linked_new_findings_once_and_fixed_none(world, login):
    a = world["a"]
    inspection, user = lookback(world), lookback_member(world)
    first, second = lookback_items_for(user=user, inspection=inspection).items
    client = login(user)
    url = f"/rectification/lookbacks/{inspection.pk}/findings/{first.finding.pk}/check/"
    r = client.post(
        url, {f"f{first.finding.pk}-verdict": "surface", f"f{first.finding.pk}-note": "制度仅上墙，仍有超标准接待3次。"}
    )
    assert r.status_code == 302 and r.url.endswith(f"#finding-{first.finding.pk}")
    check = LookbackCheck.objects.get(inspection=inspection, finding=first.finding)
    new = check.new_finding
    assert new.inspection == inspection and new.title == "（回头看）公务接待超标准"
    assert new.focus_area == first.finding.focus_area and new.severity == first.finding.severity
    assert "制度仅上墙" in new.description and "第7轮" in new.description and a.orgs["dept"].name in new.description
    assert new.working_paper.status == WorkingPaper.Status.APPROVED and new.working_paper.author == user
    assert AuditEvent.objects.filter(action="lookback_check.record").count() == 1
    # The new finding's own page says where it came from and links back to the look-back.
    page = client.get(f"/onsite/findings/{new.pk}/").content.decode()
    assert "回头看核查认定为表面整改" in page and f"#finding-{first.finding.pk}" in page

    # Re-recording the same verdict creates nothing twice; a new note rewrites the description.
    lookback_check_record(
        actor=user, inspection=inspection, finding=first.finding, verdict="not_fixed", note="仍未整改。"
    )
    assert Finding.objects.filter(inspection=inspection).count() == 1
    new.refresh_from_db()
    assert "仍未整改" in new.description and "未整改" in new.description
    # Back to fixed: the new finding stays and the page says so.
    lookback_check_record(actor=user, inspection=inspection, finding=first.finding, verdict="fixed", note="")
    assert Finding.objects.filter(inspection=inspection).count() == 1
    text = client.get(f"/rectification/lookbacks/{inspection.pk}/").content.decode()
    assert "该问题仍保留" in text and f"/onsite/findings/{new.pk}/" in text

    # Fixed from the start: no new finding.
    check = lookback_check_record(actor=user, inspection=inspection, finding=second.finding, verdict="fixed")
    assert check.new_finding is None and Finding.objects.filter(inspection=inspection).count() == 1
    view = lookback_items_for(user=user, inspection=inspection)
    assert view.counts == {"fixed": 2, "surface": 0, "not_fixed": 0, "unchecked": 0}
    # The office of the authority may record too.
    lookback_check_record(
        actor=a.users["office"], inspection=inspection, finding=second.finding, verdict="surface", note="台账不全。"
    )
    assert Finding.objects.filter(inspection=inspection).count() == 2
    # The new findings list links back to the original.
    text = client.get(f"/rectification/lookbacks/{inspection.pk}/").content.decode()
    assert f'href="#finding-{second.finding.pk}"' in text and "（回头看）“三重一大”事项未经集体决策" in text


def test_wrong_input_is_refused_in_chinese(world, login):
    a = world["a"]
    inspection, user = lookback(world), lookback_member(world)
    finding = old_finding(world)
    with pytest.raises(ValidationError) as e:
        lookback_check_record(actor=user, inspection=inspection, finding=finding, verdict="surface", note="")
    assert "请填写核查情况" in str(e.value)
    with pytest.raises(ValidationError) as e:
        lookback_check_record(actor=user, inspection=inspection, finding=finding, verdict="maybe", note="x")
    assert "核查结论只能是" in str(e.value)
    with pytest.raises(ValidationError) as e:
        lookback_check_record(actor=user, inspection=inspection, finding=finding, verdict="fixed", note="长" * 2001)
    assert "不能超过 2000 字" in str(e.value)
    # A finding of the look-back itself is not one of the revisited inspection.
    lookback_check_record(actor=user, inspection=inspection, finding=finding, verdict="not_fixed", note="未整改。")
    new = LookbackCheck.objects.get().new_finding
    with pytest.raises(ValidationError) as e:
        lookback_check_record(actor=user, inspection=inspection, finding=new, verdict="fixed")
    assert "不是所回看巡察" in str(e.value)
    # The page shows the error by the field, never a 500.
    url = f"/rectification/lookbacks/{inspection.pk}/findings/{finding.pk}/check/"
    r = login(user).post(url, {f"f{finding.pk}-verdict": "surface", f"f{finding.pk}-note": ""})
    assert r.status_code == 200 and "请填写核查情况" in r.content.decode()
    # A regular inspection is refused.
    with pytest.raises(ValidationError) as e:
        lookback_items_for(user=a.users["office"], inspection=a.inspection)
    assert "不是“回头看”" in str(e.value)
    with pytest.raises(ValidationError):
        lookback_check_record(actor=a.users["team_member"], inspection=a.inspection, finding=finding, verdict="fixed")
    r = login(a.users["office"]).get(f"/rectification/lookbacks/{a.inspection.pk}/", follow=True)
    assert "不是“回头看”" in r.content.decode()


def test_the_api(world):
    a, b = world["a"], world["b"]
    inspection, user = lookback(world), lookback_member(world)
    finding = old_finding(world)
    client = token_client(user)
    body = client.get(f"/api/v1/lookbacks/{inspection.pk}").json()
    assert body["count"] == 2 and body["counts"]["unchecked"] == 2
    assert body["plan"]["status"] == "approved" and body["plan"]["grade"] is None
    item = body["items"][0]
    assert item["title"] == "公务接待超标准" and item["tasks"][0]["evidence"][0]["name"] == "整改佐证.pdf"
    assert item["tasks"][0]["progress"] == "已完成制度修订。" and item["check"] is None

    url = f"/api/v1/lookbacks/{inspection.pk}/checks"
    r = client.post(
        url, {"finding": finding.pk, "verdict": "surface", "note": "流于形式。"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["verdict"] == "surface" and r.json()["new_finding_title"] == "（回头看）公务接待超标准"
    again = client.post(
        url, {"finding": finding.pk, "verdict": "surface", "note": "流于形式。"}, content_type="application/json"
    )
    assert again.json()["new_finding_id"] == r.json()["new_finding_id"]
    assert client.get(f"/api/v1/lookbacks/{inspection.pk}").json()["counts"]["surface"] == 1

    r = client.post(url, {"finding": finding.pk, "verdict": "not_fixed"}, content_type="application/json")
    assert r.status_code == 422 and "note" in r.json()["errors"]
    r = client.post(url, {"finding": 999999, "verdict": "fixed"}, content_type="application/json")
    assert r.status_code == 422 and "finding" in r.json()["errors"]
    # The old inspection's team and county B: out of sight; the leading group: not allowed.
    for other in (a.users["team_member"], b.users["office"]):
        assert (
            token_client(other)
            .post(url, {"finding": finding.pk, "verdict": "fixed"}, content_type="application/json")
            .status_code
            == 404
        )
        assert token_client(other).get(f"/api/v1/lookbacks/{inspection.pk}").status_code == 404
    lead = token_client(a.users["leading_group"])
    assert (
        lead.post(url, {"finding": finding.pk, "verdict": "fixed"}, content_type="application/json").status_code == 403
    )
    # A regular inspection.
    r = token_client(a.users["office"]).get(f"/api/v1/lookbacks/{a.inspection.pk}")
    assert r.status_code == 422 and "inspection" in r.json()["errors"]


def test_verdicts_are_settled_once_the_lookback_has_fed_back(world, login):
    from django.utils import timezone

    from results.models import Feedback

    a = world["a"]
    inspection, user = lookback(world), lookback_member(world)
    lookback_check_record(
        actor=user, inspection=inspection, finding=old_finding(world), verdict="not_fixed", note="仍未整改。"
    )
    Feedback.objects.create(
        authority=a.authority, inspection=inspection, issued_on=timezone.localdate(), issued_by=a.users["office"]
    )
    with pytest.raises(ValidationError) as e:
        lookback_check_record(actor=user, inspection=inspection, finding=old_finding(world), verdict="fixed")
    assert "已反馈" in str(e.value)
    assert LookbackCheck.objects.get(inspection=inspection).verdict == "not_fixed"
    page = login(user).get(f"/rectification/lookbacks/{inspection.pk}/").content.decode()
    assert "核查结论和新发现问题不能再修改" in page and "修改结论" not in page
