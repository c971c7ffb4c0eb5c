"""Entities: the universities and topics a message names (by university name or alias, with a
typo allowed), the names of universities the corpus does not cover, and a message with the
university names taken out (so its intent can be borrowed by an elliptical follow-up)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..analysis import words
from ..budget import check_budget
from ..caches import ByteBoundedCache, size_of
from ..english import english_words
from ..lexicon import Lexicon
from ..search import Searcher
from .fuzzy import FuzzyWords, allowed_edits, names_match
from .places import Places

Span = tuple[int, int, str]  # (first token, end token, document id)


def contains(tokens: Sequence[str], pattern: Sequence[str]) -> bool:
    """Does the token list contain the pattern's tokens in a row?"""
    n = len(pattern)
    pattern = tuple(pattern)
    return any(tuple(tokens[i:i + n]) == pattern for i in range(len(tokens) - n + 1))


class EntityMatcher:
    """Finds the documents a text names. One per index; memoises spans per distinct text.

    Names are found through an index, never by trying every name at every position: each name is
    filed under its rarest word (its anchor), exactly and by the misspellings it tolerates (see
    `FuzzyWords`), so a text costs its number of words, whatever the number of names."""

    MAX_UNCOVERED = 8  # "University of X" names reported at most (each costs a spelling lookup)
    MAX_FUZZY_LOOKUPS = 64  # distinct new tokens of one text looked up for misspelt names

    def __init__(self, searcher: Searcher, lexicon: Lexicon, cache_bytes: int = 4 * 1024 * 1024,
                 shared_name_notes: int = 3) -> None:
        self.searcher = searcher
        self.lexicon = lexicon
        self.has_programs = any(doc.kind == "program" for doc in searcher.indexed.documents)
        self.patterns: list[tuple[tuple[str, ...], str]] = []
        for doc in searcher.indexed.documents:
            if doc.kind not in ("program", "topic"):
                continue
            for name in [*doc.aliases, *([doc.university] if doc.university else [])]:
                tokens = tuple(words(name))
                if tokens:
                    self.patterns.append((tokens, doc.id))
        known = {pattern for pattern, _doc in self.patterns}
        # A program's own name ("PMP") finds its university but stays what is asked about: never stripped.
        derived = [(name, doc_id) for name, doc_id in _program_names(searcher, shared_name_notes) if name not in known]
        self._program_names = {name for name, _doc in derived}
        self.patterns += derived
        self.patterns.sort(key=lambda p: -len(p[0]))
        uses = Counter(word for pattern, _doc in self.patterns for word in set(pattern))
        anchored: dict[str, list[tuple[int, int]]] = {}  # anchor word → (pattern number, position)
        for number, (pattern, _doc) in enumerate(self.patterns):
            position = min(range(len(pattern)), key=lambda k: (uses[pattern[k]], k))
            anchored.setdefault(pattern[position], []).append((number, position))
        self._anchored = anchored
        self._anchor_words = list(anchored)
        # Program names are acronyms: matched exactly ("MSDS" is not Arizona's "MSIS" misspelt).
        exact = {name[0] for name in self._program_names}
        self._fuzzy = FuzzyWords([w for w in self._anchor_words if w not in exact], allowed_edits)
        by_length: dict[int, set[tuple[str, ...]]] = {}
        for name in lexicon.not_covered:
            by_length.setdefault(len(name), set()).add(name)
        # Names not covered, by length: a match is checked against each length's set at once.
        self._not_covered_by_length = sorted(((m, frozenset(names)) for m, names in by_length.items()), reverse=True)
        self._not_covered: dict[str, list[tuple[str, ...]]] = {}
        for name in lexicon.not_covered:
            self._not_covered.setdefault(name[0], []).append(name)
        self._places = Places(searcher.indexed.documents, lexicon.profile.get("regions"))
        self._near: ByteBoundedCache[str, tuple[tuple[int, int], ...]] = ByteBoundedCache(cache_bytes)
        self._cache: ByteBoundedCache[tuple[str, bool], list[Span]] = ByteBoundedCache(
            cache_bytes, measure=_spans_size)

    def in_places(self, text: str) -> list[str]:
        """The program notes whose city or state the text names ("in California": four of them)."""
        return self._places.named_in(text)

    def words_besides_places(self, text: str) -> list[str]:
        return self._places.words_besides(text)

    def with_regions_as_places(self, text: str) -> str:
        """A region the corpus profile defines, written as the places of its notes ("the Midwest")."""
        return self._places.with_regions_as_places(text)

    def kind(self, doc_id: str) -> str:
        return self.searcher.documents[doc_id].kind

    def name(self, doc_id: str) -> str:
        doc = self.searcher.documents[doc_id]
        return doc.university or doc.title

    def spans(self, text: str, states_are_filters: bool = False) -> list[Span]:
        """(start, end, doc id) of every university or topic name in `text`, longest names first.
        Memoised: one message is looked at several times per request."""
        return self._cache.get_or_compute((text, states_are_filters), self._find_spans_of)

    def _find_spans_of(self, key: tuple[str, bool]) -> list[Span]:
        return self._find_spans(*key)

    def _anchors_near(self, token: str) -> tuple[tuple[int, int], ...]:
        """(pattern number, anchor position) of every name whose anchor is `token` or within the
        edits it tolerates of it; memoised per distinct token."""
        def compute(word: str) -> tuple[tuple[int, int], ...]:
            found = list(self._anchored.get(word, ()))
            for anchor in self._fuzzy.near(word):
                if anchor != word:
                    found.extend(self._anchored[anchor])
            return tuple(found)
        return self._near.get_or_compute(token, compute)

    def _anchors_of(self, tokens: Sequence[str]) -> list[tuple[tuple[int, int], ...]]:
        """`_anchors_near` of each token; past MAX_FUZZY_LOOKUPS distinct new tokens in one text,
        a token only matches names exactly (a text of thousands of made-up words is not worth a
        misspelling lookup each)."""
        lookups = 0
        found: list[tuple[tuple[int, int], ...]] = []
        for i, token in enumerate(tokens):
            if i % 16 == 0:
                check_budget()
            near = self._near.get(token)
            if near is None:
                if lookups < self.MAX_FUZZY_LOOKUPS:
                    lookups += 1
                    near = self._anchors_near(token)
                else:
                    near = tuple(self._anchored.get(token, ()))
            found.append(near)
        return found

    def _find_spans(self, text: str, states_are_filters: bool) -> list[Span]:
        abbreviations = self.lexicon.name_abbreviations
        tokens = [abbreviations.get(t, t) for t in words(text)]
        candidates: set[tuple[int, int]] = set()  # (pattern number, first token)
        for i, near in enumerate(self._anchors_of(tokens)):
            for number, position in near:
                start = i - position
                if start >= 0 and start + len(self.patterns[number][0]) <= len(tokens):
                    candidates.add((number, start))
        # A window can only match a name when one of its words matches exactly or looks like a typo.
        typo: dict[int, bool] = {}

        def looks_like_typo(k: int) -> bool:
            if k not in typo:
                t = tokens[k]
                typo[k] = t.isalpha() and len(t) >= 4 and not self.searcher.is_known_word(t)
            return typo[k]

        spans: list[Span] = []
        taken = [False] * len(tokens)
        shared: dict[tuple[int, int], tuple[str, ...]] = {}
        for number, i in sorted(candidates):  # names longest first, then left to right, as before
            pattern, doc_id = self.patterns[number]
            n = len(pattern)
            if any(taken[i:i + n]) and shared.get((i, i + n)) != pattern:
                continue  # a place is one name's, except a program name that several notes share ("MEng")
            if not any(tokens[i + k] == pattern[k] or looks_like_typo(i + k) for k in range(n)):
                continue
            if not names_match(tokens[i:i + n], pattern):
                continue
            if self._is_state_mention(tokens, i, n, doc_id, states_are_filters) \
                    or self._names_another_school(tokens, i, n, doc_id):
                continue
            spans.append((i, i + n, doc_id))
            if pattern in self._program_names:
                shared[(i, i + n)] = pattern
            for j in range(i, i + n):
                taken[j] = True
        return sorted(spans)

    def named_in(self, tokens: Sequence[str]) -> set[str]:
        """Documents whose name or alias occurs exactly (no typo) in the word tokens."""
        named: set[str] = set()
        for i, token in enumerate(tokens):
            for number, position in self._anchored.get(token, ()):
                pattern, doc_id = self.patterns[number]
                start = i - position
                if start >= 0 and tuple(tokens[start:start + len(pattern)]) == pattern:
                    named.add(doc_id)
        return named

    def _is_state_mention(self, tokens: list[str], i: int, n: int, doc_id: str, states_are_filters: bool) -> bool:
        """'in Michigan' or 'in Washington state' names a state, not the university with that alias."""
        doc = self.searcher.documents[doc_id]
        if doc.state is None or tuple(words(doc.state)) != tuple(tokens[i:i + n]):
            return False
        after_preposition = i > 0 and tokens[i - 1] in {"in", "of", "near", "from"}
        followed_by_state = i + n < len(tokens) and tokens[i + n] == "state"
        return states_are_filters or after_preposition or followed_by_state

    def _names_another_school(self, tokens: list[str], i: int, n: int, doc_id: str) -> bool:
        """'Michigan State' or 'Arizona State University' is another school than the one named
        Michigan or Arizona; so is any name the corpus profile lists as not covered that contains
        this match ("university of illinois chicago" around "university of illinois")."""
        doc = self.searcher.documents[doc_id]
        name_words = set(words(f"{doc.title} {doc.university or ''} {' '.join(doc.aliases)}"))
        if i + n < len(tokens) and tokens[i + n] == "state" and "state" not in name_words:
            return True
        for m, names in self._not_covered_by_length:
            for start in range(max(0, i + n - m), min(i, len(tokens) - m) + 1):
                if tuple(tokens[start:start + m]) in names:
                    return True
        return False

    def find(self, text: str, states_are_filters: bool = False, program_names: bool = True) -> list[str]:
        """Documents named in `text`, in order of mention, each once; without `program_names`, not
        those named only by a program's name ("which universities offer an MCS?" is a list)."""
        seen: list[str] = []
        tokens = words(text) if not program_names else []
        for start, end, doc_id in self.spans(text, states_are_filters):
            if doc_id not in seen and (program_names or tuple(tokens[start:end]) not in self._program_names):
                seen.append(doc_id)
        return self.within_focus(text, seen, (), states_are_filters) if program_names else seen

    def within_focus(self, text: str, found: list[str], focus: Sequence[str], states_are_filters: bool = False) \
            -> list[str]:
        """`found` without the notes named only by a program name they share with a note the text
        names itself or one in `focus`: "Stanford's MSCS" is not Georgia Tech's, and after "tell me
        about Berkeley", "does the MEng have a thesis?" asks of Berkeley's MEng, not MIT's."""
        by_span: dict[tuple[int, int], list[str]] = {}
        for start, end, doc_id in self.spans(text, states_are_filters):
            by_span.setdefault((start, end), []).append(doc_id)
        alone = {doc for docs in by_span.values() if len(docs) == 1 for doc in docs}
        chosen = alone | set(focus)
        dropped = {doc for docs in by_span.values() if len(docs) > 1 and chosen & set(docs)
                   for doc in docs if doc not in chosen}
        return [doc for doc in found if doc not in dropped]

    def strip(self, text: str, states_are_filters: bool = False) -> str:
        """`text` without the words that name universities (so an intent can be borrowed for another).
        Topic names stay: "what is OPT?" is about OPT, and its words are what to search for."""
        tokens = words(text)
        spans = [(a, b, d) for a, b, d in self.spans(text, states_are_filters)
                 if self.kind(d) == "program" and tuple(tokens[a:b]) not in self._program_names]
        keep = [t for i, t in enumerate(tokens) if not any(a <= i < b for a, b, _ in spans)]
        return " ".join(keep)

    def uncovered(self, text: str) -> list[str]:
        """Universities named in `text` that no document covers ("Harvard", "University of Toronto")."""
        tokens = words(text)
        present = {name for i, token in enumerate(tokens) for name in self._not_covered.get(token, ())
                   if tuple(tokens[i:i + len(name)]) == name}
        found: list[str] = []
        for name in self.lexicon.not_covered:  # longest first, so "university of toronto" hides "toronto"
            if name in present and not any(contains(f.split(), name) for f in found):
                found.append(" ".join(name))
        lowered = " ".join(tokens)
        searcher = self.searcher
        for match in self.lexicon.pattern("university_of").finditer(lowered):
            if len(found) >= self.MAX_UNCOVERED:
                break
            word = match.group(1) or match.group(2)
            if word and word not in searcher.name_words and word not in searcher.analyzer.stop \
                    and not searcher.speller.correct(word) and not any(word in f.split() for f in found):
                found.append(match.group(0))
        return [_display_name(text, name) for name in found]


