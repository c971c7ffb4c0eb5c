"""For one group of unanswered questions: what it is about, the nearest passage, why it was not
an answer, and what a maintainer could add to fix it (a synonym, a sentence in a named note, a
new note), following the corpus format in corpus/README.md ("Fixing a bad answer").

Why comes from the recorded reason (reasons.py); the nearest passage is what search ranks first
for the most asked phrasing (or for the subject and the specific, when no text was stored); words
of the question the corpus never uses point to a synonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chat import Guidebot
from .reasons import EXPLANATIONS

NEAREST_CHARS = 300
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Insight:
    subject: str | None
    nearest: str | None
    nearest_text: str | None
    why: str
    fix: str


def explain(bot: Guidebot, reason: str, subject: str | None, need: str | None, example: str | None) -> Insight:
    docs = {d.id: d for d in bot.documents}
    focus = [docs[i] for i in (subject or "").split(",") if i in docs]
    shown = " and ".join(d.title for d in focus) if focus else subject
    query = example or " ".join(filter(None, [shown, need]))
    hits = bot.search(query, 1) if query else []
    nearest = f"{hits[0].title} › {hits[0].section}" if hits and hits[0].section else (hits[0].title if hits else None)
    nearest_text = hits[0].text[:NEAREST_CHARS] if hits else None
    wanted = need or "what was asked"
    unknown = unknown_words(bot, example) if example else []
    if reason == "not_in_note" and focus:
        why = f"the note on {shown} does not give {wanted}"
        fix = f"a sentence giving {wanted} in {' or '.join(d.path for d in focus)}, with its source"
    elif reason == "specific_missing":
        why = f"no passage gives {wanted}"
        fix = f"a sentence giving {wanted} in the guide or a topic note, with its source"
    elif reason in ("uncovered", "unknown_name"):
        why = f"the corpus does not cover {subject or 'what was named'}"
        fix = (f"a new note on {subject or 'it'} (or, if it is another name of a covered university, an alias in "
               "that note's front matter)")
    elif reason == "not_found":
        why = EXPLANATIONS["not_found"] + (f"; the corpus never uses {', '.join(unknown)}" if unknown else "")
        if unknown and hits:
            fix = (f"a synonym, if the corpus says it in other words (a group in synonyms.yaml with "
                   f"{', '.join(unknown)}); otherwise a new topic note")
        elif hits:
            path = docs[hits[0].doc_id].path if hits[0].doc_id in docs else hits[0].doc_id
            fix = f"a sentence that answers it in {path} (nearest: {nearest}), or a new topic note"
        else:
            fix = "a new topic note"
    else:
        why = EXPLANATIONS.get(reason, f"the reply was {reason}")
        fix = "nothing: this is never answered, by design" if reason == "personal" else \
            "nothing in the corpus: the question gave nothing to search for" if reason == "unclear" else \
            "see the examples"
    return Insight(shown, nearest, nearest_text, why, fix)


def unknown_words(bot: Guidebot, text: str) -> list[str]:
    """Words of a question that no passage uses and that spelling did not correct into one."""
    searcher = bot.searcher
    found = []
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(text)):
        if word in searcher.analyzer.stop:
            continue
        terms = searcher.query_weights(word)
        if not any(searcher.idf(t) for t in terms):
            found.append(word)
    return found
