"""Text analysis shared by indexing and querying: normalisation, word tokens, the shipped stopword
list, Snowball stems (cached per distinct word), query expansion from synonyms and aliases, and
spelling correction against the index vocabulary. Knows nothing about chunks or scoring.

Every cache here is bounded by the bytes it holds (a query can bring endless new words, and one
normalised text can be 18 times its input), and every per-query step looks up what it needs in
an index built once (phrases by their first term, rules by phrase) instead of scanning all rules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nltk.stem.snowball import SnowballStemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .. import datafiles
from ..budget import check_budget
from ..caches import ByteBoundedCache
from .normalizing import _NORMALIZED as _NORMALIZED  # the memo, for its bounds (tests, bench.hostile)
from .normalizing import normalize as normalize
from .normalizing import text_words as text_words
from .normalizing import words as words

# Bump when tokenisation, stopwords or stemming change: it invalidates every saved index.
ANALYSIS_VERSION = "6"
MAX_STEM_CACHE_BYTES = 48 * 1024 * 1024  # the stems of a 100,000-chunk vocabulary fit many times over
MAX_STEMMED_WORD_CHARS = 40  # longer "words" (no English word is) are stemmed each time, never kept

_REPEATS = re.compile(r"(.)\1{2,}")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(datafiles.word_list("stopwords.txt"))


@lru_cache(maxsize=1)
def stem_exceptions() -> dict[str, str]:
    return dict(datafiles.pair_list("stem_exceptions.txt"))


@dataclass
class Analyzer:
    """Turns text into index terms. One instance per process; the stem cache and the term of each
    word seen (`_terms`: its stem, or "" for a word that is no term) grow with the vocabulary, up to
    MAX_STEM_CACHE_BYTES together (then both start again, the stems from the exceptions)."""

    stop: frozenset[str]
    _stems: dict[str, str]
    _stemmer: SnowballStemmer
    _stem_bytes: int = 0
    _terms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls) -> Analyzer:
        return cls(stopwords(), dict(stem_exceptions()), SnowballStemmer("english"))

    def stem(self, word: str) -> str:
        cached = self._stems.get(word)
        if cached is None:
            check_budget()  # a new word: the costly path, once per distinct word
            cached = self._stemmer.stem(word) if word.isalpha() else word
            if len(word) > MAX_STEMMED_WORD_CHARS:
                return cached
            self._charge(word, cached)
            self._stems[word] = cached
        return cached

    def _charge(self, word: str, value: str) -> None:
        """Count a new cache entry against the bound, starting both caches again when it is passed."""
        self._stem_bytes += sys.getsizeof(word) + sys.getsizeof(value) + 100  # 100: the dict slot
        if self._stem_bytes > MAX_STEM_CACHE_BYTES:  # bounded: queries can bring endless new words
            self._stems, self._terms, self._stem_bytes = dict(stem_exceptions()), {}, 0

    def is_content(self, word: str) -> bool:
        return word not in self.stop and (len(word) > 1 or word.isdigit())

    def terms(self, text: str) -> list[str]:
        """Index terms of `text`: content words, stemmed, in order, with repeats."""
        return self.terms_of(words(text))

    def terms_of(self, tokens: Iterable[str]) -> list[str]:
        """Index terms of word tokens (from `words`), the loop of indexing: each token's term is one
        lookup in `_terms`, done by `map` (no Python code per token) when every word is known."""
        tokens = tokens if isinstance(tokens, list) else list(tokens)
        try:
            return list(filter(None, map(self._terms.__getitem__, tokens)))
        except KeyError:  # words not seen before: learn them, then look again
            pass
        for word in set(tokens).difference(self._terms):
            self._learn(word)
        try:
            return list(filter(None, map(self._terms.__getitem__, tokens)))
        except KeyError:  # a word that is not kept (too long, or the caches started again meanwhile)
            return self._terms_one_by_one(tokens)

    def _learn(self, word: str) -> None:
        if word in self.stop or (len(word) == 1 and not word.isdigit()):
            term = ""
        else:
            term = self.stem(word)
            if not term or len(word) > MAX_STEMMED_WORD_CHARS:  # "" would read as "no term"; long: never kept
                return
        self._charge(word, term)
        self._terms[word] = term

    def _terms_one_by_one(self, tokens: Iterable[str]) -> list[str]:
        stop, stems, result = self.stop, self._stems, []
        for w in tokens:
            if w in stop or (len(w) == 1 and not w.isdigit()):
                continue
            stem = stems.get(w)
            result.append(stem if stem is not None else self.stem(w))
        return result

    def content_words(self, text: str) -> list[str]:
        return [w for w in words(text) if self.is_content(w)]


@dataclass(frozen=True)
class Expansion:
    """What a query became: its own terms, and added terms with the weight each carries."""

    terms: tuple[str, ...]
    added: Mapping[str, float]

    def weights(self) -> dict[str, float]:
        result: dict[str, float] = {}
        for term in self.terms:
            result[term] = result.get(term, 0.0) + 1.0
        for term, weight in self.added.items():
            result.setdefault(term, weight)
        return result


# (start, end, phrase, the other members of its synonym groups as sets of terms)
PhraseMatch = tuple[int, int, tuple[str, ...], tuple[frozenset[str], ...]]


# A synonym rule: when `phrase` occurs in a query, add `others` at `weight`.
Rule = tuple[tuple[str, ...], tuple[str, ...], float]


def reduced_members(analyzer: Analyzer, groups: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Synonym members of several words that analysis reduces to one term ("get in" → "get": its
    stopword dropped), each with that term's word: every sentence with the word then matches the
    group, which may not be what a maintainer meant. `guidebot index --check` lists them."""
    found = []
    for group in groups:
        for member in group:
            tokens = words(member)
            terms = analyzer.terms_of(tokens)
            if len(tokens) > 1 and len(terms) == 1:
                found.append((member, next(t for t in tokens if analyzer.is_content(t))))
    return found


