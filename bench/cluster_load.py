"""The cluster benchmark's clients: people having conversations through nginx, each conversation on
its own connection from its own loopback address, every message distinct; what each saw (latency,
failures, the turn id of each reply) is kept for the report."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from bench.hostile import benign_conversations, request

# Each lap over the gold-set conversations opens its messages differently, so no message repeats
# (no reply-cache hits) for as many laps as there are openings.
OPENINGS = ("", "please tell me: ", "quick question, ", "one more thing: ", "I was wondering, ", "sorry, ",
            "can you help? ", "a question: ", "excuse me, ", "I need to know: ", "tell me please, ", "hmm, ")
TIMEOUT_S = 30.0
SLOW_S = 0.5  # replies slower than this are listed with when they came (to tell which event held them)


@dataclass
class Load:
    """What the clients saw in one phase."""

    latencies: list[float] = field(default_factory=list)
    failures: list[tuple[float, str]] = field(default_factory=list)  # (seconds into the phase, what)
    turn_ids: list[str] = field(default_factory=list)
    slow: list[tuple[float, float]] = field(default_factory=list)  # (seconds into the phase, latency)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.failures)


def turn_id(reply_id: str) -> str:
    """The recorded turn's key inside a reply id: bytes 1..13 of its base64 (service/replyids.py)."""
    return base64.urlsafe_b64decode(reply_id + "==")[1:13].hex()


def distinct_conversations() -> Iterator[tuple[str, ...]]:
    base = benign_conversations()
    for opening in itertools.cycle(OPENINGS):
        for turns in base:
            yield tuple(opening + turn for turn in turns)


async def conversation(port: int, turns: tuple[str, ...], address: str, load: Load, phase_start: float,
                       pause: float) -> None:
    """One student's conversation: the turns in order, each with the history the replies gave."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
    except OSError as exc:
        load.failures.append((time.monotonic() - phase_start, f"connect: {exc.__class__.__name__}"))
        return
    history: list[dict[str, str]] = []
    try:
        for message in turns:
            body = json.dumps({"message": message, "history": history}).encode()
            started = time.perf_counter()
            try:
                status, payload = await asyncio.wait_for(request(reader, writer, "POST", "/api/chat", body),
                                                         TIMEOUT_S)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                load.failures.append((time.monotonic() - phase_start, f"transport: {exc.__class__.__name__}"))
                return
            if status != 200:
                load.failures.append((time.monotonic() - phase_start, f"HTTP {status}"))
                return
            latency = time.perf_counter() - started
            load.latencies.append(latency)
            if latency > SLOW_S:
                load.slow.append((time.monotonic() - phase_start, latency))
            reply = json.loads(payload)
            if reply.get("reply_id"):
                load.turn_ids.append(turn_id(reply["reply_id"]))
            history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply["answer"]}]
            await asyncio.sleep(pause)
    finally:
        writer.close()


async def client(port: int, conversations: Iterator[tuple[str, ...]], stop_at: float, load: Load,
                 phase_start: float, pause: float, seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        address = f"127.{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        await conversation(port, next(conversations), address, load, phase_start, pause)


async def run_load(port: int, conversations: Iterator[tuple[str, ...]], clients: int, pause: float,
                   seconds: float, load: Load) -> None:
    """`clients` concurrent students for `seconds` (a conversation under way is finished), taking
    conversations from `conversations` (pass the same one to each phase: nothing repeats)."""
    started = time.monotonic()
    await asyncio.gather(*(client(port, conversations, started + seconds, load, started, pause, n)
                           for n in range(clients)))
    load.seconds = time.monotonic() - started
