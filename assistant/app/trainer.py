"""The trainer room page: tone examples, review queue, cases, figures, policies and prompts, export.

Wiring only, one function per tab (the layout is trainer_layout.py); every action is a
`Trainer` method (curation.py), which refuses agents on the server. The page also tells an
agent up front which sections need a trainer (page.py).
"""

from dataclasses import dataclass

import gradio as gr

from assistant.app.common import shows_errors, username
from assistant.app.curation import TONE_FILTERS, Trainer
from assistant.app.review_views import (
    queue_rows,
    tone_rows,
)
from assistant.app.trainer_layout import figures_frame, trainer_layout

PRIVATE = "private"


@dataclass
class TrainerParts:
    tone_filters: list[gr.Dropdown]
    tone_table: gr.Dataframe
    tone_case: gr.Dropdown
    case_pick: gr.Dropdown


def wire_brand_form(trainer: Trainer, form, policy_file) -> None:
    """The "Add a brand" form: validated like `assistant brands add`, used by the next draft."""

    @shows_errors
    def on_add_brand(
        name,
        handle,
        industry,
        remedies,
        currency,
        credit,
        voucher,
        private,
        notes,
        request: gr.Request,
    ):
        row = {
            "brand": name,
            "handle": handle,
            "industry": industry,
            "remedies": list(remedies or []),
            "currency": currency,
            "max_credit": float(credit or 0),
            "max_voucher": float(voucher or 0),
            "private_channel": private,
            "notes": notes,
        }
        policy = trainer.add_brand(row, username(request))
        offers = ", ".join(policy.remedies) or "nothing"
        return (
            f"Added {policy.brand}: agents may offer {offers}; new drafts for it follow this "
            "policy now.",
            gr.update(choices=trainer.policy_files()),
        )

    inputs = [
        form.name,
        form.handle,
        form.industry,
        form.remedies,
        form.currency,
        form.max_credit,
        form.max_voucher,
        form.private,
        form.notes,
    ]
    form.add.click(on_add_brand, inputs, [form.status, policy_file], api_visibility=PRIVATE)


def build_trainer(trainer: Trainer) -> TrainerParts:
    ui = trainer_layout(trainer)
    wire_tone(trainer, ui)
    wire_queue(trainer, ui)
    wire_cases(trainer, ui)
    wire_figures(trainer, ui)
    wire_policies(trainer, ui)
    wire_export(trainer, ui)
    return TrainerParts(ui.tone_filters, ui.tone_table, ui.tone_case, ui.case_pick)


def pick_row(evt: gr.SelectData):
    return evt.row_value[0] if evt.row_value else None


def wire_tone(trainer: Trainer, ui) -> None:
    """Tone examples: the filters narrow the table; a case shows its gold and weak replies."""

    @shows_errors
    def on_filter(*values):
        cases = trainer.tone_examples(**dict(zip(TONE_FILTERS, values, strict=True)))
        ids = [c.id for c in cases]
        return tone_rows(cases), gr.update(choices=ids, value=ids[0] if ids else None)

    @shows_errors
    def on_tone_case(case_id):
        if not case_id:
            return "", gr.update(value="", label="Gold reply"), gr.update(value=""), "", [], []
        view = trainer.tone_example(case_id)
        c = view.case
        gold_label = "Gold reply" + (f" · coach {view.gold_score}" if view.gold_score else "")
        weak_label = f"Weak reply ({c.weak_kind})" + (
            f" · coach {view.weak_score}" if view.weak_score is not None else ""
        )
        return (
            c.complaint,
            gr.update(value=c.reply, label=gold_label),
            gr.update(value=c.weak_reply, label=weak_label),
            c.weak_why,
            view.gold_findings,
            view.weak_findings,
        )

    tone_outputs = [ui.tone_table, ui.tone_case]
    for dropdown in ui.tone_filters:
        dropdown.change(on_filter, ui.tone_filters, tone_outputs, api_visibility=PRIVATE)
    ui.tone_case.change(
        on_tone_case,
        [ui.tone_case],
        [ui.tone_complaint, ui.gold, ui.weak, ui.weak_why, ui.gold_findings, ui.weak_findings],
        api_visibility=PRIVATE,
    )
    ui.tone_table.select(pick_row, None, [ui.tone_case], api_visibility=PRIVATE)


