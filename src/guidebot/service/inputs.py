"""What a request may hold, beyond the shapes in schemas.py: strict JSON, safe 422 replies, and length
limits measured on the text as it will be analysed.

- **Strict JSON.** Bodies are parsed with orjson, which refuses what JSON does not have: NaN,
  Infinity, numbers beyond a double (1e999) and lone surrogates ("\\ud800"). Each gets a 422
  saying which; the standard parser accepted them and the 422 for the wrong type then failed to
  encode its own reply (a 500). A body that is not UTF-8 stays a 400.
- **Safe 422 replies.** Validation errors echo what was sent; the echo is made JSON-safe (non-finite
  numbers as text, surrogates escaped) and cut to 200 characters, so no input can break the reply.
- **Limits after normalisation.** The analyser works on NFKC-normalised text, where one character
  can become 18 (U+FDFA), so the message, turn and query limits count normalised characters,
  measured in pieces that stop as soon as a text is over its limit (normalising 4,000 × U+FDFA
  whole takes ~20 ms). The cost of a chat is the normalised size of what its answer reads (the
  message and the user turns among the recent history), checked against `max_request_chars`
  before any answering starts. These checks run on a worker thread, not on the event loop.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from ..chat import Turn, check_budget
from ..settings import Settings

ECHO_CHARS = 200  # longest input string echoed back in a 422
PIECE_CHARS = 512  # normalised piece by piece, so an over-long text stops early
JOIN_SLACK = 4  # joining two normalised pieces can merge at most this many characters at the seam
GROWTH = 18  # the most one character grows under NFKC normalisation (U+FDFA)


class InputTooLong(Exception):
    """A field, or the request as a whole, is over its limit once normalised."""

    def __init__(self, loc: tuple[str | int, ...], message: str, limit: int) -> None:
        self.loc = loc
        self.message = message
        self.limit = limit
        super().__init__(message)

    def detail(self) -> list[dict[str, Any]]:
        return [{"type": "string_too_long", "loc": list(self.loc), "msg": self.message,
                 "ctx": {"max_length": self.limit}}]


def strict_json(body: bytes) -> Any:
    """Parse a request body as strict JSON; raise json.JSONDecodeError with a clear reason."""
    text = body.decode("utf-8")  # UnicodeDecodeError: FastAPI answers 400, as before
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise json.JSONDecodeError(_reason(exc.msg, text, exc.pos), text, exc.pos) from None


def _reason(message: str, text: str, position: int) -> str:
    ahead = text[position:position + 9].lstrip("-+")
    if "infinity" in message or ahead.startswith(("NaN", "Infinity", "inf")) \
            or (message.startswith("no digit after sign") and ahead.startswith(("I", "N", "i"))):
        return ("numbers must be finite: NaN, Infinity and numbers too large for a double (such as 1e999) "
                "are not JSON numbers")
    if "surrogate" in message:
        return (r"a string holds a lone surrogate (a \ud800-\udfff escape not in a high-low pair), "
                "which is not a Unicode character")
    return message


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """A FastAPI route whose JSON body is parsed by `strict_json`."""

    def get_route_handler(self):  # type: ignore[no-untyped-def]
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler


def json_safe(value: Any) -> Any:
    """`value` as something orjson can always encode, long strings cut to ECHO_CHARS."""
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, str):
        cut = value if len(value) <= ECHO_CHARS else value[:ECHO_CHARS] + "…"
        return cut.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, dict):
        return {str(json_safe(k)): json_safe(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value[:50]]
    if isinstance(value, bytes):
        return json_safe(value.decode("utf-8", "backslashreplace"))
    return json_safe(str(value))


async def validation_error_reply(_request: Request, exc: Exception) -> Response:
    """FastAPI's 422 shape ({"detail": [{"type", "loc", "msg", "input", ...}]}), always encodable; a
    JSON decoding error says why in its "msg"."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        safe = {key: json_safe(value) for key, value in error.items()}
        reason = (error.get("ctx") or {}).get("error")
        if error.get("type") == "json_invalid" and reason:
            safe["msg"] = f"JSON decode error: {json_safe(str(reason))}"
        errors.append(safe)
    return Response(orjson.dumps({"detail": errors}), status_code=422, media_type="application/json")


def normalised_length(text: str, limit: int) -> int:
    """len(NFKC(text)), or some number over `limit` as soon as the text is surely over it (the work
    is bounded by the limit, not by how much the text grows)."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return len(text)
    total = 0
    for seam, start in enumerate(range(0, len(text), PIECE_CHARS)):
        total += len(unicodedata.normalize("NFKC", text[start:start + PIECE_CHARS]))
        if total > limit + JOIN_SLACK * seam:
            return total  # seams can shrink the whole by at most JOIN_SLACK each: surely over
    return total if total <= limit else len(unicodedata.normalize("NFKC", text))


def check_chat(message: str, history: Sequence[Turn], reads: Sequence[int], settings: Settings) -> int:
    """Check the normalised lengths of a chat request; return its cost (normalised characters the
    answer reads). Raises InputTooLong naming the field."""
    length = normalised_length(message, settings.max_message_chars)
    if length > settings.max_message_chars:
        raise InputTooLong(("body", "message"), f"message must be at most {settings.max_message_chars} characters "
                           "after trimming and Unicode (NFKC) normalisation", settings.max_message_chars)
    cost = length
    read = set(reads)
    for number, turn in enumerate(history):
        check_budget()
        if number not in read and len(turn.content) * GROWTH <= settings.max_turn_chars:
            continue  # too short to grow past the limit, and not read: nothing to measure
        length = normalised_length(turn.content, settings.max_turn_chars)
        if length > settings.max_turn_chars:
            raise InputTooLong(("body", "history", number, "content"),
                               f"a history turn must be at most {settings.max_turn_chars} characters after "
                               "Unicode (NFKC) normalisation", settings.max_turn_chars)
        if number in read:
            cost += length
    if cost > settings.max_request_chars:
        raise InputTooLong(("body", "history"),
                           f"the message and the {len(read)} history turns read for follow-ups hold {cost} "
                           f"characters after Unicode (NFKC) normalisation; at most {settings.max_request_chars} "
                           "are answered: send fewer or shorter history turns", settings.max_request_chars)
    return cost


def check_query(query: str, settings: Settings) -> int:
    """Check a search query's normalised length; return its cost. Raises InputTooLong naming `q`."""
    length = normalised_length(query, settings.max_message_chars)
    if length > settings.max_message_chars:
        raise InputTooLong(("query", "q"), f"q must be at most {settings.max_message_chars} characters after "
                           "Unicode (NFKC) normalisation", settings.max_message_chars)
    return length


def _weight(text: str) -> int:
    """ASCII counts once; other text already in NFKC form twice (it costs more to analyse); text that
    normalisation changes, as much as it could grow."""
    if text.isascii():
        return len(text)
    return 2 * len(text) if unicodedata.is_normalized("NFKC", text) else GROWTH * len(text)


def estimated_cost(texts_read: Sequence[str], texts_checked: Sequence[str]) -> int:
    """What a request will cost, guessed on the event loop without normalising anything (C-speed
    checks only): the weighted characters the answer reads, plus the non-ASCII text that only
    needs its length checked. Chooses the lane."""
    return sum(_weight(t) for t in texts_read) + sum(len(t) for t in texts_checked if not t.isascii())
