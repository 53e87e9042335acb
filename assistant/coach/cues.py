"""Small helpers over lexicon hits that the analysis and the sarcasm score share."""

from __future__ import annotations

from assistant.coach.classifiers import PatternSet


def _hits(patterns: PatternSet, text: str, label: str) -> list[str]:
    return [h.text for h in patterns.find(text, label)]


def _distinct(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item.lower().strip(), None)
    return list(seen)


_NEGATIVE = ("anger", "frustration", "sadness", "fear", "disappointment")
