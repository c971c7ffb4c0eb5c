"""The corpus documents as pages people can read and check: `/sources` lists them and
`/sources/{doc_id}` renders one from its Markdown (jinja2, autoescaped), each section an anchor
and each citable sentence an element whose id a citation links to, highlighted by `:target`.

Owns the page model (`SourcePage`: sections, paragraphs and lists, sentence pieces), the ids
(`sentence_id`, section anchors) and where a citation links (`SourceLibrary.links`): the
official page the sentence was checked against (front matter `sources` with `for`), else the
document's site, else its page here. A `SourceLibrary` belongs to one serving bot and is built on
first use; the Markdown is split by the same code that chunked it, so the sentences on a page are
the sentences quotes come from.
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..chat import Citation, Guidebot
from ..chunking import LIST_ITEM, blocks
from ..corpus import Document
from .lifecycle import BotHolder
from .middleware import page_security_headers

PAGES_PREFIX = "/sources"
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
KIND_ORDER = {"guide": 0, "topic": 1, "program": 2}

Part = tuple[str, str | None]  # text, and the link it is when it is a bare URL


@dataclass(frozen=True)
class Piece:
    """A run of text: a citable sentence (with its id) or the text between sentences."""

    id: str | None
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class PageBlock:
    type: str  # paragraph | list
    items: tuple[tuple[Piece, ...], ...]  # a paragraph has one item


@dataclass(frozen=True)
class PageSection:
    anchor: str
    heading: str | None
    blocks: tuple[PageBlock, ...]


@dataclass(frozen=True)
class SourcePage:
    doc: Document
    sections: tuple[PageSection, ...]

    def anchor_of(self, heading: str | None) -> str | None:
        return next((s.anchor for s in self.sections if s.heading == heading), None)


@dataclass(frozen=True)
class Links:
    """Where a citation sends a reader: `link` to check it (official page, site or page here),
    `page` to read it in context here (a path on this server, with the sentence's id)."""

    link: str
    page: str


def sentence_id(text: str) -> str:
    """The element id of a sentence on its page: the same for the same words, wherever they are."""
    return "q-" + hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]


def slug(heading: str) -> str:
    return _NOT_SLUG.sub("-", heading.lower()).strip("-") or "section"


def page_path(doc_id: str, fragment: str | None = None) -> str:
    return f"{PAGES_PREFIX}/{doc_id}" + (f"#{fragment}" if fragment else "")


class SourceLibrary:
    """The readable pages of one index, built per document on first request."""

    def __init__(self, bot: Guidebot) -> None:
        self.documents = {d.id: d for d in bot.documents}
        self._spans: dict[str, list[tuple[int, int]]] = {}
        for chunk in bot.indexed.chunks:
            self._spans.setdefault(chunk.doc_id, []).extend(
                (chunk.start + a, chunk.start + b) for a, b in chunk.sentences)
        self._pages: dict[str, SourcePage] = {}
        self._lock = threading.Lock()

    def page(self, doc_id: str) -> SourcePage | None:
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        page = self._pages.get(doc_id)
        if page is None:
            page = build_page(doc, sorted(self._spans.get(doc_id, ())))
            with self._lock:
                self._pages[doc_id] = page
        return page

    def section_path(self, doc_id: str, section: str | None) -> str:
        page = self.page(doc_id)
        return page_path(doc_id, page.anchor_of(section) if page else None)

    def links(self, citation: Citation) -> Links:
        page = page_path(citation.doc_id, sentence_id(citation.quote))
        doc = self.documents.get(citation.doc_id)
        official = doc.source_of(citation.quote) if doc else None
        return Links(official or citation.url or page, page)


_libraries: weakref.WeakKeyDictionary[Guidebot, SourceLibrary] = weakref.WeakKeyDictionary()
_libraries_lock = threading.Lock()


