"""Suggestions: follow-up questions that the corpus is known to answer, for the conversation's
focus first, then general ones closest to the question. The candidates come from the corpus
profile (`suggestions`, `program_suggestions`); each is answered once when the pool is built and
kept only if it is answered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..answering.citing import Reply
from .context import Dialogue
from .turns import Resolved

Answers = Callable[[str], bool]


@dataclass(frozen=True)
class SuggestionPool:
    """Answerable suggestions: general ones under "" and per program note under its id."""

    questions: dict[str, list[str]]
    terms: dict[str, frozenset[str]]  # the analysed terms of each general suggestion

    @classmethod
    def build(cls, d: Dialogue, answers: Answers) -> SuggestionPool:
        pool: dict[str, list[str]] = {"": [q for q in d.lexicon.suggestions if answers(q)]}
        for doc in d.searcher.indexed.documents:
            if doc.kind != "program":
                continue
            short = doc.aliases[0] if doc.aliases and len(doc.aliases[0]) <= 12 else (doc.university or doc.title)
            candidates = [q.format(name=short) for q in d.lexicon.entity_suggestions]
            pool[doc.id] = [q for q in candidates if answers(q)]
        terms = {q: frozenset(d.searcher.analyzer.terms(q)) for q in pool[""]}
        return cls(pool, terms)

    @property
    def general(self) -> list[str]:
        return self.questions[""]

    def suggest(self, d: Dialogue, resolved: Resolved, reply: Reply) -> list[str]:
        count = d.policy.suggestions
        asked = resolved.text.strip().lower()
        chosen: list[str] = []
        focus = [doc_id for doc_id in (reply.focus or resolved.focus) if doc_id in self.questions]
        for doc_id in focus[:d.policy.suggestion_focus_documents]:
            for question in self.questions[doc_id]:
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
