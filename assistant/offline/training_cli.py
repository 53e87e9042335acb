"""`assistant train` (the drafter): build the examples, tokenize, train, write TRAINING.json.

The training itself is `training.train`; this module is the command around it: settings, the
split, the prompt style, the CPU's dtype, and continuing an adapter (`--start-from`).
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

from assistant.errors import InputError
from assistant.offline.training import TrainConfig, adapter_sha, train
from assistant.offline.training_data import build_examples, tokenize_example


def _start_from(folder: str | None) -> tuple[Path | None, frozenset[str]]:
    """The adapter folder to continue and the train cases it has seen (its TRAINING.json)."""
    if not folder:
        return None, frozenset()
    path = Path(folder).expanduser()
    record = path / "TRAINING.json"
    if not (path / "adapter_model.safetensors").exists() or not record.exists():
        raise InputError(
            f"--start-from {folder!r} is not a finished adapter folder (it needs "
            "adapter_model.safetensors and TRAINING.json, as `assistant train --out` writes)."
        )
    cases = json.loads(record.read_text(encoding="utf-8")).get("cases")
    if not cases:
        raise InputError(
            f"{record} does not list the train cases the adapter learned from ('cases'), so a "
            "continuation cannot avoid them; retrain it with this version of `assistant train`."
        )
    return path, frozenset(cases)


def _repo_relative(path: Path) -> str:
    from assistant.config import REPO_ROOT

    path = path.resolve()
    return str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)


def train_cli(args) -> int:
    from assistant.backends.models import load_manifests, resolve_generator
    from assistant.config import Settings
    from assistant.library.cases import load_split, stratified_split
    from assistant.service import Assistant

    settings = Settings.from_env(model=args.model)
    spec = load_manifests(settings.models_dir).get(args.model)
    if spec is not None and spec.kind == "adapter":
        raise InputError(
            f"--model {args.model!r} is already an adapter; pass its base model "
            f"({spec.extra.get('base')!r}) to train a new one."
        )
    from assistant.backends.cpu import compute_dtype, cpu_label

    config = TrainConfig(
        epochs=args.epochs,
        seed=settings.seed,
        threads=settings.threads,
        max_length=args.max_length or TrainConfig.max_length,
        dtype=compute_dtype(),
    )
    config.validate()
    assistant = Assistant(settings)
    split_path = settings.data_dir / "split.json"
    # Relative to the repository when it is inside it, so TRAINING.json is the same everywhere.
    split_source = _repo_relative(split_path)
    if not load_split(settings.data_dir):
        test_ids = stratified_split([c for c in assistant.cases if c.source == "library"])
        for case in assistant.cases:
            case.split = "test" if case.id in test_ids else "train"
        split_source = "computed with cases.stratified_split (data/split.json is missing)"
    print(f"Building examples from the train split ({split_source})...", file=sys.stderr)
    style = args.prompt or "example"
    start_from, seen_before = _start_from(getattr(args, "start_from", None))
    examples = build_examples(assistant, args.limit, style=style, exclude=seen_before)
    name, base = resolve_generator(args.model, settings.models_dir, settings.cache_dir)
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    rows, skipped = [], []
    for example in examples:
        row = tokenize_example(tokenizer, example, config.max_length)
        (rows.append(row) if row else skipped.append(example.case_id))
    trimmed = sum(r.trimmed for r in rows)
    print(
        f"{len(rows)} examples ({trimmed} with the worked example shortened to fit "
        f"{config.max_length} tokens, {len(skipped)} skipped as too long: {skipped[:5]})",
        file=sys.stderr,
    )
    print(f"Training in {config.dtype} on {cpu_label()}.", file=sys.stderr)
    result = train(
        Path(base),
        rows,
        Path(args.out),
        config,
        args.resume,
        base_name=name,
        start_from=start_from,
    )
    info = {
        "base": name,
        "prompt": style,
        "cpu": cpu_label(),
        "config": {**asdict(config), "target_modules": list(config.target_modules)},
        "split": split_source,
        "train_cases": sum(c.split == "train" for c in assistant.cases),
        "examples": len(rows),
        "trimmed": trimmed,
        "skipped": skipped,
        "steps": result.steps,
        "resumed_from": result.resumed_from,
        "seconds_this_run": round(result.seconds, 1),
        "losses": result.losses,
        "sha256": result.sha256,
        # Every train case this adapter has learned from, earlier runs included: a run that
        # continues it (--start-from) samples from the others.
        "cases": sorted(seen_before | {e.case_id for e in examples}),
    }
    if start_from is not None:
        info["started_from"] = {
            "adapter": _repo_relative(start_from),
            "sha256": adapter_sha(start_from),
            "cases": len(seen_before),
        }
    (result.out / "TRAINING.json").write_text(json.dumps(info, indent=2) + "\n")
    first, last = result.losses[:5], result.losses[-5:]
    seen = min(result.steps * config.batch_size, math.ceil(config.epochs * len(rows)))
    print(
        f"Trained {result.steps} steps ({seen} example passes over {len(rows)} examples) in "
        f"{result.seconds / 60:.1f} min; loss {sum(first) / len(first):.3f} (first 5 steps) -> "
        f"{sum(last) / len(last):.3f} (last 5). Adapter: {result.out} (sha256 {result.sha256}); "
        "put the digest in its models/*.yaml manifest."
    )
    return 0
