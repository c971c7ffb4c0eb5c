"""Retrieval quality on a public benchmark: BEIR SciFact (5,183 abstracts, 300 test claims), read
from ../shared/data/scifact (never copied into the repository).

Each abstract becomes a corpus document (front matter `id`, `title`, `kind: topic`; the abstract as
body) in a temporary folder, indexed through the real path (`build.build_and_save`: corpus
loading, chunking, analysis, BM25), and ranked through `Guidebot.search`, the function behind
`GET /api/search`: a document ranks by its best chunk, duplicates removed. Reports nDCG@10 (binary
gains, trec_eval's definition and tie order) and Recall@100 beside rank-bm25's `BM25Okapi` with
nltk's Snowball stemmer and a small stopword list on title + abstract as one text, in the same run.
Then what each analysis choice does, on SciFact and on the guide's gold set.

    .venv/bin/python -m bench.beir               # 300 queries, with the analysis variants
    .venv/bin/python -m bench.beir --quick       # the first 50 queries, no variants (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from nltk.stem.snowball import SnowballStemmer

from guidebot import search
from guidebot.analysis import Analyzer
from guidebot.build import build_and_save, build_index, indexed_text
from guidebot.chat import Guidebot
from guidebot.chunking import Chunk
from guidebot.index import BM25, IndexedCorpus, load_index
from guidebot.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
def _find_data() -> Path:
    """../shared/data/scifact beside the repository (as CI and sessions have it); GUIDEBOT_SCIFACT overrides."""
    candidates = [Path(p) for p in [os.environ.get("GUIDEBOT_SCIFACT", "")] if p]
    candidates += [ROOT.parent / "shared" / "data" / "scifact", Path("/work/shared/data/scifact")]
    return next((c for c in candidates if (c / "corpus.jsonl").exists()), candidates[0])


DATA = _find_data()
GOLD = ROOT / "tests" / "gold"
SEARCH_K = 1000  # chunks asked of Guidebot.search: always more than 100 distinct documents when there are
PUBLISHED = (("BEIR paper, Elasticsearch BM25 multi-field", 0.665), ("Anserini flat (k1 0.9, b 0.4)", 0.679),
             ("rank-bm25 + Snowball, bm25-benchmarks", 0.685))
# The small stopword list of the reference (Lucene's English list, as bm25s ships it).
LUCENE_STOPWORDS = frozenset("""a an and are as at be but by for if in into is it no not of on or such that the their
then there these they this to was will with""".split())
REFERENCE_TOKEN = re.compile(r"(?u)\b\w\w+\b")


# ---------------------------------------------------------------------------------------------
# Data and metrics


@dataclass(frozen=True)
class SciFact:
    docs: list[tuple[str, str, str]]  # (id, title, abstract)
    queries: list[tuple[str, str]]  # (id, text), those with judgments, in file order
    qrels: dict[str, dict[str, int]]


def read_scifact(folder: Path, limit: int | None = None) -> SciFact:
    if not (folder / "corpus.jsonl").exists():
        raise SystemExit(f"SciFact not found in {folder}: see its README (pass --data)")
    docs = []
    with (folder / "corpus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            docs.append((record["_id"], record["title"], record["text"]))
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        query_id, doc_id, grade = line.split("\t")
        qrels.setdefault(query_id, {})[doc_id] = int(grade)
    queries = []
    with (folder / "queries.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["id"] in qrels:
                queries.append((record["id"], record["text"]))
    return SciFact(docs, queries[:limit] if limit else queries, qrels)


def trec_order(scores: dict[str, float]) -> list[str]:
    """trec_eval's ranking of a run: score descending, ties by document id descending."""
    return sorted(sorted(scores, reverse=True), key=lambda d: -scores[d])


def ndcg_at(ranking: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranking: Sequence[str], relevant: dict[str, int], k: int = 100) -> float:
    hits = sum(1 for d in ranking[:k] if relevant.get(d, 0) > 0)
    positives = sum(1 for g in relevant.values() if g > 0)
    return hits / positives if positives else 0.0


def evaluate(rank: Callable[[str], dict[str, float]], data: SciFact) -> dict[str, float]:
    """Mean nDCG@10 and Recall@100 of a ranking function (query text → {doc id: score})."""
    ndcg = recall = 0.0
    started = time.perf_counter()
    for query_id, text in data.queries:
        ranking = trec_order(rank(text))
        ndcg += ndcg_at(ranking, data.qrels[query_id])
        recall += recall_at(ranking, data.qrels[query_id])
    n = len(data.queries)
    return {"ndcg10": ndcg / n, "recall100": recall / n, "ms_per_query": (time.perf_counter() - started) * 1e3 / n}


def best_chunk_per_document(hits: Iterable[tuple[str, float]]) -> dict[str, float]:
    """A document's score is its best chunk's; hits, (doc_id, score), come best first, so the first one wins."""
    scores: dict[str, float] = {}
    for doc_id, score in hits:
        scores.setdefault(doc_id, score)
    return scores


# ---------------------------------------------------------------------------------------------
# The real path, the reference, and the variants


