"""Matching people between two datasets (decision 0008): exact on the canonical ID, then Splink.

``links(engine, left, right, fuzzy=…)`` makes the engine's table ``fuzzy_links`` of the
pairs Splink found, and the view ``links`` of every pair of rows taken to be the same person
(the exact pairs too; rules join the exact pairs themselves, with their conditions, so that
the join on the ID is never made twice). Both have these columns:

- ``left_row``, ``right_row``: the ``row_no`` of each side;
- ``match``: ``exact`` (the same canonical 18-character ID) or ``fuzzy``;
- ``probability``: Splink's match probability rounded to 4 places (NULL for exact);
- ``agreed``: the fields that agreed, comma-separated (``id_number`` for exact; of ``name``,
  ``birth_date``, ``sex``, ``township`` and ``id`` for fuzzy, ``id`` read 身份证号相近 by
  ``AGREED_LABELS``);
- ``name_birth_only``: the pair agrees on name and birth date and on nothing else.

Fuzzy pairs are looked for only where one side at least has no usable ID (``id_number`` is
NULL: status missing, excel_number, bad_checksum or invalid); two usable IDs that differ are
two people. The model is fixed (``M_U`` below, no training at run time), so that a run is
quick, repeatable and the same on DuckDB and Spark.

The m/u parameters (m: P(level | same person), u: P(level | different people)), with the
prior ``PRIOR`` = 1e-4 of two rows in a block being one person. Match weight = log2(m/u):

=========== ======================================== ======= ======= =======
comparison  level                                    m       u       m/u
=========== ======================================== ======= ======= =======
name        name_norm equal                          0.85    0.0005  1700
name        name_key equal (homophone, 繁体)           0.13    0.002   65
name        otherwise                                0.02    0.9975  0.02
birth_date  equal                                    0.90    0.0001  9000
birth_date  same year and month                      0.02    0.001   20
birth_date  otherwise                                0.08    0.9989  0.08
sex         equal                                    0.998   0.5     2.0
sex         differs                                  0.002   0.5     0.004
township    equal                                    0.95    0.1     9.5
township    differs                                  0.01    0.9     0.011
id          near: bodies one edit or a swap apart    0.985   0.66    1.49
id          excel: Excel's 15 digits of the other    0.985   0.66    1.49
id          loose: both unusable, a digit apart      0.013   0.013   1
id          otherwise: the IDs say two people        0.002   0.9     0.0022
=========== ======================================== ======= ======= =======

``id`` compares ``id_hint`` (``ids.id_hint_sql``: what an ID says even when it is not usable):
a usable ID's 18 characters, a bad_checksum's 18 as typed, an excel_number's 15 digits Excel
kept (or its 18 written out, ending 000); NULL (neutral) when missing or invalid. The body is
the 17 characters before the check character. Two hints agree (near) when their bodies are
one edit apart or two adjacent characters are swapped, the typing mistakes a failed check
stands for; a 15-digit hint agrees (excel) with another whose first 15 digits, cut or rounded,
are those; two unusable hints a digit or two apart (a typo and Excel's rounding, two typos)
are loose, neither for nor against.

Measured on the noise model of ``benchmarks/compare.py`` among pairs born the same day, a
near hint is 160 times likelier for one person than for two (u 0.006) and an excel hint 4
times (u 0.26: Excel keeps the area, the birth date and only the first sequence digit). Those
factors would overturn a differing sex or township (a namesake born the same day in the county
is often an ID or two away, and a typo on one side makes it near): near and excel are
deliberately held at 1.49, which marks the ID as agreeing but never carries over 0.99 a
namesake of another sex (0.983 below → 0.989) or township (0.971 → 0.981), nor the exact name
with only the birth month (0.985 → 0.9897). ``otherwise`` is strong: when one side's ID is
usable, a same person's other ID is at most a typo, a swap or Excel's rounding away; more (two
mistakes in one number, another person's ID typed in) is taken as 0.2%. It turns every pair
below 0.99, even the exact name with birth date, sex and township (0.99997 → 0.985; a
homophone's 0.9991 → 0.71).

An empty value on either side is neutral (weight 0). With these, at the standard threshold
0.99: name and birth date alone give 0.9993 (a match, flagged ``name_birth_only``); with a
different township 0.944, 0.971 even when the sex agrees; with a different sex 0.860, 0.983
even when the township agrees: namesakes who differ in anything are not matched. A homophone
name (张/章, 曾/增, whose pinyin keys agree) with the birth date and the sex 0.9915, with the
township too 0.9991; the exact name with only the birth month (not the day), sex and township
0.985, not a match: in a county, namesakes born in the same month outnumber typed-wrong days.
"""

