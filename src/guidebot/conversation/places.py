"""Places: which program notes a text names by where they are, by a note's city or state ("in
California": four of them) or by a region the corpus profile defines as a list of states or cities
("regions:" in guidebot.yaml: "the Midwest" is Illinois, Michigan, ...), and a list question's
region written as the places of the notes inside it ("in Illinois or Michigan"), so that a list by
region is read as a list by place. Regions are data: a corpus whose profile has none has only its
notes' own cities and states."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..analysis import words
from ..corpus import Document

Place = tuple[str, ...]
_ARTICLES = frozenset({"the", "a", "an"})


class Places:
    """Place names as word tuples, filed under their first word, each with the notes it names."""

    def __init__(self, documents: Iterable[Document], regions: Mapping[str, Iterable[str]] | None = None) -> None:
        self._by_first: dict[str, list[tuple[Place, str]]] = {}
        written: dict[Place, str] = {}  # a note's place as it writes it ("Illinois")
        located: list[tuple[Place, str]] = []
        for doc in documents:
            for place in (doc.city, doc.state) if doc.kind == "program" else ():
                if place and words(place):
                    located.append((tuple(words(place)), doc.id))
                    written[tuple(words(place))] = place
        for place, doc_id in located:
            self._by_first.setdefault(place[0], []).append((place, doc_id))
        self._regions: dict[str, str] = {}  # region, lowercased → its notes' places ("Illinois or Michigan")
        for region, members in (regions or {}).items():
            inside = list(dict.fromkeys(written[p] for m in members if (p := tuple(words(str(m)))) in written))
            if inside and words(str(region)):
                self._regions[" ".join(words(str(region)))] = " or ".join(inside)
                in_region = [doc for p, doc in located if written[p] in inside]
                self._by_first.setdefault(words(str(region))[0], []).extend(
                    (tuple(words(str(region))), doc_id) for doc_id in dict.fromkeys(in_region))
        # Longest first, each on its own: "the west coast" is the coast, not "the west".
        self._region_patterns = [(re.compile(r"\b" + r"[\s-]+".join(map(re.escape, name.split())) + r"\b", re.I), name)
                                 for name in sorted(self._regions, key=len, reverse=True)]

    def named_in(self, text: str) -> list[str]:
        """The program notes whose city, state or region the text names, in order, each once; of
        overlapping names the longest ("the west coast" is the coast, not "the west")."""
        return list(dict.fromkeys(doc_id for _start, _end, doc_id in self._spans(text)))

    def words_besides(self, text: str) -> list[str]:
        """The text's words outside the places it names ("i want to study in california": i, want,
        to, study, in)."""
        inside = {i for start, end, _doc in self._spans(text) for i in range(start, end)}
        return [w for i, w in enumerate(words(text)) if i not in inside]

    def _spans(self, text: str) -> list[tuple[int, int, str]]:
        tokens = words(text)
        matches = [(i, len(place), doc_id) for i, token in enumerate(tokens)
                   for place, doc_id in self._by_first.get(token, ()) if tuple(tokens[i:i + len(place)]) == place]
        taken: list[tuple[int, int]] = []
        weight = {m: sum(t not in _ARTICLES for t in tokens[m[0]:m[0] + m[1]]) for m in matches}  # "the" counts not
        for start, length, _doc in sorted(matches, key=lambda m: (-weight[m], -m[1])):
            if all(start + length <= a or b <= start for a, b in taken) or (start, start + length) in taken:
                taken.append((start, start + length))
        return [(start, start + length, doc_id) for start, length, doc_id in sorted(matches)
                if (start, start + length) in taken]

    def with_regions_as_places(self, text: str) -> str:
        """"Which universities are in the Midwest?" as "... in Illinois or Michigan?"."""
        for pattern, name in self._region_patterns:
            text = pattern.sub(self._regions[name], text)
        return text
