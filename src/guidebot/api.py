"""The HTTP surface: a FastAPI app built by `create_app(settings)`. Routes are thin: they validate
input (Pydantic models, 422 naming the field), call the engine or the dialogue, and shape JSON.
Also serves the chat page at `/`, the embed page, and the widget's static files from `web/`.
Wires in the request middlewares (middleware.py) and the index lifecycle (lifecycle.py):
POST /api/reindex when an admin token is configured, and following index files rebuilt elsewhere.

The public contract (field names of /api/chat, /api/search, /api/chunks, /api/health) is relied
on by the widget and outside clients: extend it, never rename.
"""

# No `from __future__ import annotations`: the chat route's body model is built per app (its
# limits come from Settings), and FastAPI must see that class itself, not a string naming it.

import asyncio
import hmac
import logging
import os
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Literal

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .answer import Answer
from .dialogue import respond, suggestion_pool
from .engine import Engine
from .errors import CorpusError
from .lifecycle import EngineHolder, RebuildInProgress, follow_index_file, load_for_serving
from .middleware import (
    BodyLimitMiddleware,
    RateLimitMiddleware,
    RequestLogMiddleware,
    SecurityHeadersMiddleware,
    TokenBucketLimiter,
    log_fields,
    page_security_headers,
)
from .settings import Settings

__all__ = ["EngineHolder", "chat_payload", "create_app"]

log = logging.getLogger("guidebot.api")
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
MAX_MESSAGE_CHARS = 2000
MAX_HISTORY_ITEMS = 50
MAX_TURN_CHARS = 20000
RATE_LIMITED_PATHS = ("/api/chat", "/api/search", "/api/reindex")


def chat_request_model(max_message_chars: int = MAX_MESSAGE_CHARS, max_history_items: int = MAX_HISTORY_ITEMS,
                       max_turn_chars: int = MAX_TURN_CHARS) -> type[BaseModel]:
    """The body of POST /api/chat with the given limits (Settings makes them configurable)."""

    class ChatTurn(BaseModel):
        model_config = ConfigDict(extra="ignore")
        role: Literal["user", "assistant"]
        content: str = Field(max_length=max_turn_chars)

    class ChatRequest(BaseModel):
        model_config = ConfigDict(extra="ignore")
        message: str = Field(description=f"The student's question, 1–{max_message_chars} characters after trimming.")
        history: list[ChatTurn] = Field(default_factory=list, max_length=max_history_items,
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


ChatRequest = chat_request_model()


class CitationOut(BaseModel):
    id: int
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    quote: str


class ChatResponse(BaseModel):
    answer: str
    answered: bool
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[CitationOut]
    suggestions: list[str]


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


class HealthResponse(BaseModel):
    status: str
    documents: int
    chunks: int
    index_version: str
    worker: int = Field(description="Process id of the worker that answered (several workers each have one).")


class ConfigResponse(BaseModel):
    title: str
    greeting: str
    suggestions: list[str]


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


def json_response(data: object, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """orjson-encoded JSON (the routes declare response models for the OpenAPI schema)."""
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json", headers=headers)


class ReplyCache:
    """Recent chat replies, already encoded. `respond` is a pure function of the engine, the message
    and the history, so a repeated request (a starter suggestion, a common first question) is served
    from here without answering or encoding it again. Kept per engine (in `engine.memo`), so a
    reindex starts empty; bounded in entries, and long conversations are never kept."""

    MAX_KEY_CHARS = 4000

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, ...], tuple[bytes, bool, str]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, engine: Engine) -> "ReplyCache":
        cache = engine.memo.get("replies")
        return cache if cache is not None else engine.memo.setdefault("replies", cls())  # type: ignore[return-value]

    @classmethod
    def key(cls, message: str, history: list[dict[str, str]]) -> tuple[str, ...] | None:
        key = (message, *(part for turn in history for part in (turn["role"], turn["content"])))
        return key if sum(map(len, key)) <= cls.MAX_KEY_CHARS else None

    def get(self, key: tuple[str, ...]) -> tuple[bytes, bool, str] | None:
        with self._lock:
            reply = self._entries.get(key)
            if reply is not None:
                self._entries.move_to_end(key)
            return reply

    def put(self, key: tuple[str, ...], reply: tuple[bytes, bool, str]) -> None:
        with self._lock:
            self._entries[key] = reply
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)


