"""The agent desk page: paste a complaint, get drafts with their cases, edit with live coaching.

Layout and wiring only; every action is a `Desk` method (ui_handlers.py). User text (the
complaint, drafts, cited cases) is only ever put in Textbox, Dataframe and HighlightedText
components, which render it as text, never as HTML.
"""

from dataclasses import dataclass

import gradio as gr

from assistant.app.auth import Access
from assistant.app.coaching import MAX_FIXES, CoachView, Fix
from assistant.app.common import NO_BRAND, brand_value, shows_errors, username
from assistant.app.desk_layout import MAX_DRAFTS, _draft_label, desk_layout
from assistant.app.handlers import REWRITE_LABELS, Desk, DraftResult
from assistant.errors import AssistantError

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


def _fix_updates(fixes: list[Fix]) -> list:
    return [
        gr.update(value=fixes[i].label, visible=True)
        if i < len(fixes)
        else gr.update(visible=False)
        for i in range(MAX_FIXES)
    ]


def wire_rewrites_and_fixes(desk: Desk, ui, coach_inputs, on_coach, coach_outputs) -> None:
    """The rewrite buttons and the one-click fix buttons: each rewrites the reply, then the
    coach re-reads it."""
    rewrite_btns, fix_btns, reply, status = ui.rewrite_btns, ui.fix_btns, ui.reply, ui.status
    fixes_state, complaint, channel, brand = ui.fixes_state, ui.complaint, ui.channel, ui.brand
    customer = ui.customer
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


def build_desk(desk: Desk, access: Access) -> DeskParts:
    ui = desk_layout(desk)
    coach_outputs = [
        ui.score,
        ui.highlights,
        ui.checklist,
        ui.counter,
        *ui.fix_btns,
        ui.fixes_state,
    ]
    coach_inputs = [ui.reply, ui.complaint, ui.channel, ui.brand, ui.customer]
    on_coach = coach_handler(desk)
    wire_draft(desk, ui, coach_outputs)
    wire_coach(ui, on_coach, coach_inputs, coach_outputs)
    wire_use_and_rate(desk, ui, on_coach, coach_inputs, coach_outputs)
    wire_rewrites_and_fixes(desk, ui, coach_inputs, on_coach, coach_outputs)
    wire_send_and_copy(desk, ui)
    wire_brand_recognition(desk, ui)
    wire_prefs(ui)
    return DeskParts(ui.complaint, ui.brand, ui.channel, ui.prefs)


def coach_updates(view: CoachView) -> list:
    """A coaching view as the values of the coach outputs, in their order."""
    return [
        view.score,
        view.highlights,
        view.checklist,
        view.counter,
        *_fix_updates(view.fixes),
        [f.to_dict() for f in view.fixes],
    ]


def coach_handler(desk: Desk):
    """The live coach: reads the reply against the complaint, channel, brand and customer."""

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

    return on_coach


def wire_draft(desk: Desk, ui, coach_outputs) -> None:
    """The Draft button: streams the first draft, then shows every draft with its cases and the
    coach's reading of draft 1."""
    texts, groups, case_tables, status = ui.texts, ui.groups, ui.case_tables, ui.status

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
            ui.badges: result.badges,
            ui.suggestion_id: result.suggestion_id,
            ui.drafts_state: [d.text for d in result.drafts],
            ui.chosen: 0,
            ui.reply: result.drafts[0].text,
            ui.notes: gr.update(value="\n".join(result.notes), visible=bool(result.notes)),
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
        ui.badges,
        ui.suggestion_id,
        ui.drafts_state,
        ui.chosen,
        ui.reply,
        ui.notes,
        status,
        *groups,
        *texts,
        *case_tables,
        *coach_outputs,
    ]
    draft_inputs = [ui.complaint, ui.brand, ui.channel, ui.customer, ui.signature]
    ui.draft_btn.click(
        on_draft,
        draft_inputs,
        draft_outputs,
        api_name="ui_draft",
        api_visibility=PRIVATE,
        show_progress="minimal",
    )


def wire_coach(ui, on_coach, coach_inputs, coach_outputs) -> None:
    """The coach re-reads the reply as it is typed and when the channel changes."""
    # "always_last": while one coaching call runs, keystrokes collapse into one follow-up call,
    # a debounce in effect (the coach itself takes milliseconds).
    ui.reply.input(
        on_coach,
        coach_inputs,
        coach_outputs,
        api_name="ui_coach",
        api_visibility=PRIVATE,
        trigger_mode="always_last",
        show_progress="hidden",
    )
    ui.channel.change(
        on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE, show_progress="hidden"
    )


