"""Normalisation and word tokens, shared by indexing and querying: Unicode forms, dotted acronyms,
contractions, possessives and accents (`normalize`), then the words of the result (`words`, memoised
per text for requests; `text_words`, not memoised, for chunk texts seen once by a build), and the
words of a message with their case kept (`written_words`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..budget import check_budget
from ..caches import ByteBoundedCache

# Normalisation scans every character of the corpus at build time, and a regular expression that
# starts with a letter class costs ~10 ns a character to scan for, one that starts with a literal
# character under 1 ns. So each pass is either skipped when a substring that every match contains
# is absent (str's `in` is faster still), or spelled to start with its rarest literal character,
# its context before that character checked by a lookbehind (the same matches, the same text).
_DOTTED_ACRONYM = re.compile(r"\b[A-Za-z]{1,2}\.(?:[A-Za-z]{1,2}\.)+(?![A-Za-z])")
_DOTTED_HINT = re.compile(r"\.[A-Za-z]{1,2}\.")  # in every match of _DOTTED_ACRONYM
# \b([A-Za-z])-(\d) → \1\2: the dash of a letter standing alone (no word character before it) before a digit
_LETTER_DASH_DIGIT = re.compile(r"-(?<=(?<!\w)[A-Za-z]-)(?=\d)")
# The same before a word: "E-Verify" → everify, "e-mail" → email (else "verify" alone is searched for)
_LETTER_DASH_WORD = re.compile(r"-(?<=(?<![\w'’])[A-Za-z]-)(?=[A-Za-z]{2})")  # not "master's-only"
_COUNTRY_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![A-Za-z])")  # every match holds "US" or "U.S"
# "study in us", "the us", "at us universities", "us schools require...": the country typed in
# lowercase, not the pronoun (which follows a verb: "tell us", "send us").
_COUNTRY_US_LOWER = re.compile(r"(^\W*|\b(?:in|the|from|across|at|a|an) )us\b", re.IGNORECASE)
_OPENS_WITH_US = re.compile(r"\W*us\b", re.IGNORECASE)  # the cheap test before the pattern above
# A name joined by "@" is one word: "ML@GT" (the Machine Learning Center at Georgia Tech) → mlatgt,
# not "ml" and "gt" (which names Georgia Tech itself).
_AT_JOINED = re.compile(r"@(?<=[^\W_]@)(?=[^\W_])")
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


# One process-wide memo, since a message is normalised several times while it is answered (every
# `words(text)` call). Bounded by bytes: a cached text costs what it holds, and 8,192 entries of
# 36,000 characters each (2,000 × U+FDFA) once pinned ~600 MB.
_NORMALIZED: ByteBoundedCache[str, str] = ByteBoundedCache(max_bytes=8 * 1024 * 1024,
                                                           max_entry_bytes=512 * 1024)


def normalize(text: str) -> str:
    """Unicode-normalise, join dotted acronyms (U.S. → usa, Ph.D. → phd, F-1 → f1, E-Verify → everify) and names
    joined by "@" (ML@GT → mlatgt), expand
    contractions (doesn't → does not, I'm → I am), drop possessives and accents."""
    return _NORMALIZED.get_or_compute(text, _normalize)


def _normalize(text: str) -> str:
    ascii_only = text.isascii()  # ASCII is already NFKC and NFKD and has no accents: skip both passes
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    if "US" in text or "U.S" in text:
        text = _COUNTRY_US.sub(" usa ", text)
    if " us" in text or _OPENS_WITH_US.match(text):
        text = _COUNTRY_US_LOWER.sub(r"\1usa", text)
    if _DOTTED_HINT.search(text):
        text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    if "@" in text:
        text = _AT_JOINED.sub("at", text)
    if "-" in text:
        text = _LETTER_DASH_WORD.sub("", _LETTER_DASH_DIGIT.sub("", text))
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


_WORD_RUN = re.compile(r"\w+")


@lru_cache(maxsize=16)
def written_words(text: str) -> frozenset[str]:
    """The words of a text as written (maximal runs of word characters, case kept), so that whether
    one occurs in it is a lookup, not a scan of the text per word: a message of hundreds of unknown
    words cost hundreds of scans (and regex compilations) of itself."""
    return frozenset(_WORD_RUN.findall(text))
