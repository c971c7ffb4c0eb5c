"""The conversation: small talk, follow-up resolution from the history the client sends, lists
and comparisons over the program notes, honest partial answers, and follow-up suggestions.

The server keeps no state: every call re-reads the history. Facts always come from `answer`'s
cited sentences; only lead-in phrases ("Here is what the notes say about ...") are templated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from .analysis import english_words, words
from .answer import (
    _INTENT_HINTS,
    _NEEDS,
    ANSWER_THRESHOLD,
    Answer,
    Citation,
    Need,
    QuestionAnalysis,
    analyse_question,
    citation_for,
    cite,
    confidence_of,
    correct_spelling,
    coverage,
    describe_need,
    key_concept_missing,
    needs_unmet,
    retrieve,
    select_sentences,
)
from .corpus import Document
from .engine import Engine

# Words that frame a request but say nothing about its subject (shipped list, editable).
FILLER = frozenset(
    line.strip() for line in resources.files("guidebot.data").joinpath("question_words.txt")
    .read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))
LIST_WORDS = frozenset("""
which list name all universities university colleges college schools school programs program ones
options them guide mentioned listed covered included every each any
""".split())
COMPARE_WORDS = frozenset("""
compare comparison versus vs difference differences between better contrast
""".split())

_SMALLTALK: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("thanks", re.compile(r"^(?:(?:thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|cheers|great,? thanks|"
                          r"thank u|many thanks|appreciate it)\b[^?]{0,60}|(?:that was|this is|very) "
                          r"(?:helpful|useful|great)[^?]{0,30})$", re.I),
     "You're welcome! Ask me anything else about MS in Machine Learning programs in the US."),
    ("bye", re.compile(r"^(?:bye|goodbye|see you|see ya|cya|good night|that'?s all)\W*$", re.I),
     "Goodbye, and good luck with your applications!"),
    ("greeting", re.compile(r"^(?:h+i+|h+e+l+o+|h+e+y+|hiya|yo|howdy|greetings|good (?:morning|afternoon|evening)|"
                            r"namaste|hola)(?: there| guidebot| bot)?\W*$", re.I),
     "Hello! I can answer questions about Master's programs in Machine Learning in the US: admissions, "
     "curriculum, funding, campus life, careers, and the universities in the guide."),
    ("how_are_you", re.compile(r"^(?:how are you|how's it going|how are things|what's up|sup)\W*$", re.I),
     "I'm doing well, thanks! What would you like to know about MS in Machine Learning programs?"),
    ("capabilities", re.compile(r"^(?:what can you do|what do you do|who are you|what are you|help|"
                                r"how does this work|what can i ask(?: you)?|what do you know|"
                                r"what (?:can|do) you (?:help|answer) (?:me )?with)\W*$", re.I),
     "I answer questions from a guide to MS in Machine Learning programs in the US and notes on the "
     "universities it lists. I quote my sources, and I say so when the guide doesn't cover something."),
    ("ack", re.compile(r"^(?:ok(?:ay)?|cool|great|nice|got it|awesome|perfect|alright|i see|understood)\W*$", re.I),
     "Glad to help. What else would you like to know?"),
)
_GREETING_PREFIX = re.compile(r"^\s*(?:h+i+|h+e+l+o+|h+e+y+|hiya|good (?:morning|afternoon|evening)|thanks?)"
                              r"(?: there)?[\s,!.]+", re.I)
_PRONOUN = re.compile(r"\b(?:it|its|it's|there|they|them|their|theirs|this|that|these|those|the university|"
                      r"the program|the programme|the school|that one|this one|same)\b", re.I)
_ELLIPTICAL = re.compile(r"^\s*(?:and|also|but|so|what about|how about|what of|and what about|and how about|"
                         r"ok(?:ay)?,? (?:and|what about|how about)|then)\b[\s,]*", re.I)
_MORE = re.compile(r"^\s*(?:tell me more|more|more please|go on|continue|more details?|elaborate|"
                   r"anything else|what else|and\??|say more|tell me more about (?:it|that|this))\W*$", re.I)
_COMPARE = re.compile(r"\bcompar\w*|\bvs\.?\b|\bversus\b|\bdifferences? between\b|\bbetter\b", re.I)
_LIST = re.compile(r"\b(?:which|list|name|what|each|every|any)\b.*\b(?:universit(?:y|ies)|colleges?|schools?|programs?|"
                   r"programmes?|ones|options)\b|\blist\b|\ball (?:the )?(?:universities|programs|schools)\b", re.I)


@dataclass(frozen=True)
class Resolved:
    """What a message means once the conversation so far is taken into account."""

    text: str  # the question to answer, pronouns and ellipsis resolved
    focus: tuple[str, ...] = ()  # documents (universities, topics) the question is about
    intent: str = ""  # the question without its entity names (borrowed by elliptical follow-ups)
    mode: str = "single"  # single | list | compare | more | smalltalk | uncovered
    smalltalk: str | None = None
    exclude: tuple[str, ...] = field(default=())  # quotes already given (for "tell me more")
    corrections: tuple[tuple[str, str], ...] = ()  # spelling corrections made to the message
    uncovered: tuple[str, ...] = ()  # universities named that the corpus does not cover


def respond(engine: Engine, message: str, history: Sequence[dict[str, str]] = ()) -> Answer:
    """Answer one message, given earlier turns as role/content dicts (oldest first). A pure
    function of the engine, the message and the recent turns (the API caches its replies)."""
    resolved = resolve(engine, message, history)
    if resolved.mode == "smalltalk":
        answer = Answer(resolved.smalltalk or "", False, 0.0, kind="smalltalk")
    elif resolved.mode == "uncovered":
        answer = answer_uncovered(resolved)
    elif resolved.mode == "list":
        answer = answer_list(engine, resolved)
    elif resolved.mode == "compare":
        answer = answer_compare(engine, resolved)
    else:
        answer = answer_single(engine, resolved)
    return replace(answer, suggestions=tuple(suggest(engine, resolved, answer)))


# ---------------------------------------------------------------------------------------------
# Follow-up resolution


def resolve(engine: Engine, message: str, history: Sequence[dict[str, str]] = ()) -> Resolved:
    """Resolve `message` against the user turns in `history` (each resolved in order, statelessly)."""
    previous: Resolved | None = None
    last_assistant = ""
    for turn in _recent(history):
        if turn.get("role") == "user" and turn.get("content", "").strip():
            resolved_turn = resolve_turn(engine, turn["content"], previous, "")
            if resolved_turn.mode != "smalltalk":
                previous = resolved_turn
        elif turn.get("role") == "assistant":
            last_assistant = turn.get("content", "")
    return resolve_turn(engine, message, previous, last_assistant)


# Only the last few exchanges can steer a follow-up; older turns are not re-read (this also bounds
# the work a long history can cause).
RECENT_TURNS = 12


def _recent(history: Sequence[dict[str, str]]) -> Sequence[dict[str, str]]:
    return history[-RECENT_TURNS:]


def resolve_turn(engine: Engine, message: str, previous: Resolved | None, last_answer: str) -> Resolved:
    text = " ".join(message.split())
    talk = smalltalk_reply(text)
    if talk is not None:
        return Resolved(text, mode="smalltalk", smalltalk=talk)
    text = _GREETING_PREFIX.sub("", text).strip() or text
    text, corrections = correct_spelling(engine, text)
    if _MORE.match(text):
        if previous is None:
            return Resolved(text, mode="single", corrections=corrections)
        return replace(previous, mode="more" if previous.mode == "single" else previous.mode,
                       exclude=tuple(_quotes_in(last_answer)), corrections=corrections)
    is_list = _is_list_question(text) and bool(_LIST.search(text) or re.search(r"\bguide\b", text, re.I))
    entities = find_entities(engine, text, states_are_filters=is_list)
    intent = _ELLIPTICAL.sub("", strip_entities(engine, text, states_are_filters=is_list)).strip()
    elliptical = bool(_ELLIPTICAL.match(text))
    asks = has_subject(engine, intent)
    uncovered = uncovered_universities(engine, text)
    follows_focus = previous is not None and bool(previous.focus) and bool(_PRONOUN.search(text))
    if uncovered and not follows_focus and not any(engine.documents[d].kind == "program" for d in entities):
        return Resolved(text, (), intent, "uncovered", uncovered=tuple(uncovered), corrections=corrections)
    if len(entities) >= 2 and _COMPARE.search(text):
        return Resolved(text, tuple(entities), _strip_words(intent, COMPARE_WORDS), "compare",
                        corrections=corrections)
    if entities and previous is not None and _PRONOUN.search(text) \
            and all(engine.documents[d].kind == "topic" for d in entities) \
            and any(engine.documents[d].kind == "program" for d in previous.focus):
        # "can I get an F-1 visa with it?" after a university: still about that university.
        return Resolved(text, previous.focus, intent, "single", corrections=corrections)
    if entities:
        if not asks and previous is not None and previous.intent and has_subject(engine, previous.intent):
            mode = "compare" if len(entities) >= 2 and previous.mode == "compare" else "single"
            return Resolved(text, tuple(entities), previous.intent, mode, corrections=corrections)
        return Resolved(text, tuple(entities), intent, "single", corrections=corrections)
    if is_list:
        return Resolved(text, (), intent, "list", corrections=corrections)
    asks_specific = any(p.search(text) for _k, p, _d in _NEEDS)
    if previous is not None and previous.focus and (_PRONOUN.search(text) or elliptical or not asks or asks_specific):
        mode = "compare" if previous.mode == "compare" and len(previous.focus) >= 2 else "single"
        return Resolved(text, previous.focus, intent, mode, corrections=corrections)
    return Resolved(text, (), intent, "single", corrections=corrections)


def has_subject(engine: Engine, text: str) -> bool:
    """Does the text ask about something (a content word, "where", "how much"...) beyond names?"""
    return bool(_subject_words(engine, text)) or any(p.search(text) for _n, p, _h in _INTENT_HINTS) \
        or any(p.search(text) for _k, p, _d in _NEEDS)


@lru_cache(maxsize=1)
def _other_universities() -> tuple[tuple[str, ...], ...]:
    text = resources.files("guidebot.data").joinpath("other_universities.txt").read_text(encoding="utf-8")
    names = [tuple(words(line)) for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(sorted((n for n in names if n), key=len, reverse=True))


_UNIVERSITY_OF = re.compile(r"\b(?:university|college|institute) of ([a-z]+)\b|\b([a-z]+) (?:university|college)\b")


def uncovered_universities(engine: Engine, text: str) -> list[str]:
    """Universities named in `text` that no document covers ("Harvard", "University of Toronto")."""
    tokens = words(text)
    found: list[str] = []
    for name in _other_universities():  # longest first, so "university of toronto" hides "toronto"
        if _contains(tokens, name) and not any(_contains(f.split(), name) for f in found):
            found.append(" ".join(name))
    lowered = " ".join(tokens)
    for match in _UNIVERSITY_OF.finditer(lowered):
        word = match.group(1) or match.group(2)
        if word and word not in engine.name_words() and word not in engine.analyzer.stop \
                and not engine.speller.correct(word) and not any(word in f.split() for f in found):
            found.append(match.group(0))
    return [_display_name(text, name) for name in found]


def _display_name(text: str, name: str) -> str:
    match = re.search(r"\b" + r"\W+".join(re.escape(part) for part in name.split()) + r"\b", text, re.IGNORECASE)
    return match.group(0) if match else name


def answer_uncovered(resolved: Resolved) -> Answer:
    return Answer(f"I don't know: the guide and its notes don't cover {_join(list(resolved.uncovered))}. They cover "
                  "eleven US universities' machine learning master's options, admissions, funding, campus life, "
                  "careers, student visas, OPT and English tests. You could try one of the suggestions below.",
                  False, 0.0, kind="abstain")


_SMALLTALK_WORDS = frozenset("""
ok okay k kk thanks thank thx ty you u so very much a lot bye goodbye cya see ya later cheers great cool nice
awesome perfect got it alright fine hi hello hey there good morning afternoon evening night that was is
helpful useful all for now and again
""".split())


def smalltalk_reply(text: str) -> str | None:
    cleaned = text.strip().lower()
    for _name, pattern, reply in _SMALLTALK:
        if pattern.match(cleaned):
            return reply
    tokens = re.findall(r"[a-z']+", re.sub(r"(\w)\1{2,}", r"\1", cleaned))
    if tokens and "?" not in cleaned and all(t in _SMALLTALK_WORDS for t in tokens):
        # A mix like "ok thanks bye": the most final intent wins.
        for name in ("bye", "thanks", "greeting", "ack"):
            if any(t in _SMALLTALK_KEYS[name] for t in tokens):
                return next(reply for n, _p, reply in _SMALLTALK if n == name)
    return None


_SMALLTALK_KEYS = {
    "bye": frozenset("bye goodbye cya later night".split()),
    "thanks": frozenset("thanks thank thx ty cheers helpful useful".split()),
    "greeting": frozenset("hi hello hey morning afternoon evening".split()),
    "ack": frozenset("ok okay k kk great cool nice awesome perfect got alright fine".split()),
}


def _quotes_in(answer_text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*\[\d+\]\s*", answer_text) if s.strip()]


def _subject_words(engine: Engine, text: str) -> list[str]:
    return [w for w in engine.analyzer.content_words(text) if w not in FILLER and not _PRONOUN.fullmatch(w)]


def _strip_words(text: str, drop: frozenset[str]) -> str:
    return " ".join(w for w in text.split() if w.lower().strip("?,.!") not in drop)


def _is_list_question(text: str) -> bool:
    lowered = text.lower()
    if re.search(r"\b(?:universities|schools|colleges|programs)\b.*\b(?:in|on|from|by) the (?:guide|list|blog)\b|"
                 r"\bthe guide (?:list|mention|cover|name|recommend)", lowered):
        return True
    return bool(re.search(r"\b(?:which|list|name|all|each|every|any)\b", lowered)) and bool(
        re.search(r"\b(?:universit(?:y|ies)|colleges?|schools?|programs?|programmes?|ones|options)\b", lowered))


# ---------------------------------------------------------------------------------------------
# Entities: universities (and topics) named by their title, university name or aliases


def _entity_patterns(engine: Engine) -> list[tuple[tuple[str, ...], str]]:
    cached = engine.memo.get("entity_patterns")
    if cached is None:
        patterns: list[tuple[tuple[str, ...], str]] = []
        for doc in engine.indexed.documents:
            if doc.kind not in ("program", "topic"):
                continue
            names = [*doc.aliases, *([doc.university] if doc.university else [])]
            for name in names:
                tokens = tuple(words(name))
                if tokens:
                    patterns.append((tokens, doc.id))
        patterns.sort(key=lambda p: -len(p[0]))
        engine.memo["entity_patterns"] = patterns
        cached = patterns
    return cached  # type: ignore[return-value]


NAME_ABBREVIATIONS = {"univ": "university", "uni": "university", "inst": "institute", "tech": "tech"}


def _entity_spans(engine: Engine, text: str, states_are_filters: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, doc id) of every university or topic name in `text`, longest names first.
    Memoised per engine: one message is looked at several times per request."""
    cache: dict[tuple[str, bool], list[tuple[int, int, str]]] = engine.memo.setdefault("entity_spans", {})  # type: ignore[assignment]
    key = (text, states_are_filters)
    spans = cache.get(key)
    if spans is None:
        spans = _find_entity_spans(engine, text, states_are_filters)
        if len(cache) >= 4096:
            cache.clear()
        cache[key] = spans
    return spans


