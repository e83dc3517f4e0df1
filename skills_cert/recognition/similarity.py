"""Suggestions for the mapping workbench: how alike two units read, in Lao, Thai and English.

Each unit becomes a bag of character trigrams per language (Lao and Thai are written without
spaces between words, so words are not a usable unit), weighted by where the text comes from: the
title counts three times, element titles twice, performance criteria once. Two units' similarity
is the cosine of their bags, averaged over the three languages. It is a reading aid that says
which pairs to compare first; the officer compares the criteria and decides.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from skills_cert.recognition.models import Relation
from skills_cert.standards.models import Unit

LANGS = ("lo", "th", "en")
WEIGHTS = {"title": 3, "element": 2, "criterion": 1}
# Thresholds read off the shipped standards (TF-IDF weighted): corresponding units score 0.4-0.65,
# a unit that covers part of another 0.2-0.45, unrelated ones under 0.15 (tests/test_mrs_workbench.py).
EQUIVALENT_FROM = 0.35
PARTIAL_FROM = 0.15
_SPACES = re.compile(r"[\s\u200b]+")
_NOISE = re.compile(r"[0-9.,;:()\[\]\"'/%±+–-]+")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", _NOISE.sub(" ", text)).strip()


def _trigrams(text: str) -> Counter:
    text = f" {_normalise(text)} "
    return Counter(text[i:i + 3] for i in range(len(text) - 2))


def profile(unit: Unit) -> dict[str, Counter]:
    bags = {}
    for lang in LANGS:
        bag: Counter = Counter()
        for _ in range(WEIGHTS["title"]):
            bag.update(_trigrams(unit.title[lang]))
        for element in unit.elements:
            for _ in range(WEIGHTS["element"]):
                bag.update(_trigrams(element.title[lang]))
            for criterion in element.criteria:
                bag.update(_trigrams(criterion.text[lang]))
        bags[lang] = bag
    return bags


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def similarity(a: dict[str, Counter], b: dict[str, Counter]) -> float:
    return sum(_cosine(a[lang], b[lang]) for lang in LANGS) / len(LANGS)


def _weighted(profiles: list[dict[str, Counter]]) -> list[dict[str, Counter]]:
    """TF-IDF: a trigram found in every unit of both standards ("the", "ປູນ") tells nothing about
    which units correspond, so it is weighted down by how many units use it."""
    total = len(profiles)
    out: list[dict[str, Counter]] = [{} for _ in profiles]
    for lang in LANGS:
        df: Counter = Counter()
        for bags in profiles:
            df.update(set(bags[lang]))
        for i, bags in enumerate(profiles):
            out[i][lang] = Counter({gram: count * math.log(total / df[gram])
                                    for gram, count in bags[lang].items() if df[gram] < total})
    return out


def _pairs(origin_units: list[Unit], destination_units: list[Unit]) -> dict[tuple[str, str], float]:
    weighted = _weighted([profile(u) for u in origin_units] + [profile(u) for u in destination_units])
    mine, theirs = weighted[:len(origin_units)], weighted[len(origin_units):]
    return {(o.code, d.code): similarity(mine[i], theirs[j])
            for i, o in enumerate(origin_units) for j, d in enumerate(destination_units)}


@dataclass(frozen=True)
class Suggestion:
    origin: str
    destination: str | None  # None: nothing reads alike
    score: float
    relation: Relation


def suggest(origin_units: list[Unit], destination_units: list[Unit]) -> dict[str, Suggestion]:
    """For each origin unit, the destination unit that reads most alike, and a proposed relation.
    Other destination units that read partly alike are in `scores`."""
    pairs = _pairs(origin_units, destination_units)
    out = {}
    for unit in origin_units:
        scored = sorted(((score, d) for (o, d), score in pairs.items() if o == unit.code), reverse=True)
        score, code = scored[0] if scored else (0.0, None)
        if score >= EQUIVALENT_FROM:
            relation = Relation.EQUIVALENT
        elif score >= PARTIAL_FROM:
            relation = Relation.PARTIAL
        else:
            relation, code = Relation.NONE, None
        out[unit.code] = Suggestion(unit.code, code, round(score, 2), relation)
    return out


def scores(origin_units: list[Unit], destination_units: list[Unit]) -> dict[tuple[str, str], float]:
    """Every pair's similarity, for the side-by-side view."""
    return {pair: round(score, 2) for pair, score in _pairs(origin_units, destination_units).items()}
