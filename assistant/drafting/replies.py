"""Shaping reply text: example replies adapted to this customer, fallback replies, tidying."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import check_length, check_no_loop
from assistant.coach.policy_words import ask_private
from assistant.library.cases import Case
from assistant.library.policy import BrandPolicy
from assistant.text.prompts import compile_text, prompt_data


def remedies_text(policy: BrandPolicy, prompts_dir: Path) -> str:
    words = prompt_data(prompts_dir, "remedies.yaml")
    parts = []
    for remedy in policy.remedies:
        phrase = words.get(remedy, remedy)
        if remedy == "credit" and policy.max_credit:
            phrase += f" up to {policy.max_credit:g} {policy.currency}"
        if remedy == "voucher" and policy.max_voucher:
            phrase += f" up to {policy.max_voucher:g} {policy.currency}"
        parts.append(phrase)
    return ", ".join(parts) or "an apology and a follow-up"


# A salutation that lost its name ("Dear ,", "Estimada:") reads as a mail-merge error; a plain
# greeting of the same language replaces it.
_NAMELESS = re.compile(
    r"^(?P<pad>[ \t]*)(?P<word>Dear|Estimad[oa]s?|Querid[oa]s?|Cher|Chère|Chers|Liebe[rs]?"
    r"|Sehr geehrte[rs]?|Gentile|Car[oa]|Prezad[oa]s?)[ \t]*(?P<end>[,:!])",
    re.M,
)

_PLAIN_GREETING = {"Dear": "Hello", "Cher": "Bonjour", "Chère": "Bonjour", "Chers": "Bonjour"}


def _plain_greeting(word: str) -> str:
    if word in _PLAIN_GREETING:
        return _PLAIN_GREETING[word]
    if word.startswith(("Estimad", "Querid")):
        return "Hola"
    if word.startswith(("Lieb", "Sehr")):
        return "Hallo"
    if word.startswith("Prezad"):
        return "Olá"
    return "Buongiorno"  # Gentile, Caro, Cara


def fix_nameless_salutation(text: str) -> str:
    """ "Dear," -> "Hello,": a salutation with no name after it, in the reply's language."""
    return _NAMELESS.sub(lambda m: f"{m['pad']}{_plain_greeting(m['word'])}{m['end']}", text)


def _swap_names(text: str, old: str | None, new: str | None) -> str:
    if not old:
        return text
    swapped = (
        re.sub(rf"\b{re.escape(old)}\b", lambda _: new or "", text)
        .replace(" ,", ",")
        .strip(" ,–-^")
    )
    return fix_nameless_salutation(swapped)


def adapt_example_reply(example: Case, customer: str | None, agent: str | None) -> str:
    """The example's reply with its customer and agent names swapped for this request's."""
    reply = _swap_names(example.reply, example.customer, customer)
    reply = _swap_names(reply, example.agent, agent)
    return re.sub(r"\n?\s*[–-]\s*$|\s+\^\s*$", "", reply).strip()


def render_fallback(
    templates: dict, lang: str, key: str, customer: str | None, agent: str | None, private: str
) -> str:
    """One trainer-written fallback reply (prompts/fallback.yaml), rendered sandboxed.

    `private` is the brand's private channel ("DM", "email thread"), or "" on a private channel;
    the reply asks for it in its own language ("escríbenos por correo electrónico").
    """
    greeting = compile_text(templates["greetings"][lang]).render(name=customer) if customer else ""
    return compile_text(templates[lang][key]).render(
        greeting=greeting,
        private=ask_private(lang, private),
        signature=f"\n{agent}" if agent else "",
    )


def tidy(text: str) -> str:
    """A generated reply as the guards see it: no surrounding space or quotes, no nameless
    "Dear,"."""
    return fix_nameless_salutation(text.strip().strip('"').strip())


def hopeless(text: str, ctx: GuardContext) -> bool:
    """True when a partial draft already fails a guard that more text cannot fix: it loops, or
    it is already longer than the channel allows. Text only grows, so these failures stay."""
    text = tidy(text)
    return not check_length(text, ctx).passed or not check_no_loop(text, ctx).passed
