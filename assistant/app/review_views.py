"""The trainer room's tables: word diffs of sent replies, and the queue, tone and findings rows."""

from __future__ import annotations

import difflib
import re

from assistant.app import editors as editors
from assistant.app.coaching import STATUS_MARK
from assistant.library.cases import Case
from assistant.store.records import SentReply

TONE_HEADERS = ["case", "brand", "channel", "language", "issue", "emotion", "complaint"]

QUEUE_HEADERS = [
    "id",
    "sent at",
    "agent",
    "brand",
    "channel",
    "coach score",
    "edit distance",
    "complaint",
]

FINDING_HEADERS = ["", "check", "severity", "reason"]

_TOKEN = re.compile(r"\s+|[\w'’]+|[^\w\s]")

# Unchanged runs shorter than this many words between two edits are shown as part of the edit.
MIN_KEPT_WORDS = 3


def word_diff(before: str, after: str) -> list[tuple[str, str | None]]:
    """(piece, "-"|"+"|None) from the suggestion to the sent reply, in readable chunks.

    Runs of fewer than MIN_KEPT_WORDS unchanged words between two changes are folded into the
    change: a rewrite then reads as "removed sentence, added sentence", not as confetti.
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []
    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        inner = 0 < index < len(ops) - 1
        short = sum(1 for t in a[i1:i2] if not t.isspace()) < MIN_KEPT_WORDS
        if op == "equal" and not (inner and short):
            merged.append(["equal", i1, i2, j1, j2])
        elif merged and merged[-1][0] == "change":
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append(["change", i1, i2, j1, j2])
    pieces: list[tuple[str, str | None]] = []
    for op, i1, i2, j1, j2 in merged:
        if op == "equal":
            pieces.append(("".join(a[i1:i2]), None))
            continue
        if i2 > i1:
            pieces.append(("".join(a[i1:i2]), "-"))
        if j2 > j1:
            pieces.append(("".join(b[j1:j2]), "+"))
    return pieces


def findings_rows(review) -> list[list]:
    if review is None:
        return []
    return [
        [STATUS_MARK.get(f.status, f.status), f.check, f.severity, f.reason]
        for f in sorted(review.findings, key=lambda f: (f.status != "fail", f.check))
    ]


def queue_rows(replies: list[SentReply]) -> list[list]:
    return [
        [
            r.id,
            r.created_at.replace("T", " ")[:16],
            r.agent or "",
            r.brand or "(no brand)",
            r.channel or "",
            r.coach_score,
            r.edit_distance,
            (r.complaint or "")[:120],
        ]
        for r in replies
    ]


def tone_rows(cases: list[Case]) -> list[list]:
    return [
        [c.id, c.brand, c.channel, c.language, c.issue, c.emotion, c.complaint[:120]] for c in cases
    ]
