"""Answer assembly: from a question and the passages BM25 found, choose the sentences that answer
it, cite each one, and decide honestly whether the question was answered.

Owns `Citation` and `Answer`, the question's analysis into weighted concepts (what must be
covered) and needs (a figure, a date, a personal prediction), sentence selection, coverage and
confidence. It does not resolve follow-ups or recognise small talk: that is `dialogue`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from .analysis import english_words, words
from .chunking import Chunk
from .engine import Engine

# A question counts as answered when the cited sentences cover at least this share of its
# idf-weighted key terms. Calibrated on the gold set's tuning split (see README, "How answers
# are built"); unknown words weigh 0.8 × the rarest known word's idf.
ANSWER_THRESHOLD = 0.6
MAX_SENTENCES = 4
MAX_CHARS = 700
CONTEXT_CREDIT = 0.5
CORRECTION_PENALTY = 0.1
RELATIVE_CUTOFF = 0.5
FILLER_WEIGHT = 0.5
# Sentences beside the best one in its own passage need less: they are its context.
PASSAGE_CUTOFF = 0.35
DEFINITION_BOOST = 1.5
# A word the corpus never uses weighs this share of the rarest corpus word's idf.
UNKNOWN_WEIGHT = 0.8
_NEGATION = re.compile(r"\b(?:not|no|never|cannot)\b|n't\b", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    id: int
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    quote: str


@dataclass(frozen=True)
class Answer:
    text: str
    answered: bool
    confidence: float
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    kind: str = "answer"  # answer | partial | abstain | smalltalk | list | clarify
    focus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Concept:
    """One key word of the question: the stems that count as covering it, and its weight (idf)."""

    word: str
    stems: frozenset[str]  # the word's stem and every term of its synonyms (for retrieval)
    weight: float
    known: bool
    corrected_from: str | None = None
    alternatives: tuple[frozenset[str], ...] = ()  # synonyms as sets of terms that must co-occur
    hint: bool = False  # stands for a question word ("where"), not a word the user typed

    def covered_by(self, terms: frozenset[str] | set[str]) -> bool:
        """The sentence says this word, or one of its synonyms in full ("machine learning" for ML)."""
        return any(stem in terms for stem in self._own) or any(alt <= terms for alt in self.alternatives)

    @property
    def _own(self) -> frozenset[str]:
        return self.stems - frozenset().union(*self.alternatives) if self.alternatives else self.stems


@dataclass(frozen=True)
class Need:
    """A kind of specific the question wants, which a sentence must visibly contain."""

    kind: str  # personal | money | date | score | count
    phrase: str  # the user's words for it, used in the honest reply

    def met_by(self, sentence: str) -> bool:
        """Does the sentence visibly hold what was asked for (a sum of money, a date, a figure)?"""
        if self.kind == "personal":
            return False
        if self.kind == "money":
            return bool(_MONEY.search(sentence))
        if self.kind == "date":
            return bool(_DATE.search(sentence))
        if self.kind == "score":  # scores, GPAs and rates are written in digits (not F-1, I-20)
            return bool(_FIGURE.search(sentence))
        return bool(_COUNTED.search(sentence))  # "12 months", "24-month", "two years" (not "5th-Year")


@dataclass(frozen=True)
class QuestionAnalysis:
    concepts: tuple[Concept, ...]
    weights: dict[str, float]
    needs: tuple[Need, ...]
    unknown_names: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    definition: bool = False
    wants_pointer: bool = False  # "where can I find ...": the notes' "check the official site" lines answer it

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.concepts)


@dataclass
class _Candidate:
    chunk_index: int
    sentence_index: int
    rank: int
    rank_factor: float
    covered: frozenset[Concept]
    context: frozenset[Concept]
    text: str
    position: tuple[int, int] = field(default=(0, 0))


_NUMBER_WORDS = (r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                 r"hundred|half|dozen)\b")
_FIGURE = re.compile(r"(?<![\w-])\d")
_UNITS = (r"(?:years?|months?|weeks?|days?|hours?|semesters?|terms?|quarters?|credits?|courses?|percent|"
          r"students?|units?)\b")
_COUNTED = re.compile(r"(?:(?<![\w-])\d+(?:\.\d+)?|" + _NUMBER_WORDS + r")[\s-]+(?:\w+\s+)?" + _UNITS,
                      re.IGNORECASE)
_MONEY = re.compile(r"[$€£₹]\s?\d|\d[\d,.]*\s?(?:usd|dollars|k\b)", re.IGNORECASE)
_DATE = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                   r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|\b(?:19|20)\d\d\b", re.IGNORECASE)
# (kind, pattern, how the honest reply names what is missing)
_NEEDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("personal", re.compile(
        r"\b(?:my|our)\s+(?:chances?|odds|profile)\b|\b(?:will|would|can|could|do)\s+i\s+(?:get|be)\s+"
        r"(?:admitted|accepted|selected)\b|\bget\s+in(?:to)?\W*$|\bam\s+i\s+(?:eligible|good enough|competitive)\b|"
        r"\bchances?\s+(?:of|for)\s+(?:admission|getting|acceptance)\b(?!.*\b(?:increase|improve|boost)\b)",
        re.IGNORECASE), "admission chances"),
    ("money", re.compile(
        r"\b(?:tuition|fees?|costs?|price|prices|expensive|cheap|cheapest|afford\w*|salar(?:y|ies)|stipends?|"
        r"living expenses|how much)\b", re.IGNORECASE), "costs, fees or salaries"),
    ("date", re.compile(
        r"\b(?:deadlines?|due date|last date|intakes?|start date|when\s+(?:is|are|do|does|should|can)\b.*?"
        r"\b(?:apply|due|open|close|start|begin|deadline|application)s?)\b", re.IGNORECASE), "deadlines or dates"),
    ("score", re.compile(
        r"\b(?:gpa|cgpa|cut-?offs?|minimum|min|(?:test |gre |toefl |ielts |duolingo )?scores? (?:needed|required)|"
        r"percent(?:age)?|acceptance rates?|admit rates?|admission rates?|rank(?:ing|ings|ed)?|"
        r"\d+(?:\.\d+)?)\b", re.IGNORECASE), "that figure"),
    ("count", re.compile(r"\b(?:how long|duration|how many|class size|cohort size)\b", re.IGNORECASE),
     "that figure"),
)
_IMPROVING = re.compile(r"\b(?:increase|improve|boost|raise|better|strengthen|maximi[sz]e)\b", re.IGNORECASE)
_NEED_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"tuition|fees?|costs?|price|expensive|cheap|afford|how much", re.I), "tuition, fees or costs"),
    (re.compile(r"salar|stipend", re.I), "salaries or stipends"),
    (re.compile(r"gpa|cut-?off|minimum|min\b|score", re.I), "minimum scores, GPA cut-offs or other admission figures"),
    (re.compile(r"rate|percent", re.I), "acceptance rates"),
    (re.compile(r"rank", re.I), "rankings"),
    (re.compile(r"how long|duration", re.I), "durations"),
    (re.compile(r"how many|size", re.I), "those numbers"),
)
# Question words that ask for a kind of fact: they become a concept of their own, covered by
# any of these words in a sentence (so "where is it?" needs a sentence about a location).
_INTENT_HINTS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("where", re.compile(r"\bwhere\b|\bwhich (?:city|state)\b|\blocat", re.IGNORECASE),
     ("located", "location", "city")),
    ("degrees", re.compile(r"\bwhat (?:ml |machine learning |ai )?(?:masters?|degrees?|programs?)\b|"
                           r"\bwhich (?:ml |machine learning |ai )?(?:masters?|degrees?|programs?)\b", re.IGNORECASE),
     ("master", "degree", "offer")),
)
HINT_WEIGHT = 0.8
HINT_CONCEPT_SHARE = 0.3


def describe_need(need: Need) -> str:
    for pattern, name in _NEED_NAMES:
        if pattern.search(need.phrase):
            return name
    return {"money": "costs", "date": "deadlines or dates", "personal": "admission chances"}.get(need.kind,
                                                                                                 "that figure")


@lru_cache(maxsize=1)
def chat_shorthand() -> dict[str, str]:
    """'whr' → 'where', 'uni' → 'university': shipped in data/shorthand.txt, editable."""
    text = resources.files("guidebot.data").joinpath("shorthand.txt").read_text(encoding="utf-8")
    pairs = (line.split(None, 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return {typed.casefold(): meant.strip() for typed, meant in pairs}


def correct_spelling(engine: Engine, text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The text with unknown words replaced by the closest known word, and the corrections made.

    A capitalised word in mid-sentence is taken for a name: it is only corrected to a word of a
    university's or document's name ("Standford" → "stanford"), never to an ordinary word, so an
    unknown university ("Purdue") stays unknown.
    """
    corrections: list[tuple[str, str]] = []
    names = engine.name_words()
    shorthand = chat_shorthand()

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        word = token.casefold()
        if word in shorthand:
            return shorthand[word]
        if len(word) < 4 or not word.isalpha() or engine.is_known_word(word):
            return token
        fixed = engine.speller.correct(word)
        if fixed is None or fixed == word:
            return token
        looks_like_name = token[0].isupper() and match.start() > 0 and not token.isupper()
        if looks_like_name and fixed not in names:
            return token
        corrections.append((word, fixed))
        return fixed

    corrected = re.sub(r"[^\W_]+(?:'[a-z]+)?", fix, text)
    return corrected, tuple(corrections)


