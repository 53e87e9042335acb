"""Retrieval coverage of the test split: how close is each test complaint's nearest train case?

    .venv/bin/python bench/library_coverage.py [--data DIR] [--label NAME] [--json OUT]

For every test case (data/split.json), the cosine similarity of its nearest train case (the
real embedder, all-MiniLM-L6-v2, as the app retrieves) and whether that case is from the same
industry; mean and p10 of the similarity, the same-industry share, overall and per language.
Run it on the old library (`git archive 72902d5 data | tar -x -C /tmp/old`, then
`--data /tmp/old/data`) and the current one for the table in data/README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
from _common import cpu_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import Assistant, Settings  # noqa: E402
from assistant.errors import IndexMismatchError  # noqa: E402
from assistant.library.cases import load_library  # noqa: E402
from assistant.retrieval.index import CaseIndex, embed  # noqa: E402


def coverage(data_dir: Path) -> dict:
    cases = load_library(data_dir)
    train = [c for c in cases if c.split == "train"]
    test = [c for c in cases if c.split == "test"]
    started = time.perf_counter()
    # The app's own saved index when it holds exactly this library (no second embedding pass);
    # otherwise the complaints are embedded here.
    assistant = Assistant(Settings.from_env(data_dir=data_dir), cases=cases)
    try:
        index = CaseIndex.load(assistant.settings.index_dir, cases, assistant.embedder)
        by_id = {c.id: i for i, c in enumerate(index.cases)}
        vectors = index.vectors[[by_id[c.id] for c in train + test]]
    except IndexMismatchError:
        vectors = embed(assistant.embedder, [c.complaint for c in train + test], progress=True)
    seconds = time.perf_counter() - started
    sims = vectors[len(train) :] @ vectors[: len(train)].T
    best = sims.argmax(axis=1)
    score = sims[np.arange(len(test)), best]
    same = np.array([train[j].industry == t.industry for t, j in zip(test, best, strict=True)])

    def figures(mask) -> dict:
        return {
            "test": int(mask.sum()),
            "mean": round(float(score[mask].mean()), 3),
            "p10": round(float(np.percentile(score[mask], 10)), 3),
            "same_industry": round(float(same[mask].mean()), 3),
        }

    languages = sorted({t.language for t in test})
    return {
        "cases": len(cases),
        "train": len(train),
        "all": figures(np.ones(len(test), dtype=bool)),
        "by_language": {
            lang: figures(np.array([t.language == lang for t in test])) for lang in languages
        },
        "embed_seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Settings().data_dir))
    parser.add_argument("--label", default="current")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    result = {"label": args.label, "cpu": cpu_model(), "machine": platform.machine()}
    result.update(coverage(Path(args.data)))
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
