"""Real drafts for the critic and the blind review: the pipeline's own candidates on library cases.

    assistant critic harvest --model smollm2-135m-care --n 450 --per-complaint 2 --out FILE

For each sampled case the drafter retrieves examples exactly as it does for an agent (train
split only, never the case itself), builds its prompts and lets the generator write
`per_complaint` candidates; many complaints' candidates are decoded in one batch, which on a
small model is several times the throughput of one suggestion at a time. Each row keeps what
the guards said, so the review can see what the pipeline would have shown and what it dropped.
Rows are appended as each batch finishes and a rerun skips the cases already written, so an
interrupted harvest resumes where it stopped.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.coach.analysis import analyse
from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import passed, run_guards
from assistant.drafting.replies import hopeless, tidy
from assistant.drafting.types import Request
from assistant.library.cases import Case, load_split
from assistant.text.inputs import clean_complaint


def sample_cases(
    cases: Sequence[Case], test_ids: set[str], n: int, seed: int, split: str = "train"
) -> list[Case]:
    """`n` cases of the split, a seeded shuffle (every language and industry in proportion)."""
    pool = [c for c in cases if (c.id in test_ids) == (split == "test")]
    pool.sort(key=lambda c: c.id)
    random.Random(seed).shuffle(pool)
    return pool[:n]


def _done_ids(out: Path) -> set[str]:
    if not out.exists():
        return set()
    return {json.loads(line)["case_id"] for line in out.read_text().splitlines() if line.strip()}


def harvest(
    assistant,
    cases: Sequence[Case],
    out: Path,
    system: str,
    per_complaint: int = 2,
    batch_rows: int = 16,
    stop_hopeless: bool = True,
    with_fallback: bool = False,
) -> int:
    """Draft `per_complaint` candidates for each case and append one JSON row per candidate."""
    drafter = assistant.drafter
    test_ids = load_split(assistant.settings.data_dir)
    done = _done_ids(out)
    todo = sorted((c for c in cases if c.id not in done), key=lambda c: c.channel)
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    # Cases of one channel share a token budget; within a channel, complaints of similar length
    # go together so a batch pads little (padding and the longest row set a batch's cost).
    per_batch = max(1, batch_rows // per_complaint)
    todo.sort(key=lambda c: (c.channel, len(c.complaint)))
    for start in range(0, len(todo), per_batch):
        group = todo[start : start + per_batch]
        for channel in sorted({c.channel for c in group}):
            rows = _draft_group(
                drafter,
                [c for c in group if c.channel == channel],
                test_ids,
                system,
                per_complaint,
                stop_hopeless,
                with_fallback,
            )
            with out.open("a") as handle:
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += len(rows)
        print(
            f"{system}: {len(done) + start + len(group)}/{len(done) + len(todo)} cases",
            file=sys.stderr,
            flush=True,
        )
    return written


def _draft_group(
    drafter, cases, test_ids, system, per_complaint, stop_hopeless, with_fallback=False
) -> list[dict]:
    conversations, meta, fallbacks = [], [], []
    for case in cases:
        request = Request(case.complaint, case.channel, case.brand, case.customer, case.agent)
        cleaned = clean_complaint(case.complaint, drafter.max_complaint_chars)
        analysis = analyse(cleaned.text, case.channel)
        matches = drafter.retrieve(
            cleaned.text, analysis, {"split": "train"}, test_ids | {case.id}, case.channel
        )
        policy = drafter.policies.for_brand(case.brand)
        ctx = GuardContext(
            complaint=cleaned.text,
            channel=drafter.policies.channel(case.channel),
            policy=policy,
            language=analysis.language,
            examples=[m.case for m in matches],
            customer=case.customer,
            agent=case.agent,
            kind=analysis.kind,
        )
        if with_fallback:  # the safe reply the pipeline shows when no candidate survives
            text, checks = drafter.fallback(request, analysis, matches, ctx)
            fallbacks.append(_row("fallback", case, 0, None, text, checks))
        for k, example in enumerate(drafter.examples_for(matches, per_complaint)):
            conversations.append(
                drafter.conversation(request, example, policy, analysis, cleaned.text)
            )
            meta.append((case, k, example and example.id, ctx))
    if not conversations:
        return fallbacks
    rule = drafter.policies.channel(cases[0].channel)
    budget = min(rule.tokens, drafter.max_new_tokens)
    # A row stops once its text is hopeless (a loop, over the channel's length); the batch is one
    # channel, so any row's guard context judges length the same.
    first_ctx = meta[0][3]
    give_up = (lambda text: hopeless(text, first_ctx)) if stop_hopeless else None
    texts = drafter.generator.generate_batch(conversations, budget, None, give_up)
    rows = []
    for text, (case, k, example_id, ctx) in zip(texts, meta, strict=True):
        text = tidy(text)
        rows.append(_row(system, case, k, example_id, text, run_guards(text, ctx)))
    return rows + fallbacks


def _row(system, case, k, example_id, text, checks) -> dict:
    return {
        "id": f"{system}:{case.id}:{k}",
        "system": system,
        "case_id": case.id,
        "candidate": k,
        "example_id": example_id,
        "channel": case.channel,
        "brand": case.brand,
        "industry": case.industry,
        "language": case.language,
        "complaint": case.complaint,
        "reply": text,
        "guards_passed": passed(checks),
        "failed_guards": [c.name for c in checks if not c.passed],
    }


def harvest_cli(args) -> int:
    """`assistant eval --harvest FILE --model M --split train --n 350 --per-complaint 2`."""
    from assistant.config import Settings
    from assistant.errors import InputError
    from assistant.service import Assistant

    if args.split not in ("train", "test"):
        raise InputError("--split must be train or test.")
    settings = Settings.from_env(model=args.model)
    assistant = Assistant(settings)
    cases = sample_cases(
        assistant.cases, load_split(settings.data_dir), args.n, args.harvest_seed, args.split
    )
    system = args.model or settings.model
    written = harvest(
        assistant,
        cases,
        Path(args.harvest),
        system,
        args.per_complaint,
        with_fallback=args.with_fallback,
    )
    print(f"{written} drafts by {system} appended to {args.harvest}")
    return 0
