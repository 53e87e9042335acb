"""Deterministic fakes shipped with the library, for tests and for trying the API without models.

`HashingEmbedder` maps words to hashed buckets (same text, same vector, on every machine).
`ScriptedGenerator` returns scripted replies in order and records what it was asked.
`TableCritic` judges replies by a table of probabilities (the learned critic's fake).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from assistant.library.cases import Case, words


class HashingEmbedder:
    name = "hashing-64"

    def __init__(self, dimension: int = 64):
        self.dimension = dimension
        self.calls = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


class ScriptedGenerator:
    """Replies from a script; each call takes the next batch (cycling), one reply per row."""

    def __init__(self, replies: Sequence[str] | Callable[[list], str], name: str = "scripted"):
        self.replies = replies
        self.name = name
        self.calls: list[list] = []
        self._next = 0

    def generate_batch(self, conversations, max_new_tokens, on_text=None, give_up=None):
        """`give_up` is honoured the way a model honours it: a row whose text `give_up`
        rejects after some growth is cut there (checked every 16 characters)."""
        self.calls.append([list(c) for c in conversations])
        out = []
        for conversation in conversations:
            if callable(self.replies):
                out.append(self.replies(conversation))
            else:
                out.append(self.replies[self._next % len(self.replies)])
                self._next += 1
        if give_up is not None:
            out = [_cut(text, give_up) for text in out]
        if on_text and out:
            for end in range(1, len(out[0]) + 1, 16):
                on_text(out[0][:end])
            on_text(out[0])
        return out


def _cut(text: str, give_up) -> str:
    for end in range(16, len(text), 16):
        if give_up(text[:end]):
            return text[:end]
    return text


class TableCritic:
    """A critic that looks replies up: `probabilities` returns `table[reply]` (else `default`)
    and records what it was asked, so tests assert exact rankings and drops."""

    name = "table-critic"

    def __init__(self, table: dict[str, float], threshold: float = 0.5, default: float = 0.9):
        self.table = dict(table)
        self.threshold = threshold
        self.default = default
        self.calls: list[tuple[str, list[str], str]] = []

    def probabilities(self, complaint, replies, channel, customer=None) -> list[float]:
        self.calls.append((complaint, list(replies), channel))
        return [self.table.get(r, self.default) for r in replies]


def make_case(**fields) -> Case:
    """A valid Case with sensible defaults; pass only the fields a test cares about."""
    base = dict(
        id="t-001",
        channel="twitter",
        brand="Acme Air",
        industry="airline",
        issue="delay_cancellation",
        kind="complaint",
        emotion="frustration",
        severity=2,
        language="en",
        complaint="My flight was cancelled and nobody told me.",
        reply="I'm sorry your flight was cancelled without a word from us. I'll rebook you now: "
        "send us a DM with your booking reference.",
        moves=["acknowledge_specific", "apology", "ownership", "fix", "move_private"],
        weak_reply="We apologize for any inconvenience.",
        weak_moves=["apology"],
        weak_kind="boilerplate",
        weak_why="Boilerplate.",
    )
    base.update(fields)
    return Case.from_dict(base)


SAMPLE_CASES = [
    make_case(),
    make_case(
        id="t-002",
        brand="Acme Air",
        issue="lost_damaged",
        customer="Rosa",
        agent="Tom",
        complaint="You lost my suitcase on the Lisbon flight and I have my sister's wedding "
        "tomorrow. - Rosa",
        reply="Rosa, I'm so sorry your suitcase went missing right before your sister's wedding. "
        "I've put a trace on it and I'll update you by 6pm. DM us your tag number. – Tom",
    ),
    make_case(
        id="t-003",
        channel="email",
        brand="Nimbus Mobile",
        industry="mobile",
        issue="billing_double_charge",
        complaint="I was billed twice for March, 45 dollars each.",
        reply="Hello, I'm sorry you were charged twice for March. I've opened a refund review for "
        "the duplicate charge and will email you when it is done.",
    ),
    make_case(
        id="t-004",
        language="es",
        brand="Nimbus Mobile",
        industry="mobile",
        issue="outage_defect",
        complaint="No tengo señal desde hace tres días y nadie me responde.",
        reply="Siento mucho que lleves tres días sin señal y sin respuesta. Lo reviso ahora mismo: "
        "escríbenos por DM y te digo qué pasa.",
    ),
    make_case(
        id="t-005",
        issue="praise",
        kind="praise",
        emotion="gratitude",
        complaint="Huge thanks to the crew on my flight today, they looked after my nervous son.",
        reply="Thank you for telling us! I'll pass your words to the crew; they'll be delighted "
        "your son felt looked after.",
        moves=["thanks", "acknowledge_specific", "ownership"],
        weak_reply="Sorry for any issues.",
        weak_moves=["apology"],
    ),
]


# The fakes for the store and the index live beside these; importable from here too.
from assistant.testing.index import ListIndex  # noqa: E402
from assistant.testing.store import MemoryStore  # noqa: E402

__all__ = [
    "SAMPLE_CASES",
    "HashingEmbedder",
    "ListIndex",
    "MemoryStore",
    "ScriptedGenerator",
    "make_case",
]
