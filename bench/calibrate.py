"""Fit the answerability model (src/guidebot/answering/answerability.py) on the gold set's tune split.

    python -m bench.calibrate            # fit on tune, write src/guidebot/data/answerability.json, report
    python -m bench.calibrate --check    # only report the shipped model on both splits

Procedure: play every tune case (tests/gold/*.yaml and tests/gold/v2/*.yaml) with a policy that
answers whenever sentences were picked, and record the features of the last turn's decision. The
label is 1 when that answer is right: the case expects an answer and the reply cites one of its
evidence sentences (v2 cases) or contains its facts and cites its documents (older cases); 0 when
the case expects no answer or the picks were the wrong ones. A logistic regression with a small L2
penalty (Newton's method, numpy) is fitted to those labels. The held-out split is never used to
fit; the report gives, on both splits, the reliability table (among answered replies with
confidence ≥ t, the share that is right) and the gold pass rates at the shipped threshold.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from guidebot import datafiles
from guidebot.answering import answerability
from guidebot.answering.answerability import Features, record_decisions
from guidebot.build import build_index
from guidebot.chat import Guidebot, Turn
from guidebot.corpus import load_corpus
from guidebot.evaluation import Case, evaluate, load_cases, run_case
from guidebot.policy import Policy

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "guidebot" / "data" / "answerability.json"
GOLD = (ROOT / "tests" / "gold", ROOT / "tests" / "gold" / "v2")
L2 = 1.0


def cases(split: str) -> list[Case]:
    return [c for folder in GOLD for c in load_cases(folder) if c.split == split]


def collect(bot: Guidebot, selected: list[Case]) -> tuple[np.ndarray, np.ndarray]:
    """Features of each case's last-turn decision, and whether answering there was right."""
    bot.warm()  # the suggestion pool answers questions too: build it before recording
    rows, labels = [], []
    for case in selected:
        with record_decisions() as before:
            history: list[Turn] = []
            for turn in case.turns[:-1]:
                reply = bot.chat(turn, history)
                history += [Turn("user", turn), Turn("assistant", reply.text)]
        with record_decisions() as decisions:
            outcome = run_case(bot, case)
        last_turn = decisions[len(before):]
        if not last_turn:
            continue  # small talk, lists, partial replies: not this model's decision
        right = case.answered and outcome.answer.answered and not outcome.problems
        rows.append(last_turn[-1].features.vector())
        labels.append(1.0 if right else 0.0)
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=float)


