"""Every chunk of a corpus as a few flat arrays, the way the index holds and stores them.

A `ChunkTable` is a `Sequence[Chunk]`: `table[i]` builds the `Chunk` (chunk_id, doc_id, title,
section, url, start, end, text, sentences) from the arrays when asked, so that 100,000 chunks cost
a few megabytes of numbers instead of a million Python objects, and the arrays can be memory-mapped
from the index file (workers then share one copy of their pages). A chunk's text is never stored
twice: it is `document.text[start:end]`, sliced on access.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator, Mapping, Sequence
from typing import overload

import numpy as np

from ..corpus import Document
from . import Chunk

CACHED_CHUNKS = 4096  # built chunks kept (all dropped when full): a few megabytes
# The arrays of a table by name (what the index file stores, one .npy member each).
COLUMNS = ("chunk_doc", "chunk_start", "chunk_end", "chunk_section", "chunk_id_ends", "sentence_ends", "sentences")


class ChunkTable(Sequence[Chunk]):
    """The chunks of `documents`, in index order.

    Columns, one row per chunk: `chunk_doc` (position of its document), `chunk_start`/`chunk_end`
    (offsets in the document text), `chunk_section` (position in `sections`, -1 for none),
    `chunk_id_ends` (end of its id in `ids`, the ids written one after another) and
    `sentence_ends` (end of its sentences in `sentences`, which holds every chunk's sentence spans
    as start, end pairs relative to the chunk text).
    """

    def __init__(self, documents: Sequence[Document], ids: str, sections: Sequence[str],
                 columns: Mapping[str, np.ndarray]) -> None:
        self.documents = tuple(documents)
        self.ids = ids
        self.sections = list(sections)
        self.columns = {name: columns[name] for name in COLUMNS}
        # memoryviews: indexing one gives a Python int ~10x faster than a numpy scalar
        self._doc, self._start, self._end, self._section, self._id_ends, self._sentence_ends, self._spans = (
            memoryview(self.columns[name]) for name in COLUMNS)
        self._positions: dict[str, int] | None = None
        # Answering reads the same few chunks many times per request, and a built Chunk costs ~3 µs:
        # recently built ones are kept (a plain dict, so the table holds no reference to itself).
        self._built: dict[int, Chunk] = {}
        rows = len(self._doc)
        if not all(len(self.columns[name]) == rows for name in COLUMNS[:6]) \
                or len(self._spans) != 2 * (self._sentence_ends[-1] if rows else 0):
            raise ValueError("the chunk columns do not have matching lengths")

    @classmethod
    def of(cls, documents: Sequence[Document], chunks: Sequence[Chunk]) -> ChunkTable:
        """The table of chunks made by chunking `documents` (every chunk's doc_id among them)."""
        doc_position = {doc.id: i for i, doc in enumerate(documents)}
        section_position: dict[str, int] = {}
        for chunk in chunks:
            if chunk.section is not None:
                section_position.setdefault(chunk.section, len(section_position))
        sentence_counts = [len(c.sentences) for c in chunks]
        spans = itertools.chain.from_iterable(itertools.chain.from_iterable(c.sentences for c in chunks))
        columns = {
            "chunk_doc": np.fromiter((doc_position[c.doc_id] for c in chunks), np.int32, len(chunks)),
            "chunk_start": np.fromiter((c.start for c in chunks), np.int64, len(chunks)),
            "chunk_end": np.fromiter((c.end for c in chunks), np.int64, len(chunks)),
            "chunk_section": np.fromiter((-1 if c.section is None else section_position[c.section] for c in chunks),
                                         np.int32, len(chunks)),
            "chunk_id_ends": np.cumsum([len(c.chunk_id) for c in chunks], dtype=np.int64),
            "sentence_ends": np.cumsum(sentence_counts, dtype=np.int64),
            "sentences": np.fromiter(spans, np.int32, 2 * sum(sentence_counts)),
        }
        return cls(documents, "".join(c.chunk_id for c in chunks), list(section_position), columns)

    def __len__(self) -> int:
        return len(self._doc)

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        built = self._built.get(index) if type(index) is int else None  # noqa: E721 - slices are unhashable
        if built is not None:
            return built
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = operator.index(index)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("chunk index out of range")
        if len(self._built) >= CACHED_CHUNKS:
            self._built.clear()
        chunk = self._built[i] = self._build(i)
        return chunk

    def _build(self, i: int) -> Chunk:
        doc = self.documents[self._doc[i]]
        start, end, section = self._start[i], self._end[i], self._section[i]
        first, last = (self._sentence_ends[i - 1] if i else 0), self._sentence_ends[i]
        flat = iter(self._spans[2 * first: 2 * last].tolist())
        return Chunk(self.chunk_id(i), doc.id, doc.title, None if section < 0 else self.sections[section], doc.url,
                     start, end, doc.text[start:end], tuple(zip(flat, flat, strict=True)))

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def chunk_id(self, i: int) -> str:
        return self.ids[self._id_ends[i - 1] if i else 0: self._id_ends[i]]

    @property
    def positions(self) -> Mapping[str, int]:
        """Chunk id → position, built on first use (only looking a chunk up by id needs it)."""
        if self._positions is None:
            self._positions = {self.chunk_id(i): i for i in range(len(self))}
        return self._positions

    def positions_by_document(self) -> dict[str, Sequence[int]]:
        """Each document's chunk positions, in order (a range: chunking keeps a document's chunks together)."""
        doc = self.columns["chunk_doc"]
        order = np.argsort(doc, kind="stable")
        bounds = np.searchsorted(doc[order], np.arange(len(self.documents) + 1))
        found: dict[str, Sequence[int]] = {}
        for d, document in enumerate(self.documents):
            lo, hi = int(bounds[d]), int(bounds[d + 1])
            if hi > lo:
                positions = order[lo:hi]
                contiguous = int(positions[-1]) - int(positions[0]) == hi - lo - 1
                found[document.id] = range(int(positions[0]), int(positions[-1]) + 1) if contiguous \
                    else positions.tolist()
        return found
