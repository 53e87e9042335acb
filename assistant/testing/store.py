"""The feedback store's contract in memory."""

from __future__ import annotations

from assistant.library.cases import Case


class MemoryStore:
    """The feedback store's contract in memory (tests, and a demo without a disk): the same
    methods, refusals and limits as `feedback.FeedbackStore`; tests/test_store_contract.py runs
    one suite against both."""

    def __init__(self):
        from assistant.store.rows import _check_case, _check_names

        self._check_case, self._check_names = _check_case, _check_names
        self._suggestions: list = []
        self._sent: list = []
        self._ratings: list = []
        self._cases: dict[str, tuple[str, Case]] = {}
        self._lock = __import__("threading").Lock()

    @staticmethod
    def _now(when=None) -> str:
        from assistant.store.rows import _stamp

        return _stamp(when)

    def record_suggestion(self, complaint, channel, brand, drafts, case_ids, model, fallback,
                          customer=None, agent=None, when=None) -> int:  # fmt: skip
        from assistant.errors import InputError
        from assistant.store.records import ShownSuggestion
        from assistant.text.inputs import check_text

        if not drafts:
            raise InputError("A suggestion needs at least one draft; got none.")
        check_text(complaint, "complaint", "complaint")
        for draft in drafts:
            check_text(draft, "draft", "reply")
        self._check_names(customer=customer, agent=agent, brand=brand)
        with self._lock:
            number = len(self._suggestions) + 1
            self._suggestions.append(
                ShownSuggestion(number, self._now(when), agent, complaint, channel, brand,
                                customer, list(drafts), list(case_ids), model, bool(fallback))
            )  # fmt: skip
        return number

    def suggestion(self, suggestion_id: int):
        from assistant.errors import InputError

        if not 1 <= suggestion_id <= len(self._suggestions):
            raise InputError(
                f"No suggestion with id {suggestion_id!r}. Draft replies first, then send."
            )
        return self._suggestions[suggestion_id - 1]

    def suggestions(self) -> list:
        return list(self._suggestions)

    def record_sent(self, final, suggestion_id=None, suggested=None, coach_score=None,
                    agent=None, complaint=None, channel=None, brand=None, customer=None,
                    when=None):  # fmt: skip
        from dataclasses import replace as copy
        from datetime import datetime

        from assistant.errors import InputError
        from assistant.store.figures import levenshtein
        from assistant.store.records import SentReply
        from assistant.text.inputs import check_text

        check_text(final, "reply", "reply")
        if not final.strip():
            raise InputError("The reply to mark as sent is empty. Write or pick a reply first.")
        check_text(complaint, "complaint", "complaint", optional=True)
        self._check_names(customer=customer, agent=agent, brand=brand)
        moment, seconds = self._now(when), None
        if suggestion_id is not None:
            shown = self.suggestion(suggestion_id)
            suggested = shown.drafts[0] if suggested is None else suggested
            complaint, channel = complaint or shown.complaint, channel or shown.channel
            brand = brand if brand is not None else shown.brand
            customer, agent = customer or shown.customer, agent or shown.agent
            delta = datetime.fromisoformat(moment) - datetime.fromisoformat(shown.created_at)
            seconds = round(max(delta.total_seconds(), 0.0), 1)
        suggested = suggested or ""
        distance = levenshtein(suggested, final)
        ratio = round(distance / max(len(suggested), 1), 4)
        with self._lock:
            earlier = next(
                (i for i, r in enumerate(self._sent) if suggestion_id is not None
                 and r.suggestion_id == suggestion_id), None,
            )  # fmt: skip
            if earlier is not None:
                old = self._sent[earlier]
                if old.status != "pending":
                    raise InputError(
                        f"The reply to suggestion {suggestion_id} was already sent and "
                        f"{old.status} by a trainer; it cannot be changed now."
                    )
                self._sent[earlier] = copy(old, suggested=suggested, final=final,
                                           edit_distance=distance, edit_ratio=ratio,
                                           coach_score=coach_score)  # fmt: skip
                return self._sent[earlier]
            row = SentReply(len(self._sent) + 1, suggestion_id, moment, agent, complaint,
                            channel, brand, customer, suggested, final, distance, ratio,
                            coach_score, seconds)  # fmt: skip
            self._sent.append(row)
            return row

    def sent_reply(self, sent_id: int):
        from assistant.errors import InputError

        if not 1 <= sent_id <= len(self._sent):
            raise InputError(f"No sent reply with id {sent_id!r}. Refresh the review queue.")
        return self._sent[sent_id - 1]

    def sent_replies(self, status=None) -> list:
        from assistant.errors import InputError

        if status not in (None, "pending", "approved", "rejected"):
            raise InputError(f"Unknown status {status!r}; use pending, approved or rejected.")
        return [r for r in self._sent if status is None or r.status == status]

    def review_queue(self) -> list:
        return self.sent_replies("pending")

    def rate(self, suggestion_id, draft_index, draft, thumb, reason="", agent=None, when=None):
        from dataclasses import replace as copy

        from assistant.errors import InputError
        from assistant.store.records import Rating
        from assistant.text.inputs import check_text

        if thumb not in (1, -1):
            raise InputError(f"thumb must be 1 (up) or -1 (down); it is {thumb!r}.")
        if draft_index < 0:
            raise InputError(f"draft_index must be 0 or more; it is {draft_index}.")
        check_text(reason or "", "reason", "reason")
        self._check_names(agent=agent)
        with self._lock:
            for i, old in enumerate(self._ratings):
                if suggestion_id is not None and (old.suggestion_id, old.draft_index,
                                                  old.agent) == (suggestion_id, draft_index,
                                                                 agent):  # fmt: skip
                    self._ratings[i] = copy(old, thumb=thumb, reason=reason or "",
                                            created_at=self._now(when))  # fmt: skip
                    return self._ratings[i]
            row = Rating(len(self._ratings) + 1, suggestion_id, self._now(when), agent,
                         draft_index, draft, thumb, reason or "")  # fmt: skip
            self._ratings.append(row)
            return row

    def ratings(self, suggestion_id=None) -> list:
        return [r for r in self._ratings if not suggestion_id or r.suggestion_id == suggestion_id]

    def _pending(self, sent_id: int):
        from assistant.errors import InputError

        sent = self.sent_reply(sent_id)
        if sent.status != "pending":
            raise InputError(
                f"Sent reply {sent_id} was already {sent.status} by "
                f"{sent.decided_by or 'someone'}; refresh the review queue."
            )
        return sent

    def _decide(self, sent_id: int, **changes):
        from dataclasses import replace as copy

        self._sent[sent_id - 1] = copy(self._pending(sent_id), decided_at=self._now(), **changes)
        return self._sent[sent_id - 1]

    def approve(self, sent_id: int, case: Case, trainer=None) -> Case:
        from assistant.errors import InputError
        from assistant.store.rows import _approved_copy

        case = _approved_copy(case)
        self._check_case(case)
        with self._lock:
            self._pending(sent_id)
            if case.id in self._cases:
                raise InputError(f"A case with id {case.id!r} is already stored; pick another id.")
            self._decide(sent_id, status="approved", decided_by=trainer, case_id=case.id)
            self._cases[case.id] = ("approved", case)
        return case

    def reject(self, sent_id: int, note: str, trainer=None):
        from assistant.errors import InputError
        from assistant.text.inputs import check_text

        check_text(note, "note", "reason", optional=True)
        if not note or not note.strip():
            raise InputError("Say why the reply is rejected: the note is empty.")
        with self._lock:
            return self._decide(sent_id, status="rejected", note=note.strip(), decided_by=trainer)

    def save_case(self, case: Case, kind: str, author=None) -> Case:
        from assistant.errors import InputError
        from assistant.store.rows import _approved_copy

        if kind not in ("added", "edited"):
            raise InputError(f"kind must be 'added' or 'edited'; it is {kind!r}.")
        if kind == "added":
            case = _approved_copy(case)
        self._check_case(case)
        with self._lock:
            old = self._cases.get(case.id)
            if old is None:
                self._cases[case.id] = (kind, case)
            elif kind == "added":
                raise InputError(f"A case with id {case.id!r} already exists; pick another id.")
            else:
                case = case if old[0] == "edited" else _approved_copy(case)
                self._cases[case.id] = (old[0], case)
        return case

    def stored_case_kind(self, case_id: str):
        return self._cases[case_id][0] if case_id in self._cases else None

    def approved_cases(self) -> list[Case]:
        return [c for kind, c in self._cases.values() if kind in ("approved", "added")]

    def edited_cases(self) -> list[Case]:
        return [c for kind, c in self._cases.values() if kind == "edited"]

    def figures(self, by: str = "agent"):
        from assistant.errors import InputError
        from assistant.store import figures as feedback_figures

        if by not in feedback_figures.GROUPS:
            raise InputError(
                f"Unknown grouping {by!r}; use one of {', '.join(feedback_figures.GROUPS)}."
            )
        return feedback_figures.figures(self.suggestions(), self.sent_replies(), by)

    def rows(self, table: str) -> list[dict]:
        from assistant.store.sqlite import FeedbackStore

        return FeedbackStore.rows(self, table)

    def export(self, table: str, path):
        from assistant.store.figures import write_rows

        return write_rows(self.rows(table), path)
