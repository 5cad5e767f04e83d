"""SQL (DuckDB) for the identifiers and dates of a dataset, over whole columns.

Each function takes SQL expressions (column names) and answers an SQL expression; nothing
here runs a query. ``comparison.ingest`` puts them in stages so that a cleaned value is
computed once per row and read by the next stage.

- Citizen ID numbers (GB 11643-1999): ``id_clean_sql`` removes what people and Excel add
  (spaces, full-width digits and letters, quotes, a leading apostrophe, lower-case x);
  ``id_kind_sql`` sorts the cleaned text; ``id_body_sql`` is the 17 digits the check
  character is computed from (a 15-digit ID gains "19" before its year); ``id_check_sql``
  the check character; ``id_status_sql`` the final status.
- What an unusable ID still says of its person, for fuzzy matching: ``id_hint_clean_sql``,
  ``id_hint_sql`` (these two in SQL that Spark reads too).
- Credit codes (GB 32100-2015): ``credit_clean_sql``, ``credit_valid_sql``.
- Dates: ``date_clean_sql`` and ``date_sql`` read the forms offices write and Excel serial
  numbers; unreadable text is NULL.
"""

from __future__ import annotations

# Whitespace that is not ASCII but turns up in department files (full-width space,
# no-break space, zero-width space, byte-order mark).
WS_CHARS = " \t\r\n\u3000\u00a0\u200b\ufeff"
_WS_CLASS = r"\s\x{3000}\x{00A0}\x{200B}\x{FEFF}"

ID_STATUSES = ("valid", "upgraded_15", "repaired", "bad_checksum", "excel_number", "missing", "invalid")
ID_USABLE = ("valid", "upgraded_15", "repaired")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_FULL = "０１２３４５６７８９ｘＸｅＥ＋．"
_HALF = "0123456789XXEE+."
_MISSING_WORDS = ("无", "空", "NULL", "NONE", "NAN", "/", "-", "—", "——", "--")

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def sql_text(value: str) -> str:
    """A string literal."""
    return "'" + value.replace("'", "''") + "'"


def trim_sql(col: str) -> str:
    """The text with whitespace of every kind removed at both ends; empty → NULL. (Trimming
    with a set of characters is slow; most values need none, which two cheap tests show.)"""
    ws = sql_text(WS_CHARS)
    return (
        f"NULLIF(CASE WHEN contains({ws}, left({col}, 1)) OR contains({ws}, right({col}, 1))"
        f" THEN trim({col}, {ws}) ELSE {col} END, '')"
    )


def id_clean_sql(raw: str) -> str:
    """The ID text with whitespace, quotes and apostrophes removed, full-width digits and
    letters made half-width, and upper case."""
    stripped = f"regexp_replace({raw}, '[{_WS_CLASS}''\"‘’“”`]', '', 'g')"
    return f"upper(translate({stripped}, {sql_text(_FULL)}, {sql_text(_HALF)}))"


def id_plain_sql(raw: str) -> str:
    """Whether the text is already 17 digits and a digit or X (most are: they skip cleaning)."""
    return f"regexp_full_match({raw}, '[0-9]{{17}}[0-9X]')"


def id_kind_sql(clean: str) -> str:
    """What the cleaned text looks like: 'missing', 'excel_number' (scientific notation or a
    number of 16 or more digits with a decimal part), 'x18' (17 digits and a digit or X),
    'x15' (15 digits, perhaps with a trailing ".0": a 15-digit number is exact), 'invalid'."""
    words = ", ".join(sql_text(w) for w in _MISSING_WORDS)
    return (
        f"CASE WHEN regexp_full_match({clean}, '[0-9]{{17}}[0-9X]') THEN 'x18'"
        f" WHEN {clean} IS NULL OR {clean} = '' OR {clean} IN ({words}) THEN 'missing'"
        f" WHEN regexp_full_match({clean}, '[0-9]+(\\.[0-9]*)?E\\+?[0-9]+') THEN 'excel_number'"
        f" WHEN regexp_full_match({clean}, '[0-9]{{16,}}\\.[0-9]*') THEN 'excel_number'"
        f" WHEN regexp_full_match({clean}, '[0-9]{{15}}(\\.0*)?') THEN 'x15'"
        " ELSE 'invalid' END"
    )


def id_body_sql(clean: str, kind: str) -> str:
    """The 17 digits the check character is computed over (NULL unless x18/x15)."""
    return (
        f"CASE {kind} WHEN 'x18' THEN substr({clean}, 1, 17)"
        f" WHEN 'x15' THEN substr({clean}, 1, 6) || '19' || substr({clean}, 7, 9) END"
    )


