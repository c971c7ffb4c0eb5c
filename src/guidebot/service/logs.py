"""How the service logs: the JSON line formatter, the logging configuration that `guidebot serve`
installs in every worker (through uvicorn's log_config), and `write_line`, which writes a request
line straight to the access logger's stream when that logger is configured as shipped (one plain
"%(message)s" stream handler), skipping the LogRecord machinery a line per request does not need.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import math
from datetime import UTC, datetime
from typing import Any

import orjson

_second: list[Any] = [None, ""]  # the last whole second formatted, and its text up to the seconds


def timestamp(seconds: float) -> str:
    """An ISO 8601 UTC time with milliseconds, as every log line carries it (the same text as
    `datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")`, the date and time
    of day formatted once per second)."""
    fraction, whole = math.modf(seconds)  # as datetime rounds: the fraction to microseconds
    micros = round(fraction * 1e6)
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    elif micros < 0:
        whole, micros = whole - 1, micros + 1_000_000
    cached = _second
    if cached[0] != whole:
        cached[1] = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        cached[0] = whole
    return f"{cached[1]}.{micros // 1000:03d}+00:00"


def write_line(logger: logging.Logger, text: str) -> None:
    """Log `text` at INFO on `logger` (the caller has checked that INFO is enabled). When the logger's
    only handlers are plain stream handlers printing the message as it is (the shipped access log),
    write to their streams directly: the same bytes, without a LogRecord. On an event loop the lines
    of one loop iteration are written together at the start of the next (one write and flush for
    all of them: a flush cost 42 µs here, more than the rest of a request line); elsewhere, at once."""
    handlers = logger.handlers
    if logger.propagate or logger.filters or not handlers or not all(_plain(h) for h in handlers):
        logger.info(text)
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        _write(logger, [text])
        return
    pending = _pending.get(logger)
    if pending is None:
        pending = _pending[logger] = []
        loop.call_soon(_write_pending, logger)
    pending.append(text)


_pending: dict[logging.Logger, list[str]] = {}  # lines waiting for the next loop iteration, per logger


def _write_pending(logger: logging.Logger) -> None:
    _write(logger, _pending.pop(logger, []))


def flush_lines() -> None:
    """Write every line still waiting (at exit, or when a loop stops before its next iteration)."""
    for logger in list(_pending):
        _write_pending(logger)


def _write(logger: logging.Logger, lines: list[str]) -> None:
    if not lines:
        return
    for handler in logger.handlers:
        assert isinstance(handler, logging.StreamHandler)
        try:
            with handler.lock:  # type: ignore[union-attr]
                handler.stream.write("".join(line + handler.terminator for line in lines))
                handler.stream.flush()
        except Exception:  # noqa: BLE001 (as StreamHandler.emit: report it and go on)
            handler.handleError(logging.makeLogRecord({"msg": lines[0], "name": logger.name}))


atexit.register(flush_lines)


def _plain(handler: logging.Handler) -> bool:
    formatter = handler.formatter
    return (type(handler) is logging.StreamHandler and not handler.filters and handler.level <= logging.INFO
            and formatter is not None and type(formatter) is logging.Formatter
            and formatter._fmt == "%(message)s")  # noqa: SLF001 (the format string is not public)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message (and the traceback, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {"ts": timestamp(record.created), "level": record.levelname.lower(),
                                "logger": record.name, "worker": record.process, "message": record.getMessage()}
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return orjson.dumps(data).decode()


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """dictConfig for `guidebot serve` (and each worker, via uvicorn's log_config): guidebot's logs
    as JSON lines on stderr, request lines as they are (already JSON), uvicorn's warnings as JSON."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "guidebot.service.logs.JsonFormatter"},
            "raw": {"format": "%(message)s"},
        },
        "handlers": {
            "json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "raw": {"class": "logging.StreamHandler", "formatter": "raw", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "guidebot": {"handlers": ["json"], "level": level, "propagate": False},
            "guidebot.access": {"handlers": ["raw"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["json"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
