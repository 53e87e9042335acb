"""Turn whatever an agent pastes into text the pipeline can use, or say clearly why not."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from assistant.errors import InputError

_TAG = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>|<[^>]{1,200}>", re.I | re.S)


@dataclass
class CleanText:
    text: str  # what the model sees
    original_length: int
    notes: list[str] = field(default_factory=list)


def clean_complaint(raw: str | bytes | None, max_chars: int) -> CleanText:
    if raw is None:
        raise InputError("The complaint is empty. Paste the customer's message.")
    if not isinstance(raw, str | bytes):
        raise InputError(f"The complaint must be text; got {type(raw).__name__}.")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                "The complaint is not UTF-8 text (binary data?). Paste the "
                "customer's message as text."
            ) from None
    check_text(raw.replace("\x00", ""), "complaint", "complaint")
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
    check_text(value, f"{what} name", "reply", optional=True)
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    limit = LIMITS["name"]
    if len(value) > limit or any(ch in value for ch in "<>{}\n"):
        raise InputError(
            f"The {what} name {value[:limit]!r} is not a plain name ({limit} characters at "
            "most, no brackets)."
        )
    return value


# -- limits on every text a user can send ----------------------------------------------------
# One table, enforced in the library (Assistant, Desk, Trainer, the store), so the page, the API
# and the CLI refuse alike. The complaint is cut for the model at settings.max_complaint_chars
# (see clean_complaint); COMPLAINT is the most that is accepted at all, so a pasted e-mail thread
# works and a 1 MB paste is refused before any regex or model sees it.
LIMITS = {
    "complaint": 20_000,
    "reply": 5_000,  # twice the longest channel (e-mail, 2,500): room to edit down
    "name": 40,
    "brand": 80,
    "reason": 1_000,  # a rating's reason, a rejection note
    "case": 40_000,  # a case's JSON in the case editor
    "template": 20_000,  # a prompt template or a policy file
}
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value, what: str, limit_key: str, *, optional: bool = False) -> str | None:
    """`value` if it is text within its limit; InputError naming the field otherwise.

    Refuses numbers, lists and other JSON types where text is expected, lone surrogates (text
    that is not valid Unicode and cannot be stored), NUL characters and text over the limit.
    Empty text passes (callers say what empty means for them); None passes when `optional`.
    """
    if value is None and optional:
        return None
    if not isinstance(value, str):
        kind = "nothing" if value is None else type(value).__name__
        raise InputError(f"The {what} must be text; got {kind}.")
    if _SURROGATE.search(value):
        raise InputError(
            f"The {what} contains characters that are not valid Unicode (lone surrogates); "
            "paste it again as plain text."
        )
    if "\x00" in value:
        raise InputError(f"The {what} contains NUL characters (binary data?); paste plain text.")
    limit = LIMITS[limit_key]
    if len(value) > limit:
        raise InputError(
            f"The {what} has {len(value):,} characters; the limit is {limit:,}. Shorten it."
        )
    return value


def whole_number(value, what: str, *, minimum: int = 0) -> int:
    """An id or index given as an int or a string of digits; InputError naming the field
    for "abc", 1.5, True, 2**63 and anything else."""
    if isinstance(value, bool):
        raise InputError(f"{what} must be a whole number; got {value!r}.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON clients send 3.0 for 3
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,19}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        shown = repr(value) if len(repr(value)) <= 30 else repr(value)[:30] + "..."
        raise InputError(f"{what} must be a whole number; got {shown}.")
    if not minimum <= value < 2**63:
        raise InputError(f"{what} {value} is out of range (at least {minimum}).")
    return value
