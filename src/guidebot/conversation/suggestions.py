"""Suggestions: follow-up questions that the corpus is known to answer, for the conversation's
focus first, then general ones closest to the question. The candidates come from the corpus
profile (`suggestions`, `program_suggestions`); each is answered once and kept only if it is
answered.

The general ones are answered when the pool is built (the engine's start); a program note's own
ones the first time that note is in focus, and then kept. So starting costs the same for 10
notes or 3,000 (answering three questions for each of 3,000 notes took minutes), and a reply
pays at most for the notes it is about."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..answering.citing import Reply
from .context import Dialogue
from .turns import Resolved

Answers = Callable[[Dialogue, str], bool]  # is a question, asked on its own, answered?


class SuggestionPool:
    """Answerable suggestions: the general ones, and each program note's (computed on first use)."""

    def __init__(self, d: Dialogue, answers: Answers, general: list[str]) -> None:
        self._dialogue = d
        self._answers = answers
        self._general = general
        self.terms: dict[str, frozenset[str]] = {q: frozenset(d.searcher.analyzer.terms(q)) for q in general}
        self._by_document: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(cls, d: Dialogue, answers: Answers) -> SuggestionPool:
        return cls(d, answers, [q for q in d.lexicon.suggestions if answers(d, q)])

    def for_document(self, doc_id: str) -> list[str]:
        """A program note's answerable suggestions ("Where is CMU?"); [] for other documents."""
        found = self._by_document.get(doc_id)
        if found is None:
            doc = self._dialogue.searcher.documents.get(doc_id)
            if doc is None or doc.kind != "program":
                return []
            short = doc.aliases[0] if doc.aliases and len(doc.aliases[0]) <= 12 else (doc.university or doc.title)
            candidates = [q.format(name=short) for q in self._dialogue.lexicon.entity_suggestions]
            found = [q for q in candidates if self._answers(self._dialogue, q)]
            with self._lock:
                self._by_document[doc_id] = found
        return found

    @property
    def general(self) -> list[str]:
        return self._general

    def suggest(self, d: Dialogue, resolved: Resolved, reply: Reply) -> list[str]:
        count = d.policy.suggestions
        asked = resolved.text.strip().lower()
        chosen: list[str] = []
        documents = d.searcher.documents
        focus = [doc_id for doc_id in (reply.focus or resolved.focus)
                 if doc_id in documents and documents[doc_id].kind == "program"]
        for doc_id in focus[:d.policy.suggestion_focus_documents]:
            for question in self.for_document(doc_id):
                if question.lower() != asked and question not in chosen and len(chosen) < count - 1:
                    chosen.append(question)
        asked_terms = set(d.searcher.analyzer.terms(resolved.text))
        general = self.general
        ranked = sorted(general, key=lambda q: (-len(asked_terms & self.terms[q]), general.index(q)))
        for question in ranked:
            if len(chosen) >= count:
                break
            if question.lower() != asked and question not in chosen:
                if asked_terms and self.terms[question] == asked_terms:
                    continue
                chosen.append(question)
        return chosen[:count]