def wire_use_and_rate(desk: Desk, ui, on_coach, coach_inputs, coach_outputs) -> None:
    """Per draft: "Use this" puts it in the reply box (then the coach reads it); thumbs up or
    down rate it, with an optional reason."""
    drafts_state, reply, chosen, status = ui.drafts_state, ui.reply, ui.chosen, ui.status
    for i in range(MAX_DRAFTS):

        def on_use(drafts, index=i):
            if index >= len(drafts):
                raise gr.Error("That draft is no longer shown; draft again.")
            return (
                drafts[index],
                index,
                f"Using {'draft 1' if index == 0 else f'alternative {index}'}.",
            )

        ui.use_btns[i].click(
            on_use, [drafts_state], [reply, chosen, status], api_visibility=PRIVATE
        ).then(on_coach, coach_inputs, coach_outputs, api_visibility=PRIVATE)

        for button, thumb in ((ui.ups[i], 1), (ui.downs[i], -1)):

            @shows_errors
            def on_rate(sid, why, request: gr.Request, index=i, thumb=thumb):
                if sid is None:
                    raise gr.Error("Draft replies first; then rate them.")
                rating = desk.rate(sid, index, thumb, why or "", username(request))
                mark = "thumbs up" if thumb > 0 else "thumbs down"
                return f"Thanks: {mark} saved for draft {index + 1} (rating #{rating.id}).", ""

            button.click(
                on_rate,
                [ui.suggestion_id, ui.reasons[i]],
                [status, ui.reasons[i]],
                api_visibility=PRIVATE,
            )


def wire_send_and_copy(desk: Desk, ui) -> None:
    """Send stores the final reply for the trainers' review queue; Copy puts it on the
    clipboard in the browser."""

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

    ui.send_btn.click(
        on_send,
        [
            ui.reply,
            ui.suggestion_id,
            ui.chosen,
            ui.complaint,
            ui.channel,
            ui.brand,
            ui.customer,
            ui.signature,
        ],
        [ui.status],
        api_visibility=PRIVATE,
    )
    ui.copy_btn.click(
        None,
        [ui.reply],
        None,
        js="(text) => { navigator.clipboard && navigator.clipboard.writeText(text || ''); }",
        api_visibility=PRIVATE,
    )


def wire_brand_recognition(desk: Desk, ui) -> None:
    """As the complaint is typed or pasted, an empty brand box takes the brand its @handle or
    name points to, and the status line says so; a brand the agent chose is never changed."""

    @shows_errors
    def on_complaint(complaint_text, brand_choice, suggested, status_text):
        current = brand_value(brand_choice)
        brand, note = desk.recognise_brand(complaint_text, current, suggested)
        agents_choice = current is not None and current != suggested
        if brand == current:
            box = gr.update()
        else:  # the value, one of the choices (which include brands added since page load)
            box = gr.update(value=brand or NO_BRAND, choices=[NO_BRAND, *desk.brands()])
        if note:
            status_update = note
        elif brand != current and (status_text or "").startswith("Brand: "):
            status_update = ""  # the suggestion it announced is withdrawn
        else:
            status_update = gr.update()
        return box, None if agents_choice else brand, status_update

    ui.complaint.change(
        on_complaint,
        [ui.complaint, ui.brand, ui.suggested_brand, ui.status],
        [ui.brand, ui.suggested_brand, ui.status],
        api_visibility=PRIVATE,
        trigger_mode="always_last",
        show_progress="hidden",
    )


def wire_prefs(ui) -> None:
    """The browser remembers the agent's channel and brand for the next visit (a brand the desk
    recognised in a complaint is not the agent's choice: the remembered one stays)."""

    def remember(channel_name, brand_choice, suggested, prefs):
        if brand_value(brand_choice) is not None and brand_choice == suggested:
            brand_choice = (prefs or {}).get("brand")
        return {"channel": channel_name, "brand": brand_choice or NO_BRAND}

    inputs = [ui.channel, ui.brand, ui.suggested_brand, ui.prefs]
    ui.channel.change(remember, inputs, [ui.prefs], api_visibility=PRIVATE)
    ui.brand.change(remember, inputs, [ui.prefs], api_visibility=PRIVATE)
