"""The trainer room's actions as plain functions: no Gradio here.

Tone examples are open to every signed-in user (agents learn from them too). Everything that
changes the library, the policies or the prompts, or reads other agents' sent replies, starts
with `access.require_trainer(...)`: the server refuses an agent even if the page were tampered
with, because the check lives here and not in what the page shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from assistant.app import editors as editors
from assistant.app.auth import Access
from assistant.app.handlers import Desk
from assistant.app.review_views import findings_rows, word_diff
from assistant.errors import CaseLibraryError, InputError
from assistant.library.cases import Case
from assistant.library.files import export_path, private_file
from assistant.library.policy import BrandPolicy
from assistant.library.vocabulary import EMOTIONS, MOVES, SENSITIVE, WANTS
from assistant.service import Assistant
from assistant.store.figures import FigureRow, write_rows
from assistant.store.records import SentReply
from assistant.text.inputs import check_text, whole_number

ANY = "any"
NO_FLAG = "none"
TONE_FILTERS = ("industry", "issue", "emotion", "channel", "language", "sensitive")
EXPORTS = ("library", "approved", "sent", "suggestions", "ratings")
FORMATS = ("jsonl", "parquet")


@dataclass
class ToneView:
    case: Case
    gold_score: int | None
    weak_score: int | None
    gold_findings: list[list]  # rows of FINDING_HEADERS
    weak_findings: list[list]


@dataclass
class ReviewDetail:
    sent: SentReply
    diff: list[tuple[str, str | None]]  # "-" removed from the suggestion, "+" added by the agent
    defaults: dict  # proposed case fields for approval: industry, issue, emotion, severity


def replace_case(assistant: Assistant, case: Case) -> None:
    """Swap an edited case into the running index at once (re-embedding a changed complaint)."""
    index = assistant.index
    own = assistant.cases
    index.replace(case)
    for i, c in enumerate(own):
        if c.id == case.id:
            own[i] = case


def apply_stored_edits(assistant: Assistant) -> int:
    """Apply trainers' saved edits of library cases to the running assistant; returns how many.

    Edits live in the feedback store (the library files are shared and reviewed as text), so
    they are re-applied every time the app starts.
    """
    if not assistant.settings.feedback_db.exists():
        return 0
    edits = assistant.store.edited_cases()
    known = {c.id for c in assistant.cases}
    applied = 0
    for case in edits:
        if case.id in known:
            replace_case(assistant, case)
            applied += 1
    return applied


class Trainer:
    """The trainer room's actions. `user` is the signed-in name (None when local, no sign-in)."""

    def __init__(self, assistant: Assistant, access: Access | None = None):
        self.assistant = assistant
        self.access = access or Access()
        self.desk = Desk(assistant, self.access)

    # -- tone examples (open to everyone) --------------------------------------------------------
    def filter_choices(self) -> dict[str, list[str]]:
        cases = self.assistant.cases
        choices = {
            name: [ANY, *sorted({getattr(c, name) for c in cases})]
            for name in TONE_FILTERS
            if name != "sensitive"
        }
        flags = sorted({flag for c in cases for flag in c.sensitive})
        choices["sensitive"] = [ANY, NO_FLAG, *flags]
        return choices

    def tone_examples(self, **filters: str) -> list[Case]:
        """Cases with a weak reply to contrast, matching every filter that is not "any"."""
        unknown = set(filters) - set(TONE_FILTERS)
        if unknown:
            raise InputError(
                f"Unknown tone filter {sorted(unknown)}; use {', '.join(TONE_FILTERS)}."
            )
        chosen = {k: v for k, v in filters.items() if v and v != ANY}
        out = []
        for case in self.assistant.cases:
            if not case.weak_reply:
                continue
            flag = chosen.get("sensitive")
            if flag == NO_FLAG and case.sensitive:
                continue
            if flag not in (None, NO_FLAG) and flag not in case.sensitive:
                continue
            if all(getattr(case, k) == v for k, v in chosen.items() if k != "sensitive"):
                out.append(case)
        return out

    def tone_example(self, case_id: str) -> ToneView:
        case = self.case(case_id)
        brand = case.brand if case.brand in self.assistant.policies.brands else None
        gold = self.desk.review(case.reply, case.complaint, case.channel, brand, case.customer)
        weak = (
            self.desk.review(case.weak_reply, case.complaint, case.channel, brand, case.customer)
            if case.weak_reply
            else None
        )
        return ToneView(
            case,
            int(gold.score) if gold is not None else None,
            int(weak.score) if weak is not None else None,
            findings_rows(gold),
            findings_rows(weak),
        )

    def case(self, case_id: str) -> Case:
        for case in self.assistant.cases:
            if case.id == case_id:
                return case
        raise InputError(f"No case with id {case_id!r} in the library.")

    # -- review queue (trainers) -------------------------------------------------------------
    def queue(self, user: str | None) -> list[SentReply]:
        self.access.require_trainer(user, "see the review queue")
        return self.assistant.store.review_queue()

    def detail(self, sent_id: int, user: str | None) -> ReviewDetail:
        self.access.require_trainer(user, "review sent replies")
        sent = self.assistant.store.sent_reply(
            whole_number(sent_id, "sent reply number", minimum=1)
        )
        return ReviewDetail(sent, word_diff(sent.suggested, sent.final), self.defaults(sent))

    def defaults(self, sent: SentReply) -> dict:
        """Proposed schema fields for a sent reply: the brand's industry, the analysis, and the
        nearest library case for what the analysis cannot tell (issue, severity)."""
        complaint = sent.complaint or ""
        nearest = self.assistant.index.search(complaint, 1) if complaint else []
        near = nearest[0].case if nearest else None
        policy_industry = None
        if sent.brand and sent.brand in self.assistant.policies.brands:
            policy_industry = self.assistant.policies.brands[sent.brand].industry
        analysis = self.assistant.analyse(complaint, sent.channel or "twitter")
        emotion = analysis.top_emotion if analysis.emotions else None
        return {
            "industry": policy_industry or (near.industry if near else "ecommerce"),
            "issue": near.issue if near else "question",
            "emotion": emotion if emotion in EMOTIONS else (near.emotion if near else "neutral"),
            "severity": near.severity if near else 2,
            "kind": analysis.kind,
            "language": analysis.language,
            "sensitive": [s for s in analysis.sensitive if s in SENSITIVE],
            "wants": [w for w in analysis.wants if w in WANTS],
        }

    def case_from_sent(self, sent: SentReply, **overrides) -> Case:
        fields = self.defaults(sent)
        fields.update({k: v for k, v in overrides.items() if v not in (None, "")})
        review = self.desk.review(
            sent.final, sent.complaint or "", sent.channel or "twitter", sent.brand, sent.customer
        )
        moves = []
        if review is not None:  # the coach's breakdown names the recovery moves it found
            moves = [m for m, v in review.breakdown.items() if m in MOVES and v >= 0.5]
        signs = sent.agent if sent.agent and sent.agent in sent.final[-60:] else None
        row = {
            "id": f"approved-{sent.id:05d}",
            "channel": sent.channel,
            "brand": sent.brand or "(no brand)",
            "complaint": sent.complaint,
            "reply": sent.final,
            "customer": sent.customer,
            "agent": signs,
            "moves": moves,
            "outcome": "resolved",
            "source": "approved",
            "split": "train",
            **fields,
        }
        row["severity"] = int(row["severity"])
        return Case.from_dict(row)

    def approve(self, sent_id: int, user: str | None, tags_for=None, **overrides) -> Case:
        """Approve a sent reply into the library: stored, and the index learns it at once.

        Tags (issue, industry, emotion, severity) given in `overrides` must have been chosen for
        this reply: `tags_for` is the sent reply they were loaded for (the page passes the one it
        opened; an API call that names the reply and its tags together passes the same number).
        Without tags the reply's own proposed tags are used.
        """
        trainer = self.access.require_trainer(user, "approve replies into the library")
        number = whole_number(sent_id, "sent reply number", minimum=1)
        if any(v not in (None, "") for v in overrides.values()):
            if tags_for is None:
                raise InputError(
                    f"Open sent reply #{number} first, so its own tags load, then approve it."
                )
            if whole_number(tags_for, "opened reply number") != number:
                raise InputError(
                    f"The tags on screen belong to sent reply #{tags_for}, not #{number}. "
                    f"Open #{number} (its own tags load), check them, then approve."
                )
        sent = self.assistant.store.sent_reply(number)
        if sent.status != "pending":
            raise InputError(f"Sent reply {sent.id} was already {sent.status}; refresh the queue.")
        case = self.case_from_sent(sent, **overrides)
        stored = self.assistant.store.approve(sent.id, case, trainer)
        self.assistant.add_cases([stored])
        return stored

    def reject(self, sent_id: int, note: str, user: str | None) -> SentReply:
        trainer = self.access.require_trainer(user, "reject sent replies")
        number = whole_number(sent_id, "sent reply number", minimum=1)
        return self.assistant.store.reject(number, note, trainer)

    # -- cases ---------------------------------------------------------------------------------
    def case_json(self, case_id: str, user: str | None) -> str:
        self.access.require_trainer(user, "edit cases")
        return json.dumps(self.case(case_id).to_dict(), indent=2, ensure_ascii=False)

    def new_case_json(self, user: str | None) -> str:
        self.access.require_trainer(user, "add cases")
        known = {c.id for c in self.assistant.cases}
        number = 1
        while f"added-{number:04d}" in known:
            number += 1
        template = Case(
            id=f"added-{number:04d}",
            channel="twitter",
            brand="",
            industry="ecommerce",
            issue="delay_cancellation",
            kind="complaint",
            emotion="frustration",
            severity=2,
            language="en",
            complaint="",
            reply="",
            source="approved",
        )
        return json.dumps(template.to_dict(), indent=2, ensure_ascii=False)

    def save_case(self, text: str, user: str | None) -> Case:
        """Save a case from its JSON: an edit of a known id (applied at once), or a new case
        (added to the library and the index at once)."""
        trainer = self.access.require_trainer(user, "edit cases")
        check_text(text, "case JSON", "case")
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"The case is not valid JSON: line {exc.lineno}: {exc.msg}.") from None
        if not isinstance(row, dict):
            raise InputError("The case must be one JSON object ({...}).")
        try:
            case = Case.from_dict(row)
        except CaseLibraryError as exc:
            raise InputError(f"{exc}. Not saved.") from None
        store = self.assistant.store
        known = {c.id: c for c in self.assistant.cases}
        if case.id not in known:
            stored = store.save_case(case, "added", trainer)
            self.assistant.add_cases([stored])
            return stored
        old = known[case.id]
        kind = store.stored_case_kind(case.id)
        case = replace(case, split=old.split, source=old.source)
        stored = store.save_case(case, "edited", trainer)  # an approved case stays approved
        replace_case(self.assistant, stored)
        if kind not in (None, "edited") and self.assistant.persist_index:
            # a stored case is part of the saved index's library: keep the saved index in step
            self.assistant.index.save(self.assistant.settings.index_dir)
        return stored

    # -- export and figures --------------------------------------------------------------------
    def export(self, what: str, fmt: str, user: str | None) -> Path:
        self.access.require_trainer(user, "export data")
        if what not in EXPORTS:
            raise InputError(f"Unknown export {what!r}; choose one of {', '.join(EXPORTS)}.")
        if fmt not in FORMATS:
            raise InputError(f"Unknown format {fmt!r}; choose jsonl or parquet.")
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = export_path(f"{what}-{stamp}", f".{fmt}")  # private, unguessable, removed in 1 h
        store = self.assistant.store
        if what == "library":
            rows = [c.to_dict() for c in self.assistant.cases]
        elif what == "approved":
            rows = [c.to_dict() for c in store.approved_cases()]
        else:
            rows = store.rows(what)
        return private_file(write_rows(rows, path))

    def figures(self, by: str, user: str | None) -> list[FigureRow]:
        self.access.require_trainer(user, "see the feedback figures")
        return self.assistant.store.figures(by)

    # -- brand policies and prompts (ui_editors.py) ----------------------------------------------
    def policy_files(self) -> list[str]:
        return editors.policy_files(self.assistant)

    def read_policy(self, name: str, user: str | None) -> str:
        self.access.require_trainer(user, "edit brand policies")
        return editors.read_policy(self.assistant, name)

    def save_policy(self, name: str, text: str, user: str | None) -> list[BrandPolicy]:
        """Validate and save data/brands/<name>.yaml; the running app uses it at once."""
        self.access.require_trainer(user, "edit brand policies")
        return editors.save_policy(self.assistant, name, text)

    def add_brand(self, row: dict, user: str | None) -> BrandPolicy:
        """A new brand's policy from the form: validated, saved, used by the next draft."""
        self.access.require_trainer(user, "add brands")
        return editors.add_brand_policy(self.assistant, row)

    def prompt_files(self) -> list[str]:
        return editors.prompt_files(self.assistant)

    def read_prompt(self, name: str, user: str | None) -> str:
        self.access.require_trainer(user, "edit prompt templates")
        return editors.read_prompt(self.assistant, name)

    def save_prompt(self, name: str, text: str, user: str | None) -> str:
        """Validate (parse and render with sample values) and save an existing template."""
        self.access.require_trainer(user, "edit prompt templates")
        return editors.save_prompt(self.assistant, name, text)
