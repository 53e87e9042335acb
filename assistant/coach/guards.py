"""Hard guards every draft must pass before an agent sees it.

Each guard returns a `Check`; a draft with any failed check is dropped, never shown. The guards
are the product's safety promise, so they err on the side of rejecting: a fallback reply costs
the agent a little typing, a leaked card number or a promised $5,000 costs the brand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import yaml

from assistant.coach.classifiers import lexicon
from assistant.coach.guard_types import Check, GuardContext
from assistant.coach.meaning_guards import MEANING_GUARDS
from assistant.coach.policy_guard import check_policy
from assistant.config import lexicons_dir
from assistant.library.cases import Case, words
from assistant.text.language import LANGUAGE_NAMES, same_language
from assistant.text.pii import find_private_data
from assistant.text.sentences import sentence_spans

_META = re.compile(
    r"^\s*(?:here(?:'s| is) (?:a|the|my|your) (?:reply|response|draft)|reply:|response:|draft:"
    r"|sure[,!]|certainly[,!]|of course[,!])|\[(?:your|customer|agent|name|brand)[^\]]*\]"
    r"|\{\{?\s*\w+\s*\}?\}|<\|",
    re.I,
)
# Capitalised words that are never example-specific facts.
_ALWAYS_OK = {
    "i",
    "dm",
    "ok",
    "pm",
    "am",
    "hi",
    "hello",
    "dear",
    "thanks",
    "hola",
    "bonjour",
    "hallo",
    "sie",
    "ihnen",
    "ihr",
    "ihre",
    "usted",
}


def check_not_empty(reply: str, ctx: GuardContext) -> Check:
    ok = len(reply.strip()) >= 15
    return Check("not_empty", ok, "has content" if ok else "the draft is empty or a fragment")


def check_not_refusal(reply: str, ctx: GuardContext) -> Check:
    """No refusal or deflection ("I'm unable to assist", "contact another department", "as an
    AI": data/lexicons/claims.yaml) and no meta-text or placeholder."""
    refusal = lexicon("claims").first(reply, "refusal")
    if refusal:
        span = (refusal.start, refusal.end)
        return Check("not_refusal", False, f"reads as a refusal: {refusal.text.strip()!r}", span)
    m = _META.search(reply)
    if m:
        why = "meta-text or a placeholder"
        return Check("not_refusal", False, f"reads as {why}: {m.group().strip()!r}", m.span())
    return Check("not_refusal", True, "a direct reply")


def check_private_data(reply: str, ctx: GuardContext) -> Check:
    for item in find_private_data(reply):
        if ctx.channel.public or item.kind == "card":
            where = "a public" if ctx.channel.public else "any"
            return Check(
                "private_data",
                False,
                f"repeats a {item.kind} ({item.text!r}) on {where} channel",
                (item.start, item.end),
            )
    return Check("private_data", True, "repeats no private data")


def check_length(reply: str, ctx: GuardContext) -> Check:
    ok = len(reply) <= ctx.channel.limit
    return Check(
        "length",
        ok,
        f"{len(reply)} of {ctx.channel.limit} characters for {ctx.channel.name}",
        None if ok else (ctx.channel.limit, len(reply)),
    )


def check_language(reply: str, ctx: GuardContext) -> Check:
    ok = same_language(reply, ctx.language)
    name = LANGUAGE_NAMES.get(ctx.language, ctx.language)
    return Check("language", ok, f"in {name}" if ok else f"not in {name}, the customer's language")


def example_facts(example: Case, ctx: GuardContext) -> set[str]:
    """Names, numbers and proper nouns of an example that the new complaint does not contain."""
    known = set(
        words(
            " ".join(
                filter(
                    None,
                    [
                        ctx.complaint,
                        ctx.customer,
                        ctx.agent,
                        ctx.policy.brand,
                        ctx.policy.handle,
                        ctx.policy.private_channel,
                    ],
                )
            )
        )
    )
    known |= ctx.extra_allowed | _ALWAYS_OK
    facts: set[str] = set()
    for name in (example.customer, example.agent, example.brand):
        if name:
            facts.update(w for w in words(name) if w not in known and len(w) > 2)
    for text in (example.complaint, example.reply):
        for sentence in sentence_spans(text):
            tokens = re.findall(r"[\w'’]+", sentence.group())
            for i, token in enumerate(tokens):
                proper = i > 0 and token[:1].isupper() and not token.isupper()
                number = any(ch.isdigit() for ch in token) and len(token) >= 2
                if (proper or number) and token.lower() not in known:
                    facts.add(token.lower())
    return facts


# Distinctive words (5+ letters, not in data/lexicons/common_words.yaml) compared by their
# first 5 letters, so "cancelled"/"cancellation" count once.
STEM = 5
# On the train split, an independently written gold reply shares 6+ such stems with its nearest
# neighbour's complaint and reply (and not with its own complaint) 5% of the time (median 2);
# a draft that carries 6+ is retelling the example's story, not this customer's.
CARRIED_STEMS_LIMIT = 6


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    rows = yaml.safe_load((lexicons_dir() / "common_words.yaml").read_text("utf-8"))
    return frozenset(str(w).lower() for ws in rows.values() for w in ws)


def distinctive_stems(text: str) -> set[str]:
    common = _common_words()
    return {w[:STEM] for w in words(text) if len(w) >= STEM and w not in common}


def check_example_copy(reply: str, ctx: GuardContext) -> Check:
    reply_words = set(words(reply))
    reply_stems = distinctive_stems(reply) - distinctive_stems(ctx.complaint)
    for example in ctx.examples:
        carried = reply_stems & distinctive_stems(f"{example.complaint} {example.reply}")
        if len(carried) >= CARRIED_STEMS_LIMIT:
            word_of = {w[:STEM]: w for w in reversed(words(reply))}  # first occurrence wins
            shown = ", ".join(word_of[stem] for stem in sorted(carried)[:6])
            return Check(
                "example_copy",
                False,
                f"retells example {example.id} ({len(carried)} "
                f"of its details: {shown}...), not this complaint",
            )
    for example in ctx.examples:
        copied = sorted(example_facts(example, ctx) & reply_words)
        if copied:
            m = re.search(re.escape(copied[0]), reply, re.I)
            return Check(
                "example_copy",
                False,
                f"copies {', '.join(copied[:4])} from example "
                f"{example.id}, not from this complaint",
                m.span() if m else None,
            )
    return Check("example_copy", True, "uses only this complaint's facts")


def check_not_echo(reply: str, ctx: GuardContext) -> Check:
    """A draft that mostly repeats the complaint back (small models do) is not a reply."""
    reply_grams, complaint_grams = _four_grams(reply), _four_grams(ctx.complaint)
    if len(reply_grams) >= 4:
        shared = len(reply_grams & complaint_grams) / len(reply_grams)
        # Half the draft's 4-word sequences copied from the complaint: quoting one detail back
        # ("your flight to Rome was cancelled") stays far below this.
        if shared >= 0.5:
            return Check("not_echo", False, f"{shared:.0%} of the draft repeats the complaint")
    return Check("not_echo", True, "answers rather than repeats")


def _four_grams(text: str) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}


def check_no_loop(reply: str, ctx: GuardContext) -> Check:
    sentences = [" ".join(words(s.group())) for s in sentence_spans(reply)]
    repeated = [s for s, n in Counter(s for s in sentences if len(s) > 12).items() if n > 1]
    if repeated:
        return Check("no_loop", False, f"repeats the sentence {repeated[0]!r}")
    tokens = words(reply)
    grams = Counter(tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4))
    if grams and max(grams.values()) >= 3:
        return Check("no_loop", False, "repeats the same phrase three times or more")
    return Check("no_loop", True, "no repetition")


GUARDS = (
    check_not_empty,
    check_not_refusal,
    check_not_echo,
    check_private_data,
    check_policy,
    check_length,
    check_language,
    check_example_copy,
    check_no_loop,
    *MEANING_GUARDS,
)


def run_guards(reply: str, ctx: GuardContext) -> list[Check]:
    return [guard(reply, ctx) for guard in GUARDS]


def passed(checks: Sequence[Check]) -> bool:
    return all(c.passed for c in checks)