def analyse_question(engine: Engine, text: str, drop_words: Iterable[str] = (),
                     corrections: tuple[tuple[str, str], ...] = (),
                     implied_words: Iterable[str] = ()) -> QuestionAnalysis:
    """Split a (spelling-corrected) question into weighted concepts, retrieval weights and needs.

    `drop_words` (question framing) are neither concepts nor search terms; `implied_words` (the
    name of the note the search is confined to) are search terms but not concepts to cover.
    """
    analyzer = engine.analyzer
    implied = {w.casefold() for w in implied_words}
    drop = {w.casefold() for w in drop_words} | implied
    vocabulary = engine.bm25.term_ids
    max_idf = float(engine.bm25.idf.max()) if len(engine.bm25.idf) else 1.0
    concepts: list[Concept] = []
    unknown: list[str] = []
    content = analyzer.content_words(text)
    stems = [analyzer.stem(w) for w in content if w not in drop or w in implied]
    in_phrase: set[int] = set()
    # A synonym phrase the question uses ("statement of purpose", "machine learning") is one concept.
    for start, end, phrase, alternatives in engine.expander.phrase_matches([analyzer.stem(w) for w in content]):
        if all(w in drop for w in content[start:end]):
            continue
        options = (frozenset(phrase), *alternatives)
        weight = _concept_weight(engine, None, options)
        concepts.append(Concept(" ".join(content[start:end]), frozenset().union(*options),
                                max(weight if weight is not None else 1.0, 0.2), weight is not None, None, options))
        in_phrase.update(range(start, end))
    for position, word in enumerate(content):
        if word in drop or position in in_phrase:
            continue
        stem = analyzer.stem(word)
        expansion = engine.expander.expand([stem]).added
        concept_stems = frozenset({stem, *expansion})
        alternatives = tuple(a for a in engine.expander.alternatives(stem) if stem not in a)
        weight = _concept_weight(engine, stem, alternatives)
        if weight is None and _looks_like_noise(word, text):
            continue  # "tak", "pls": too short to correct, and no acronym (NYU) or word
        if weight is None:
            weight = UNKNOWN_WEIGHT * max_idf
            unknown.append(word)
        if all(c.stems != concept_stems for c in concepts):
            concepts.append(Concept(word, concept_stems, max(weight, 0.2), word not in unknown, None,
                                    alternatives))
    weights = engine.expander.expand(stems).weights()
    # Framing words ("what do I need") are not concepts, but their synonyms still steer the search.
    for word in content:
        if word in drop:
            for term, weight in engine.expander.expand([analyzer.stem(word)]).added.items():
                weights.setdefault(term, weight * FILLER_WEIGHT)
    typical = sorted(c.weight for c in concepts)[len(concepts) // 2] if concepts else 1.0
    for name, pattern, hints in _INTENT_HINTS:
        if pattern.search(text):
            hint_stems = frozenset(analyzer.stem(h) for h in hints if analyzer.stem(h) in vocabulary)
            for hint_stem in hint_stems:
                weights.setdefault(hint_stem, HINT_WEIGHT)
            if hint_stems and not any(c.stems & hint_stems for c in concepts):
                # Alone ("where is it?") the hint is the whole question; beside other words it
                # only tips the balance, since "where do I apply for a visa" has no campus in it.
                weight = typical if not concepts else HINT_CONCEPT_SHARE * typical
                concepts.append(Concept(name, hint_stems, weight, True, hint=True,
                                        alternatives=tuple(frozenset({h}) for h in hint_stems)))
    needs = tuple(Need(kind, m.group(0)) for kind, pattern, _ in _NEEDS if (m := pattern.search(text)))[:1]
    if needs and needs[0].kind == "personal" and _IMPROVING.search(text):
        needs = ()  # "how can I improve my chances?" asks for advice, which the guide gives
    return QuestionAnalysis(tuple(concepts), weights, needs, tuple(_unknown_names(text, unknown)), corrections,
                            bool(_DEFINITION_QUESTION.match(text)), bool(_WANTS_POINTER.search(text)))


# The notes' navigational sentences ("This note does not give ...", "Check the official site ...")
# point elsewhere; they are cited only when the question asks where to look.
_POINTER = re.compile(r"^\W*(?:this (?:note|guide) does not give|check the official|check each)", re.IGNORECASE)
_WANTS_POINTER = re.compile(r"\b(?:where (?:can|do|should) i (?:find|check|look|get)|official (?:site|website|page)|"
                            r"website|web site|link|url)\b", re.IGNORECASE)
_DEFINITION_QUESTION = re.compile(r"^\W*(?:what(?:'s| is| are| does)|define|meaning of|who (?:is|are|makes|runs))\b",
                                  re.IGNORECASE)
_DEFINING_SENTENCE = re.compile(r"^(?:the |an? )?([^,.;:]{1,80}?)\s+(?:is|are|means|refers to|stands for)\b",
                                re.IGNORECASE)


def _defines(sentence: str, covered: Iterable[Concept]) -> bool:
    """'SEVIS is the Student and ...': the sentence's subject is one of the asked words."""
    match = _DEFINING_SENTENCE.match(sentence)
    if not match:
        return False
    subject = " ".join(words(match.group(1)))
    return any(c.word in subject.split() for c in covered)


def _looks_like_noise(word: str, text: str) -> bool:
    """A short lowercase token that is neither a word (corpus or English) nor written as an acronym."""
    return (len(word) <= 3 and word.isalpha() and word not in english_words()
            and not re.search(rf"\b{re.escape(word.upper())}\b", text))


def _concept_weight(engine: Engine, stem: str | None, alternatives: Sequence[frozenset[str]]) -> float | None:
    """How distinctive a word is: the idf of the word or of its most common synonym, whichever is
    lower ("ML" is as common as "machine learning"), or None when the corpus knows neither."""
    options = []
    own = engine.bm25.term_idf(stem) if stem else None
    if own is not None:
        options.append(own)
    for alternative in alternatives:
        idfs = [engine.bm25.term_idf(t) for t in alternative]
        if idfs and all(i is not None for i in idfs):
            options.append(max(i for i in idfs if i is not None))
    return min(options) if options else None


def _unknown_names(text: str, unknown: Sequence[str]) -> list[str]:
    """Unknown words the user capitalised (likely names: Harvard, Toronto), in their spelling."""
    names = []
    for match in re.finditer(r"[^\W_]+", text):
        token = match.group(0)
        if token.casefold() in unknown and token[0].isupper() and token not in names:
            names.append(token)
    return names


def retrieve(engine: Engine, weights: dict[str, float], k: int, doc_ids: Sequence[str] | None = None,
             kinds: Sequence[str] | None = None) -> list[tuple[int, float]]:
    """Top-k chunk indices and scores, optionally only within some documents or document kinds."""
    if doc_ids is None and kinds is None:
        return engine.bm25.top(weights, k)
    allowed: list[int] = []
    for doc in engine.indexed.documents:
        if (doc_ids is None or doc.id in doc_ids) and (kinds is None or doc.kind in kinds):
            allowed.extend(engine.chunks_of(doc.id))
    if not allowed:
        return []
    indices = np.asarray(allowed, dtype=np.int64)
    scores = engine.bm25.scores(weights)[indices]
    order = np.lexsort((indices, -scores))[:k]
    return [(int(indices[i]), float(scores[i])) for i in order if scores[i] > 0]


def select_sentences(engine: Engine, analysis: QuestionAnalysis, hits: Sequence[tuple[int, float]],
                     max_sentences: int = MAX_SENTENCES, max_chars: int = MAX_CHARS,
                     exclude: Iterable[str] = (), skip_negative: bool = False) -> list[_Candidate]:
    """The sentences most relevant to the question, in a readable order.

    A sentence's relevance is the weight of the question's concepts it contains, plus half the
    weight of those only its heading or document title contains, scaled by its passage's BM25
    score. The most relevant sentence is always taken; the others within half of its relevance
    follow passage by passage in BM25 order (so the best passage speaks whole) until the sentence
    or character budget is spent; then all are put back in document order.
    """
    if not hits or not analysis.concepts:
        return []
    excluded = {q.strip() for q in exclude}
    top_score = hits[0][1] or 1.0
    candidates: list[tuple[float, _Candidate]] = []
    for rank, (chunk_index, score) in enumerate(hits):
        chunk = engine.chunks[chunk_index]
        context_terms = engine.context_terms(chunk_index)
        rank_factor = 0.6 + 0.4 * (score / top_score)
        for sentence_index, terms in enumerate(engine.sentence_terms(chunk_index)):
            start, end = chunk.sentences[sentence_index]
            text = chunk.text[start:end]
            if text.strip() in excluded or (skip_negative and _NEGATION.search(text)):
                continue
            if not analysis.wants_pointer and _POINTER.match(text):
                continue
            covered = frozenset(c for c in analysis.concepts if c.covered_by(terms))
            if not covered:
                continue
            context = frozenset(c for c in analysis.concepts if c.covered_by(context_terms)) - covered
            relevance = (sum(c.weight for c in covered) + CONTEXT_CREDIT * sum(c.weight for c in context)) * rank_factor
            if analysis.definition and _defines(text, covered):
                relevance *= DEFINITION_BOOST
            candidates.append((relevance, _Candidate(chunk_index, sentence_index, rank, rank_factor, covered,
                                                     context, text, (chunk.start, start))))
    if not candidates:
        return []
    best_relevance, best_candidate = max(candidates, key=lambda rc: (rc[0], -rc[1].rank, [-x for x in rc[1].position]))
    def cutoff(candidate: _Candidate) -> float:
        same_passage = candidate.chunk_index == best_candidate.chunk_index
        return (PASSAGE_CUTOFF if same_passage else RELATIVE_CUTOFF) * best_relevance

    eligible = sorted((c for relevance, c in candidates if relevance >= cutoff(c) and c is not best_candidate),
                      key=lambda c: (c.rank, c.position))
    picks: list[_Candidate] = [best_candidate]
    used_chars = len(best_candidate.text) + 1
    seen_texts: set[str] = {best_candidate.text}
    for candidate in eligible:
        if len(picks) >= max_sentences:
            break
        if candidate.text in seen_texts or used_chars + len(candidate.text) > max_chars:
            continue
        picks.append(candidate)
        seen_texts.add(candidate.text)
        used_chars += len(candidate.text) + 1
    doc_order: dict[str, int] = {}
    for pick in picks:
        doc_order.setdefault(engine.chunks[pick.chunk_index].doc_id, len(doc_order))
    return sorted(picks, key=lambda c: (doc_order[engine.chunks[c.chunk_index].doc_id], c.position))


def coverage(analysis: QuestionAnalysis, picks: Sequence[_Candidate]) -> float:
    """Share of the question's weighted concepts that the chosen sentences (or their headings) contain."""
    total = analysis.total_weight
    if total <= 0 or not picks:
        return 0.0
    in_text = set().union(*(p.covered for p in picks))
    in_context = set().union(*(p.context for p in picks)) - in_text
    covered = sum(c.weight for c in in_text) + CONTEXT_CREDIT * sum(c.weight for c in in_context)
    return min(1.0, covered / total)


def key_concept_missing(analysis: QuestionAnalysis, picks: Sequence[_Candidate],
                        implied: frozenset[str] = frozenset()) -> Concept | None:
    """The question's most distinctive known word, if no cited sentence (or its heading) has it.

    "Is Caltech's master's available online?" is not answered by sentences about Caltech's
    master's that never mention "online", however many of the other words they share. Words in
    `implied` (the name of the topic the search is confined to) do not count: every sentence of
    the OPT note is about OPT.
    """
    known = [c for c in analysis.concepts if c.known and not c.hint and c.word not in implied]
    if not known or not picks:
        return None
    key = max(known, key=lambda c: c.weight)
    if any(key in p.covered or key in p.context for p in picks):
        return None
    return key


def confidence_of(analysis: QuestionAnalysis, cover: float) -> float:
    penalty = CORRECTION_PENALTY * len(analysis.corrections)
    return round(max(0.0, min(1.0, cover - penalty)), 3)


def cite(engine: Engine, picks: Sequence[_Candidate], start_id: int = 1) -> tuple[list[str], list[Citation]]:
    """Each picked sentence followed by its [n] marker, and the citations in marker order."""
    parts: list[str] = []
    citations: list[Citation] = []
    for n, pick in enumerate(picks, start=start_id):
        chunk = engine.chunks[pick.chunk_index]
        citations.append(citation_for(chunk, pick.text, n))
        parts.append(f"{pick.text} [{n}]")
    return parts, citations


def citation_for(chunk: Chunk, quote: str, n: int) -> Citation:
    return Citation(n, chunk.chunk_id, chunk.doc_id, chunk.title, chunk.section, chunk.url, quote)


def needs_unmet(analysis: QuestionAnalysis, picks: Sequence[_Candidate]) -> Need | None:
    for need in analysis.needs:
        if not any(need.met_by(p.text) for p in picks):
            return need
    return None
