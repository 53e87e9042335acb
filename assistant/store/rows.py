"""Row helpers both stores share: timestamps, the limits every stored text obeys, case copies."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from assistant.errors import InputError
from assistant.library.cases import Case
from assistant.store.records import SentReply, sent_from_row
from assistant.text.inputs import check_text


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime | None) -> str:
    return (moment or _now()).astimezone(UTC).isoformat(timespec="seconds")


def _check_names(**names: str | None) -> None:
    """Names (customer, agent, brand) as text within their limit, or InputError."""
    for what, value in names.items():
        check_text(value, f"{what} name", "brand" if what == "brand" else "name", optional=True)


def _check_case(case: Case) -> None:
    """A case's texts within the limits a draft or a sent reply has."""
    check_text(case.complaint, "case complaint", "complaint")
    for what in ("reply", "weak_reply"):
        check_text(getattr(case, what), f"case {what}", "reply")
    check_text(case.weak_why, "case weak_why", "reason")
    _check_names(customer=case.customer, agent=case.agent, brand=case.brand)


def _approved_copy(case: Case) -> Case:
    data = case.to_dict()
    data.update(source="approved", split="train")
    return Case.from_dict(data)


def _case_json(case: Case) -> str:
    return json.dumps(case.to_dict(), ensure_ascii=False)


def _sent_for(conn: sqlite3.Connection, suggestion_id: int | None) -> SentReply | None:
    if suggestion_id is None:
        return None
    row = conn.execute(
        "SELECT * FROM sent WHERE suggestion_id=? ORDER BY id LIMIT 1", (suggestion_id,)
    ).fetchone()
    return sent_from_row(row) if row else None


def _pending(conn: sqlite3.Connection, sent_id: int) -> SentReply:
    row = conn.execute("SELECT * FROM sent WHERE id=?", (sent_id,)).fetchone()
    if row is None:
        raise InputError(f"No sent reply with id {sent_id!r}. Refresh the review queue.")
    sent = sent_from_row(row)
    if sent.status != "pending":
        raise InputError(
            f"Sent reply {sent_id} was already {sent.status} by {sent.decided_by or 'someone'}; "
            "refresh the review queue."
        )
    return sent
