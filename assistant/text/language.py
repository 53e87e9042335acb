"""Which of the supported languages a text is in.

Detection is lingua's (`lingua-language-detector`, which ships its own n-gram models and runs in
well under a millisecond per text), restricted to the languages the library is written in, so a
short message is never called Tagalog. The models load once, on first use (about a second).
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
}

# Below this confidence a text is too short or too mixed to call (a name, "ok", an emoji).
_SURE = 0.5
# A reply is in the expected language unless another language is clearly more likely.
_PLAUSIBLE = 0.3
_LETTERS = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGE_NAMES]
    return (
        LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        .with_preloaded_language_models()
        .build()
    )


def confidences(text: str) -> dict[str, float]:
    """Each supported language's probability for `text` (they sum to 1; all 0 for no words)."""
    text = re.sub(r"[@#]\w+|https?://\S+", " ", text)
    if not _LETTERS.search(text):
        return {code: 0.0 for code in LANGUAGE_NAMES}
    values = _detector().compute_language_confidence_values(text)
    found = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    return {code: found.get(code, 0.0) for code in LANGUAGE_NAMES}


def detect_language(text: str, default: str = "en") -> str:
    """The most likely language; `default` when nothing is sure enough (emoji, a name, "ok")."""
    scores = confidences(text)
    best = max(scores, key=lambda code: (scores[code], code == default))
    return best if scores[best] >= _SURE else default


def same_language(reply: str, expected: str) -> bool:
    """True unless the reply clearly reads as another language (short replies get the benefit)."""
    if len(_LETTERS.findall(reply)) < 4:
        return True
    scores = confidences(reply)
    best = max(scores, key=scores.get)
    return best == expected or scores.get(expected, 0.0) >= _PLAUSIBLE
