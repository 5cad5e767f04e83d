"""Document numbers (发文字号) after the move to one register per 机关代字: earlier numbers kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("planning", "0010_inspector_unit_organization_link")]
AFTER = [("planning", "0011_document_registers")]


@pytest.mark.django_db(transaction=True)
def test_the_single_format_becomes_the_office_register_and_numbers_are_kept(world):
    a = world["a"]
    executor = MigrationExecutor(connection)
    try:
        _check(executor, a)
    finally:  # back to the latest state for the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check(executor, a):
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("planning", "DocumentSettings").objects.create(
        authority_id=a.authority.pk,
        county_name="甲县",
        abbreviation="甲",
        doc_number_format="甲巡发〔{year}〕{number}号",
    )
    old.get_model("planning", "DocumentNumber").objects.create(
        authority_id=a.authority.pk,
        inspection_id=a.inspection.pk,
        kind="work-plan",
        year=2026,
        number=7,
        text="甲巡发〔2026〕7号",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    settings = new.get_model("planning", "DocumentSettings").objects.get(authority_id=a.authority.pk)
    assert settings.doc_number_format == "甲巡发〔{year}〕{number}号"  # the 巡察办 register's format
    assert (settings.leading_group_format, settings.team_format, settings.letter_format) == (
        "{abbr}巡组发〔{year}〕{number}号",
        "{abbr}巡{team}组〔{year}〕{number}号",
        "{abbr}巡办函〔{year}〕{number}号",
    )
    number = new.get_model("planning", "DocumentNumber").objects.get()
    assert (number.register, number.number, number.text) == ("office", 7, "甲巡发〔2026〕7号")
