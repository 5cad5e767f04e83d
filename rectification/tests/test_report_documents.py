"""The rectification report (整改情况报告) and its public version (整改情况公开): what each
says, what the public one leaves out, and who may download them."""

import io
import zipfile

import pytest
from docx import Document

from conftest import token_client
from core.models import AuditEvent
from onsite.models import Finding
from rectification import plans as plan_services
from rectification import tasks as task_services
from rectification.tests.factories import plan, progress

HEAD_REPORT = "本人作为第一责任人，主持召开专题会议3次，逐项研究整改措施，亲自督办重点问题。"
SECRET_TITLE = "“三重一大”事项未经集体决策"


@pytest.fixture
def approved(world):
    """County A's approved plan: the first finding names people and money, the second is
    excluded as 涉密; the first finding's task is verified, the second's in progress."""
    a = world["a"]
    p = plan(world, "a")
    first, second = (t.finding for t in p.tasks.order_by("number"))
    Finding.objects.filter(pk=first.pk).update(
        people="李明、赵强", amount=125000, description="2025年李明超标准接待12次，涉及金额12.5万元。"
    )
    Finding.objects.filter(pk=second.pk).update(excluded="secret")
    plan_services.plan_head_report_set(
        actor=a.users["unit_liaison"], plan=p, head_name="周建国", head_report=f"周建国同志{HEAD_REPORT}"
    )
    t1, t2 = p.tasks.order_by("number")
    progress(world, t1, completed=True, text="已退回超标准接待费用3,600元，李明作出书面检查。")
    task_services.task_verify(actor=a.users["office"], task=t1)
    progress(world, t2, text="正在修订议事规则，尚未完成。")
    p.refresh_from_db()
    return p


def _text(data: bytes) -> str:
    """Every paragraph of the body, one per line."""
    return "\n".join(p.text.replace("\n", "") for p in Document(io.BytesIO(data)).paragraphs)


def _all_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))


def _get(client, p, kind):
    r = client.get(f"/api/v1/rectification-plans/{p.pk}/documents/{kind}.docx")
    assert r.status_code == 200, r.content[:300]
    return r.content


def test_the_report_has_the_head_report_every_finding_and_the_verified_progress(world, approved):
    text = _text(_get(token_client(world["a"].users["unit_liaison"]), approved, "report"))
    assert "关于巡察反馈意见整改情况的报告" in text
    assert "中共甲县委巡察工作领导小组：" in text
    assert HEAD_REPORT in text and "周建国" in text
    assert "成立整改工作领导小组，逐项整改。" in text  # the overall arrangements
    assert "公务接待超标准" in text and SECRET_TITLE in text  # the excluded finding too
    assert "责任领导：王书记" in text and "责任部门：办公室" in text
    assert "已退回超标准接待费用3,600元" in text  # the verified task's progress
    assert "正在修订议事规则" not in text  # not verified: only its status
    assert "整改进展：正在推进整改。" in text and "整改中" not in text
    assert "巡察反馈问题2个，其中已完成整改1个；制定整改任务2项，已核验销号1项，正在整改1项。" in text


def test_the_public_version_leaves_out_excluded_matters_people_and_amounts(world, approved):
    data = _get(token_client(world["a"].users["office"]), approved, "public")
    text = _text(data)
    assert "公务接待超标准" in text
    assert SECRET_TITLE not in text and "整改措施2" not in text  # the excluded finding and its task
    assert "另有1个问题（涉密1个）按照有关规定不予公开" in text
    everything = _all_text(data)
    for name in ("周建国", "李明", "赵强", "王书记"):
        assert name not in everything
    assert "3,600" not in everything and "12.5" not in everything and "125000" not in everything
    assert "责任领导" not in text
    assert f"主要负责人{HEAD_REPORT}" in text  # the head's account, without the head's name
    assert "予以公开的反馈问题1个，其中已完成整改1个；制定整改任务1项" in text
    assert "已退回超标准接待费用××元，××作出书面检查。" in text
    event = AuditEvent.objects.filter(action="rectification_plan.document").latest("seq")
    assert event.detail["kind"] == "public" and approved.tasks.get(number=2).finding_id not in event.detail["findings"]


def test_the_page_downloads_and_what_each_role_may_have(world, login, approved):
    a, b = world["a"], world["b"]
    url = f"/rectification/plans/{approved.pk}/documents/"
    for role in ("office", "office_head", "team_leader", "team_member", "unit_liaison"):
        client = login(a.users[role])
        for kind in ("report", "public"):
            r = client.get(f"{url}{kind}.docx")
            assert r.status_code == 200 and r["Content-Type"].endswith("document"), (role, kind)
    # The report is addressed to the leading group, which reads it.
    assert login(a.users["leading_group"]).get(f"{url}report.docx").status_code == 200
    assert login(a.users["nobody"]).get(f"{url}report.docx").status_code == 404
    assert login(b.users["office"]).get(f"{url}report.docx").status_code == 404
    assert login(a.users["office"]).get(f"{url}minutes.docx").status_code == 404
    r = token_client(a.users["office"]).get(f"/api/v1/rectification-plans/{approved.pk}/documents/minutes.docx")
    assert r.status_code == 422


def test_no_document_before_the_plan_is_approved(world, login):
    p = plan(world, "a", status="submitted")
    office = world["a"].users["office"]
    r = token_client(office).get(f"/api/v1/rectification-plans/{p.pk}/documents/report.docx")
    assert r.status_code == 422 and "批准后" in r.json()["errors"]["plan"][0]
    r = login(office).get(f"/rectification/plans/{p.pk}/documents/report.docx", follow=True)
    assert "整改方案批准后才能生成整改情况报告" in r.content.decode()


def test_no_report_without_the_heads_own_account(world, login):
    from rectification.models import RectificationPlan

    a = world["a"]
    p = plan(world)
    RectificationPlan.objects.filter(pk=p.pk).update(head_report="")
    r = login(a.users["office"]).get(f"/rectification/plans/{p.pk}/documents/report.docx", follow=True)
    assert "单位尚未填写主要负责人组织落实整改情况" in r.content.decode()