def collect_faq(titled: bool) -> tuple[np.ndarray, np.ndarray]:
    """The same for the Debian FAQ's tune entries (bench/faq_corpus.py), so that the model is
    fitted on two corpora, not one: right = a citation is the question's own entry."""
    import tempfile

    from bench import faq_corpus

    if not faq_corpus.is_installed():
        print("debian-faq is not installed: fitting on the shipped corpus only")
        return np.zeros((0, len(Features.names()))), np.zeros(0)
    with tempfile.TemporaryDirectory() as tmp:
        pairs = faq_corpus.write_corpus(Path(tmp) / "faq", titled=titled)
        bot = Guidebot(build_index(load_corpus(Path(tmp) / "faq")), policy=Policy(answer_coverage=0.0)).warm()
    rows, labels = [], []
    for question, doc_id in pairs:
        if faq_corpus.split_of(doc_id) != "tune":
            continue
        with record_decisions() as decisions:
            reply = bot.chat(question)
        if decisions:
            rows.append(decisions[-1].features.vector())
            labels.append(1.0 if reply.answered and any(c.doc_id == doc_id for c in reply.citations) else 0.0)
    return np.asarray(rows, dtype=float), np.asarray(labels, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[float, np.ndarray]:
    """L2-penalised logistic regression by Newton's method (the intercept is not penalised)."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(weights[0]), weights[1:]


def faq_cost(indexed_by_title: dict[bool, object], coverage: float) -> int:  # type: ignore[type-arg]
    """3 × wrong answers + abstentions over the FAQ's tune questions (every one is answerable)."""
    from bench import faq_corpus

    cost = 0
    for indexed, pairs in indexed_by_title.values():  # type: ignore[misc]
        bot = Guidebot(indexed, policy=Policy(answer_coverage=coverage))
        for question, doc_id in pairs:
            if faq_corpus.split_of(doc_id) != "tune":
                continue
            reply = bot.chat(question)
            if not reply.answered:
                cost += 1
            elif not any(c.doc_id == doc_id for c in reply.citations):
                cost += 3
    return cost


def faq_indexes() -> dict[bool, object]:
    import tempfile

    from bench import faq_corpus

    if not faq_corpus.is_installed():
        return {}
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for titled in (True, False):
            pairs = faq_corpus.write_corpus(Path(tmp) / str(titled), titled=titled)
            found[titled] = (build_index(load_corpus(Path(tmp) / str(titled))), pairs)
    return found


def choose_threshold(indexed, selected: list[Case]) -> float:  # type: ignore[no-untyped-def]
    """The coverage an answer needs: the least costly over the tune split and the FAQ's tune
    questions, a false answer costing three false abstentions (a confident non-answer is what a
    student notices most)."""
    faq = faq_indexes()
    best = (float("inf"), 0.6)
    for threshold in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        outcomes = evaluate(Guidebot(indexed, policy=Policy(answer_coverage=threshold)), selected)
        cost = 3 * sum(o.false_answer for o in outcomes) + sum(o.false_abstention for o in outcomes)
        cost += faq_cost(faq, threshold)
        print(f"  coverage {threshold:.2f}: cost {cost}")
        best = min(best, (cost, threshold))
    return best[1]


def reliability(bot: Guidebot, selected: list[Case]) -> list[str]:
    outcomes = evaluate(bot, selected)
    answered = [o for o in outcomes if o.answer.answered and o.answer.kind == "answer"]
    lines = ["| confidence ≥ | answered replies | right |", "| --- | --- | --- |"]
    for t in (0.5, 0.6, 0.7, 0.8, 0.9):
        chosen = [o for o in answered if o.answer.confidence >= t]
        right = sum(o.case.answered and not o.problems for o in chosen)
        share = f"{right / len(chosen):.1%}" if chosen else "–"
        lines.append(f"| {t:.1f} | {len(chosen)} | {right} ({share}) |")
    passed = sum(o.passed for o in outcomes)
    false_answers = sum(o.false_answer for o in outcomes)
    false_abstentions = sum(o.false_abstention for o in outcomes)
    lines.append(f"\npassed {passed}/{len(outcomes)} ({passed / len(outcomes):.1%}), false answers {false_answers} "
                 f"({false_answers / max(1, sum(not o.case.answered for o in outcomes)):.1%} of uncovered), "
                 f"false abstentions {false_abstentions} "
                 f"({false_abstentions / max(1, sum(o.case.answered for o in outcomes)):.1%} of covered)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report the shipped model")
    args = parser.parse_args()
    indexed = build_index(load_corpus(ROOT / "corpus"))
    if not args.check:
        collecting = Guidebot(indexed, policy=Policy(answer_coverage=0.0))  # every pick answered
        x, y = collect(collecting, cases("tune"))
        for titled in (True, False):
            fx, fy = collect_faq(titled)
            x, y = np.vstack([x, fx]) if len(fx) else x, np.concatenate([y, fy])
        intercept, coefficients = fit(x, y)
        model = {"intercept": round(intercept, 6),
                 "coefficients": {n: round(float(c), 6) for n, c in zip(Features.names(), coefficients, strict=True)},
                 "fitted_on": f"tune split: {len(y)} decisions, {int(y.sum())} right answers",
                 "procedure": "python -m bench.calibrate (see its docstring)", "l2": L2}
        model["coverage_threshold"] = choose_threshold(indexed, cases("tune"))
        MODEL.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
        print(f"coverage threshold {model['coverage_threshold']}: the least 3 × false answers + false "
              "abstentions on tune (gold and FAQ)")
        print(f"fitted on {len(y)} tune decisions ({int(y.sum())} right): wrote {MODEL.relative_to(ROOT)}")
        print(json.dumps(model["coefficients"], indent=2))
    datafiles.yaml_table.cache_clear()
    answerability.shipped_model.cache_clear()
    bot = Guidebot(indexed)
    for split in ("tune", "heldout"):
        print(f"\n## {split} split (old and v2 cases)\n")
        print("\n".join(reliability(bot, cases(split))))


if __name__ == "__main__":
    main()
