"""Spelling correction of a question before it is analysed: chat shorthand ("whr" → "where"),
then unknown words to the closest corpus word, never a real English word, and a capitalised word
(a name) only to a word of a document's name."""

from __future__ import annotations

import re
from functools import lru_cache

from ..analysis import SpellingCorrector
from ..budget import check_budget
from .context import Context

_TOKEN = re.compile(r"[^\W_]+(?:'[a-z]+)?")


_VOWELS = frozenset("aeiouy")


def correct_spelling(ctx: Context, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text with unknown words replaced by the closest known word, and the corrections made.

    A capitalised word in mid-sentence is taken for a name: it is only corrected to a word of a
    university's or document's name ("Standford" → "stanford"), never to an ordinary word, so an
    unknown university ("Purdue") stays unknown. A word in capitals is an acronym, left as typed,
    and one without a vowel is never corrected to a name ("msds" is no misspelt "mids").
    """
    corrections: list[tuple[str, str]] = []
    searcher = ctx.searcher
    names = searcher.name_words
    shorthand = ctx.lexicon.shorthand
    tried: set[str] = set()  # distinct unknown words looked up; past the policy's number, left alone

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        word = token.casefold()
        if word in shorthand:
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
        fixed = searcher.speller.correct(word)
        if fixed is None:  # "diffrence": a framing word misspelt frames the question all the same
            fixed = _framing_speller(ctx.lexicon.filler).correct(word)
        if fixed is None or fixed == word:
            return token
        looks_like_name = token[0].isupper() and match.start() > 0 and not token.isupper()
        if looks_like_name and fixed not in names or not _VOWELS.intersection(word) and (
                fixed in names or searcher.written_as_name(fixed)):
            return token  # nor is a word without a vowel a misspelt name: "msds" is no "mids"
        corrections.append((word, fixed))
        return fixed

    corrected = _TOKEN.sub(fix, text)
    return corrected, tuple(corrections)


@lru_cache(maxsize=4)
def _framing_speller(framing: frozenset[str]) -> SpellingCorrector:
    """Corrects to the lexicon's framing words, for words the corpus speller cannot place."""
    return SpellingCorrector({word: 1 for word in framing if word.isalpha()})
