"""The office's own rules as the data officer meets them: written in the form (no code), run
for real over small files, revised into version 2 while the earlier run keeps version 1,
refused with the Chinese message on the row at fault, shown in Chinese beside the standard
rules, and written through the API."""

from __future__ import annotations

import pytest

from comparison import runs
from comparison.datasets import dataset_create
from comparison.models import Hit, Rule, Run
from comparison.tests.factories import LI, WANG, ZHANG, csv_bytes, dataset, upload
from comparison.tests.permission_cases_rules import api_definition, form_body
from conftest import token_client
from core.models import AuditEvent

VEHICLE_HEADERS = ["姓名", "身份证号", "号牌号码", "登记日期", "注销日期"]
VEHICLE_ROWS = [
    ["张伟", ZHANG, "浙A12345", "2023-05-01", ""],  # registered while on 低保 (since 2022): the hit
    ["李娜", LI, "浙A00001", "2024-03-01", ""],  # after her 特困 ended (2023-12-31)
    ["王芳", WANG, "浙A99999", "2018-01-01", "2020-12-31"],  # cancelled before her 低保 (2021-03)
]


def vehicles(w, key="a"):
    return dataset_create(
        actor=w[key].users["data_officer"],
        source_name="县公安局机动车登记",
        upload=upload("机动车.csv", csv_bytes(VEHICLE_HEADERS, VEHICLE_ROWS)),
    )


def _roles(rule: Rule) -> tuple[str, str]:
    link = rule.definition["link"]
    return link["left"], link["right"]


def _run(w, rule: Rule, cars) -> Run:
    left, right = _roles(rule)
    started = runs.run_start(
        actor=w["a"].users["data_officer"], rule_key=rule.key, datasets={left: dataset(w), right: cars}
    )
    assert runs.run_execute(started.pk) == "done"
    started.refresh_from_db()
    return started


