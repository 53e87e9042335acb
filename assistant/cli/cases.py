"""`assistant cases ...`: stats, validate, split, import and export of the case library."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.library.cases import brand_split, kept_test_ids, load_library, write_jsonl
from assistant.library.checks import diversity, facet_counts, gate_problems, reply_lengths


def run(args) -> int:
    settings = Settings.from_env()
    return {
        "stats": stats,
        "validate": validate,
        "check": check,
        "split": split,
        "import": import_,
        "export": export,
    }[args.action](args, settings)


def stats(args, settings: Settings) -> int:
    cases = load_library(settings.data_dir)
    print(f"{len(cases)} cases")
    for facet, counts in facet_counts(cases).items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        print(f"{facet:10} {shown}")
    div = diversity(cases)
    print(f"diversity  distinct 3-grams {div['distinct_3gram_share']:.1%} of {div['three_grams']}")
    print("openings   " + "; ".join(f"{o!r} x{n}" for o, n in div["top_openings"]))
    for channel, (low, mid, high) in reply_lengths(cases).items():
        print(f"length     {channel}: gold replies p10 {low}, median {mid}, p90 {high} characters")
    slices: dict[str, list] = {}
    for case in cases:
        slices.setdefault(case.id.rsplit("-", 1)[0], []).append(case)
    print(
        "slices     "
        + ", ".join(
            f"{name} {len(members)} ({diversity(members)['distinct_3gram_share']:.0%} distinct)"
            for name, members in sorted(slices.items())
        )
    )
    return 0


def validate(args, settings: Settings) -> int:
    cases = load_library(settings.data_dir)
    from assistant.coach.policy_guard import policy_breaches
    from assistant.library.policy import load_policies

    policies = load_policies(settings.data_dir)
    limits = {name: rule.limit for name, rule in policies.channels.items()}
    problems = gate_problems(cases, limits) + policy_breaches(cases, policies)
    for problem in problems:
        print(problem)
    print(f"{len(cases)} cases, {len(problems)} problems")
    return 1 if problems else 0


def check(args, settings: Settings) -> int:
    from assistant.offline.slice_check import check_slice, report

    path = Path(args.file)
    if not path.is_file():
        from assistant.errors import CaseLibraryError

        raise CaseLibraryError(f"No such slice file: {args.file}")
    cases, problems = check_slice(path, settings.data_dir)
    print(report(cases, problems))
    return 1 if problems else 0


def split(args, settings: Settings) -> int:
    """Split by brand (cases.brand_split), keeping the earlier split's test ids in test."""
    cases = [c for c in load_library(settings.data_dir) if c.source == "library"]
    kept = kept_test_ids(settings.data_dir)
    brands, test = brand_split(cases, kept)
    path = settings.data_dir / "split.json"
    stored = {
        "rule": "by brand: every case of a test brand is a test case (cases.brand_split)",
        "test_share": 0.1,
        "kept": sorted(kept),
        "test_brands": brands,
        "test": sorted(test),
    }
    path.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"Wrote {path}: {len(test)} test cases from {len(brands)} brands, "
        f"{len(cases) - len(test)} train"
    )
    return 0


def import_(args, settings: Settings) -> int:
    from assistant.library.importers import import_cases, parse_pairs

    cases = import_cases(
        Path(args.file),
        parse_pairs(args.map, "--map"),
        parse_pairs(args.set, "--set"),
        twcs=args.twcs,
    )
    out = Path(args.out) if args.out else settings.data_dir / "cases" / "imported.jsonl"
    existing = {c.id for c in load_library(settings.data_dir)} if out.parent.exists() else set()
    clash = [c.id for c in cases if c.id in existing]
    if clash:
        from assistant.errors import CaseLibraryError

        raise CaseLibraryError(
            f"Ids already in the library: {', '.join(clash[:5])}. "
            "Rename them or import into another library."
        )
    write_jsonl(out, [c.to_dict() for c in cases])
    print(f"Imported {len(cases)} cases into {out}. Run `assistant index build` to index them.")
    return 0


def export(args, settings: Settings) -> int:
    from assistant.library.importers import export_cases
    from assistant.service import Assistant

    cases = Assistant(settings).cases
    path = export_cases(cases, Path(args.file))
    print(f"Exported {len(cases)} cases to {path}")
    return 0