class QueryExpander:
    """Adds the other members of a synonym group (or an alias's full name) when a query uses one.

    Rules are found through a trie of their phrases' terms, so a query costs its length times the
    longest phrase, however many rules (thousands of university names and aliases) there are."""

    SYNONYM_WEIGHT = 0.6
    ALIAS_WEIGHT = 1.0

    def __init__(self, analyzer: Analyzer, synonym_groups: Iterable[Sequence[str]],
                 alias_groups: Iterable[Sequence[str]]) -> None:
        self._analyzer = analyzer
        self._rules: list[Rule] = []
        self._groups_phrases: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for groups, weight in ((synonym_groups, self.SYNONYM_WEIGHT), (alias_groups, self.ALIAS_WEIGHT)):
            for group in groups:
                phrases = [tuple(analyzer.terms(p)) for p in group]
                phrases = [p for p in phrases if p]
                for phrase in phrases:
                    other_phrases = [other for other in phrases if other != phrase]
                    others = tuple(t for other in other_phrases for t in other)
                    if others:
                        self._rules.append((phrase, others, weight))
                        self._groups_phrases.setdefault(others, []).extend(other_phrases)
        # A phrase's trie node holds, under "", the indices of the rules for that phrase.
        self._trie: dict[str, Any] = {}
        self._others_of: dict[tuple[str, ...], set[frozenset[str]]] = {}
        for number, (phrase, others, _weight) in enumerate(self._rules):
            node = self._trie
            for term in phrase:
                node = node.setdefault(term, {})
            node.setdefault("", []).append(number)
            self._others_of.setdefault(phrase, set()).update(frozenset(p) for p in self._groups_phrases.get(others, ()))

    def _occurrences(self, terms: Sequence[str]) -> list[tuple[int, tuple[str, ...], list[int]]]:
        """(start, phrase, rule numbers) of every rule phrase occurring in `terms`, overlaps included."""
        found = []
        for start in range(len(terms)):
            node = self._trie.get(terms[start])
            end = start + 1
            while node is not None:
                if "" in node:
                    found.append((start, tuple(terms[start:end]), node[""]))
                if end >= len(terms):
                    break
                node = node.get(terms[end])
                end += 1
        return found

    def expand(self, terms: Sequence[str]) -> Expansion:
        added: dict[str, float] = {}
        present = set(terms)
        for _phrase, others, weight in self._rules_occurring(terms):
            for term in others:
                if term not in present and added.get(term, 0.0) < weight:
                    added[term] = weight
        return Expansion(tuple(terms), added)

    def _rules_occurring(self, terms: Sequence[str]) -> list[Rule]:
        """The rules whose phrase occurs in the terms, by the terms' order of first occurrence of
        each phrase's first term, then in the order the rules were made."""
        by_first: dict[str, set[int]] = {}
        for start, _phrase, numbers in self._occurrences(terms):
            by_first.setdefault(terms[start], set()).update(numbers)
        return [self._rules[n] for term in dict.fromkeys(terms) for n in sorted(by_first.get(term, ()))]

    def phrase_matches(self, terms: Sequence[str]) -> list[PhraseMatch]:
        """Multi-word synonym phrases found in `terms` (longest first, not overlapping), each with
        its start, end, and the other members of its groups as sets of terms."""
        candidates = sorted(((start, phrase) for start, phrase, _n in self._occurrences(terms) if len(phrase) > 1),
                            key=lambda sp: (-len(sp[1]), sp[1], sp[0]))
        found = []
        taken: set[int] = set()
        for start, phrase in candidates:
            span = set(range(start, start + len(phrase)))
            if not span & taken:
                others = self._others_of.get(phrase, set())
                found.append((start, start + len(phrase), phrase, tuple(sorted(others, key=sorted))))
                taken |= span
        return sorted(found)

    def alternatives(self, term: str) -> tuple[frozenset[str], ...]:
        """Other ways to say a one-word term: each a set of terms that must all appear together
        ("ml" → {machin, learn}); used to judge whether a sentence covers the word."""
        return tuple(sorted(self._others_of.get((term,), ()), key=sorted))


