"""The `guidebot` command: index, serve, ask, eval, report, purge. A thin layer: each command builds Settings
(defaults, then GUIDEBOT_* environment, then flags) and calls the chat facade (`guidebot.chat`),
the index build (`guidebot.build`) or the service (`guidebot.service`). Errors meant for
the user (bad corpus, damaged index, a bad GUIDEBOT_* value) become one clear message and exit
code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CorpusError, GuidebotError
from .settings import Settings

if TYPE_CHECKING:
    from .chat import Guidebot


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(corpus_dir=getattr(args, "corpus", None), index_path=getattr(args, "index", None))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args, settings) or 0)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GuidebotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guidebot", description="Cited answers from a corpus of guidance documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    index = sub.add_parser("index", help="validate the corpus and build the index file")
    index.add_argument("--corpus", type=Path, help="corpus folder (default: corpus, or GUIDEBOT_CORPUS_DIR)")
    index.add_argument("--out", dest="index", type=Path, help="index file to write (default: .guidebot/index.gbi)")
    index.add_argument("--check", action="store_true", help="only validate the corpus; write nothing")
    index.set_defaults(handler=cmd_index)

    serve = sub.add_parser("serve", help="build the index when needed, then serve the API and chat page")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--corpus", type=Path)
    serve.add_argument("--index", type=Path)
    serve.add_argument("--workers", type=int)
    serve.add_argument("--watch", action="store_true",
                       help="rebuild the index when corpus files change (every worker picks it up)")
    serve.set_defaults(handler=cmd_serve)

    ask = sub.add_parser("ask", help="answer one question in the terminal")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the API's JSON reply")
    ask.add_argument("--corpus", type=Path)
    ask.add_argument("--index", type=Path)
    ask.set_defaults(handler=cmd_ask)

    evaluate = sub.add_parser("eval", help="run the gold set and report per category")
    evaluate.add_argument("--gold", type=Path, default=Path("tests/gold"), help="gold file or folder")
    evaluate.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    evaluate.add_argument("--quiet", action="store_true", help="do not list failing cases")
    evaluate.add_argument("--corpus", type=Path)
    evaluate.add_argument("--index", type=Path)
    evaluate.set_defaults(handler=cmd_eval)

    report = sub.add_parser("report", help="print what was asked: answer rates, unanswered questions, "
                                           "thumbs-down answers, citations")
    report.add_argument("--since", default="7d", help="period to cover: 24h, 7d, 2w (default 7d)")
    report.add_argument("--json", action="store_true", help="print every table as JSON")
    report.add_argument("--corpus", type=Path)
    report.add_argument("--index", type=Path)
    report.set_defaults(handler=cmd_report)

    purge = sub.add_parser("purge", help="delete recorded turns and feedback older than the retention period")
    purge.add_argument("--days", type=int, help="keep this many days (default GUIDEBOT_RETENTION_DAYS, 90)")
    purge.add_argument("--index", type=Path)
    purge.set_defaults(handler=cmd_purge)
    return parser


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from .build import build_and_save
    from .corpus import load_corpus
    from .errors import IndexWriteError
    from .service.lifecycle import rebuild_lock
    from .service.startup import remove_stale_temporaries

    if args.check:
        corpus = load_corpus(settings.corpus_dir)
        print(f"corpus OK: {len(corpus.documents)} documents, {len(corpus.synonyms)} synonym groups "
              f"in {settings.corpus_dir}")
        _note_reduced_synonyms(corpus.synonyms)
        return 0
    print(f"indexing {settings.corpus_dir} ...", file=sys.stderr)
    remove_stale_temporaries(settings.index_path)
    try:
        with rebuild_lock(settings.index_path, blocking=True):  # a running server may be rebuilding too
            _indexed, report = build_and_save(settings.corpus_dir, settings.index_path,
                                              progress=lambda message: print(f"  {message}", file=sys.stderr))
    except OSError as exc:
        raise IndexWriteError(str(settings.index_path), exc.strerror or str(exc)) from None
    print(f"built {settings.index_path}: {report.documents} documents, {report.chunks} chunks, "
          f"{report.vocabulary} terms in {report.seconds:.2f} s")
    return 0


def _note_reduced_synonyms(groups: Sequence[Sequence[str]]) -> None:
    """Tell the maintainer which synonym phrases match as one word ("get in" → "get"), on `index
    --check` only: some are meant ("stand out" is found by "stand"), and a build need not repeat them."""
    from .analysis import Analyzer, reduced_members

    for member, word in reduced_members(Analyzer.create(), groups):
        print(f"note: synonyms.yaml: {member!r} is matched as {word!r} alone (its other words are "
              f"stopwords), so any sentence saying {word!r} counts as this group", file=sys.stderr)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import logging.config

    import uvicorn

    from .service.app import create_app
    from .service.connections import GuardedHttpToolsProtocol
    from .service.logs import logging_config
    from .service.startup import load_for_serving, raise_open_file_limit, remove_stale_temporaries
    from .service.watcher import CorpusWatcher

    settings = settings.with_overrides(host=args.host, port=args.port, workers=args.workers,
                                       watch=True if args.watch else None)
    log_config = logging_config()
    logging.config.dictConfig(log_config)
    raise_open_file_limit()  # workers inherit it
    remove_stale_temporaries(settings.index_path)
    loaded = load_for_serving(settings.corpus_dir, settings.index_path)  # before workers start
    indexed, origin = loaded.indexed, loaded.origin
    extras = (f", {settings.workers} workers" if settings.workers > 1 else "") + \
        (", rebuilding on corpus changes" if settings.watch else "") + \
        (", from memory (the index file could not be written)" if not origin.persisted else "") + \
        (f", the last good index ({origin.problems} corpus problems)" if origin.problems else "")
    print(f"serving {len(indexed.documents)} documents / {len(indexed.chunks)} chunks "
          f"at http://{settings.host}:{settings.port}{extras}", file=sys.stderr)
    _export(settings)
    # One worker serves what was just loaded; several each load the index file themselves.
    app = create_app(settings, loaded=loaded) if settings.workers == 1 else "guidebot.service.app:create_app"
    del indexed, loaded
    watcher = CorpusWatcher(settings.corpus_dir, settings.index_path).start() if settings.watch else None
    try:
        uvicorn.run(app, factory=settings.workers > 1, host=settings.host, port=settings.port,
                    workers=settings.workers, log_level="warning", access_log=False, log_config=log_config,
                    proxy_headers=False,  # the app applies GUIDEBOT_FORWARDED_ALLOW_IPS itself (forwarding.py)
                    http=GuardedHttpToolsProtocol, h11_max_incomplete_event_size=settings.max_header_bytes,
                    timeout_keep_alive=settings.keep_alive_seconds)
    finally:
        if watcher is not None:
            watcher.stop()
    return 0


def _export(settings: Settings) -> None:
    """Pass CLI overrides to worker processes, which build their own Settings from the environment."""
    import os

    os.environ["GUIDEBOT_CORPUS_DIR"] = str(settings.corpus_dir)
    os.environ["GUIDEBOT_INDEX_PATH"] = str(settings.index_path)


def _bot(settings: Settings) -> Guidebot:
    from .build import load_or_build
    from .chat import Guidebot

    return Guidebot(load_or_build(settings.corpus_dir, settings.index_path))


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from .service.payload import chat_payload

    bot = _bot(settings)
    answer = bot.chat(args.question)
    payload = chat_payload(bot, answer)
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(render_blocks(payload["blocks"]))  # type: ignore[arg-type]
    if payload["sources"]:
        print("\nSources:")
        for source in payload["sources"]:  # type: ignore[attr-defined]
            ids = "".join(f"[{n}]" for n in source["citations"])
            where = source["title"] + (f" › {source['section']}" if source["section"] else "")
            links = dict.fromkeys(q["link"] for q in source["quotes"] if q["link"].startswith(("http://", "https://")))
            shown = list(links) or [f"{source['page']} (on the guidebot server)"]
            print(f"  {ids} {where}" + "".join(f"\n      {link}" for link in shown))
    if answer.suggestions:
        print("\nYou could also ask:")
        for s in answer.suggestions:
            print(f"  - {s}")
    return 0


def render_blocks(blocks: Sequence[dict[str, Any]]) -> str:
    """A reply for the terminal: paragraphs as wrapped-free text, lists as "- item [n]" lines."""
    def line(segment: dict[str, Any]) -> str:
        return segment["text"] + "".join(f" [{n}]" for n in segment["citations"])

    parts = []
    for block in blocks:
        if block["type"] == "list":
            parts.append("\n".join(f"  - {line(item)}" for item in block["items"]))
        else:
            parts.append(" ".join(line(s) for s in block["sentences"]))
    return "\n".join(parts)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluation import evaluate, load_cases, report

    cases = load_cases(args.gold)
    if args.split != "all":
        cases = [c for c in cases if c.split == args.split]
    outcomes = evaluate(_bot(settings), cases)
    print(report(outcomes, show_failures=not args.quiet))
    return 0


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    from .service.store import Store

    url = settings.store_url()
    if url is None:
        raise GuidebotError("recording is off (GUIDEBOT_DATABASE_URL=none): there is nothing to report or purge")
    try:
        store = Store(url)
        store.migrate()
    except (SQLAlchemyError, ValueError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise GuidebotError(f"cannot open the database GUIDEBOT_DATABASE_URL names: {first_line}") from None
    return store


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from .service.report import build_report, parse_since
    from .service.report_text import format_report

    try:
        seconds = parse_since(args.since)
    except ValueError as exc:
        raise GuidebotError(str(exc)) from None
    store = _store(settings)
    try:
        report = build_report(store, _bot(settings), seconds)
    finally:
        store.close()
    print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) if args.json else format_report(report),
          end="\n" if args.json else "")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    import time

    days = settings.retention_days if args.days is None else args.days
    if days < 1:
        raise GuidebotError("nothing to purge: --days (or GUIDEBOT_RETENTION_DAYS) must be at least 1")
    store = _store(settings)
    try:
        purged = store.purge(time.time() - days * 86400)
    finally:
        store.close()
    print(f"purged what was recorded more than {days} days ago: {purged.turns} turns, {purged.citations} "
          f"citations, {purged.feedback} ratings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