def wire_queue(trainer: Trainer, ui) -> None:
    """Review queue: open a sent reply, then approve it into the library or reject it."""

    @shows_errors
    def on_queue(request: gr.Request):
        return queue_rows(trainer.queue(username(request)))

    @shows_errors
    def on_open(number, request: gr.Request):
        if number is None:
            raise gr.Error("Pick a sent reply from the queue first.")
        detail = trainer.detail(number, username(request))
        d = detail.defaults
        return (
            detail.sent.id,
            detail.sent.complaint or "",
            detail.diff,
            detail.sent.final,
            d["issue"],
            d["industry"],
            d["emotion"],
            d["severity"],
        )

    # The reply whose tags the dropdowns hold: approving another number is refused.
    opened = gr.State(None)
    detail_outputs = [
        opened,
        ui.sent_complaint,
        ui.diff,
        ui.sent_final,
        ui.issue,
        ui.industry,
        ui.emotion,
        ui.severity,
    ]
    ui.refresh_queue.click(on_queue, None, [ui.queue], api_visibility=PRIVATE)
    ui.queue_tab.select(on_queue, None, [ui.queue], api_visibility=PRIVATE)
    ui.queue.select(pick_row, None, [ui.sent_id], api_visibility=PRIVATE).then(
        on_open, [ui.sent_id], detail_outputs, api_visibility=PRIVATE
    )
    ui.open_btn.click(on_open, [ui.sent_id], detail_outputs, api_visibility=PRIVATE)

    @shows_errors
    def on_approve(number, opened_, issue_, industry_, emotion_, severity_, request: gr.Request):
        if number is None:
            raise gr.Error("Pick a sent reply from the queue first.")
        case = trainer.approve(
            number,
            username(request),
            tags_for=opened_,
            issue=issue_,
            industry=industry_,
            emotion=emotion_,
            severity=severity_,
        )
        rows = queue_rows(trainer.queue(username(request)))
        return f"Approved into the library as case {case.id}; retrieval uses it now.", rows

    @shows_errors
    def on_reject(number, why, request: gr.Request):
        if number is None:
            raise gr.Error("Pick a sent reply from the queue first.")
        sent = trainer.reject(number, why or "", username(request))
        rows = queue_rows(trainer.queue(username(request)))
        return f"Rejected #{sent.id}: {sent.note}", rows

    ui.approve_btn.click(
        on_approve,
        [ui.sent_id, opened, ui.issue, ui.industry, ui.emotion, ui.severity],
        [ui.review_status, ui.queue],
        api_visibility=PRIVATE,
    )
    ui.reject_btn.click(
        on_reject, [ui.sent_id, ui.note], [ui.review_status, ui.queue], api_visibility=PRIVATE
    )


def wire_cases(trainer: Trainer, ui) -> None:
    """Cases: edit a library case or start a new one as JSON, validated on save."""

    @shows_errors
    def on_load_case(case_id, request: gr.Request):
        if not case_id:
            raise gr.Error("Pick a case to edit.")
        return trainer.case_json(case_id, username(request))

    @shows_errors
    def on_new_case(request: gr.Request):
        return trainer.new_case_json(username(request))

    @shows_errors
    def on_save_case(text, request: gr.Request):
        case = trainer.save_case(text or "", username(request))
        ids = [c.id for c in trainer.assistant.cases]
        return f"Saved case {case.id}; retrieval uses it now.", gr.update(choices=ids)

    ui.load_case.click(on_load_case, [ui.case_pick], [ui.case_editor], api_visibility=PRIVATE)
    ui.new_case.click(on_new_case, None, [ui.case_editor], api_visibility=PRIVATE)
    ui.save_case.click(
        on_save_case, [ui.case_editor], [ui.case_status, ui.case_pick], api_visibility=PRIVATE
    )


def wire_figures(trainer: Trainer, ui) -> None:
    """Figures: feedback by group, as a table and an acceptance-rate chart."""

    @shows_errors
    def on_figures(group, request: gr.Request):
        rows = trainer.figures(group, username(request))
        table = [
            [
                r.group,
                r.key,
                r.shown,
                r.sent,
                r.accepted,
                r.acceptance_rate,
                r.mean_edit_distance,
                r.mean_coach_score,
                r.fallback_rate,
            ]
            for r in rows
        ]
        return table, figures_frame(rows)

    ui.refresh_figures.click(on_figures, [ui.by], [ui.figures, ui.chart], api_visibility=PRIVATE)
    ui.by.change(on_figures, [ui.by], [ui.figures, ui.chart], api_visibility=PRIVATE)


def wire_policies(trainer: Trainer, ui) -> None:
    """Policies and prompts: edit a brand policy (YAML) or add a brand, edit a prompt template."""

    @shows_errors
    def on_load_policy(name, request: gr.Request):
        return trainer.read_policy(name or "", username(request))

    @shows_errors
    def on_save_policy(name, text, request: gr.Request):
        saved = trainer.save_policy(name or "", text or "", username(request))
        names = ", ".join(p.brand for p in saved)
        return f"Saved {len(saved)} brand(s): {names}. New drafts use them now.", gr.update(
            choices=trainer.policy_files()
        )

    ui.load_policy.click(
        on_load_policy, [ui.policy_file], [ui.policy_editor], api_visibility=PRIVATE
    )
    ui.save_policy.click(
        on_save_policy,
        [ui.policy_file, ui.policy_editor],
        [ui.policy_status, ui.policy_file],
        api_visibility=PRIVATE,
    )

    wire_brand_form(trainer, ui.brand_form, ui.policy_file)

    @shows_errors
    def on_load_prompt(name, request: gr.Request):
        return trainer.read_prompt(name or "", username(request))

    @shows_errors
    def on_save_prompt(name, text, request: gr.Request):
        saved = trainer.save_prompt(name or "", text or "", username(request))
        return f"Saved {saved}; the next draft uses it."

    ui.load_prompt.click(
        on_load_prompt, [ui.prompt_file], [ui.prompt_editor], api_visibility=PRIVATE
    )
    ui.save_prompt.click(
        on_save_prompt,
        [ui.prompt_file, ui.prompt_editor],
        [ui.prompt_status],
        api_visibility=PRIVATE,
    )


def wire_export(trainer: Trainer, ui) -> None:
    """Export: the one public endpoint of the trainer room."""

    @shows_errors
    def export(what_: str, fmt_: str, request: gr.Request):
        """Export the library, approved cases, sent replies, suggestions or ratings (trainers)."""
        return str(trainer.export(what_, fmt_, username(request)))

    # Public: gradio_client downloads the file this returns (see docs/app.md).
    ui.export_btn.click(export, [ui.what, ui.fmt], [ui.export_file], api_name="export")
