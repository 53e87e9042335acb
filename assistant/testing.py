"""Deterministic fakes shipped with the library, for tests and for trying the API without models.

`HashingEmbedder` maps words to hashed buckets (same text, same vector, on every machine).
`ScriptedGenerator` returns scripted replies in order and records what it was asked.
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
