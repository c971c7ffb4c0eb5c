"""Follow-up resolution: what a message means once the conversation so far is taken into account.

The server keeps no state: `resolve` re-reads the recent user turns of the history the client
sends, resolving each against the one before, then the new message. A message naming a
university switches the focus; a pronoun or a bare specific keeps it; an elliptical "and
Georgia Tech?" borrows the previous intent; "tell me more" repeats the previous question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..answering.needs import asks_specific, find_needs
from ..answering.spelling import correct_spelling
from ..budget import check_budget
from . import asking
from .asked import question_of
from .asking import asks_by_place, asks_for_them_all, has_subject, is_list_question, named_programs, strip_words
from .borrowed import asked_of_another_topic, asked_of_them_all, in_general_again, it_as_the_term_defined, topics_of
from .context import Dialogue
from .degrees import it_as_the_degree_named
from .naming import it_as_the_part_named
from .origin import without_origin
from .resolved import Resolved, Turn
from .smalltalk import smalltalk_reply


def resolve(d: Dialogue, message: str, history: Sequence[Turn] = ()) -> Resolved:
    """Resolve `message` against the user turns in `history` (each resolved in order, statelessly).
    Only the last `policy.recent_turns` turns can steer a follow-up (this also bounds the work), and
    each earlier turn is resolved once per distinct prefix (memoised on the dialogue)."""
    previous: Resolved | None = None
    last_assistant = listing = said = ""
    asked_more = False
    recent: list[str] = []  # the universities in focus, the latest last ("which of the two ...?")
    for turn in history[-d.policy.recent_turns:]:
        check_budget()
        if turn.role == "user" and turn.content.strip():
            asked_more = bool(d.lexicon.pattern("more").match(" ".join(turn.content.split())))
            resolved_turn = d.resolved.get_or_compute(
                (turn.content, previous, listing), lambda key: resolve_turn(d, key[0], key[1], "", key[2]))
            if resolved_turn.mode != "smalltalk":
                previous = resolved_turn
                for doc_id in resolved_turn.focus:
                    if d.entities.kind(doc_id) == "program":
                        recent = [*(r for r in recent if r != doc_id), doc_id]
        elif turn.role == "assistant":
            last_assistant = turn.content
            # "more", and "more" again: what the answers since the first of them said
            said = f"{said} {turn.content}" if asked_more else turn.content
            if len(named_programs(d, turn.content)) >= 2:
                listing = turn.content  # the last answer that named several universities
    return _the_two(d, message, resolve_turn(d, message, previous, last_assistant, listing, said), recent)


def _the_two(d: Dialogue, message: str, resolved: Resolved, recent: list[str]) -> Resolved:
    """"Tell me about Caltech", "and MIT?", "which of the two has a master's?": both, compared."""
    if resolved.mode != "single" or len(resolved.focus) > 1 or len(recent) < 2 \
            or not d.lexicon.pattern("the_two").search(message):
        return resolved
    return replace(resolved, focus=tuple(recent[-2:]), mode="compare")


def resolve_turn(d: Dialogue, message: str, previous: Resolved | None, last_answer: str,
                 listing: str = "", said: str = "") -> Resolved:
    """One message against the previous resolved turn, the text of the last answer, of the last
    answer that named several universities (what "the second one" refers to), and of the answers
    since a run of "tell me more" began (what another "more" must not repeat)."""
    lexicon = d.lexicon
    text = " ".join(message.split())
    talk = smalltalk_reply(lexicon, text)
    if talk is not None:
        return Resolved(text, mode="smalltalk", smalltalk=talk)
    text = lexicon.pattern("greeting_prefix").sub("", text).strip() or text
    text = lexicon.pattern("courtesy_suffix").sub("", text).strip() or text
    text = question_of(d, text)  # "I have a 3.2 GPA. Do I need the GRE?": the question
    text = asking.with_place_named(d, without_origin(d, text))  # "the one in Atlanta": Georgia Tech
    text, corrections = correct_spelling(d, text)
    previous = _only_one_listed(d, text, previous, last_answer)
    text = _asked_again(d, text, previous)
    if lexicon.pattern("more").match(text):
        if previous is None:  # "tell me more" with nothing before it
            return Resolved(text, mode="single", corrections=corrections)
        named = list(dict.fromkeys(named_programs(d, last_answer)))
        one = tuple(named) if len(named) == 1 else ()  # "which one is in Atlanta?" named it
        return replace(previous, mode="more" if previous.mode == "single" else previous.mode,
                       focus=previous.focus or one, exclude=tuple(_quotes_in(said or last_answer)),
                       corrections=corrections)
    is_list = (is_list_question(d, text) and bool(lexicon.pattern("list").search(text)
                                                  or lexicon.pattern("guide_word").search(text))
               or asks_by_place(d, text) or asks_for_them_all(d, text, previous is None or not previous.focus)) \
        and not lexicon.pattern("yes_no_about_every").search(text) \
        and not (previous is not None and previous.focus and lexicon.pattern("one_of_it").search(text)) \
        and not any(need.kind == "judgement" for need in find_needs(d, text))  # "which is the best?": no list ranks
    if not is_list and previous is not None and previous.mode == "list":
        text, is_list = _list_continued(d, text)
        listing = "" if is_list else listing  # "and in California?": a new list, not one among the last
    referred = _refers_to_listing(d, text, listing, is_list, corrections) \
        or asked_of_them_all(d, text, previous, is_list)  # "is the GRE required?", "for which schools?"
    if referred is not None:
        return referred
    if lexicon.pattern("in_general").search(text):
        bare = in_general_again(d, text, previous)
        if bare is not None:
            return bare
        # "in general, ..." lets go of the university in focus; "... still want *it* [the GRE]?" keeps the topic
        topics = topics_of(d, previous) if lexicon.pattern("pronoun").search(text) else ()
        previous = replace(previous, focus=topics) if previous is not None and topics else None
    return _resolve_question(d, text, previous, corrections, is_list, last_answer)


def _asked_again(d: Dialogue, text: str, previous: Resolved | None) -> str:
    """"When?" after "how do I pay it?" is "when do I pay it?"; left as it is when the question
    before did not start with a question word ("tell me about CMU" → "where?")."""
    bare, start = d.lexicon.pattern("bare_question").match(text), d.lexicon.pattern("question_start")
    if bare is None or previous is None or not start.match(previous.intent):
        return text
    return f"{bare.group(1)} {start.sub('', previous.intent).strip()}"


def _only_one_listed(d: Dialogue, text: str, previous: Resolved | None, last_answer: str) -> Resolved | None:
    """A list that named one university, or a few, makes them the focus of "tell me more (about
    *it*)", "does *it* have ...", "is it STEM?" (the few compared: the two in California it named)."""
    if previous is None or previous.mode != "list" or not (d.lexicon.pattern("pronoun").search(text)
                                                            or d.lexicon.pattern("more").match(text)):
        return previous
    named = tuple(dict.fromkeys(named_programs(d, last_answer)))
    mode = "single" if len(named) == 1 else "compare"
    return Resolved(previous.text, named, "", mode, corrections=previous.corrections) \
        if 0 < len(named) <= d.policy.compare_documents else previous