def _find_entity_spans(engine: Engine, text: str, states_are_filters: bool) -> list[tuple[int, int, str]]:
    tokens = [NAME_ABBREVIATIONS.get(t, t) for t in words(text)]
    # A window can only match a name when one of its words matches exactly or looks like a typo.
    typo = [not engine.is_known_word(t) and t.isalpha() and len(t) >= 4 for t in tokens]
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(tokens)
    for pattern, doc_id in _entity_patterns(engine):
        n = len(pattern)
        for i in range(len(tokens) - n + 1):
            if any(taken[i:i + n]):
                continue
            if not any(tokens[i + k] == pattern[k] or typo[i + k] for k in range(n)):
                continue
            if not _names_match(tokens[i:i + n], pattern):
                continue
            if _is_state_mention(tokens, i, n, doc_id, engine, states_are_filters):
                continue
            spans.append((i, i + n, doc_id))
            for j in range(i, i + n):
                taken[j] = True
    return sorted(spans)


def _names_match(tokens: Sequence[str], pattern: Sequence[str]) -> bool:
    """Equal, or off by a typo: one edit in a name word of 4+ letters, two in one of 7+. A real
    English word only counts as a typo when another word of the same name matched exactly
    ("carnegie melon"), so "standard" never becomes Stanford."""
    exact = [t == p for t, p in zip(tokens, pattern, strict=True)]
    if all(exact):
        return True
    for token, name, same in zip(tokens, pattern, exact, strict=True):
        if same:
            continue
        allowed = 2 if len(name) >= 7 else 1 if len(name) >= 4 else 0
        if allowed == 0 or Levenshtein.distance(token, name, score_cutoff=allowed) > allowed:
            return False
        if token in english_words() and not any(exact):
            return False
    return True


