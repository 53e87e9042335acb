"""The trainer room page: tone examples, review queue, cases, figures, policies and prompts, export.

Layout and wiring only; every action is a `Trainer` method (ui_curation.py), which refuses
agents on the server. The page also tells an agent up front which sections need a trainer.
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
    (
        tone_filters,
        tone_table,
        tone_case,
        tone_complaint,
        gold,
        weak,
        weak_why,
        gold_findings,
        weak_findings,
        refresh_queue,
        queue,
        sent_id,
        open_btn,
        sent_complaint,
        diff,
        sent_final,
        issue,
        industry,
        emotion,
        severity,
        approve_btn,
        note,
        reject_btn,
        review_status,
        case_pick,
        load_case,
        new_case,
        case_editor,
        save_case,
        case_status,
        by,
        refresh_figures,
        figures,
        chart,
        policy_file,
        load_policy,
        policy_editor,
        save_policy,
        policy_status,
        prompt_file,
        load_prompt,
        prompt_editor,
        save_prompt,
        prompt_status,
        what,
        fmt,
        export_btn,
        export_file,
        queue_tab,
    ) = (
        ui.tone_filters,
        ui.tone_table,
        ui.tone_case,
        ui.tone_complaint,
        ui.gold,
        ui.weak,
        ui.weak_why,
        ui.gold_findings,
        ui.weak_findings,
        ui.refresh_queue,
        ui.queue,
        ui.sent_id,
        ui.open_btn,
        ui.sent_complaint,
        ui.diff,
        ui.sent_final,
        ui.issue,
        ui.industry,
        ui.emotion,
        ui.severity,
        ui.approve_btn,
        ui.note,
        ui.reject_btn,
        ui.review_status,
        ui.case_pick,
        ui.load_case,
        ui.new_case,
        ui.case_editor,
        ui.save_case,
        ui.case_status,
        ui.by,
        ui.refresh_figures,
        ui.figures,
        ui.chart,
        ui.policy_file,
        ui.load_policy,
        ui.policy_editor,
        ui.save_policy,
        ui.policy_status,
        ui.prompt_file,
        ui.load_prompt,
        ui.prompt_editor,
        ui.save_prompt,
        ui.prompt_status,
        ui.what,
        ui.fmt,
        ui.export_btn,
        ui.export_file,
        ui.queue_tab,
    )

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

    def pick_row(evt: gr.SelectData):
        return evt.row_value[0] if evt.row_value else None

    tone_outputs = [tone_table, tone_case]
    for dropdown in tone_filters:
        dropdown.change(on_filter, tone_filters, tone_outputs, api_visibility=PRIVATE)
    tone_case.change(
        on_tone_case,
        [tone_case],
        [tone_complaint, gold, weak, weak_why, gold_findings, weak_findings],
        api_visibility=PRIVATE,
    )
    tone_table.select(pick_row, None, [tone_case], api_visibility=PRIVATE)

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
    detail_outputs = [opened, sent_complaint, diff, sent_final, issue, industry, emotion, severity]
    refresh_queue.click(on_queue, None, [queue], api_visibility=PRIVATE)
    queue_tab.select(on_queue, None, [queue], api_visibility=PRIVATE)
    queue.select(pick_row, None, [sent_id], api_visibility=PRIVATE).then(
        on_open, [sent_id], detail_outputs, api_visibility=PRIVATE
    )
    open_btn.click(on_open, [sent_id], detail_outputs, api_visibility=PRIVATE)

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

    approve_btn.click(
        on_approve,
        [sent_id, opened, issue, industry, emotion, severity],
        [review_status, queue],
        api_visibility=PRIVATE,
    )
    reject_btn.click(on_reject, [sent_id, note], [review_status, queue], api_visibility=PRIVATE)

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

    load_case.click(on_load_case, [case_pick], [case_editor], api_visibility=PRIVATE)
    new_case.click(on_new_case, None, [case_editor], api_visibility=PRIVATE)
    save_case.click(on_save_case, [case_editor], [case_status, case_pick], api_visibility=PRIVATE)

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

    refresh_figures.click(on_figures, [by], [figures, chart], api_visibility=PRIVATE)
    by.change(on_figures, [by], [figures, chart], api_visibility=PRIVATE)

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

    load_policy.click(on_load_policy, [policy_file], [policy_editor], api_visibility=PRIVATE)
    save_policy.click(
        on_save_policy,
        [policy_file, policy_editor],
        [policy_status, policy_file],
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

    load_prompt.click(on_load_prompt, [prompt_file], [prompt_editor], api_visibility=PRIVATE)
    save_prompt.click(
        on_save_prompt, [prompt_file, prompt_editor], [prompt_status], api_visibility=PRIVATE
    )

    @shows_errors
    def export(what_: str, fmt_: str, request: gr.Request):
        """Export the library, approved cases, sent replies, suggestions or ratings (trainers)."""
        return str(trainer.export(what_, fmt_, username(request)))

    # Public: gradio_client downloads the file this returns (see docs/app.md).
    export_btn.click(export, [what, fmt], [export_file], api_name="export")
    return TrainerParts(tone_filters, tone_table, tone_case, case_pick)
