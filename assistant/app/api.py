"""Named API endpoints for scripts (gradio_client): JSON in, JSON out, one per action.

Each endpoint calls the same `Desk`/`Trainer` method as the page, so the trainer-only ones are
refused for agents here too. docs/app.md shows one gradio_client call and one Python call each.
"""

import gradio as gr

from assistant.app.auth import Access
from assistant.app.common import brand_value, shows_errors, username
from assistant.app.curation import Trainer
from assistant.app.handlers import Desk


def register_api(desk: Desk, trainer: Trainer, access: Access) -> list[str]:
    """Register every endpoint in the current gr.Blocks; returns their names."""
    desk_names = register_desk_api(desk)
    trainer_names = register_trainer_api(trainer)
    return desk_names + trainer_names + ["export"]


def _register(endpoints: list) -> list[str]:
    """Name each function's endpoint after the function; returns the names in order."""
    for fn in endpoints:
        gr.api(fn, api_name=fn.__name__)
    return [fn.__name__ for fn in endpoints]


def register_desk_api(desk: Desk) -> list[str]:
    """The agent desk's endpoints: suggest, analyse, coach, rewrite, fix, send, rate."""
    assistant = desk.assistant

    @shows_errors
    def suggest(
        complaint: str,
        channel: str = "twitter",
        brand: str = "",
        customer: str = "",
        signature: str = "",
        request: gr.Request = None,
    ) -> dict:
        """Draft up to three replies; returns drafts, cited cases, analysis, coaching and the
        suggestion_id to pass to /send and /rate."""
        result = desk.suggest(
            complaint, channel, brand_value(brand), customer, signature, username(request)
        )
        return result.to_dict()

    @shows_errors
    def analyse(complaint: str, channel: str = "twitter") -> dict:
        """Language, emotions, sensitive flags, urgency and public risk of a complaint."""
        return assistant.analyse(complaint, channel).to_dict()

    @shows_errors
    def coach(
        reply: str, complaint: str, channel: str = "twitter", brand: str = "", customer: str = ""
    ) -> dict:
        """Score a reply against the recovery checklist: score, findings, fixes, counter."""
        return desk.coach(reply, complaint, channel, brand_value(brand), customer).to_dict()

    @shows_errors
    def rewrite(
        action: str,
        reply: str,
        complaint: str,
        channel: str = "twitter",
        brand: str = "",
        customer: str = "",
    ) -> dict:
        """Rewrite a reply: warmer, shorter, formal, ownership, no_policy_speak or translate."""
        return desk.rewrite(
            action, reply, complaint, channel, brand_value(brand), customer
        ).to_dict()

    @shows_errors
    def fix(
        check: str,
        reply: str,
        complaint: str,
        channel: str = "twitter",
        brand: str = "",
        customer: str = "",
    ) -> str:
        """Apply the one-click fix of a failed check (e.g. "empathy"); returns the new reply."""
        return desk.fix_check(check, reply, complaint, channel, brand_value(brand), customer)

    @shows_errors
    def send(
        final: str,
        suggestion_id: int | None = None,
        draft_index: int = 0,
        complaint: str = "",
        channel: str = "",
        brand: str = "",
        customer: str = "",
        request: gr.Request = None,
    ) -> dict:
        """Mark a reply as sent: stores it with edit distance, coach score and time to send."""
        sent = desk.send(
            final,
            suggestion_id,
            int(draft_index),
            complaint or None,
            channel or None,
            brand_value(brand),
            customer or None,
            username(request),
        )
        return sent.to_dict()

    @shows_errors
    def rate(
        suggestion_id: int,
        draft_index: int,
        thumb: int,
        reason: str = "",
        request: gr.Request = None,
    ) -> dict:
        """Thumbs up (1) or down (-1) on one of the drafts shown, with an optional reason."""
        return desk.rate(suggestion_id, draft_index, thumb, reason, username(request)).to_dict()

    return _register([suggest, analyse, coach, rewrite, fix, send, rate])


def register_trainer_api(trainer: Trainer) -> list[str]:
    """The trainer room's endpoints; export is registered with its button (trainer.py)."""

    @shows_errors
    def tone_examples(
        industry: str = "any",
        issue: str = "any",
        emotion: str = "any",
        channel: str = "any",
        language: str = "any",
        sensitive: str = "any",
    ) -> list[dict]:
        """Gold and weak replies side by side with the trainer's rationale, filtered."""
        cases = trainer.tone_examples(
            industry=industry,
            issue=issue,
            emotion=emotion,
            channel=channel,
            language=language,
            sensitive=sensitive,
        )
        return [c.to_dict() for c in cases]

    @shows_errors
    def review_queue(request: gr.Request = None) -> list[dict]:
        """Sent replies waiting for a trainer's decision (trainers only)."""
        return [r.to_dict() for r in trainer.queue(username(request))]

    @shows_errors
    def approve(
        sent_id: int,
        issue: str = "",
        industry: str = "",
        emotion: str = "",
        severity: int = 0,
        request: gr.Request = None,
    ) -> dict:
        """Approve a sent reply into the library (trainers only); the index learns it at once."""
        case = trainer.approve(
            sent_id,
            username(request),
            tags_for=sent_id,  # the call names the reply and its tags together
            issue=issue or None,
            industry=industry or None,
            emotion=emotion or None,
            severity=severity or None,
        )
        return case.to_dict()

    @shows_errors
    def reject(sent_id: int, note: str, request: gr.Request = None) -> dict:
        """Reject a sent reply with a note (trainers only)."""
        return trainer.reject(sent_id, note, username(request)).to_dict()

    @shows_errors
    def save_case(case_json: str, request: gr.Request = None) -> dict:
        """Add a case (new id) or edit one (known id) from its JSON (trainers only)."""
        return trainer.save_case(case_json, username(request)).to_dict()

    @shows_errors
    def figures(by: str = "agent", request: gr.Request = None) -> list[dict]:
        """Acceptance rate, mean edit distance, coach score and fallback rate by agent, brand
        or week (trainers only)."""
        return [r.to_dict() for r in trainer.figures(by, username(request))]

    @shows_errors
    def save_policy(file_name: str, yaml_text: str, request: gr.Request = None) -> list[str]:
        """Validate and save data/brands/<file_name>.yaml (trainers only); returns its brands."""
        return [p.brand for p in trainer.save_policy(file_name, yaml_text, username(request))]

    @shows_errors
    def save_prompt(file_name: str, template: str, request: gr.Request = None) -> str:
        """Validate and save prompts/<file_name> (trainers only)."""
        return trainer.save_prompt(file_name, template, username(request))

    return _register(
        [
            tone_examples,
            review_queue,
            approve,
            reject,
            save_case,
            figures,
            save_policy,
            save_prompt,
        ]
    )
