"""The feedback store: drafts shown, replies sent, ratings, and what trainers decided.

One SQLite file under `settings.home` (`feedback.sqlite3`), four tables:

    suggestions   every set of drafts shown (complaint, channel, brand, drafts, cited case ids,
                  model, whether it was the safe fallback)
    sent          every reply marked as sent (final text, edit distance to the draft it started
                  from, coach score, seconds from suggestion to send, agent) and the trainer's
                  review decision on it (pending, approved, rejected + note)
    ratings       thumbs up/down with a reason on any draft
    cases         cases trainers approved, added or edited (the JSON of a `library.cases.Case`)

Every call opens its own short connection in WAL mode with a busy timeout, so the app's worker
threads, a second app process and a CLI export can all write at once without losing a row.
A corrupt or locked file raises `StoreError` naming the file and what to do.

This module only stores and reads rows. What is computed from them (edit distance, the figures
per agent/brand/week, export through `datasets`) lives in `store.figures`; the row values
(`ShownSuggestion`, `SentReply`, `Rating`) in `store.records`; the tables in `schema.sql`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from assistant.errors import CaseLibraryError, InputError, StoreError
from assistant.library.cases import Case
from assistant.store import figures as feedback_figures
from assistant.store.figures import GROUPS, FigureRow, levenshtein, write_rows
from assistant.store.records import (
    Rating,
    SentReply,
    ShownSuggestion,
    rating_from_row,
    sent_from_row,
    suggestion_from_row,
)
from assistant.store.rows import (
    _approved_copy,
    _case_json,
    _check_case,
    _check_names,
    _now,
    _pending,
    _sent_for,
    _stamp,
)
from assistant.store.sqlite_file import SQLiteFile, _insert
from assistant.text.inputs import check_text

SCHEMA_VERSION = 1
TABLES = ("suggestions", "sent", "ratings", "cases")
CASE_KINDS = ("approved", "added", "edited")

# The tables, as a file the store runs on every open (CREATE ... IF NOT EXISTS).
_SCHEMA = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")


# -- the store ----------------------------------------------------------------------------------
class FeedbackStore(SQLiteFile):
    """Feedback in one SQLite file; safe to share between threads and processes."""

    schema = _SCHEMA
    schema_version = SCHEMA_VERSION

    # -- suggestions -------------------------------------------------------------------------
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
    ) -> int:
        """Store the drafts an agent was shown; returns the suggestion id."""
        if not drafts:
            raise InputError("A suggestion needs at least one draft; got none.")
        check_text(complaint, "complaint", "complaint")
        for draft in drafts:
            check_text(draft, "draft", "reply")
        _check_names(customer=customer, agent=agent, brand=brand)
        with self._write() as conn:
            return _insert(
                conn,
                "suggestions",
                created_at=_stamp(when),
                agent=agent,
                complaint=complaint,
                channel=channel,
                brand=brand,
                customer=customer,
                drafts=json.dumps(list(drafts), ensure_ascii=False),
                case_ids=json.dumps(list(case_ids)),
                model=model,
                fallback=int(bool(fallback)),
            )

    def suggestion(self, suggestion_id: int) -> ShownSuggestion:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM suggestions WHERE id=?", (suggestion_id,)).fetchone()
        if row is None:
            raise InputError(
                f"No suggestion with id {suggestion_id!r}. Draft replies first, then send."
            )
        return suggestion_from_row(row)

    def suggestions(self) -> list[ShownSuggestion]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM suggestions ORDER BY id").fetchall()
        return [suggestion_from_row(r) for r in rows]

    # -- sent replies ------------------------------------------------------------------------
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
    ) -> SentReply:
        """Store a reply the agent sent. Missing context is taken from the suggestion it came
        from; `suggested` defaults to that suggestion's first draft."""
        check_text(final, "reply", "reply")
        if not final.strip():
            raise InputError("The reply to mark as sent is empty. Write or pick a reply first.")
        check_text(complaint, "complaint", "complaint", optional=True)
        _check_names(customer=customer, agent=agent, brand=brand)
        moment = when or _now()
        seconds = None
        if suggestion_id is not None:
            shown = self.suggestion(suggestion_id)
            suggested = shown.drafts[0] if suggested is None else suggested
            complaint = complaint or shown.complaint
            channel = channel or shown.channel
            brand = brand if brand is not None else shown.brand
            customer = customer or shown.customer
            agent = agent or shown.agent
            shown_at = datetime.fromisoformat(shown.created_at)
            seconds = round(max((moment - shown_at).total_seconds(), 0.0), 1)
        suggested = suggested or ""
        distance = levenshtein(suggested, final)
        with self._write() as conn:
            earlier = _sent_for(conn, suggestion_id)
            if earlier is not None:  # a suggestion is sent once: a second send corrects it
                if earlier.status != "pending":
                    raise InputError(
                        f"The reply to suggestion {suggestion_id} was already sent and "
                        f"{earlier.status} by a trainer; it cannot be changed now."
                    )
                conn.execute(
                    "UPDATE sent SET suggested=?, final=?, edit_distance=?, edit_ratio=?,"
                    " coach_score=? WHERE id=?",
                    (
                        suggested,
                        final,
                        distance,
                        round(distance / max(len(suggested), 1), 4),
                        coach_score,
                        earlier.id,
                    ),
                )
                row = conn.execute("SELECT * FROM sent WHERE id=?", (earlier.id,)).fetchone()
                return sent_from_row(row)
            new_id = _insert(
                conn,
                "sent",
                suggestion_id=suggestion_id,
                created_at=_stamp(moment),
                agent=agent,
                complaint=complaint,
                channel=channel,
                brand=brand,
                customer=customer,
                suggested=suggested,
                final=final,
                edit_distance=distance,
                edit_ratio=round(distance / max(len(suggested), 1), 4),
                coach_score=coach_score,
                seconds=seconds,
            )
            row = conn.execute("SELECT * FROM sent WHERE id=?", (new_id,)).fetchone()
            return sent_from_row(row)

    def sent_reply(self, sent_id: int) -> SentReply:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM sent WHERE id=?", (sent_id,)).fetchone()
        if row is None:
            raise InputError(f"No sent reply with id {sent_id!r}. Refresh the review queue.")
        return sent_from_row(row)

    def sent_replies(self, status: str | None = None) -> list[SentReply]:
        """Sent replies, oldest first; only those with `status` (pending, approved, rejected)."""
        if status not in (None, "pending", "approved", "rejected"):
            raise InputError(f"Unknown status {status!r}; use pending, approved or rejected.")
        query = "SELECT * FROM sent" + (" WHERE status=?" if status else "") + " ORDER BY id"
        with self._connect() as conn:
            rows = conn.execute(query, (status,) if status else ()).fetchall()
        return [sent_from_row(r) for r in rows]

    def review_queue(self) -> list[SentReply]:
        return self.sent_replies("pending")

    # -- ratings -----------------------------------------------------------------------------
    def rate(
        self,
        suggestion_id: int | None,
        draft_index: int,
        draft: str,
        thumb: int,
        reason: str = "",
        agent: str | None = None,
        when: datetime | None = None,
    ) -> Rating:
        if thumb not in (1, -1):
            raise InputError(f"thumb must be 1 (up) or -1 (down); it is {thumb!r}.")
        if draft_index < 0:
            raise InputError(f"draft_index must be 0 or more; it is {draft_index}.")
        check_text(reason or "", "reason", "reason")
        _check_names(agent=agent)
        with self._write() as conn:
            earlier = conn.execute(
                "SELECT id FROM ratings WHERE suggestion_id IS ? AND draft_index=? AND agent IS ?",
                (suggestion_id, draft_index, agent),
            ).fetchone()
            if earlier is not None and suggestion_id is not None:  # a changed mind updates
                conn.execute(
                    "UPDATE ratings SET thumb=?, reason=?, created_at=? WHERE id=?",
                    (thumb, reason or "", _stamp(when), earlier["id"]),
                )
                row = conn.execute("SELECT * FROM ratings WHERE id=?", (earlier["id"],))
                return rating_from_row(row.fetchone())
            new_id = _insert(
                conn,
                "ratings",
                suggestion_id=suggestion_id,
                created_at=_stamp(when),
                agent=agent,
                draft_index=draft_index,
                draft=draft,
                thumb=thumb,
                reason=reason or "",
            )
            row = conn.execute("SELECT * FROM ratings WHERE id=?", (new_id,)).fetchone()
            return rating_from_row(row)

    def ratings(self, suggestion_id: int | None = None) -> list[Rating]:
        query = "SELECT * FROM ratings" + (" WHERE suggestion_id=?" if suggestion_id else "")
        with self._connect() as conn:
            rows = conn.execute(query + " ORDER BY id", (suggestion_id,) if suggestion_id else ())
            return [rating_from_row(r) for r in rows.fetchall()]

    # -- review decisions and cases ------------------------------------------------------------
    def approve(self, sent_id: int, case: Case, trainer: str | None = None) -> Case:
        """Mark a pending sent reply approved and store `case` (made from it) in the library.

        The case is stored with source="approved" and split="train": approved replies teach
        retrieval, they never leak into the test split.
        """
        case = _approved_copy(case)
        _check_case(case)
        with self._write() as conn:
            sent = _pending(conn, sent_id)
            if conn.execute("SELECT 1 FROM cases WHERE id=?", (case.id,)).fetchone():
                raise InputError(f"A case with id {case.id!r} is already stored; pick another id.")
            stamp = _stamp(None)
            _insert_case(conn, case, "approved", trainer, stamp)
            conn.execute(
                "UPDATE sent SET status='approved', decided_by=?, decided_at=?, case_id=?"
                " WHERE id=?",
                (trainer, stamp, case.id, sent.id),
            )
        return case

    def reject(self, sent_id: int, note: str, trainer: str | None = None) -> SentReply:
        check_text(note, "note", "reason", optional=True)
        if not note or not note.strip():
            raise InputError("Say why the reply is rejected: the note is empty.")
        with self._write() as conn:
            _pending(conn, sent_id)
            conn.execute(
                "UPDATE sent SET status='rejected', note=?, decided_by=?, decided_at=? WHERE id=?",
                (note.strip(), trainer, _stamp(None), sent_id),
            )
        return self.sent_reply(sent_id)

    def save_case(self, case: Case, kind: str, author: str | None = None) -> Case:
        """Store an added case (kind="added": joins the library like an approved one) or an
        edit of a library case (kind="edited": replaces it by id when the app starts)."""
        if kind not in ("added", "edited"):
            raise InputError(f"kind must be 'added' or 'edited'; it is {kind!r}.")
        if kind == "added":
            case = _approved_copy(case)
        _check_case(case)
        stamp = _stamp(None)
        with self._write() as conn:
            old = conn.execute("SELECT kind FROM cases WHERE id=?", (case.id,)).fetchone()
            if old is None:
                _insert_case(conn, case, kind, author, stamp)
            elif kind == "added":
                raise InputError(f"A case with id {case.id!r} already exists; pick another id.")
            else:  # an edit of a stored case keeps its kind (approved stays approved)
                if old["kind"] != "edited":
                    case = _approved_copy(case)
                conn.execute(
                    "UPDATE cases SET data=?, author=?, updated_at=? WHERE id=?",
                    (_case_json(case), author, stamp, case.id),
                )
        return case

    def stored_case_kind(self, case_id: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT kind FROM cases WHERE id=?", (case_id,)).fetchone()
        return row["kind"] if row else None

    def approved_cases(self) -> list[Case]:
        """Cases trainers approved or added: they join the library (source="approved")."""
        return self._cases("kind IN ('approved', 'added')")

    def edited_cases(self) -> list[Case]:
        """Trainers' edits of library cases (data/cases), to apply over the files by id."""
        return self._cases("kind = 'edited'")

    def _cases(self, where: str) -> list[Case]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT id, data FROM cases WHERE {where} ORDER BY rowid")
            rows = rows.fetchall()
        cases = []
        for row in rows:
            try:
                cases.append(Case.from_dict(json.loads(row["data"])))
            except (CaseLibraryError, json.JSONDecodeError) as exc:
                raise StoreError(
                    f"Stored case {row['id']!r} in {self.path} no longer parses: {exc}. "
                    "Export the cases, fix or delete that row, and restart."
                ) from None
        return cases

    # -- figures and export --------------------------------------------------------------------
    def figures(self, by: str = "agent") -> list[FigureRow]:
        """Acceptance rate, mean edit distance, mean coach score and fallback rate per `by`
        (agent, brand or ISO week), sorted by key; one row per key (see feedback_figures)."""
        if by not in GROUPS:  # before reading the tables: a bad grouping fails even on a bad file
            raise InputError(f"Unknown grouping {by!r}; use one of {', '.join(GROUPS)}.")
        return feedback_figures.figures(self.suggestions(), self.sent_replies(), by)

    def rows(self, table: str) -> list[dict]:
        """Every row of one table as plain dicts (JSON columns decoded), for export."""
        if table == "suggestions":
            return [s.to_dict() for s in self.suggestions()]
        if table == "sent":
            return [r.to_dict() for r in self.sent_replies()]
        if table == "ratings":
            return [r.to_dict() for r in self.ratings()]
        if table == "cases":
            return [c.to_dict() for c in self.approved_cases() + self.edited_cases()]
        raise InputError(f"Unknown table {table!r}; use one of {', '.join(TABLES)}.")

    def export(self, table: str, path: Path | str) -> Path:
        """Write one table to JSONL or Parquet (by the file's suffix) through `datasets`."""
        return write_rows(self.rows(table), path)


# -- row helpers --------------------------------------------------------------------------------


def _insert_case(conn: sqlite3.Connection, case: Case, kind: str, author, stamp: str) -> None:
    _insert(
        conn,
        "cases",
        id=case.id,
        kind=kind,
        data=_case_json(case),
        author=author,
        created_at=stamp,
        updated_at=stamp,
    )
