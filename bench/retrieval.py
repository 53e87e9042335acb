"""Retrieval latency at 10k, 100k and 1M cases: exact vs approximate (HNSW), and recall@5.

    .venv/bin/python bench/retrieval.py [--sizes 10000 100000 1000000] [--queries 200]

The library has a few hundred cases, so bigger libraries are synthesised from the real
embeddings of its train split: each synthetic vector is a real complaint's vector plus half of
another's plus Gaussian noise, normalised. Train split only, so the test-split queries are new
complaints, as in the app (synthesising from every case once flooded each query's neighbourhood
with ~1,600 copies of itself, which the split filter then removed). The mix and the noise keep
the real vectors' geometry (clusters by topic and language) without making thousands of
near-identical copies, which would make every top 5 a tie.
Each synthetic case carries its source case's fields, so the drafter's filters (language, split)
select realistic shares. Queries are real test-split complaints, embedded per query with the
real embedder, as the app does; "query" latency = embedding + search.

Three searches are timed per size, through `CaseIndex.search_vector` (the app's code path):
exact, approximate (the HNSW graph CaseIndex builds above its threshold), and approximate with
the filters the drafter passes ({"split": "train", "language": ...}).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import (
    Noise,
    fmt_ms,
    header,
    load_average,
    peak_rss_mib,
    percentiles,
    test_complaints,
    wait_quiet,
)

# Noise of total norm about 0.5 on a unit vector: neighbours stay meaningful, copies differ.
NOISE_NORM = 0.5
MIX = 0.5  # weight of the second real vector mixed in


def synthesise(base: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src = np.arange(n) % len(base)  # every real case is the source of n / len(base) vectors
    other = rng.integers(0, len(base), n)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    chunk = 100_000  # bounded temporaries: 1M x 384 float64 noise at once would be 3 GB
    scale = NOISE_NORM / np.sqrt(base.shape[1])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        block = base[src[lo:hi]] + MIX * base[other[lo:hi]]
        block += rng.normal(0, scale, block.shape).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[lo:hi] = block
    return out, src


def time_queries(index, queries, embed_seconds, k, filters_for, exact) -> dict:
    totals, searches, hits = [], [], []
    for q, embed_s, filters in zip(queries, embed_seconds, filters_for, strict=True):
        t = time.perf_counter()
        matches = index.search_vector(q, k, filters, exact=exact)
        searches.append(time.perf_counter() - t)
        totals.append(embed_s + searches[-1])
        hits.append(matches)
    return {"latency": percentiles(totals), "search": percentiles(searches), "matches": hits}


def timed_sets(index, sets: dict, k: int, exact: bool) -> tuple[dict, Noise]:
    """Each named set of (queries, embedding seconds, filters) timed once, on a quiet machine."""
    wait_quiet()
    with Noise() as noise:
        runs = {label: time_queries(index, q, e, k, f, exact) for label, (q, e, f) in sets.items()}
    return runs, noise


def describe(run: dict) -> str:
    total, search = run["latency"], run["search"]
    return (
        f"p50 {fmt_ms(total[50]):>9}  p95 {fmt_ms(total[95]):>9} "
        f"(search alone p95 {fmt_ms(search[95])})"
    )


def recall(approx: dict, exact: dict) -> float:
    """Share of approximate hits scoring at least the exact k-th best score (ties count: the
    same vector scores the same in both; 1e-5 absorbs FAISS's and numpy's float rounding)."""
    found = []
    for got, truth in zip(approx["matches"], exact["matches"], strict=True):
        kth = truth[-1].score - 1e-5
        found.append(sum(m.score >= kth for m in got) / len(truth))
    return float(np.mean(found))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument(
        "--filtered-queries", type=int, default=50, help="queries for the filtered searches"
    )
    parser.add_argument(
        "--ef-search",
        nargs="+",
        type=int,
        default=[512, 96, 256],
        help="HNSW efSearch values to compare (the index's own default first)",
    )
    parser.add_argument(
        "--ef-construction", type=int, help="HNSW build breadth (default: the index's own)"
    )
    args = parser.parse_args(argv)
    header("retrieval")
    if args.ef_construction:
        from assistant.retrieval import index as index_module

        index_module.HNSW_EF_CONSTRUCTION = args.ef_construction
        print(f"   HNSW efConstruction {args.ef_construction}")

    from assistant.config import Settings
    from assistant.retrieval.index import CaseIndex, embed
    from assistant.service import Assistant

    library, split = test_complaints()
    assistant = Assistant(Settings.from_env(), cases=library)
    embedder = assistant.embedder
    cases = [c for c in library if c.id not in split.test_ids]
    t = time.perf_counter()
    base = embed(embedder, [c.complaint for c in cases])
    print(f"   embedded the {len(cases)} train-split complaints in {time.perf_counter() - t:.1f} s")
    texts = [c.complaint for c in split.cases]
    texts = (texts * (args.queries // len(texts) + 1))[: args.queries]
    queries, embed_seconds = [], []
    embedder.embed_batch(texts[:1])  # the first call pays one-off allocation
    wait_quiet()
    with Noise() as noise:
        for text in texts:
            t = time.perf_counter()
            queries.append(embedder.embed_batch([text])[0])
            embed_seconds.append(time.perf_counter() - t)
    e = percentiles(embed_seconds)
    print(
        f"   query embedding alone: p50 {fmt_ms(e[50])}, p95 {fmt_ms(e[95])}; {noise}", flush=True
    )
    language = {c.complaint: c.language for c in split.cases}
    filters_for = [{"split": "train", "language": language[text]} for text in texts]

    for n in args.sizes:
        print(f"-- {n:,} cases ({load_average()})", flush=True)
        t = time.perf_counter()
        vectors, src = synthesise(base, n)
        # The same Case objects repeat (memory: 1M distinct dataclasses would cost ~1.5 GB);
        # filters read their fields, search returns them; recall compares row numbers.
        rows = [cases[i] for i in src]
        index = CaseIndex(embedder, rows, vectors, approximate_threshold=0)
        print(f"   synthesised in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        graph = index._graph()
        build = time.perf_counter() - t
        print(f"   HNSW graph built in {build:.1f} s ({n / build:,.0f} vectors/s)", flush=True)
        nofilter = [None] * len(queries)
        m = args.filtered_queries
        sets = {
            "no filter": (queries, embed_seconds, nofilter),
            "drafter filters": (queries[:m], embed_seconds[:m], filters_for[:m]),
        }
        exact, noise = timed_sets(index, sets, args.k, exact=True)
        for label, r in exact.items():
            print(f"   exact, {label:16} {describe(r)}; {noise}")
        for ef in args.ef_search or [graph.hnsw.efSearch]:
            graph.hnsw.efSearch = ef
            approx, noise = timed_sets(index, sets, args.k, exact=False)
            for label, r in approx.items():
                print(
                    f"   HNSW efSearch {ef:4}, {label:16} {describe(r)}; "
                    f"recall@{args.k} {recall(r, exact[label]):.3f}; {noise}",
                    flush=True,
                )
        print(f"   peak RSS {peak_rss_mib():,.0f} MiB", flush=True)
        del index, graph, vectors, rows
    print(f"   finished {time.strftime('%H:%M:%S')}; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
