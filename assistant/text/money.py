"""Amounts of money in text: the one pattern the guards, the analysis and the coach share.

"€29.97", "£1,020", "50 USD", "15 euros", "3.000 €", "20 dólares": a currency sign before the
number or a currency word or sign after it. `value` reads thousands separators and decimal
commas ("1.020,50 €" is 1020.5); trailing punctuation is not part of the amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONEY = re.compile(
    r"(?P<pre>[$£€])\s?(?P<a>\d[\d,.]*)|(?P<b>\d[\d,.]*)\s?(?P<post>[$£€]|(?:usd|eur|gbp"
    r"|dollars?|euros?|pounds?|dólares|libras|sterline|reais)\b)",
    re.I,
)


@dataclass(frozen=True)
class Amount:
    text: str  # as written, e.g. "€29.97"
    number: str  # the digits as written, e.g. "29.97"
    value: float | None
    start: int
    end: int


def parse_amount(number: str) -> float | None:
    """1,020 -> 1020.0; 29,97 -> 29.97; 1.020,50 -> 1020.5; None when it is not a number."""
    cleaned = number.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def amounts(text: str) -> list[Amount]:
    found = []
    for m in MONEY.finditer(text):
        number = (m.group("a") or m.group("b")).rstrip(".,")
        end = m.end() if m.group("post") else m.start("a") + len(number)
        found.append(Amount(text[m.start() : end], number, parse_amount(number), m.start(), end))
    return found