# ruff: noqa: S608 (queries are built from this module's fragments and the engine's own table names)
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from comparison import ids
from comparison.compile import LINKS

if TYPE_CHECKING:
    from comparison.engines import Engine


def _body(hint: str) -> str:
    return f"substr({hint}, 1, 17)"


def _swapped(a: str, b: str, i: int) -> str:
    """Whether the body of hint ``a`` is that of ``b`` with characters ``i`` and ``i + 1`` swapped."""
    return (
        f"substr({a}, 1, 17) = substr({b}, 1, {i - 1}) || substr({b}, {i + 1}, 1) || substr({b}, {i}, 1)"
        f" || substr({b}, {i + 2}, {16 - i})"
    )


# The 17 characters of an ID body in three parts (area and the year's first two digits; the
# rest of the year and the month; day and sequence number). A body one edit from another, or
# with two adjacent characters swapped inside a part, keeps two parts whole: a cheap test that
# spares levenshtein() the many blocked pairs far apart (most of them born on other days).
_PARTS = ((1, 8), (9, 4), (13, 5))


def _near(a: str, b: str) -> str:
    """Whether the bodies (17 first characters) of the hints ``a`` and ``b`` are one edit apart,
    or two adjacent characters swapped."""
    whole = [f"substr({a}, {start}, {n}) = substr({b}, {start}, {n})" for start, n in _PARTS]
    two_whole = " OR ".join(f"({x} AND {y})" for i, x in enumerate(whole) for y in whole[i + 1 :])
    distance = f"levenshtein(substr({a}, 1, 17), substr({b}, 1, 17))"
    inside = " OR ".join(_swapped(a, b, i) for i in range(1, 17))
    # Swapped across two parts: the characters after the pair are the same on both sides.
    across = " OR ".join(
        f"(substr({a}, {i + 2}, {16 - i}) = substr({b}, {i + 2}, {16 - i}) AND {_swapped(a, b, i)})"
        for i in (start - 1 for start, _ in _PARTS[1:])
    )
    return f"(({two_whole}) AND ({distance} <= 1 OR ({distance} = 2 AND ({inside})))) OR {across}"


def _first15(hint: str) -> str:
    """The 15 digits Excel would keep of an 18-character hint, rounded (a 15-digit hint itself)."""
    return (
        f"CAST(CAST(substr({hint}, 1, 15) AS BIGINT) + CASE WHEN substr({hint}, 16, 1) >= '5' THEN 1 ELSE 0 END"
        " AS STRING)"
    )


def _kept(a: str, number_a: str, b: str) -> str:
    """Whether the hint ``a`` holds Excel's 15 digits of ``b``: its first 15, or them rounded (a
    typed number is cut, a computed one rounded). Excel's digits are a 15-digit hint, or the
    first 15 of an unusable 18 ending 000 (``ids.id_hint_sql``)."""
    excel = f"length({a}) = 15 OR ({number_a} IS NULL AND length({a}) = 18 AND {a} LIKE '%000')"
    kept = f"substr({a}, 1, 15)"
    return f"(({excel}) AND ({kept} = substr({b}, 1, 15) OR {kept} = {_first15(b)}))"


