"""The gold sets and the Debian FAQ transfer check, for this code and a previous release, in one run.

    python -m bench.release_compare                 # against the release before issue 12 (33b40b8)
    python -m bench.release_compare --rev <commit>  # against another commit (the last session's, say)

The previous release is checked out into a temporary git worktree and plays the same questions
in a subprocess (its own package and its own corpus; through `guidebot.chat.Guidebot` where the
revision has it, else through the older `guidebot.engine`); every reply, old or new, is scored here by the
current evaluation (`guidebot.evaluation.run_case` rules: answered as expected, facts, cited
documents, evidence sentence). Prints per split and per gold folder: pass rate, false answers
(of uncovered cases) and false abstentions (of covered ones); for the FAQ: answered and first
citation beside naive rank-bm25.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guidebot.build import build_index
from guidebot.chat import Citation, Guidebot, Reply, Turn
from guidebot.corpus import load_corpus
from guidebot.evaluation import Case, Outcome, load_cases

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS_RELEASE = "33b40b8"
GOLD = {"old gold (232)": ROOT / "tests" / "gold", "v2 gold (346)": ROOT / "tests" / "gold" / "v2"}

# Runs inside the previous release's checkout: plays conversations, prints replies as JSON lines.
OLD_PLAYER = r'''
import json, sys
from pathlib import Path
from guidebot.engine import Engine, load_or_build
from guidebot.dialogue import respond
corpus, index = sys.argv[1], sys.argv[2]
engine = Engine(load_or_build(Path(corpus), Path(index)))
for line in sys.stdin:
    turns = json.loads(line)
    history = []
    for turn in turns:
        answer = respond(engine, turn, history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.text}]
    print(json.dumps({"text": answer.text, "answered": answer.answered, "confidence": answer.confidence,
                      "kind": answer.kind, "citations": [[c.doc_id, c.quote] for c in answer.citations]}), flush=True)
'''

# The same, for revisions with the chat facade (`guidebot.chat.Guidebot`, from the layout issue on).
CHAT_PLAYER = r'''
import json, sys
from pathlib import Path
from guidebot.build import build_index
from guidebot.chat import Guidebot, Turn
from guidebot.corpus import load_corpus
bot = Guidebot(build_index(load_corpus(Path(sys.argv[1]))))
for line in sys.stdin:
    history = []
    for turn in json.loads(line):
        answer = bot.chat(turn, history)
        history += [Turn("user", turn), Turn("assistant", answer.text)]
    print(json.dumps({"text": answer.text, "answered": answer.answered, "confidence": answer.confidence,
                      "kind": answer.kind, "citations": [[c.doc_id, c.quote] for c in answer.citations]}), flush=True)
'''


@dataclass
class Tally:
    passed: int = 0
    cases: int = 0
    false_answers: int = 0
    uncovered: int = 0
    false_abstentions: int = 0
    covered: int = 0

    def add(self, outcome: Outcome) -> None:
        self.cases += 1
        self.passed += outcome.passed
        self.uncovered += not outcome.case.answered
        self.covered += outcome.case.answered
        self.false_answers += outcome.false_answer
        self.false_abstentions += outcome.false_abstention

    def row(self) -> str:
        def share(n: int, d: int) -> str:
            return f"{n} ({n / d:.1%})" if d else "0"

        return (f"{share(self.passed, self.cases)} | {share(self.false_answers, self.uncovered)} | "
                f"{share(self.false_abstentions, self.covered)}")


def score(case: Case, reply: Reply) -> Outcome:
    """The current evaluation's verdict on a reply (the same rules as guidebot.evaluation.run_case)."""
    outcome = Outcome(case, reply)
    if reply.answered != case.answered:
        outcome.problems.append("answered" if reply.answered else "abstained")
    text = reply.text.casefold()
    for fact in case.must_contain:
        if not any(option.strip().casefold() in text for option in fact.split("|")):
            outcome.problems.append(f"missing {fact!r}")
    cited = {c.doc_id for c in reply.citations}
    outcome.problems.extend(f"does not cite {d}" for d in case.cites if d not in cited)
    if case.answered and case.evidence and reply.answered and not outcome.cites_evidence:
        outcome.problems.append("cites none of the evidence sentences")
    return outcome


