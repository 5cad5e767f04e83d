"""Name keys: the normalised name and its pinyin key, from a table of characters.

``name_norm`` is the name with each character made simplified (OpenCC ``t2s``, one
character at a time), every kind of whitespace removed and the middle dots people type
(•, ・, ．, ‧ …) unified to "·". ``name_key`` is its pinyin without tones, one syllable per
character joined by nothing (张伟 → "zhangwei"), the first character read as a surname
(曾 → zeng, 单 → shan …); letters and digits are kept in lower case, anything else is
dropped. Homophones (张/章, 曾/增) get the same key.

Over a dataset the keys are never computed per row in Python: ``char_table`` answers one
row per *distinct character* of the column (a few thousand), which
``comparison.ingest`` joins inside DuckDB. ``name_keys`` computes the same for one name,
for tests and the demo; both use ``char_entry``, so they agree.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

SURNAMES: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "乐": "yue",
    "覃": "qin",
    "盖": "ge",
    "缪": "miao",
    "尉": "yu",
    "任": "ren",
    "纪": "ji",
    "华": "hua",
    "费": "fei",
    "燕": "yan",
    "褚": "chu",
    "翟": "zhai",
    "祭": "zhai",
    "员": "yun",
    "秘": "bi",
    "种": "chong",
    "沈": "shen",
    "长": "chang",
}
DOTS = "·•・．‧∙⋅･."
WHITESPACE = " \t\r\n\u3000\u00a0\u200b\ufeff"


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK ")


def char_entry(ch: str) -> tuple[str, str, str]:
    """For one character: (its part of name_norm, its pinyin, its pinyin as a surname)."""
    from pypinyin import lazy_pinyin

    if ch in WHITESPACE or ch.isspace():
        return "", "", ""
    if ch in DOTS:
        return "·", "", ""
    simple = _converter().convert(ch) or ch
    if _is_han(simple[0]):
        key = "".join(lazy_pinyin(simple))
        return simple, key, SURNAMES.get(simple, key)
    key = "".join(c.lower() for c in simple if c.isascii() and c.isalnum())
    return simple, key, key


def char_table(chars: list[str]) -> dict[str, list[str]]:
    """The table DuckDB joins: columns ch, norm, key, skey (the key as a surname)."""
    table: dict[str, list[str]] = {"ch": [], "norm": [], "key": [], "skey": []}
    for ch in chars:
        norm, key, skey = char_entry(ch)
        table["ch"].append(ch)
        table["norm"].append(norm)
        table["key"].append(key)
        table["skey"].append(skey)
    return table


def name_clean(name: str) -> str:
    """The name as stored in ``name``: whitespace of every kind trimmed at both ends."""
    return name.strip(WHITESPACE)


def name_keys(name: str) -> tuple[str, str]:
    """(name_norm, name_key) of one name, exactly as the SQL of ``comparison.ingest``."""
    entries = [char_entry(ch) for ch in name_clean(name)]
    norm = "".join(e[0] for e in entries)
    key = "".join(e[2] if i == 0 else e[1] for i, e in enumerate(entries))
    return norm, key
