"""Runs as the data officer meets them: started from the page (a rule, then a dataset for
each of its roles), run by the queued task for real, its progress polled until it is done
with its figures and hits; cancelled while queued or while running; a run that cannot go on
fails with a Chinese message; a wrong choice of datasets is refused before anything runs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from comparison import runs as services
from comparison.datasets import dataset_file
from comparison.models import Hit, Run
from comparison.tests.factories import RULE, RULE_NAME, ZHANG, dataset, own_rule, run
from conftest import token_client
from core.models import AuditEvent


# The worker closes and reopens database connections, as it does in production: it runs
# outside a test transaction (inside one, PostgreSQL's connection would be closed under it).
@pytest.mark.django_db(transaction=True)
def test_a_run_started_on_the_page_is_run_by_the_worker_and_shows_its_hits(world, login):
    welfare, payroll = dataset(world, "a", "welfare"), dataset(world, "a", "payroll")
    officer = world["a"].users["data_officer"]
    client = login(officer)
    page = client.get("/comparison/runs/new/").content.decode()
    assert RULE_NAME in page and "请选择" in page
    page = client.get(f"/comparison/runs/new/?rule={RULE}").content.decode()
    assert "低保、特困人员名单" in page and "财政供养人员名单" in page and welfare.source.name in page

    r = client.post("/comparison/runs/new/", {"rule": RULE, "role_welfare": welfare.pk, "role_payroll": payroll.pk})
    started = Run.objects.get()
    assert r.status_code == 302 and r.url == f"/comparison/runs/{started.pk}/"
    assert (started.status, started.rule_version, started.datasets) == (
        "queued",
        1,
        {"welfare": welfare.pk, "payroll": payroll.pk},
    )
    assert started.definition["roles"]["welfare"]["label"] == "低保、特困人员名单"  # the snapshot
    assert AuditEvent.objects.filter(action="comparison.run", object_id=str(started.pk)).exists()
    waiting = client.get(r.url).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 2s"' in waiting and ">取消</button>" in waiting

    # The task the start queued, run by the worker as `make run` runs it.
    assert DBTaskResult.objects.filter(task_path="comparison.jobs.run_task").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    started.refresh_from_db()
    assert started.status == "done", started.error
    assert started.hit_count == 1 and started.stats["rows"] == {"welfare": 3, "payroll": 2}
    assert started.started_at and started.finished_at
    hit = Hit.objects.get(run=started)
    assert (hit.name, hit.id_number, hit.match, hit.state) == ("张伟", ZHANG, "exact", "new")
    assert hit.summary["供养单位"] == "县农业农村局" and hit.evidence["payroll"]

    done = client.get(f"/comparison/runs/{started.pk}/progress/").content.decode()
    assert "every 2s" not in done and "已完成" in done and "精确匹配" in done and ">取消</button>" not in done
    assert "/comparison/runs/" in client.get("/comparison/runs/").content.decode()


def test_api_start_poll_and_the_rules_each_with_its_roles(world):
    own = own_rule(world)
    client = token_client(world["a"].users["data_officer"])
    rules = {r["key"]: r for r in client.get("/api/v1/comparison-rules").json()["items"]}
    assert set(rules["welfare_vs_payroll"]["roles"]) == {"welfare", "payroll"}
    assert rules["death_vs_pension"]["standard"] and set(rules["duplicate_subsidy"]["roles"]) == {"subsidies"}
    assert rules[own.key]["name"] == own.name and not rules[own.key]["standard"]

    body = {"rule": own.key, "datasets": {"welfare": dataset(world).pk, "payroll": dataset(world, "a", "payroll").pk}}
    r = client.post("/api/v1/comparison-runs", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "queued" and r.json()["rule_name"] == own.name
    services.run_execute(r.json()["id"])
    polled = client.get(f"/api/v1/comparison-runs/{r.json()['id']}").json()
    assert {k: polled[k] for k in ("status", "hit_count", "error")} == {"status": "done", "hit_count": 1, "error": ""}


def test_a_wrong_choice_of_datasets_is_refused_before_anything_runs(world):
    client = token_client(world["a"].users["data_officer"])
    welfare = dataset(world)

    def start(body):
        return client.post("/api/v1/comparison-runs", body, content_type="application/json")

    r = start({"rule": RULE, "datasets": {"welfare": welfare.pk}})
    assert r.status_code == 422 and r.json()["code"] == "missing_prerequisite"
    assert "请为“财政供养人员名单”选择数据集" in r.json()["errors"]["datasets"][0]
    r = start({"rule": RULE, "datasets": {"welfare": welfare.pk, "payroll": welfare.pk, "cars": welfare.pk}})
    assert r.status_code == 422 and "没有“cars”这一数据集" in r.json()["errors"]["datasets"][0]
    r = start({"rule": "no_such_rule", "datasets": {"welfare": welfare.pk}})
    assert r.status_code == 422 and r.json()["code"] == "unknown_choice"
    # County B's dataset is out of sight: as if it did not exist.
    r = start({"rule": RULE, "datasets": {"welfare": welfare.pk, "payroll": dataset(world, "b", "payroll").pk}})
    assert r.status_code == 404
    assert Run.objects.count() == 0 and not DBTaskResult.objects.exists()


def test_a_rule_whose_condition_needs_a_column_the_dataset_lacks_is_refused(world):
    from comparison.datasets import dataset_create
    from comparison.tests.factories import csv_bytes, upload

    officer = world["a"].users["data_officer"]
    pensions = dataset_create(
        actor=officer,
        source_name="养老金发放（无发放月份）",
        upload=upload("养老金.csv", csv_bytes(["姓名", "身份证号", "金额"], [["张伟", ZHANG, "1200"]])),
    )
    deaths = dataset_create(
        actor=officer,
        source_name="死亡名单",
        upload=upload("死亡.csv", csv_bytes(["姓名", "身份证号", "死亡日期"], [["张伟", ZHANG, "2023-03-05"]])),
    )
    with pytest.raises(ValidationError) as e:
        services.run_start(
            actor=officer, rule_key="death_vs_pension", datasets={"deaths": deaths, "pensions": pensions}
        )
    assert "缺少规则所需的列：发放月份" in e.value.message_dict["datasets"][0]


def test_cancelling_a_queued_run_stops_it_at_once(world, login):
    queued = run(world)
    client = login(world["a"].users["data_officer"])
    r = client.post(f"/comparison/runs/{queued.pk}/cancel/")
    assert r.status_code == 302
    queued.refresh_from_db()
    assert queued.status == "cancelled" and queued.finished_at
    assert services.run_execute(queued.pk) == "cancelled"  # the worker comes later: nothing runs
    assert not Hit.objects.exists()
    page = client.get(f"/comparison/runs/{queued.pk}/").content.decode()
    assert "已取消" in page and "every 2s" not in page
    again = client.post(f"/comparison/runs/{queued.pk}/cancel/", follow=True).content.decode()
    assert "任务已取消，无法取消" in again


def test_a_running_run_stops_at_the_engines_next_look_and_keeps_no_hits(world):
    started = run(world)
    # The officer presses 取消 just as the worker picks the run up.
    Run.objects.filter(pk=started.pk).update(cancel_requested=True)
    assert services.run_execute(started.pk) == "cancelled"
    started.refresh_from_db()
    assert started.status == "cancelled" and started.hit_count == 0 and not Hit.objects.exists()


def test_a_run_whose_dataset_file_is_gone_fails_with_a_chinese_message(world, login):
    started = run(world)
    dataset_file(dataset(world, "a", "payroll")).unlink()
    assert services.run_execute(started.pk) == "failed"
    started.refresh_from_db()
    assert started.status == "failed" and "数据集已不存在" in started.error
    page = login(world["a"].users["data_officer"]).get(f"/comparison/runs/{started.pk}/").content.decode()
    assert "失败" in page and "数据集已不存在" in page and "every 2s" not in page
    assert not Hit.objects.exists()


def test_progress_is_written_to_the_run_as_the_engine_reports_it(world, monkeypatch):
    started = run(world)
    seen: list[tuple[str, int, int]] = []
    real = services._Progress.progress

    def spy(self, phase, done=None, total=None):
        real(self, phase, done, total)
        row = Run.objects.get(pk=started.pk)
        seen.append((row.phase, row.done, row.total))

    monkeypatch.setattr(services._Progress, "progress", spy)
    services.run_execute(started.pk)
    phases = [p for p, _, _ in seen]
    assert phases[0] == "read" and "match" in phases and "store" in phases
    assert ("read", 0, 2) in seen
    started.refresh_from_db()
    assert started.status == "done" and started.phase == ""
    assert services.phase_label("match") == "人员匹配"


def test_a_team_reads_a_hit_only_once_it_is_confirmed_to_its_inspection(world):
    from core import access

    done = run(world, execute=True)
    hit = Hit.objects.get(run=done)
    member, officer = world["a"].users["team_member"], world["a"].users["data_officer"]

    def seen(user):
        return list(access.restrict(Hit.objects.all(), user))

    assert seen(officer) == [hit] and seen(member) == [] and seen(world["a"].users["office"]) == []
    Hit.objects.filter(pk=hit.pk).update(inspection=world["a"].inspection)
    assert seen(member) == []  # handed over only once confirmed
    Hit.objects.filter(pk=hit.pk).update(state=Hit.State.CONFIRMED)
    assert seen(member) == [hit] and seen(world["b"].users["team_member"]) == []
    assert not access.restrict(Hit.objects.all(), member, "change").exists()
    assert seen(world["b"].users["data_officer"]) == [] and seen(world["a"].users["leading_group"]) == []
