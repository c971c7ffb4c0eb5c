"""How the service logs: the JSON line formatter and the logging configuration that
`guidebot serve` installs in every worker (through uvicorn's log_config).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson


def timestamp(seconds: float) -> str:
    """An ISO 8601 UTC time with milliseconds, as every log line carries it."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


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
