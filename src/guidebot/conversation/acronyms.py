"""What an acronym stands for: the sentence of a note that spells it out.

"What does IELTS stand for?" names the English tests note, so the note's own name is all the
question holds, and any of its sentences covers that ("English proficiency" is in IELTS's synonym
group). What answers is the sentence that writes the acronym beside the words whose initials spell
it: "the IELTS Academic test (International English Language Testing System)". Whether words
spell an acronym is a matter of letters, so this holds for any corpus ("XZ", "SEVIS", "MIDS").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..answering.citing import Reply, citation_for, cited, paragraph
from ..corpus import Document
from .context import Dialogue
from .turns import Resolved

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Words an expansion may hold without a letter in the acronym ("Test of English *as a* Foreign Language").
_SMALL = frozenset({"a", "an", "and", "as", "at", "for", "in", "of", "on", "the", "to", "&"})


def spells(acronym: str, text: str) -> bool:
    """Do consecutive words of `text` have the acronym's letters as initials, small words free?"""
    letters = acronym.casefold()
    tokens = [t.casefold() for t in _WORD.findall(text)]
    for start in range(len(tokens)):
        i, j = 0, start
        while i < len(letters) and j < len(tokens):
            if tokens[j][0] == letters[i]:
                i, j = i + 1, j + 1
            elif tokens[j] in _SMALL and j > start:
                j += 1
            else:
                break
        if i == len(letters) and j - start >= 2:
            return True
    return False


def spelled_out(d: Dialogue, acronym: str, docs: Sequence[Document] | None) -> list[tuple[int, str]]:
    """(chunk, sentence) of the documents (None: the passages searched for it) that write `acronym`
    beside its expansion."""
    written = re.compile(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", re.IGNORECASE)
    searcher = d.searcher
    positions = [i for doc in docs for i in searcher.chunks_of(doc.id)] if docs is not None else \
        [hit.position for hit in searcher.search(acronym, d.policy.top_k_passages)]
    return [(chunk_index, quote) for chunk_index in positions for quote in searcher.chunks[chunk_index].sentence_texts()
            if written.search(quote) and spells(acronym, quote)]


def answer_expansion(d: Dialogue, resolved: Resolved, docs: Sequence[Document] | None, question: str) -> Reply | None:
    """"What does IELTS stand for?": the first sentence of the documents (None: of the passages
    searched for the acronym) spelling the acronym out, when the question asks for an expansion and
    names an acronym; None otherwise. What else the message says ("my senior keeps saying wait for
    the EAD") does not change what the acronym stands for."""
    if not d.lexicon.pattern("asks_expansion").search(question):
        return None
    acronyms = [w for w in _WORD.findall(question) if 2 <= len(w) <= 8 and w.casefold() not in d.lexicon.filler
                and (w.isupper() or d.searcher.written_as_name(w.casefold()))]
    for acronym in acronyms:
        found = spelled_out(d, acronym, docs)[:1]
        if found:
            chunk_index, quote = found[0]
            citations = [citation_for(d.searcher.chunks[chunk_index], quote, 1)]
            return Reply(f"{quote} [1]", True, d.policy.expansion_confidence, tuple(citations), kind="answer",
                         focus=resolved.focus, blocks=(paragraph(*cited(citations)),))
    return None
