"""Splitting a chunk's text into sentences: Punkt's boundaries (nltk's algorithm with the
abbreviations given here, no training, no download), each list item a sentence of its own, and
lines that hard wrapping cut mid-sentence joined again. Spans are offsets into the text given.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Lowercase, without the final period, as Punkt expects.
ABBREVIATIONS = frozenset({
    "u.s", "u.s.a", "u.k", "e.g", "i.e", "etc", "ph.d", "m.s", "b.s", "m.sc", "b.sc", "m.eng", "b.tech",
    "m.tech", "dr", "prof", "mr", "mrs", "st", "vs", "inc", "dept", "approx", "no", "jan", "feb", "aug",
    "sept", "oct", "nov", "dec", "fig", "al", "cf", "ca", "jr", "sr", "univ",
})
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)])[ \t]+")
# A sentence ending in one of these (then maybe spaces) was not cut by hard wrapping.
SENTENCE_END_CHARS = frozenset(".!?:;)\"'’”")

Span = tuple[int, int]


# Punkt (nltk's PunktSentenceTokenizer) with these abbreviations and nothing learned, rewritten for
# speed: nltk builds an object per word and runs every regex under a timeout, 90% of the build at
# 100k chunks. Same regular expressions and decisions; tests/test_chunking.py checks that the spans
# equal nltk's on the shipped corpus, the benchmark's text and generated paragraphs. nltk 3.10 runs
# them on the `regex` engine, this on `re`: whitespace is spelled out so that \x1c-\x1f are not
# spaces in either, and only a letter-like character that the two engines class differently ("½",
# a combining mark) standing alone before a period can be judged differently as an initial.
_S = r"[^\S\x1c-\x1f]"  # \s as the regex engine has it
_NS = r"[\S\x1c-\x1f]"  # and \S
_NON_WORD = r"""(?:[)";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb!?])"""
_MULTI_CHAR = rf"(?:-{{2,}}|\.{{2,}}|(?:\.{_S}){{2,}}\.)"
_WORD_TOKEN = re.compile(rf"""{_MULTI_CHAR}|(?=[^("`{{\[:;&#*@)}}\]\-,]){_NS}+?(?={_S}|$|{_NON_WORD}|{_MULTI_CHAR}|"""
                         rf",(?=$|{_S}|{_NON_WORD}|{_MULTI_CHAR}))|{_NS}")
_PERIOD_CONTEXT = re.compile(rf"[.?!](?=(?P<after_tok>{_NON_WORD}|{_S}+(?P<next_tok>{_NS}+)))")
# The same, one pattern per mark: a pattern starting with a literal character is scanned for ~7×
# faster than one starting with a class ([.?!]), and finditer tries it in C at each such character.
_MARK_CONTEXT = {mark: re.compile(re.escape(mark) + _PERIOD_CONTEXT.pattern[len("[.?!]"):]) for mark in ".?!"}
_CLOSING = frozenset("\"')]}\u2018\u2019\u201c\u201d\xab\xbb")  # what a match of _REALIGN starts with
_REALIGN = re.compile(rf"""["')\]}}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:{_S}+|(?=--)|$)""", re.MULTILINE)
_ELLIPSIS = re.compile(r"\.\.+$")
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$")
_WHITESPACE = " \t\n\r\x0b\x0c"  # string.whitespace, as Punkt looks back for the word before a period


@lru_cache(maxsize=1)
def _reference() -> Any:
    """nltk's Punkt with the same abbreviations, for text outside ASCII: the rewrite is proven equal
    on ASCII text, and property tests found Unicode corners (odd spaces, combining marks) where it
    is not, so such text takes nltk's own path."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def punkt_spans(text: str) -> list[Span]:
    """Sentence spans of `text` exactly as Punkt's `span_tokenize` gives them (realigned boundaries)."""
    if not text.isascii():
        return list(_reference().span_tokenize(text))
    slices: list[Span] = []
    last_break = 0
    for match, word in _end_contexts(text):
        # _is_break, its commonest case first: a word of letters, no abbreviation, before a period
        if (len(word) > 1 and word.isalpha() and word.lower() not in ABBREVIATIONS and text[match.start()] == ".") \
                or _is_break(text[match.start()], word, match):
            slices.append((last_break, match.end()))
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()
    end = len(text.rstrip())
    if not slices:
        return [(last_break, end)] if end > last_break else []
    slices.append((last_break, end))
    if _CLOSING.isdisjoint([text[start:start + 1] for start, _end in slices[1:]]):  # nothing to realign
        return [(start, end) for start, end in slices if end > start]
    spans: list[Span] = []
    realign = 0
    for n, (start, end) in enumerate(slices):
        start += realign
        following = slices[n + 1] if n + 1 < len(slices) else None
        closing = following and text[following[0]:following[0] + 1] in _CLOSING \
            and _REALIGN.match(text, following[0], following[1])
        if closing:  # a closing quote or bracket after the period belongs to this sentence
            spans.append((start, following[0] + len(closing.group(0).rstrip())))
            realign = closing.end() - following[0]
        else:
            realign = 0
            if end > start:
                spans.append((start, end))
    return spans


def _end_contexts(text: str) -> list[tuple[re.Match[str], str]]:
    """Each candidate sentence end with the word before it (as Punkt finds it: back to the last
    whitespace, or to the previous candidate's word; a candidate inside the next one's word is skipped)."""
    found: list[tuple[re.Match[str], str]] = []
    body = text.rstrip("\n")
    # spaces only: one rfind will do (str's `in` is 8× faster than a regex scan for the class)
    plain = not ("\t" in body or "\n" in body or "\r" in body or "\x0b" in body or "\x0c" in body)
    word_start, word_end, previous = 0, 0, None
    for match in _candidates(text):
        if plain:
            space = text.rfind(" ", word_end, match.start()) - word_end
        else:
            before = text[word_end:match.start()]
            space = max(before.rfind(c) for c in _WHITESPACE)
        start = space + word_end + 1 if space > 0 else word_start
        if previous is not None and word_end <= start:
            found.append((previous, text[word_start:word_end]))
        previous, word_start, word_end = match, start, match.start()
    if previous is not None:
        found.append((previous, text[word_start:word_end]))
    return found


def _candidates(text: str) -> list[re.Match[str]]:
    """The matches of _PERIOD_CONTEXT.finditer(text), found 2× faster: by finditer of a pattern per
    mark that starts with the mark itself, the three merged by position when there are more than
    periods. Each match is one character wide, so finditer reports every position where it
    matches, as _PERIOD_CONTEXT's finditer does."""
    if "?" not in text and "!" not in text:
        return list(_MARK_CONTEXT["."].finditer(text))
    matches = [match for pattern in _MARK_CONTEXT.values() for match in pattern.finditer(text)]
    matches.sort(key=re.Match.start)
    return matches


def _is_break(mark: str, word: str, match: re.Match[str]) -> bool:
    """Whether Punkt breaks at this candidate. '?' and '!' always stand as tokens of their own with
    a token after them; a plain word of two or more letters before a period is a break unless it is
    an abbreviation; everything else goes through Punkt's annotation of the context's tokens."""
    if mark != "." or (len(word) > 1 and word.isalpha() and word.lower() not in ABBREVIATIONS):
        return True
    return _has_inner_break(word + match.group() + match.group("after_tok"))


def _has_inner_break(context: str) -> bool:
    """Punkt's two annotation passes over the context's tokens: is any token but the last a break?

    With no trained parameters the orthographic heuristic only ever says "not a sentence start"
    (the next token is punctuation or lowercase) or "unknown", and collocations and sentence
    starters are empty, so only initials and numbers are reconsidered."""
    tokens = [t for line in context.split("\n") if line.strip() for t in _WORD_TOKEN.findall(line)]
    for tok, following in zip(tokens, tokens[1:], strict=False):
        if tok in (".", "?", "!"):
            return True
        if not tok.endswith(".") or _ELLIPSIS.match(tok) or tok.endswith(".."):
            continue
        lower = tok[:-1].lower()
        if lower in ABBREVIATIONS or lower.split("-")[-1] in ABBREVIATIONS:
            continue
        kind = "##number##" if _NUMERIC.match(tok.lower()) else tok.lower()
        number = (kind[:-1] if len(kind) > 1 and kind[-1] == "." else kind) == "##number##"
        if _INITIAL.match(tok) or number:
            if following in PUNCTUATION or following[0].islower():
                continue
            if _INITIAL.match(tok) and following[0].isupper():
                continue
        return True
    return False


PUNCTUATION = tuple(";:,.!?")


BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of a paragraph; each list item is a sentence of its own."""
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        marker = LIST_ITEM.match(line)
        if marker:
            body_start = offset + marker.end()
            body_end = offset + len(line.rstrip())
            if body_end > body_start:
                spans.append((body_start, body_end))
        elif offset == 0:
            spans.extend(punkt_spans(line))
        elif line.strip():
            spans.extend((offset + a, offset + b) for a, b in punkt_spans(line))
        offset += len(line)
    return _merge_wrapped_lines(text, spans)


def _merge_wrapped_lines(text: str, spans: list[Span]) -> list[Span]:
    """Join spans that Punkt split only because a paragraph was hard-wrapped mid-sentence; never
    across a blank line, nor a list item with the line after it ("- University of Arizona" then
    "These universities are ...")."""
    merged: list[Span] = []
    for span in spans:
        if merged and text[merged[-1][0]:merged[-1][1]].rstrip()[-1:] not in SENTENCE_END_CHARS \
                and not LIST_ITEM.match(_line_of(text, span[0])) \
                and not LIST_ITEM.match(_line_of(text, merged[-1][0])) \
                and not BLANK_LINE.search(text, merged[-1][1], span[0]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _line_of(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    return text[line_start: len(text) if line_end < 0 else line_end]
