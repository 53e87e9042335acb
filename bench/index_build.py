"""Index build throughput (cases/s) against raw sentence-transformers `encode` of the same texts.

    .venv/bin/python bench/index_build.py [--n 2000]

`CaseIndex.build` embeds through `retrieval.embed`, which sorts the texts by length, cuts them
into batches of 32 and calls the embedder once per batch (until this benchmark showed the cost,
it took batches of 64 in library order: 33 cases/s against 53 for raw `encode` at batch 32).
sentence-transformers' own `encode` over the whole list also sorts texts by length first. Both
run here on the same texts (the library's complaints, repeated to `--n`), one after the other,
best of `--repeats`.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import Noise, header, load_average, quietest, test_complaints


def best_of(repeats: int, fn) -> tuple[float, Noise]:
    def measure() -> float:
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return best

    return quietest(measure)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="cases to index")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    header("index build")

    from assistant.config import Settings
    from assistant.retrieval.index import CaseIndex
    from assistant.service import Assistant

    cases, _ = test_complaints()
    rows = (cases * (args.n // len(cases) + 1))[: args.n]
    texts = [c.complaint for c in rows]
    embedder = Assistant(Settings.from_env(), cases=cases).embedder
    t = time.perf_counter()
    embedder.warm_up()
    print(
        f"   embedder load {time.perf_counter() - t:.1f} s; {len(rows)} cases, mean "
        f"{sum(map(len, texts)) / len(texts):.0f} characters; {load_average()}",
        flush=True,
    )
    model = embedder._model
    embedder.embed_batch(texts[:64])  # first call pays one-off allocation
    figures = {
        "CaseIndex.build (length-sorted batches of 32)": best_of(
            args.repeats, lambda: CaseIndex.build(rows, embedder)
        ),
        "raw encode, whole list (length-sorted batches of 64)": best_of(
            args.repeats,
            lambda: model.encode(texts, batch_size=64, normalize_embeddings=True),
        ),
        "raw encode, batch 32": best_of(
            args.repeats,
            lambda: model.encode(texts, batch_size=32, normalize_embeddings=True),
        ),
    }
    base = next(iter(figures.values()))[0]
    for label, (seconds, noise) in figures.items():
        print(
            f"   {label:54} {len(rows) / seconds:7.1f} cases/s ({seconds:.1f} s; "
            f"{base / seconds:.2f}x CaseIndex.build; {noise})"
        )
    print(f"   finished {time.strftime('%H:%M:%S')}; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
