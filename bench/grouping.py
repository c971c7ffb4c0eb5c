"""How well each way of grouping unanswered questions recovers hand-made groups
(bench/data/unanswered_groups.yaml: questions the shipped corpus does not answer, one group per
thing a student wants). Each question is asked of the bot as the service would record it (its
reason, subject and the specific asked for), then grouped by:

- key: the recorded reason, subject and specific only;
- words: word overlap (cosine of the sets of lower-cased non-stopwords), one group for all;
- terms: search terms (stemmed, spelling-corrected, synonyms added) weighted by idf;
- key+terms: the key first, then search terms within it;
- key|terms: the key alone where it names a fix (a subject, a specific), search terms for
  replies that name nothing ("I couldn't find that"): what the service uses.

Prints pairwise precision, recall and F1 per method and threshold.
Usage: python -m bench.grouping [--json]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from guidebot.analysis import stopwords
from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
from guidebot.service.grouping import group_questions, grouping_text, pairwise_scores
from guidebot.service.reasons import ReplyReader
from guidebot.service.report import term_vector

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "bench" / "data" / "unanswered_groups.yaml"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)


def labelled() -> tuple[list[str], list[list[int]]]:
    groups = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    questions: list[str] = []
    truth: list[list[int]] = []
    for phrasings in groups.values():
        truth.append(list(range(len(questions), len(questions) + len(phrasings))))
        questions.extend(phrasings)
    return questions, truth


def recorded_keys(bot: Guidebot, questions: list[str]) -> list[tuple[object, ...]]:
    reader = ReplyReader(bot.lexicon)
    keys = []
    for q in questions:
        reply = bot.chat(q)
        reason = reader.reason(reply.text, reply.kind)
        subject = ",".join(reply.focus) if reply.focus else (reason.names if reason else None)
        keys.append((reason.code if reason else reply.kind, subject, reason.need if reason else None))
    return keys


def word_vector(text: str) -> dict[str, float]:
    stop = stopwords()
    return {w: 1.0 for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop}


def measure(bot: Guidebot) -> list[dict[str, object]]:
    questions, truth = labelled()
    keys = recorded_keys(bot, questions)
    ones = [1] * len(questions)
    none = [None] * len(questions)
    same = [0] * len(questions)
    terms = term_vector(bot)
    results: list[dict[str, object]] = [
        {"method": "key", "threshold": None, **pairwise_scores(group_questions(keys, none, ones, terms), truth)}]
    keyed = [grouping_text(str(k[0]), q) for k, q in zip(keys, questions, strict=True)]
    for threshold in THRESHOLDS:
        for method, k, texts, vectorize in (("words", same, questions, word_vector),
                                            ("terms", same, questions, terms),
                                            ("key+terms", keys, questions, terms), ("key|terms", keys, keyed, terms)):
            grouped = group_questions(k, texts, ones, vectorize, threshold)
            results.append({"method": method, "threshold": threshold, **pairwise_scores(grouped, truth)})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bot = Guidebot(build_index(load_corpus(ROOT / "corpus")))
    results = measure(bot)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    questions, truth = labelled()
    print(f"{len(questions)} questions in {len(truth)} hand-made groups ({LABELLED.relative_to(ROOT)})\n")
    print(f"{'method':10} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'groups':>6}")
    for r in results:
        threshold = "-" if r["threshold"] is None else f"{r['threshold']:.1f}"
        print(f"{r['method']:10} {threshold:>9} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} "
              f"{r['groups']:>6}")


if __name__ == "__main__":
    main()
