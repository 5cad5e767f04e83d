"""Likely duplicates among one inspection's petitions, by the similarity of their Chinese text.

The text (subject and content) is cut into words with jieba; whitespace, punctuation and
one-character function words are dropped. Each petition of the inspection becomes a TF-IDF
vector over those words, and the petitions whose cosine similarity with the one in hand
reaches ``THRESHOLD`` are suggested, best first. Only a suggestion: staff decide (triage).

jieba loads its dictionary once per process (about a second), on first use; its cache file
goes under ``settings.DATA_DIR / "tmp"`` and its log is silenced.
"""

from __future__ import annotations

import logging
import math
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from onsite.models import Petition

# Reworded reports of the same matter score about 0.3 to 0.5 against each other, unrelated ones
# under 0.1 (short texts share few words exactly; jieba cuts 低保金 and 低保 apart).
THRESHOLD = 0.3
# One-character words that carry no meaning of their own (particles, pronouns, prepositions).
STOP_CHARS = set("的了是在和与及或也就都而被把对于为向从到这那个之其我你他她它们有着过吗呢吧啊呀么等将又还很并且但")

_lock = threading.Lock()
_ready = False


def _jieba():
    """jieba, initialised once: its cache under the data directory, its log quiet."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                tmp = settings.DATA_DIR / "tmp"
                tmp.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(tmp)
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def _is_noise(word: str) -> bool:
    if not word.strip():
        return True
    if all(unicodedata.category(ch)[0] in "PSZC" for ch in word):
        return True  # punctuation, symbols, spaces
    return len(word) == 1 and word in STOP_CHARS


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[str, ...]:
    """The words of ``text`` that carry meaning (lower-cased, in order)."""
    return tuple(w.lower() for w in _jieba().lcut(text) if not _is_noise(w))


def _vectors(docs: dict[int, tuple[str, ...]]) -> dict[int, dict[str, float]]:
    """TF-IDF weights (smoothed idf, as scikit-learn's default), normalised to unit length."""
    n = len(docs)
    df: Counter[str] = Counter()
    for words in docs.values():
        df.update(set(words))
    vectors = {}
    for key, words in docs.items():
        counts = Counter(words)
        weights = {w: c * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        vectors[key] = {w: v / norm for w, v in weights.items()}
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


@dataclass(frozen=True)
class Suggestion:
    petition: Petition
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def petition_text(petition) -> str:
    return f"{petition.subject}\n{petition.content}"


def similar_petitions(petition, *, threshold: float = THRESHOLD, limit: int = 5) -> list[Suggestion]:
    """Petitions of the same inspection whose text is most like ``petition``'s, best first.

    The caller must already be allowed to see ``petition``; the others share its inspection,
    so they are in the same sight. Costs one query (and jieba on texts not yet cut)."""
    from onsite.models import Petition

    others = list(Petition.objects.filter(inspection_id=petition.inspection_id).only("id", "subject", "content"))
    if len(others) < 2:
        return []
    docs = {p.pk: tokens(petition_text(p)) for p in others}
    docs[petition.pk] = tokens(petition_text(petition))
    vectors = _vectors(docs)
    mine = vectors[petition.pk]
    found = []
    for other in others:
        if other.pk == petition.pk:
            continue
        score = _cosine(mine, vectors[other.pk])
        if score >= threshold:
            found.append(Suggestion(other, score))
    found.sort(key=lambda s: (-s.score, s.petition.pk))
    return found[:limit]
