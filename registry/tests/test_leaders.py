"""The leaders of an organisation over time: the rules, the page, the API, and the conflict check."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from conftest import token_client
from core.models import AuditEvent
from planning.conflicts import conflict_check
from planning.models import Inspector, InspectorRecord
from registry.models import OrganizationLeader
from registry.organizations import organization_leader_add, organization_leader_end, organization_leader_update


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _add(world, **fields):
    a = world["a"]
    values = {"name": "王强", "post": "主任", "start_on": ago(400), **fields}
    return organization_leader_add(actor=a.users["office"], organization=a.orgs["dept"], **values)


def _messages(exc: ValidationError) -> dict:
    return exc.message_dict


# The rules


def test_name_and_post_are_required(world):
    with pytest.raises(ValidationError) as e:
        _add(world, name="  ", post="")
    assert e.value.message_dict == {"name": ["请填写姓名。"], "post": ["请填写职务。"]}


def test_names_are_stored_without_surrounding_spaces(world):
    leader = _add(world, name=" 王强 ", post=" 主任")
    assert (leader.name, leader.post) == ("王强", "主任")


def test_a_tenure_ends_after_it_starts_and_does_not_start_in_the_future(world):
    with pytest.raises(ValidationError) as e:
        _add(world, start_on=ago(10), end_on=ago(20))
    assert _messages(e.value) == {"end_on": ["离任日期不能早于任职起始日期。"]}
    with pytest.raises(ValidationError) as e:
        _add(world, start_on=ago(-1))
    assert _messages(e.value) == {"start_on": ["任职起始日期不能晚于今天。"]}
    with pytest.raises(ValidationError) as e:
        _add(world, start_on=ago(10), end_on=ago(-5))
    assert _messages(e.value) == {"end_on": ["离任日期不能晚于今天。"]}
    assert _add(world, start_on=ago(0), end_on=ago(0)).pk  # a one-day tenure, today


def test_the_same_person_cannot_hold_the_same_post_twice_at_once(world):
    first = _add(world, start_on=ago(1000))
    with pytest.raises(ValidationError) as e:
        _add(world, start_on=ago(100))
    message = e.value.message_dict["name"][0]
    assert "王强已任主任" in message and "至今" in message and "请先记录离任日期" in message
    # Another post at the same time (党委书记兼主任), or the same post in another organisation: allowed.
    _add(world, post="党组书记", start_on=ago(100))
    a = world["a"]
    organization_leader_add(
        actor=a.users["office"], organization=a.orgs["town"], name="王强", post="主任", start_on=ago(100)
    )
    # Once the first tenure has ended, a new one after it is allowed, one within it is not.
    organization_leader_end(actor=a.users["office"], leader=first, end_on=ago(500))
    with pytest.raises(ValidationError) as e:
        _add(world, start_on=ago(600), end_on=ago(550))
    assert f"至 {ago(500):%Y-%m-%d}" in e.value.message_dict["name"][0]
    assert _add(world, start_on=ago(300)).end_on is None
    assert OrganizationLeader.objects.filter(organization=a.orgs["dept"], name="王强", post="主任").count() == 2


def test_recording_the_end_of_a_tenure(world):
    office = world["a"].users["office"]
    leader = _add(world, start_on=ago(400))
    with pytest.raises(ValidationError) as e:
        organization_leader_end(actor=office, leader=leader, end_on=ago(401))
    assert _messages(e.value) == {"end_on": ["离任日期不能早于任职起始日期。"]}
    leader.refresh_from_db()
    assert leader.end_on is None
    organization_leader_end(actor=office, leader=leader, end_on=ago(30))
    leader.refresh_from_db()
    assert leader.end_on == ago(30)
    with pytest.raises(ValidationError) as e:
        organization_leader_end(actor=office, leader=leader, end_on=ago(20))
    assert "已记录于" in e.value.message_dict["end_on"][0]
    events = AuditEvent.objects.filter(object_type="registry.organizationleader", object_id=str(leader.pk))
    assert list(events.order_by("seq").values_list("action", "authority_id")) == [
        ("organization_leader.add", world["a"].authority.pk),
        ("organization_leader.end", world["a"].authority.pk),
    ]


def test_a_correction_follows_the_same_rules_and_records_what_changed(world):
    office = world["a"].users["office"]
    leader = _add(world, start_on=ago(400))
    other = _add(world, name="李明", start_on=ago(200))
    with pytest.raises(ValidationError) as e:
        organization_leader_update(actor=office, leader=other, name="王强")
    assert "王强已任主任" in e.value.message_dict["name"][0]
    assert other.name == "李明"  # the refused values are not left on the object
    with pytest.raises(ValidationError):
        organization_leader_update(actor=office, leader=leader, end_on=ago(500))
    organization_leader_update(actor=office, leader=leader, start_on=ago(450), post="主任")
    event = AuditEvent.objects.filter(action="organization_leader.update").get()
    assert event.detail == {"changes": {"start_on": [ago(400).isoformat(), ago(450).isoformat()]}}
    organization_leader_update(actor=office, leader=leader, start_on=ago(450))
    assert AuditEvent.objects.filter(action="organization_leader.update").count() == 1  # nothing changed


def test_only_the_office_of_the_organisations_authority_keeps_its_leaders(world):
    a, b = world["a"], world["b"]
    leader = _add(world)
    for user, error in ((a.users["leading_group"], PermissionDenied), (b.users["office"], Http404)):
        with pytest.raises(error):
            organization_leader_add(
                actor=user, organization=a.orgs["dept"], name="李明", post="副主任", start_on=ago(10)
            )
        with pytest.raises(error):
            organization_leader_end(actor=user, leader=leader, end_on=ago(1))
        with pytest.raises(error):
            organization_leader_update(actor=user, leader=leader, name="王刚")
    with pytest.raises(PermissionDenied):
        organization_leader_end(actor=world["city_office"], leader=leader, end_on=ago(1))


# The page


def test_office_adds_and_ends_a_leader_on_the_page(world, login):
    a = world["a"]
    org = a.orgs["dept"]
    client = login(a.users["office"])
    text = client.get(f"/registry/{org.pk}/").content.decode()
    assert "领导班子成员" in text and "尚未登记领导班子成员，在下方添加" in text
    r = client.post(
        f"/registry/{org.pk}/leaders/",
        {"name": "王强", "post": "主任", "start_on": f"{ago(400):%Y-%m-%d}"},
        follow=True,
    )
    text = r.content.decode()
    assert r.redirect_chain == [(f"/registry/{org.pk}/", 302)]
    assert "已添加领导班子成员：王强（主任）" in text and "至今" in text and "离任</button>" in text
    leader = OrganizationLeader.objects.get(organization=org, name="王强")
    r = client.post(f"/registry/{org.pk}/leaders/{leader.pk}/end/", {"end_on": f"{ago(10):%Y-%m-%d}"}, follow=True)
    text = r.content.decode()
    assert f"已记录王强于 {ago(10):%Y-%m-%d} 离任主任" in text
    assert f"{ago(10):%Y-%m-%d}</td>" in text and "离任</button>" not in text
    leader.refresh_from_db()
    assert leader.end_on == ago(10)


def test_refused_input_comes_back_with_the_reasons_next_to_the_fields(world, login):
    a = world["a"]
    org = a.orgs["dept"]
    client = login(a.users["office"])
    r = client.post(f"/registry/{org.pk}/leaders/", {"name": "王强", "post": "", "start_on": "2025-13-01"})
    text = r.content.decode()
    assert r.status_code == 200
    assert "这个字段是必填项" in text and "不是有效日期，请按 2025-09-30 的格式填写" in text and 'value="王强"' in text
    leader = _add(world, start_on=ago(400))
    r = client.post(
        f"/registry/{org.pk}/leaders/", {"name": "王强", "post": "主任", "start_on": f"{ago(100):%Y-%m-%d}"}
    )
    assert "王强已任主任" in r.content.decode()
    r = client.post(f"/registry/{org.pk}/leaders/{leader.pk}/end/", {"end_on": f"{ago(500):%Y-%m-%d}"})
    text = r.content.decode()
    assert "离任日期不能早于任职起始日期" in text and f'value="{ago(500):%Y-%m-%d}"' in text
    r = client.post(
        f"/registry/{org.pk}/leaders/{leader.pk}/",
        {"name": "王强", "post": "主任", "start_on": f"{ago(-3):%Y-%m-%d}"},
    )
    text = r.content.decode()
    assert "任职起始日期不能晚于今天" in text and '<details class="mt-1" open>' in text
    assert OrganizationLeader.objects.get(pk=leader.pk).start_on == ago(400)


def test_office_corrects_a_tenure_on_the_page(world, login):
    a = world["a"]
    org = a.orgs["dept"]
    leader = _add(world, name="王钢", start_on=ago(400))
    r = login(a.users["office"]).post(
        f"/registry/{org.pk}/leaders/{leader.pk}/",
        {"name": "王刚", "post": "主任", "start_on": f"{ago(400):%Y-%m-%d}"},
        follow=True,
    )
    assert "已更正王刚（主任）的任职记录" in r.content.decode()
    assert OrganizationLeader.objects.get(pk=leader.pk).name == "王刚"


def test_leaders_in_post_come_first_then_the_others_newest_first(world, login):
    _add(world, name="甲一", start_on=ago(2000), end_on=ago(1500))
    _add(world, name="甲二", start_on=ago(1400), end_on=ago(900))
    _add(world, name="甲三", start_on=ago(1800))
    _add(world, name="甲四", post="副主任", start_on=ago(300))
    text = login(world["a"].users["office"]).get(f"/registry/{world['a'].orgs['dept'].pk}/").content.decode()
    positions = [text.index(f"<td>{n}</td>") for n in ("甲四", "甲三", "甲二", "甲一")]
    assert positions == sorted(positions)


@pytest.mark.parametrize("who", ["leading_group", "city_office", "team_member"])
def test_read_only_users_see_the_list_without_forms(world, login, who):
    a = world["a"]
    org = a.orgs["dept"]
    leader = _add(world)
    user = world["city_office"] if who == "city_office" else a.users[who]
    client = login(user)
    text = client.get(f"/registry/{org.pk}/").content.decode()
    assert "领导班子成员" in text and "王强" in text and "至今" in text
    assert "添加领导班子成员" not in text and "离任</button>" not in text and "更正" not in text
    assert "leaders/" not in text
    body = {"name": "李明", "post": "副主任", "start_on": f"{ago(10):%Y-%m-%d}"}
    assert client.post(f"/registry/{org.pk}/leaders/", body).status_code == 403
    assert client.post(f"/registry/{org.pk}/leaders/{leader.pk}/end/", {"end_on": "2025-01-01"}).status_code == 403
    assert not OrganizationLeader.objects.filter(name="李明").exists()


def test_leader_views_take_posts_only_and_leaders_of_that_organisation_only(world, login):
    a = world["a"]
    leader = _add(world)
    client = login(a.users["office"])
    assert client.get(f"/registry/{a.orgs['dept'].pk}/leaders/").status_code == 405
    assert client.get(f"/registry/{a.orgs['dept'].pk}/leaders/{leader.pk}/end/").status_code == 405
    r = client.post(f"/registry/{a.orgs['town'].pk}/leaders/{leader.pk}/end/", {"end_on": "2025-01-01"})
    assert r.status_code == 404


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_cost_of_the_page_and_the_list_does_not_grow_with_the_leaders(world, login):
    a = world["a"]
    org = a.orgs["dept"]
    page, api = login(a.users["office"]), token_client(a.users["office"])
    page_url, api_url = f"/registry/{org.pk}/", f"/api/v1/organizations/{org.pk}/leaders"
    _add(world, name="甲一")
    page.get(page_url), api.get(api_url)  # the first request of a session costs more, once
    few = _queries(page, page_url), _queries(api, api_url)
    for i in range(2, 12):
        _add(world, name=f"甲{i}", start_on=ago(100 + i), end_on=ago(50) if i % 2 else None)
    assert (_queries(page, page_url), _queries(api, api_url)) == few


# The API


def test_api_lists_adds_and_ends_leaders(world):
    a = world["a"]
    org = a.orgs["dept"]
    client = token_client(a.users["office"])
    url = f"/api/v1/organizations/{org.pk}/leaders"
    assert client.get(url).json() == {"items": [], "count": 0}
    r = client.post(url, {"name": "王强", "post": "主任", "start_on": "2021-06-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    leader = r.json()
    assert leader | {"id": 0} == {
        "id": 0,
        "organization_id": org.pk,
        "name": "王强",
        "post": "主任",
        "start_on": "2021-06-01",
        "end_on": None,
    }
    r = client.post(url, {"name": "王强", "post": "主任", "start_on": "2023-01-01"}, content_type="application/json")
    assert r.status_code == 422 and "王强已任主任" in r.json()["errors"]["name"][0]
    r = client.post(f"{url}/{leader['id']}/end", {"end_on": "2021-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"] == {"end_on": ["离任日期不能早于任职起始日期。"]}
    r = client.post(f"{url}/{leader['id']}/end", {"end_on": "2025-01-15"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["end_on"] == "2025-01-15"
    client.post(url, {"name": "李明", "post": "副主任", "start_on": "2024-03-01"}, content_type="application/json")
    listed = client.get(url).json()
    assert listed["count"] == 2 and [x["name"] for x in listed["items"]] == ["李明", "王强"]
    assert client.get(f"{url}?search=副主任").json()["count"] == 1


def test_api_refuses_those_who_may_not_keep_the_leaders(world):
    a, b = world["a"], world["b"]
    org = a.orgs["dept"]
    leader = _add(world)
    url = f"/api/v1/organizations/{org.pk}/leaders"
    body = {"name": "李明", "post": "副主任", "start_on": "2024-03-01"}
    reader = token_client(a.users["leading_group"])
    assert reader.get(url).json()["count"] == 1
    assert reader.post(url, body, content_type="application/json").status_code == 403
    assert (
        reader.post(f"{url}/{leader.pk}/end", {"end_on": "2025-01-15"}, content_type="application/json").status_code
        == 403
    )
    other = token_client(b.users["office"])
    assert other.get(url).status_code == 404
    assert other.post(url, body, content_type="application/json").status_code == 404
    # A leader asked for under another organisation of the same county is not found either.
    office = token_client(a.users["office"])
    wrong = f"/api/v1/organizations/{a.orgs['town'].pk}/leaders/{leader.pk}/end"
    assert office.post(wrong, {"end_on": "2025-01-15"}, content_type="application/json").status_code == 404
    assert not OrganizationLeader.objects.filter(name="李明").exists()


# The conflict check reads what the office keeps


def _inspector(county, name, worked_in, start_on, end_on):
    """A person in the pool who worked in ``worked_in`` from ``start_on`` to ``end_on``."""
    inspector = Inspector.objects.create(authority=county.authority, name=name, unit="县审计局")
    InspectorRecord.objects.create(
        inspector=inspector,
        kind=InspectorRecord.Kind.WORK,
        organization=worked_in,
        organization_name=worked_in.name,
        start_on=start_on,
        end_on=end_on,
    )
    return inspector


def test_a_leader_added_on_the_page_is_found_by_the_conflict_check(world, login):
    """An inspector who worked in the township while the county office's director was its
    party secretary has a superior–subordinate relation with the county office."""
    a = world["a"]
    town, dept = a.orgs["town"], a.orgs["dept"]
    today = timezone.localdate()
    inspector = _inspector(a, "赵敏", town, ago(2000), ago(500))
    assert conflict_check(inspector, dept, today) == []
    client = login(a.users["office"])

    def add(org, **body):
        r = client.post(
            f"/registry/{org.pk}/leaders/", {k: f"{v:%Y-%m-%d}" if k.endswith("_on") else v for k, v in body.items()}
        )
        assert r.status_code == 302, r.content.decode()

    add(town, name="王强", post="镇党委书记", start_on=ago(1500), end_on=ago(300))
    assert conflict_check(inspector, dept, today) == []  # not a leader of the county office (yet)
    add(dept, name="王强", post="主任", start_on=ago(299))
    found = conflict_check(inspector, dept, today)
    assert [c.rule for c in found] == ["superior_subordinate"]
    assert "主任王强同在" in found[0].reason and town.name in found[0].reason and "时任镇党委书记" in found[0].reason
    # Another inspector whose time in the township ended before the secretary arrived: no relation.
    earlier = _inspector(a, "钱进", town, ago(3000), ago(1600))
    assert conflict_check(earlier, dept, today) == []
