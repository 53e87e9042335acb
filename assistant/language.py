"""Which of the supported languages a text is in, from function-word votes (exact and instant)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .cases import words
from .config import REPO_ROOT

LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German"}


@lru_cache(maxsize=2)
def _lexicon(path: str) -> dict[str, frozenset[str]]:
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {lang: frozenset(str(w).lower() for w in ws) for lang, ws in rows.items()}


def language_votes(text: str, lexicon_path: Path | None = None) -> dict[str, int]:
    lexicon = _lexicon(str(lexicon_path or REPO_ROOT / "data/lexicons/stopwords.yaml"))
    tokens = words(text.replace("’", "'"))
    return {lang: sum(t in vocab for t in tokens) for lang, vocab in lexicon.items()}


def detect_language(text: str, default: str = "en") -> str:
    """The language with most function words; `default` when no word votes (emoji, a name)."""
    votes = language_votes(text)
    best = max(votes, key=lambda lang: (votes[lang], lang == default))
    return best if votes[best] > 0 else default


def same_language(reply: str, expected: str) -> bool:
    """True unless the reply clearly reads as another language (short replies get the benefit)."""
    votes = language_votes(reply)
    if sum(votes.values()) < 3:
        return True
    best = max(votes, key=votes.get)
    return best == expected or votes[expected] >= votes[best]
