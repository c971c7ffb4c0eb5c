"""The Pydantic models of the HTTP API: request bodies (validated, 422 naming the field) and the
response shapes declared for the OpenAPI schema.

The field names are a public contract relied on by the widget and outside clients: extend them,
never rename. The chat request model is built per app (`chat_request_model(settings)`), since
its limits come from Settings.
"""

# No `from __future__ import annotations`: the chat request models are defined inside a function,
# and Pydantic must see their field types themselves, not strings naming local classes.

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..settings import Settings


def chat_request_model(settings: Settings) -> type[BaseModel]:
    """The body of POST /api/chat with the limits of `settings`."""
    max_message_chars = settings.max_message_chars

    class ChatTurn(BaseModel):
        model_config = ConfigDict(extra="ignore")
        role: Literal["user", "assistant"]
        content: str = Field(max_length=settings.max_turn_chars)

    class ChatRequest(BaseModel):
        model_config = ConfigDict(extra="ignore")
        message: str = Field(description=f"The student's question, 1–{max_message_chars} characters after trimming.")
        history: list[ChatTurn] = Field(default_factory=list, max_length=settings.max_history_items,
                                        description="Earlier turns, oldest first (the server keeps no state).")

        @field_validator("message")
        @classmethod
        def message_has_text(cls, value: str) -> str:
            trimmed = value.strip()
            if not trimmed:
                raise ValueError("message must not be empty or blank")
            if len(trimmed) > max_message_chars:
                raise ValueError(f"message must be at most {max_message_chars} characters after trimming")
            return trimmed

    return ChatRequest


class CitationOut(BaseModel):
    id: int
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    quote: str


class SegmentOut(BaseModel):
    text: str = Field(description="One sentence of the reply (verbatim corpus text when cited), or one list item")
    citations: list[int] = Field(description="Ids of the citations that support it (none for lead-ins)")


class BlockOut(BaseModel):
    type: Literal["paragraph", "list"]
    sentences: list[SegmentOut] | None = Field(None, description="type paragraph: its sentences, in order")
    items: list[SegmentOut] | None = Field(None, description="type list: its items, in order")


class ChatResponse(BaseModel):
    answer: str = Field(description="The whole reply as text, each cited sentence followed by its [n] marker")
    answered: bool
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[CitationOut]
    suggestions: list[str]
    blocks: list[BlockOut] = Field(description="The same reply as paragraphs and lists, for clients that "
                                               "render lists as lists")
    reply_id: str | None = Field(None, description="Signed id of this reply, for POST /api/feedback "
                                                   "(absent when recording is off)")


class SearchResult(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    text: str
    score: float


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]


class ChunkResponse(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    text: str


class RecordingHealth(BaseModel):
    database: str = Field(description="sqlite or postgresql")
    ready: bool = Field(description="The schema is migrated and events can be written")
    queued: int = Field(description="Events waiting in this worker's memory for the database")
    written: int
    dropped: int = Field(description="Events dropped by this worker: the queue was full, or shutdown came first")
    rejected: int = Field(description="Events the database refused for what they held")
    retries: int = Field(description="Failed writes retried (the database was unavailable)")
    last_error: str | None = Field(description="The last database error, until a write succeeds again")


class HealthResponse(BaseModel):
    status: str
    documents: int
    chunks: int
    index_version: str
    worker: int = Field(description="Process id of the worker that answered (several workers each have one).")
    recording: RecordingHealth | None = Field(None, description="This worker's event recording; null when off "
                                                                 "(GUIDEBOT_DATABASE_URL=none)")


class Limits(BaseModel):
    max_message_chars: int = Field(description="Longest message, after trimming (GUIDEBOT_MAX_MESSAGE_CHARS).")
    max_history_items: int = Field(description="Most earlier turns in `history` (GUIDEBOT_MAX_HISTORY_ITEMS).")
    max_turn_chars: int = Field(description="Longest `content` of one history turn (GUIDEBOT_MAX_TURN_CHARS).")

    @classmethod
    def of(cls, settings: Settings) -> "Limits":
        return cls(max_message_chars=settings.max_message_chars, max_history_items=settings.max_history_items,
                   max_turn_chars=settings.max_turn_chars)


class ConfigResponse(BaseModel):
    title: str
    greeting: str
    suggestions: list[str]
    limits: Limits


class ErrorResponse(BaseModel):
    detail: str


class DocumentChanges(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[str]


class ReindexResponse(BaseModel):
    documents: int
    chunks: int
    changes: DocumentChanges
    seconds: float
    index_version: str


class CorpusProblem(BaseModel):
    file: str
    field: str | None
    message: str
    fix: str


class CorpusProblemsResponse(BaseModel):
    detail: str
    problems: list[CorpusProblem]
