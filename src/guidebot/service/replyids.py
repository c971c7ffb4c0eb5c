"""Reply ids: each chat reply's `reply_id`, signed so that any replica holding the same secret
accepts it and nobody can rate a reply that was never given; and the secret itself.

A reply id is 50 URL-safe characters: base64 (no padding) of a version byte, a unique 96-bit
turn id (the recorded turn's key: random per process, then counted), the time it was issued
(whole seconds), an 8-byte keyed digest (BLAKE2b) of the question and answer it was given for,
and a 12-byte HMAC (over BLAKE2b) of all that. The digest lets a rating carry the reply's question and
answer text, verified, without the server keeping them (GUIDEBOT_STORE_QUESTIONS=unanswered does
not store an answered question until it is rated).

The secret is GUIDEBOT_SECRET, or else 32 random bytes kept in a `secret` file (mode 0600)
beside the index, created by whichever worker starts first. Keys for different uses are derived
from it, so a reply id can never pass for an admin session or the other way round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import re
import time
from binascii import b2a_base64
from dataclasses import dataclass
from pathlib import Path

VERSION = b"\x01"
TURN_BYTES, TIME_BYTES, TEXT_BYTES, MAC_BYTES = 12, 4, 8, 12
REPLY_ID_LENGTH = 50  # characters: base64 of 37 bytes
REPLY_ID_PATTERN = r"^[A-Za-z0-9_-]{50}$"
_REPLY_ID = re.compile(REPLY_ID_PATTERN)
_URLSAFE = bytes.maketrans(b"+/", b"-_")
CLOCK_SKEW_SECONDS = 300  # replicas' clocks may differ by this much
SECRET_FILE = "secret"


def derive_key(secret: bytes, purpose: str) -> bytes:
    return hmac.digest(secret, b"guidebot:" + purpose.encode(), "sha256")


class Hmac:
    """HMAC (RFC 2104) over BLAKE2b-512, the same as `hmac.new(key, msg, hashlib.blake2b)`, with
    the key's two padded blocks hashed once: one reply id is signed per chat reply, and this
    costs a third of OpenSSL's one-shot HMAC-SHA256 there (which looks its digest up each call)."""

    BLOCK = 128  # BLAKE2b's block size

    def __init__(self, key: bytes) -> None:
        key = hashlib.blake2b(key).digest() if len(key) > self.BLOCK else key
        padded = key.ljust(self.BLOCK, b"\x00")
        self.inner = hashlib.blake2b(bytes(b ^ 0x36 for b in padded))  # copied per message (ReplyIds.sign too)
        self.outer = hashlib.blake2b(bytes(b ^ 0x5C for b in padded))

    def digest(self, message: bytes) -> bytes:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


@dataclass(frozen=True)
class Issued:
    """What a valid reply id says: its turn and when it was given."""

    turn_id: str
    issued_at: int
    text_digest: bytes


