"""The agent desk page: paste a complaint, get drafts with their cases, edit with live coaching.

Layout and wiring only; every action is a `Desk` method (ui_handlers.py). User text (the
complaint, drafts, cited cases) is only ever put in Textbox, Dataframe and HighlightedText
components, which render it as text, never as HTML.
"""

from dataclasses import dataclass

import gradio as gr

from assistant.app.auth import Access
from assistant.app.coaching import CHECK_HEADERS, MAX_FIXES, CoachView, Fix
from assistant.app.common import NO_BRAND, brand_value, shows_errors, username
from assistant.app.handlers import CASE_HEADERS, REWRITE_LABELS, Desk, DraftResult
from assistant.errors import AssistantError

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
# Private ("not callable by client libraries"): the page's events return many components at
# once; scripts use the tidy JSON endpoints in ui_api.py, which call the same Desk methods.
PRIVATE = "private"


@dataclass
class DeskParts:
    """The desk's components the app wires to page load and to the trainer room."""

    complaint: gr.Textbox
    brand: gr.Dropdown
    channel: gr.Dropdown
    prefs: gr.BrowserState


def _draft_label(index: int, example_id: str | None, fallback: bool) -> str:
    name = "Draft 1" if index == 0 else f"Alternative {index}"
    if fallback and index == 0:
        return f"{name} · safe fallback (no drafted reply passed the guards)"
    return f"{name} · adapted from case {example_id}" if example_id else name


def _fix_updates(fixes: list[Fix]) -> list:
    return [
        gr.update(value=fixes[i].label, visible=True)
        if i < len(fixes)
        else gr.update(visible=False)
        for i in range(MAX_FIXES)
    ]


