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
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from nltk.stem.snowball import SnowballStemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import datafiles
from .budget import check_budget
from .caches import ByteBoundedCache

# Bump when tokenisation, stopwords or stemming change: it invalidates every saved index.
ANALYSIS_VERSION = "4"
MAX_STEM_CACHE_BYTES = 48 * 1024 * 1024  # the stems of a 100,000-chunk vocabulary fit many times over
MAX_STEMMED_WORD_CHARS = 40  # longer "words" (no English word is) are stemmed each time, never kept

# Normalisation scans every character of the corpus at build time, and a regular expression that
# starts with a letter class costs ~10 ns a character to scan for, one that starts with a literal
# character under 1 ns. So each pass is either skipped when a substring that every match contains
# is absent (str's `in` is faster still), or spelled to start with its rarest literal character,
# its context before that character checked by a lookbehind (the same matches, the same text).
_DOTTED_ACRONYM = re.compile(r"\b[A-Za-z]{1,2}\.(?:[A-Za-z]{1,2}\.)+(?![A-Za-z])")
_DOTTED_HINT = re.compile(r"\.[A-Za-z]{1,2}\.")  # in every match of _DOTTED_ACRONYM
# \b([A-Za-z])-(\d) → \1\2: the dash of a letter standing alone (no word character before it) before a digit
_LETTER_DASH_DIGIT = re.compile(r"-(?<=(?<!\w)[A-Za-z]-)(?=\d)")
_COUNTRY_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![A-Za-z])")  # every match holds "US" or "U.S"
_POSSESSIVE = re.compile(r"['’]s\b")  # every match holds "'s" or "’s"
_POSSESSIVE_ASCII = re.compile(r"'s\b")  # the same on ASCII text (no ’), starting at a literal
# Contractions become their words, so "doesn't" is "does not" (not a content word "doesn").
_IRREGULAR_NOT = re.compile(r"\b(can|won|shan)['’]t\b", re.IGNORECASE)
_NOT = re.compile(r"n['’]t\b", re.IGNORECASE)
_APOSTROPHE_T = ("'t", "'T", "’t", "’T")  # one is in every match of _IRREGULAR_NOT and _NOT
# (?<=\w)['’](re|ve|ll|m|d)\b, starting at the apostrophe
_CONTRACTED = re.compile(r"['’](?<=\w['’])(re|ve|ll|m|d)\b", re.IGNORECASE)
_CONTRACTED_ASCII = re.compile(r"'(?<=\w')(re|ve|ll|m|d)\b", re.IGNORECASE)  # the same on ASCII text
_EXPANDED = {"re": " are", "ve": " have", "ll": " will", "m": " am", "d": " would"}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# On ASCII text `[^\W_]+` is a run of letters and digits: every other character becomes a space and
# str.split() cuts there (2× faster than findall, which matches one run at a time).
_ASCII_NON_WORD_TO_SPACE = str.maketrans({chr(c): chr(c) if chr(c).isalnum() else " " for c in range(128)})
_REPEATS = re.compile(r"(.)\1{2,}")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(datafiles.word_list("stopwords.txt"))


@lru_cache(maxsize=1)
def stem_exceptions() -> dict[str, str]:
    return dict(datafiles.pair_list("stem_exceptions.txt"))


# One process-wide memo, since a message is normalised several times while it is answered (every
# `words(text)` call). Bounded by bytes: a cached text costs what it holds, and 8,192 entries of
# 36,000 characters each (2,000 × U+FDFA) once pinned ~600 MB.
_NORMALIZED: ByteBoundedCache[str, str] = ByteBoundedCache(max_bytes=8 * 1024 * 1024,
                                                           max_entry_bytes=512 * 1024)


def normalize(text: str) -> str:
    """Unicode-normalise, join dotted acronyms (U.S. → usa, Ph.D. → phd, F-1 → f1), expand
    contractions (doesn't → does not, I'm → I am), drop possessives and accents."""
    return _NORMALIZED.get_or_compute(text, _normalize)


def _normalize(text: str) -> str:
    ascii_only = text.isascii()  # ASCII is already NFKC and NFKD and has no accents: skip both passes
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    if "US" in text or "U.S" in text:
        text = _COUNTRY_US.sub(" usa ", text)
    if _DOTTED_HINT.search(text):
        text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    if "-" in text:
        text = _LETTER_DASH_DIGIT.sub("", text)
    if "'" in text or "’" in text:
        if any(pair in text for pair in _APOSTROPHE_T):
            text = _IRREGULAR_NOT.sub(lambda m: {"can": "can not", "won": "will not", "shan": "shall not"}[
                m.group(1).lower()], text)
            text = _NOT.sub(" not", text)
        text = (_CONTRACTED_ASCII if ascii_only else _CONTRACTED).sub(lambda m: _EXPANDED[m.group(1).lower()], text)
        if "'s" in text or "’s" in text:
            text = (_POSSESSIVE_ASCII if ascii_only else _POSSESSIVE).sub("", text)
    if ascii_only:
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Lowercase word tokens of `text`, stopwords included."""
    check_budget()  # a check point of every request's many passes over its text
    return _tokens(normalize(text))


def text_words(text: str) -> list[str]:
    """`words(text)` for a text seen once (a chunk being indexed): not memoised, since keeping every
    chunk's normalised text in the memo costs more than it could ever save, and no budget check."""
    return _tokens(_normalize(text))


def _tokens(normalized: str) -> list[str]:
    if normalized.isascii():
        return normalized.translate(_ASCII_NON_WORD_TO_SPACE).split()
    return _WORD.findall(normalized)


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

    Close enough: one edit for words of 4–6 letters, two for longer ones; shorter words are never
    corrected. Ties go to the more frequent word. Runs of three or more equal letters are squeezed
    first ("sooo" → "soo"). A word with no close match is left alone, so gibberish stays unknown.
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
        matches = process.extract(squeezed, self._choices, scorer=Levenshtein.distance,
                                  score_cutoff=limit, limit=20)
        if not matches:
            return None
        best = min(matches, key=lambda m: (m[1], -self._freq[m[0]], m[0]))
        return best[0]
