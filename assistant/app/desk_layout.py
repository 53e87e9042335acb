"""The agent desk's components laid out (no events): drafts and their cases, editor, coach."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from assistant.app.coaching import CHECK_HEADERS, MAX_FIXES
from assistant.app.common import NO_BRAND
from assistant.app.handlers import CASE_HEADERS, REWRITE_LABELS, Desk

MAX_DRAFTS = 3  # the drafter returns a draft and up to two alternatives

BADGE_COLORS = {
    "emotion": "#f59e0b",
    "urgency": "#ef4444",
    "language": "#3b82f6",
    "public risk": "#8b5cf6",
    "kind": "#64748b",
    "severity": "#b45309",
    "sensitive": "#dc2626",
    "private data": "#0ea5e9",
}


def _draft_label(index: int, example_id: str | None, fallback: bool) -> str:
    name = "Draft 1" if index == 0 else f"Alternative {index}"
    if fallback and index == 0:
        return f"{name} · safe fallback (no drafted reply passed the guards)"
    return f"{name} · adapted from case {example_id}" if example_id else name


def desk_layout(desk: Desk) -> SimpleNamespace:
    """Every component of the desk, laid out in the current gr.Blocks (no events wired)."""
    default_channel = "twitter" if "twitter" in desk.channels() else desk.channels()[0]
    prefs = gr.BrowserState({"channel": default_channel, "brand": NO_BRAND}, storage_key="desk")
    suggestion_id = gr.State(None)
    drafts_state = gr.State([])
    chosen = gr.State(0)
    fixes_state = gr.State([])
    suggested_brand = gr.State(None)  # the brand the desk filled in from the complaint, if any

    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=360):
            complaint = gr.Textbox(
                label="Customer message",
                lines=6,
                max_lines=14,
                placeholder="Paste the tweet, review, e-mail or chat line. Ctrl+Enter drafts.",
                elem_id="complaint",
            )
            with gr.Row():
                brand = gr.Dropdown(
                    [NO_BRAND, *desk.brands()],
                    value=NO_BRAND,
                    label="Brand",
                    filterable=True,
                    elem_id="brand",
                )
                channel = gr.Dropdown(
                    desk.channels(), value=default_channel, label="Channel", elem_id="channel"
                )
            with gr.Row():
                customer = gr.Textbox(label="Customer's name", placeholder="optional")
                signature = gr.Textbox(label="Sign as", placeholder="optional")
            draft_btn = gr.Button("Draft replies (Ctrl+Enter)", variant="primary", elem_id="draft")
            badges = gr.HighlightedText(
                label="Analysis",
                color_map=BADGE_COLORS,
                show_legend=False,
                show_inline_category=True,
                combine_adjacent=False,
                adjacent_separator=" ",
                elem_id="badges",
            )
            notes = gr.Textbox(label="Notes", interactive=False, visible=False, elem_id="notes")
        with gr.Column(scale=7, min_width=420):
            groups, texts, case_tables, use_btns, ups, downs, reasons = [], [], [], [], [], [], []
            for i in range(MAX_DRAFTS):
                with gr.Group(visible=i == 0) as group:
                    text = gr.Textbox(
                        label=_draft_label(i, None, False),
                        lines=3,
                        max_lines=10,
                        interactive=False,
                        buttons=["copy"],
                        elem_id=f"draft-{i}",
                    )
                    with gr.Row():
                        use = gr.Button("Use this draft", size="sm", elem_id=f"use-{i}")
                        # Words, not emoji: many work PCs' browsers lack an emoji font.
                        up = gr.Button("Thumbs up", size="sm", min_width=60, elem_id=f"up-{i}")
                        down = gr.Button(
                            "Thumbs down", size="sm", min_width=60, elem_id=f"down-{i}"
                        )
                        reason = gr.Textbox(
                            show_label=False,
                            placeholder="Why? (optional, saved with the thumbs)",
                            container=False,
                            scale=3,
                            elem_id=f"reason-{i}",
                        )
                    with gr.Accordion("Cases it drew on", open=i == 0, elem_id=f"cases-acc-{i}"):
                        table = gr.Dataframe(
                            headers=CASE_HEADERS,
                            datatype=["number", "str", "str", "str", "str"],
                            interactive=False,
                            wrap=True,
                            max_height=260,
                            column_widths=["9%", "12%", "27%", "27%", "25%"],
                            elem_id=f"cases-{i}",
                        )
                groups.append(group)
                texts.append(text)
                case_tables.append(table)
                use_btns.append(use)
                ups.append(up)
                downs.append(down)
                reasons.append(reason)

    with gr.Row(equal_height=False):
        with gr.Column(scale=7, min_width=420):
            reply = gr.Textbox(
                label="Your reply (edit freely: the coach updates as you type)",
                lines=6,
                max_lines=16,
                buttons=["copy"],
                elem_id="reply",
            )
            counter = gr.Markdown("0 characters", elem_id="counter")
            with gr.Row():
                rewrite_btns = {
                    action: gr.Button(label, size="sm", elem_id=f"rewrite-{action}")
                    for action, label in REWRITE_LABELS.items()
                }
            with gr.Row():
                copy_btn = gr.Button("Copy reply", elem_id="copy")
                send_btn = gr.Button("Mark as sent", variant="primary", elem_id="send")
            status = gr.Textbox(label="Status", interactive=False, elem_id="status")
        with gr.Column(scale=5, min_width=360):
            score = gr.Number(label="Coach score (0-100)", interactive=False, elem_id="score")
            with gr.Row():
                fix_btns = [
                    gr.Button("Fix", size="sm", visible=False, elem_id=f"fix-{i}")
                    for i in range(MAX_FIXES)
                ]
            highlights = gr.HighlightedText(
                label="Where to improve (each mark says why)",
                show_legend=False,
                combine_adjacent=True,
                elem_id="highlights",
            )
            checklist = gr.Dataframe(
                headers=CHECK_HEADERS,
                datatype=["str"] * len(CHECK_HEADERS),
                interactive=False,
                wrap=True,
                max_height=320,
                column_widths=["5%", "25%", "11%", "34%", "25%"],
                label="Checklist",
                elem_id="checklist",
            )
    return SimpleNamespace(**{k: v for k, v in locals().items() if k != "desk"})