_L, _R = "id_hint_l", "id_hint_r"
ID_NEAR = f"length({_L}) = 18 AND length({_R}) = 18 AND ({_near(_L, _R)})"
ID_EXCEL = f"{_kept(_L, 'id_number_l', _R)} OR {_kept(_R, 'id_number_r', _L)}"
ID_LOOSE = (
    f"id_number_l IS NULL AND id_number_r IS NULL AND (levenshtein(substr({_L}, 1, 15), substr({_R}, 1, 15)) <= 1"
    f" OR levenshtein({_first15(_L)}, {_first15(_R)}) <= 1"
    f" OR (length({_L}) = 18 AND length({_R}) = 18 AND levenshtein({_body(_L)}, {_body(_R)}) <= 2))"
)

PRIOR = 1e-4
M_U: dict[str, list[tuple[str, str, float, float]]] = {
    # comparison → [(level name, SQL condition, m, u)], best level first; the last is "otherwise".
    "name": [
        ("name_norm", "name_norm_l = name_norm_r", 0.85, 0.0005),
        ("name_key", "name_key_l = name_key_r", 0.13, 0.002),
        ("else", "ELSE", 0.02, 0.9975),
    ],
    "birth_date": [
        ("exact", "birth_date_l = birth_date_r", 0.90, 0.0001),
        (
            "month",
            "year(birth_date_l) = year(birth_date_r) AND month(birth_date_l) = month(birth_date_r)",
            0.02,
            0.001,
        ),
        ("else", "ELSE", 0.08, 0.9989),
    ],
    "sex": [("exact", "sex_l = sex_r", 0.998, 0.5), ("else", "ELSE", 0.002, 0.5)],
    "township": [("exact", "township_l = township_r", 0.95, 0.1), ("else", "ELSE", 0.01, 0.9)],
    "id": [
        ("near", ID_NEAR, 0.985, 0.66),
        ("excel", ID_EXCEL, 0.985, 0.66),
        ("loose", ID_LOOSE, 0.013, 0.013),
        ("else", "ELSE", 0.002, 0.9),
    ],
}
_NULL_COLUMN = {"name": "name_norm", "birth_date": "birth_date", "sex": "sex", "township": "township", "id": "id_hint"}
# What ``agreed`` may name beyond the fields (``rules.field_label`` names those).
AGREED_LABELS = {"id": "身份证号相近"}
COLUMNS = ("row_no", "id_number", "name_norm", "name_key", "birth_date", "sex", "township")
BLOCKING = (
    "l.name_key = r.name_key AND l.birth_date = r.birth_date AND (l.id_number IS NULL OR r.id_number IS NULL)",
    "l.name_key = r.name_key AND l.township = r.township AND (l.id_number IS NULL OR r.id_number IS NULL)",
)


def splink_settings() -> dict[str, Any]:
    """The Splink settings of the fixed model (link_only between the two sides)."""
    comparisons = []
    for name, levels in M_U.items():
        null = _NULL_COLUMN[name]
        comparison_levels: list[dict[str, Any]] = [
            {
                "sql_condition": f"{null}_l IS NULL OR {null}_r IS NULL",
                "label_for_charts": "空值",
                "is_null_level": True,
            }
        ]
        for label, condition, m, u in levels:
            comparison_levels.append(
                {"sql_condition": condition, "label_for_charts": label, "m_probability": m, "u_probability": u}
            )
        comparisons.append({"output_column_name": name, "comparison_levels": comparison_levels})
    return {
        "link_type": "link_only",
        "unique_id_column_name": "row_no",
        "probability_two_random_records_match": PRIOR,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": b} for b in BLOCKING],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
    }


def _exact_sql(left: str, right: str) -> str:
    return (
        "SELECT a.row_no AS left_row, b.row_no AS right_row, 'exact' AS match, "
        "CAST(NULL AS DOUBLE) AS probability, 'id_number' AS agreed, false AS name_birth_only "
        f"FROM {left} a JOIN {right} b ON a.id_number = b.id_number"
    )


