"""Measure the coach on the case library: ranking, moves, analysis, latency.

    .venv/bin/python bench/coach_eval.py                       # test split, prints markdown
    .venv/bin/python bench/coach_eval.py --split train         # where the rules are tuned
    .venv/bin/python bench/coach_eval.py --write docs/coach.md # refresh the doc's table

The test split is `data/split.json` when it exists, else `assistant.library.cases.stratified_split`
computed in memory (same ids either way once the file is written from the same library).
Lexicons and thresholds are tuned on the train split only; the test split is for reporting.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.coach.analysis import SARCASM_THRESHOLD, analyse  # noqa: E402
from assistant.coach.review import _analysis, coach, detect_moves  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.errors import CaseLibraryError, InputError  # noqa: E402
from assistant.library.cases import (  # noqa: E402
    Case,
    load_library,
    load_split,
    read_jsonl,
    stratified_split,
    validate_row,
)
from assistant.library.policy import load_policies  # noqa: E402
from assistant.library.vocabulary import MOVES, SENSITIVE, WANTS  # noqa: E402

# The labelled sarcasm sets the sarcasm model learns from; `check` is held out for reporting.
SARCASM_TRAINING = ("tune", "train_a", "train_b")

# The measured section of a doc, one per split: <!-- coach-eval:test:start --> ... :end -->
MARKER = "<!-- coach-eval:{split}:{edge} -->"


def load_cases(data_dir: Path, skip_invalid: bool) -> tuple[list[Case], int]:
    """The library with splits assigned; with `skip_invalid`, rows that break the schema are
    left out (the library is edited while this runs) and counted."""
    try:
        cases, skipped = load_library(data_dir), 0
    except CaseLibraryError:
        if not skip_invalid:
            raise
        cases, skipped = [], 0
        for path in sorted((data_dir / "cases").glob("*.jsonl")):
            for row in read_jsonl(path):
                if validate_row(row):
                    skipped += 1
                    continue
                cases.append(Case.from_dict(row))
    test_ids = load_split(data_dir) or stratified_split(cases)
    for case in cases:
        case.split = "test" if case.id in test_ids else "train"
    return cases, skipped


def pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall


def fmt(x: float) -> str:
    return "–" if x != x else f"{100 * x:.0f}%"


def evaluate(cases: list[Case], policies) -> dict:
    pairs = []
    move_counts = {m: Counter() for m in MOVES}
    latencies_cold, latencies_warm = [], []
    for case in cases:
        try:
            policy = policies.for_brand(case.brand)
        except InputError:
            policy = policies.default
        scores, guards = {}, {}
        for which, reply, labels in (
            ("gold", case.reply, case.moves),
            ("weak", case.weak_reply, case.weak_moves),
        ):
            if which == "gold":
                _analysis.cache_clear()  # the first review of a complaint analyses it
            started = time.perf_counter()
            review = coach(reply, case.complaint, case.channel, policy, policies, case.customer)
            elapsed = 1000 * (time.perf_counter() - started)
            (latencies_cold if which == "gold" else latencies_warm).append(elapsed)
            scores[which] = review.score
            guards[which] = [f.check for f in review.failed if f.severity == "critical"]
            found = detect_moves(reply, case.complaint, review.analysis, case.customer)
            for move in MOVES:
                said, truth = found[move] is not None, move in labels
                move_counts[move][
                    "tp" if said and truth else "fp" if said else "fn" if truth else "tn"
                ] += 1
        pairs.append((case.id, case.weak_kind, scores["gold"], scores["weak"], guards["gold"]))

    flag_counts = {f: Counter() for f in SENSITIVE}
    want_counts = {w: Counter() for w in WANTS}
    sarcasm, kinds = Counter(), Counter()
    for case in cases:
        a = analyse(case.complaint, case.channel)
        for flag in SENSITIVE:
            said, truth = flag in a.sensitive, flag in case.sensitive
            flag_counts[flag][
                "tp" if said and truth else "fp" if said else "fn" if truth else "tn"
            ] += 1
        for want in WANTS:
            said, truth = want in a.wants, want in case.wants
            want_counts[want][
                "tp" if said and truth else "fp" if said else "fn" if truth else "tn"
            ] += 1
        said = a.emotions.get("sarcasm", 0.0) >= SARCASM_THRESHOLD
        truth = case.emotion == "sarcasm"
        sarcasm["tp" if said and truth else "fp" if said else "fn" if truth else "tn"] += 1
        kinds[(case.kind, a.kind)] += 1
    return {
        "pairs": pairs,
        "moves": move_counts,
        "flags": flag_counts,
        "wants": want_counts,
        "sarcasm": sarcasm,
        "kinds": kinds,
        "latency_cold": latencies_cold,
        "latency_warm": latencies_warm,
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def report(result: dict, split: str, n_cases: int, n_library: int, skipped: int) -> str:
    pairs = result["pairs"]
    wins = sum(g > w for _, _, g, w, _ in pairs)
    ties = sum(g == w for _, _, g, w, _ in pairs)
    lines = [
        f"Split: **{split}** ({n_cases} of {n_library} cases"
        + (f"; {skipped} rows skipped as invalid" if skipped else "")
        + ").",
        "",
        "| measure | value |",
        "|---|---|",
        f"| gold reply scores higher than its weak contrast | **{wins}/{len(pairs)} "
        f"= {100 * wins / max(len(pairs), 1):.1f}%** (ties {ties}) |",
        f"| mean score gold / weak | {statistics.mean(p[2] for p in pairs):.1f} / "
        f"{statistics.mean(p[3] for p in pairs):.1f} |",
    ]
    flags = result["flags"]
    tp = sum(c["tp"] for c in flags.values())
    fn = sum(c["fn"] for c in flags.values())
    fp = sum(c["fp"] for c in flags.values())
    precision, recall = pr(tp, fp, fn)
    lines.append(
        f"| sensitive flags, all (micro) | recall **{fmt(recall)}** ({tp}/{tp + fn}), "
        f"precision {fmt(precision)} |"
    )
    s = result["sarcasm"]
    precision, recall = pr(s["tp"], s["fp"], s["fn"])
    lines.append(
        f"| sarcasm (emotion label) | recall **{fmt(recall)}** ({s['tp']}/{s['tp'] + s['fn']}), "
        f"precision {fmt(precision)} |"
    )
    kinds = result["kinds"]
    right = sum(n for (gold, said), n in kinds.items() if gold == said)
    lines.append(f"| kind (complaint/question/praise/noise) accuracy | {fmt(right / n_cases)} |")
    cold, warm = result["latency_cold"], result["latency_warm"]
    lines.append(
        f"| coach latency, new complaint (analysis included) "
        f"| mean {statistics.mean(cold):.1f} ms, "
        f"p95 {p95(cold):.1f} ms |"
    )
    lines.append(
        f"| coach latency, same complaint re-coached | mean {statistics.mean(warm):.1f} ms, "
        f"p95 {p95(warm):.1f} ms |"
    )
    lines += ["", "Per move (gold and weak replies, against `moves` / `weak_moves`):", ""]
    lines += ["| move | precision | recall | tp | fp | fn |", "|---|---|---|---|---|---|"]
    for move, c in result["moves"].items():
        precision, recall = pr(c["tp"], c["fp"], c["fn"])
        lines.append(
            f"| {move} | {fmt(precision)} | {fmt(recall)} | {c['tp']} | {c['fp']} | {c['fn']} |"
        )
    lines += ["", "Sensitive flags and wants (analysis of the complaint):", ""]
    lines += ["| label | precision | recall | tp | fp | fn |", "|---|---|---|---|---|---|"]
    for name, table in (("", flags), ("want: ", result["wants"])):
        for label, c in table.items():
            precision, recall = pr(c["tp"], c["fp"], c["fn"])
            lines.append(
                f"| {name}{label} | {fmt(precision)} | {fmt(recall)} | {c['tp']} | {c['fp']} "
                f"| {c['fn']} |"
            )
    losses = [p for p in pairs if p[2] <= p[3]]
    if losses:
        by_guard = sum(1 for p in losses if p[4])
        lines += [
            "",
            f"Pairs where the weak reply scored as high or higher ({by_guard} of {len(losses)} "
            "because the gold reply fails a hard guard):",
            "",
        ]
        lines += [
            f"- {i} ({k}): gold {g}, weak {w}"
            + (f"; gold fails the {', '.join(gf)} guard" if gf else "")
            for i, k, g, w, gf in losses
        ]
    by_kind = Counter(p[1] for p in pairs if p[2] > p[3])
    totals = Counter(p[1] for p in pairs)
    lines += [
        "",
        "Gold beats weak, by the weak reply's kind: "
        + ", ".join(f"{k} {by_kind[k]}/{totals[k]}" for k in sorted(totals))
        + ".",
    ]
    return "\n".join(lines)


def train(cases: list[Case], out: Path, data_dir: Path) -> dict:
    """Fit the optional models on the train split and export the profanity model."""
    from assistant.offline.coach_models import export_profanity_model, train_text_model

    train_cases = [c for c in cases if c.split == "train"]
    texts = [c.complaint for c in train_cases]
    report = {"train_cases": len(train_cases)}
    # The sarcasm model adds to the phrase rules, for phrasings they have not seen. It learns
    # from the train split and from the labelled sarcasm sets written for it
    # (data/sarcasm/: tune, train_a, train_b); data/sarcasm/check.jsonl is never trained on.
    # Threshold: the lowest at which cross-validated precision reaches 0.7. The model may only
    # add the label to a message that also reports a failure and does not say the problem was
    # put right (see analysis._apply_models).
    extra = [r for name in SARCASM_TRAINING for r in sarcasm_set(data_dir, name)]
    model, report["sarcasm"] = train_text_model(
        "sarcasm",
        texts + [r["text"] for r in extra],
        [{c.emotion} for c in train_cases]
        + [{"sarcasm"} if r["sarcastic"] else set() for r in extra],
        ["sarcasm"],
        min_precision=0.7,
    )
    model.save(out)
    # Sensitive flags err towards recall, so 7 in 10 is enough for the model to add one.
    labels = [s for s in SENSITIVE if s != "injection"]  # injection is an exact phrase list
    model, report["sensitive"] = train_text_model(
        "sensitive", texts, [set(c.sensitive) for c in train_cases], labels, min_precision=0.7
    )
    model.save(out)
    export_profanity_model(out / "profanity.npz")
    (out / "training.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def sarcasm_set(data_dir: Path, name: str) -> list[dict]:
    """The labelled sarcasm set `name` (tune or check) from data/sarcasm/."""
    path = data_dir / "sarcasm" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def sarcasm_sets_report(data_dir: Path) -> str:
    """Sarcasm recall and false alarms on the labelled sets, rules alone and rules + models,
    and the costly miss: a sarcastic message read as praise (the coach would ask for thanks)."""
    lines = [
        "| set | sarcastic / not | rules: recall, false alarms | rules + models: recall, "
        "false alarms | sarcastic read as praise |",
        "|---|---|---|---|---|",
    ]
    for name, role in (("tune", "rules written and model trained on it"), ("check", "held out")):
        rows = sarcasm_set(data_dir, name)
        cells, praise = [], 0
        for models in (False, True):
            c = Counter()
            for r in rows:
                a = analyse(r["text"], r["channel"], models=models)
                said = a.emotions.get("sarcasm", 0.0) >= SARCASM_THRESHOLD
                truth = r["sarcastic"]
                c["tp" if said and truth else "fp" if said else "fn" if truth else "tn"] += 1
                praise += models and truth and a.kind == "praise"
            recall = c["tp"] / max(c["tp"] + c["fn"], 1)
            cells.append(
                f"{fmt(recall)} ({c['tp']}/{c['tp'] + c['fn']}), {c['fp']}/{c['fp'] + c['tn']}"
            )
        positives = sum(r["sarcastic"] for r in rows)
        lines.append(
            f"| `{name}` ({role}) | {positives} / {len(rows) - positives} | {cells[0]} | "
            f"**{cells[1]}** | {praise}/{positives} |"
        )
    return "\n".join(lines)


def sarcasm_cv(cases: list[Case], repeats: int = 3) -> str:
    """Cross-validated sarcasm precision/recall on the TRAIN split of the n-gram model, a logistic
    regression on all-MiniLM-L6-v2 sentence embeddings, and their mean (the test split is not
    read). Loads the embedder (torch): slow, run by hand."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from assistant.offline.coach_models import feature_matrix
    from assistant.service import Assistant

    train_cases = [c for c in cases if c.split == "train"]
    texts = [c.complaint for c in train_cases]
    y = np.array([c.emotion == "sarcasm" for c in train_cases], dtype=int)
    features = {"ngram": (feature_matrix(texts), 4.0)}  # C as in train_text_model
    features["embedding"] = (Assistant().embedder.embed_batch(texts), 3.0)
    oof = {name: np.zeros(len(y)) for name in features}
    for seed in range(repeats):
        splitter = StratifiedKFold(5, shuffle=True, random_state=seed)
        for fit, held in splitter.split(np.zeros(len(y)), y):
            for name, (x, c) in features.items():
                clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
                oof[name][held] += clf.fit(x[fit], y[fit]).predict_proba(x[held])[:, 1] / repeats
    oof["mean"] = (oof["ngram"] + oof["embedding"]) / 2
    lines = ["| threshold | " + " | ".join(oof) + " |", "|---" * (len(oof) + 1) + "|"]
    for t in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        row = []
        for p in oof.values():
            said = p >= t
            precision, recall = pr(
                int((said & (y == 1)).sum()),
                int((said & (y == 0)).sum()),
                int((~said & (y == 1)).sum()),
            )
            row.append(f"P {fmt(precision)} R {fmt(recall)}")
        lines.append(f"| {t} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "train", "all"], default="test")
    parser.add_argument(
        "--skip-invalid", action="store_true", help="skip rows that break the schema"
    )
    parser.add_argument("--write", help="replace the measured section of this markdown file")
    parser.add_argument("--json", help="also write the raw counts to this file")
    parser.add_argument(
        "--train", action="store_true", help="(re)fit models/coach/ on the train split first"
    )
    parser.add_argument(
        "--sarcasm-cv",
        action="store_true",
        help="print cross-validated sarcasm figures on the train split (loads the embedder)",
    )
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    cases, skipped = load_cases(settings.data_dir, args.skip_invalid)
    if args.sarcasm_cv:
        print(sarcasm_cv(cases))
        return 0
    if args.train:
        trained = train(cases, settings.models_dir / "coach", settings.data_dir)
        print(json.dumps(trained, indent=1), file=sys.stderr)
        from assistant.coach.classifiers import load_model, load_profanity_model

        load_model.cache_clear()
        load_profanity_model.cache_clear()
    chosen = [c for c in cases if args.split == "all" or c.split == args.split]
    policies = load_policies(settings.data_dir)
    coach("warm-up", "warm-up complaint", "twitter", None, policies)  # lexicons, models: once
    result = evaluate(chosen, policies)
    text = report(result, args.split, len(chosen), len(cases), skipped)
    if args.split == "test":
        text += (
            "\n\nSarcasm on the labelled sets in `data/sarcasm/` (hard negatives included: sincere "
            "praise with emoji, mixed reviews, negated praise):\n\n"
            + sarcasm_sets_report(settings.data_dir)
        )
    print(text)
    if args.write:
        path = Path(args.write)
        doc = path.read_text(encoding="utf-8")
        start = MARKER.format(split=args.split, edge="start")
        end = MARKER.format(split=args.split, edge="end")
        if start not in doc or end not in doc:
            raise SystemExit(f"{path} has no {start} ... {end} section to replace.")
        command = " ".join([".venv/bin/python bench/coach_eval.py"] + (argv or sys.argv[1:]))
        body = f"{start}\n\nProduced by `{command}`.\n\n{text}\n\n{end}"
        head, rest = doc.split(start, 1)
        path.write_text(head + body + rest.split(end, 1)[1], encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "pairs": result["pairs"],
                    "moves": {k: dict(v) for k, v in result["moves"].items()},
                    "flags": {k: dict(v) for k, v in result["flags"].items()},
                    "sarcasm": dict(result["sarcasm"]),
                    "latency_ms": {"cold": result["latency_cold"], "warm": result["latency_warm"]},
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