def test_a_rule_written_in_the_form_runs_for_real_and_a_revision_is_version_2(world, login):
    officer = world["a"].users["data_officer"]
    client = login(officer)
    page = client.get("/comparison/rules/new/").content.decode()
    assert "期间重叠" in page and "晚于至少N个月" in page and "属于（逗号分隔）" in page and "号牌号码" in page

    r = client.post("/comparison/rules/new/", form_body())
    rule = Rule.objects.get()
    assert r.status_code == 302 and r.url == f"/comparison/rules/{rule.key}/"
    assert (rule.version, rule.name, rule.authority) == (1, "低保对象名下有车", world["a"].authority)
    left, right = _roles(rule)
    assert rule.definition["roles"][left] == {
        "label": "低保名单",
        "fields": ["name", "subsidy_kind", "start_date", "end_date", "township"],
    }
    assert rule.definition["link"]["fuzzy"] == 0.99 and rule.definition["link"]["on"] == "person"
    assert rule.definition["where"][0] == {"op": "in", "field": f"{left}.subsidy_kind", "values": ["低保", "特困"]}
    assert AuditEvent.objects.filter(action="rule.write", object_id=str(rule.pk)).exists()

    shown = client.get(r.url).content.decode()
    assert "低保名单的“补贴类型”属于“低保”、“特困”之一" in shown
    assert "低保名单的“起始日期”至低保名单的“终止日期”的期间，与机动车登记的“起始日期”" in shown
    assert "匹配概率不低于 0.99" in shown and '"op"' not in shown and "subsidy_kind" not in shown

    # The run-start page offers it, with its two datasets by the names the officer gave them.
    cars = vehicles(world)
    start = client.get(f"/comparison/runs/new/?rule={rule.key}").content.decode()
    assert "本机构规则" in start and "低保名单" in start and "机动车登记" in start
    first = _run(world, rule, cars)
    hit = Hit.objects.get(run=first)
    assert (first.rule_version, first.hit_count) == (1, 1)
    assert (hit.name, hit.id_number) == ("张伟", ZHANG)
    assert hit.summary["低保名单·乡镇"] == "青禾镇" and hit.summary["机动车登记·号牌号码"] == "浙A12345"

    # 修改: only cars registered from June 2023 count now → version 2, and 张伟's car no longer does.
    edit = client.get(f"/comparison/rules/{rule.key}/edit/").content.decode()
    assert "保存后成为第 2 版" in edit and 'value="低保名单"' in edit
    body = form_body(cond_4_field="2.start_date", cond_4_op="ge", cond_4_value="2023-06-01")
    r = client.post(f"/comparison/rules/{rule.key}/edit/", body)
    assert r.status_code == 302
    v1, v2 = Rule.objects.filter(key=rule.key).order_by("version")
    assert v2.version == 2 and len(v2.definition["where"]) == 3 and len(v1.definition["where"]) == 2
    # Started on the run-start page this time, as the officer does.
    left, right = _roles(v2)
    r = client.post(
        "/comparison/runs/new/", {"rule": rule.key, f"role_{left}": dataset(world).pk, f"role_{right}": cars.pk}
    )
    second = Run.objects.get(rule_version=2)
    assert r.status_code == 302 and runs.run_execute(second.pk) == "done"
    second.refresh_from_db()
    assert (second.rule_version, second.hit_count) == (2, 0)
    first.refresh_from_db()
    assert first.rule_version == 1 and len(first.definition["where"]) == 2
    assert "第 1 版" in client.get(f"/comparison/runs/{first.pk}/").content.decode()
    assert "第 2 版" in client.get(f"/comparison/runs/{second.pk}/").content.decode()

    page = client.get(f"/comparison/rules/{rule.key}/").content.decode()
    assert "第 2 版（当前）" in page and "第 1 版 · 低保对象名下有车" in page
    assert "机动车登记的“起始日期”不小于“2023-06-01”" in page
    listed = client.get("/comparison/rules/").content.decode()
    assert "低保对象名下有车" in listed and "（共 2 版）" in listed

    # Saving it again unchanged writes nothing.
    r = client.post(f"/comparison/rules/{rule.key}/edit/", body)
    assert r.status_code == 200 and "规则未作任何修改" in r.content.decode()
    assert Rule.objects.count() == 2


def test_a_condition_on_a_field_its_dataset_lacks_is_refused_on_its_row(world, login):
    client = login(world["a"].users["data_officer"])
    # Row 1 blank, row 3 asks the vehicles for an amount they were not declared to hold.
    body = form_body(
        cond_1_field="",
        cond_1_op="",
        cond_1_value="",
        cond_3_field="2.amount",
        cond_3_op="gt",
        cond_3_value="1000",
    )
    r = client.post("/comparison/rules/new/", body)
    page = r.content.decode()
    assert r.status_code == 200 and not Rule.objects.exists()
    row = page.split('id="cond-3-error"')[1].split("</td>")[0]
    assert "第3行条件：数据集“机动车登记”没有“金额”这一字段" in row
    assert 'id="cond-2-error"' not in page and 'id="cond-1-error"' not in page

    # A row half filled in, and a value the field cannot take, are refused on their rows too.
    r = client.post(
        "/comparison/rules/new/",
        form_body(cond_5_field="1.start_date", cond_6_field="1.start_date", cond_6_op="gt", cond_6_value="去年"),
    )
    page = r.content.decode()
    assert "第5行条件：请选择比较方式" in page.split('id="cond-5-error"')[1].split("</td>")[0]
    assert not Rule.objects.exists()
    r = client.post(
        "/comparison/rules/new/", form_body(cond_6_field="1.start_date", cond_6_op="gt", cond_6_value="去年")
    )
    page = r.content.decode()
    assert "不是日期" in page.split('id="cond-6-error"')[1].split("</td>")[0] and not Rule.objects.exists()

    # One dataset linked "as the same person" is refused by the dataset's name field.
    r = client.post("/comparison/rules/new/", form_body(label_2="", fields_2=[], show=["1.township"]))
    assert "关联需要两个数据集" in r.content.decode() and not Rule.objects.exists()


