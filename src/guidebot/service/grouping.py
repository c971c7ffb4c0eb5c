"""Grouping unanswered questions: one group per thing students want, so a maintainer sees
"tuition at Stanford (14 asked)" instead of fourteen phrasings of it.

The method (chosen by bench/grouping.py on a hand-labelled set; figures in bench/RESULTS.md):
questions are first split by what the reply said was missing, their `key` (the reason, the
subject in focus and the specific asked for: "not_in_note, stanford, costs"), which already
names one fix; within a key, and for replies that name nothing ("I couldn't find that"), by
the words asked: each question is a vector of its search terms (spelling-corrected, stemmed,
synonyms added, as search reads it) weighted by idf, and joins the group whose centroid is most
similar (cosine at least `threshold`), else starts one. Questions are taken most-asked first,
so groups form around the common phrasings. Linear in the number of questions times their
terms (an inverted index finds the candidate groups); no model, no network.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

Vector = dict[str, float]
DEFAULT_THRESHOLD = 0.3
# Reasons whose key (reason, subject, specific) already names one fix: grouped by the key alone.
# The others ("I couldn't find that", unclear questions) are grouped by their words.
KEYED_REASONS = frozenset({"uncovered", "unknown_name", "not_in_note", "specific_missing", "personal"})


def grouping_text(reason: str | None, question: str | None) -> str | None:
    """The text a question is grouped by: none when its reason's key is enough."""
    return None if reason in KEYED_REASONS else question


@dataclass
class Group:
    key: Hashable
    members: list[int] = field(default_factory=list)
    centroid: Vector = field(default_factory=dict)
    norm: float = 0.0

    def add(self, index: int, vector: Vector, weight: float) -> None:
        self.members.append(index)
        for term, value in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + value * weight
        self.norm = math.sqrt(sum(v * v for v in self.centroid.values()))


def normalized(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


def group_questions(keys: Sequence[Hashable], texts: Sequence[str | None], counts: Sequence[int],
                    vectorize: Callable[[str], Vector], threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Indices of the items, grouped: same key, and similar text within it (items without text
    group by key alone). Groups are returned largest first (by the sum of `counts`)."""
    order = sorted(range(len(keys)), key=lambda i: (-counts[i], i))
    groups: list[Group] = []
    by_term: dict[tuple[Hashable, str], list[int]] = defaultdict(list)  # (key, term) -> groups with that term
    textless: dict[Hashable, int] = {}
    for i in order:
        text = texts[i]
        vector = normalized(vectorize(text)) if text else {}
        if not vector:
            if keys[i] not in textless:
                textless[keys[i]] = len(groups)
                groups.append(Group(keys[i]))
            groups[textless[keys[i]]].members.append(i)
            continue
        best, best_similarity = None, threshold
        for g in {g for term in vector for g in by_term.get((keys[i], term), ())}:
            group = groups[g]
            similarity = sum(v * group.centroid.get(t, 0.0) for t, v in vector.items()) / group.norm
            if similarity >= best_similarity:
                best, best_similarity = g, similarity
        if best is None:
            best = len(groups)
            groups.append(Group(keys[i]))
        new_terms = [t for t in vector if t not in groups[best].centroid]
        groups[best].add(i, vector, counts[i])
        for term in new_terms:
            by_term[(keys[i], term)].append(best)
    result = [g.members for g in groups if g.members]
    return sorted(result, key=lambda members: (-sum(counts[i] for i in members), min(members)))


def pairwise_scores(predicted: Sequence[Sequence[int]], truth: Sequence[Sequence[int]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a grouping against the true one (same item indices)."""
    def pairs(groups: Sequence[Sequence[int]]) -> set[tuple[int, int]]:
        return {(a, b) for g in groups for a in g for b in g if a < b}

    p, t = pairs(predicted), pairs(truth)
    precision = len(p & t) / len(p) if p else 1.0
    recall = len(p & t) / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "groups": len(predicted), "true_groups": len(truth)}