def library_for(bot: Guidebot) -> SourceLibrary:
    """The library of this bot (a reindexed bot gets its own; the old one goes with it)."""
    library = _libraries.get(bot)
    if library is None:
        with _libraries_lock:
            library = _libraries.get(bot)
            if library is None:
                library = _libraries[bot] = SourceLibrary(bot)
    return library


def build_page(doc: Document, spans: list[tuple[int, int]]) -> SourcePage:
    """Sections of paragraphs and lists, in document order, with each sentence span as a piece."""
    sections: list[tuple[str | None, list[PageBlock]]] = []
    used_ids: set[str] = set()
    for heading, start, end in blocks(doc.text):
        if not sections or sections[-1][0] != heading:
            sections.append((heading, []))
        lines = _item_ranges(doc.text, start, end)
        kind = "list" if lines else "paragraph"
        ranges = lines or [(start, end)]
        items = tuple(_pieces(doc.text, a, b, spans, used_ids) for a, b in ranges)
        sections[-1][1].append(PageBlock(kind, items))
    anchors: set[str] = set()
    result = []
    for heading, section_blocks in sections:
        anchor = slug(heading) if heading else "top"
        while anchor in anchors:
            anchor += "-2"
        anchors.add(anchor)
        result.append(PageSection(anchor, heading, tuple(section_blocks)))
    return SourcePage(doc, tuple(result))


def _item_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The list items of a block (the text after each marker), or [] when it is a paragraph."""
    ranges: list[tuple[int, int]] = []
    offset = start
    for line in text[start:end].splitlines(keepends=True):
        marker = LIST_ITEM.match(line)
        if marker is None:
            return []
        ranges.append((offset + marker.end(), offset + len(line.rstrip())))
        offset += len(line)
    return ranges


def _pieces(text: str, start: int, end: int, spans: list[tuple[int, int]], used: set[str]) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    position = start
    for a, b in spans:
        if a < position or b > end:
            continue
        if a > position:
            pieces.append(Piece(None, _parts(text[position:a])))
        sentence = text[a:b]
        ident = sentence_id(sentence)
        pieces.append(Piece(None if ident in used else ident, _parts(sentence)))
        used.add(ident)
        position = b
    if position < end:
        pieces.append(Piece(None, _parts(text[position:end])))
    return tuple(p for p in pieces if p.parts)


def _parts(text: str) -> tuple[Part, ...]:
    """Text with its bare http(s) URLs as links (a trailing full stop is not part of a URL)."""
    text = " ".join(text.split())
    parts: list[Part] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        if match.start() > last:
            parts.append((text[last:match.start()], None))
        parts.append((url, url))
        last = match.start() + len(url)
    if last < len(text):
        parts.append((text[last:], None))
    return tuple((t, h) for t, h in parts if t)


def add_source_pages(app: FastAPI, holder: BotHolder, templates: Jinja2Templates) -> None:
    """GET /sources (every document) and GET /sources/{doc_id} (one, or a 404 page)."""

    def render(request: Request, name: str, context: dict[str, object], status: int = 200) -> HTMLResponse:
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.update(page_security_headers(bytes(response.body).decode("utf-8")))
        return response

    @app.get(PAGES_PREFIX, response_class=HTMLResponse, include_in_schema=False)
    async def source_index(request: Request) -> HTMLResponse:
        docs = sorted(holder.bot.documents, key=lambda d: (KIND_ORDER.get(d.kind, 3), d.title.lower()))
        return render(request, "sources.html", {"documents": docs, "prefix": PAGES_PREFIX})

    @app.get(PAGES_PREFIX + "/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    async def source_page(request: Request, doc_id: str) -> HTMLResponse:
        page = library_for(holder.bot).page(doc_id)
        if page is None:
            return render(request, "source_missing.html", {"doc_id": doc_id, "prefix": PAGES_PREFIX}, 404)
        return render(request, "source.html", {"page": page, "doc": page.doc, "prefix": PAGES_PREFIX})
