"""Where a document's title breaks into lines (GB/T 9704-2012 7.3.1).

The standard asks a title of several lines to be "排列对称，长短适宜，间距恰当，标题排列应当使用
梯形或菱形". ``title_lines`` cuts the title into words with jieba (a private tokenizer that
knows the domain's words, so the platform's other use of jieba is not changed), never breaks
inside a word, inside a domain word, inside a name the caller names (an organisation, a team),
before closing or after opening punctuation, and then picks the breaks that give a 梯形 (each
line no longer than the next: the upper line shorter; or, second best, the upper line longer),
or a 菱形 (the middle line longest), with lines as even as the words allow.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
# The documents' own vocabulary; with the glossary's terms (``domain_words``), the words a title
# never breaks inside.
DOMAIN_WORDS = (
    "被巡察党组织",
    "被巡察单位",
    "党组织",
    "单位类别",
    "届",
    "轮次",
    "巡察类型",
    "巡察组",
    "组长",
    "副组长",
    "联络员",
    "成员",
    "巡察干部",
    "人才库",
    "回避",
    "巡察办",
    "巡察工作领导小组办公室",
    "巡察工作领导小组",
    "领导小组",
    "纪委监委",
    "组织部",
    "全覆盖",
    "巡察",
    "阶段",
    "工作方案",
    "组长授权",
    "任务分工",
    "授权任职",
    "巡察公告",
    "信访举报",
    "查询码",
    "个别谈话",
    "调阅资料",
    "问卷",
    "民主测评",
    "底稿",
    "证据材料",
    "附件",
    "监督重点",
    "问题",
    "问题线索",
    "立行立改",
    "巡察报告",
    "反馈意见",
    "移交",
    "办理结果",
    "整改方案",
    "整改任务",
    "措施",
    "整改进展",
    "销号",
    "整改台账",
    "整改情况报告",
    "整改公开",
    "整改情况",
    "整改",
    "反馈",
    "领导班子",
    "主要负责人",
    "领导干部",
    "专题报告",
    "情况报告",
    "通知书",
    "建议书",
    "公开稿",
    "公开通报",
    "督办",
    "告诫",
    "问责",
    "提醒",
    "常规巡察",
    "专项巡察",
    "机动巡察",
    "提级巡察",
    "交叉巡察",
    "回头看",
    "进驻",
    "县委办公室",
    "办公室",
    "开展",
    "关于",
)
# Names that follow a pattern: 中共青禾县委, 第一巡察组, 第七轮.
KEEP_PATTERNS = (
    re.compile(r"中共[^，、。\s]{1,8}?[省市县区旗]委"),
    re.compile(r"第[一二三四五六七八九十百]+(?:巡察组|轮)"),
    re.compile(r"〔\d{4}〕\d+号"),
)


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """``DOMAIN_WORDS`` and the Chinese terms of the glossary's tables (first column, split at "/",
    without parentheses), when the glossary is there."""
    terms = dict.fromkeys(DOMAIN_WORDS)
    if GLOSSARY.exists():
        for row in GLOSSARY.read_text(encoding="utf-8").splitlines():
            if not row.startswith("| ") or row.startswith(("| 中文", "|---")):
                continue
            for term in re.split(r"\s*/\s*", row.split("|")[1]):
                term = re.sub(r"[（(].*?[)）]", "", term).strip()
                if re.fullmatch(r"[\u4e00-\u9fff]{2,}", term):
                    terms[term] = None
    return tuple(terms)


NO_LINE_START = set("，。、；：？！）》〕」』”’%…—·")
NO_LINE_END = set("（《〔「『“‘")

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """A jieba tokenizer of our own with the domain's words, made once per process."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba
                from django.conf import settings

                tmp = settings.DATA_DIR / "tmp"
                tmp.mkdir(parents=True, exist_ok=True)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = str(tmp)
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tokenizer.initialize()
                for word in domain_words():
                    tokenizer.add_word(word, freq=100000)
                _tokenizer = tokenizer
    return _tokenizer


def text_width(text: str) -> float:
    """The width of ``text`` in characters: a Chinese character or full-width sign 1, Latin and digits ½."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1.0 for ch in text)


def _inside(text: str, phrases: Iterable[str]) -> set[int]:
    """Positions (between character i-1 and i) that fall inside an occurrence of a phrase or pattern."""
    blocked: set[int] = set()
    spans = []
    for phrase in phrases:
        if len(phrase) < 2:
            continue
        start = text.find(phrase)
        while start != -1:
            spans.append((start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    for pattern in KEEP_PATTERNS:
        spans += [m.span() for m in pattern.finditer(text)]
    for start, end in spans:
        blocked.update(range(start + 1, end))
    return blocked


def break_points(title: str, keep: Sequence[str] = ()) -> list[int]:
    """Where ``title`` may break: between jieba's words, outside every word that must stay whole."""
    points, at = [], 0
    for word in _jieba().lcut(title, HMM=False):
        at += len(word)
        points.append(at)
    blocked = _inside(title, [*domain_words(), *keep])
    return [
        i for i in points[:-1] if i not in blocked and title[i] not in NO_LINE_START and title[i - 1] not in NO_LINE_END
    ]


def _cost(widths: list[float]) -> float:
    """How far the lines are from the standard's shapes: their unevenness, plus 1 for a 梯形 with
    the longer lines above, 3 for a 菱形 (the middle line longest) and 6 for any other shape than
    a 梯形 with the shorter lines above (each line no longer than the next)."""
    spread = max(widths) - min(widths)
    if all(a <= b for a, b in itertools.pairwise(widths)):
        return spread
    if all(a >= b for a, b in itertools.pairwise(widths)):
        return spread + 1
    peak = widths.index(max(widths))
    rising, falling = widths[:peak], widths[peak:]
    if 0 < peak < len(widths) - 1 and rising == sorted(rising) and falling == sorted(falling, reverse=True):
        return spread + 3
    return spread + 6


def title_lines(title: str, max_width: float, keep: Sequence[str] = ()) -> list[str]:
    """``title`` as the lines it is printed in: one line when it fits, else the fewest lines of
    at most ``max_width`` characters breaking only between words, shaped as a 梯形 or 菱形."""
    if text_width(title) <= max_width:
        return [title]
    for points in (break_points(title, keep), break_points(title), list(range(1, len(title)))):
        lines = min(math.ceil(text_width(title) / max_width), len(points) + 1)
        while lines <= len(points) + 1:
            best = None
            for cut in itertools.combinations(points, lines - 1):
                edges = [0, *cut, len(title)]
                parts = [title[a:b] for a, b in itertools.pairwise(edges)]
                widths = [text_width(p) for p in parts]
                if max(widths) > max_width:
                    continue
                cost = _cost(widths)
                if best is None or cost < best[0]:
                    best = (cost, parts)
            if best is not None:
                return best[1]
            lines += 1
    return [title]