def chat_payload(answer: Answer) -> dict[str, object]:
    return {
        "answer": answer.text,
        "answered": answer.answered,
        "confidence": answer.confidence,
        "citations": [
            {"id": c.id, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
             "url": c.url, "quote": c.quote} for c in answer.citations
        ],
        "suggestions": list(answer.suggestions),
    }


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app. Without an engine it serves the index file for `settings.corpus_dir` (built
    when missing or stale) and follows that file when another process rewrites it."""
    settings = settings or Settings.from_env()
    follow_file = engine is None
    if engine is None:
        engine = Engine(load_for_serving(settings.corpus_dir, settings.index_path))
    holder = EngineHolder(engine, settings.corpus_dir, settings.index_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        suggestion_pool(holder.engine)  # warm the suggestion pool before the first request
        follower = asyncio.create_task(follow_index_file(holder, settings.reload_check_seconds)) \
            if follow_file else None
        try:
            yield
        finally:
            if follower is not None:
                follower.cancel()
                with suppress(asyncio.CancelledError):
                    await follower

    app = FastAPI(title="guidebot", version="1", lifespan=lifespan,
                  description="Cited answers about MS in Machine Learning programs in the US.")
    app.state.settings = settings
    app.state.holder = holder
    add_middlewares(app, settings)
    add_api_routes(app, settings, holder)
    add_admin_routes(app, settings, holder)
    add_pages(app, settings)
    return app


def add_middlewares(app: FastAPI, settings: Settings) -> None:
    """Outermost first: request id and log line, security headers, CORS (so that 413 and 429
    replies carry CORS headers too and the widget can read them), rate limit, body limit."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimitMiddleware, limiter=TokenBucketLimiter(settings.rate_limit_per_minute),
                           paths=RATE_LIMITED_PATHS)
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                           allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"],
                           expose_headers=["Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestLogMiddleware)


def add_api_routes(app: FastAPI, settings: Settings, holder: EngineHolder) -> None:
    chat_request = chat_request_model(settings.max_message_chars, settings.max_history_items, settings.max_turn_chars)
    budget = settings.request_timeout_seconds

    @app.post("/api/chat", response_model=ChatResponse, tags=["chat"], responses={
        400: {"model": ErrorResponse, "description": "The body cannot be decoded (for example, it is not UTF-8)"},
        413: {"model": ErrorResponse, "description": "The body is larger than GUIDEBOT_MAX_BODY_BYTES"},
        429: {"model": ErrorResponse, "description": "Too many requests from this address; see Retry-After"},
        503: {"model": ErrorResponse, "description": "The answer took longer than the time budget"}})
    async def chat(body: chat_request, request: Request) -> Response:  # type: ignore[valid-type]
        """Answer one message; send earlier turns as `history` for follow-up questions."""
        engine = holder.engine  # read once: a swap during this request does not affect it
        history = [{"role": t.role, "content": t.content} for t in body.history]
        fields = log_fields(request.scope)
        if settings.log_questions:
            fields["question"] = body.message
        replies = ReplyCache.of(engine)
        key = ReplyCache.key(body.message, history)
        reply = replies.get(key) if key is not None else None
        if reply is None:
            try:
                answer = await asyncio.wait_for(asyncio.to_thread(respond, engine, body.message, history), budget)
            except TimeoutError:
                fields["timed_out"] = True
                return json_response({"detail": f"the answer took longer than {budget:g} s; try a shorter "
                                                "question or fewer earlier turns"}, 503, {"Retry-After": "5"})
            reply = (orjson.dumps(chat_payload(answer)), answer.answered, answer.kind)
            if key is not None:
                replies.put(key, reply)
        else:
            fields["cached"] = True
        payload, fields["answered"], fields["kind"] = reply
        return Response(payload, media_type="application/json")

    @app.get("/api/search", response_model=SearchResponse, tags=["search"], responses={
        429: {"model": ErrorResponse, "description": "Too many requests from this address; see Retry-After"}})
    async def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=settings.max_message_chars)],
                     k: Annotated[int, Query(ge=1, le=50)] = 5) -> Response:
        """The top-k passages for a query, by BM25 score."""
        if settings.log_questions:
            log_fields(request.scope)["question"] = q
        hits = holder.engine.search(q, k)
        return json_response({"query": q, "results": [
            {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section, "url": c.url,
             "text": c.text, "score": score} for c, score in hits]})

    @app.get("/api/chunks/{chunk_id}", response_model=ChunkResponse, tags=["search"],
             responses={404: {"model": ErrorResponse, "description": "No chunk has this id"}})
    async def get_chunk(chunk_id: str) -> Response:
        engine = holder.engine
        position = engine.chunk_positions.get(chunk_id)
        if position is None:
            raise HTTPException(status_code=404, detail=f"no chunk with id {chunk_id!r}")
        c = engine.chunks[position]
        return json_response({"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
                               "url": c.url, "text": c.text})

    worker = os.getpid()

    @app.get("/api/health", response_model=HealthResponse, tags=["service"])
    async def health() -> Response:
        engine = holder.engine
        return json_response({"status": "ok", "documents": len(engine.documents), "chunks": len(engine.chunks),
                               "index_version": engine.version, "worker": worker})

    @app.get("/api/config", response_model=ConfigResponse, tags=["service"])
    async def config() -> Response:
        """Title, greeting and three starter questions for chat clients such as the widget."""
        return json_response({"title": settings.title, "greeting": settings.greeting,
                               "suggestions": suggestion_pool(holder.engine)[""][:3]})


