"""Spelling correction of a question before it is analysed: chat shorthand ("whr" → "where"),
then unknown words to the closest corpus word, never a real English word, and a capitalised word
(a name) only to a word of a document's name."""

from __future__ import annotations

import re
from functools import lru_cache
from weakref import WeakKeyDictionary

from ..analysis import SpellingCorrector, words
from ..budget import check_budget
from ..search import Searcher
from .context import Context

_TOKEN = re.compile(r"[^\W_]+(?:'[a-z]+)?")


_VOWELS = frozenset("aeiouy")
# Misspelt, these still ask the question ("whre is stanford"): stopwords, so no corpus word.
_QUESTION_WORDS = frozenset({"what", "where", "when", "which", "whose", "why", "how"})


def correct_spelling(ctx: Context, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text with unknown words replaced by the closest known word, and the corrections made.

    A capitalised word in mid-sentence is taken for a name: it is only corrected to a word of a
    university's or document's name ("Standford" → "stanford"), never to an ordinary word, so an
    unknown university ("Purdue") stays unknown. A word in capitals is an acronym, left as typed,
    and one without a vowel is never corrected to a name ("msds" is no misspelt "mids").
    """
    corrections: list[tuple[str, str]] = []
    searcher = ctx.searcher
    shorthand = ctx.lexicon.shorthand
    tried: set[str] = set()  # distinct unknown words looked up; past the policy's number, left alone
    in_names: list[tuple[int, int]] | None = None  # spans of names holding shorthand, found at its first use

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        word = token.casefold()
        if word in shorthand:
            nonlocal in_names
            if in_names is None:
                named = _names_with_shorthand(searcher, frozenset(shorthand))
                in_names = [m.span() for m in named.finditer(text)] if named is not None else []
            if any(start <= match.start() < end for start, end in in_names):
                return token  # "U of M" names Michigan: its "u" is no "you"
            if word == "u" and _OF_NEXT.match(text, match.end()):
                return "university"  # nor is "u of arizona"'s: "you of" is never meant
            return shorthand[word]
        if len(word) < 4 or not word.isalpha() or token.isupper():
            return token  # too short to judge, or an acronym ("MSDS"): not a misspelt word
        check_budget()
        if searcher.is_known_word(word):
            return token
        if word not in tried:
            if len(tried) >= ctx.policy.max_spelling_lookups:
                return token
            tried.add(word)
        looks_like_name = token[0].isupper() and match.start() > 0 and not token.isupper()
        fixed = _corrected(ctx, word, looks_like_name)
        if fixed is None:
            return token
        corrections.append((word, fixed))
        return fixed

    corrected = _TOKEN.sub(fix, text)
    return corrected, tuple(corrections)


_OF_NEXT = re.compile(r"\s+of\b", re.IGNORECASE)


def _corrected(ctx: Context, word: str, looks_like_name: bool) -> str | None:
    """What an unknown word (not an acronym) was meant to be, or None to leave it as typed."""
    searcher = ctx.searcher
    joined = None if looks_like_name else _split_compound(searcher, word)
    if joined is not None:  # "parttime", "oncampus": the corpus's "part-time", "on campus"
        return joined
    fixed = searcher.speller.correct(word)
    if fixed is None:  # "diffrence": a framing word misspelt frames the question all the same
        fixed = _framing_speller(ctx.lexicon.filler).correct(word)
    if fixed is None or fixed == word:
        return None
    names = searcher.name_words
    if looks_like_name and fixed not in names or not _VOWELS.intersection(word) and (
            fixed in names or searcher.written_as_name(fixed)):
        return None  # nor is a word without a vowel a misspelt name: "msds" is no "mids"
    return fixed


def _split_compound(searcher: Searcher, word: str) -> str | None:
    """An unknown word that is two corpus words run together ("parttime", "inperson", "oncampus"):
    the two words, as the corpus writes them apart or hyphenated ("part-time", "in person"). Only
    for a word no English word list has (so "understand" is never "under stand"); the second part
    is a content word of three letters or more; of several splits, the most even one."""
    speller, stop = searcher.speller, searcher.analyzer.stop
    splits = [(word[:i], word[i:]) for i in range(2, len(word) - 2)
              if word[:i] in speller and word[i:] in speller and word[i:] not in stop]
    if not splits:
        return None
    first, second = max(splits, key=lambda pair: min(len(pair[0]), len(pair[1])))
    return f"{first} {second}"


# Per index, weakly (a replaced index is not kept alive): the shorthand read with, and its pattern.
_SHORTHAND_NAMES: WeakKeyDictionary[Searcher, tuple[frozenset[str], re.Pattern[str] | None]] = WeakKeyDictionary()


def _names_with_shorthand(searcher: Searcher, shorthand: frozenset[str]) -> re.Pattern[str] | None:
    """The documents' names and aliases that hold a word of chat shorthand ("U of M"), as one
    pattern: inside them the word is left as typed. Made once per index."""
    known = _SHORTHAND_NAMES.get(searcher)
    if known is not None and known[0] == shorthand:
        return known[1]
    names = {" ".join(words(name)) for doc in searcher.indexed.documents
             for name in (doc.title, doc.university or "", *doc.aliases)}
    held = sorted((name for name in names if shorthand.intersection(name.split())), key=len, reverse=True)
    alternatives = "|".join(r"\W+".join(map(re.escape, name.split())) for name in held)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if held else None
    _SHORTHAND_NAMES[searcher] = (shorthand, pattern)
    return pattern


@lru_cache(maxsize=4)
def _framing_speller(framing: frozenset[str]) -> SpellingCorrector:
    """Corrects to the lexicon's framing words and the question words, for words the corpus speller
    cannot place."""
    return SpellingCorrector({word: 1 for word in framing | _QUESTION_WORDS if word.isalpha()})
