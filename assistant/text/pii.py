"""Private data in text: phone numbers, e-mail addresses, card and account numbers.

A public reply must never repeat these. Patterns are deliberately broad (a false alarm costs an
agent one edit; a leaked card number costs the customer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "card": re.compile(
        r"\b(?:\d[ -]?){13,19}\b|\b(?:card|tarjeta|carte|karte)\D{0,20}\d{4}\b", re.I
    ),
    "phone": re.compile(r"(?<![\w£$€])\+?\d[\d ().-]{6,}\d\b"),
    "account": re.compile(
        r"\b(?:[A-Z]{2,6}-)+[A-Z0-9]*\d[A-Z0-9-]{2,}\b|\b(?:IBAN|account|acct|cuenta|compte|konto)\b"
        r"\D{0,12}(?=[A-Z0-9]*\d)[A-Z0-9]{6,}\b|#\s?\d{5,}\b|\b\d{7,}\b",
        re.I,
    ),
}


_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})")


@dataclass(frozen=True)
class PrivateItem:
    kind: str
    text: str
    start: int
    end: int


def find_private_data(text: str) -> list[PrivateItem]:
    found: list[PrivateItem] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS.items():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            digits = sum(ch.isdigit() for ch in m.group())
            if kind == "phone" and (digits < 7 or _DATE.fullmatch(m.group().strip())):
                continue  # "12.03.2026" is a date, not a phone number
            found.append(PrivateItem(kind, m.group(), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda item: item.start)


def mask_private_data(text: str) -> str:
    """The text with each private item replaced by its kind in brackets, for logs and prompts."""
    for item in reversed(find_private_data(text)):
        text = text[: item.start] + f"[{item.kind}]" + text[item.end :]
    return text
