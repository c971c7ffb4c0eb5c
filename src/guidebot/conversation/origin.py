"""Where the student comes from or studied: "I'm from India, ...", "a degree from Purdue", "my
undergrad was in India", "for Indian students" name no subject of the question when the corpus
never names the place or school, and are taken out of it before it is resolved (`turns`); nor
does what the student studied ("I have a bachelor's in CSE") when the field is only a name some
universities' notes share for their degrees."""

from __future__ import annotations

import re

from ..analysis import words
from ..english import english_words
from .context import Dialogue


def without_origin(d: Dialogue, text: str) -> str:
    """"I'm from India, ...", "a degree from Purdue": where the student comes from is not what the
    question is about, when the corpus never names it ("from CD-ROMs" names what a corpus covers)."""
    searcher = d.searcher

    def known(name: str) -> bool:  # the corpus uses one of its words, or names it ("from CD-ROMs")
        return any(searcher.has_term(searcher.analyzer.stem(w)) for w in words(name)) or bool(d.entities.find(name))

    def strip(match: re.Match[str]) -> str:
        return match.group(0) if known(match.group("name")) else ""

    def strip_listed(match: re.Match[str]) -> str:
        name = match.group("name")
        listed = [n for n in d.entities.uncovered(name) if name.casefold().startswith(n.casefold())]
        longest = len(max(listed, key=len)) if listed else 0
        if not listed or d.entities.find(name[:longest]):
            return match.group(0)
        return name[longest:]  # "from india with 8.2 cgpa" keeps "with 8.2 cgpa", "from india waive toefl" the TOEFL

    def strip_demonym(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("name2")
        if known(name) or name.casefold() not in english_words():
            return match.group(0)
        return match.group(0).replace(name, "")

    def strip_field(match: re.Match[str]) -> str:  # "a bachelor's in CSE": the student's, not UCSD's or UMich's
        name = match.group("name")
        if d.entities.find(name) and not d.entities.find(name, program_names=False):
            return match.group(0)[:match.start("name") - match.start()]
        return match.group(0)

    patterns = d.lexicon.patterns
    stripped = patterns["origin_lowercase"].sub(strip_listed, patterns["origin"].sub(strip, text))
    stripped = patterns["studied_in_lowercase"].sub(strip_listed, patterns["studied_in"].sub(strip, stripped))
    stripped = patterns["origin_demonym"].sub(strip_demonym, stripped)  # "for Indian students"
    stripped = patterns["studied_field"].sub(strip_field, stripped)
    return " ".join(stripped.split()) or text
