"""Question analysis: a (spelling-corrected) question becomes weighted concepts (what the cited
sentences must cover), retrieval weights, and needs (a kind of specific it asks for, see `needs`).

A concept's weight is how distinctive its word is (its idf, or its most common synonym's); a synonym
phrase the question uses counts as one concept; question words ("where") stand for their answers ("located").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import fsum

from ..analysis.normalizing import written_words
from ..budget import check_budget
from ..english import english_rarity, english_words, lowercase_acronym, slip_of_everyday_word
from .context import Context
from .needs import Need, find_needs


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
    rarity: float = 1.0  # how unusual the word is in general English (0.1 everyday .. 1.0 rare)
    soft: bool = False  # unknown to the corpus, covered by the corpus words closest in meaning
    own: frozenset[str] | None = None  # single terms that cover it alone (None: stems not in a phrase)
    name: bool = False  # written as an acronym or a name ("MSML", "MEng"): what is asked about, not what is asked

    @property
    def distinctiveness(self) -> float:
        """Rare in this corpus and in English: what the question is really about ("GRE", not "require")."""
        return self.weight * self.rarity

    def covered_by(self, terms: frozenset[str] | set[str]) -> bool:
        """The sentence says this word, or one of its synonyms in full ("machine learning" for ML)."""
        return not self._own.isdisjoint(terms) or any(alt <= terms for alt in self.alternatives)

    @cached_property
    def _own(self) -> frozenset[str]:
        if self.own is not None:
            return self.own
        return self.stems - frozenset().union(*self.alternatives) if self.alternatives else self.stems


@dataclass(frozen=True)
class QuestionAnalysis:
    concepts: tuple[Concept, ...]
    weights: dict[str, float]
    needs: tuple[Need, ...]
    unknown_names: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    definition: bool = False
    wants_pointer: bool = False  # "where can I find ...": the notes' "check the official site" lines answer it
    asked_for: Concept | None = None  # "what courses ...", "which test ...": the kind of thing asked for
    framing: tuple[str, ...] = ()  # stems of the framing words ("are lsof executables *available*?")
    asked_action: Concept | None = None  # "can I *change* employers ...": the action asked about

    @property
    def total_weight(self) -> float:
        return fsum(c.weight for c in self.concepts)


def analyse_question(ctx: Context, text: str, drop_words: Iterable[str] = (),
                     corrections: tuple[tuple[str, str], ...] = (),
                     implied_words: Iterable[str] = (), as_written: str | None = None) -> QuestionAnalysis:
    """Split a (spelling-corrected) question into weighted concepts, retrieval weights and needs.

    `drop_words` (question framing) are neither concepts nor search terms; `implied_words` (the
    name of the note the search is confined to) are search terms but not concepts to cover.
    `as_written` is the message as the user typed it, when `text` is a lowercased rewrite of it
    (a question with the university's name taken out): whether a word was written as a name or an
    acronym ("CPT") is read from it.
    """
    written = as_written if as_written is not None else text
    searcher, lexicon = ctx.searcher, ctx.lexicon
    analyzer = searcher.analyzer
    implied = {w.casefold() for w in implied_words}
    # The lexicon's framing words are stored case-folded: only other word sets need folding.
    drop = (drop_words if drop_words is lexicon.filler else frozenset(w.casefold() for w in drop_words)) | implied
    needs = find_needs(ctx, text)
    drop = drop | _framing_of(ctx, text, needs)
    content = analyzer.content_words(text)
    stems = [analyzer.stem(w) for w in content if w not in drop or w in implied]
    concepts, in_phrase = _phrase_concepts(ctx, content, drop, implied)
    unknown: list[str] = []
    for position, word in enumerate(content):
        check_budget()
        if word in drop or position in in_phrase or word in lexicon.negation_words:
            continue  # "not" is what negated questions and lists are read for, never a word to cover
        concept = _word_concept(ctx, word, written)
        if concept is None:
            continue
        if not concept.known:
            unknown.append(word)
        if all(c.stems != concept.stems for c in concepts):
            concepts.append(concept)
    weights = searcher.expander.expand(stems).weights()
    for term in (term for c in concepts if c.soft for alternative in c.alternatives for term in alternative):
        weights.setdefault(term, ctx.policy.neighbour_weight)
    # Framing words ("what do I need") are not concepts, but their synonyms still steer the search.
    for word in content:
        if word in drop:
            for term, weight in searcher.expander.expand([analyzer.stem(word)]).added.items():
                weights.setdefault(term, weight * ctx.policy.filler_weight)
    _add_intent_hints(ctx, text, concepts, weights)
    return QuestionAnalysis(tuple(concepts), weights, needs, tuple(_unknown_names(written, unknown)),
                            corrections, bool(lexicon.pattern("definition_question").match(text)),
                            bool(lexicon.pattern("wants_pointer").search(text)), _asked_for(ctx, text, concepts),
                            tuple(dict.fromkeys(analyzer.stem(w) for w in content if w in drop and w not in implied)),
                            _asked_action(ctx, text, concepts))


def _framing_of(ctx: Context, text: str, needs: Sequence[Need]) -> frozenset[str]:
    """Words that say how the question asks, not what about: a framing phrase ("what does DSO *stand
    for*?"), a figure it holds ("is STEM OPT *3 years*?": the need), words asking for a length of time
    ("how long does OPT *last*?") or what a thing holds ("what is the GRE *made of*?"), a place the
    corpus never names that a note in focus is asked to be in ("is [MIT] in *Boston*?": where it is)
    and words asking how a thing is done that the corpus never uses ("the F-1 visa *steps*")."""
    words_in, known, stem = ctx.searcher.analyzer.content_words, ctx.searcher.has_term, ctx.searcher.analyzer.stem
    found = [w for m in ctx.lexicon.pattern("framing_phrase").finditer(text) for w in words_in(m.group(0))]
    found += [w for w in words_in(text) if w in ctx.lexicon.framing_when_unused and not known(stem(w))]
    found += [w for m in ctx.lexicon.pattern("asked_place").finditer(text)  # the place looked at once
              if not all(known(stem(p)) for p in words_in(m.group(1))) for w in words_in(m.group(0))]
    if needs and (any(ch.isdigit() for ch in needs[0].phrase) or needs[0].kind == "duration"):
        lasting = ctx.lexicon.pattern("duration_framing").findall(text) if needs[0].kind == "duration" else []
        found += words_in(" ".join([needs[0].phrase, *lasting]))  # "is OPT *unlimited*?": a length of time
    if needs and needs[0].kind == "contents":  # "what is the GRE *made of*?": what it holds
        found += [w.casefold() for w in ctx.lexicon.pattern("contents_framing").findall(needs[0].phrase)]
    return frozenset(found)


def _phrase_concepts(ctx: Context, content: list[str], drop: set[str], implied: set[str]) \
         -> tuple[list[Concept], set[int]]:
    """A synonym phrase the question uses ("statement of purpose", "machine learning") is one concept,
    unless it is all framing or all the topic's own name; a framing word with the topic's name is
    neither ("first language" in the English tests note)."""
    analyzer = ctx.searcher.analyzer
    concepts: list[Concept] = []
    in_phrase: set[int] = set()
    for start, end, phrase, alternatives in ctx.searcher.expander.phrase_matches([analyzer.stem(w) for w in content]):
        if all(w in drop for w in content[start:end]) and len({w in implied for w in content[start:end]}) == 1:
            continue
        options = (frozenset(phrase), *alternatives)
        weight = _concept_weight(ctx, None, options)
        concepts.append(Concept(" ".join(content[start:end]), frozenset().union(*options),
                                max(weight if weight is not None else 1.0, ctx.policy.min_concept_weight),
                                weight is not None, None, options,
                                rarity=max(english_rarity(w) for w in content[start:end])))
        in_phrase.update(range(start, end))
    return concepts, in_phrase


def _word_concept(ctx: Context, word: str, text: str) -> Concept | None:
    """One content word as a concept (None for noise such as "tak" or "pls"). A word the corpus
    never uses is covered by its neighbours in meaning when it has some ("paid" by "pay")."""
    searcher = ctx.searcher
    stem = searcher.analyzer.stem(word)
    expansion = searcher.expander.expand([stem]).added
    concept_stems = frozenset({stem, *expansion})
    # Its other names cover it only whole: "Illinois" is covered by "UIUC" or "University of Illinois
    # Urbana-Champaign", never by "University" alone.
    phrases = searcher.expander.alternatives(stem)
    alternatives = tuple(a for a in phrases if stem not in a)
    own = frozenset({stem, *(t for a in phrases if len(a) == 1 for t in a)})
    weight = _concept_weight(ctx, stem, alternatives)
    if weight is None and _looks_like_noise(word, text):
        return None  # too short to correct, and no acronym (NYU) or word
    if weight is None:
        near = _neighbour_stems(ctx, word, text)
        if near:  # it weighs what an unknown word weighs: it is what was asked, in other words
            weight = ctx.policy.unknown_weight * searcher.max_idf
            return Concept(word, concept_stems | {n for n, _i, _s in near}, max(weight, ctx.policy.min_concept_weight),
                           True, None, alternatives + tuple(frozenset({n}) for n, _i, _s in near),
                           rarity=english_rarity(word), soft=True, own=own | {n for n, _i, _s in near})
        weight = ctx.policy.unknown_weight * searcher.max_idf
        return Concept(word, concept_stems, max(weight, ctx.policy.min_concept_weight), False, None, alternatives,
                       rarity=english_rarity(word), own=own)
    return Concept(word, concept_stems, max(weight, ctx.policy.min_concept_weight), True, None, alternatives,
                   rarity=english_rarity(word), own=own,
                   name=word in _acronyms(text) or searcher.written_as_name(word))  # "MSML", "MEng": a name


def _neighbour_stems(ctx: Context, word: str, text: str) -> list[tuple[str, float, float]]:
    """(stem, idf, similarity) of the corpus words closest in meaning to an unknown word. Names (a
    word only written capitalised, or in no English word list: "bothell") and short tokens get none."""
    policy, searcher = ctx.policy, ctx.searcher
    if not policy.neighbours or len(word) < 4 or not word.isalpha() or word not in written_words(text) \
            or word not in english_words():
        return []
    found = []
    for near, similarity in searcher.neighbours.of(word):
        near_stem = searcher.analyzer.stem(near)
        idf = searcher.idf(near_stem)
        if idf is not None and similarity >= policy.neighbour_threshold and not _changes_meaning(ctx, word, near):
            found.append((near_stem, idf, similarity))
    return found


def _changes_meaning(ctx: Context, word: str, near: str) -> bool:
    """`word` is `near` with a prefix that changes its meaning ("reapply"/"apply", "unpaid"/"paid"),
    or `near` joined to another word ("startup"/"start", "workload"/"work"): close in vectors, not
    in what is asked."""
    word, near = word.casefold(), near.casefold()
    stem = ctx.searcher.analyzer.stem
    for prefix in ctx.lexicon.meaning_prefixes:
        rest = word[len(prefix):].lstrip("-")
        if word.startswith(prefix) and len(rest) >= 3 and (stem(rest) == stem(near) or near.startswith(rest)):
            return True
    if len(word) > len(near) + 1 and (word.startswith(near) or word.endswith(near)):
        other = word[len(near):] if word.startswith(near) else word[:-len(near)]
        return other.strip("-") in english_words()  # "up" in "startup"; not "s" or "ly"
    return False


def _add_intent_hints(ctx: Context, text: str, concepts: list[Concept], weights: dict[str, float]) -> None:
    """Question words that ask for a kind of fact become a concept of their own, covered by any of
    their words in a sentence (so "where is it?" needs a sentence about a location)."""
    analyzer, policy = ctx.searcher.analyzer, ctx.policy
    typical = sorted(c.weight for c in concepts)[len(concepts) // 2] if concepts else 1.0
    for hint in ctx.lexicon.intent_hints:
        if not hint.pattern.search(text):
            continue
        hint_stems = frozenset(analyzer.stem(h) for h in hint.words if ctx.searcher.has_term(analyzer.stem(h)))
        for hint_stem in hint_stems:
            weights.setdefault(hint_stem, policy.hint_weight)
        if hint_stems and not any(c.stems & hint_stems for c in concepts):
            # Alone ("where is it?") the hint is the whole question; beside other words it
            # only tips the balance, since "where do I apply for a visa" has no campus in it.
            weight = typical if not concepts else policy.hint_concept_share * typical
            concepts.append(Concept(hint.name, hint_stems, weight, True, hint=True,
                                    alternatives=tuple(frozenset({h}) for h in hint_stems)))


def _asked_for(ctx: Context, text: str, concepts: list[Concept]) -> Concept | None:
    """The noun right after a leading "what"/"which" ("what courses", "which English test"): the
    kind of thing the question asks for, which an answer must name."""
    match = ctx.lexicon.pattern("asked_for").search(text)
    word = match.group(1).casefold() if match else None
    return next((c for c in concepts if not c.hint and word in c.word.split()), None) if word else None


def _asked_action(ctx: Context, text: str, concepts: list[Concept]) -> Concept | None:
    """The verb of "can I ...?" ("can I *change* employers on STEM OPT?"), which an answer must say;
    only one the corpus uses itself (a word it never uses may be said there in other words)."""
    match = ctx.lexicon.pattern("asked_action").search(text)
    word = match.group(1).casefold() if match else None
    if word is None or word in ctx.lexicon.light_actions:
        return None
    return next((c for c in concepts if not c.hint and c.known and not c.soft and c.word == word), None)


@lru_cache(maxsize=16)
def _acronyms(text: str) -> frozenset[str]:
    """The words of a text written with two capitals or more, case-folded (once per text, not per word)."""
    return frozenset(token.casefold() for token in written_words(text) if sum(ch.isupper() for ch in token) >= 2)


def _looks_like_noise(word: str, text: str) -> bool:
    """A short lowercase token that is neither a word (corpus or English) nor an acronym, written
    as one or typed in lowercase ("cpt"), and is a slip of an everyday word ("tak"); chat shorthand
    ("idk") is a question word (data). Any other is asked about ("is pte accepted?")."""
    return (len(word) <= 3 and word.isalpha() and word not in english_words()
            and word.upper() not in written_words(text) and not lowercase_acronym(word)
            and slip_of_everyday_word(word))


def _concept_weight(ctx: Context, stem: str | None, alternatives: Sequence[frozenset[str]]) -> float | None:
    """How distinctive a word is: the idf of the word or of its most common synonym, whichever is
    lower ("ML" is as common as "machine learning"), or None when the corpus knows neither."""
    options = [own] if (own := ctx.searcher.idf(stem) if stem else None) is not None else []
    for alternative in alternatives:
        idfs = [ctx.searcher.idf(t) for t in alternative]
        if idfs and all(i is not None for i in idfs):
            options.append(max(i for i in idfs if i is not None))
    return min(options) if options else None


def _unknown_names(text: str, unknown: Sequence[str]) -> list[str]:
    """Unknown words the user capitalised (likely names: Harvard, Toronto), in their spelling; not an
    English word capitalised only because it starts a sentence ("Honestly, ...", "Overall, ...")."""
    names = []
    for match in re.finditer(r"[^\W_]+", text):
        token = match.group(0)
        if token.casefold() not in unknown or not token[0].isupper() or token in names:
            continue
        starts_sentence = not text[:match.start()].strip() or text[:match.start()].rstrip()[-1] in ".!?:;\n"
        if starts_sentence and not token.isupper() and token.casefold() in english_words():
            continue
        names.append(token)
    return names
