"""Guards for what a draft means, where a rule can tell: the failures the blind review found in
drafts that passed every surface guard (docs/critic.md).

- condolence or mourning words when the complaint speaks of no death;
- a first-person claim that something is already done ("I've refunded you", "our quality team
  inspected it") beyond what the brand's policy lets an agent do at once;
- an apology for praise, or praise not thanked;
- a greeting that names someone other than the customer, or nobody ("Dear ,").

What rules cannot judge (a misread complaint, an invented detail) is the critic's job
(`coach/critic.py`). The words are data: data/lexicons/claims.yaml.
"""

from __future__ import annotations

import re

from assistant.coach.classifiers import lexicon
from assistant.coach.guard_types import Check, GuardContext

# The remedy that lets an agent say a claim of this kind is already done.
ALLOWED_AT_ONCE = {
    "done_refund": "refund",
    "done_credit": "credit",
    "done_waiver": "fee_waiver",
    "done_replacement": "replacement",
    "done_cancel": "asked",  # cancelling or closing: when the customer asked for it
    "done_other": None,  # inspections, fixes, removals: never claimed in a first reply
}
# "until our safety team has examined it" is a promise, not a claim: a claim preceded by one of
# these words within a few words is conditional.
_CONDITIONAL = re.compile(
    r"\b(?:until|once|when|after|before|if|as soon as|hasta que|cuando|une fois|sobald|bis|"
    r"quando|finché|depois de|assim que)\b[^.!?]{0,40}$",
    re.I,
)
# Salutations that are a mail-merge error without a name ("Dear ,"), unlike "Hola," or "Guten Tag,".
_NEEDS_NAME = re.compile(
    r"\s*(?:dear|estimad[oa]|querid[oa]|cher|chère|liebe[rs]?|prezad[oa]|car[oa]|gentile)\b", re.I
)
_NAME_AFTER_GREETING = re.compile(r"^[ \t,]*(?P<name>[A-ZÀ-Ý][\w'-]+)?\s*[,!:.\n]")


def _hit(label: str, text: str):
    return lexicon("claims").first(text, label)


def check_mourning_fits(reply: str, ctx: GuardContext) -> Check:
    hit = _hit("mourning", reply)
    if hit and not lexicon("sensitive").has(ctx.complaint, "bereavement"):
        return Check(
            "condolence_fits",
            False,
            f"offers condolence ({hit.text!r}) but the complaint speaks of no death",
            (hit.start, hit.end),
        )
    return Check("condolence_fits", True, "no misplaced condolence")


def _allowed(remedy: str | None, ctx: GuardContext) -> bool:
    if remedy == "asked":
        return lexicon("claims").has(ctx.complaint, "cancel_request")
    return remedy is not None and remedy in ctx.policy.remedies


def check_no_claimed_action(reply: str, ctx: GuardContext) -> Check:
    for label, remedy in ALLOWED_AT_ONCE.items():
        hit = _hit(label, reply)
        if hit and _CONDITIONAL.search(reply[: hit.start]):
            continue
        if hit and not _allowed(remedy, ctx):
            brand = ctx.policy.brand or "this brand"
            allowed = {None: "", "asked": " (the customer did not ask for it)"}.get(
                remedy, f" ({brand} does not offer it at once)"
            )
            return Check(
                "no_claimed_action",
                False,
                f"claims it is already done: {hit.text!r}{allowed}",
                (hit.start, hit.end),
            )
    return Check("no_claimed_action", True, "claims nothing done that was not")


def check_praise_thanked(reply: str, ctx: GuardContext) -> Check:
    if ctx.kind != "praise":
        return Check("praise_thanked", True, "not praise")
    apology = lexicon("moves").first(reply, "apology")
    hard_news = lexicon("claims").has(ctx.complaint, "hardship") or lexicon("sensitive").has(
        ctx.complaint, "bereavement"
    )
    if apology and not hard_news:
        return Check(
            "praise_thanked",
            False,
            f"apologises ({apology.text!r}) for praise",
            (apology.start, apology.end),
        )
    return Check("praise_thanked", True, "no apology for praise")


def check_greeting_name(reply: str, ctx: GuardContext) -> Check:
    greeting = _hit("greeting", reply)
    if not greeting:
        return Check("greeting_name", True, "no greeting")
    rest = reply[greeting.end :]
    m = _NAME_AFTER_GREETING.match(rest)
    if m is None:
        return Check("greeting_name", True, "greeting")
    name = m.group("name")
    if name is None:
        if _NEEDS_NAME.match(greeting.text) and re.match(r"^[ \t]*[,:]", rest):
            return Check("greeting_name", False, f"a greeting without a name: {reply[:20]!r}")
        return Check("greeting_name", True, "greeting")
    known = {w.lower() for w in re.findall(r"[^\W\d_]+", f"{ctx.customer or ''} {ctx.complaint}")}
    if name.lower() not in known and name.lower() not in _GREETING_WORDS:
        who = f"the customer is {ctx.customer}" if ctx.customer else "no name was given"
        return Check(
            "greeting_name",
            False,
            f"greets {name!r}, but {who}",
            (greeting.end + m.start("name"), greeting.end + m.end("name")),
        )
    return Check("greeting_name", True, "greets the customer by name")


# Words that may follow a greeting and are not names ("Hi there", "Dear customer" is caught
# as generic by the coach, not here).
_GREETING_WORDS = frozenset(
    "there all everyone team customer sir madam friend friends folks again and "
    "señor señora monsieur madame herr frau senhor senhora signore signora".split()
)

MEANING_GUARDS = (
    check_mourning_fits,
    check_no_claimed_action,
    check_praise_thanked,
    check_greeting_name,
)
