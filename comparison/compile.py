"""A validated rule definition → SQL for DuckDB or Spark (decision 0008).

The SQL reads one view per role (named after the role) and, for rules linked on ``person``,
the table ``fuzzy_links`` made by ``comparison.matching.links`` (the pairs matched without an
ID; rows with the same canonical ID are joined here, beside the rule's conditions). It
answers the *evidence pairs*: one row per combination of evidence rows that meets the
conditions, with columns ``person``, ``group_key``, ``match``, ``probability``, ``agreed``,
``name_birth_only`` and ``<role>_row`` (the ``row_no`` of the row of each role).
``comparison.engines`` makes hits of them. The same text runs on both engines apart from identifier quoting and string
literals; dates are compared as dates and months counted as ``year*12+month``, which both
dialects read alike.
"""

# ruff: noqa: S608 (queries are built from a validated rule: role names match [a-z][a-z0-9_]*, fields are the
# canonical ones, and values enter only as escaped literals, compile.literal)
from __future__ import annotations

from typing import Any

from comparison.rules import field_kind, link_alternatives, split_ref

DIALECTS = ("duckdb", "spark")
LINKS = "fuzzy_links"  # the pairs Splink found (comparison.matching.links makes it)


def quote(name: str, dialect: str) -> str:
    return f"`{name}`" if dialect == "spark" else f'"{name}"'


def literal(value: Any, dialect: str) -> str:
    """A string literal: DuckDB doubles a quote; Spark escapes with a backslash."""
    text = str(value)
    if dialect == "spark":
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def _alias(role: str) -> str:
    return f"t_{role}"


def column(ref: str, dialect: str) -> str:
    role, field = split_ref(ref)
    return f"{_alias(role)}.{quote(field, dialect)}"


def value_sql(field: str, value: Any, dialect: str) -> str:
    kind = field_kind(field)
    if kind in {"date", "month"}:
        text = str(value)
        return f"DATE '{text + '-01' if len(text) == 7 else text}'"
    if kind == "amount":
        return f"CAST({literal(value, dialect)} AS DECIMAL(18,2))"
    if kind in {"year", "int"}:
        return str(int(float(value)))
    if kind == "bool":
        return "true" if value else "false"
    return literal(value, dialect)


def _month_index(expr: str) -> str:
    return f"(year({expr}) * 12 + month({expr}))"


def condition_sql(cond: dict[str, Any], dialect: str) -> str:
    op = cond["op"]
    if op == "overlap":
        ls, le = (column(x, dialect) for x in cond["left"])
        rs, re_ = (column(x, dialect) for x in cond["right"])
        return f"(({ls} IS NULL OR {re_} IS NULL OR {ls} <= {re_}) AND ({rs} IS NULL OR {le} IS NULL OR {rs} <= {le}))"
    if op == "months_after":
        month, date = column(cond["month"], dialect), column(cond["date"], dialect)
        test = f"({date} IS NOT NULL AND {_month_index(month)} - {_month_index(date)} >= {int(cond['min'])})"
        if cond.get("if_empty"):
            return f"({date} IS NOT NULL AND ({month} IS NULL OR {test}))"
        return test
    if op in {"before", "after"}:
        left, right = column(cond["left"], dialect), column(cond["right"], dialect)
        test = f"({left} {'<' if op == 'before' else '>'} {right})"
        if cond.get("if_present"):
            return f"({left} IS NULL OR {right} IS NULL OR {test})"
        return test
    col = column(cond["field"], dialect)
    field = split_ref(cond["field"])[1]
    if op == "empty":
        return f"({col} IS NULL)"
    if op == "not_empty":
        return f"({col} IS NOT NULL)"
    if op in {"in", "not_in"}:
        values = ", ".join(value_sql(field, v, dialect) for v in cond["values"])
        test = f"({col} {'NOT IN' if op == 'not_in' else 'IN'} ({values}))"
    elif op == "contains":
        wanted = cond.get("values") or [cond["value"]]
        test = "(" + " OR ".join(f"instr({col}, {literal(v, dialect)}) > 0" for v in wanted) + ")"
    else:
        sign = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}[op]
        test = f"({col} {sign} {value_sql(field, cond['value'], dialect)})"
    if cond.get("if_present"):
        return f"({col} IS NULL OR {test})"
    return test


def _where(rule: dict[str, Any], dialect: str) -> str:
    parts = [condition_sql(c, dialect) for c in rule["where"]]
    return " AND ".join(parts) if parts else "true"


def _row_key(role: str, dialect: str) -> str:
    """The stable key of a person known only by a row: ``role#row_no``."""
    return f"{literal(role + '#', dialect)} || CAST({_alias(role)}.row_no AS STRING)"