def build_desk(desk: Desk, access: Access) -> DeskParts:
    default_channel = "twitter" if "twitter" in desk.channels() else desk.channels()[0]
    prefs = gr.BrowserState({"channel": default_channel, "brand": NO_BRAND}, storage_key="desk")
    suggestion_id = gr.State(None)
    drafts_state = gr.State([])
    chosen = gr.State(0)
    fixes_state = gr.State([])

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

    coach_outputs = [score, highlights, checklist, counter, *fix_btns, fixes_state]

    def coach_updates(view: CoachView) -> list:
        return [
            view.score,
            view.highlights,
            view.checklist,
            view.counter,
            *_fix_updates(view.fixes),
            [f.to_dict() for f in view.fixes],
        ]

    # -- handlers ------------------------------------------------------------------------------
    @shows_errors
    def on_coach(reply_text, complaint_text, channel_name, brand_choice, customer_name):
        view = desk.coach(
            reply_text or "",
            complaint_text or "",
            channel_name,
            brand_value(brand_choice),
            customer_name,
        )
        return coach_updates(view)

    @shows_errors
    def on_draft(
        complaint_text, brand_choice, channel_name, customer_name, sign_as, request: gr.Request
    ):
        cleared = {texts[0]: gr.update(value="", label=_draft_label(0, None, False))}
        cleared.update({groups[i]: gr.update(visible=i == 0) for i in range(MAX_DRAFTS)})
        cleared.update({case_tables[i]: [] for i in range(MAX_DRAFTS)})
        cleared[status] = "Drafting…"
        yield cleared
        stream = desk.draft(
            complaint_text,
            channel_name,
            brand_value(brand_choice),
            customer_name,
            sign_as,
            username(request),
        )
        try:
            for item in stream:
                if isinstance(item, str):
                    yield {texts[0]: item}
                    continue
                yield _final_updates(item)
        except AssistantError as exc:  # say so in the status line too, not only in the toast
            yield {status: f"Not drafted: {exc}"}
            raise

    def _final_updates(result: DraftResult) -> dict:
        fallback = result.suggestion.fallback
        out = {
            badges: result.badges,
            suggestion_id: result.suggestion_id,
            drafts_state: [d.text for d in result.drafts],
            chosen: 0,
            reply: result.drafts[0].text,
            notes: gr.update(value="\n".join(result.notes), visible=bool(result.notes)),
            status: f"Drafted {len(result.drafts)} repl{'y' if len(result.drafts) == 1 else 'ies'}"
            f" with {result.suggestion.model} (suggestion #{result.suggestion_id}).",
        }
        for i in range(MAX_DRAFTS):
            if i < len(result.drafts):
                view = result.drafts[i]
                out[groups[i]] = gr.update(visible=True)
                out[texts[i]] = gr.update(
                    value=view.text, label=_draft_label(i, view.example_id, fallback)
                )
                out[case_tables[i]] = view.cases
            else:
                out[groups[i]] = gr.update(visible=False)
                out[texts[i]] = gr.update(value="")
                out[case_tables[i]] = []
        for component, value in zip(coach_outputs, coach_updates(result.coach), strict=True):
            out[component] = value
        return out

    draft_outputs = [
        badges,
        suggestion_id,
        drafts_state,
        chosen,
        reply,
        notes,
        status,
        *groups,
        *texts,
        *case_tables,
        *coach_outputs,
    ]
    draft_inputs = [complaint, brand, channel, customer, signature]
    draft_btn.click(
        on_draft,
        draft_inputs,
        draft_outputs,
        api_name="ui_draft",
        api_visibility=PRIVATE,
        show_progress="minimal",
    )

    coach_inputs = [reply, complaint, channel, brand, customer]
    # "always_last": while one coaching call runs, keystrokes collapse into one follow-up call,
    # a debounce in effect (the coach itself takes milliseconds).
    reply.input(
        on_coach,
        coach_inputs,
        coach_outputs,
        api_name="ui_coach",
        api_visibility=PRIVATE,
        trigger_mode="always_last",
        show_progress="hidden",
    )
    channel.change(
        on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE, show_progress="hidden"
    )

    for i in range(MAX_DRAFTS):

        def on_use(drafts, index=i):
            if index >= len(drafts):
                raise gr.Error("That draft is no longer shown; draft again.")
            return (
                drafts[index],
                index,
                f"Using {'draft 1' if index == 0 else f'alternative {index}'}.",
            )

        use_btns[i].click(
            on_use, [drafts_state], [reply, chosen, status], api_visibility=PRIVATE
        ).then(on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE)

        for button, thumb in ((ups[i], 1), (downs[i], -1)):

            @shows_errors
            def on_rate(sid, why, request: gr.Request, index=i, thumb=thumb):
                if sid is None:
                    raise gr.Error("Draft replies first; then rate them.")
                rating = desk.rate(sid, index, thumb, why or "", username(request))
                mark = "thumbs up" if thumb > 0 else "thumbs down"
                return f"Thanks: {mark} saved for draft {index + 1} (rating #{rating.id}).", ""

            button.click(
                on_rate,
                [suggestion_id, reasons[i]],
                [status, reasons[i]],
                api_visibility=PRIVATE,
            )

    for action, button in rewrite_btns.items():

        @shows_errors
        def on_rewrite(
            reply_text, complaint_text, channel_name, brand_choice, customer_name, action=action
        ):
            result = desk.rewrite(
                action,
                reply_text,
                complaint_text,
                channel_name,
                brand_value(brand_choice),
                customer_name,
            )
            note = f" {result.note}." if result.note else ""
            scores = f"coach score {result.before} → {result.after}"
            return result.text, f"{REWRITE_LABELS[action]}: {scores}.{note}"

        button.click(on_rewrite, coach_inputs, [reply, status], api_visibility=PRIVATE).then(
            on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE
        )

    for i, button in enumerate(fix_btns):

        @shows_errors
        def on_fix(
            reply_text, fixes, complaint_text, channel_name, brand_choice, customer_name, index=i
        ):
            if index >= len(fixes):
                raise gr.Error("That fix no longer applies; the reply changed.")
            data = fixes[index]
            fix = Fix(**{**data, "span": tuple(data["span"]) if data["span"] else None})
            text = desk.fix(
                fix,
                reply_text or "",
                complaint_text,
                channel_name,
                brand_value(brand_choice),
                customer_name,
            )
            return text, f"Applied: {fix.label}."

        button.click(
            on_fix,
            [reply, fixes_state, complaint, channel, brand, customer],
            [reply, status],
            api_visibility=PRIVATE,
        ).then(on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE)

    @shows_errors
    def on_send(
        reply_text,
        sid,
        index,
        complaint_text,
        channel_name,
        brand_choice,
        customer_name,
        sign_as,
        request: gr.Request,
    ):
        sent = desk.send(
            reply_text,
            sid,
            int(index or 0),
            complaint_text,
            channel_name,
            brand_value(brand_choice),
            customer_name,
            username(request) or sign_as or None,
        )
        score_text = f", coach score {sent.coach_score:g}" if sent.coach_score is not None else ""
        return (
            f"Sent and saved as #{sent.id}: {sent.edit_distance} characters edited"
            f"{score_text}. It now waits in the trainers' review queue."
        )

    send_btn.click(
        on_send,
        [reply, suggestion_id, chosen, complaint, channel, brand, customer, signature],
        [status],
        api_visibility=PRIVATE,
    )
    copy_btn.click(
        None,
        [reply],
        None,
        js="(text) => { navigator.clipboard && navigator.clipboard.writeText(text || ''); }",
        api_visibility=PRIVATE,
    )

    def remember(channel_name, brand_choice):
        return {"channel": channel_name, "brand": brand_choice or NO_BRAND}

    channel.change(remember, [channel, brand], [prefs], api_visibility=PRIVATE)
    brand.change(remember, [channel, brand], [prefs], api_visibility=PRIVATE)
    return DeskParts(complaint, brand, channel, prefs)
