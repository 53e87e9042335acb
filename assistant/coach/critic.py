"""The reply critic: a cross-encoder that reads a complaint and a reply together and returns the
probability that a care lead would send the reply as it is.

It was fine-tuned from all-MiniLM-L6-v2 on gold, weak, mismatched and perturbed replies and on
real drafts labelled by blind review (`assistant train critic`, docs/critic.md). The model lives
in `models/critic/` with `critic.json` (its operating threshold, calibrated on held-out labels,
and the sha256 of its weights); it loads on first use, so importing this module costs nothing.

    critic = load_critic(models_dir)          # None when no critic is installed
    critic.probabilities(complaint, ["reply one", "reply two"], channel="twitter")
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from assistant.coach.checklist import Finding, fix_text
from assistant.errors import ModelError

MANIFEST = "critic.json"
WEIGHTS = "model.safetensors"


def critic_input(complaint: str, channel: str, customer: str | None = None) -> str:
    """The first text the critic reads: channel, the customer's name when known, the complaint.
    Training and scoring build it the same way (offline/critic_data.py imports this)."""
    who = f" | customer: {customer}" if customer else ""
    return f"{channel}{who} | {complaint}"


class ReplyCritic(Protocol):
    name: str
    threshold: float

    def probabilities(
        self, complaint: str, replies: Sequence[str], channel: str, customer: str | None = None
    ) -> list[float]: ...


def critic_finding(critic: ReplyCritic, reply: str, complaint: str, channel: str, customer):
    """The critic's verdict as a finding: the probability a care lead would send it as it is."""
    p = critic.probabilities(complaint, [reply], channel, customer)[0]
    if p >= critic.threshold:
        return Finding("answers_complaint", "pass", "info", f"reads as a sendable answer ({p:.0%})")
    reason = (
        f"may not answer this complaint: {p:.0%} likely sendable, below the {critic.threshold:.0%}"
        " bar (a misread, an invented fact, a refusal or boilerplate)"
    )
    fix = fix_text("guard_answers_complaint", "en")
    return Finding("answers_complaint", "fail", "critical", reason, None, fix)


class Critic:
    """The shipped cross-encoder (sentence-transformers CrossEncoder), loaded on first use."""

    def __init__(self, folder: Path, threshold: float, threads: int = 2, max_length: int = 256):
        self.folder = Path(folder)
        self.threshold = threshold
        self.threads = threads
        self.max_length = max_length
        self.name = f"critic ({self.folder.name})"
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from sentence_transformers import CrossEncoder

            torch.set_num_threads(self.threads)
            try:
                self._model = CrossEncoder(
                    str(self.folder),
                    num_labels=1,
                    max_length=self.max_length,
                    device="cpu",
                    model_kwargs={"dtype": torch.float32},
                )
            except OSError as exc:
                raise ModelError(f"Could not load the critic from {self.folder}: {exc}") from exc

    def probabilities(self, complaint, replies, channel, customer=None) -> list[float]:
        if not replies:
            return []
        self.warm_up()
        first = critic_input(complaint, channel, customer)
        with self._lock:
            scores = self._model.predict(
                [(first, reply) for reply in replies], batch_size=8, show_progress_bar=False
            )
        return [float(s) for s in scores]


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"The critic's {MANIFEST} in {folder} is unreadable: {exc}") from exc


def weights_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    with (Path(folder) / WEIGHTS).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def load_critic(models_dir: Path, threads: int = 2) -> Critic | None:
    """The critic in `models_dir/critic`, or None when none is installed (the coach and the
    drafter then judge by rules alone and say so)."""
    folder = Path(models_dir) / "critic"
    if not (folder / MANIFEST).exists():
        return None
    manifest = read_manifest(folder)
    return Critic(
        folder, float(manifest["threshold"]), threads, int(manifest.get("max_length", 256))
    )
