"""The time budget of one request, checked cooperatively by the work it pays for.

A `Deadline` is created by whoever accepts a request (the HTTP service) and handed to
`Guidebot.chat` / `Guidebot.search` (`deadline=`), which install it for the duration of the call
with `within(deadline)`. The loops that can run long (words of a message, turns of a history,
notes of a list, passages of a selection) call `check_budget()` now and then: past the deadline it
raises `BudgetExceeded`, so an over-budget request really stops and frees its thread instead of
finishing in the background.

The deadline travels in a context variable rather than as a parameter of every answering
function: the loops that check it sit several calls deep, in modules that should not each grow a
parameter for it. Outside `within` (the CLI, tests, evaluation) there is no deadline and
`check_budget()` does nothing.

The same check points let low-priority work give way: under `yielding(wait)`, every
`check_budget()` first calls `wait(deadline)`, which may block while more urgent work runs (the
service pauses costly requests while ordinary ones are being answered).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import GuidebotError


class BudgetExceeded(GuidebotError):
    """The request used up its time budget; the work was abandoned."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"the request took longer than its time budget of {seconds:g} s")


@dataclass(frozen=True)
class Deadline:
    """A point in time (time.monotonic) by which the work must be done."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        if time.monotonic() >= self.at:
            raise BudgetExceeded(self.seconds)


_current: ContextVar[Deadline | None] = ContextVar("guidebot_deadline", default=None)
_wait: ContextVar[Callable[[Deadline | None], None] | None] = ContextVar("guidebot_yield", default=None)


@contextmanager
def within(deadline: Deadline | None) -> Iterator[None]:
    """Run the block under `deadline` (None: no deadline); checks inside it raise BudgetExceeded."""
    if deadline is not None:
        deadline.check()
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def yielding(wait: Callable[[Deadline | None], None]) -> Iterator[None]:
    """Run the block as low-priority work: each check point first calls `wait(deadline)`."""
    token = _wait.set(wait)
    try:
        yield
    finally:
        _wait.reset(token)


def check_budget() -> None:
    """Raise BudgetExceeded when the current request's deadline has passed; no-op without one.
    Low-priority work (see `yielding`) may first wait here for more urgent work."""
    deadline = _current.get()
    wait = _wait.get()
    if wait is not None:
        wait(deadline)
    if deadline is not None and time.monotonic() >= deadline.at:
        raise BudgetExceeded(deadline.seconds)