def test_one_dataset_duplicates_and_a_link_on_fields(world, login):
    client = login(world["a"].users["data_officer"])
    body = {
        "name": "同一人同年重复领取补贴",
        "label_1": "补贴发放名单",
        "fields_1": ["name", "subsidy_kind", "year", "amount"],
        "link": "duplicate",
        "group_fields": ["subsidy_kind", "year"],
        "min_count": "2",
        "fuzzy": "0.99",
        "show": ["1.subsidy_kind"],
    }
    assert client.post("/comparison/rules/new/", body).status_code == 302
    rule = Rule.objects.get()
    (role,) = rule.definition["roles"]
    group = rule.definition["group"]
    assert group["by"] == [f"{role}.subsidy_kind", f"{role}.year"] and group["min_count"] == 2
    assert not group.get("fuzzy")  # 模糊匹配 left unticked
    shown = client.get(f"/comparison/rules/{rule.key}/").content.decode()
    assert "同一人（按身份证号）且“补贴类型”、“年度”均相同的记录不少于 2 条" in shown

    body = form_body(
        name="村干部同户享受低保",
        label_2="村干部名单",
        fields_2=["name", "village", "household", "start_date", "end_date"],
        fields_1=["name", "subsidy_kind", "start_date", "end_date", "village", "household"],
        link="person_or_fields",
        link_fields=["household", "village"],
        show=[],
    )
    assert client.post("/comparison/rules/new/", body).status_code == 302
    linked = Rule.objects.get(name="村干部同户享受低保")
    assert linked.definition["link"]["on"] == ["person", ["household", "village"]]
    shown = client.get(f"/comparison/rules/{linked.key}/").content.decode()
    assert "，或“户号”、“村（社区）”均相同" in shown

    # The welfare list lacks no household here, but a link field one side was not declared to hold is refused.
    r = client.post(
        "/comparison/rules/new/", {**body, "name": "另一条", "fields_2": ["name", "start_date", "end_date"]}
    )
    assert "关联：数据集“村干部名单”没有“户号”这一字段" in r.content.decode()


def test_the_list_shows_the_standard_rules_in_chinese_not_json(world, login):
    page = login(world["a"].users["data_officer"]).get("/comparison/rules/").content.decode()
    assert "财政供养人员违规享受低保、特困" in page and "死亡后冒领养老金" in page
    assert "养老金发放明细的“发放月份”比死亡人员名单的“死亡日期”晚至少 2 个月" in page
    assert "市场主体登记人员的“职务/身份”包含“法定代表人”、“股东”、“监事”之一" in page
    assert '"op"' not in page and "welfare.start_date" not in page


@pytest.mark.parametrize("role", ["office", "office_head", "leading_group", "sysadmin"])
def test_nobody_but_the_data_officer_reads_or_writes_rules(world, login, role):
    user = world["a"].users[role]
    client = login(user)
    page = client.get("/comparison/rules/")  # a page of another role: 403 naming the role that opens it
    assert page.status_code == 403 and "此类页面供数据比对员使用。" in page.content.decode()
    assert client.post("/comparison/rules/new/", form_body()).status_code == 403
    api = token_client(user)
    r = api.post(
        "/api/v1/comparison-rules", {"name": "x", "definition": api_definition()}, content_type="application/json"
    )
    assert r.status_code == 403 and not Rule.objects.exists()


