"""The HTTP surface: a FastAPI app built by `create_app(settings)`. Routes are thin: they validate
input (Pydantic models, 422 naming the field), call the engine or the dialogue, and shape JSON.
Also serves the chat page at `/`, the embed page, and the widget's static files from `web/`.

The public contract (field names of /api/chat, /api/search, /api/chunks, /api/health) is relied
on by the widget and outside clients: extend it, never rename.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

import orjson
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .answer import Answer
from .dialogue import respond, suggestion_pool
from .engine import Engine, load_or_build
from .settings import Settings

log = logging.getLogger("guidebot.api")
WEB_DIR = Path(__file__).resolve().parents[2] / "web"
MAX_MESSAGE_CHARS = 2000
MAX_HISTORY_ITEMS = 50
MAX_TURN_CHARS = 20000


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: str = Field(description="The student's question, 1–2000 characters after trimming.")
    history: list[ChatTurn] = Field(default_factory=list, max_length=MAX_HISTORY_ITEMS,
                                    description="Earlier turns, oldest first (the server keeps no state).")

    @field_validator("message")
    @classmethod
    def message_has_text(cls, value: str) -> str:
        trimmed = value.strip()
        if not trimmed:
            raise ValueError("message must not be empty or blank")
        if len(trimmed) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message must be at most {MAX_MESSAGE_CHARS} characters after trimming")
        return trimmed


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


class ConfigResponse(BaseModel):
    title: str
    greeting: str
    suggestions: list[str]


class EngineHolder:
    """The engine currently serving. Replacing `engine` is one reference assignment, so requests
    already running keep the engine they started with and new ones get the new one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


def json_response(data: object, status_code: int = 200) -> Response:
    """orjson-encoded JSON (the routes declare response models for the OpenAPI schema)."""
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json")


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
    """Build the app; loads (or builds) the index for `settings.corpus_dir` unless an engine is given."""
    settings = settings or Settings.from_env()
    holder = EngineHolder(engine or Engine(load_or_build(settings.corpus_dir, settings.index_path)))

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        suggestion_pool(holder.engine)  # warm the suggestion pool before the first request
        yield

    app = FastAPI(title="guidebot", version="1", lifespan=lifespan,
                  description="Cited answers about MS in Machine Learning programs in the US.")
    app.state.settings = settings
    app.state.holder = holder
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                           allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"], max_age=600)
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

    @app.post("/api/chat", response_model=ChatResponse, tags=["chat"])
    async def chat(body: ChatRequest) -> Response:
        """Answer one message; send earlier turns as `history` for follow-up questions."""
        history = [{"role": t.role, "content": t.content} for t in body.history]
        answer = respond(holder.engine, body.message, history)
        return json_response(chat_payload(answer))

    @app.get("/api/search", response_model=SearchResponse, tags=["search"])
    async def search(q: Annotated[str, Query(min_length=1, max_length=MAX_MESSAGE_CHARS)],
                     k: Annotated[int, Query(ge=1, le=50)] = 5) -> Response:
        """The top-k passages for a query, by BM25 score."""
        hits = holder.engine.search(q, k)
        return json_response({"query": q, "results": [
            {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section, "url": c.url,
             "text": c.text, "score": score} for c, score in hits]})

    @app.get("/api/chunks/{chunk_id}", response_model=ChunkResponse, tags=["search"],
             responses={404: {"description": "No chunk has this id"}})
    async def get_chunk(chunk_id: str) -> Response:
        engine = holder.engine
        position = engine.chunk_positions.get(chunk_id)
        if position is None:
            raise HTTPException(status_code=404, detail=f"no chunk with id {chunk_id!r}")
        c = engine.chunks[position]
        return json_response({"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
                               "url": c.url, "text": c.text})

    @app.get("/api/health", response_model=HealthResponse, tags=["service"])
    async def health() -> Response:
        engine = holder.engine
        return json_response({"status": "ok", "documents": len(engine.documents), "chunks": len(engine.chunks),
                               "index_version": engine.version})

    @app.get("/api/config", response_model=ConfigResponse, tags=["service"])
    async def config() -> Response:
        """Title, greeting and three starter questions for chat clients such as the widget."""
        return json_response({"title": settings.title, "greeting": settings.greeting,
                               "suggestions": suggestion_pool(holder.engine)[""][:3]})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "index.html", {
            "title": settings.title, "greeting": settings.greeting, "asset_base": ""})

    @app.get("/embed", response_class=HTMLResponse, include_in_schema=False)
    async def embed_page(request: Request) -> HTMLResponse:
        base_url = str(request.base_url).rstrip("/")
        snippet = f'<script src="{base_url}/widget.js" defer></script>'
        return templates.TemplateResponse(request, "embed.html", {
            "title": settings.title, "base_url": base_url, "snippet": snippet, "greeting": settings.greeting})

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return FileResponse(WEB_DIR / "static" / "widget.js", media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=3600"})

    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    return app
