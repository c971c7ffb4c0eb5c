"""Health: readiness at GET /api/health, liveness at GET /api/health/live.

Readiness is honest: 200 with `"status": "ok"` only while this worker can take new work; 503 with
`"status": "busy"` while its work queue is full (a chat or search would be refused), or
`"failing"` while most recent chats and searches ran out of time or failed. Either way the reply
tells how full the queue is, how old the served index is, whether it is only in memory (the index
file could not be written) and how many corpus problems keep a previous index serving. The
original fields (status, documents, chunks, index_version, worker) keep their names and meaning.

Liveness only says that the event loop answers: restart a worker when it fails, route traffic
by readiness.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import orjson
from fastapi import FastAPI
from fastapi.responses import Response

from .admission import Outcomes, WorkQueue
from .lifecycle import BotHolder
from .schemas import HealthResponse, LivenessResponse

FAILING_SHARE = 0.5  # this share of recent chats and searches failing makes a worker not ready


def readiness(work: WorkQueue, outcomes: Outcomes) -> str:
    if work.light.full:
        return "busy"
    if outcomes.failure_share() >= FAILING_SHARE:
        return "failing"
    return "ok"


def add_health_routes(app: FastAPI, holder: BotHolder, work: WorkQueue, outcomes: Outcomes,
                      recording: Callable[[], dict[str, object] | None] = lambda: None) -> None:
    worker = os.getpid()

    @app.get("/api/health", response_model=HealthResponse, tags=["service"], responses={
        503: {"model": HealthResponse, "description": "Not ready: the work queue is full, or most recent "
                                                      "requests failed; see status and Retry-After"}})
    async def health() -> Response:
        """Readiness of this worker, with its index and work queue."""
        serving = holder.serving
        bot, origin = serving.bot, serving.origin
        status = readiness(work, outcomes)
        body = {"status": status, "documents": len(bot.documents), "chunks": bot.chunk_count,
                "index_version": bot.version, "worker": worker, "ready": status == "ok",
                "index": {"age_seconds": round(max(0.0, time.time() - origin.built_at), 1),
                          "persisted": origin.persisted, "corpus_problems": origin.problems},
                "queue": work.describe(), "recent_failure_share": round(outcomes.failure_share(), 3),
                "recording": recording()}
        headers = None if status == "ok" else {"Retry-After": "1"}
        return Response(orjson.dumps(body), status_code=200 if status == "ok" else 503,
                        media_type="application/json", headers=headers)

    @app.get("/api/health/live", response_model=LivenessResponse, tags=["service"])
    async def live() -> Response:
        """Liveness: this worker's event loop answers."""
        return Response(orjson.dumps({"status": "alive", "worker": worker}), media_type="application/json")
