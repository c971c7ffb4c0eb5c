"""The reply types' texts: a composed answer (cited sentences, a lead-in, the spelling note), the
honest partial reply (a covered subject, not the specific asked, where to check), abstentions,
a request to clarify. Every text comes from the lexicon's reply templates."""

from __future__ import annotations

from collections.abc import Sequence

from ..answering.citing import Block, Citation, Reply, Segment, cite, cited, paragraph
from ..answering.grounding import confidence_of
from ..answering.question import QuestionAnalysis
from ..answering.selection import Candidate
from ..corpus import Document
from .context import Dialogue
from .turns import Resolved


def join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def compose(d: Dialogue, resolved: Resolved, analysis: QuestionAnalysis, picks: Sequence[Candidate],
            cover: float, lead: str = "", probability: float | None = None) -> Reply:
    """An answer: the picked sentences with their markers, after a lead-in and a spelling note.
    Its confidence is the answerability model's `probability` when given, else the coverage less
    a penalty per spelling correction (fallbacks, comparisons)."""
    parts, citations = cite(d, picks)
    fixes = ", ".join(f"“{fixed}”" for _wrong, fixed in analysis.corrections)
    prefix = d.lexicon.reply("reading_as", fixes=fixes) if fixes else ""
    text = prefix + (lead + " " if lead else "") + " ".join(parts)
    blocks = _blocks(Segment(prefix.strip()), Segment(lead), citations)
    confidence = round(probability, 3) if probability is not None else confidence_of(analysis, cover, d.policy)
    return Reply(text, True, max(confidence, d.policy.min_answer_confidence),
                 tuple(citations), kind="answer", focus=resolved.focus, blocks=blocks)


def _blocks(prefix: Segment, lead: Segment, citations: Sequence[Citation]) -> tuple[Block, ...]:
    """Paragraphs of cited sentences; the items after a lead-in ending with ":" form a list."""
    blocks: list[Block] = []
    sentences: list[Segment] = [prefix, lead]
    items: list[Segment] = []
    list_chunk: str | None = None
    for citation, segment in zip(citations, cited(citations), strict=True):
        if list_chunk is not None and citation.chunk_id == list_chunk:
            items.append(segment)
            continue
        if items:
            blocks.extend((paragraph(*sentences), Block("list", tuple(items))))
            sentences, items = [], []
        list_chunk = None
        sentences.append(segment)
        if citation.quote.rstrip().endswith(":"):
            list_chunk = citation.chunk_id
    blocks.append(paragraph(*sentences))
    if items:
        blocks.append(Block("list", tuple(items)))
    return tuple(b for b in blocks if b.items)


def partial(d: Dialogue, resolved: Resolved, focus_docs: Sequence[Document], what: str | None,
            need_kind: str | None, general: Sequence[Candidate] = (), known: Sequence[Candidate] = ()) -> Reply:
    """A covered university or topic, but not the specific asked: say so, give what holds in
    general (cited) when `general` sentences say it, or what is known when `known` sentences (the
    subject's own) address the question without holding the specific asked ("how much is the
    SEVIS fee?": who pays it, and when), and point to the official site."""
    lexicon = d.lexicon
    names = [d.entities.name(doc.id) for doc in focus_docs]
    urls = [doc.url for doc in focus_docs if doc.url]
    subject = what if what and what != lexicon.replies["need_default"] else "that"
    topics = [doc for doc in focus_docs if doc.kind == "topic"]
    if need_kind == "personal":
        head = lexicon.reply("partial_personal")
    elif topics and len(topics) == len(focus_docs):
        head = lexicon.reply("partial_topic", subject=subject, topics=join([doc.title for doc in topics]))
    elif names:
        head = lexicon.reply("partial_named", subject=subject, names=join(names))
    else:
        head = lexicon.reply("partial_general", subject=subject)
    if urls:
        pointer = lexicon.reply("pointer_many" if len(urls) > 1 else "pointer_one", urls=", ".join(urls))
    else:
        pointer = lexicon.reply("pointer_none")
    if not general and not known:
        return Reply(head + pointer, False, 0.0, (), kind="partial", focus=resolved.focus)
    parts, citations = cite(d, known or general)
    lead = lexicon.reply("partial_known" if known else "partial_in_general")
    text = f"{head} {lead} {' '.join(parts)}{pointer}"
    blocks = (paragraph(Segment(head)), paragraph(Segment(lead), *cited(citations)),
              paragraph(Segment(pointer.strip())))
    return Reply(text, False, 0.0, tuple(citations), kind="partial", focus=resolved.focus, blocks=blocks)


def abstain(d: Dialogue, analysis: QuestionAnalysis, cover: float) -> Reply:
    """Nothing in the corpus answers it: say so, and name any unknown names the question used."""
    lexicon, policy = d.lexicon, d.policy
    if analysis.unknown_names:
        head = lexicon.reply("abstain_names", names=join(analysis.unknown_names))
    else:
        head = lexicon.reply("abstain_general")
    confidence = round(min(cover, policy.abstain_coverage_cap) * policy.abstain_confidence_share, 3)
    return Reply(head + lexicon.reply("abstain_suffix"), False, confidence, kind="abstain")


def uncovered(d: Dialogue, resolved: Resolved) -> Reply:
    """A university the corpus does not cover: name it, and say what the corpus does cover."""
    return Reply(d.lexicon.reply("uncovered", names=join(list(resolved.uncovered))), False, 0.0, kind="abstain")


def clarify(d: Dialogue) -> Reply:
    return Reply(d.lexicon.reply("clarify"), False, 0.0, kind="clarify")
