"""The HTTP app: `create_app(settings)` (the uvicorn factory `guidebot.service.app:create_app`)
and the API routes. Routes are thin: they validate input (schemas.py and inputs.py, 422 naming
the field), hand the work to the work queue (admission.py: off the event loop, bounded, under a
deadline), call the serving `Guidebot` (read once per request from the `BotHolder`,
lifecycle.py), and shape JSON. Also wires in the request middlewares (middleware.py,
ratelimit.py, head.py, forwarding.py), health (health.py), the pages (pages.py), POST
/api/reindex when an admin token is configured, and following index files rebuilt elsewhere.

Every limit comes from Settings. The public contract (paths, field names and status codes of
/api/chat, /api/search, /api/chunks, /api/health, /api/config) is relied on by the widget and
outside clients: extend it, never rename.
"""

# No `from __future__ import annotations`: the chat route's body model is built per app (its
# limits come from Settings), and FastAPI must see that class itself, not a string naming it.

import asyncio
import gc
import hmac
import logging
import time
from contextlib import asynccontextmanager, suppress
from typing import Annotated

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..chat import Deadline, Guidebot, Turn
from ..errors import CorpusError
from ..settings import Settings
from . import inputs
from .admin import add_admin_pages
from .admission import ActivityMiddleware, Outcomes, WorkQueue, admit
from .delivery import WebDelivery
from .feedback import add_feedback_route
from .forwarding import ProxyHeadersMiddleware, TrustedPeerMiddleware
from .head import HeadMiddleware
from .health import add_health_routes
from .lifecycle import BotHolder, RebuildInProgress, follow_index_file
from .middleware import BodyLimitMiddleware, RequestLogMiddleware, SecurityHeadersMiddleware, log_fields
from .pages import add_pages
from .payload import chat_payload
from .ratelimit import RateLimitMiddleware, TokenBucketLimiter, client_key
from .recording import Recorder
from .replies import CachedReply, ReplyCache
from .schemas import (
    ChatResponse,
    ChunkResponse,
    ConfigResponse,
    CorpusProblemsResponse,
    ErrorResponse,
    Limits,
    ReindexResponse,
    SearchResponse,
    chat_request_model,
)
from .startup import Loaded, load_for_serving, tune_interpreter

__all__ = ["create_app"]

log = logging.getLogger("guidebot.api")
RATE_LIMITED_PATHS = ("/api/chat", "/api/search", "/api/reindex", "/api/feedback")
# Every other route (pages, health, config, chunks): twice the API's rate, in bursts of half its number
# (a page load or a health check is a few requests; a flood of them crowds out everyone).
OTHER_ROUTES_RATE_FACTOR = 2
NEVER_LIMITED_PATHS = ("/api/health/live",)
MAX_SEARCH_RESULTS = 50  # the largest `k` of /api/search (part of the API contract, not a deployment setting)
RATE_COST_CHARS = 2000  # a chat or search counts one more request against the rate limit per this many characters
HEAVY_COST = 1000  # estimated characters above which a chat or search goes to the heavy lane (admission.py)
TOO_MANY = {"model": ErrorResponse, "description": "Too many requests from this address; see Retry-After"}
BUSY = {"model": ErrorResponse, "description": "The work queue is full, or the work took longer than the time "
                                               "budget; see Retry-After"}
TOO_LONG = {"description": "Invalid input, or input over its limits after Unicode normalisation; `detail` "
                           "names the field"}