def _candidates_sql(side: str, other: str) -> str:
    """The rows of ``side`` that may take part in a fuzzy pair: no usable ID, or a name key
    shared by a row of ``other`` without one. Keeps Splink's input small."""
    cols = ", ".join(COLUMNS)
    clean = f"CASE WHEN id_number IS NULL THEN {ids.id_hint_clean_sql('id_raw')} END"
    return (
        f"SELECT {cols}, {ids.id_hint_sql('id_clean', 'id_status', 'id_number')} AS id_hint FROM ("
        f"SELECT {cols}, id_status, {clean} AS id_clean FROM {side} WHERE name_key IS NOT NULL AND (id_number IS NULL "
        f"OR name_key IN (SELECT name_key FROM {other} WHERE id_number IS NULL AND name_key IS NOT NULL))) c"
    )


FUZZY_LINKS = LINKS  # the table the rules' SQL reads (comparison.compile)


def links(engine: Engine, left: str, right: str, *, fuzzy: float | None) -> str:
    """Make the table ``fuzzy_links`` and the view ``links`` between the views ``left`` and
    ``right`` (see the module's docstring); answer the view's name."""
    exact = _exact_sql(left, right)
    engine.table(FUZZY_LINKS, _fuzzy_sql(engine, left, right, fuzzy) or f"{exact} WHERE false")
    engine.view("links", f"{exact}\nUNION ALL\nSELECT * FROM {FUZZY_LINKS}")
    return "links"


def _fuzzy_sql(engine: Engine, left: str, right: str, fuzzy: float | None) -> str | None:
    """The pairs Splink finds at probability ``fuzzy`` or more (None: no fuzzy matching, or
    no candidate on one side)."""
    if fuzzy is None:
        return None
    engine.table("fz_left", _candidates_sql(left, right), keep=False)
    engine.table("fz_right", _candidates_sql(right, left), keep=False)
    if not engine.scalar("SELECT (SELECT count(*) FROM fz_left) * (SELECT count(*) FROM fz_right)"):
        return None
    predictions = _splink_predict(engine, fuzzy)
    # Splink's match weight of each comparison: > 0 for an agreeing level, 0 when a side is empty.
    weight = {name: f"mw_{name}" for name in M_U}
    agreed = "concat_ws(',', " + ", ".join(f"CASE WHEN {weight[n]} > 0 THEN '{n}' END" for n in M_U) + ")"
    others = " AND ".join(f"{weight[n]} <= 0" for n in M_U if n not in ("name", "birth_date"))
    return (
        "SELECT CASE WHEN source_dataset_l = 'fz_left_in' THEN row_no_l ELSE row_no_r END AS left_row, "
        "CASE WHEN source_dataset_l = 'fz_left_in' THEN row_no_r ELSE row_no_l END AS right_row, "
        f"'fuzzy' AS match, round(match_probability, 4) AS probability, {agreed} AS agreed, "
        f"({weight['name']} > 0 AND {weight['birth_date']} > 0 AND {others}) "
        f"AS name_birth_only FROM {predictions} WHERE round(match_probability, 4) >= {float(fuzzy)!r}"
    )


def _splink_predict(engine: Engine, fuzzy: float) -> str:
    """Run Splink's prediction with the fixed model; answer the physical name of its table."""
    from splink import Linker

    api = engine.splink_api()
    frames = [
        api.register("fz_left", dataset_display_name="fz_left_in"),
        api.register("fz_right", dataset_display_name="fz_right_in"),
    ]
    linker = Linker(frames, splink_settings(), log_level=logging.WARNING)
    # Splink's own filter a little below the threshold: the rounded probability decides.
    result = linker.inference.predict(threshold_match_probability=max(fuzzy - 0.001, 0.0))
    return str(result.physical_name)