def pairs_sql(rule: dict[str, Any], dialect: str) -> str:
    """The evidence pairs of a validated rule (see the module's docstring)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect}")
    roles = list(rule["roles"])
    where = _where(rule, dialect)
    if rule.get("group"):
        return _group_sql(rule, roles[0], where, dialect)
    left, right = rule["link"]["left"], rule["link"]["right"]
    a, b = _alias(left), _alias(right)
    rows = f"{a}.row_no AS {quote(left + '_row', dialect)}, {b}.row_no AS {quote(right + '_row', dialect)}"
    branches = []
    for alt in link_alternatives(rule["link"]["on"]):
        if alt == "person":
            # The same canonical ID: one join, its conditions beside it.
            branches.append(
                f"SELECT {a}.id_number AS person, '' AS group_key, 'exact' AS match, "
                f"CAST(NULL AS DOUBLE) AS probability, 'id_number' AS agreed, false AS name_birth_only, {rows} "
                f"FROM {quote(left, dialect)} {a} JOIN {quote(right, dialect)} {b} "
                f"ON {a}.id_number = {b}.id_number WHERE {where}"
            )
            # Matched without an ID: where neither row has one, the person is the ID another
            # link of the left row found (so that one person is one hit), else the left row's key.
            known = (
                f"SELECT k.left_row, min(kr.id_number) AS id_number FROM {LINKS} k "
                f"JOIN {quote(right, dialect)} kr ON kr.row_no = k.right_row "
                f"WHERE kr.id_number IS NOT NULL GROUP BY k.left_row"
            )
            branches.append(
                f"SELECT coalesce({a}.id_number, {b}.id_number, kn.id_number, {_row_key(left, dialect)}) AS person, "
                f"'' AS group_key, lk.match AS match, lk.probability AS probability, lk.agreed AS agreed, "
                f"lk.name_birth_only AS name_birth_only, {rows} "
                f"FROM {LINKS} lk JOIN {quote(left, dialect)} {a} ON {a}.row_no = lk.left_row "
                f"JOIN {quote(right, dialect)} {b} ON {b}.row_no = lk.right_row "
                f"LEFT JOIN ({known}) kn ON kn.left_row = lk.left_row WHERE {where}"
            )
        else:
            on = " AND ".join(f"{a}.{quote(f, dialect)} = {b}.{quote(f, dialect)}" for f in alt)
            branches.append(
                f"SELECT coalesce({a}.id_number, {_row_key(left, dialect)}) AS person, '' AS group_key, "
                f"'exact' AS match, CAST(NULL AS DOUBLE) AS probability, {literal(','.join(alt), dialect)} AS agreed, "
                f"false AS name_birth_only, {rows} "
                f"FROM {quote(left, dialect)} {a} JOIN {quote(right, dialect)} {b} ON {on} WHERE {where}"
            )
    return "\nUNION ALL\n".join(branches)


def _group_sql(rule: dict[str, Any], role: str, where: str, dialect: str) -> str:
    """One dataset: the rows of a person that share the group's fields, at least ``min_count``
    of them. The person is the row's canonical ID; with ``group.fuzzy``, for a row without one,
    the ID of the row ``links`` matched it to best (``links``: rows with an ID on the left,
    rows without on the right); rows left without a person are not grouped."""
    a = _alias(role)
    q = quote(role, dialect)
    row = quote(role + "_row", dialect)
    keys = " || '|' || ".join(f"coalesce(CAST({column(ref, dialect)} AS STRING), '')" for ref in rule["group"]["by"])
    if rule["group"].get("fuzzy"):
        people = (
            f"SELECT t.*, coalesce(t.id_number, s.person) AS hit_person, "
            f"CASE WHEN t.id_number IS NULL THEN 'fuzzy' ELSE 'exact' END AS hit_match, "
            f"s.probability AS hit_probability, coalesce(s.agreed, 'id_number') AS hit_agreed, "
            f"coalesce(s.name_birth_only, false) AS hit_name_birth_only FROM {q} t LEFT JOIN ("
            f"SELECT lk.right_row, i.id_number AS person, lk.probability, lk.agreed, lk.name_birth_only, "
            f"row_number() OVER (PARTITION BY lk.right_row ORDER BY lk.probability DESC, lk.left_row) AS k "
            f"FROM {LINKS} lk JOIN {q} i ON i.row_no = lk.left_row) s ON s.right_row = t.row_no AND s.k = 1"
        )
    else:
        people = (
            f"SELECT t.*, t.id_number AS hit_person, 'exact' AS hit_match, CAST(NULL AS DOUBLE) AS hit_probability, "
            f"'id_number' AS hit_agreed, false AS hit_name_birth_only FROM {q} t"
        )
    return (
        f"SELECT hit_person AS person, group_key, hit_match AS match, hit_probability AS probability, "
        f"hit_agreed AS agreed, hit_name_birth_only AS name_birth_only, {row} FROM ("
        f"SELECT {a}.*, {keys} AS group_key, {a}.row_no AS {row}, "
        f"count(*) OVER (PARTITION BY {a}.hit_person, {keys}) AS n "
        f"FROM ({people}) {a} WHERE {a}.hit_person IS NOT NULL AND {where}"
        f") g WHERE n >= {int(rule['group']['min_count'])}"
    )