def id_digits_sql(body: str) -> str:
    """The 17 digits as a BIGINT (they fit), for ``id_check_sql``."""
    return f"CAST({body} AS BIGINT)"


def id_check_sql(number: str) -> str:
    """The GB 11643 check character of 17 digits given as a BIGINT (integer arithmetic is
    several times faster than taking the string apart)."""
    terms = " + ".join(f"(({number} // {10 ** (16 - i)}) % 10) * {w}" for i, w in enumerate(_ID_WEIGHTS))
    return f"substr({sql_text(_ID_CHECK)}, (({terms}) % 11) + 1, 1)"


def id_status_sql(raw: str, clean: str, kind: str, body: str, check: str) -> str:
    """The final status (one of ``ID_STATUSES``). An 18-character ID whose check fails and
    that ends in 000 is what Excel leaves of a long number: excel_number, never repaired."""
    return (
        f"CASE {kind} WHEN 'x15' THEN 'upgraded_15'"
        f" WHEN 'x18' THEN CASE WHEN substr({clean}, 18, 1) = {check}"
        f" THEN CASE WHEN {raw} = {clean} THEN 'valid' ELSE 'repaired' END"
        f" WHEN {clean} LIKE '%000' THEN 'excel_number' ELSE 'bad_checksum' END"
        f" ELSE {kind} END"
    )


def id_number_sql(status: str, body: str, check: str) -> str:
    """The canonical 18-character ID, only for a usable status."""
    usable = ", ".join(sql_text(s) for s in ID_USABLE)
    return f"CASE WHEN {status} IN ({usable}) THEN {body} || {check} END"


# What ``id_hint_clean_sql`` removes: the whitespace ``id_clean_sql`` removes and the quotes.
# The ASCII control characters and the apostrophe enter as chr(n), so that the literal holds
# no quote (DuckDB and Spark escape one differently) and no line break.
_HINT_DROP = "".join(c for c in WS_CHARS if ord(c) >= 32) + '"‘’“”`'
_HINT_DROP_CODES = (9, 10, 11, 12, 13, 39)


def id_hint_clean_sql(raw: str) -> str:
    """The ID text cleaned as ``id_clean_sql`` cleans it (full-width made half-width, upper
    case, whitespace and quotes removed), in SQL that DuckDB and Spark read alike."""
    drop = " || ".join([sql_text(_FULL + _HINT_DROP), *(f"chr({n})" for n in _HINT_DROP_CODES)])
    return f"upper(translate({raw}, {drop}, {sql_text(_HALF)}))"


def id_hint_sql(clean: str, status: str, number: str) -> str:
    """What the ID of a row says of its person even when it is not usable, for fuzzy matching
    (``comparison.matching``), from ``id_hint_clean_sql`` of the raw text (``clean``). Unlike
    the rest of this module, SQL that DuckDB and Spark read alike (no regular expressions;
    TRY_CAST), so that both engines give the same hints:

    - a usable ID: its 18 characters (``number``);
    - bad_checksum: the 18 characters as typed, cleaned (NULL in the rare text the portable
      cleaning leaves at another length);
    - excel_number written as 18 digits ending 000: those 18 characters as typed (Excel's 15
      digits and its zeros, or, rarely, a real ID ending 000 typed wrong: the comparison
      reads both);
    - any other excel_number: the 15 significant digits Excel kept, as the number the text
      reads divided by 1000 and rounded (4.10102199001011E+17 → 410102199001011,
      3.31125197510E+17 → 331125197510000); NULL unless the number has 18 digits;
    - otherwise (missing, invalid) NULL."""
    value = f"TRY_CAST({clean} AS DOUBLE)"
    return (
        f"CASE WHEN {number} IS NOT NULL THEN {number}"
        f" WHEN {status} = 'bad_checksum' AND length({clean}) = 18 THEN {clean}"
        f" WHEN {status} = 'excel_number' AND length({clean}) = 18 AND translate({clean}, '0123456789', '') = ''"
        f" THEN {clean}"
        f" WHEN {status} = 'excel_number' AND {value} >= 1e17 AND {value} < 1e18"
        f" THEN CAST(CAST(round({value} / 1000) AS BIGINT) AS STRING) END"
    )


