"""Why a reply did not answer, and which spelling corrections it made, read from the reply itself.

The facade's `Reply` carries its `kind` and `focus` but not which check failed nor the words it
corrected; both are visible in its text, which comes from the lexicon's reply templates. So each
template the conversation uses for a non-answer ("partial_named", "uncovered", ...) is turned
into a pattern with its {placeholders} as groups, and the first that matches the reply's text
names the reason and gives its subject ({names}, {topics}) and the specific asked for
({subject}). The same is done for the "(Reading your question as ...)" note. A corpus that
overrides a template is read through its own lexicon, so this follows its wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# template name -> reason code; checked in this order (the more specific template first)
REASON_TEMPLATES = (
    ("uncovered", "uncovered"),
    ("abstain_names", "unknown_name"),
    ("abstain_general", "not_found"),
    ("partial_personal", "personal"),
    ("partial_named", "not_in_note"),
    ("partial_topic", "not_in_note"),
    ("partial_general", "specific_missing"),
    ("clarify", "unclear"),
)
# what each reason means, for the report
EXPLANATIONS = {
    "uncovered": "the corpus does not cover this subject",
    "unknown_name": "the question names something the corpus does not know",
    "not_found": "no passage covers enough of the question's words",
    "personal": "it asks about personal admission chances, which are never answered",
    "not_in_note": "the note in focus does not give the specific asked for",
    "specific_missing": "no passage gives the specific asked for",
    "unclear": "the question has no words to search for",
    "timeout": "the answer took longer than the time budget",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_QUOTED = re.compile(r"“([^”]+)”")


@dataclass(frozen=True)
class Reason:
    code: str
    names: str | None = None  # the subject as the reply named it ({names} or {topics})
    need: str | None = None  # the specific asked for ({subject}), when the reply names one


class ReplyReader:
    """Patterns for one lexicon's reply templates (a `Guidebot.lexicon`)."""

    def __init__(self, lexicon: Any) -> None:
        self.lexicon = lexicon
        self._reasons = [(code, _template_pattern(lexicon, name)) for name, code in REASON_TEMPLATES
                         if name in lexicon.replies]
        self._reading_as = _template_pattern(lexicon, "reading_as") if "reading_as" in lexicon.replies else None

    def reason(self, text: str, kind: str) -> Reason | None:
        """Why a reply of this kind and text did not answer (None for answers and small talk)."""
        if kind in ("answer", "list", "smalltalk"):
            return None
        for code, pattern in self._reasons:
            match = pattern.match(text)
            if match:
                groups = match.groupdict()
                names = groups.get("names") or groups.get("topics")
                need = groups.get("subject")
                return Reason(code, names, None if need in (None, "that") else need)
        return Reason(kind)

    def corrected_words(self, text: str) -> tuple[str, ...]:
        """The words a "(Reading your question as ...)" note says the question was read as."""
        if self._reading_as is None:
            return ()
        match = self._reading_as.match(text)
        return tuple(_QUOTED.findall(match.group("fixes"))) if match else ()


def as_typed(message: str, fixed: tuple[str, ...]) -> tuple[tuple[str | None, str], ...]:
    """Pair each corrected word with the word of the message closest to it (the one that was typed)."""
    typed = [w for w in re.findall(r"[^\W_]+", message.lower()) if w not in fixed]
    pairs: list[tuple[str | None, str]] = []
    for word in fixed:
        best = process.extractOne(word.lower(), typed, scorer=Levenshtein.distance) if typed else None
        pairs.append((best[0] if best is not None and best[1] <= 3 else None, word))
    return tuple(pairs)


def _template_pattern(lexicon: Any, name: str) -> re.Pattern[str]:
    """A template as a pattern: corpus variables filled in, other placeholders as named groups."""
    template = " ".join(lexicon.replies[name].split())
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position:match.start()]))
        key = match.group(1)
        if key in lexicon.variables:
            parts.append(re.escape(" ".join(str(lexicon.variables[key]).split())))
        elif key in seen:
            parts.append(f"(?P={key})")
        else:
            parts.append(f"(?P<{key}>.+?)")
            seen.add(key)
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts).replace(r"\ ", r"\s+"), re.DOTALL)
