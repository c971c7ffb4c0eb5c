"""API fuzzing from the app's own OpenAPI schema (schemathesis, in-process over ASGI, no network):
for generated valid and invalid requests to every documented operation, no 5xx, and every
response matches the schema (status code documented, content type, body shape).

Bounded for `make test`: at most MAX_EXAMPLES generated requests per operation and mode."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
from guidebot.service.app import create_app
from guidebot.settings import Settings

from .conftest import CORPUS

MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Loaded at import: schemathesis parametrizes tests at collection time (its lazy
# `from_fixture` loader does not work with this pytest). Building the bot takes ~0.1 s.
BOT = Guidebot(build_index(load_corpus(CORPUS)))
# Recording goes to a throwaway folder (the database and secret sit beside the index path).
SCRATCH = Path(tempfile.mkdtemp(prefix="guidebot-fuzz-")) / "index.gbi"
# The app as deployed without an admin token; rate limiting off so every example reaches the routes.
public_schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(rate_limit_per_minute=0, index_path=SCRATCH), bot=BOT))
# The app with reindex enabled; the fuzzer does not know the token, so it probes the 401 path.
admin_schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(Settings(rate_limit_per_minute=0, admin_token="fuzz-token-not-guessable",
                                         index_path=SCRATCH), bot=BOT)).include(path="/api/reindex")


@public_schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_public_api_never_fails_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@admin_schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_admin_api_refuses_without_the_token_and_matches_its_schema(case: schemathesis.Case) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code != 200  # never a rebuild without the token
