"""Turn whatever an agent pastes into text the pipeline can use, or say clearly why not."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import InputError

_TAG = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>|<[^>]{1,200}>", re.I | re.S)


@dataclass
class CleanText:
    text: str  # what the model sees
    original_length: int
    notes: list[str] = field(default_factory=list)


def clean_complaint(raw: str | bytes | None, max_chars: int) -> CleanText:
    if raw is None:
        raise InputError("The complaint is empty. Paste the customer's message.")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                "The complaint is not UTF-8 text (binary data?). Paste the "
                "customer's message as text."
            ) from None
    notes: list[str] = []
    if "\x00" in raw or sum(ch == "\ufffd" for ch in raw) > max(3, len(raw) // 50):
        raise InputError(
            "The complaint looks like binary data, not a message. Paste the "
            "customer's words as text."
        )
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r" for ch in raw)
    if controls:
        if controls > len(raw) // 10:
            raise InputError(
                "The complaint is mostly control characters (binary data?). "
                "Paste the customer's words as text."
            )
        raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc" or ch in "\n\t\r")
        notes.append(f"Removed {controls} control characters.")
    stripped = _TAG.sub(" ", raw)
    if stripped != raw:
        notes.append("Removed HTML tags; the model sees only the text.")
        raw = html.unescape(stripped)
    text = re.sub(r"[ \t]+", " ", raw.replace("\r\n", "\n")).strip()
    if not text:
        raise InputError("The complaint is empty or only whitespace. Paste the customer's message.")
    if not any(ch.isalnum() for ch in text):
        notes.append(
            "The message has no words (emoji or symbols only); the reply asks what happened."
        )
    original = len(text)
    if original > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars].rstrip() + " [...]"
        notes.append(
            f"The complaint has {original:,} characters; the model saw the first {max_chars:,}."
        )
    return CleanText(text=text, original_length=original, notes=notes)


def clean_name(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    if len(value) > 40 or any(ch in value for ch in "<>{}\n"):
        raise InputError(
            f"The {what} name {value[:40]!r} is not a plain name (40 characters at "
            "most, no brackets)."
        )
    return value
