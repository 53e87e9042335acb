"""Sarcasm in a complaint: praise words around trouble, negated praise, scare quotes."""

from __future__ import annotations

import re

from assistant.coach.classifiers import lexicon
from assistant.coach.cues import _NEGATIVE, _distinct, _hits
from assistant.text.sentences import sentences

# A mixed review praises one thing and faults another; its praise words are sincere.
_MIXED = re.compile(
    r"\b(?:but|although|though|however|pero|aunque|mais|cependant|aber|jedoch)\b|★★☆|★★★", re.I
)


_NEGATED = re.compile(
    r"\b(?:not|n't|never|no|hardly|nada|nicht|kein|pas|no es|no fue)\s+(?:\w+\s+)?"
    r"(?:so\s+|very\s+|that\s+)?(?:great|good|love|loved|lovely|best|perfect|excellent|"
    r"amazing|brilliant|genial|toll|super|génial)",
    re.I,
)

# Quoted words are someone else's ("they said 'nothing outstanding'", "'free' trial"): not the
# writer's own praise or the replier's own dismissal. Straight single quotes count only when
# they are not apostrophes (no letter on their outer side).
QUOTED = re.compile(
    r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”|«[^»\n]{1,200}»|„[^“”\n]{1,200}[“”]|‘[^’\n]{1,200}’"
    r"|(?<!\w)'[^'\n]{1,200}?'(?!\w)"
)


def sarcasm_score(text: str, trouble: int) -> tuple[float, list[str]]:
    """How sarcastic `text` reads (0..1) and the cues that say so.

    `trouble` counts the complaint cues and negative feelings in the text: praise words are
    sarcasm only beside trouble ("thank you 🙏" after good service is sincere). Set phrases
    ("love how", "qué detallazo"), mock questions and eye-rolls need one cue of trouble; weaker
    emoji and bare praise words need more.
    """
    s = lexicon("sarcasm")
    found = {label: _hits(s, text, label) for label in s.labels}
    cues: list[str] = []
    score = 0.0
    if trouble >= 1 and found["phrase"]:
        score = max(score, 0.8)
        cues += found["phrase"]
    if trouble >= 1 and found.get("device"):
        score = max(score, 0.7)
        cues += found["device"]
    if found.get("absurd"):
        score = max(score, 0.7)
        cues += found["absurd"]
    if found.get("sincere") and not cues:
        return 0.0, []  # the problem was put right and they say so: the praise is meant
    if trouble >= 1 and found["eyeroll"]:
        score = max(score, 0.7)
        cues += found["eyeroll"]
    if trouble >= 1 and found["irony"]:
        score = max(score, 0.6) + (0.1 if cues else 0.0)
        cues += found["irony"]
    if trouble >= 2 and found["emoji"] and (cues or found["praise"] or trouble >= 3):
        score = max(score, 0.6)
        cues += found["emoji"]
    if trouble >= 1 and not cues:
        # Positive words about a negative situation in the same sentence ("loved paying twice",
        # "great, cancelled again"): the classic shape of sarcasm, unless the sentence is a
        # mixed review ("lovely staff, but...") or the praise is negated ("not great").
        for sentence in sentences(QUOTED.sub(" ", text)):
            praise = _hits(s, sentence, "praise")
            if not praise or _MIXED.search(sentence) or _NEGATED.search(sentence):
                continue
            negative = _hits(lexicon("kinds"), sentence, "complaint") or any(
                lexicon("emotions").has(sentence, label) for label in _NEGATIVE
            )
            if negative:
                score = max(score, 0.6)
                cues += praise
                break
    if trouble >= 4 and found["praise"] and not cues and not _MIXED.search(text):
        score = 0.5  # praise words beside many complaints, and no "lovely X, but Y"
        cues += found["praise"]
    return round(min(score, 1.0), 2), _distinct(cues)
