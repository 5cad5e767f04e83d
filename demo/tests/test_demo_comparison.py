"""The demo county's data comparison: a data officer's account, four departments' files, two
finished runs, and the confirmed hits waiting on round seven's desk at 县委办公室."""

import io

from django.core.management import call_command
from django.test import Client

from comparison.models import Dataset, Hit, Run
from core.models import User
from planning.models import Inspection


def test_demo_comparison_hits_reach_the_team_desk(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "qh_data" in out.getvalue()
    accounts = (tmp_path / "demo-accounts.txt").read_text(encoding="utf-8").split("\n")
    assert any(line.startswith("qh_data ") and line.endswith(" data_officer") for line in accounts)

    assert Dataset.objects.count() == 4
    assert all((tmp_path / "comparison").rglob("*.parquet"))
    assert set(Run.objects.values_list("rule_key", "status")) == {
        ("welfare_vs_payroll", "done"),
        ("death_vs_pension", "done"),
    }
    hits = {h.name: h for h in Hit.objects.all()}
    # The 15-digit ID matches its 18-digit form; the ID-less 施建华 is found by name, birth date and sex.
    assert hits["胡秀英"].state == "dismissed" and hits["胡秀英"].id_number.startswith("33112519651102")
    assert hits["施建华"].match == "fuzzy" and hits["施建华"].probability >= 0.99
    assert hits["罗长根"].state == "new" and hits["罗长根"].summary
    assert "彭晓东" not in hits and "唐桂芝" not in hits  # periods apart; paid one month after death
    xwb = Inspection.objects.get(round__number=7, organization__name="县委办公室", kind="regular")
    assert {h.name for h in Hit.objects.filter(inspection=xwb, state="confirmed")} == {"周德明", "施建华"}

    member = Client()
    member.force_login(User.objects.get(username="qh_member"))
    desk = member.get(f"/onsite/inspections/{xwb.pk}/").content.decode()
    assert "周德明" in desk and "施建华" in desk
    assert "胡秀英" not in desk and "罗长根" not in desk
    assert member.get("/comparison/datasets/").status_code in (403, 404)

    officer = Client()
    officer.force_login(User.objects.get(username="qh_data"))
    assert "县民政局低保特困人员名单" in officer.get("/comparison/datasets/").content.decode()
    page = officer.get(f"/comparison/runs/{hits['罗长根'].run_id}/hits/").content.decode()
    assert "罗长根" in page and "待研判" in page

    call_command("load_demo", stdout=io.StringIO())
    assert Run.objects.count() == 2 and Hit.objects.count() == len(hits)