_NAME_WORD = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")


def _program_names(searcher: Searcher, shared: int) -> list[tuple[tuple[str, ...], str]]:
    """Names that only a few universities' notes use (their chunks alone hold the word), written with
    two capitals or more and not English ("OMSCS", "PMP"): "is the OMSCS STEM?" is about Georgia Tech,
    and "is the MEng a thesis degree?" about the two notes with an MEng (Berkeley, MIT), each of
    which must answer for its own. A name most notes use ("GPA") names none of them."""
    kinds = tuple({doc.kind for doc in searcher.indexed.documents})
    programs = sum(doc.kind == "program" for doc in searcher.indexed.documents)
    english = english_words()
    found: dict[str, tuple[str, ...]] = {}
    for doc in searcher.indexed.documents:
        if doc.kind != "program":
            continue
        for match in _NAME_WORD.finditer(doc.text):
            word = match.group(0).lower()
            if word in found or len(word) < 3 or word in english or not word.isalpha():
                continue
            using = searcher.documents_matching({searcher.analyzer.stem(word): 1.0}, kinds)
            few = all(d.kind == "program" for d in using) and len(using) <= max(1, min(shared, programs // 3))
            found[word] = tuple(d.id for d in using) if few else ()
    return [((word,), doc_id) for word, doc_ids in found.items() for doc_id in doc_ids]


def _spans_size(value: object) -> int:
    return size_of(value) + 100 * len(value) if isinstance(value, list) else size_of(value)


def _display_name(text: str, name: str) -> str:
    match = re.search(r"\b" + r"\W+".join(re.escape(part) for part in name.split()) + r"\b", text, re.IGNORECASE)
    return match.group(0) if match else name
