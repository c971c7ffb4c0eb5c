"""General English: which words are English, and how common each is (symspellpy's frequency
dictionary of about 82,000 words with counts, shipped in its wheel). Spelling correction never
"corrects" an English word; distinctiveness weighs a word's corpus idf by its rarity here.
"""

from __future__ import annotations

import math
import string
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    """About 82,000 common English words with their counts in a large general corpus
    (symspellpy's frequency dictionary, shipped in its wheel)."""
    text = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        word, _, count = line.partition(" ")
        if word:
            counts[word] = int(count or 0)
    return counts


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of `english_counts`.

    Used to know that a word is real English, so that it is never "corrected" into a corpus
    word ("tell" must not become "well"); corrections still only go to corpus words.
    """
    return frozenset(english_counts())


# log10 of an English word's count: at or above COMMON it is an everyday word ("get", "need"),
# at or below RARE a specialist one ("assistantship"); words not in the list count as rare.
_COMMON_LOG = 10.5
_RARE_LOG = 5.0


def english_rarity(word: str) -> float:
    """How unusual a word is in general English, 0.1 (everyday) to 1.0 (rare or unknown)."""
    count = english_counts().get(word)
    if not count:
        return 1.0
    return min(1.0, max(0.1, (_COMMON_LOG - math.log10(count)) / (_COMMON_LOG - _RARE_LOG)))


# A count at or above this is an everyday word ("long", "how", "what"): a vowelless token one
# vowel short of one is a slip of the keys ("lng"), not an acronym ("cpt", one vowel short of "capt").
_EVERYDAY_COUNT = 10 ** 8


@lru_cache(maxsize=1024)
def lowercase_acronym(token: str) -> bool:
    """Is `token`, without a vowel, an acronym ("cpt") rather than an everyday English word with one
    vowel left out ("lng", "hw", "wht")?"""
    if not token.isalpha() or set(token) & set("aeiouy"):
        return False
    counts = english_counts()
    return not any(counts.get(f"{token[:i]}{vowel}{token[i:]}", 0) >= _EVERYDAY_COUNT
                   for i in range(len(token) + 1) for vowel in "aeiou")


@lru_cache(maxsize=1024)
def slip_of_everyday_word(token: str) -> bool:
    """Is `token` one keystroke (a letter added, dropped or changed) from an everyday English word
    ("tak" from "take", "thx" from "the"), so more likely a slip than a name? "pte" or "gpa" is one
    from no word that common, so it may well be the name of something the corpus does not cover."""
    counts = english_counts()
    variants = {token[:i] + token[i + 1:] for i in range(len(token))}
    variants |= {token[:i] + c + token[j:] for i in range(len(token) + 1) for c in string.ascii_lowercase
                 for j in (i, i + 1) if j <= len(token)}
    return any(counts.get(v, 0) >= _EVERYDAY_COUNT for v in variants if v != token)
