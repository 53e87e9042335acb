"""Sentences: split a reply into sentences and join them back in its own style."""

from __future__ import annotations

import re

_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=\S)|\n+")


def sentences(text: str) -> list[str]:
    """Sentences and lines, without their separators (a greeting line is its own sentence)."""
    return [s.strip() for s in _SPLIT.split(text.strip()) if s and s.strip()]


def join(parts: list[str], like: str) -> str:
    """Sentences back into text: line by line when the original was written in lines."""
    parts = [p for p in (p.strip() for p in parts) if p]
    if "\n" in like.strip():
        return "\n".join(parts)
    return " ".join(parts)


# A full stop inside a number ("€29.97") does not end the sentence.
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+[.!?]?")


def sentence_spans(text: str):
    """Each sentence as a match (with its span), for guards that point at the one at fault."""
    return _SENTENCE.finditer(text)