def add_admin_routes(app: FastAPI, settings: Settings, holder: EngineHolder) -> None:
    """POST /api/reindex, only when GUIDEBOT_ADMIN_TOKEN is set: otherwise it does not exist (404)
    and is absent from the OpenAPI schema."""
    if not settings.admin_token:
        return
    expected = settings.admin_token.encode("utf-8")
    bearer = HTTPBearer(auto_error=False, description="The value of GUIDEBOT_ADMIN_TOKEN")

    @app.post("/api/reindex", response_model=ReindexResponse, tags=["admin"], responses={
        401: {"model": ErrorResponse, "description": "Missing or wrong admin token"},
        409: {"model": ErrorResponse, "description": "Another rebuild is running; see Retry-After"},
        422: {"model": CorpusProblemsResponse, "description": "The corpus has errors; the current index keeps serving"},
        429: {"model": ErrorResponse, "description": "Too many requests from this address; see Retry-After"},
        503: {"model": ErrorResponse, "description": "The new index file could not be written"}})
    async def reindex(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
        """Rebuild the index from the corpus and swap it in without dropping a request."""
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            return json_response({"detail": "missing or wrong admin token: send the header "
                                            "'Authorization: Bearer <GUIDEBOT_ADMIN_TOKEN>'"},
                                 401, {"WWW-Authenticate": "Bearer"})
        serving = holder.engine.version
        try:
            result = await asyncio.to_thread(holder.rebuild)
        except CorpusError as exc:
            return json_response({
                "detail": f"the corpus has {len(exc.problems)} problem(s), so nothing was rebuilt and index version "
                          f"{serving} keeps serving; fix them (`guidebot index --check` lists them) and reindex again",
                "problems": [p.as_dict() for p in exc.problems]}, 422)
        except RebuildInProgress as exc:
            return json_response({"detail": str(exc)}, 409, {"Retry-After": "2"})
        except OSError as exc:
            log.error("could not write the index file %s: %s", settings.index_path, exc)
            return json_response({"detail": f"the new index could not be written to {settings.index_path} ({exc}); "
                                            f"index version {serving} keeps serving"}, 503)
        return json_response(result.as_dict())


def add_pages(app: FastAPI, settings: Settings) -> None:
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

    def page(request: Request, name: str, context: dict[str, object]) -> HTMLResponse:
        response = templates.TemplateResponse(request, name, context)
        response.headers.update(page_security_headers(bytes(response.body).decode("utf-8")))
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index_page(request: Request) -> HTMLResponse:
        return page(request, "index.html", {"title": settings.title, "greeting": settings.greeting, "asset_base": ""})

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    async def embed_page(request: Request) -> HTMLResponse:
        base_url = str(request.base_url).rstrip("/")
        snippet = f'<script src="{base_url}/widget.js" defer></script>'
        return page(request, "embed.html", {
            "title": settings.title, "base_url": base_url, "snippet": snippet, "greeting": settings.greeting})

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return FileResponse(WEB_DIR / "static" / "widget.js", media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=3600"})

    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