def _is_state_mention(tokens: list[str], i: int, n: int, doc_id: str, engine: Engine,
                      states_are_filters: bool) -> bool:
    """'in Michigan' or 'in Washington state' names a state, not the university with that alias."""
    doc = engine.documents[doc_id]
    if doc.state is None or tuple(words(doc.state)) != tuple(tokens[i:i + n]):
        return False
    after_preposition = i > 0 and tokens[i - 1] in {"in", "of", "near", "from"}
    followed_by_state = i + n < len(tokens) and tokens[i + n] == "state"
    return states_are_filters or after_preposition or followed_by_state


def find_entities(engine: Engine, text: str, states_are_filters: bool = False) -> list[str]:
    """Documents named in `text`, in order of mention, each once."""
    seen: list[str] = []
    for _start, _end, doc_id in _entity_spans(engine, text, states_are_filters):
        if doc_id not in seen:
            seen.append(doc_id)
    return seen


def strip_entities(engine: Engine, text: str, states_are_filters: bool = False) -> str:
    """`text` without the words that name universities (so an intent can be borrowed for another).
    Topic names stay: "what is OPT?" is about OPT, and its words are what to search for."""
    tokens = words(text)
    spans = [(a, b, d) for a, b, d in _entity_spans(engine, text, states_are_filters)
             if engine.documents[d].kind == "program"]
    keep = [t for i, t in enumerate(tokens) if not any(a <= i < b for a, b, _ in spans)]
    return " ".join(keep)