def json_response(data: object, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """orjson-encoded JSON (the routes declare response models for the OpenAPI schema)."""
    return Response(orjson.dumps(data), status_code=status_code, media_type="application/json", headers=headers)


def create_app(settings: Settings | None = None, bot: Guidebot | None = None, loaded: Loaded | None = None) -> FastAPI:
    """Build the app. Without a bot it serves the index file for `settings.corpus_dir` (built when
    missing or stale, or `loaded` when the caller already did that) and follows that file when
    another process rewrites it."""
    settings = settings or Settings.from_env()
    tune_interpreter()
    follow_file = bot is None
    origin = None
    if bot is None:
        loaded = loaded or load_for_serving(settings.corpus_dir, settings.index_path)
        bot, origin = Guidebot(loaded.indexed, policy=settings.policy()), loaded.origin
    holder = BotHolder(bot, settings.corpus_dir, settings.index_path, origin)
    work = WorkQueue(settings.work_threads, settings.work_queue, heavy_cost=HEAVY_COST)
    outcomes = Outcomes()
    recorder = Recorder.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        holder.bot.warm()  # compute the per-index caches before the first request
        gc.freeze()  # the index and its caches are long-lived: keep the collector from rescanning them
        recorder.start()
        follower = asyncio.create_task(follow_index_file(holder, settings.reload_check_seconds)) \
            if follow_file else None
        try:
            yield
        finally:
            await asyncio.to_thread(recorder.close)  # write what is queued
            if follower is not None:
                follower.cancel()
                with suppress(asyncio.CancelledError):
                    await follower

    app = FastAPI(title="guidebot", version="1", lifespan=lifespan, description=bot.description)
    app.router.route_class = inputs.StrictJSONRoute
    app.add_exception_handler(RequestValidationError, inputs.validation_error_reply)
    app.state.settings = settings
    app.state.holder = holder
    app.state.work = work
    app.state.recorder = recorder
    app.add_middleware(ActivityMiddleware, priority=work.priority)  # innermost: counts requests past their body
    limiter = add_middlewares(app, settings)
    add_chat_route(app, settings, holder, work, outcomes, limiter, recorder)
    add_feedback_route(app, settings, recorder)
    add_search_routes(app, settings, holder, work, outcomes, limiter)
    add_health_routes(app, holder, work, outcomes, recorder.health)
    add_service_routes(app, settings, holder)
    add_admin_routes(app, settings, holder)
    add_pages(app, settings, holder)
    add_admin_pages(app, settings, holder, recorder)
    return app


def add_middlewares(app: FastAPI, settings: Settings) -> TokenBucketLimiter | None:
    """Outermost first: whether the peer is a trusted proxy, then what it forwarded (client
    address, scheme), request id and log line, HEAD as GET, security headers, CORS (so that 413
    and 429 replies carry CORS headers too and the widget can read them), rate limit, body limit.
    Returns the rate limiter (None when off), which the routes also charge by cost."""
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout_seconds)
    limiter = None
    if settings.rate_limit_per_minute:
        limiter = TokenBucketLimiter(settings.rate_limit_per_minute)
        app.add_middleware(RateLimitMiddleware, limiter=limiter, paths=RATE_LIMITED_PATHS,
                           others=TokenBucketLimiter(settings.rate_limit_per_minute * OTHER_ROUTES_RATE_FACTOR,
                                                     burst=max(10, settings.rate_limit_per_minute // 2)),
                           exempt=NEVER_LIMITED_PATHS)
    if settings.allowed_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.allowed_origins),
                           allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"],
                           expose_headers=["Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(WebDelivery)  # HEAD; gzip, ETag and Cache-Control for pages and assets (delivery.py)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.add_middleware(TrustedPeerMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return limiter


def charge(limiter: TokenBucketLimiter | None, request: Request, cost: int) -> None:
    """Count a costly request as more than one against its client's rate limit."""
    if limiter is not None and cost >= RATE_COST_CHARS:
        limiter.charge(client_key(request.scope), cost // RATE_COST_CHARS)


def add_chat_route(app: FastAPI, settings: Settings, holder: BotHolder, work: WorkQueue, outcomes: Outcomes,
                   limiter: TokenBucketLimiter | None, recorder: Recorder) -> None:
    chat_request = chat_request_model(settings)
    budget = settings.request_timeout_seconds

    @app.post("/api/chat", response_model=ChatResponse, tags=["chat"], responses={
        400: {"model": ErrorResponse, "description": "The body cannot be decoded (for example, it is not UTF-8)"},
        408: {"model": ErrorResponse, "description": "The body did not arrive within GUIDEBOT_BODY_TIMEOUT_SECONDS"},
        413: {"model": ErrorResponse, "description": "The body is larger than GUIDEBOT_MAX_BODY_BYTES"},
        422: TOO_LONG, 429: TOO_MANY, 503: BUSY})
    async def chat(body: chat_request, request: Request) -> Response:  # type: ignore[valid-type]
        """Answer one message; send earlier turns as `history` for follow-up questions."""
        started = time.perf_counter()
        deadline = Deadline.after(budget)
        serving = holder.serving  # read once: a swap during this request does not affect it
        history = [Turn(t.role, t.content) for t in body.history]
        fields = log_fields(request.scope)
        if settings.log_questions:
            fields["question"] = body.message
        key = ReplyCache.key(body.message, history)
        reply = serving.replies.get(key) if key is not None else None
        if reply is not None:
            fields["cached"] = True
        else:
            reads = serving.bot.turns_read(history)
            estimate = inputs.estimated_cost([body.message, *(history[n].content for n in reads)],
                                             [turn.content for turn in history])

            def answer() -> tuple[int, CachedReply]:
                cost = inputs.check_chat(body.message, history, reads, settings)
                reply = serving.bot.chat(body.message, history, deadline=deadline)
                payload = orjson.dumps(chat_payload(serving.bot, reply))
                recorder.learn(payload, reply, serving.bot)
                return cost, CachedReply(payload, reply.answered, reply.kind)

            done = await admit(work, outcomes, fields, answer, estimate, deadline, "answer")
            if isinstance(done, Response):
                return done
            cost, reply = done
            charge(limiter, request, cost)
            if key is not None:
                serving.replies.put(key, reply)
        fields["answered"], fields["kind"] = reply.answered, reply.kind
        return Response(recorder.respond(body.message, reply.payload, reply.kind, serving.bot, started),
                        media_type="application/json")


def add_search_routes(app: FastAPI, settings: Settings, holder: BotHolder, work: WorkQueue, outcomes: Outcomes,
                      limiter: TokenBucketLimiter | None) -> None:
    budget = settings.request_timeout_seconds

    @app.get("/api/search", response_model=SearchResponse, tags=["search"],
             responses={422: TOO_LONG, 429: TOO_MANY, 503: BUSY})
    async def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=settings.max_message_chars)],
                     k: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 5) -> Response:
        """The top-k passages for a query, by BM25 score."""
        deadline = Deadline.after(budget)
        fields = log_fields(request.scope)
        if settings.log_questions:
            fields["question"] = q
        bot = holder.bot

        def find() -> tuple[int, bytes]:
            cost = inputs.check_query(q, settings)
            hits = bot.search(q, k, deadline=deadline)
            return cost, orjson.dumps({"query": q, "results": [hit.as_payload() for hit in hits]})

        done = await admit(work, outcomes, fields, find, inputs.estimated_cost([q], []), deadline, "search")
        if isinstance(done, Response):
            return done
        cost, payload = done
        charge(limiter, request, cost)
        return Response(payload, media_type="application/json")

    @app.get("/api/chunks/{chunk_id}", response_model=ChunkResponse, tags=["search"],
             responses={404: {"model": ErrorResponse, "description": "No chunk has this id"}})
    async def get_chunk(chunk_id: str) -> Response:
        c = holder.bot.chunk(chunk_id)
        if c is None:
            raise HTTPException(status_code=404, detail=f"no chunk with id {chunk_id!r}")
        return json_response({"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
                              "url": c.url, "text": c.text})


