"""The specific words of a complaint and which of them a reply repeats: the coach's measure of
"names what happened" (stems of content words and numbers, with each language's common words
from data/lexicons/common_words.yaml left out)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.coach.classifiers import Hit, table
from assistant.library.cases import words

_WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")


@lru_cache(maxsize=8)
def common_words(language: str | None = None) -> frozenset[str]:
    """Words that name nothing specific: those of `language`, or of all four when None."""
    lists = table("common_words")
    chosen = [lists[language]] if language in lists else list(lists.values())
    return frozenset(str(w).lower() for ws in chosen for w in ws)


def _stem(word: str) -> str:
    """A crude stem good enough across en/es/fr/de: the first five letters, no possessive."""
    return re.sub(r"'s$", "", word.lower().replace("’", "'"))[:5]


@lru_cache(maxsize=8)
def _common_stems(language: str | None) -> frozenset[str]:
    return frozenset(_stem(w) for w in common_words(language) if len(w) >= 5)


@lru_cache(maxsize=512)
def key_terms(text: str, exclude: str = "", language: str | None = None) -> dict[str, str]:
    """The text's specific words (stem -> first form): not function words, names or brand.

    Cached: a review asks for the complaint's terms several times (do not mutate the result).
    """
    common = common_words(language)
    skip = {_stem(w) for w in words(exclude)} | _common_stems(language)
    terms: dict[str, str] = {}
    for m in _WORD.finditer(text):
        word = m.group().strip("'’-")
        if len(word) < 3 or word.lower() in common or word.startswith("@"):
            continue
        stem = _stem(word)
        if stem not in skip:
            terms.setdefault(stem, word)
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 2:  # amounts, times, dates: "45", "6pm", "18:00"; not "a 1-star"
            terms.setdefault(f"#{digits}", m.group())
    return terms


def shared_terms(
    reply: str, complaint: str, exclude: str = "", language: str | None = None
) -> list[tuple[str, Hit]]:
    """Complaint key terms the reply repeats, with where they are in the reply."""
    wanted = key_terms(complaint, exclude, language)
    found: list[tuple[str, Hit]] = []
    seen: set[str] = set()
    for m in _WORD.finditer(reply):
        stem = _stem(m.group().strip("'’-"))
        if stem in wanted and stem not in seen and len(m.group()) >= 3:
            seen.add(stem)
            found.append((wanted[stem], Hit("term", m.start(), m.end(), m.group())))
    for m in _NUMBER.finditer(reply):
        key = "#" + re.sub(r"\D", "", m.group())
        if key in wanted and key not in seen:
            seen.add(key)
            found.append((wanted[key], Hit("term", m.start(), m.end(), m.group())))
    return found