def entity_name(engine: Engine, doc_id: str) -> str:
    doc = engine.documents[doc_id]
    return doc.university or doc.title


# ---------------------------------------------------------------------------------------------
# Single questions


def answer_single(engine: Engine, resolved: Resolved) -> Answer:
    focus_docs = [engine.documents[d] for d in resolved.focus if d in engine.documents]
    question = resolved.intent if resolved.focus else resolved.text
    if focus_docs and not has_subject(engine, question):
        return answer_overview(engine, resolved, focus_docs)
    exclude = resolved.exclude
    if focus_docs:
        # Inside a note about OPT every sentence is about OPT: the note's own name is implied, and
        # the rest of the question ("how do I apply") decides which sentences answer it, unless
        # nothing else is asked.
        implied = frozenset(words(" ".join(f"{d.title} {' '.join(d.aliases)}" for d in focus_docs)))
        analysis = analyse_question(engine, question, drop_words=FILLER, corrections=resolved.corrections,
                                    implied_words=implied)
        if not analysis.concepts:  # "what is SEVIS?": the name is the subject after all
            analysis = analyse_question(engine, question, drop_words=FILLER, corrections=resolved.corrections)
        if not analysis.concepts and analysis.needs:  # "how long is it?": only a figure will do
            return answer_need_only(engine, resolved, focus_docs, analysis.needs[0])
        if not analysis.concepts:
            return answer_overview(engine, resolved, focus_docs)
        hits = retrieve(engine, analysis.weights, 12, doc_ids=[d.id for d in focus_docs])
        picks = select_sentences(engine, analysis, hits, exclude=exclude)
        unmet = needs_unmet(analysis, picks)
        if unmet is not None:
            return _partial(engine, resolved, focus_docs, describe_need(unmet), unmet.kind)
        cover = coverage(analysis, picks)
        if cover >= ANSWER_THRESHOLD and key_concept_missing(analysis, picks) is None:
            return _compose(engine, resolved, analysis, picks, cover)
        analysis = analyse_question(engine, question, drop_words=FILLER, corrections=resolved.corrections)
        general = [hit for hit in retrieve(engine, analysis.weights, 12, kinds=("guide", "topic"))
                   if engine.chunks[hit[0]].doc_id not in resolved.focus][:8]
        general_picks = select_sentences(engine, analysis, general, exclude=exclude)
        general_cover = coverage(analysis, general_picks)
        if general_cover >= FALLBACK_THRESHOLD and needs_unmet(analysis, general_picks) is None \
                and key_concept_missing(analysis, general_picks) is None:
            names = _join([entity_name(engine, d.id) for d in focus_docs])
            lead = f"The notes on {names} don't say; what the guide and notes say in general:"
            return _compose(engine, resolved, analysis, general_picks, general_cover * 0.9, lead=lead)
        return _partial(engine, resolved, focus_docs, None, None)
    analysis = analyse_question(engine, question, drop_words=FILLER, corrections=resolved.corrections)
    if not analysis.concepts:
        return _clarify(resolved)
    hits = _general_first(engine, retrieve(engine, analysis.weights, 16))[:8]
    picks = select_sentences(engine, analysis, hits, exclude=exclude)
    cover = coverage(analysis, picks)
    unmet = needs_unmet(analysis, picks)
    if unmet is not None and cover >= ANSWER_THRESHOLD * 0.5 and not analysis.unknown_names:
        return _partial(engine, resolved, [], describe_need(unmet), unmet.kind)
    if cover >= ANSWER_THRESHOLD and not analysis.unknown_names and unmet is None \
            and key_concept_missing(analysis, picks) is None:
        return _compose(engine, resolved, analysis, picks, cover)
    return _abstain(engine, resolved, analysis, cover)


