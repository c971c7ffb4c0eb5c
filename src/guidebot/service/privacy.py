"""What of a student's words may be kept: the GUIDEBOT_STORE_QUESTIONS policy, and scrubbing
e-mail addresses, phone numbers and long digit runs (ids, account or passport numbers) out of
any text before it is stored. Scrubbing replaces each with a placeholder ("[email]", "[phone]",
"[number]") so that the question still reads; short numbers (a GPA, a score, a year, a sum) stay.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d[\d\s().-]{6,}\d(?![\w])")  # +44 20 7946 0958
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"  # 555-123-4567, (555) 123 4567
    r"|\(\d{3}\)\d{3}\d{4}"
    r"|\d{3}[\s.-]\d{4}"  # 555-1234
    r")(?![\w])")
_DIGIT_GROUPS = re.compile(r"(?<![\w])\d(?:[ -]?\d){11,}(?![\w])")  # card-like: 12 or more digits in groups
_LONG_DIGITS = re.compile(r"\d{7,}")
# Fewer than 7 digits: nothing to scrub. Anchored, with \D*+ possessive: one pass over the text
# (searched for as (?:\d\D*){7} it backtracked from every digit: 10 us a reply text, now 1.3).
_SEVEN_DIGITS = re.compile(r"(?:\D*+\d){7}")


def scrub(text: str) -> str:
    """The text with e-mail addresses, phone numbers and runs of 7 or more digits replaced."""
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    if not _SEVEN_DIGITS.match(text):
        return text
    text = _INTERNATIONAL.sub("[phone]", text)
    text = _DIGIT_GROUPS.sub("[number]", text)
    text = _PHONE.sub("[phone]", text)
    return _LONG_DIGITS.sub("[number]", text)


def keeps_question(policy: str, answered: bool, kind: str) -> bool:
    """Whether a turn's question text is stored: `all`, `none`, or `unanswered` (partial replies,
    abstentions and requests to clarify; not small talk, whose text tells a maintainer nothing)."""
    if policy == "all":
        return True
    return policy == "unanswered" and not answered and kind != "smalltalk"


def keeps_rated_text(policy: str) -> bool:
    """A rated reply's question and answer are kept unless the policy is `none`."""
    return policy != "none"


def clip(text: str | None, limit: int) -> str | None:
    return None if text is None else text[:limit]