def _list_continued(d: Dialogue, text: str) -> tuple[str, bool]:
    """"And in California?" right after a list asks for another list: the same question's lead
    ("which ones") with the new filter, unless it names an entity ("and Stanford?")."""
    elliptical = d.lexicon.pattern("elliptical")
    rest = elliptical.sub("", text).strip()
    if not elliptical.match(text) or not rest or d.entities.find(text) or not has_subject(d, rest) \
            or d.lexicon.pattern("pronoun").search(text):  # "so where would I apply *there*?": the one listed
        return text, False
    return f"{d.lexicon.list_follow_up} {rest}", True


def _refers_to_listing(d: Dialogue, text: str, listing: str, is_list: bool,
                       corrections: tuple[tuple[str, str], ...]) -> Resolved | None:
    """"The second one", "which of them ...", "a visa for those?": what the last listing named, in order."""
    lexicon = d.lexicon
    if not listing or named_programs(d, text):
        return None
    # "Does the first one need the GRE?": the GRE is asked about there.
    topics = tuple(e for e in d.entities.find(text) if d.entities.kind(e) == "topic")
    named = named_programs(d, listing)
    intent = lexicon.pattern("ordinal").sub("", text)
    if lexicon.pattern("among_them").search(text) and lexicon.pattern("list_asker").search(text.lower()):
        judged = len(named) > 1 and asking.asks_which_is_better(d, text)  # "which one is better?"
        return Resolved(text, tuple(named), lexicon.pattern("among_them").sub("", text),
                        "compare" if judged else "list", corrections=corrections)  # no list ranks them
    match = lexicon.pattern("ordinal").search(text)
    if match is None and len(named) > 1 and not is_list and lexicon.pattern("them_listed").search(text):
        return Resolved(text, tuple(named), text, "compare", corrections=corrections)  # "a visa for those?"
    if match is None:
        return None
    position = lexicon.ordinals.get(match.group(1).lower())
    if position is None or abs(position) > len(named) and position != -1:
        return None
    chosen = named[-1] if position == -1 else named[position - 1]
    return Resolved(text, (chosen, *topics), intent, "single", corrections=corrections)


