"""Settings: defaults, then GUIDEBOT_* environment variables, then explicit overrides; a value
that cannot be parsed or is out of range is refused with a message naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebot.settings import Settings


def test_defaults_apply_without_any_environment() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.corpus_dir == Path("corpus") and settings.index_path == Path(".guidebot/index.gbi")
    assert (settings.max_message_chars, settings.max_history_items, settings.max_turn_chars) == (2000, 50, 4000)


def test_the_default_body_limit_holds_the_largest_history_the_other_limits_allow() -> None:
    s = Settings()
    turn = len('{"role": "assistant", "content": ""},') + s.max_turn_chars
    assert len('{"message": "", "history": []}') + s.max_message_chars + s.max_history_items * turn <= s.max_body_bytes


def test_environment_variables_are_parsed_by_field_type() -> None:
    settings = Settings.from_env({
        "GUIDEBOT_PORT": "9000", "GUIDEBOT_REQUEST_TIMEOUT_SECONDS": "2.5", "GUIDEBOT_LOG_QUESTIONS": "yes",
        "GUIDEBOT_WATCH": "off", "GUIDEBOT_TITLE": "Ask us", "GUIDEBOT_CORPUS_DIR": "/srv/corpus",
        "GUIDEBOT_MAX_MESSAGE_CHARS": "500"})
    assert settings.port == 9000 and settings.request_timeout_seconds == 2.5
    assert settings.log_questions is True and settings.watch is False
    assert settings.title == "Ask us" and settings.corpus_dir == Path("/srv/corpus")
    assert settings.max_message_chars == 500


def test_allowed_origins_are_split_on_commas_and_lose_trailing_slashes() -> None:
    settings = Settings.from_env({"GUIDEBOT_ALLOWED_ORIGINS": " https://a.example/ , https://b.example,, "})
    assert settings.allowed_origins == ("https://a.example", "https://b.example")


def test_empty_environment_values_keep_the_default() -> None:
    assert Settings.from_env({"GUIDEBOT_PORT": "", "GUIDEBOT_TITLE": ""}) == Settings()


def test_explicit_overrides_beat_the_environment_and_none_is_ignored() -> None:
    settings = Settings.from_env({"GUIDEBOT_PORT": "9000", "GUIDEBOT_INDEX_PATH": "env.gbi"},
                                 port=7000, index_path=None, corpus_dir="other")
    assert settings.port == 7000 and settings.index_path == Path("env.gbi") and settings.corpus_dir == Path("other")
    assert settings.with_overrides(port=None, host="0.0.0.0").port == 7000


@pytest.mark.parametrize("name, raw", [
    ("GUIDEBOT_PORT", "eighty"),
    ("GUIDEBOT_MAX_BODY_BYTES", "lots"),
    ("GUIDEBOT_REQUEST_TIMEOUT_SECONDS", "soon"),
    ("GUIDEBOT_LOG_QUESTIONS", "maybe"),
])
def test_unparseable_value_is_refused_naming_the_variable_and_value(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=f"{name}='{raw}' is not valid"):
        Settings.from_env({name: raw})


@pytest.mark.parametrize("name, raw", [
    ("GUIDEBOT_WORKERS", "0"),
    ("GUIDEBOT_MAX_MESSAGE_CHARS", "0"),
    ("GUIDEBOT_MAX_HISTORY_ITEMS", "-1"),
    ("GUIDEBOT_MAX_TURN_CHARS", "0"),
    ("GUIDEBOT_RATE_LIMIT_PER_MINUTE", "-5"),
    ("GUIDEBOT_REQUEST_TIMEOUT_SECONDS", "0"),
    ("GUIDEBOT_RELOAD_CHECK_SECONDS", "-1"),
])
def test_out_of_range_value_is_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: raw})


def test_rate_limit_of_zero_turns_rate_limiting_off() -> None:
    assert Settings.from_env({"GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0"}).rate_limit_per_minute == 0


def test_answer_budget_settings_reach_the_answering_policy() -> None:
    policy = Settings.from_env({"GUIDEBOT_MAX_ANSWER_SENTENCES": "2", "GUIDEBOT_MAX_ANSWER_CHARS": "300",
                                "GUIDEBOT_TOP_K_PASSAGES": "5"}).policy()
    assert (policy.max_sentences, policy.max_chars, policy.top_k_passages) == (2, 300, 5)


def test_an_answer_budget_below_one_is_refused_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="GUIDEBOT_MAX_ANSWER_SENTENCES"):
        Settings.from_env({"GUIDEBOT_MAX_ANSWER_SENTENCES": "0"})
