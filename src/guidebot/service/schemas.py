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
        message: str = Field(description=f"The student's question, 1–{max_message_chars} characters after trimming "
                                         "and Unicode NFKC normalisation.",
                             json_schema_extra={"minLength": 1, "maxLength": max_message_chars})
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
    link: str = Field(description="Where to check this sentence: the official page it was checked against, "
                                  "else the document's site, else its page on this server")
    page: str = Field(description="The sentence in its document on this server (a path, e.g. "
                                  "/sources/cmu#q-…, relative to the API base); the fragment highlights it")


class QuoteOut(BaseModel):
    id: int = Field(description="The citation's id")
    text: str
    link: str
    page: str


class SourceOut(BaseModel):
    doc_id: str
    title: str
    section: str | None
    url: str | None = Field(description="The document's official site, as in its citations")
    page: str = Field(description="This section of the document on this server (a path, e.g. /sources/cmu#location)")
    link: str = Field(description="Where to check the section's quotes: their common link, else `page`")
    citations: list[int] = Field(description="Ids of the citations from this section, in order")
    quotes: list[QuoteOut]


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
    kind: str = Field(description="What sort of reply: answer, list, partial (a covered subject, an uncovered "
                                  "detail), abstain, smalltalk or clarify; clients offer a contact on partial "
                                  "and abstain")
    sources: list[SourceOut] = Field(description="The citations grouped by document section, in citation order")
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


class IndexHealth(BaseModel):
    age_seconds: float = Field(description="Seconds since the served index was built")
    persisted: bool = Field(description="False when the index file could not be written: served from memory")
    corpus_problems: int = Field(description="Problems of the current corpus that keep a previous index serving")


class LaneHealth(BaseModel):
    running: int
    waiting: int
    capacity: int = Field(description="Threads plus waiting places; a request finding them all taken gets 503")
    refused: int = Field(description="Requests refused because the lane was full, since the worker started")


class QueueHealth(BaseModel):
    light: LaneHealth
    heavy: LaneHealth = Field(description="The lane of costly requests (long histories, growing text)")
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
    status: str = Field(description='"ok" when ready; "busy" (work queue full) or "failing" (most recent '
                                    'requests failed) with a 503')
    documents: int
    chunks: int
    index_version: str
    worker: int = Field(description="Process id of the worker that answered (several workers each have one).")
    ready: bool
    index: IndexHealth
    queue: QueueHealth
    recent_failure_share: float = Field(ge=0.0, le=1.0, description="Share of the recent chats and searches "
                                                                     "that timed out or failed")
    recording: RecordingHealth | None = Field(None, description="This worker's event recording; null when off "
                                                                 "(GUIDEBOT_DATABASE_URL=none)")


class LivenessResponse(BaseModel):
    status: str = Field(description='Always "alive": the worker\'s event loop answers')
    worker: int


class Limits(BaseModel):
    max_message_chars: int = Field(description="Longest message, after trimming and NFKC normalisation "
                                               "(GUIDEBOT_MAX_MESSAGE_CHARS).")
    max_history_items: int = Field(description="Most earlier turns in `history` (GUIDEBOT_MAX_HISTORY_ITEMS).")
    max_turn_chars: int = Field(description="Longest `content` of one history turn, after NFKC normalisation "
                                            "(GUIDEBOT_MAX_TURN_CHARS).")
    max_request_chars: int = Field(description="Most characters in the message and the user turns among the last "
                                               "12 history items together (GUIDEBOT_MAX_REQUEST_CHARS).")
    max_body_bytes: int = Field(description="Largest request body (GUIDEBOT_MAX_BODY_BYTES).")

    @classmethod
    def of(cls, settings: Settings) -> "Limits":
        return cls(max_message_chars=settings.max_message_chars, max_history_items=settings.max_history_items,
                   max_turn_chars=settings.max_turn_chars, max_request_chars=settings.max_request_chars,
                   max_body_bytes=settings.max_body_bytes)


class ConfigResponse(BaseModel):
    title: str
    greeting: str
    suggestions: list[str]
    limits: Limits
    contact_url: str | None = Field(None, description="Where a student can ask a person (GUIDEBOT_CONTACT_URL); "
                                                      "chat clients show it when the bot does not answer")


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