# A question that names no university is about studying in general: the guide and topic notes
# answer it first, and a university's note only when it matches clearly better.
PROGRAM_NOTE_PRIOR = 0.7


def _general_first(engine: Engine, hits: list[tuple[int, float]]) -> list[tuple[int, float]]:
    def prior(chunk_index: int) -> float:
        doc = engine.documents.get(engine.chunks[chunk_index].doc_id)
        return PROGRAM_NOTE_PRIOR if doc is not None and doc.kind == "program" else 1.0

    rescored = [(i, score * prior(i)) for i, score in hits]
    return sorted(rescored, key=lambda hit: (-hit[1], hit[0]))


def answer_need_only(engine: Engine, resolved: Resolved, docs: Sequence[Document], need: Need) -> Answer:
    """"How long is it?" about a note in focus: the note's sentences that hold such a figure, if any."""
    found = [(chunk_index, quote) for doc in docs for chunk_index in engine.chunks_of(doc.id)
             for quote in engine.chunks[chunk_index].sentence_texts() if need.met_by(quote)][:3]
    if not found or need.kind == "personal":
        return _partial(engine, resolved, docs, describe_need(need), need.kind)
    citations = [citation_for(engine.chunks[i], quote, n) for n, (i, quote) in enumerate(found, start=1)]
    text = " ".join(f"{c.quote} [{c.id}]" for c in citations)
    return Answer(text, True, 0.6, tuple(citations), kind="answer", focus=resolved.focus)


