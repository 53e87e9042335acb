"""The rows of the feedback store as values: drafts shown, replies sent, ratings.

`assistant.store.sqlite.FeedbackStore` writes and reads them; `assistant.store.figures` computes
the team's figures from them. Kept apart so either can use them without the other.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass

from assistant.store.figures import SMALL_EDIT_RATIO


@dataclass
class ShownSuggestion:
    id: int
    created_at: str
    agent: str | None
    complaint: str
    channel: str
    brand: str | None
    customer: str | None
    drafts: list[str]
    case_ids: list[str]
    model: str | None
    fallback: bool

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SentReply:
    id: int
    suggestion_id: int | None
    created_at: str
    agent: str | None
    complaint: str | None
    channel: str | None
    brand: str | None
    customer: str | None
    suggested: str
    final: str
    edit_distance: int
    edit_ratio: float
    coach_score: float | None
    seconds: float | None
    status: str = "pending"
    note: str = ""
    decided_by: str | None = None
    decided_at: str | None = None
    case_id: str | None = None

    @property
    def accepted(self) -> bool:
        return self.edit_ratio <= SMALL_EDIT_RATIO

    def to_dict(self) -> dict:
        return {**asdict(self), "accepted": self.accepted}


@dataclass
class Rating:
    id: int
    suggestion_id: int | None
    created_at: str
    agent: str | None
    draft_index: int
    draft: str
    thumb: int  # +1 up, -1 down
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def suggestion_from_row(row: sqlite3.Row) -> ShownSuggestion:
    data = dict(row)
    data["drafts"] = json.loads(data["drafts"])
    data["case_ids"] = json.loads(data["case_ids"])
    data["fallback"] = bool(data["fallback"])
    return ShownSuggestion(**data)


def sent_from_row(row: sqlite3.Row) -> SentReply:
    return SentReply(**dict(row))


def rating_from_row(row: sqlite3.Row) -> Rating:
    return Rating(**dict(row))