def add_service_routes(app: FastAPI, settings: Settings, holder: BotHolder) -> None:
    limits = Limits.of(settings).model_dump()

    @app.get("/api/config", response_model=ConfigResponse, tags=["service"])
    async def config() -> Response:
        """Title, greeting, three starter questions and the request limits, for chat clients such as the widget."""
        bot = holder.bot
        return json_response({"title": settings.title or bot.title, "greeting": settings.greeting or bot.greeting,
                              "suggestions": holder.bot.starters(3), "limits": limits,
                              "contact_url": settings.contact_url or None})


def add_admin_routes(app: FastAPI, settings: Settings, holder: BotHolder) -> None:
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
        429: TOO_MANY,
        503: {"model": ErrorResponse, "description": "The new index file could not be written"}})
    async def reindex(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
        """Rebuild the index from the corpus and swap it in without dropping a request."""
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            return json_response({"detail": "missing or wrong admin token: send the header "
                                            "'Authorization: Bearer <GUIDEBOT_ADMIN_TOKEN>'"},
                                 401, {"WWW-Authenticate": "Bearer"})
        version = holder.bot.version
        try:
            result = await asyncio.to_thread(holder.rebuild)
        except CorpusError as exc:
            return json_response({
                "detail": f"the corpus has {len(exc.problems)} problem(s), so nothing was rebuilt and index version "
                          f"{version} keeps serving; fix them (`guidebot index --check` lists them) and reindex again",
                "problems": [p.as_dict() for p in exc.problems]}, 422)
        except RebuildInProgress as exc:
            return json_response({"detail": str(exc)}, 409, {"Retry-After": "2"})
        except OSError as exc:
            log.error("could not write the index file %s: %s", settings.index_path, exc)
            return json_response({"detail": f"the new index could not be written to {settings.index_path} ({exc}); "
                                            f"index version {version} keeps serving"}, 503)
        return json_response(result.as_dict())