class SpellingCorrector:
    """Maps an unknown query word to the closest known word when it is close enough.

    Close enough: one edit (a letter added, dropped, changed, or two swapped) for words of 4–6
    letters, two for longer ones; shorter words are never corrected. Ties go to a word with the
    same first letter, then to the more frequent word. Runs of three or more equal letters are
    squeezed first ("sooo" → "soo"). A word with no close match is left alone, so gibberish stays
    unknown.
    """

    def __init__(self, frequencies: Mapping[str, int], cache_bytes: int = 4 * 1024 * 1024) -> None:
        self._freq = dict(frequencies)
        self._choices = list(self._freq)
        self._longest = max(map(len, self._choices), default=0)
        self._memo: ByteBoundedCache[str, str | None] = ByteBoundedCache(cache_bytes)  # per distinct word

    def __contains__(self, word: str) -> bool:
        return word in self._freq

    def correct(self, word: str) -> str | None:
        """The known word `word` most likely meant, `word` itself if known, or None."""
        if word in self._freq:
            return word
        return self._memo.get_or_compute(word, self._closest)

    def _closest(self, word: str) -> str | None:
        check_budget()
        squeezed = _REPEATS.sub(r"\1\1", word)
        if squeezed in self._freq:
            return squeezed
        squeezed_once = _REPEATS.sub(r"\1", word)
        if squeezed_once in self._freq:
            return squeezed_once
        if len(squeezed) < 4 or not squeezed.isalpha():
            return None
        limit = 1 if len(squeezed) <= 6 else 2
        if len(squeezed) > self._longest + limit:
            return None  # longer than any known word can be with `limit` edits
        matches = process.extract(squeezed, self._choices, scorer=OSA.distance,
                                  score_cutoff=limit, limit=20)
        if not matches:
            return None
        # Typos rarely touch a word's first letter: "tets" is "tests", not "ets".
        best = min(matches, key=lambda m: (m[1], m[0][:1] != squeezed[:1], -self._freq[m[0]], m[0]))
        return best[0]
