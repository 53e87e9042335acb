"""Small pieces the desk, the trainer room and the API share: who is asking, how errors show."""

from __future__ import annotations

import functools
import html
import inspect
import logging
import re
import secrets
from collections.abc import Callable

import gradio as gr

from assistant.app.auth import AccessDenied
from assistant.errors import AssistantError

log = logging.getLogger(__name__)

# The brand dropdown's "no brand" choice (None is reserved by gr.Dropdown for "no selection").
NO_BRAND = "(no brand)"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def username(request: gr.Request | None) -> str | None:
    """The signed-in user's name; None when the app runs without sign-in."""
    return getattr(request, "username", None) or None


def brand_value(choice: str | None) -> str | None:
    return None if not choice or choice == NO_BRAND else choice


def md_escape(text: str) -> str:
    """Text safe inside gr.Markdown: HTML escaped and Markdown syntax neutralised."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text or ""))


def user_error(exc: AssistantError) -> gr.Error:
    """An expected failure as the page's error toast. Gradio renders toast messages as HTML,
    so the message (which may quote the user's own text) is escaped first."""
    title = "Not allowed" if isinstance(exc, AccessDenied) else "Cannot do that"
    # quote=False: quotes are harmless in HTML text, and API clients read the same message.
    return gr.Error(html.escape(str(exc), quote=False), title=title, print_exception=False)


def unexpected_error(exc: Exception, where: str) -> gr.Error:
    """A bug, not a user mistake: the traceback goes to the server log under a short reference,
    the user gets one line with that reference (never a traceback, never a null error)."""
    ref = secrets.token_hex(4)
    log.error("unexpected error %s in %s", ref, where, exc_info=exc)
    return gr.Error(
        f"Something went wrong on the server (reference {ref}); nothing was saved. "
        "Try again, and give the reference to whoever runs the app if it repeats.",
        title="Server error",
        print_exception=False,
    )


def shows_errors(fn: Callable) -> Callable:
    """Turn AssistantError from a handler (plain or generator) into a readable toast, and any
    other exception into a one-line server error with a log reference."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except AssistantError as exc:
                raise user_error(exc) from None
            except gr.Error:
                raise
            except Exception as exc:
                raise unexpected_error(exc, fn.__name__) from None

        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise user_error(exc) from None
        except gr.Error:
            raise
        except Exception as exc:
            raise unexpected_error(exc, fn.__name__) from None

    return call