def write_corpus(folder: Path, data: SciFact) -> None:
    folder.mkdir(parents=True)
    for doc_id, title, abstract in data.docs:
        # json.dumps gives a double-quoted string that is also valid YAML, whatever the title holds.
        front = f"---\nid: {doc_id}\ntitle: {json.dumps(title)}\nkind: topic\n---\n"
        (folder / f"{doc_id}.md").write_text(front + "\n" + abstract + "\n", encoding="utf-8")


def reference_tokens(text: str, stemmer: SnowballStemmer, cache: dict[str, str]) -> list[str]:
    tokens = []
    for token in REFERENCE_TOKEN.findall(text.lower()):
        if token in LUCENE_STOPWORDS:
            continue
        stem = cache.get(token)
        if stem is None:
            stem = cache[token] = stemmer.stem(token)
        tokens.append(stem)
    return tokens


def reference_ranker(data: SciFact) -> tuple[Callable[[str], dict[str, float]], float]:
    """rank-bm25's BM25Okapi (k1 1.5, b 0.75) on title + abstract, Snowball, Lucene's stopwords."""
    from rank_bm25 import BM25Okapi

    stemmer, cache = SnowballStemmer("english"), {}
    started = time.perf_counter()
    reference = BM25Okapi([reference_tokens(f"{title} {abstract}", stemmer, cache) for _, title, abstract in data.docs])
    build = time.perf_counter() - started
    ids = [doc_id for doc_id, _, _ in data.docs]

    def rank(text: str) -> dict[str, float]:
        scores = reference.get_scores(reference_tokens(text, stemmer, cache))
        best = scores.argsort()[::-1][:1000]
        return {ids[i]: float(scores[i]) for i in best if scores[i] > 0}

    return rank, build


class NoStemmer:
    def stem(self, word: str) -> str:
        return word


def analyzer_variant(stop: frozenset[str] | None = None, stem: bool = True) -> Analyzer:
    """The shipped analyzer with another stopword list, or without stemming (and its exceptions)."""
    shipped = Analyzer.create()
    if stop is not None:
        shipped = replace(shipped, stop=stop)
    return shipped if stem else replace(shipped, _stems={}, _stemmer=NoStemmer())


def bm25_ranker(bm25: BM25, doc_of: Sequence[str], query_terms: Callable[[str], list[str]]) \
        -> Callable[[str], dict[str, float]]:
    """Best passage per document through BM25.top, for passages that are not chunks."""
    def rank(text: str) -> dict[str, float]:
        scores: dict[str, float] = {}
        for i, score in bm25.top(dict(Counter(query_terms(text))), SEARCH_K):
            scores.setdefault(doc_of[i], score)
        return scores

    return rank


def reindexed(indexed: IndexedCorpus, analyzer: Analyzer, passage_text: Callable[[Chunk], str]) -> IndexedCorpus:
    """The same chunks with another analysis of their text (no file written)."""
    return replace(indexed, bm25=BM25.build([analyzer.terms(passage_text(c)) for c in indexed.chunks]))


def searcher_ranker(searcher: Searcher) -> Callable[[str], dict[str, float]]:
    """Documents by their best chunk, as the served search ranks them."""
    chunks = searcher.chunks
    return lambda q: best_chunk_per_document((chunks[p].doc_id, score) for p, score in searcher.search(q, SEARCH_K))


@contextmanager
def searching_with(analyzer: Analyzer) -> Iterator[None]:
    """Bots built inside this block analyse queries with `analyzer`. `Guidebot` takes no analyzer
    (a deployment never changes it), so this bench-only ablation swaps the searcher's default."""
    original = search.Analyzer
    search.Analyzer = type("VariantAnalyzer", (), {"create": staticmethod(lambda: analyzer)})  # type: ignore[misc]
    try:
        yield
    finally:
        search.Analyzer = original  # type: ignore[misc]


def variants(indexed: IndexedCorpus, data: SciFact) -> list[tuple[str, str, Callable[[str], dict[str, float]]]]:
    """(name, what changes, ranker) for each analysis choice, one at a time from the shipped one."""
    shipped = Analyzer.create()

    def body_only(c: Chunk) -> str:
        return " \n".join(part for part in (c.section or "", c.text) if part)

    out: list[tuple[str, str, Callable[[str], dict[str, float]]]] = []
    no_speller = bm25_ranker(indexed.bm25, [c.doc_id for c in indexed.chunks], shipped.terms)
    out.append(("no spelling correction", "query terms straight from the analyzer (BM25.top)", no_speller))
    for name, change, analyzer, text in (
            ("title not in chunks", "chunks indexed without their document title", shipped, body_only),
            ("Lucene stopwords (33)", "the reference's small list instead of the shipped 150",
             analyzer_variant(LUCENE_STOPWORDS), indexed_text),
            ("no stopwords", "every word indexed", analyzer_variant(frozenset()), indexed_text),
            ("no stemming", "words indexed as written", analyzer_variant(stem=False), indexed_text)):
        out.append((name, change, searcher_ranker(Searcher(reindexed(indexed, analyzer, text), analyzer))))
    # Whole abstracts as single passages (no splitting of long ones), title included.
    documents = [(doc_id, f"{title} \n{abstract}") for doc_id, title, abstract in data.docs]
    whole = BM25.build([shipped.terms(text) for _, text in documents])
    out.append(("whole abstracts, no chunking", "one passage per abstract (535 abstracts > 2,000 chars "
                "are otherwise split into ~900-char chunks)",
                bm25_ranker(whole, [d for d, _ in documents], shipped.terms)))
    # Our BM25 on the reference's own tokens: isolates scoring from analysis (should equal rank-bm25).
    stemmer, cache = SnowballStemmer("english"), {}
    same = BM25.build([reference_tokens(f"{title} {abstract}", stemmer, cache) for _, title, abstract in data.docs])
    out.append(("guidebot BM25 on the reference's tokens", "scoring check: equals rank-bm25 when the analysis is "
                "the same", bm25_ranker(same, [d for d, _, _ in data.docs],
                                        lambda q: reference_tokens(q, stemmer, cache))))
    return out


