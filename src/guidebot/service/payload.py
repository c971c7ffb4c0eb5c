"""The JSON of a chat reply as the API sends it: the facade's `reply_payload` (answer, answered,
confidence, citations, suggestions, blocks: unchanged for existing clients), extended with
`kind`, a `link` and `page` on every citation, and `sources`: the citations grouped by document
section, each entry with its quotes and citation ids, in the order they are first cited.

`link` is where a reader checks a sentence (the official page it was checked against, else the
document's site, else its page here); `page` is its readable copy here (a path on this server,
the sentence's id as fragment). `guidebot ask --json` prints the same.
"""

from __future__ import annotations

from ..chat import Guidebot, Reply, reply_payload
from .sources import library_for


def chat_payload(bot: Guidebot, reply: Reply) -> dict[str, object]:
    library = library_for(bot)
    payload = reply_payload(reply)
    cited: list[dict[str, object]] = payload["citations"]  # type: ignore[assignment]
    groups: dict[tuple[str, str | None], dict[str, object]] = {}
    for citation, entry in zip(reply.citations, cited, strict=True):
        links = library.links(citation)
        entry["link"], entry["page"] = links.link, links.page
        key = (citation.doc_id, citation.section)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "doc_id": citation.doc_id, "title": citation.title, "section": citation.section,
                "url": citation.url, "page": library.section_path(citation.doc_id, citation.section),
                "citations": [], "quotes": []}
        group["citations"].append(citation.id)  # type: ignore[attr-defined]
        group["quotes"].append({"id": citation.id, "text": citation.quote,  # type: ignore[attr-defined]
                                "link": links.link, "page": links.page})
    for group in groups.values():
        quote_links = {q["link"] for q in group["quotes"]}  # type: ignore[attr-defined]
        group["link"] = quote_links.pop() if len(quote_links) == 1 else group["page"]
    payload["kind"] = reply.kind
    payload["sources"] = list(groups.values())
    return payload
