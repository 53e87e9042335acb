"""The trainer room's components laid out (no events), one builder per tab.

Tabs: tone examples, review queue, cases, figures, policies and prompts, export.
"""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pandas as pd

from assistant.app.curation import ANY, EXPORTS, FORMATS, TONE_FILTERS, Trainer
from assistant.app.review_views import (
    FINDING_HEADERS,
    QUEUE_HEADERS,
    TONE_HEADERS,
)
from assistant.library.vocabulary import EMOTIONS, INDUSTRIES, ISSUES
from assistant.store.figures import GROUPS


def trainer_layout(trainer: Trainer) -> SimpleNamespace:
    """Every component of the trainer room, laid out in the current gr.Blocks (no events)."""
    choices = trainer.filter_choices()
    with gr.Tabs():
        tone = _tone_tab(choices)
        queue = _queue_tab()
        cases = _cases_tab()
        figures = _figures_tab()
        policies = _policies_tab(trainer)
        export = _export_tab()
    return SimpleNamespace(
        choices=choices, **tone, **queue, **cases, **figures, **policies, **export
    )


def _tone_tab(choices: dict[str, list[str]]) -> dict:
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
    return {
        "tone_filters": tone_filters,
        "tone_table": tone_table,
        "tone_case": tone_case,
        "tone_complaint": tone_complaint,
        "gold": gold,
        "weak": weak,
        "weak_why": weak_why,
        "gold_findings": gold_findings,
        "weak_findings": weak_findings,
    }


def _queue_tab() -> dict:
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
    return {
        "queue_tab": queue_tab,
        "refresh_queue": refresh_queue,
        "queue": queue,
        "sent_id": sent_id,
        "open_btn": open_btn,
        "sent_complaint": sent_complaint,
        "diff": diff,
        "sent_final": sent_final,
        "issue": issue,
        "industry": industry,
        "emotion": emotion,
        "severity": severity,
        "approve_btn": approve_btn,
        "note": note,
        "reject_btn": reject_btn,
        "review_status": review_status,
    }


def _cases_tab() -> dict:
    with gr.Tab("Cases", id="cases"):
        with gr.Row():
            case_pick = gr.Dropdown([], label="Case", filterable=True, scale=3, elem_id="case-pick")
            load_case = gr.Button("Edit", size="sm")
            new_case = gr.Button("New case", size="sm")
        case_editor = gr.Code(language="json", label="Case (JSON)", lines=18, max_lines=30)
        save_case = gr.Button("Validate and save", variant="primary")
        case_status = gr.Textbox(label="Result", interactive=False)
    return {
        "case_pick": case_pick,
        "load_case": load_case,
        "new_case": new_case,
        "case_editor": case_editor,
        "save_case": save_case,
        "case_status": case_status,
    }


def _figures_tab() -> dict:
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
    return {"by": by, "refresh_figures": refresh_figures, "figures": figures, "chart": chart}


def _policies_tab(trainer: Trainer) -> dict:
    with gr.Tab("Policies & prompts", id="policies"):
        with gr.Row():
            policy_file = gr.Dropdown(
                trainer.policy_files(), label="Brand policy file", allow_custom_value=True
            )
            load_policy = gr.Button("Open", size="sm")
        policy_editor = gr.Code(language="yaml", label="Policy (YAML)", lines=14)
        save_policy = gr.Button("Validate and save policy", variant="primary")
        policy_status = gr.Textbox(label="Result", interactive=False)
        brand_form = brand_form_layout()
        with gr.Row():
            prompt_file = gr.Dropdown(trainer.prompt_files(), label="Prompt template")
            load_prompt = gr.Button("Open", size="sm")
        prompt_editor = gr.Code(language="jinja2", label="Template (Jinja)", lines=10)
        save_prompt = gr.Button("Validate and save template", variant="primary")
        prompt_status = gr.Textbox(label="Result", interactive=False)
    return {
        "policy_file": policy_file,
        "load_policy": load_policy,
        "policy_editor": policy_editor,
        "save_policy": save_policy,
        "policy_status": policy_status,
        "brand_form": brand_form,
        "prompt_file": prompt_file,
        "load_prompt": load_prompt,
        "prompt_editor": prompt_editor,
        "save_prompt": save_prompt,
        "prompt_status": prompt_status,
    }


def _export_tab() -> dict:
    with gr.Tab("Export", id="export"):
        with gr.Row():
            what = gr.Radio(list(EXPORTS), value="library", label="What")
            fmt = gr.Radio(list(FORMATS), value="jsonl", label="Format")
        export_btn = gr.Button("Export", variant="primary", elem_id="export")
        export_file = gr.File(label="Download", interactive=False)
    return {"what": what, "fmt": fmt, "export_btn": export_btn, "export_file": export_file}


def brand_form_layout() -> SimpleNamespace:
    """A form for a new brand's policy: what a trainer knows, no YAML."""
    from assistant.library.policy import CURRENCIES, REMEDIES
    from assistant.library.vocabulary import INDUSTRIES

    with gr.Accordion("Add a brand", open=False, elem_id="add-brand"):
        with gr.Row():
            name = gr.Textbox(label="Brand name, as customers write it", elem_id="brand-name")
            handle = gr.Textbox(label="@handle (optional)", elem_id="brand-handle")
            industry = gr.Dropdown(list(INDUSTRIES), label="Industry", elem_id="brand-industry")
        remedies = gr.CheckboxGroup(
            list(REMEDIES), value=["refund_review", "escalation"], label="What agents may offer"
        )
        with gr.Row():
            currency = gr.Dropdown(list(CURRENCIES), value="EUR", label="Currency")
            max_credit = gr.Number(value=0, minimum=0, label="Most credit without escalation")
            max_voucher = gr.Number(value=0, minimum=0, label="Most voucher")
            private = gr.Textbox(value="DM", label="Private channel (DM, e-mail...)")
        notes = gr.Textbox(label="What agents may not promise (one sentence)")
        add = gr.Button("Validate and add brand", variant="primary", elem_id="add-brand-btn")
        status = gr.Textbox(label="Result", interactive=False, elem_id="add-brand-status")
    return SimpleNamespace(**locals())


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


def figures_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [[r.key, r.acceptance_rate or 0.0, r.shown] for r in rows],
        columns=["key", "acceptance rate", "shown"],
    )
