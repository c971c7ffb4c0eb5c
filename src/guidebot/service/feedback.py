"""POST /api/feedback: a student's thumbs up or down (and an optional comment) on one reply.

The reply is named by the `reply_id` its chat reply carried; an id that does not verify (never
issued with this deployment's secret, or older than the retention period) gets a 404, a
malformed body a 422 naming the field. The client may send the reply's `question` and `answer`
text too: they are checked against the digest inside the reply id (422 when they are not that
reply's) and kept with the rating, scrubbed, unless GUIDEBOT_STORE_QUESTIONS=none. The comment
is always kept (scrubbed): it is written for the maintainers. The rating is queued for the
background writer like a chat turn; the reply is 202 at once. Rate-limited with chat (app.py).
"""

# No `from __future__ import annotations`: the request model is built per app, and FastAPI must
# see that class itself.

import time
from typing import Literal

import orjson
from fastapi import FastAPI
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..settings import Settings
from .privacy import clip, keeps_rated_text, scrub
from .recording import Recorder
from .replyids import REPLY_ID_PATTERN
from .store import FeedbackEvent

MAX_COMMENT_CHARS = 1000
MAX_ANSWER_CHARS = 20000


class FeedbackAccepted(BaseModel):
    status: Literal["accepted"]
    reply_id: str
    rating: Literal["up", "down"]


def feedback_request_model(settings: Settings) -> type[BaseModel]:
    class FeedbackRequest(BaseModel):
        model_config = ConfigDict(extra="ignore")
        reply_id: str = Field(pattern=REPLY_ID_PATTERN, description="The `reply_id` of the chat reply rated.")
        rating: Literal["up", "down"]
        comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS,
                                    description=f"Optional, at most {MAX_COMMENT_CHARS} characters.")
        question: str | None = Field(None, max_length=settings.max_message_chars,
                                     description="Optional: the message the reply answered, as sent.")
        answer: str | None = Field(None, max_length=MAX_ANSWER_CHARS,
                                   description="Optional: the reply's `answer` text, as received.")

    return FeedbackRequest


def add_feedback_route(app: FastAPI, settings: Settings, recorder: Recorder) -> None:
    """The route exists only when recording is on (GUIDEBOT_DATABASE_URL is not `none`)."""
    if not recorder.enabled or recorder.ids is None:
        return
    ids = recorder.ids
    body_model = feedback_request_model(settings)
    max_age = settings.retention_days * 86400 or None
    keep_text = keeps_rated_text(settings.store_questions)

    @app.post("/api/feedback", status_code=202, response_model=FeedbackAccepted, tags=["chat"], responses={
        400: {"description": "The body cannot be decoded (for example, it is not UTF-8)"},
        413: {"description": "The body is larger than GUIDEBOT_MAX_BODY_BYTES"},
        404: {"description": "No reply was given with this id (or it is older than the retention period)"},
        429: {"description": "Too many requests from this address; see Retry-After"}})
    async def give_feedback(body: body_model) -> Response:  # type: ignore[valid-type]
        """Rate one chat reply: `rating` up or down, with an optional `comment`."""
        issued = ids.verify(body.reply_id, max_age_seconds=max_age)
        if issued is None:
            return _json({"detail": "no reply was given with this reply_id"}, 404)
        question = body.question.strip() if body.question is not None else None
        if (question is not None or body.answer is not None) and not ids.text_matches(
                issued, question or "", body.answer or ""):
            return _json({"detail": [{"loc": ["body", "question"], "type": "value_error",
                                      "msg": "question and answer must both be the rated reply's, as sent"}]}, 422)
        comment = scrub(body.comment.strip()) if body.comment and body.comment.strip() else None
        recorder.put(FeedbackEvent(turn_id=issued.turn_id, ts=time.time(), rating=body.rating, comment=comment,
                                   question=scrub(question) if keep_text and question else None,
                                   answer=clip(scrub(body.answer), MAX_ANSWER_CHARS) if keep_text and body.answer
                                   else None))
        return _json({"status": "accepted", "reply_id": body.reply_id, "rating": body.rating}, 202)


def _json(data: object, status: int) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json")
