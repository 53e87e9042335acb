"""Prompt-injection attempts in a complaint (phrases in data/lexicons/injection.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.config import lexicons_dir


@lru_cache(maxsize=4)
def _lines(path: str) -> tuple[str, ...]:
    return tuple(str(x).lower() for x in yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def injection_attempt(text: str) -> bool:
    lowered = text.lower()
    return any(p in lowered for p in _lines(str(lexicons_dir() / "injection.yaml")))


def injection_span(text: str) -> tuple[int, int] | None:
    lowered = text.lower()
    for phrase in _lines(str(lexicons_dir() / "injection.yaml")):
        at = lowered.find(phrase)
        if at >= 0:
            return at, at + len(phrase)
    return None
