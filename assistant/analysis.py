"""Complaint analysis: language, kind, feelings, sensitive flags, wants, urgency, public risk.

`analyse(text, channel)` is exact and fast (rules and lexicons from `data/lexicons/`); the coach
issue extends it with classifiers trained on the case library.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .cases import PUBLIC_CHANNELS
from .config import REPO_ROOT
from .language import detect_language
from .pii import find_private_data


@dataclass
class Analysis:
    language: str
    kind: str = "complaint"  # complaint, question, praise, noise
    emotions: dict[str, float] = field(default_factory=dict)  # emotion -> intensity 0..1
    sensitive: list[str] = field(default_factory=list)
    wants: list[str] = field(default_factory=list)
    urgency: str = "normal"  # low, normal, high
    public: bool = False
    public_risk: str = "low"  # low, medium, high
    private_data: list[str] = field(default_factory=list)  # kinds found: phone, email, card...
    injection: bool = False

    @property
    def top_emotion(self) -> str:
        return max(self.emotions, key=self.emotions.get) if self.emotions else "neutral"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["top_emotion"] = self.top_emotion
        return data


@lru_cache(maxsize=4)
def _lines(path: str) -> tuple[str, ...]:
    return tuple(str(x).lower() for x in yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def injection_attempt(text: str) -> bool:
    lowered = text.lower()
    return any(p in lowered for p in _lines(str(REPO_ROOT / "data/lexicons/injection.yaml")))


_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")


def analyse(text: str, channel: str = "twitter") -> Analysis:
    public = channel in PUBLIC_CHANNELS
    private = sorted({item.kind for item in find_private_data(text)})
    injection = injection_attempt(text)
    caps = len(_CAPS_WORD.findall(text))
    risk = "high" if public and caps >= 2 else "medium" if public else "low"
    return Analysis(
        language=detect_language(text),
        sensitive=["injection"] if injection else [],
        public=public,
        public_risk=risk,
        private_data=private,
        injection=injection,
    )
