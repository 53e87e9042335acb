"""The trainer room page: tone examples, review queue, cases, figures, policies and prompts, export.

Layout and wiring only; every action is a `Trainer` method (ui_curation.py), which refuses
agents on the server. The page also tells an agent up front which sections need a trainer.
"""

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from assistant.app.common import shows_errors, username
from assistant.app.curation import ANY, EXPORTS, FORMATS, TONE_FILTERS, Trainer
from assistant.app.review_views import (
    FINDING_HEADERS,
    QUEUE_HEADERS,
    TONE_HEADERS,
    queue_rows,
    tone_rows,
)
from assistant.library.vocabulary import EMOTIONS, INDUSTRIES, ISSUES
from assistant.store.figures import GROUPS

PRIVATE = "private"
DIFF_COLORS = {"+": "#16a34a", "-": "#dc2626"}
FIGURE_HEADERS = [
    "group",
    "key",
    "shown",
    "sent",
    "accepted",
    "acceptance rate",
    "mean edit distance",
    "mean coach score",
    "fallback rate",
]


@dataclass
class TrainerParts:
    tone_filters: list[gr.Dropdown]
    tone_table: gr.Dataframe
    tone_case: gr.Dropdown
    case_pick: gr.Dropdown


def figures_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [[r.key, r.acceptance_rate or 0.0, r.shown] for r in rows],
        columns=["key", "acceptance rate", "shown"],
    )


def build_trainer(trainer: Trainer) -> TrainerParts:
    choices = trainer.filter_choices()
    with gr.Tabs():
        # -- tone examples -------------------------------------------------------------------
        with gr.Tab("Tone examples", id="tone"):
            with gr.Row():
                tone_filters = [
                    gr.Dropdown(choices[name], value=ANY, label=name, min_width=120)
                    for name in TONE_FILTERS
                ]
            tone_table = gr.Dataframe(
                headers=TONE_HEADERS,
                interactive=False,
                wrap=True,
                max_height=240,
                label="Cases with a weak reply to contrast (click a row)",
                column_widths=["10%", "14%", "9%", "8%", "14%", "11%", "34%"],
                elem_id="tone-table",
            )
            tone_case = gr.Dropdown([], label="Case", filterable=True, elem_id="tone-case")
            tone_complaint = gr.Textbox(label="Complaint", interactive=False, lines=2)
            with gr.Row(equal_height=True):
                gold = gr.Textbox(label="Gold reply", interactive=False, lines=4, elem_id="gold")
                weak = gr.Textbox(label="Weak reply", interactive=False, lines=4, elem_id="weak")
            weak_why = gr.Textbox(label="Why the weak reply falls short (trainer)", lines=2)
            with gr.Row(equal_height=False):
                gold_findings = gr.Dataframe(
                    headers=FINDING_HEADERS,
                    label="Coach on the gold reply",
                    wrap=True,
                    interactive=False,
                    max_height=260,
                )
                weak_findings = gr.Dataframe(
                    headers=FINDING_HEADERS,
                    label="Coach on the weak reply",
                    wrap=True,
                    interactive=False,
                    max_height=260,
                )

        # -- review queue ----------------------------------------------------------------------
        with gr.Tab("Review queue", id="queue") as queue_tab:
            refresh_queue = gr.Button("Refresh queue", size="sm", elem_id="refresh-queue")
            queue = gr.Dataframe(
                headers=QUEUE_HEADERS,
                interactive=False,
                wrap=True,
                max_height=260,
                label="Sent replies waiting for review (click a row)",
                column_widths=["5%", "13%", "8%", "14%", "8%", "8%", "8%", "36%"],
                elem_id="queue",
            )
            with gr.Row():
                sent_id = gr.Number(label="Sent reply #", precision=0, elem_id="sent-id")
                open_btn = gr.Button("Open", size="sm", elem_id="open-sent")
            sent_complaint = gr.Textbox(label="Complaint", interactive=False, lines=2)
            with gr.Row(equal_height=False):
                diff = gr.HighlightedText(
                    label="Changes from the suggestion (- removed, + added by the agent)",
                    color_map=DIFF_COLORS,
                    show_legend=False,
                    combine_adjacent=True,
                    elem_id="diff",
                )
                sent_final = gr.Textbox(
                    label="Sent reply", interactive=False, lines=4, elem_id="sent-final"
                )
            with gr.Row():
                issue = gr.Dropdown(list(ISSUES), label="issue")
                industry = gr.Dropdown(list(INDUSTRIES), label="industry")
                emotion = gr.Dropdown(list(EMOTIONS), label="emotion")
                severity = gr.Dropdown([1, 2, 3], label="severity")
            with gr.Row():
                approve_btn = gr.Button(
                    "Approve into the library", variant="primary", elem_id="approve"
                )
                note = gr.Textbox(
                    show_label=False,
                    placeholder="Why reject? (required)",
                    scale=2,
                    elem_id="reject-note",
                )
                reject_btn = gr.Button("Reject", variant="stop", elem_id="reject")
            review_status = gr.Textbox(label="Result", interactive=False, elem_id="review-status")

        # -- cases -----------------------------------------------------------------------------
        with gr.Tab("Cases", id="cases"):
            with gr.Row():
                case_pick = gr.Dropdown(
                    [], label="Case", filterable=True, scale=3, elem_id="case-pick"
                )
                load_case = gr.Button("Edit", size="sm")
                new_case = gr.Button("New case", size="sm")
            case_editor = gr.Code(language="json", label="Case (JSON)", lines=18, max_lines=30)
            save_case = gr.Button("Validate and save", variant="primary")
            case_status = gr.Textbox(label="Result", interactive=False)

        # -- figures ---------------------------------------------------------------------------
        with gr.Tab("Figures", id="figures"):
            with gr.Row():
                by = gr.Radio(list(GROUPS), value="agent", label="By")
                refresh_figures = gr.Button("Refresh", size="sm")
            figures = gr.Dataframe(headers=FIGURE_HEADERS, interactive=False, label="Feedback")
            chart = gr.BarPlot(
                figures_frame([]),
                x="key",
                y="acceptance rate",
                y_lim=[0, 1],
                label="Acceptance rate (sent with small edits / shown)",
            )

        # -- policies and prompts ----------------------------------------------------------------
        with gr.Tab("Policies & prompts", id="policies"):
            with gr.Row():
                policy_file = gr.Dropdown(
                    trainer.policy_files(), label="Brand policy file", allow_custom_value=True
                )
                load_policy = gr.Button("Open", size="sm")
            policy_editor = gr.Code(language="yaml", label="Policy (YAML)", lines=14)
            save_policy = gr.Button("Validate and save policy", variant="primary")
            policy_status = gr.Textbox(label="Result", interactive=False)
            with gr.Row():
                prompt_file = gr.Dropdown(trainer.prompt_files(), label="Prompt template")
                load_prompt = gr.Button("Open", size="sm")
            prompt_editor = gr.Code(language="jinja2", label="Template (Jinja)", lines=10)
            save_prompt = gr.Button("Validate and save template", variant="primary")
            prompt_status = gr.Textbox(label="Result", interactive=False)

        # -- export ----------------------------------------------------------------------------
        with gr.Tab("Export", id="export"):
            with gr.Row():
                what = gr.Radio(list(EXPORTS), value="library", label="What")
                fmt = gr.Radio(list(FORMATS), value="jsonl", label="Format")
            export_btn = gr.Button("Export", variant="primary", elem_id="export")
            export_file = gr.File(label="Download", interactive=False)

    # -- handlers --------------------------------------------------------------------------------
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