def test_the_api_writes_a_rule_and_its_versions_and_refuses_a_bad_one_in_chinese(world):
    client = token_client(world["a"].users["data_officer"])

    def post(body):
        return client.post("/api/v1/comparison-rules", body, content_type="application/json")

    r = post({"name": "任何救助与财政供养重叠", "definition": api_definition(), "key": "any_welfare"})
    assert r.status_code == 201 and r.json()["key"] == "any_welfare" and r.json()["version"] == 1
    revised = {"name": "任何救助与财政供养重叠", "description": "第二版", "definition": api_definition()}
    r = client.put("/api/v1/comparison-rules/any_welfare", revised, content_type="application/json")
    assert r.status_code == 200 and [v["version"] for v in r.json()["versions"]] == [2, 1]
    got = client.get("/api/v1/comparison-rules/any_welfare").json()
    assert got["version"] == 2 and got["description"] == "第二版" and not got["standard"]
    assert client.get("/api/v1/comparison-rules/welfare_vs_payroll").json()["standard"]
    listed = {x["key"]: x["version"] for x in client.get("/api/v1/comparison-rules").json()["items"]}
    assert listed["any_welfare"] == 2

    bad = api_definition()
    bad["where"] = [{"op": "gt", "field": "payroll.amount", "value": "abc"}]
    r = post({"name": "坏规则", "definition": bad})
    assert r.status_code == 422 and "条件第1条" in r.json()["errors"]["definition"][0]
    r = post({"name": "任何救助与财政供养重叠", "definition": api_definition()})
    assert r.status_code == 422 and r.json()["code"] == "duplicate"
    r = post({"name": "另一个", "definition": api_definition(), "key": "welfare_vs_payroll"})
    assert r.status_code == 422 and r.json()["code"] == "duplicate"
    assert Rule.objects.count() == 2


def _as_post(initial: dict) -> dict:
    """The form's initial values as a browser would post them back unchanged."""
    data = {}
    for name, value in initial.items():
        if value is True:
            data[name] = "on"
        elif value in (False, None):
            continue
        else:
            data[name] = value if isinstance(value, list) else str(value)
    return data


def test_the_edit_form_holds_the_rule_as_stored_and_can_say_the_standard_rules(world, login):
    from comparison.forms.rules import RuleForm, initial_from
    from comparison.office_rules import rule_check
    from comparison.rules import STANDARD

    client = login(world["a"].users["data_officer"])
    body = form_body(
        cond_3_field="2.end_date",
        cond_3_op="months_after",
        cond_3_value="2",
        cond_3_other="1.start_date",
        cond_3_blank_ok="on",
        cond_4_field="1.township",
        cond_4_op="contains",
        cond_4_value="青禾",
        cond_5_field="2.start_date",
        cond_5_op="before",
        cond_5_other="1.end_date",
    )
    assert client.post("/comparison/rules/new/", body).status_code == 302
    rule = Rule.objects.get()
    initial, lossless = initial_from(rule)
    form = RuleForm(_as_post(initial))
    assert lossless and form.is_valid(), form.errors
    assert rule_check(form.definition) == rule.definition

    # death_vs_pension, written in the form, says what the standard rule says (but its labels).
    body = {
        "name": "死亡后仍发养老金（本县）",
        "label_1": "死亡人员名单",
        "fields_1": ["name", "death_date"],
        "label_2": "养老金发放明细",
        "fields_2": ["name", "pay_month", "amount"],
        "link": "person",
        "fuzzy_on": "on",
        "fuzzy": "0.99",
        "min_count": "2",
        "cond_1_field": "2.pay_month",
        "cond_1_op": "months_after",
        "cond_1_value": "2",
        "cond_1_other": "1.death_date",
    }
    assert client.post("/comparison/rules/new/", body).status_code == 302
    own = Rule.objects.get(name="死亡后仍发养老金（本县）").definition
    standard = STANDARD["death_vs_pension"]["definition"]
    renamed = dict(zip(standard["roles"], own["roles"], strict=True))
    (cond,) = own["where"]
    expected = {k: v for k, v in standard["where"][0].items() if k != "labels"}
    expected["month"] = expected["month"].replace("pensions", renamed["pensions"])
    expected["date"] = expected["date"].replace("deaths", renamed["deaths"])
    assert cond == expected and own["link"]["fuzzy"] == standard["link"]["fuzzy"]
