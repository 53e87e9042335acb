"""The Store seam: what the service and the app need from wherever feedback is kept.

`FeedbackStore` (SQLite, store/sqlite.py) is the embedded default and `MemoryStore`
(assistant/testing/store.py) the fake; tests/test_store_contract.py runs one suite against both,
so a new backend (a server database) is one more class that passes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from assistant.library.cases import Case
from assistant.store.figures import FigureRow
from assistant.store.records import Rating, SentReply, ShownSuggestion


@runtime_checkable
class Store(Protocol):
    # -- what agents were shown and sent ------------------------------------------------------
    def record_suggestion(
        self,
        complaint: str,
        channel: str,
        brand: str | None,
        drafts: Sequence[str],
        case_ids: Sequence[str],
        model: str | None,
        fallback: bool,
        customer: str | None = None,
        agent: str | None = None,
        when: datetime | None = None,
    ) -> int: ...

    def suggestion(self, suggestion_id: int) -> ShownSuggestion: ...

    def suggestions(self) -> list[ShownSuggestion]: ...

    def record_sent(
        self,
        final: str,
        suggestion_id: int | None = None,
        suggested: str | None = None,
        coach_score: float | None = None,
        agent: str | None = None,
        complaint: str | None = None,
        channel: str | None = None,
        brand: str | None = None,
        customer: str | None = None,
        when: datetime | None = None,
    ) -> SentReply: ...

    def sent_reply(self, sent_id: int) -> SentReply: ...

    def sent_replies(self, status: str | None = None) -> list[SentReply]: ...

    def review_queue(self) -> list[SentReply]: ...

    def rate(
        self,
        suggestion_id: int | None,
        draft_index: int,
        draft: str,
        thumb: int,
        reason: str = "",
        agent: str | None = None,
        when: datetime | None = None,
    ) -> Rating: ...

    def ratings(self, suggestion_id: int | None = None) -> list[Rating]: ...

    # -- trainers' decisions and the cases they add --------------------------------------------
    def approve(self, sent_id: int, case: Case, trainer: str | None = None) -> Case: ...

    def reject(self, sent_id: int, note: str, trainer: str | None = None) -> SentReply: ...

    def save_case(self, case: Case, kind: str, author: str | None = None) -> Case: ...

    def stored_case_kind(self, case_id: str) -> str | None: ...

    def approved_cases(self) -> list[Case]: ...

    def edited_cases(self) -> list[Case]: ...

    # -- reports ------------------------------------------------------------------------------
    def figures(self, by: str = "agent") -> list[FigureRow]: ...

    def rows(self, table: str) -> list[dict]: ...

    def export(self, table: str, path: Path | str) -> Path: ...