def new_replies(bot: Guidebot, conversations: list[tuple[str, ...]]) -> list[Reply]:
    replies = []
    for turns in conversations:
        history: list[Turn] = []
        reply = None
        for turn in turns:
            reply = bot.chat(turn, history)
            history += [Turn("user", turn), Turn("assistant", reply.text)]
        assert reply is not None
        replies.append(reply)
    return replies


def old_replies(checkout: Path, corpus: Path, conversations: list[tuple[str, ...]]) -> list[Reply]:
    index = checkout / ".compare-index.gbi"
    player = CHAT_PLAYER if (checkout / "src" / "guidebot" / "chat.py").exists() else OLD_PLAYER
    process = subprocess.run([sys.executable, "-c", player, str(corpus), str(index)],
                             input="\n".join(json.dumps(list(t)) for t in conversations) + "\n", text=True,
                             capture_output=True, cwd=checkout, env={"PYTHONPATH": str(checkout / "src"),
                                                                    "PATH": "/usr/bin:/bin"}, check=True)
    replies = []
    for line in process.stdout.splitlines():
        data = json.loads(line)
        citations = tuple(Citation(n, "", doc_id, "", None, None, quote)
                          for n, (doc_id, quote) in enumerate(data["citations"], start=1))
        replies.append(Reply(data["text"], data["answered"], data["confidence"], citations, kind=data["kind"]))
    return replies


def gold_table(bot: Guidebot, checkout: Path, rev: str) -> list[str]:
    lines = ["| cases | split | code | passed | false answers (of uncovered) | false abstentions (of covered) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for label, folder in GOLD.items():
        cases = load_cases(folder)
        conversations = [c.turns for c in cases]
        for name, replies in (("this code", new_replies(bot, conversations)),
                              (f"release {rev}", old_replies(checkout, checkout / "corpus", conversations))):
            for split in ("tune", "heldout"):
                tally = Tally()
                for case, reply in zip(cases, replies, strict=True):
                    if case.split == split:
                        tally.add(score(case, reply))
                lines.append(f"| {label} | {split} | {name} | {tally.row()} |")
    return lines


def faq_table(checkout: Path, rev: str) -> list[str]:
    from bench import faq, faq_corpus

    if not faq_corpus.is_installed():
        return ["(debian-faq is not installed: no FAQ comparison)"]
    lines = ["| condition | questions | code | answered | first citation = entry | naive rank-bm25 top-1 |",
             "| --- | --- | --- | --- | --- | --- |"]
    entries = faq_corpus.read_entries()
    with tempfile.TemporaryDirectory() as tmp:
        for titled in (True, False):
            folder = Path(tmp) / ("titled" if titled else "untitled")
            pairs = faq_corpus.write_corpus(folder, titled=titled, entries=entries)
            top1 = faq.naive_ranker(entries, titled)
            bot = Guidebot(build_index(load_corpus(folder)))
            for subset in ("all", "heldout"):
                chosen = [(q, d) for q, d in pairs if subset == "all" or faq_corpus.split_of(d) == "heldout"]
                conversations = [(q,) for q, _d in chosen]
                naive = sum(top1(q) == d for q, d in chosen) / len(chosen)
                for name, replies in (("this code", new_replies(bot, conversations)),
                                      (f"release {rev}", old_replies(checkout, folder, conversations))):
                    answered = sum(r.answered for r in replies) / len(chosen)
                    first = sum(r.answered and bool(r.citations) and r.citations[0].doc_id == d
                                for r, (_q, d) in zip(replies, chosen, strict=True)) / len(chosen)
                    lines.append(f"| {'A titled' if titled else 'B untitled'} | {subset} ({len(chosen)}) | {name} | "
                                 f"{answered:.1%} | {first:.1%} | {naive:.1%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default=PREVIOUS_RELEASE, help="the previous release's commit")
    args = parser.parse_args()
    bot = Guidebot(build_index(load_corpus(ROOT / "corpus")))
    with tempfile.TemporaryDirectory() as tmp:
        checkout = Path(tmp) / "previous"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(checkout), args.rev],
                       check=True)
        try:
            print("\n".join(gold_table(bot, checkout, args.rev)))
            print()
            print("\n".join(faq_table(checkout, args.rev)))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(checkout)], check=False)


if __name__ == "__main__":
    main()
