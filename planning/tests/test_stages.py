"""The stage machine: forwards only, one step at a time, by the right role; deadlines from settings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import token_client
from core.workbench import todos_for
from planning.models import DeadlineSettings
from planning.stages import add_months, deadline_settings_for, deadlines, inspection_advance

D = datetime.date


@pytest.fixture
def insp(world):
    i = world["a"].inspection
    i.round.entry_on, i.round.onsite_end_on = D(2025, 12, 14), D(2026, 1, 29)
    i.round.save()
    return i


def test_moves_forward_one_stage_at_a_time_with_date_and_actor(world, insp):
    office = world["a"].users["office"]
    change = inspection_advance(actor=office, inspection=insp, to_stage="onsite", on=D(2025, 12, 14))
    assert (change.from_stage, change.to_stage, change.on, change.actor) == (
        "preparation",
        "onsite",
        D(2025, 12, 14),
        office,
    )
    insp.refresh_from_db()
    assert insp.stage == "onsite"


def test_no_skipping_and_no_going_back(world, insp):
    office = world["a"].users["office"]
    with pytest.raises(ValidationError, match="只能依次推进到下一阶段：进驻了解"):
        inspection_advance(actor=office, inspection=insp, to_stage="reporting")
    inspection_advance(actor=office, inspection=insp, to_stage="onsite", on=D(2025, 12, 14))
    with pytest.raises(ValidationError):
        inspection_advance(actor=office, inspection=insp, to_stage="preparation")
    with pytest.raises(ValidationError, match="不能早于"):
        inspection_advance(actor=office, inspection=insp, to_stage="reporting", on=D(2025, 12, 1))


def test_only_the_right_role_moves(world, insp):
    a = world["a"]
    with pytest.raises(PermissionDenied):  # a team may not declare its own entry
        inspection_advance(actor=a.users["team_leader"], inspection=insp, to_stage="onsite")
    inspection_advance(actor=a.users["office"], inspection=insp, to_stage="onsite", on=D(2025, 12, 14))
    with pytest.raises(PermissionDenied):
        inspection_advance(actor=a.users["team_member"], inspection=insp, to_stage="reporting")
    inspection_advance(actor=a.users["team_leader"], inspection=insp, to_stage="reporting", on=D(2026, 1, 29))
    with pytest.raises(PermissionDenied):
        inspection_advance(actor=a.users["leading_group"], inspection=insp, to_stage="feedback")
    with pytest.raises(PermissionDenied):
        inspection_advance(actor=world["city_office"], inspection=insp, to_stage="feedback")
    with pytest.raises(Http404):
        inspection_advance(actor=world["b"].users["office"], inspection=insp, to_stage="feedback")


def test_archived_is_the_end(world, insp):
    office = world["a"].users["office"]
    for stage in ("onsite", "reporting", "feedback", "rectification", "archived"):
        inspection_advance(actor=office, inspection=insp, to_stage=stage, on=D(2026, 3, 1))
    with pytest.raises(ValidationError, match="已归档"):
        inspection_advance(actor=office, inspection=insp, to_stage="archived")


def test_deadlines_follow_the_defaults(world, insp):
    office = world["a"].users["office"]
    settings = deadline_settings_for(insp.authority_id)
    due = {d.kind: d.due_on for d in deadlines(insp, settings, [])}
    assert due == {"entry_notice": D(2025, 12, 4), "report": D(2026, 2, 28)}
    for stage, on in (("onsite", D(2025, 12, 14)), ("reporting", D(2026, 1, 29)), ("feedback", D(2026, 3, 31))):
        inspection_advance(actor=office, inspection=insp, to_stage=stage, on=on)
    items = {d.kind: d for d in deadlines(insp, settings, list(insp.stage_changes.all()))}
    assert items["rectification_plan"].due_on == D(2026, 4, 30)
    assert items["rectification_report"].due_on == D(2026, 5, 31)
    assert items["entry_notice"].done and items["report"].done and not items["rectification_plan"].done


def test_deadline_settings_the_office_edits(world, insp):
    DeadlineSettings.objects.create(authority=insp.authority, notice_days_before_entry=15, report_months_after_onsite=2)
    due = {d.kind: d.due_on for d in deadlines(insp, deadline_settings_for(insp.authority_id), [])}
    assert due == {"entry_notice": D(2025, 11, 29), "report": D(2026, 3, 29)}
    other = {
        d.kind: d.due_on for d in deadlines(world["b"].inspection, deadline_settings_for(world["b"].authority.pk), [])
    }
    assert other == {}  # county B's round has no dates; its settings are its own


def test_add_months_keeps_to_the_month_end():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_due_items_reach_the_workbench_of_those_responsible(world, insp, login, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: D(2025, 12, 1))
    a = world["a"]
    office_items = todos_for(a.users["office"])
    assert [(t.title, t.due_on) for t in office_items] == [(f"{insp.organization.name}：发出进驻通知", D(2025, 12, 4))]
    assert todos_for(a.users["team_leader"])[0].url == f"/planning/inspections/{insp.pk}/"
    assert todos_for(a.users["leading_group"]) == [] and todos_for(world["city_office"]) == []
    assert todos_for(world["b"].users["office"]) == []
    page = login(a.users["office"]).get("/").content.decode()
    assert "发出进驻通知" in page and "7 日内到期</span>：1 项" in page


def test_advance_through_the_api_and_the_page(world, insp, login):
    a = world["a"]
    r = token_client(a.users["office"]).post(
        f"/api/v1/inspections/{insp.pk}/advance", {"to_stage": "onsite"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["stage"] == "onsite"
    assert {d["kind"] for d in r.json()["deadlines"]} == {"entry_notice", "report"}
    skip = token_client(a.users["office"]).post(
        f"/api/v1/inspections/{insp.pk}/advance", {"to_stage": "archived"}, content_type="application/json"
    )
    assert skip.status_code == 422 and "只能依次推进" in skip.json()["errors"]["to_stage"][0]
    assert skip.json()["code"] == "stage_order" and skip.json()["error_codes"] == {"to_stage": ["stage_order"]}
    member = token_client(a.users["team_member"]).post(
        f"/api/v1/inspections/{insp.pk}/advance", {"to_stage": "reporting"}, content_type="application/json"
    )
    assert member.status_code == 403 and member.json()["code"] == "forbidden"
    client = login(a.users["team_leader"])
    assert "推进到“报告”" in client.get(f"/planning/inspections/{insp.pk}/").content.decode()
    client.post(f"/planning/inspections/{insp.pk}/", {"to_stage": "reporting"})
    insp.refresh_from_db()
    assert insp.stage == "reporting"
    assert "推进到" not in login(a.users["team_member"]).get(f"/planning/inspections/{insp.pk}/").content.decode()


def test_office_edits_the_deadline_settings_in_the_page(world, insp, login):
    a = world["a"]
    client = login(a.users["office"])
    page = client.get("/planning/settings/").content.decode()
    assert "进驻通知提前天数" in page and 'value="10"' in page
    values = {
        "notice_days_before_entry": 15,
        "report_months_after_onsite": 2,
        "plan_months_after_feedback": 1,
        "rectification_report_months_after_feedback": 3,
        "transfer_outcome_months": 3,
    }
    assert client.post("/planning/settings/", values).status_code == 302
    due = {d.kind: d.due_on for d in deadlines(insp, deadline_settings_for(insp.authority_id), [])}
    assert due["entry_notice"] == D(2025, 11, 29) and due["report"] == D(2026, 3, 29)
    from core.models import AuditEvent

    event = AuditEvent.objects.get(action="deadline_settings.update")
    assert event.detail["changes"]["notice_days_before_entry"] == [10, 15]
    bad = client.post("/planning/settings/", {**values, "report_months_after_onsite": 0}).content.decode()
    assert "须为 1 到 24 之间的整数" in bad
    assert deadline_settings_for(world["b"].authority.pk).notice_days_before_entry == 10  # B keeps its own
    leading = login(a.users["leading_group"])
    assert leading.get("/planning/settings/").status_code == 200
    assert leading.post("/planning/settings/", values).status_code == 403


def test_a_move_dated_after_today_is_refused(world, insp):
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    r = token_client(world["a"].users["office"]).post(
        f"/api/v1/inspections/{insp.pk}/advance",
        {"to_stage": "onsite", "on": tomorrow.isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error_codes"] == {"on": ["out_of_scope_date"]}
    assert f"阶段变更日期 {tomorrow:%Y-%m-%d} 晚于今天" in r.json()["errors"]["on"][0]
    insp.refresh_from_db()
    assert insp.stage == "preparation" and not insp.stage_changes.exists()


def test_going_on_site_before_the_entry_date_is_warned_at_that_step(world, login):
    from django.utils import timezone

    from planning.inspections import inspection_create

    a = world["a"]
    insp = a.inspection
    today = timezone.localdate()
    entry = today + datetime.timedelta(days=10)
    insp.round.entry_on, insp.round.onsite_end_on = entry, entry + datetime.timedelta(days=45)
    insp.round.save()
    client = login(a.users["office"])
    url = f"/planning/inspections/{insp.pk}/"
    warning = f"本轮进驻日期为 {entry:%Y-%m-%d}，{today:%Y-%m-%d} 推进到“进驻了解”将比进驻日期提前 10 天"
    page = client.get(url).content.decode()
    before_button = page[: page.index("推进到“进驻了解”</button>")]
    assert warning in before_button  # shown next to the button, and in its confirmation
    page = client.post(url, {"to_stage": "onsite"}, follow=True).content.decode()
    assert "已推进到“进驻了解”阶段。" in page and warning in page
    # A special inspection in the same round keeps its own timing: no warning.
    special = inspection_create(
        actor=a.users["office"], round=insp.round, organization=a.orgs["town"], kind="special", theme="乡村振兴"
    )
    assert "提前" not in client.get(f"/planning/inspections/{special.pk}/").content.decode()
    # On the entry date itself, nothing to say.
    insp.round.entry_on = today
    insp.round.save()
    other = inspection_create(actor=a.users["office"], round=insp.round, organization=a.orgs["village"])
    assert "比进驻日期提前" not in client.get(f"/planning/inspections/{other.pk}/").content.decode()
