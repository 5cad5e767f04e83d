"""The store phase of a run: evidence pairs and evidence rows → the table of hits (``engines.HIT_SCHEMA``).

``hits_table`` takes what either engine answers as Arrow (the pairs of ``compile.pairs_sql``
and, per role, the rows any pair names) and builds every column with Arrow compute, a
column at a time, never a Python loop over hits or rows (at 1M rows, tens of milliseconds
where a loop over rows took up to half a second); DuckDB and Spark give identical files
because the same code formats the same values.

What a hit is (one per person, per person and group for a grouped rule, sorted by both):

- its pairs are those with its ``person`` and ``group_key`` (NULL read as ''); its best pair
  gives ``match``, ``probability``, ``agreed`` and ``name_birth_only``: for a linked rule the
  first of its pairs by (exact first, higher probability first, then the rows), for a grouped
  one by (non-exact first, lower probability first, then the rows), a NULL probability
  counting as 0; the same rows linked twice (``link.on``'s alternatives) show the agreement
  on the ID rather than on fields;
- its rows of each role are the distinct rows its pairs name, by ``row_no``; ``name`` is the
  first non-empty name among the rows of the link's left role, then of each role in order;
  ``id_number`` is the person unless the person is a row key (``role#row_no``);
- ``summary`` is ``json.dumps(..., ensure_ascii=False)`` of the figures under their labels
  (``rules.summary_labels``): a shown field's values, each once in the order of the rows,
  joined with 、 (dates ISO, months YYYY-MM, amounts with 2 decimals, booleans True/False);
  a period as <start>至<end> (不详 for an empty start, 今 for an empty end); the months after a date,
  sorted, each once, an empty one as 至今; amounts summed with 2 decimals; a group's count;
- ``evidence`` is ``json.dumps`` of {role: [row, ...]}, each row its non-NULL columns in the
  table's order (dates ISO, amounts as text with 2 decimals).

Values of a type or range the fast paths do not cover (a year before 1000, a decimal of
another scale, an unexpected type) are formatted by the Python functions ``json_value`` and
``shown`` once per distinct value, so the text is the same either way.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.acero  # noqa: F401  (Table.group_by imports it at its first call, inside a run)
import pyarrow.compute as pc

from comparison.rules import condition_labels, field_kind, group_labels, split_ref

# Dates in this range print as YYYY-MM-DD both in Arrow and in Python (strftime leaves a
# year before 1000 unpadded on some platforms: those go through Python).
_FIRST_DAY, _LAST_DAY = ((d - dt.date(1970, 1, 1)).days for d in (dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
_CONTROL = r"[\x00-\x1f]"  # characters json.dumps escapes besides " and \
_PLAIN = bytes(b for b in range(256) if b >= 0x20 and b not in b'"\\')  # bytes json.dumps leaves alone


def json_value(value: Any) -> Any:
    """A value of an evidence row as json.dumps is given it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def shown(field: str, value: Any) -> str:
    """A value as a hit's summary shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.date) and field_kind(field) == "month":
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


# ---------------------------------------------------------------- column helpers


def _array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):  # as an engine may answer
        array = array.cast(pa.string())
    return array


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.string())


def _concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; NULL where any array part is NULL."""
    return pc.binary_join_element_wise(*(_text(p) if isinstance(p, str) else p for p in parts), _text(""))


def _arange(n: int) -> pa.Array:
    return pc.subtract(pc.cumulative_sum(pc.fill_null(pa.nulls(n, pa.int64()), 1)), 1)