def answer_overview(engine: Engine, resolved: Resolved, docs: Sequence[Document]) -> Answer:
    """A question that only names a university or topic ("tell me about CMU"): its note's opening."""
    per_doc = 3 if len(docs) == 1 else 2
    parts: list[str] = []
    citations: list[Citation] = []
    for doc in docs[:4]:
        sentences = _opening_sentences(engine, doc.id, per_doc, skip_negative=len(docs) > 1)
        for chunk_index, quote in sentences:
            n = len(citations) + 1
            citations.append(citation_for(engine.chunks[chunk_index], quote, n))
            parts.append(f"{quote} [{n}]")
    if not citations:
        return _partial(engine, resolved, docs, None, None)
    return Answer(" ".join(parts), True, 0.8, tuple(citations), kind="answer", focus=resolved.focus)


def _opening_sentences(engine: Engine, doc_id: str, count: int, skip_negative: bool) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for chunk_index in engine.chunks_of(doc_id):
        for quote in engine.chunks[chunk_index].sentence_texts():
            if skip_negative and re.search(r"\bnot\b|n't\b", quote):
                continue
            found.append((chunk_index, quote))
            if len(found) >= count:
                return found
    return found


def _compose(engine: Engine, resolved: Resolved, analysis: QuestionAnalysis, picks: Sequence,
             cover: float, lead: str = "") -> Answer:
    parts, citations = cite(engine, picks)
    fixes = ", ".join(f"“{fixed}”" for _wrong, fixed in analysis.corrections)
    prefix = f"(Reading your question as {fixes}.) " if fixes else ""
    text = prefix + (lead + " " if lead else "") + " ".join(parts)
    return Answer(text, True, max(confidence_of(analysis, cover), 0.05), tuple(citations), kind="answer",
                  focus=resolved.focus)


def _partial(engine: Engine, resolved: Resolved, focus_docs: Sequence[Document], what: str | None,
             need_kind: str | None) -> Answer:
    """A covered university or topic, but not the specific asked: say so and point to the official site."""
    names = [entity_name(engine, d.id) for d in focus_docs]
    urls = [d.url for d in focus_docs if d.url]
    subject = what if what and what != "that figure" else "that"
    topics = [d for d in focus_docs if d.kind == "topic"]
    if need_kind == "personal":
        head = ("I don't know your admission chances: the guide and its notes give no admission statistics, "
                "and each university decides on the whole application.")
    elif topics and len(topics) == len(focus_docs):
        head = f"I don't know {subject}: the note on {_join([d.title for d in topics])} doesn't say."
    elif names:
        head = f"I don't know {subject} for {_join(names)}: the guide and its notes don't say."
    else:
        head = f"I don't know {subject}: the guide and its notes don't say."
    if urls:
        pointer = " Please check the official site" + ("s" if len(urls) > 1 else "") + ": " + ", ".join(urls) + "."
    else:
        pointer = (" Please check the official website of each program you are interested in, as these change "
                   "every year.")
    return Answer(head + pointer, False, 0.0, (), kind="partial", focus=resolved.focus)