class ReplyIds:
    def __init__(self, secret: bytes) -> None:
        self._id_mac = Hmac(derive_key(secret, "reply-id"))
        # The keyed BLAKE2b state holding the key block, copied per reply: the same digest as
        # `blake2b(message, key=..., digest_size=8)`, without setting the key up each time (BLAKE2
        # holds a last block back, so the key block is still compressed per reply).
        self._text_mac = hashlib.blake2b(key=derive_key(secret, "reply-text"),
                                         digest_size=TEXT_BYTES)
        # Turn ids need only be unique (the MAC is what cannot be forged): 6 random bytes drawn
        # once per process, then a 6-byte counter, is cheaper on the chat path than 12 fresh random
        # bytes. Counted as one 12-byte number (the prefix shifted past the counter), so a turn id
        # is one to_bytes (it would carry into the prefix after 2**48 turns: 9 years at a million a second).
        self._turns = itertools.count((int.from_bytes(os.urandom(6), "big") << 48)
                                      + int.from_bytes(os.urandom(3), "big"))
        self._inner, self._outer = self._id_mac.inner, self._id_mac.outer

    def issue(self, question: str, answer: str, now: float | None = None,
              answer_hash: bytes | None = None) -> tuple[str, str]:
        """A new (reply id, turn id) for a reply to `question` whose text is `answer` (pass
        `answer_hash(answer)` too when it is at hand: the same reply is given many times)."""
        reply_id, turn = self.sign(question, answer_hash or answer_digest(answer),
                                   now if now is not None else time.time())
        return reply_id.decode("ascii"), turn.hex()

    def sign(self, question: str, answer_hash: bytes, now: float) -> tuple[bytes, bytes]:
        """`issue` for the chat path: the reply id as ASCII bytes (what is spliced into the reply's
        JSON) and the raw turn id (`.hex()` is the recorded key; the writer thread makes it)."""
        # `_text_digest` and `Hmac.digest` written out: in a serving process every call and
        # attribute look-up costs several times what it does in a loop, and this runs for every
        # reply (the median signing in a loaded server 10.4-10.7 -> 9.7-10.1 us; in a loop 4.4 -> 3.8).
        turn = next(self._turns).to_bytes(TURN_BYTES, "big")
        text = self._text_mac.copy()
        text.update(turn + answer_hash + question.encode("utf-8", "surrogatepass"))
        body = VERSION + turn + int(now).to_bytes(TIME_BYTES, "big") + text.digest()
        inner = self._inner.copy()
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        # 37 bytes are 52 base64 characters, the last two "=" padding: the same as
        # urlsafe_b64encode(...).rstrip("="), without its extra copies.
        return b2a_base64(body + outer.digest()[:MAC_BYTES], newline=False)[:REPLY_ID_LENGTH].translate(_URLSAFE), turn

    def verify(self, reply_id: str, max_age_seconds: float | None = None, now: float | None = None) -> Issued | None:
        """The id's contents, or None when it was not issued with this secret (or is too old)."""
        if not _REPLY_ID.match(reply_id):
            return None
        raw = base64.urlsafe_b64decode(reply_id + "==")
        if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != reply_id:
            return None  # the last character's unused bits were changed: only the canonical spelling counts
        body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if body[:1] != VERSION or not hmac.compare_digest(mac, self._id_mac.digest(body)[:MAC_BYTES]):
            return None
        turn = body[1:1 + TURN_BYTES]
        issued_at = int.from_bytes(body[1 + TURN_BYTES:1 + TURN_BYTES + TIME_BYTES], "big")
        now = time.time() if now is None else now
        if issued_at > now + CLOCK_SKEW_SECONDS or (max_age_seconds and issued_at < now - max_age_seconds):
            return None
        return Issued(turn.hex(), issued_at, body[1 + TURN_BYTES + TIME_BYTES:])

    def text_matches(self, issued: Issued, question: str, answer: str) -> bool:
        """Were `question` and `answer` the ones this reply id was given for?"""
        expected = self._text_digest(bytes.fromhex(issued.turn_id), question, answer_digest(answer))
        return hmac.compare_digest(expected, issued.text_digest)

    def _text_digest(self, turn: bytes, question: str, answer_hash: bytes) -> bytes:
        mac = self._text_mac.copy()
        mac.update(turn + answer_hash + question.encode("utf-8", "surrogatepass"))
        return mac.digest()


def answer_digest(answer: str) -> bytes:
    """A reply text's 16-byte hash (unkeyed: the keyed digest over it and the question is what counts)."""
    return hashlib.blake2b(answer.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def load_secret(configured: str, folder: Path) -> bytes:
    """GUIDEBOT_SECRET when set; else the secret file in `folder`, created (0600) when missing."""
    if configured:
        return configured.encode("utf-8")
    path = Path(folder) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(os.urandom(32).hex())
    except OSError:  # a full disk: an empty file left here would keep recording off once there is room
        path.unlink(missing_ok=True)
        raise
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    """The file's secret, waiting briefly for a worker that has just created it to finish writing."""
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= 32:
            return value.encode("ascii")
        time.sleep(0.02)
    raise OSError(f"{path} holds no secret; delete it (a new one is made on start) or set GUIDEBOT_SECRET")
