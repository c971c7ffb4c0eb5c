"""Memo caches bounded by bytes (guidebot.caches), and the process-wide normalisation memo that uses one."""

from __future__ import annotations

from guidebot import analysis
from guidebot.caches import ByteBoundedCache


def test_cache_holds_at_most_its_bytes_forgetting_the_least_recently_used_first() -> None:
    cache: ByteBoundedCache[str, str] = ByteBoundedCache(max_bytes=20_000, max_entry_bytes=5_000)
    for n in range(200):
        cache.put(f"key {n}", "x" * 1000)
        assert cache.bytes <= 20_000
    assert 0 < len(cache) < 200
    assert cache.get("key 0") is None and cache.get("key 199") == "x" * 1000
    cache.get_or_compute("key 190", lambda key: "recomputed")  # a hit: kept and not recomputed
    assert cache.get("key 190") == "x" * 1000


def test_an_entry_over_its_share_is_returned_but_not_kept() -> None:
    cache: ByteBoundedCache[str, str] = ByteBoundedCache(max_bytes=100_000, max_entry_bytes=2_000)
    assert cache.get_or_compute("big", lambda key: "y" * 10_000) == "y" * 10_000
    assert len(cache) == 0 and cache.bytes == 0


def test_a_cached_none_is_a_hit() -> None:
    cache: ByteBoundedCache[str, str | None] = ByteBoundedCache(max_bytes=10_000)
    calls = []
    for _ in range(3):
        cache.get_or_compute("gibberish", lambda key: calls.append(key))  # type: ignore[func-returns-value]
    assert calls == ["gibberish"]


def test_normalising_texts_that_grow_18_times_keeps_the_memo_within_its_bytes() -> None:
    for n in range(40):
        assert len(analysis.normalize("\ufdfa" * 2000 + str(n))) > 36_000
    assert analysis._NORMALIZED.bytes <= analysis._NORMALIZED.max_bytes


def test_the_reply_cache_is_bounded_by_bytes_as_well_as_entries() -> None:
    from guidebot.service.replies import CachedReply, ReplyCache

    cache = ReplyCache(size=1000, max_bytes=50_000)
    for n in range(100):
        cache.put((f"question {n}",), CachedReply(b"x" * 2000, True, "answer"))
    assert 10 < len(cache) < 30 and cache.get(("question 99",)) is not None and cache.get(("question 0",)) is None


def test_earlier_turns_are_resolved_once_per_distinct_prefix(bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from guidebot.chat import Guidebot, Turn
    from guidebot.conversation import turns

    fresh = Guidebot(bot.indexed)
    calls: list[str] = []
    resolve_turn = turns.resolve_turn

    def counting(d, message, previous, last, listing="", said=""):  # type: ignore[no-untyped-def]
        calls.append(message)
        return resolve_turn(d, message, previous, last, listing, said)

    monkeypatch.setattr(turns, "resolve_turn", counting)
    history = [Turn("user", "Tell me about Stanford"), Turn("assistant", "Stanford University is ..."),
               Turn("user", "where is it?"), Turn("assistant", "It is in Stanford, California.")]
    first = fresh.chat("does it have an online program?", history)
    second = fresh.chat("and the admission requirements?", history)
    assert calls.count("Tell me about Stanford") == 1 and calls.count("where is it?") == 1
    assert first.text and second.text