def _resolve_question(d: Dialogue, text: str, previous: Resolved | None,
                      corrections: tuple[tuple[str, str], ...], is_list: bool, last_answer: str = "") -> Resolved:
    """The focus and mode of a question (not small talk, not "tell me more"). A chain of rules,
    each a case of how students follow up, in the order they must be tried (long because the
    order is the logic: split up, the chain's order would no longer be read in one place)."""
    lexicon, entities_of = d.lexicon, d.entities
    pronoun, elliptical_pattern = lexicon.pattern("pronoun"), lexicon.pattern("elliptical")
    entities = entities_of.find(text, states_are_filters=is_list, program_names=not is_list)
    if previous is not None and previous.focus:
        entities = entities_of.within_focus(text, entities, previous.focus)
    intent = elliptical_pattern.sub("", entities_of.strip(text, states_are_filters=is_list)).strip()
    elliptical = bool(elliptical_pattern.match(text))
    asks = has_subject(d, intent)
    uncovered = entities_of.uncovered(text)
    follows_focus = previous is not None and bool(previous.focus) and bool(pronoun.search(text))
    if uncovered and not follows_focus and not any(entities_of.kind(e) == "program" for e in entities):
        return Resolved(text, (), intent, "uncovered", uncovered=tuple(uncovered), corrections=corrections)
    programs = [e for e in entities if entities_of.kind(e) == "program"]
    if len(entities) >= 2 and lexicon.pattern("compare").search(text) \
            or len(programs) >= 2 and len(programs) == len(entities) and not is_list:
        # "are CMU and Stanford STEM?", "should I apply to CMU or Stanford?": each note answers for itself
        return Resolved(text, tuple(entities), strip_words(intent, lexicon.compare_words), "compare",
                        corrections=corrections)
    if entities and previous is not None and (pronoun.search(text) or elliptical) \
            and all(entities_of.kind(e) == "topic" for e in entities) \
            and any(entities_of.kind(e) == "program" for e in previous.focus):
        # "can I get an F-1 visa with it?", "and what about the GRE?" after a university: still
        # about that university.
        return Resolved(text, previous.focus, intent, "single", corrections=corrections)
    if is_list and entities and lexicon.pattern("list_except").search(text):
        # "Which universities does the guide list besides CMU and MIT?": the others.
        return Resolved(text, (), intent, "list", corrections=corrections, without=tuple(entities))
    if is_list and entities and all(entities_of.kind(e) == "topic" for e in entities):
        # "Which universities require the GRE?": the topic is what the list is filtered by.
        return Resolved(text, (), intent, "list", corrections=corrections)
    borrowed = asked_of_another_topic(d, intent, entities, previous) if elliptical else None
    if borrowed is not None:  # "how long is the TOEFL valid?", "and IELTS?": how long IELTS is valid
        return Resolved(borrowed, tuple(entities), borrowed, "single", corrections=corrections)
    if entities:
        if not asks and previous is not None and previous.intent and has_subject(d, previous.intent):
            mode = "compare" if len(entities) >= 2 and previous.mode == "compare" else "single"
            # "What do I need for it [STEM OPT]?", "does CMU qualify?": what "it" was goes on too
            it = [e for e in previous.focus if pronoun.search(previous.intent) and entities_of.kind(e) == "topic"]
            return Resolved(text, (*entities, *it), previous.intent, mode, corrections=corrections)
        if previous is not None and previous.focus and pronoun.search(text) \
                and all(entities_of.kind(e) == "program" for e in entities) \
                and all(entities_of.kind(e) == "topic" for e in previous.focus):
            # "What is the F-1 visa?" ... "So would Berkeley's MIDS work for that?": the topic
            # goes on beside the university, which must answer it.
            return Resolved(text, (*entities, *previous.focus), intent, "single", corrections=corrections)
        return Resolved(text, tuple(entities), intent, "single", corrections=corrections)
    if is_list:
        return Resolved(text, (), intent, "list", corrections=corrections)
    if previous is not None and previous.focus and (pronoun.search(text) or elliptical or not asks
                                                     or asks_specific(d, text)):
        mode = "compare" if previous.mode == "compare" and len(previous.focus) >= 2 else "single"
        text, intent = (it_as_the_degree_named(d, it_as_the_part_named(d, t, previous.focus, previous.text),
                                               previous.focus, previous.text, last_answer) for t in (text, intent))
        return Resolved(text, previous.focus, intent, mode, corrections=corrections)
    if previous is not None and previous.focus and not lexicon.pattern("in_general").search(text):
        # "How are the lectures delivered?" after a university: about it, if its note answers.
        return Resolved(text, previous.focus, intent, "single", corrections=corrections, tentative=True)
    return it_as_the_term_defined(d, text, previous) or Resolved(text, (), intent, "single", corrections=corrections)


def _quotes_in(answer_text: str) -> list[str]:
    """The quoted sentences of an answer: the text before each [n], and after a lead-in's colon
    ("1 of the universities ... match, according to their notes: <quote> [1]")."""
    parts = [s.strip() for s in re.split(r"\s*\[\d+\]\s*", answer_text) if s.strip()]
    return parts + [p.split(": ", 1)[1] for p in parts if ": " in p]
