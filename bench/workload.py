"""What the benchmarks send: search queries written by people (summary lines of numpy's docstrings,
which the standard-library corpus of `bench/scale.py` does not contain) and a mix of chat requests
(single and multi-turn; answered, abstained, small talk, lists, a typo) shared by `bench/scale.py`
and `bench/serve_http.py`, so that both measure the same conversation.
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings

QUERY_MODULES = ("numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.ma", "numpy.polynomial.polynomial",
                 "numpy.lib.recfunctions")
_MARKUP = re.compile(r"[`*]+")

# (label, user turns oldest first). Earlier turns are replayed to get the assistant's real replies
# before a multi-turn request is sent, as the widget would.
CHAT_MIX: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("answered", ("What are the admission requirements for international students?",)),
    ("answered", ("What scholarships are available to international students?",)),
    ("program", ("Where is CMU?",)),
    ("topic", ("What is OPT?",)),
    ("topic", ("Which English tests do US universities accept?",)),
    ("typo", ("Do I need the GRE for Stanfrod?",)),
    ("list", ("Which universities are in California?",)),
    ("list", ("Compare CMU and MIT",)),
    ("abstained", ("What is the weather on Mars?",)),
    ("abstained", ("Can you recommend a good pizza place near campus?",)),
    ("small talk", ("hi",)),
    ("small talk", ("thanks!",)),
    ("multi-turn", ("What are the admission requirements?", "what about funding?")),
    ("multi-turn", ("Tell me about Stanford", "where is it located?")),
    ("multi-turn list", ("Which universities are in the guide?", "what makes them stand out?")),
)


def queries(limit: int = 300) -> list[str]:
    """Up to `limit` distinct queries: first sentences of numpy docstrings, at most 12 words each,
    spread evenly over the modules so that the set does not depend on one module's vocabulary."""
    found: list[str] = []
    seen: set[str] = set()
    for name in QUERY_MODULES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(name)
            for attr in sorted(dir(module)):
                if attr.startswith("_"):
                    continue
                obj = getattr(module, attr, None)
                doc = inspect.getdoc(obj) if callable(obj) else None
                summary = _summary(doc or "")
                if summary and summary not in seen:
                    seen.add(summary)
                    found.append(summary)
    if len(found) <= limit:
        return found
    step = len(found) / limit
    return [found[int(i * step)] for i in range(limit)]


def _summary(doc: str) -> str | None:
    for paragraph in doc.split("\n\n"):
        text = " ".join(paragraph.split())
        if not text or re.match(r"^[\w.]+\(", text):  # a signature line, not prose
            continue
        sentence = _MARKUP.sub("", text.split(". ")[0]).rstrip(".")
        tokens = sentence.split()
        return " ".join(tokens[:12]) if len(tokens) >= 2 else None
    return None
