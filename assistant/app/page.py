"""The Gradio app: the agent desk and the trainer room around one ready `Assistant`.

    demo = build_app(assistant)            # no launch here
    demo.launch(**launch_options(assistant))

The page is a thin layer: `ui_desk.py` and `ui_trainer.py` lay out and wire components,
`ui_handlers.py` (desk) and `ui_curation.py` (trainer room) hold the actions as plain functions,
`ui_api.py` names one API endpoint per action, `auth.py` decides who may sign in and do what.
Gradio is imported here, so nothing the CLI imports at start may import this module.
"""

import os

import gradio as gr

from assistant.app.api import register_api
from assistant.app.auth import Access, ClientAddress, server_options
from assistant.app.common import NO_BRAND, md_escape, username
from assistant.app.curation import ANY, TONE_FILTERS, Trainer, apply_stored_edits
from assistant.app.desk import build_desk
from assistant.app.handlers import Desk
from assistant.app.review_views import tone_rows
from assistant.app.trainer import build_trainer
from assistant.service import Assistant

TITLE = "Care reply assistant"
# Ctrl+Enter (Cmd+Enter on a Mac) in the complaint box drafts, like sending in a chat tool.
KEYS_JS = """
() => {
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      const box = document.querySelector('#complaint textarea');
      if (box && document.activeElement === box) {
        event.preventDefault();
        document.querySelector('#draft')?.click();
      }
    }
  });
}
"""
# Laptop screens (1366-1440 px wide): tighter padding so drafts and coaching fit side by side.
CSS = """
.gradio-container { max-width: 1500px !important; }
#counter p { margin: 0; font-size: 0.9em; color: var(--body-text-color-subdued); }
#who p { margin: 0; text-align: right; }
#title p { margin: 0; font-size: 1.15em; }
"""


def build_app(assistant: Assistant, access: Access | None = None) -> gr.Blocks:
    """The whole app as gr.Blocks; `access` defaults to the users in the environment."""
    access = access if access is not None else Access.from_env()
    desk = Desk(assistant, access)
    trainer = Trainer(assistant, access)
    apply_stored_edits(assistant)
    # delete_cache: files handed to a browser (exports) leave Gradio's cache within the hour.
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(1800, 3600)) as demo:
        with gr.Row(elem_id="header"):
            gr.Markdown(f"**{TITLE}**", elem_id="title")
            who = gr.Markdown(elem_id="who")
        with gr.Tabs():
            with gr.Tab("Agent desk", id="desk"):
                parts = build_desk(desk, access)
            with gr.Tab("Trainer room", id="trainer"):
                room = build_trainer(trainer)
        register_api(desk, trainer, access)

        def on_load(prefs, request: gr.Request):
            user = username(request)
            try:
                role = access.role(user)
            except Exception:  # an unknown user never gets this far with sign-in on
                role = "agent"
            prefs = prefs or {}
            brands = [NO_BRAND, *desk.brands()]
            channels = desk.channels()
            brand = prefs.get("brand") if prefs.get("brand") in brands else NO_BRAND
            channel = prefs.get("channel") if prefs.get("channel") in channels else channels[0]
            cases = trainer.tone_examples()
            ids = [c.id for c in cases]
            return (
                gr.update(choices=brands, value=brand),
                gr.update(choices=channels, value=channel),
                who_text(user, role),
                tone_rows(cases),
                gr.update(choices=ids, value=None),
                gr.update(choices=[c.id for c in assistant.cases]),
                *[gr.update(value=ANY) for _ in TONE_FILTERS],
            )

        demo.load(
            on_load,
            [parts.prefs],
            [
                parts.brand,
                parts.channel,
                who,
                room.tone_table,
                room.tone_case,
                room.case_pick,
                *room.tone_filters,
            ],
            api_visibility="private",
        )
    return demo


def launch_options(
    assistant: Assistant, access: Access | None = None, env: dict[str, str] | None = None
) -> dict:
    """Keyword arguments for `demo.launch`: address, port, sign-in, page script and style.

    Binds 127.0.0.1 unless GRADIO_SERVER_NAME says otherwise; an exposed address needs users
    (auth.server_options refuses to start without them).
    """
    env = dict(os.environ if env is None else env)
    access = access if access is not None else Access.from_env(env)
    server = server_options(access, env)
    options = {
        "server_name": server.host,
        "server_port": server.port,
        "js": KEYS_JS,
        "css": CSS,
        "theme": gr.themes.Soft(),
        # No folder is served: exports go to private, unguessable temp folders (private_files)
        # and reach the trainer through the role-checked export handler only.
        "footer_links": ["api"],
    }
    if access.enabled:
        from starlette.middleware import Middleware

        # The sign-in throttle counts failures per client address too; Gradio's auth callable
        # sees only name and password, so a middleware passes the address along.
        options["app_kwargs"] = {"middleware": [Middleware(ClientAddress)]}
        options["auth"] = access.authenticate
        options["auth_message"] = "Sign in with the name and password your team lead gave you."
    return options


def who_text(user: str | None, role: str) -> str:
    if user is None:
        return "Local mode (no sign-in): every trainer action is open."
    if role == "trainer":
        return f"Signed in as **{md_escape(user)}** (trainer)."
    return (
        f"Signed in as **{md_escape(user)}** (agent). Tone examples are open to you; the review "
        "queue, cases, figures, policies, prompts and export need a trainer account."
    )
