"""The agent desk's actions as plain functions of an `Assistant`: no Gradio here.

The page (`ui_desk.py`) and the API (`ui_api.py`) are thin wrappers over `Desk`, so every action
is tested without a browser on the fakes in `testing.py`. Values come back as dataclasses whose
fields are what the page shows: rows for tables, (text, label) pairs for highlighted text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from assistant.app.auth import Access
from assistant.app.coaching import CoachView, Fix, apply_fix, coach_view, fix_for
from assistant.coach.analysis import Analysis
from assistant.drafting.types import Suggestion
from assistant.errors import AccessDenied, InputError
from assistant.library.cases import Match
from assistant.service import Assistant
from assistant.store.records import ShownSuggestion
from assistant.text.inputs import check_text, clean_name, whole_number

REWRITE_LABELS = {
    "warmer": "Warmer",
    "shorter": "Shorter",
    "formal": "More formal",
    "ownership": "More ownership",
    "no_policy_speak": "No policy-speak",
    "translate": "Translate",
}
CASE_HEADERS = ["similarity", "case", "past complaint", "past reply", "why it was chosen"]


# -- values ---------------------------------------------------------------------------------------
@dataclass
class DraftView:
    text: str
    example_id: str | None
    cases: list[list]  # rows of CASE_HEADERS, the draft's own example first


@dataclass
class DraftResult:
    suggestion_id: int
    suggestion: Suggestion
    drafts: list[DraftView]
    badges: list[tuple[str, str]]
    coach: CoachView
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "suggestion_id": self.suggestion_id,
            **self.suggestion.to_dict(),
            "drafts": [asdict(d) for d in self.drafts],
            "badges": [list(b) for b in self.badges],
            "coach": self.coach.to_dict(),
        }


# -- pure views -----------------------------------------------------------------------------------
def analysis_badges(analysis: Analysis) -> list[tuple[str, str]]:
    """The analysis as (text, kind) badges: emotion, urgency, language, public risk, kind,
    severity, then one per sensitive flag and per kind of private data in the message."""
    badges = [
        (analysis.top_emotion, "emotion"),
        (f"{analysis.urgency} urgency", "urgency"),
        (analysis.language, "language"),
        (f"{analysis.public_risk} public risk", "public risk"),
        (analysis.kind, "kind"),
    ]
    severity = getattr(analysis, "severity", None)
    if severity:
        badges.append((f"severity {severity}", "severity"))
    badges += [(flag.replace("_", " "), "sensitive") for flag in analysis.sensitive]
    badges += [(f"contains {kind}", "private data") for kind in analysis.private_data]
    return badges


def why_chosen(match: Match, rank: int, request_brand: str | None, channel: str, own: bool) -> str:
    case = match.case
    reasons = [f"#{rank} by meaning (similarity {match.score:.2f})"]
    if own:
        reasons.insert(0, "this draft adapts its reply")
    if case.channel == channel:
        reasons.append(f"same channel ({channel})")
    if request_brand and case.brand == request_brand:
        reasons.append("same brand")
    reasons.append(f"same issue type: {case.issue.replace('_', ' ')}")
    if case.source == "approved":
        reasons.append("approved by a trainer")
    return "; ".join(reasons)


def case_rows(
    matches: list[Match], own_id: str | None, brand: str | None, channel: str
) -> list[list]:
    """The cited cases for one draft, its own example first."""
    ranked = list(enumerate(matches, 1))
    ranked.sort(key=lambda item: item[1].case.id != own_id)
    return [
        [
            round(m.score, 2),
            m.case.id,
            m.case.complaint,
            m.case.reply,
            why_chosen(m, rank, brand, channel, m.case.id == own_id),
        ]
        for rank, m in ranked
    ]


def draft_views(suggestion: Suggestion, brand: str | None, channel: str) -> list[DraftView]:
    """One view per distinct draft (candidates can coincide), each with the case it adapted."""
    own: dict[str, str | None] = {}
    for c in sorted(suggestion.candidates, key=lambda c: (not c.passed, -c.score)):
        own.setdefault(c.text.strip(), c.example_id)
    views, seen = [], set()
    for text in [suggestion.draft, *suggestion.alternatives]:
        if text.strip() in seen:
            continue
        seen.add(text.strip())
        example = own.get(text.strip())  # None for a fallback (template or stripped example)
        views.append(DraftView(text, example, case_rows(suggestion.cases, example, brand, channel)))
    return views


# -- the desk -------------------------------------------------------------------------------------
class Desk:
    """The agent desk's actions; `agent` is the signed-in user (or the signature when local)."""

    def __init__(self, assistant: Assistant, access: Access | None = None):
        self.assistant = assistant
        self.access = access or Access()

    def _shown(self, suggestion_id, user: str | None) -> ShownSuggestion:
        """The stored suggestion, if it is the user's own: a suggestion belongs to the agent it
        was drafted for; other agents are refused, trainers may read all."""
        number = whole_number(suggestion_id, "suggestion_id", minimum=1)
        shown = self.assistant.store.suggestion(number)
        if self.access.enabled and shown.agent != user:
            if self.access.role(user) != "trainer":
                raise AccessDenied(
                    f"Suggestion {number} was drafted for another agent; you can send and rate "
                    "only your own suggestions."
                )
        return shown

    def channel_limit(self, channel: str) -> int:
        return self.assistant.policies.channel(channel).limit

    def brands(self) -> list[str]:
        return sorted(self.assistant.policies.brands)

    def channels(self) -> list[str]:
        return list(self.assistant.policies.channels)

    def recognise_brand(
        self, complaint: str, current_brand: str | None, suggested: str | None = None
    ) -> tuple[str | None, str]:
        """(the brand the brand box should hold, a one-line note or "") as the complaint is
        typed: the brand named by the complaint's @handle or full name when the box is empty.

        A brand the agent chose is kept, never overridden. `suggested` is the brand this
        method filled in earlier: while the box still holds it, it follows the complaint (a
        longer handle, another brand, or None when the complaint no longer names one).
        """
        current_brand = current_brand or None
        if current_brand is not None and current_brand != suggested:
            return current_brand, ""  # the agent's own choice
        try:
            check_text(complaint, "complaint", "complaint", optional=True)
        except InputError:  # drafting says what is wrong with it; nothing to recognise here
            return current_brand, ""
        found = self.assistant.policies.recognised_from(complaint or "")
        if found is None:
            return None, ""
        brand, evidence = found
        if brand == current_brand:
            return brand, ""  # already shown, and said so
        evidence = " ".join(evidence.split())
        source = evidence if evidence.startswith("@") else f'the name "{evidence}"'
        return brand, f"Brand: {brand}, recognised from {source} — change it if that is wrong"

    def review(self, reply: str, complaint: str, channel: str, brand: str | None, customer):
        """coaching.Review of `reply`, or None when the coach module is not installed."""
        check_text(reply, "reply", "reply")
        check_text(complaint, "complaint", "complaint")
        if not reply.strip() or not complaint.strip():
            return None
        try:
            return self.assistant.coach(reply, complaint, channel, brand or None, customer or None)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith("coaching"):
                return None
            raise

    def coach(
        self,
        reply: str,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
    ) -> CoachView:
        check_text(channel, "channel", "name")
        limit = self.channel_limit(channel)
        review = self.review(reply or "", complaint or "", channel, brand, customer)
        return coach_view(review, reply or "", limit, channel)

    def draft(
        self,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
        signature: str | None = None,
        user: str | None = None,
    ) -> Iterator[str | DraftResult]:
        """Yield the first draft's text as it is written, then the stored DraftResult.

        `signature` is the name the drafts sign with; `user` the signed-in agent the feedback
        is recorded for (the signature when nobody signs in).
        """
        check_text(complaint, "complaint", "complaint", optional=True)
        if not complaint or not complaint.strip():
            raise InputError("The complaint is empty. Paste the customer's message first.")
        brand = check_text(brand, "brand name", "brand", optional=True) or None
        customer, signature = clean_name(customer, "customer"), clean_name(signature, "agent")
        suggestion = None
        for item in self.assistant.suggest_stream(complaint, channel, brand, customer, signature):
            if isinstance(item, Suggestion):
                suggestion = item
            else:
                yield item
        if suggestion is None:  # the pipeline always ends with a Suggestion; guard the contract
            raise InputError("Drafting ended without a suggestion; try again.")
        yield self.finish(suggestion, complaint, channel, brand, customer, user or signature)

    def suggest(
        self,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
        signature: str | None = None,
        user: str | None = None,
    ) -> DraftResult:
        """`draft` without streaming: the stored DraftResult only."""
        result = None
        for item in self.draft(complaint, channel, brand, customer, signature, user):
            result = item
        return result

    def finish(self, suggestion, complaint, channel, brand, customer, agent) -> DraftResult:
        drafts = draft_views(suggestion, brand, channel)
        suggestion_id = self.assistant.store.record_suggestion(
            complaint,
            channel,
            brand,
            [d.text for d in drafts],
            [m.case.id for m in suggestion.cases],
            suggestion.model,
            suggestion.fallback,
            customer=customer,
            agent=agent,
        )
        coach = self.coach(suggestion.draft, complaint, channel, brand, customer)
        return DraftResult(
            suggestion_id,
            suggestion,
            drafts,
            analysis_badges(suggestion.analysis),
            coach,
            list(suggestion.notes),
        )

    def rewrite(
        self,
        action: str,
        reply: str,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
    ):
        """rewrite.RewriteResult for one of rewrite.ACTIONS."""
        check_text(reply, "reply", "reply", optional=True)
        if not reply or not reply.strip():
            raise InputError("The reply is empty: draft or write one before rewriting it.")
        return self.assistant.rewrite(
            action, reply, complaint, channel, brand or None, customer or None
        )

    def fix(
        self,
        fix: Fix,
        reply: str,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
    ) -> str:
        """The reply with one fix applied: a sentence put in place, or a whole rewrite."""
        if fix.place == "rewrite":
            return self.rewrite(fix.action, reply, complaint, channel, brand, customer).text
        return apply_fix(reply, fix)

    def fix_check(
        self,
        check: str,
        reply: str,
        complaint: str,
        channel: str,
        brand: str | None = None,
        customer: str | None = None,
    ) -> str:
        """Coach `reply` and apply the one-click fix of its failed `check`."""
        check_text(check, "check name", "name")
        review = self.review(reply or "", complaint or "", channel, brand, customer)
        finding = review.finding(check) if review is not None else None
        fix = fix_for(finding) if finding is not None else None
        if fix is None:
            offered = [f.check for f in (review.findings if review else []) if fix_for(f)]
            raise InputError(
                f"No one-click fix for {check!r} on this reply; fixes offered now: "
                f"{', '.join(offered) or 'none'}."
            )
        return self.fix(fix, reply, complaint, channel, brand, customer)

    def send(
        self,
        final: str,
        suggestion_id: int | None,
        draft_index: int = 0,
        complaint: str | None = None,
        channel: str | None = None,
        brand: str | None = None,
        customer: str | None = None,
        agent: str | None = None,
    ):
        """Mark `final` as sent: stores it with its edit distance to the draft the agent started
        from (`draft_index`), its coach score and the seconds since the drafts were shown."""
        check_text(final, "reply", "reply")
        store = self.assistant.store
        suggested = None
        draft_index = whole_number(draft_index, "draft_index")
        if suggestion_id is not None:
            shown = self._shown(suggestion_id, agent)
            suggestion_id = shown.id
            if not 0 <= draft_index < len(shown.drafts):
                raise InputError(
                    f"draft_index {draft_index} is not one of the {len(shown.drafts)} drafts shown."
                )
            suggested = shown.drafts[draft_index]
            complaint = complaint or shown.complaint
            channel = channel or shown.channel
            brand = brand if brand else shown.brand
            customer = customer or shown.customer
        if not complaint or not channel:
            raise InputError("Sending needs the complaint and channel (or a suggestion_id).")
        review = self.review(final or "", complaint, channel, brand, customer)
        return store.record_sent(
            final,
            suggestion_id=int(suggestion_id) if suggestion_id is not None else None,
            suggested=suggested,
            coach_score=float(review.score) if review is not None else None,
            agent=agent or None,
            complaint=complaint,
            channel=channel,
            brand=brand or None,
            customer=customer or None,
        )

    def rate(
        self,
        suggestion_id: int,
        draft_index: int,
        thumb: int,
        reason: str = "",
        agent: str | None = None,
    ):
        shown = self._shown(suggestion_id, agent)
        draft_index = whole_number(draft_index, "draft_index")
        thumb = whole_number(thumb, "thumb", minimum=-1)
        if not 0 <= draft_index < len(shown.drafts):
            raise InputError(
                f"draft_index {draft_index} is not one of the {len(shown.drafts)} drafts shown."
            )
        return self.assistant.store.rate(
            shown.id, draft_index, shown.drafts[draft_index], thumb, reason, agent
        )