def _by_value(array: pa.Array, format_one: Any) -> pa.Array:
    """``format_one`` of each non-NULL value (called once per distinct value); NULL stays NULL."""
    encoded = pc.dictionary_encode(array)
    texts = pa.array([format_one(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(texts, encoded.indices)


def _iso_dates(array: pa.Array) -> pa.Array | None:
    """YYYY-MM-DD of a date32 array, or None when a value lies outside the years 1000–9999."""
    if not pa.types.is_date32(array.type):
        return None
    low, high = pc.min_max(array.cast(pa.int32())).values()  # days since 1970-01-01
    if low.is_valid and (low.as_py() < _FIRST_DAY or high.as_py() > _LAST_DAY):
        return None
    return array.cast(pa.string())


def _decimals(array: pa.Array) -> pa.Array | None:
    """A decimal array with 2 decimals as text (Arrow writes what f"{value:.2f}" writes), else None."""
    if pa.types.is_decimal(array.type) and array.type.scale == 2:
        return array.cast(pa.string())
    return None


def _escapes(array: pa.Array) -> bool:
    """Whether a text may need json's escapes: a byte of ", \\ or a control character in its data
    (a multi-byte character never holds such a byte)."""
    data = array.buffers()[2]
    return data is not None and bool(bytes(data).translate(None, _PLAIN))


def json_strings(array: pa.Array) -> pa.Array:
    """Each text as json.dumps(text, ensure_ascii=False) writes it; NULL stays NULL."""
    return _concat(*_json_pieces(array, ""))


def _json_pieces(array: pa.Array, prefix: str) -> list[pa.Array | str]:
    """``prefix`` and each value of a column as JSON text, in pieces to concatenate; NULL stays NULL."""
    kind = array.type
    if pa.types.is_string(kind):
        if not _escapes(array):
            return [prefix + '"', array, '"']
        escaped = pc.replace_substring(pc.replace_substring(array, "\\", "\\\\"), '"', '\\"')
        quoted = _concat(prefix + '"', escaped, '"')
        control = pc.fill_null(pc.match_substring_regex(array, _CONTROL), False)
        if pc.any(control).as_py():  # rare: json's own escapes for them (\n, \u0001, ...)
            texts = [prefix + json.dumps(v, ensure_ascii=False) for v in array.filter(control).to_pylist()]
            quoted = pc.replace_with_mask(quoted, control, pa.array(texts, pa.string()))
        return [quoted]
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return [prefix, array.cast(pa.string())]  # 12, true, false: as json writes them
    text = _iso_dates(array)
    if text is None:
        text = _decimals(array)
    if text is not None:
        return [prefix + '"', text, '"']
    return [_by_value(array, lambda v: prefix + json.dumps(json_value(v), ensure_ascii=False))]


def _shown_values(field: str, array: pa.Array | None, length: int) -> pa.Array:
    """Each value as the summary shows it, '' for NULL (``shown``)."""
    if array is None:  # a column the file does not have: every row empty
        return pc.fill_null(pa.nulls(length, pa.string()), "")
    kind = array.type
    text: pa.Array | None
    if pa.types.is_string(kind):
        text = array
    elif pa.types.is_integer(kind):
        text = array.cast(pa.string())
    elif pa.types.is_boolean(kind):
        text = pc.if_else(array, _text("True"), _text("False"))
    else:
        text = _iso_dates(array)
        if text is not None and field_kind(field) == "month":
            text = pc.utf8_slice_codeunits(text, 0, 7)
        if text is None:
            text = _decimals(array)
    if text is None:
        text = _by_value(array, lambda v: shown(field, v))
    return pc.fill_null(text, "")


# ---------------------------------------------------------------- per hit


class _Hits:
    """The hits of sorted pairs, numbered 0..count-1, and what is gathered per hit. ``hit``
    arrays name the hit of each entry of a ``values`` array and are sorted."""

    def __init__(self, hit: pa.Array, count: int) -> None:
        self.hit = hit  # per sorted pair
        self.count = count
        self.ids = _arange(count)

    def distinct(self, hit: pa.Array, values: pa.Array) -> tuple[pa.Array, pa.Array]:
        """The distinct (hit, value) entries, sorted by hit, then value (NULL last)."""
        table = pa.table({"hit": hit, "value": values})
        table = table.take(pc.sort_indices(table, sort_keys=[("hit", "ascending"), ("value", "ascending")]))
        hit, values = _array(table["hit"]), _array(table["value"])
        first = _starts(hit, values)
        return hit.filter(first), values.filter(first)

    def members(self, rows: pa.Array) -> tuple[pa.Array, pa.Array]:
        """Each hit's distinct rows of a role (``rows``: the role's row of each sorted pair)."""
        return self.distinct(self.hit, rows)

    def _one_each(self, hit: pa.Array) -> bool:
        """Whether ``hit`` names each hit once (then a hit's values are its one value)."""
        return len(hit) == self.count and bool(pc.all(pc.equal(hit, self.ids)).as_py())

    def per_hit(self, hit: pa.Array, values: pa.Array) -> pa.Array:
        """Align values of some hits (``hit``: each at most once) with all hits; NULL for the others."""
        return pc.take(values, pc.index_in(self.ids, value_set=hit))

    def first(self, hit: pa.Array, values: pa.Array) -> pa.Array:
        """Per hit, its first value; NULL for a hit without any."""
        first = _starts(hit)
        return self.per_hit(hit.filter(first), values.filter(first))

    def counts(self, hit: pa.Array) -> pa.Array:
        """How many entries of each hit ``hit`` holds (0 for a hit it does not name)."""
        counts = pc.value_counts(hit)
        return pc.fill_null(self.per_hit(counts.field("values"), counts.field("counts")), 0)

    def joined(self, hit: pa.Array, values: pa.Array, sep: str) -> pa.Array:
        """Per hit, its ``values`` joined with ``sep`` in their order; '' for a hit without any."""
        if self._one_each(hit):
            return values
        offsets = pc.cumulative_sum(self.counts(hit))
        offsets = pa.concat_arrays([pa.array([0], pa.int64()), offsets.cast(pa.int64())])
        return pc.binary_join(pa.LargeListArray.from_arrays(offsets, values), sep)

    def distinct_joined(self, hit: pa.Array, values: pa.Array) -> pa.Array:
        """Per hit, its non-empty ``values``, each once in the order they first come, joined with 、."""
        if self._one_each(hit):
            return values
        present = pc.not_equal(values, _text(""))
        hit, values = hit.filter(present), values.filter(present)
        code = pc.dictionary_encode(values).indices  # sorting small integers beats sorting texts
        table = pa.table({"hit": hit, "code": code, "at": _arange(len(values))})
        table = table.take(
            pc.sort_indices(table, sort_keys=[("hit", "ascending"), ("code", "ascending"), ("at", "ascending")])
        )
        at = _array(table["at"]).filter(_starts(_array(table["hit"]), _array(table["code"])))
        at = pc.take(at, pc.sort_indices(at))  # the first of each value, in order: by hit, as ``hit`` is
        return self.joined(hit.take(at), values.take(at), "、")

    def total(self, hit: pa.Array, amounts: pa.Array | None) -> pa.Array:
        """Per hit, the sum of its amounts (NULL as 0) with 2 decimals."""
        if amounts is None:
            amounts = pa.nulls(len(hit), pa.decimal128(18, 2))
        elif not pa.types.is_decimal(amounts.type):
            amounts = amounts.cast(pa.decimal128(38, 2))
        sums = (
            pa.table({"hit": hit, "amount": amounts}).group_by("hit", use_threads=False).aggregate([("amount", "sum")])
        )
        total = self.per_hit(_array(sums["hit"]), _array(sums["amount_sum"]))
        total = pc.fill_null(total, pa.scalar(Decimal(0), total.type))
        text = _decimals(total)
        return _by_value(total, lambda v: f"{v:.2f}") if text is None else text


def _starts(*columns: pa.Array) -> pa.Array:
    """True where a row differs in any column from the row before (and for the first row);
    NULL equals NULL."""
    n = len(columns[0])
    if n == 0:
        return pa.array([], pa.bool_())
    differs = []
    for column in columns:
        after, before = column.slice(1), column.slice(0, n - 1)
        if column.null_count:
            either = pc.xor(pc.is_null(after), pc.is_null(before))
            differs.append(pc.fill_null(pc.not_equal(after, before), either))
        else:
            differs.append(pc.not_equal(after, before))
    for other in differs[1:]:
        differs[0] = pc.or_(differs[0], other)
    return pa.concat_arrays([pa.array([True]), differs[0]])


def _role_rows(rule: dict[str, Any], hits: _Hits, pairs: pa.Table, evidence: dict[str, pa.Table]) -> dict[str, Any]:
    """Per role: each hit's rows (``hit``, sorted by hit and row) and where each is in the
    role's evidence table (``at``)."""
    out = {}
    for role in rule["roles"]:
        hit, row = hits.members(_array(pairs[f"{role}_row"]))
        table = evidence[role]
        at = pc.index_in(row, value_set=_array(table["row_no"]))
        out[role] = {"hit": hit, "at": at, "table": table}
    return out


def _column(role_rows: dict[str, Any], name: str) -> pa.Array | None:
    table = role_rows["table"]
    if name not in table.column_names:
        return None
    return pc.take(_array(table[name]), role_rows["at"])


def _row_json(table: pa.Table) -> pa.Array:
    """Each evidence row as a JSON object of its non-NULL columns, in the table's order."""
    columns = [(json.dumps(name, ensure_ascii=False), _array(table[name])) for name in table.column_names]
    columns = [(key, array) for key, array in columns if array.null_count < len(array)]
    if not columns:
        return pc.fill_null(pa.nulls(table.num_rows, pa.string()), "{}")
    if columns[0][1].null_count:  # never so for row_no, the first column: one separator per value present
        parts = [_concat(*_json_pieces(array, f"{key}: ")) for key, array in columns]
        return _concat("{", pc.binary_join_element_wise(*parts, _text(", "), null_handling="skip"), "}")
    # One concatenation of every piece: a column without NULLs adds its pieces as they are; a
    # column with NULLs one piece (with its separator) that is NULL, and skipped, where it is.
    pieces: list[pa.Array | str] = []
    for i, (key, array) in enumerate(columns):
        column = _json_pieces(array, f"{', ' if i else '{'}{key}: ")
        pieces += column if not array.null_count else [_concat(*column)]
    pieces.append("}")
    merged: list[pa.Array | str] = []  # each argument costs a pass: adjacent texts go as one
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return pc.binary_join_element_wise(
        *(_text(p) if isinstance(p, str) else p for p in merged), _text(""), null_handling="skip"
    )


def _summary(rule: dict[str, Any], hits: _Hits, rows: dict[str, Any]) -> pa.Array:
    items: dict[str, pa.Array] = {}  # label → JSON text of the value, per hit

    def values(role: str, name: str) -> pa.Array:
        return _shown_values(name, _column(rows[role], name), len(rows[role]["hit"]))

    for item in rule["show"]:
        role, name = split_ref(item["field"])
        items[item["label"]] = json_strings(hits.distinct_joined(rows[role]["hit"], values(role, name)))
    for cond in rule["where"]:
        labels = condition_labels(rule, cond)
        if cond["op"] == "overlap":
            for label, period in zip(labels, (cond["left"], cond["right"]), strict=True):
                role, start = split_ref(period[0])
                end = split_ref(period[1])[1]
                first, last = values(role, start), values(role, end)
                first = pc.if_else(pc.equal(first, _text("")), _text("不详"), first)
                last = pc.if_else(pc.equal(last, _text("")), _text("今"), last)
                text = hits.distinct_joined(rows[role]["hit"], _concat(first, "至", last))
                items[label] = json_strings(text)
        elif cond["op"] == "months_after":
            role, month = split_ref(cond["month"])
            months = _column(rows[role], month)
            if months is None:
                months = pa.nulls(len(rows[role]["hit"]), pa.date32())
            hit, months = hits.distinct(rows[role]["hit"], months)  # sorted, an empty month last
            text = _shown_values(month, months, len(months))
            text = pc.if_else(pc.equal(text, _text("")), _text("至今"), text)
            items[labels[0]] = json_strings(hits.joined(hit, text, "、"))
            if len(labels) > 1:
                items[labels[1]] = _concat('"', hits.total(rows[role]["hit"], _column(rows[role], "amount")), '"')
    labels = group_labels(rule)
    if labels:
        role = next(iter(rule["roles"]))
        items[labels[0]] = hits.counts(rows[role]["hit"]).cast(pa.string())
        if len(labels) > 1:
            items[labels[1]] = _concat('"', hits.total(rows[role]["hit"], _column(rows[role], "amount")), '"')
    if not items:
        return pc.fill_null(pa.nulls(hits.count, pa.string()), "{}")
    parts = [_concat(json.dumps(label, ensure_ascii=False) + ": ", text) for label, text in items.items()]
    return _concat("{", pc.binary_join_element_wise(*parts, _text(", ")), "}")


def _evidence(rule: dict[str, Any], hits: _Hits, rows: dict[str, Any], pool: ThreadPoolExecutor) -> pa.Array:
    # Each role's rows as JSON in a thread of their own: Arrow's kernels run without the GIL.
    row_json = {role: pool.submit(_row_json, rows[role]["table"]) for role in rule["roles"]}
    parts: list[pa.Array | str] = ["{"]
    for i, role in enumerate(rule["roles"]):
        row_json_of = pc.take(row_json[role].result(), rows[role]["at"])
        parts += [
            ("" if i == 0 else ", ") + json.dumps(role, ensure_ascii=False) + ": [",
            hits.joined(rows[role]["hit"], row_json_of, ", "),
            "]",
        ]
    return _concat(*parts, "}")


def _name(rule: dict[str, Any], hits: _Hits, rows: dict[str, Any]) -> pa.Array:
    roles = list(rule["roles"])
    first = rule["link"]["left"] if rule.get("link") else roles[0]
    found = []
    for role in [first, *roles]:
        names = _column(rows[role], "name")
        if names is None:
            continue
        present = pc.fill_null(pc.not_equal(names, _text("")), False)
        found.append(hits.first(rows[role]["hit"].filter(present), names.filter(present)))
    return pc.coalesce(*found) if found else pa.nulls(hits.count, pa.string())


def hits_table(rule: dict[str, Any], pairs: pa.Table, evidence: dict[str, pa.Table], schema: pa.Schema) -> pa.Table:
    """The hits of a validated rule from its evidence pairs and, per role, the evidence rows
    the pairs name (each with ``row_no``), as a table of ``schema`` (``engines.HIT_SCHEMA``)."""
    if pairs.num_rows == 0:
        return schema.empty_table()
    roles = list(rule["roles"])
    linked = not rule.get("group")
    person = _array(pairs["person"])
    group_key = pc.fill_null(_array(pairs["group_key"]).cast(pa.string()), "")
    exact = pc.fill_null(pc.equal(_array(pairs["match"]), _text("exact")), False).cast(pa.int8())
    probability = pc.fill_null(_array(pairs["probability"]).cast(pa.float64()), 0.0)
    agreed = pc.fill_null(_array(pairs["agreed"]).cast(pa.string()), "")
    keys = pa.table(
        {"person": person, "group_key": group_key, "exact": exact, "probability": probability}
        | {f"row_{i}": _array(pairs[f"{role}_row"]) for i, role in enumerate(roles)}
        | {"by_id": pc.equal(agreed, _text("id_number")), "agreed": agreed}
    )
    order = pc.sort_indices(
        keys,
        sort_keys=[
            ("person", "ascending"),
            ("group_key", "ascending"),
            ("exact", "descending" if linked else "ascending"),
            # A linked hit stands on its best pair (highest probability); a group needs every
            # row, so it shows its weakest (lowest probability).
            ("probability", "descending" if linked else "ascending"),
            *((f"row_{i}", "ascending") for i in range(len(roles))),
            # The same rows linked twice (by the person and by fields, link.on's alternatives,
            # in an order the engine does not fix): the ID's agreement first.
            ("by_id", "descending"),
            ("agreed", "ascending"),
        ],
    )
    pairs = pairs.take(order)
    person, group_key = person.take(order), group_key.take(order)
    new = _starts(person, group_key)
    hits = _Hits(pc.subtract(pc.cumulative_sum(new.cast(pa.int64())), 1), int(pc.sum(new.cast(pa.int64())).as_py()))
    best = pairs.filter(new)
    person = person.filter(new)
    evidence = {role: table.combine_chunks() for role, table in evidence.items()}
    rows = _role_rows(rule, hits, pairs, evidence)
    columns = {
        "person": person,
        "id_number": pc.if_else(pc.match_substring(person, "#"), pa.scalar(None, pa.string()), person),
        "name": _name(rule, hits, rows),
        "match": _array(best["match"]).cast(pa.string()),
        "probability": _array(best["probability"]).cast(pa.float64()),
        "agreed": _array(best["agreed"]).cast(pa.string()),
        "name_birth_only": pc.fill_null(_array(best["name_birth_only"]).cast(pa.bool_()), False),
        "group_key": group_key.filter(new),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        summary = pool.submit(_summary, rule, hits, rows)
        columns["evidence"] = _evidence(rule, hits, rows, pool)
        columns["summary"] = summary.result()
    return pa.Table.from_arrays([columns[f.name].cast(f.type) for f in schema], schema=schema)