def _abstain(engine: Engine, resolved: Resolved, analysis: QuestionAnalysis, cover: float) -> Answer:
    if analysis.unknown_names:
        head = (f"I don't know: the guide and its notes don't cover {_join(analysis.unknown_names)}. "
                "I can only answer from a guide to MS in Machine Learning programs in the US and its notes "
                "on the universities it lists.")
    else:
        head = ("I don't know: I couldn't find that in the guide or its notes. I can only answer questions "
                "about MS in Machine Learning programs in the US that the guide covers.")
    return Answer(head + " You could try one of the suggestions below.", False, round(min(cover, 0.5) * 0.5, 3),
                  kind="abstain")


def _clarify(resolved: Resolved) -> Answer:
    return Answer("Could you tell me a little more about what you'd like to know? For example, ask about "
                  "admissions, funding, a university's programs or where it is.", False, 0.0, kind="clarify")


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------------------------------------
# Lists and comparisons over the program notes

# Falling back from a university's note to the general guide needs near-complete coverage, so a
# nearby passage is not passed off as the answer about that university.
FALLBACK_THRESHOLD = 0.8

LIST_STOP = LIST_WORDS | FILLER | frozenset("""
offer offers offered located in are is have has there of these those actually state states
""".split())


def answer_list(engine: Engine, resolved: Resolved) -> Answer:
    """Every program note that matches the filter words, one cited sentence each."""
    filter_words = [w for w in words(resolved.intent or resolved.text) if w not in LIST_STOP]
    if not [w for w in filter_words if engine.analyzer.is_content(w) or w == "where"]:
        return _answer_guide_list(engine, resolved)
    alternatives = [part for part in re.split(r"\bor\b", " ".join(filter_words)) if part.strip()]
    analysis = analyse_question(engine, " ".join(filter_words), corrections=resolved.corrections)
    if not analysis.concepts:
        return _answer_guide_list(engine, resolved)
    required = [frozenset(w for w in engine.analyzer.terms(alt)) for alt in alternatives] or [frozenset()]
    items = []
    for doc in engine.indexed.documents:
        if doc.kind != "program":
            continue
        hits = retrieve(engine, analysis.weights, 8, doc_ids=[doc.id])
        for pick in select_sentences(engine, analysis, hits, max_sentences=4, max_chars=2000, skip_negative=True):
            terms = engine.sentence_terms(pick.chunk_index)[pick.sentence_index]
            if any(_covers_alternative(alt, terms, analysis) for alt in required):
                items.append(pick)
                break
    if not items:
        return answer_single(engine, replace(resolved, mode="single"))
    parts, citations = cite(engine, items)
    lead = f"{len(items)} of the universities in the guide match, according to their notes:"
    text = lead + " " + " ".join(parts)
    return Answer(text, True, 0.9, tuple(citations), kind="list",
                  focus=tuple(engine.chunks[p.chunk_index].doc_id for p in items))


def _covers_alternative(alternative: frozenset[str], terms: frozenset[str], analysis: QuestionAnalysis) -> bool:
    """The sentence matches one alternative ("in Illinois" of "Illinois or Michigan"): it has the
    alternative's most distinctive word and most of the weight of its words."""
    needed = [c for c in analysis.concepts if c.stems & alternative] or list(analysis.concepts)
    key = max(needed, key=lambda c: c.weight)
    covered = sum(c.weight for c in needed if c.covered_by(terms))
    return key.covered_by(terms) and covered >= 0.6 * sum(c.weight for c in needed)


def _answer_guide_list(engine: Engine, resolved: Resolved) -> Answer:
    """'Which universities does the guide list?': the guide passage that names the most universities."""
    patterns = _entity_patterns(engine)
    best: tuple[int, int] | None = None
    for doc in engine.indexed.documents:
        if doc.kind != "guide":
            continue
        for chunk_index in engine.chunks_of(doc.id):
            tokens = words(engine.chunks[chunk_index].text)
            named = {d for pattern, d in patterns if _contains(tokens, pattern)}
            if best is None or len(named) > best[0]:
                best = (len(named), chunk_index)
    if best is None or best[0] < 2:
        return answer_single(engine, replace(resolved, mode="single"))
    chunk = engine.chunks[best[1]]
    named = [quote for quote in chunk.sentence_texts()
             if any(_contains(words(quote), pattern) for pattern, _d in patterns)]
    citations = [citation_for(chunk, quote, n) for n, quote in enumerate(named, start=1)]
    items = "; ".join(f"{c.quote} [{c.id}]" for c in citations)
    text = f"The guide lists {len(citations)} universities: {items}."
    return Answer(text, True, 0.9, tuple(citations), kind="list")


def _contains(tokens: list[str], pattern: tuple[str, ...]) -> bool:
    n = len(pattern)
    return any(tuple(tokens[i:i + n]) == pattern for i in range(len(tokens) - n + 1))


