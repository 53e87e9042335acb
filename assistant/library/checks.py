"""Quality gates and figures for the case library: facet minimums, private data, duplicates,
move contrasts, and a diversity measure so a template-like library shows."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from assistant.library.cases import Case, words
from assistant.library.vocabulary import (
    CHANNELS,
    EMOTIONS,
    INDUSTRIES,
    ISSUES,
    SENSITIVE,
    TWITTER_LIMIT,
)
from assistant.text.pii import find_private_data

# The minimums the library promises (issue 13 and data/README.md): every industry has enough
# cases to retrieve a same-trade neighbour from, every situation enough to learn and measure,
# channels follow real volume (twitter and chat the most), and a sixth of the library is not
# English, with every language written natively.
MINIMUMS: dict[str, dict[str, int]] = {
    "industry": {value: 80 for value in INDUSTRIES},
    "issue": {value: 100 for value in ISSUES},
    "channel": {"twitter": 1500, "chat": 1200, "email": 800, "facebook": 700, "review": 500},
    "emotion": {value: 100 for value in EMOTIONS},
    "sensitive": {value: 80 for value in SENSITIVE},
    "language": {"es": 400, "pt": 300, "it": 300, "fr": 150, "de": 150},
    "kind": {"question": 150, "noise": 100, "praise": 200},
}
TOTAL_MINIMUM = 6000
TEST_MINIMUM = 600
NON_ENGLISH_SHARE = 0.15
SARCASM_PER_CHANNEL = 25
OPENING_SHARE = 0.02


def facet_counts(cases: Sequence[Case]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {f: Counter() for f in MINIMUMS}
    counts["split"] = Counter()
    for case in cases:
        for facet in ("industry", "issue", "channel", "emotion", "language", "kind", "split"):
            counts[facet][getattr(case, facet)] += 1
        counts["sensitive"].update(case.sensitive)
    return counts


def shortfalls(cases: Sequence[Case]) -> list[str]:
    counts = facet_counts(cases)
    problems = [
        f"{facet}={value}: {counts[facet][value]} cases, at least {need} required"
        for facet, floors in MINIMUMS.items()
        for value, need in floors.items()
        if counts[facet][value] < need
    ]
    if len(cases) < TOTAL_MINIMUM:
        problems.append(f"{len(cases)} cases in all, at least {TOTAL_MINIMUM} required")
    other = sum(v for k, v in counts["language"].items() if k != "en")
    if other < NON_ENGLISH_SHARE * len(cases):
        problems.append(f"{other} cases not in English; at least {NON_ENGLISH_SHARE:.0%} required")
    sarcasm = Counter(c.channel for c in cases if c.emotion == "sarcasm")
    problems += [
        f"sarcasm on {ch}: {sarcasm[ch]} cases, at least {SARCASM_PER_CHANNEL} required"
        for ch in CHANNELS
        if sarcasm[ch] < SARCASM_PER_CHANNEL
    ]
    return problems


def private_data_in_gold(cases: Sequence[Case]) -> list[str]:
    return [
        f"{c.id}: gold reply contains a {item.kind} ({item.text!r})"
        for c in cases
        for item in find_private_data(c.reply)
    ]


def over_length(cases: Sequence[Case], limits: dict[str, int] | None = None) -> list[str]:
    """Gold replies over their channel's limit (twitter's 280 when no limits are given), and
    twitter complaints over 280 (a tweet cannot be longer)."""
    limits = limits or {"twitter": TWITTER_LIMIT}
    return [
        f"{c.id}: {c.channel} reply has {len(c.reply)} characters; the limit is {limits[c.channel]}"
        for c in cases
        if c.channel in limits and len(c.reply) > limits[c.channel]
    ] + [
        f"{c.id}: twitter complaint has {len(c.complaint)} characters"
        for c in cases
        if c.channel == "twitter" and len(c.complaint) > TWITTER_LIMIT
    ]


def repeated_openings(cases: Sequence[Case], share: float = OPENING_SHARE) -> list[str]:
    """Gold-reply openings (first three words after a greeting) used by more than `share` of
    the library: the sign of a template."""
    limit = share * len(cases)
    return [
        f"opening {opening!r} starts {n} gold replies; at most {limit:.0f} allowed"
        for opening, n in diversity(cases, top=20)["top_openings"]
        if n > limit
    ]


def names_out_of_text(cases: Sequence[Case]) -> list[str]:
    """`customer` must be a name the complaint gives, `agent` a name the gold reply signs with:
    a reply that greets a name the customer never wrote reads as a data leak."""
    problems = []
    for c in cases:
        if c.customer and not re.search(rf"\b{re.escape(c.customer)}\b", c.complaint, re.I):
            problems.append(
                f"{c.id}: customer {c.customer!r} is not in the complaint (let the complaint "
                "give the name, or set customer to null and drop it from the reply)"
            )
        if c.agent and not re.search(rf"\b{re.escape(c.agent)}\b", c.reply, re.I):
            problems.append(f"{c.id}: agent {c.agent!r} does not sign the gold reply")
    return problems


def same_moves(cases: Sequence[Case]) -> list[str]:
    return [
        f"{c.id}: gold and weak replies make the same moves"
        for c in cases
        if set(c.moves) == set(c.weak_moves)
    ]


def exact_duplicates(cases: Sequence[Case]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for case in cases:
        key = " ".join(words(case.complaint))
        if key in seen:
            problems.append(f"{case.id}: same complaint as {seen[key]}")
        seen.setdefault(key, case.id)
    return problems


def near_duplicates(cases: Sequence[Case], vectors, threshold: float = 0.95) -> list[str]:
    """Pairs of complaints whose embeddings have cosine >= threshold (vectors are unit rows)."""
    import numpy as np

    sims = np.asarray(vectors) @ np.asarray(vectors).T
    np.fill_diagonal(sims, 0)
    rows, cols = np.nonzero(np.triu(sims) >= threshold)
    return [
        f"{cases[i].id} ~ {cases[j].id}: cosine {sims[i, j]:.3f}"
        for i, j in zip(rows, cols, strict=True)
    ]


def gate_problems(cases: Sequence[Case], limits: dict[str, int] | None = None) -> list[str]:
    """Every quality gate of the library itself (no model, no guard); [] when it is sound.
    The gold replies' policy caps are the coach's guard: `coach.guards.policy_breaches`."""
    return (
        shortfalls(cases)
        + private_data_in_gold(cases)
        + over_length(cases, limits)
        + same_moves(cases)
        + names_out_of_text(cases)
        + exact_duplicates(cases)
        + repeated_openings(cases)
    )


def diversity(cases: Sequence[Case], top: int = 8) -> dict:
    """Share of distinct word 3-grams in gold replies and the most repeated 3-word openings."""
    grams: Counter = Counter()
    openings: Counter = Counter()
    for case in cases:
        tokens = words(case.reply)
        grams.update(tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2))
        first = re.sub(
            r"^(hi|hello|hey|hola|bonjour|hallo|dear|olá|ola|ciao|buongiorno|buonasera|buenas"
            r"|buenos días|bom dia|boa tarde|boa noite|guten tag|good morning|good afternoon"
            r"|estimad[oa]|querid[oa]|cher|chère|liebe[r]?|caro|cara|gentile|prezad[oa])\b"
            r"[^,.!:]*[,.!:]\s*",
            "",
            case.reply.strip(),
            flags=re.I,
        )
        first = re.sub(r"^[A-ZÀ-Ý][\w'’-]+\s*[,–—]\s*", "", first)  # "Marcus, ..." / "Ana – ..."
        openings[" ".join(words(first)[:3])] += 1
    total = sum(grams.values())
    return {
        "distinct_3gram_share": round(len(grams) / total, 3) if total else 0.0,
        "three_grams": total,
        "top_openings": openings.most_common(top),
    }


def reply_lengths(cases: Sequence[Case]) -> dict[str, tuple[int, int, int]]:
    """p10, median and p90 of the gold replies' length in characters, per channel."""
    spread = {}
    for channel in CHANNELS:
        sizes = sorted(len(c.reply) for c in cases if c.channel == channel)
        if sizes:
            spread[channel] = tuple(
                sizes[min(len(sizes) - 1, int(q * len(sizes)))] for q in (0.1, 0.5, 0.9)
            )
    return spread