def gold_effects() -> list[tuple[str, float, int, int]]:
    """Gold-set pass rate (guidebot eval) for the analysis variants that apply to the guide."""
    from guidebot.corpus import load_corpus
    from guidebot.evaluation import evaluate as play
    from guidebot.evaluation import load_cases

    cases = load_cases(GOLD)
    corpus = load_corpus(ROOT / "corpus")
    rows = []
    for name, analyzer, text in (
            ("shipped analysis", Analyzer.create(), None),
            ("title not in chunks", Analyzer.create(),
             lambda c: " \n".join(part for part in (c.section or "", c.text) if part)),
            ("Lucene stopwords (33)", analyzer_variant(LUCENE_STOPWORDS), None),
            ("no stopwords", analyzer_variant(frozenset()), None),
            ("no stemming", analyzer_variant(stem=False), None)):
        indexed = build_index(corpus, analyzer)
        with searching_with(analyzer):
            bot = Guidebot(reindexed(indexed, analyzer, text) if text else indexed)
        outcomes = play(bot, cases)
        rows.append((name, sum(o.passed for o in outcomes) / len(outcomes), sum(o.false_abstention for o in outcomes),
                     sum(o.false_answer for o in outcomes)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.beir", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the first 50 queries, no variants")
    parser.add_argument("--data", type=Path, default=DATA, help=f"SciFact folder (default {DATA})")
    parser.add_argument("--no-variants", action="store_true", help="only guidebot and the reference")
    args = parser.parse_args(argv)

    data = read_scifact(args.data, 50 if args.quick else None)
    with tempfile.TemporaryDirectory(prefix="guidebot-beir-") as tmp:
        corpus_dir, index_path = Path(tmp) / "corpus", Path(tmp) / "index.gbi"
        write_corpus(corpus_dir, data)
        _indexed, report = build_and_save(corpus_dir, index_path)
        indexed = load_index(index_path)
    bot = Guidebot(indexed)
    ours = evaluate(lambda q: best_chunk_per_document((h.doc_id, h.score) for h in bot.search(q, SEARCH_K)), data)
    reference_rank, reference_build = reference_ranker(data)
    reference = evaluate(reference_rank, data)

    print(f"\n### SciFact (BEIR test split): {len(data.queries)} queries, {len(data.docs):,} abstracts → "
          f"{report.chunks:,} chunks\n")
    print("| system | nDCG@10 | Recall@100 | ms/query | index build s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| guidebot (corpus → chunks → analysis → BM25, Guidebot.search, best chunk per document) | "
          f"{ours['ndcg10']:.4f} | {ours['recall100']:.4f} | {ours['ms_per_query']:.1f} | {report.seconds:.1f} |")
    print(f"| rank-bm25 BM25Okapi + Snowball + Lucene stopwords, title + abstract (same run) | "
          f"{reference['ndcg10']:.4f} | {reference['recall100']:.4f} | {reference['ms_per_query']:.1f} | "
          f"{reference_build:.1f} |")
    print(f"\nTarget nDCG@10 ≥ 0.685: {'met' if ours['ndcg10'] >= 0.685 else 'not met'} "
          f"({ours['ndcg10'] - 0.685:+.4f}). Published (all 300 queries): "
          + "; ".join(f"{name} {value:.3f}" for name, value in PUBLISHED) + ".")
    if args.quick or args.no_variants:
        return 0

    print("\n### SciFact: one analysis choice changed at a time\n")
    print("| variant | what changes | nDCG@10 | Δ vs guidebot | Recall@100 |")
    print("|---|---|---:|---:|---:|")
    for name, change, rank in variants(indexed, data):
        m = evaluate(rank, data)
        print(f"| {name} | {change} | {m['ndcg10']:.4f} | {m['ndcg10'] - ours['ndcg10']:+.4f} | "
              f"{m['recall100']:.4f} |")
        sys.stdout.flush()
    print("\n### Gold set (tests/gold, all splits) under the same variants\n")
    print("| variant | pass rate | false abstentions | false answers |")
    print("|---|---:|---:|---:|")
    for name, rate, abstentions, answers in gold_effects():
        print(f"| {name} | {rate:.1%} | {abstentions} | {answers} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