def answer_compare(engine: Engine, resolved: Resolved) -> Answer:
    """Side by side: the same question answered from each named university's note."""
    docs = [engine.documents[d] for d in resolved.focus if d in engine.documents]
    if not has_subject(engine, resolved.intent):
        return answer_overview(engine, resolved, docs)
    analysis = analyse_question(engine, resolved.intent, drop_words=FILLER | COMPARE_WORDS,
                                corrections=resolved.corrections)
    parts: list[str] = []
    citations: list[Citation] = []
    covers = []
    for doc in docs[:4]:
        hits = retrieve(engine, analysis.weights, 8, doc_ids=[doc.id])
        picks = select_sentences(engine, analysis, hits, max_sentences=2, max_chars=350)
        if not picks:
            continue
        covers.append(coverage(analysis, picks))
        sentence_parts, sentence_citations = cite(engine, picks, start_id=len(citations) + 1)
        parts.append(" ".join(sentence_parts))
        citations.extend(sentence_citations)
    if not citations or max(covers) < ANSWER_THRESHOLD:
        return _partial(engine, resolved, docs, None, None)
    cover = sum(covers) / len(covers)
    return Answer(" ".join(parts), True, confidence_of(analysis, cover), tuple(citations), kind="answer",
                  focus=resolved.focus)


# ---------------------------------------------------------------------------------------------
# Suggestions: questions the corpus is known to answer, chosen for the conversation's focus

GENERAL_SUGGESTIONS = (
    "What are the admission requirements?",
    "What scholarships and financial aid are available?",
    "What does the curriculum of an MS in Machine Learning include?",
    "What is campus life like for international students?",
    "What careers can graduates pursue?",
    "Which universities does the guide list?",
    "Which programs are online?",
    "Which universities are in California?",
    "What is OPT?",
    "Do I need the GRE?",
    "Which English tests are accepted?",
    "What is an F-1 visa?",
)
PROGRAM_SUGGESTIONS = (
    "Where is {name}?",
    "Which machine learning master's degrees does {name} offer?",
    "Does {name} offer an MS in Machine Learning?",
)


def suggestion_pool(engine: Engine) -> dict[str, list[str]]:
    """Candidate suggestions that the corpus answers, checked once per engine by answering them."""
    cached = engine.memo.get("suggestions")
    if cached is not None:
        return cached  # type: ignore[return-value]
    pool: dict[str, list[str]] = {"": []}
    for question in GENERAL_SUGGESTIONS:
        if _answers(engine, question):
            pool[""].append(question)
    for doc in engine.indexed.documents:
        if doc.kind != "program":
            continue
        short = doc.aliases[0] if doc.aliases and len(doc.aliases[0]) <= 12 else (doc.university or doc.title)
        pool[doc.id] = [q.format(name=short) for q in PROGRAM_SUGGESTIONS if _answers(engine, q.format(name=short))]
    engine.memo["suggestions"] = pool
    return pool


def _answers(engine: Engine, question: str) -> bool:
    resolved = resolve(engine, question)
    if resolved.mode == "list":
        return answer_list(engine, resolved).answered
    if resolved.mode == "compare":
        return answer_compare(engine, resolved).answered
    return answer_single(engine, resolved).answered


def _suggestion_terms(engine: Engine, questions: Sequence[str]) -> dict[str, frozenset[str]]:
    cached = engine.memo.get("suggestion_terms")
    if cached is None:
        cached = {q: frozenset(engine.analyzer.terms(q)) for q in questions}
        engine.memo["suggestion_terms"] = cached
    return cached  # type: ignore[return-value]


def suggest(engine: Engine, resolved: Resolved, answer: Answer, count: int = 3) -> list[str]:
    pool = suggestion_pool(engine)
    asked = resolved.text.strip().lower()
    chosen: list[str] = []
    focus = [d for d in (answer.focus or resolved.focus) if d in pool]
    for doc_id in focus[:2]:
        for question in pool[doc_id]:
            if question.lower() != asked and question not in chosen and len(chosen) < count - 1:
                chosen.append(question)
    asked_terms = set(engine.analyzer.terms(resolved.text))
    terms_of = _suggestion_terms(engine, pool[""])
    general = sorted(pool[""], key=lambda q: (-len(asked_terms & terms_of[q]), pool[""].index(q)))
    for question in general:
        if len(chosen) >= count:
            break
        if question.lower() != asked and question not in chosen:
            if asked_terms and terms_of[question] == asked_terms:
                continue
            chosen.append(question)
    return chosen[:count]