def spaceless_sql(col: str) -> str:
    """The text with every whitespace character removed (in the rare value that has one);
    empty → NULL."""
    pattern = f"'[{_WS_CLASS}]'"
    return (
        f"NULLIF(CASE WHEN regexp_matches({col}, {pattern}) THEN regexp_replace({col}, {pattern}, '', 'g')"
        f" ELSE {col} END, '')"
    )


def amount_sql(text: str) -> str:
    """An amount as DECIMAL(18,2): a plain number directly, else without ¥, commas, 元 and
    spaces; NULL when it is still not a number."""
    return (
        f"CASE WHEN regexp_full_match({text}, '-?[0-9]+(\\.[0-9]+)?') THEN TRY_CAST({text} AS DECIMAL(18,2))"
        f" ELSE TRY_CAST(regexp_replace({text}, '[¥￥,，元{_WS_CLASS}]', '', 'g') AS DECIMAL(18,2)) END"
    )


def credit_clean_sql(raw: str) -> str:
    """The credit code, upper case, without whitespace anywhere."""
    return f"NULLIF(upper(regexp_replace({raw}, '[{_WS_CLASS}]', '', 'g')), '')"


def credit_valid_sql(code: str) -> str:
    """Whether the code has the GB 32100-2015 form and check character (NULL when absent)."""
    chars = sql_text(CREDIT_CHARS)
    terms = " + ".join(f"(instr({chars}, substr({code}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(_CREDIT_WEIGHTS))
    return (
        f"CASE WHEN {code} IS NULL THEN NULL"
        f" WHEN NOT regexp_full_match({code}, '[0-9A-HJ-NPQRTUWXY]{{2}}[0-9]{{6}}[0-9A-HJ-NPQRTUWXY]{{10}}')"
        " THEN false"
        f" ELSE substr({chars}, ((31 - (({terms}) % 31)) % 31) + 1, 1) = substr({code}, 18, 1) END"
    )


def credit_check_char(code17: str) -> str:
    """The GB 32100 check character of the first 17 characters (Python, for tests and the demo)."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def id_check_char(body17: str) -> str:
    """The GB 11643 check character of 17 digits (Python, for tests and the demo)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


_DATE_FULL = "０１２３４５６７８９．／－"
_DATE_HALF = "0123456789./-"


def date_clean_sql(raw: str) -> str:
    """The date text trimmed, with full-width digits and separators made half-width."""
    return f"translate({trim_sql(raw)}, {sql_text(_DATE_FULL)}, {sql_text(_DATE_HALF)})"


def date_sql(text: str) -> str:
    """The date the cleaned text names, or NULL. Read: 2022-09-07, 2022/9/7, 2022.09.07,
    2022年9月7日 (a time after it is ignored), 20220907; a month (2022-09, 2022年9月,
    202209) as its first day; an Excel serial number (44811 → 2022-09-07). A year outside
    1850–2150 is not a date."""
    ymd = "^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})"
    ym = "^([0-9]{4})[-/.年]([0-9]{1,2})"
    value = (
        "CASE"
        f" WHEN {text} LIKE '____-__-__' THEN TRY_CAST({text} AS DATE)"
        f" WHEN regexp_full_match({text}, '[0-9]{{5}}(\\.[0-9]+)?')"
        f" THEN DATE '1899-12-30' + CAST(floor(CAST({text} AS DOUBLE)) AS INTEGER)"
        f" WHEN regexp_full_match({text}, '[0-9]{{8}}')"
        f" THEN TRY_CAST(substr({text}, 1, 4) || '-' || substr({text}, 5, 2) || '-' || substr({text}, 7, 2) AS DATE)"
        f" WHEN regexp_full_match({text}, '[0-9]{{6}}')"
        f" THEN TRY_CAST(substr({text}, 1, 4) || '-' || substr({text}, 5, 2) || '-01' AS DATE)"
        f" WHEN regexp_full_match({text}, '{ymd}日?([ T].*)?$')"
        f" THEN TRY_CAST(regexp_replace({text}, '{ymd}.*$', '\\1-\\2-\\3') AS DATE)"
        f" WHEN regexp_full_match({text}, '{ym}月?$')"
        f" THEN TRY_CAST(regexp_replace({text}, '{ym}.*$', '\\1-\\2-1') AS DATE)"
        " END"
    )
    return value


def date_sane_sql(value: str) -> str:
    """The date when its year is plausible (1850–2150), else NULL."""
    return f"CASE WHEN year({value}) BETWEEN 1850 AND 2150 THEN {value} END"
