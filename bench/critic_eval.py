"""The shipped critic, measured: separation on held-out brands, the coach's ordering, its cost,
and what it changes on the test split. Figures for docs/critic.md.

    .venv/bin/python bench/critic_eval.py [--out bench/results/critic.json]

1. Held-out pairs (brands the critic never trained on; the calibration half excluded): ROC AUC
   overall, on real drafts, per language; real drafts passing at the threshold; by reason.
2. The coach's ordering: for every held-out real draft reviewers judged not sendable, is the
   gold reply to the same complaint scored higher? With and without the critic.
3. Cost: milliseconds per candidate, three candidates a call (a suggestion's worth), 2 threads.
4. The test split (data/critic/test_candidates.jsonl: three candidates per complaint from each
   generator reviewed, and the safe fallback), per generator: the reply shown before (old
   guards, coach rank) and after (every guard, critic rank and threshold), how many fall back,
   and the blind review's verdict on each shown reply.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.coach.critic import load_critic  # noqa: E402
from assistant.coach.guard_types import GuardContext  # noqa: E402
from assistant.coach.guards import run_guards  # noqa: E402
from assistant.coach.review import coach, rank_score  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.library.cases import load_library, load_split  # noqa: E402
from assistant.library.policy import load_policies  # noqa: E402
from assistant.offline.critic_data import build_pairs, heldout_brands, load_phrases  # noqa: E402
from assistant.offline.critic_metrics import format_metrics, measure  # noqa: E402
from assistant.offline.critic_training import CriticConfig, read_drafts, split_heldout  # noqa: E402
from assistant.offline.review_pack import wilson  # noqa: E402
from bench._common import cpu_model, header, set_threads  # noqa: E402

# The guards added with the critic; "before" is the pipeline without them.
MEANING = {"condolence_fits", "no_claimed_action", "praise_thanked", "greeting_name"}


def heldout_figures(critic, settings, cases, drafts):
    config = CriticConfig(seed=settings.seed)
    heldout = heldout_brands(
        cases, load_split(settings.data_dir), config.heldout_share, config.seed
    )
    pairs = build_pairs(
        cases,
        heldout,
        drafts,
        load_phrases(settings.data_dir),
        config.seed,
        config.negatives_per_case,
    )
    _, _, test = split_heldout(pairs, config.seed)
    probs = []
    for start in range(0, len(test), 64):
        chunk = test[start : start + 64]
        probs += critic._model.predict(
            [(p["text"], p["reply"]) for p in chunk], batch_size=32, show_progress_bar=False
        ).tolist()
    return measure(probs, test, critic.threshold), test


def coach_ordering(critic, policies, by_id, drafts, test_ids_heldout):
    ordered = {"with critic": 0, "without critic": 0}
    n = 0
    for d in drafts:
        if d.get("label") != "not_sendable" or d["case_id"] not in test_ids_heldout:
            continue
        case = by_id[d["case_id"]]
        policy = policies.for_brand(case.brand)
        n += 1
        for name, judge in (("with critic", critic), ("without critic", None)):
            gold = coach(
                case.reply,
                case.complaint,
                case.channel,
                policy,
                policies,
                case.customer,
                critic=judge,
            ).score
            bad = coach(
                d["reply"],
                case.complaint,
                case.channel,
                policy,
                policies,
                case.customer,
                critic=judge,
            ).score
            ordered[name] += gold > bad
    return {k: {"ordered": v, "n": n, "share": v / n if n else None} for k, v in ordered.items()}


def cost(critic, cases, n=40):
    sample = [c for c in cases if c.weak_reply][:n]
    critic.probabilities(sample[0].complaint, [sample[0].reply], sample[0].channel)
    per_candidate = []
    for c in sample:
        replies = [c.reply, c.weak_reply, c.reply[: len(c.reply) // 2]]
        t0 = time.perf_counter()
        critic.probabilities(c.complaint, replies, c.channel, c.customer)
        per_candidate.append((time.perf_counter() - t0) / len(replies))
    ms = sorted(1000 * x for x in per_candidate)
    return {
        "n_calls": len(ms),
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * len(ms)) - 1],
    }


def test_split(critic, policies, by_id, path, labels):
    """Per generator in the file: the reply the pipeline shows for each test complaint."""
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    fallback = {r["case_id"]: r for r in rows if r["system"] == "fallback"}
    by_system: dict[str, dict[str, list[dict]]] = {}
    for r in rows:
        if r["system"] != "fallback":
            by_system.setdefault(r["system"], {}).setdefault(r["case_id"], []).append(r)
    return {
        system: _shown_figures(critic, policies, by_id, by_case, fallback, labels)
        for system, by_case in sorted(by_system.items())
    }


def _shown_figures(critic, policies, by_id, by_case, fallback, labels):
    shown = {"before": [], "after": []}
    for case_id, cands in sorted(by_case.items()):
        case = by_id[case_id]
        policy = policies.for_brand(case.brand)
        ctx = GuardContext(
            case.complaint,
            policies.channel(case.channel),
            policy,
            case.language,
            customer=case.customer,
            agent=case.agent,
            kind=case.kind,
        )
        old = []
        new = []
        for r in cands:
            checks = run_guards(r["reply"], ctx)
            surface = [c for c in checks if c.name not in MEANING]
            if all(c.passed for c in surface):
                old.append(
                    (rank_score(r["reply"], case.complaint, _analysis(case), case.channel), r)
                )
            if all(c.passed for c in checks):
                new.append(r)
        before = max(old, key=lambda x: x[0])[1] if old else fallback[case_id]
        after = None
        if new:
            probs = critic.probabilities(
                case.complaint, [r["reply"] for r in new], case.channel, case.customer
            )
            best = max(zip(probs, new, strict=True), key=lambda x: x[0])
            after = best[1] if best[0] >= critic.threshold else None
        shown["before"].append(before)
        shown["after"].append(after or fallback[case_id])
    out = {}
    for name, replies in shown.items():
        verdicts = Counter(labels.get(r["id"], "unlabelled") for r in replies)
        n = len(replies)
        out[name] = {
            "complaints": n,
            "fallbacks": sum(r["system"] == "fallback" for r in replies),
            "verdicts": dict(verdicts),
            "sendable_share": verdicts["sendable"] / n if n else None,
            "sendable_interval": wilson(verdicts["sendable"], n),
            "usable_share": (verdicts["sendable"] + verdicts["edit"]) / n if n else None,
            "usable_interval": wilson(verdicts["sendable"] + verdicts["edit"], n),
        }
    return out


def _analysis(case):
    from assistant.coach.analysis import analyse

    return analyse(case.complaint, case.channel)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", default="data/critic/drafts.jsonl")
    parser.add_argument("--test", default="data/critic/test_candidates.jsonl")
    parser.add_argument("--out", default="bench/results/critic.json")
    args = parser.parse_args()
    set_threads(2)
    header("critic")
    settings = Settings.from_env()
    critic = load_critic(settings.models_dir, 2)
    if critic is None:
        print("No critic in models/critic: run `assistant train critic` first.", file=sys.stderr)
        return 1
    critic.warm_up()
    cases = load_library(settings.data_dir)
    by_id = {c.id: c for c in cases}
    policies = load_policies(settings.data_dir)
    drafts = read_drafts(Path(args.drafts))
    metrics, test_pairs = heldout_figures(critic, settings, cases, drafts)
    for line in format_metrics(metrics):
        print(line)
    heldout_ids = {p["case_id"] for p in test_pairs}
    ordering = coach_ordering(critic, policies, by_id, drafts, heldout_ids)
    print("coach orders gold above a not-sendable draft:", ordering)
    spent = cost(critic, cases)
    print(f"critic cost per candidate: p50 {spent['p50_ms']:.1f} ms, p95 {spent['p95_ms']:.1f} ms")
    labels = {d["id"]: d["label"] for d in drafts if d.get("label")}
    if Path(args.test).exists():  # the test candidates carry their own review labels
        for line in Path(args.test).read_text().splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("label"):
                labels[row["id"]] = row["label"]
    split = (
        test_split(critic, policies, by_id, args.test, labels) if Path(args.test).exists() else {}
    )
    for system, figures in split.items():
        for name, s in figures.items():
            print(f"test split, {system}, shown {name}: {s}")
    result = {
        "cpu": cpu_model(),
        "heldout": metrics,
        "coach_ordering": ordering,
        "cost": spent,
        "test_split": split,
    }
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
