"""Finding, among a fixed list of words (the anchor words of university names), those a token may be
a misspelling of, in time that does not grow with the list; and whether a run of words is a name
written with such a typo (`names_match`).

A deletion neighbourhood index: two words within k edits (Levenshtein) always share a string
made by deleting at most k characters from each. Each word is filed under the hashes of its
deletions (up to the edits it tolerates); a token looks up the hashes of its own deletions (up
to `max_edits`) and every hit is checked with the real distance. Hashes keep the index small
(12 bytes per deletion, in two numpy arrays); a collision only adds a candidate that the check
then drops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from ..english import english_words


def deletions(word: str, edits: int) -> set[str]:
    """`word` and every string made by deleting up to `edits` of its characters."""
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


class FuzzyWords:
    """The words of `vocabulary` within their tolerated edits (`allowed(word)`) of a token."""

    def __init__(self, vocabulary: Sequence[str], allowed: Callable[[str], int], max_edits: int = 2) -> None:
        self.words = list(vocabulary)
        self.allowed = [allowed(w) for w in self.words]
        self.max_edits = max_edits
        keys: list[int] = []
        ids: list[int] = []
        for number, (word, edits) in enumerate(zip(self.words, self.allowed, strict=True)):
            if edits:
                for variant in deletions(word, edits):
                    keys.append(hash(variant))
                    ids.append(number)
        order = np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")
        self._keys = np.asarray(keys, dtype=np.int64)[order]
        self._ids = np.asarray(ids, dtype=np.int32)[order]
        self._longest = max((len(w) for w, e in zip(self.words, self.allowed, strict=True) if e), default=0)

    def near(self, token: str) -> list[str]:
        """Words of the vocabulary within their tolerated number of edits of `token` (`token` itself
        included when it is one of them and tolerates edits)."""
        if not len(self._keys) or not 3 <= len(token) <= self._longest + self.max_edits:
            return []  # tolerant words have 4+ letters, so a token of 1-2 letters is 2+ edits away
        hashes = np.fromiter((hash(v) for v in deletions(token, self.max_edits)), dtype=np.int64)
        left = np.searchsorted(self._keys, hashes, side="left")
        hit = left < len(self._keys)
        hit[hit] = self._keys[left[hit]] == hashes[hit]
        if not hit.any():
            return []
        right = np.searchsorted(self._keys, hashes[hit], side="right")
        numbers = {int(n) for a, b in zip(left[hit], right, strict=True) for n in self._ids[a:b]}
        return [self.words[n] for n in sorted(numbers)
                if Levenshtein.distance(token, self.words[n], score_cutoff=self.allowed[n]) <= self.allowed[n]]


def names_match(tokens: Sequence[str], pattern: Sequence[str]) -> bool:
    """Equal, or off by a typo: one edit in a name word of 4+ letters, two in one of 7+. A real
    English word only counts as a typo when another word of the same name matched exactly
    ("carnegie melon"), so "standard" never becomes Stanford."""
    exact = [t == p for t, p in zip(tokens, pattern, strict=True)]
    if all(exact):
        return True
    for token, name, same in zip(tokens, pattern, exact, strict=True):
        if same:
            continue
        allowed = allowed_edits(name)
        if allowed == 0 or Levenshtein.distance(token, name, score_cutoff=allowed) > allowed:
            return False
        if token in english_words() and not any(exact):
            return False
    return True


def allowed_edits(name: str) -> int:
    """Edits a name word tolerates as a typo: none under 4 letters, one, two from 7."""
    return 2 if len(name) >= 7 else 1 if len(name) >= 4 else 0
