"""Every number that tunes answering, in one typed object.

`Policy` holds the thresholds, k's, budgets and weights that retrieval, sentence selection,
grounding, lists and conversation use; nothing below the chat facade hard-codes one. The
defaults were chosen on the gold set's tune split (README, "Quality: the gold set"); `Settings`
overrides the three it exposes (`GUIDEBOT_TOP_K_PASSAGES`, `_MAX_ANSWER_SENTENCES`,
`_MAX_ANSWER_CHARS`) through `Settings.policy()`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """Tuning numbers for answering. Shares are of the question's idf-weighted concepts."""

    # Answerability (answering/answerability.py): a single answer needs its key word cited and this
    # coverage; None: the coverage chosen by the calibration (data/answerability.json).
    answer_coverage: float | None = None
    # Words nearly as distinctive as the question's key word (this share of it) must be cited too.
    key_share: float = 1.0
    # In a named document every sentence is about its subject: a word within this share of the key
    # word's distinctiveness must be cited too ("how do I *prepare* for the F-1 visa *interview*?").
    key_share_in_focus: float = 0.8
    # Asked of a named document, a word the corpus never uses is a key word when its distinctiveness is
    # this share of the top one's: the subject's name words ("MSIS subplan") are not what is asked.
    unknown_key_share_in_focus: float = 0.6
    unknown_key_rarity: float = 0.6  # ... unless it is an everyday word ("enough" 0.47, "carry" 0.54)
    # Grounding rules of lists, comparisons and fallbacks: the cited sentences cover this share.
    answer_threshold: float = 0.6
    # A university's note lacks the answer: the general guide must cover this share to be offered.
    fallback_threshold: float = 0.8
    # Each spelling correction lowers the confidence by this much.
    correction_penalty: float = 0.1
    # Abstentions report at most this share of their (insufficient) coverage as confidence.
    abstain_confidence_share: float = 0.5
    abstain_coverage_cap: float = 0.5

    # Question analysis.
    unknown_weight: float = 0.8  # a word the corpus never uses: this share of the rarest word's idf
    min_concept_weight: float = 0.2  # no concept weighs less
    filler_weight: float = 0.5  # synonyms of framing words ("what do I need") steer the search this much
    hint_weight: float = 0.8  # search weight of the words a question word stands for ("where" → located)
    hint_concept_share: float = 0.3  # beside other words, a question-word concept weighs this share
    neighbours: bool = True  # words the corpus never uses are matched by their neighbours in meaning
    neighbour_threshold: float = 0.6  # cosine similarity (WordLlama) a neighbour needs
    neighbour_weight: float = 0.6  # search weight of a neighbour, as of a synonym
    meaning_threshold: float = 0.5  # cosine a sentence needs to answer a question asked in other words
    focus_meaning_threshold: float = 0.6  # ... inside a topic note in focus (at 0.5 it answered what the note lacks)
    meaning_max_unknown_share: float = 0.5  # ... unless this share of the question is words the corpus never uses
    max_spelling_lookups: int = 16  # distinct unknown words of one message that spelling correction looks up

    # Retrieval.
    top_k_passages: int = 8  # passages answering a general question may come from
    general_candidates: int = 16  # retrieved before the guide-first prior re-ranks them
    focus_passages: int = 12  # passages of the notes in focus
    program_note_prior: float = 0.7  # a question naming no university: university notes' scores × this

    # Sentence selection.
    heading_answer_share: float = 0.8  # a passage whose heading holds this share of a question answers it whole
    definition_passages: int = 64  # passages with the word looked at for one defining it ("what is sed?")
    heading_as_question: float = 0.5  # a heading sharing this share of all its and the question's words asks it
    max_sentences: int = 4
    max_chars: int = 700
    context_credit: float = 0.5  # a concept only in a sentence's heading or title counts this much
    relative_cutoff: float = 0.5  # other sentences need this share of the best one's relevance
    passage_cutoff: float = 0.35  # ... or this share when they are in the best sentence's passage
    definition_boost: float = 1.5  # "what is X?": a sentence defining X
    instances_boost: float = 1.5  # "what courses ...?": a sentence naming some after the word ("courses in A, B")
    rank_floor: float = 0.6  # a passage's relevance factor is rank_floor + (1 - rank_floor) × its relative score

    # Overviews ("tell me about X"), need-only follow-ups ("how long is it?"), lists and comparisons.
    overview_sentences: int = 3
    overview_sentences_each: int = 2  # when several documents are in focus
    overview_documents: int = 4
    overview_confidence: float = 0.8
    need_only_sentences: int = 3
    need_only_confidence: float = 0.6
    expansion_confidence: float = 0.85  # the sentence writing an acronym beside the words it spells
    list_passages_per_note: int = 8
    list_sentences_per_note: int = 4
    list_chars_per_note: int = 2000
    list_alternative_share: float = 0.6  # a list item must cover this share of one alternative's words
    list_confidence: float = 0.9
    denial_window: int = 15  # a negation denies a list's predicate when one of its words follows within this
    compare_passages_per_note: int = 8
    compare_sentences_per_note: int = 2
    compare_chars_per_note: int = 350
    compare_documents: int = 4
    fallback_confidence_share: float = 0.9  # a general answer for a topic in focus
    partial_general_sentences: int = 2  # what holds in general, in a partial reply about a university
    partial_general_share: float = 0.6  # ... each of them covering this share of the question alone
    min_answer_confidence: float = 0.05

    # Conversation.
    recent_turns: int = 12  # only the last turns of the history can steer a follow-up
    suggestions: int = 3
    suggestion_focus_documents: int = 2  # suggestions about at most this many documents in focus
    entity_cache_bytes: int = 4 * 1024 * 1024  # names found per distinct text, memoised up to this much
    shared_name_notes: int = 3  # a program's name ("MEng") used by at most this many notes (and a third) names them
