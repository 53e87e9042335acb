"""The brand's policy said in the reply's language (data/lexicons/policy_words.yaml).

Every sentence the assistant writes into a reply (a fallback reply, a coach fix, a one-click
rewrite) takes its private channel and its gesture cap from here, so a Spanish reply asks for
"correo electrónico" and offers "hasta 20 EUR", never "email thread" or "up to 20 EUR".

    >>> ask_private("es", "email thread")
    'escríbenos por correo electrónico'
    >>> ask_private("en", "WhatsApp")
    'contact us by WhatsApp'
"""

from __future__ import annotations

from assistant.coach.classifiers import table
from assistant.library.policy import BrandPolicy


def _words(section: str, lang: str) -> dict:
    words = table("policy_words")[section]
    return words.get(lang) or words["en"]


def ask_private(lang: str, channel: str) -> str:
    """How to ask for `channel` ("DM", "email thread") in `lang`; "" for no channel."""
    if not channel:
        return ""
    phrases = _words("private", lang)
    known = phrases.get(channel.strip().lower())
    return known if known is not None else phrases["other"].format(channel=channel.strip())


def gesture_words(policy: BrandPolicy, lang: str) -> str:
    """ "up to 20 USD" / "hasta 20 USD", or the language's "none" when no gesture is allowed."""
    words = _words("gesture", lang)
    if not policy.max_gesture:
        return words["none"]
    return words["cap"].format(amount=f"{policy.max_gesture:g} {policy.currency}")
