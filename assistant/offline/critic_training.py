"""`assistant train critic`: fine-tune the reply critic on CPU, calibrate it, measure it, ship it.

    assistant train critic --drafts data/critic/drafts.jsonl [--epochs 1] [--resume]

1. Pairs: `critic_data.build_pairs` (gold, weak, mismatched, perturbed, labelled real drafts),
   split by brand: the critic never trains on a held-out brand.
2. Training: sentence-transformers' CrossEncoderTrainer from the packaged all-MiniLM-L6-v2
   weights with a fresh one-logit head and binary cross-entropy (an after-edit draft is 0.5);
   seeded; checkpoints every `save_steps` in the cache, so `--resume` continues an interrupted
   run; the progress bar is the trainer's.
3. Calibration: the held-out brands are halved (by brand, seeded); on the first half the
   threshold is the lowest that lets at most `MAX_BAD_PASS` of not-sendable real drafts through;
   the second half measures (critic_metrics.py), so the figures are not fitted to themselves.
4. Shipping: float16 weights (half the bytes, same rankings) and critic.json with the
   threshold, the metrics and the sha256, in models/critic/.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError

MAX_BAD_PASS = 0.05


@dataclass
class CriticConfig:
    epochs: float = 1.0
    batch_size: int = 16
    learning_rate: float = 1e-4
    # Complaint and reply together, cut longest-first: every tweet and chat whole, the start of
    # a long e-mail and of its reply; 128 keeps a training step and a judgement cheap on 2 cores.
    max_length: int = 128
    synthetic_cases: int = 2000  # train cases whose gold reply and negative are used an epoch
    seed: int = 0
    save_steps: int = 100
    draft_weight: int = 3  # each labelled real draft is seen this many times an epoch
    negatives_per_case: int = 1
    heldout_share: float = 0.2  # of the train brands, beside the library's test brands
    start_from: str | None = None  # a critic folder to continue training (default: MiniLM)

    def validate(self) -> None:
        if not 0 < self.epochs <= 10:
            raise InputError("--epochs must be above 0 and at most 10.")


def read_drafts(path: Path) -> list[dict]:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as exc:
        raise InputError(f"Could not read the labelled drafts {path}: {exc.strerror}.") from exc
    return [json.loads(line) for line in lines if line.strip()]


def split_heldout(pairs: list[dict], seed: int) -> tuple[list[dict], list[dict], list[dict]]:
    """(train, calibration, measurement): held-out brands halved at random, by brand."""
    brands = sorted({p["brand"] for p in pairs if p["split"] == "heldout"})
    random.Random(seed).shuffle(brands)
    calibration = set(brands[: len(brands) // 2])
    train = [p for p in pairs if p["split"] == "train"]
    cal = [p for p in pairs if p["split"] == "heldout" and p["brand"] in calibration]
    test = [p for p in pairs if p["split"] == "heldout" and p["brand"] not in calibration]
    return train, cal, test


def sample_synthetic(pairs: list[dict], cases: int, seed: int) -> list[dict]:
    """Every real draft, and the synthetic pairs (gold and its negatives) of `cases` cases."""
    ids = sorted({p["case_id"] for p in pairs if p["source"] != "draft"})
    keep = set(random.Random(seed).sample(ids, min(cases, len(ids))))
    return [p for p in pairs if p["source"] == "draft" or p["case_id"] in keep]


def calibrate(probs, labels, sources, max_bad_pass: float = MAX_BAD_PASS) -> float:
    """The lowest threshold at which at most `max_bad_pass` of not-sendable real drafts pass
    (all pairs when there are no real drafts)."""
    bad = sorted(
        p for p, y, s in zip(probs, labels, sources, strict=True) if y == 0 and s == "draft"
    )
    if not bad:
        bad = sorted(p for p, y in zip(probs, labels, strict=True) if y == 0)
    if not bad:
        return 0.5
    allowed = int(max_bad_pass * len(bad))  # this many may score at or above the threshold
    cut = bad[len(bad) - allowed - 1]
    return min(0.99, float(cut) + 1e-6)


def train_critic(settings, pairs: list[dict], out: Path, config: CriticConfig, resume: bool):
    """Train, calibrate and save; returns (threshold, model)."""
    import torch
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    from assistant.backends.models import embedder_folder, load_manifests

    torch.manual_seed(config.seed)
    torch.set_num_threads(settings.threads)
    train, cal, _ = split_heldout(pairs, config.seed)
    train = sample_synthetic(train, config.synthetic_cases, config.seed)
    rows = [p for p in train for _ in range(config.draft_weight if p["source"] == "draft" else 1)]
    random.Random(config.seed).shuffle(rows)
    dataset = Dataset.from_dict(
        {
            "text": [r["text"] for r in rows],
            "reply": [r["reply"] for r in rows],
            "label": [float(r["label"]) for r in rows],
        }
    )
    if config.start_from:  # continue from a critic already trained (more epochs, new labels)
        source = str(config.start_from)
    else:
        source = str(embedder_folder(load_manifests(settings.models_dir)[settings.embedder]))
    model = CrossEncoder(
        source,
        num_labels=1,
        max_length=config.max_length,
        device="cpu",
        model_kwargs={"dtype": torch.float32},
    )
    checkpoints = settings.home / "critic-checkpoints"
    args = CrossEncoderTrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=max(1, int(0.1 * len(rows) / config.batch_size)),
        seed=config.seed,
        data_seed=config.seed,
        save_steps=config.save_steps,
        save_total_limit=2,
        logging_steps=50,
        report_to="none",
        use_cpu=True,
        dataloader_num_workers=0,
    )
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=dataset, loss=BinaryCrossEntropyLoss(model)
    )
    has_checkpoint = checkpoints.exists() and any(checkpoints.glob("checkpoint-*"))
    print(f"Training the critic on {len(rows)} pairs ({len(train)} distinct)...", file=sys.stderr)
    trainer.train(resume_from_checkpoint=True if resume and has_checkpoint else None)
    probs = score_pairs(model, cal)
    threshold = calibrate(probs, [p["label"] for p in cal], [p["source"] for p in cal])
    out.mkdir(parents=True, exist_ok=True)
    model.model.half()
    model.save_pretrained(str(out))
    model.model.float()
    return threshold, model


def score_pairs(model, pairs: list[dict], batch_size: int = 32) -> list[float]:
    if not pairs:
        return []
    scores = model.predict(
        [(p["text"], p["reply"]) for p in pairs], batch_size=batch_size, show_progress_bar=True
    )
    return [float(s) for s in scores]


def critic_cli(args) -> int:
    """`assistant train critic`: pairs -> training -> calibration -> metrics -> models/critic."""
    import platform

    from assistant.coach.critic import MANIFEST, weights_sha256
    from assistant.config import Settings
    from assistant.library.cases import load_library, load_split
    from assistant.offline.critic_data import build_pairs, heldout_brands, load_phrases
    from assistant.offline.critic_metrics import format_metrics, measure

    settings = Settings.from_env()
    config = CriticConfig(
        epochs=args.epochs, seed=settings.seed, start_from=getattr(args, "start_from", None)
    )
    config.validate()
    cases = load_library(settings.data_dir)
    test_ids = load_split(settings.data_dir)
    drafts = [d for path in args.drafts for d in read_drafts(Path(path))]
    heldout = heldout_brands(cases, test_ids, config.heldout_share, config.seed)
    pairs = build_pairs(
        cases,
        heldout,
        drafts,
        load_phrases(settings.data_dir),
        config.seed,
        config.negatives_per_case,
    )
    out = Path(args.out)
    threshold, model = train_critic(settings, pairs, out, config, args.resume)
    _, _, test = split_heldout(pairs, config.seed)
    metrics = measure(score_pairs(model, test), test, threshold)
    manifest = {
        "threshold": round(threshold, 4),
        "max_length": config.max_length,
        "base": settings.embedder,
        "sha256": weights_sha256(out),
        "config": config.__dict__,
        "pairs": {
            "train": sum(p["split"] == "train" for p in pairs),
            "heldout": sum(p["split"] == "heldout" for p in pairs),
            "real_drafts": len([d for d in drafts if d.get("label")]),
        },
        "metrics": metrics,
        "machine": platform.processor() or platform.machine(),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    for line in format_metrics(metrics):
        print(line)
    print(f"Saved the critic to {out} (threshold {threshold:.3f}).")
    return 0
