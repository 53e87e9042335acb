"""One-click rewrites of a reply: warmer, shorter, formal, ownership, no policy-speak, translate.

    result = rewrite("shorter", reply, complaint, channel="twitter")
    result.text, result.before, result.after, result.note

Five actions are deterministic, sentence-level edits driven by `data/lexicons/rewrite.yaml`
(phrases to drop, tighten or swap) and `fixes.yaml` (sentences to insert), so the same reply
always gets the same rewrite and a trainer can read why. `translate` asks a language model
(the `Generator` seam) with `prompts/rewrite_translate.j2`. Every result is re-checked by the
hard guards; a rewrite that fails one is not applied: the original comes back with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.backends.generation import Generator
from assistant.coach.classifiers import lexicon, table
from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import run_guards
from assistant.coach.review import (
    Review,
    coach,
    default_policies,
    fix_text,
    fix_values,
)
from assistant.config import Settings
from assistant.errors import InputError
from assistant.library.policy import BrandPolicy, Policies
from assistant.text.language import LANGUAGE_NAMES, detect_language
from assistant.text.prompts import render
from assistant.text.sentences import join, sentences

ACTIONS = ("warmer", "shorter", "formal", "ownership", "no_policy_speak", "translate")


@dataclass
class RewriteResult:
    action: str
    text: str
    before: int  # coach score of the reply as given
    after: int  # coach score of `text`
    review: Review  # the review of `text`
    note: str  # what changed, or why nothing did

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "text": self.text,
            "before": self.before,
            "after": self.after,
            "review": self.review.to_dict(),
            "note": self.note,
        }


@dataclass
class _Job:
    reply: str
    complaint: str
    review: Review  # of the reply as given
    language: str
    limit: int
    customer: str | None
    values: dict
    channel: str
    generator: Generator | None = None

    def rules(self, key: str):
        tables = table("rewrite")
        return (tables.get(self.language) or tables["en"]).get(key) or tables["en"].get(key)

    def sentence(self, key: str) -> str:
        return fix_text(key, self.language, **self.values) or ""


# -- sentences ---------------------------------------------------------------------------------


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _sub_all(text: str, pairs, flags=re.I) -> str:
    for pattern, replacement in pairs or ():
        text = re.sub(pattern, replacement, text, flags=flags)
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"([.!?])\1+", r"\1", text)
    text = re.sub(r"(?m)^[ \t]*[,.;:]\s*", "", text)
    return text.strip()


def _has(text: str, name: str, label: str) -> bool:
    return lexicon(name).has(text, label)


def _greeting_end(parts: list[str]) -> int:
    """How many leading parts are a greeting line ("Hi Rosa,", "Dear Mr Hahn,")."""
    if (
        parts
        and len(parts[0]) <= 40
        and re.search(r"[,:]$|^(?:hi|hello|dear|hola|bonjour|hallo)\b", parts[0], re.I)
    ):
        return 1
    return 0


def _insert_after_greeting(parts: list[str], sentence: str) -> list[str]:
    at = _greeting_end(parts)
    return parts[:at] + [sentence] + parts[at:]


# -- the actions -------------------------------------------------------------------------------


def _warmer(job: _Job) -> tuple[str, str]:
    changes = []
    text = _sub_all(job.reply, job.rules("warm"))
    if text != job.reply:
        changes.append("replaced stock or cold phrases")
    parts = sentences(text)
    analysis = job.review.analysis
    if analysis.kind == "praise":
        if not _has(text, "moves", "thanks"):
            parts = _insert_after_greeting(parts, job.sentence("thanks"))
            changes.append("thanked them")
    else:
        if "bereavement" in analysis.sensitive and not _has(text, "moves", "condolence"):
            parts = _insert_after_greeting(parts, job.sentence("condolence"))
            changes.append("offered condolence")
        if analysis.kind == "complaint" and not _has(text, "moves", "empathy"):
            parts = _insert_after_greeting(parts, job.values["feeling"])
            changes.append("named the feeling")
        if analysis.kind == "complaint" and not _has(" ".join(parts), "moves", "apology"):
            parts.insert(_greeting_end(parts) + 1, job.sentence("apology"))
            changes.append("added a specific apology")
    if job.customer and not re.search(rf"\b{re.escape(job.customer.split()[0])}\b", text, re.I):
        at = _greeting_end(parts)
        if at:
            parts[0] = re.sub(r"^(\w+)\b[^,:]*", rf"\1 {job.customer.split()[0]}", parts[0])
        elif parts:
            first = parts[0]
            lowered = first if re.match(r"I\b|I'", first) else first[:1].lower() + first[1:]
            parts[0] = f"{job.customer.split()[0]}, {lowered}"
        changes.append("used their name")
    result = _tidy(join(parts, job.reply))
    return result, ("; ".join(changes) or "already warm; nothing to change").capitalize()


def _priority(sentence: str, job: _Job) -> int:
    """How much a sentence is worth keeping when cutting (higher = keep)."""
    filler = any(re.search(p, sentence, re.I) for p in job.rules("filler_sentences") or ())
    if filler or _has(sentence, "faults", "template") or _has(sentence, "faults", "policy_speak"):
        return 0
    moves = lexicon("moves")
    value = 1
    for label, worth in (
        ("safety_first", 6),
        ("condolence", 6),
        ("apology", 4),
        ("ownership", 4),
        ("fix", 3),
        ("move_private", 3),
        ("empathy", 2),
        ("follow_up", 1),
        ("thanks", 1),
    ):
        if moves.has(sentence, label):
            value += worth
    return value


# Sentences worth this much carry a move (an apology, a commitment, the way to continue):
# "shorter" drops them only when nothing else gets the reply under the channel's hard limit.
_KEEP = 4


def _shorter(job: _Job) -> tuple[str, str]:
    original = len(job.reply)
    # Within the limit already: still aim for a quarter less, or it is not "shorter".
    target = job.limit if original > job.limit else int(original * 0.75)
    parts = [_tidy(_capital(_sub_all(p, job.rules("tighten")))) for p in sentences(job.reply)]
    ranked = sorted(range(len(parts)), key=lambda i: (_priority(parts[i], job), -i))

    def length() -> int:
        return len(join([p for p in parts if p], job.reply))

    dropped = 0
    for floor, goal in ((_KEEP, target), (10**6, job.limit)):
        for index in ranked:
            if length() <= goal:
                break
            if not parts[index] or _priority(parts[index], job) >= floor:
                continue
            if sum(1 for p in parts if p) <= 1:
                break
            parts[index] = ""
            dropped += 1
    text = _tidy(join([p for p in parts if p], job.reply))
    note = f"{original} -> {len(text)} characters"  # starts with a digit: nothing to capitalise
    if dropped:
        note += f"; dropped {dropped} sentence{'s' * (dropped > 1)}"
    if len(text) > job.limit:
        note += f"; still over the {job.limit}-character limit, cut it by hand"
    elif len(text) > target:
        note += "; the rest carries the apology and the next steps"
    return text, note


def _formal(job: _Job) -> tuple[str, str]:
    text = job.reply
    # Emoji and exclamation marks read casual in every language.
    emoji = r"[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]+"
    text = re.sub(emoji + r"\s+(?=[A-Z])", ". ", text)  # an emoji often ends a sentence
    text = re.sub(emoji, "", text)
    text = re.sub(r"!+", ".", text)
    text = _sub_all(text, job.rules("formal"), flags=re.I | re.M)
    text = re.sub(r"(?m)^(\w)", lambda m: m.group(1).upper(), text)
    text = re.sub(r"([.?]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
    text = _tidy(text)
    note = "Expanded contractions and removed casual words, emoji and exclamation marks"
    if job.language in ("es", "fr", "de"):
        note += "; the form of address (tú/usted, tu/vous, du/Sie) is left as written"
    return (text, note) if text != job.reply else (text, "Already formal; nothing to change")


def _ownership(job: _Job) -> tuple[str, str]:
    changes = []
    text = lexicon("faults").patterns["hollow_opener"].sub("", job.reply).lstrip(" ,.!")
    if text != job.reply:
        changes.append("dropped the hollow opener")
    before = text
    text = _sub_all(text, job.rules("first_person"))
    if text != before:
        changes.append("turned company-voice promises into first-person ones")
    parts = sentences(text)
    deflect = lexicon("faults").patterns["deflect"]
    kept = [p for p in parts if not deflect.search(p) or _has(p, "moves", "ownership")]
    if len(kept) < len(parts):
        changes.append("replaced 'contact someone else' with a promise to follow up yourself")
        parts = kept
        if not _has(" ".join(parts), "moves", "follow_up"):
            parts.append(job.sentence("follow_up"))
    if not _has(" ".join(parts), "moves", "ownership"):
        at = _greeting_end(parts) + (1 if len(parts) > _greeting_end(parts) else 0)
        parts.insert(at, job.sentence("ownership"))
        changes.append("added a first-person commitment")
    text = _tidy(_capital(join(parts, job.reply)))
    return text, ("; ".join(changes) or "already owns it; nothing to change").capitalize()


def _no_policy_speak(job: _Job) -> tuple[str, str]:
    parts = sentences(job.reply)
    clause = [re.compile(p, re.I) for p in job.rules("policy_clause") or ()]
    changed = removed = 0
    out = []
    for sentence in parts:
        if not _has(sentence, "faults", "policy_speak"):
            out.append(sentence)
            continue
        stripped = sentence
        for pattern in clause:
            stripped = pattern.sub("", stripped)
        stripped = _capital(stripped.strip())
        if stripped != sentence and not _has(stripped, "faults", "policy_speak"):
            out.append(stripped)
            changed += 1
        else:
            removed += 1  # the whole sentence is the policy excuse
    text = join(out, job.reply)
    if (removed or changed) and not (
        _has(text, "moves", "ownership") or _has(text, "moves", "fix")
    ):
        out.append(job.rules("policy_instead"))
        text = join(out, job.reply)
    if not (removed or changed):
        return job.reply, "No policy-speak found; nothing to change"
    note = []
    if changed:
        note.append(f"removed the policy wording from {changed} sentence{'s' * (changed > 1)}")
    if removed:
        note.append(f"dropped {removed} sentence{'s' * (removed > 1)} that only quoted policy")
    return _tidy(text), "; ".join(note).capitalize()


_PREAMBLE = re.compile(
    r"^\s*(?:here(?:'s| is) the translation|translation|traducción|traduction|übersetzung)"
    r"\s*(?:\([^)]*\))?\s*:\s*",
    re.I,
)


def _translate(job: _Job) -> tuple[str, str]:
    if job.generator is None:
        raise InputError(
            "The translate rewrite needs a language model: pass generator= (any "
            "assistant.backends.generation.Generator, e.g. the Assistant's). The other rewrites "
            f"({', '.join(a for a in ACTIONS if a != 'translate')}) need none."
        )
    name = LANGUAGE_NAMES.get(job.language, job.language)
    if detect_language(job.reply) == job.language:
        return job.reply, f"Already in {name}; nothing to translate"
    system = render(
        "rewrite_translate.j2",
        Settings().prompts_dir,
        language_name=name,
        customer=job.customer,
        channel=job.channel,
    )
    conversation = [
        {"role": "system", "content": system},
        {"role": "user", "content": job.reply},
    ]
    # ~3 characters a token and translations run ~20% longer than English; room for that.
    budget = min(600, len(job.reply) // 2 + 48)
    text = job.generator.generate_batch([conversation], budget)[0]
    text = _PREAMBLE.sub("", text.strip()).strip().strip('"“”«»').strip()
    return text, f"Translated into {name} by {getattr(job.generator, 'name', 'the model')}"


_ACTIONS: dict[str, Callable[[_Job], tuple[str, str]]] = {
    "warmer": _warmer,
    "shorter": _shorter,
    "formal": _formal,
    "ownership": _ownership,
    "no_policy_speak": _no_policy_speak,
    "translate": _translate,
}


def rewrite(
    action: str,
    reply: str,
    complaint: str,
    channel: str = "twitter",
    policy: BrandPolicy | None = None,
    policies: Policies | None = None,
    customer: str | None = None,
    generator: Generator | None = None,
) -> RewriteResult:
    """Apply one rewrite `action` to `reply`; the result passes the guards or is the original."""
    if action not in _ACTIONS:
        raise InputError(f"Unknown rewrite action {action!r}. Choose one of: {', '.join(ACTIONS)}.")
    if not isinstance(reply, str) or not reply.strip():
        raise InputError("The reply to rewrite is empty. Write or paste a draft first.")
    before = coach(reply, complaint, channel, policy, policies, customer)
    policies = policies or default_policies()
    rule = policies.channel(channel)
    policy = policy or policies.default
    analysis = before.analysis
    job = _Job(
        reply=reply,
        complaint=complaint,
        review=before,
        language=analysis.language,
        limit=rule.limit,
        customer=customer,
        values=fix_values(complaint, analysis, rule, policy, customer),
        channel=channel,
        generator=generator,
    )
    text, note = _ACTIONS[action](job)
    if text.strip() == reply.strip():
        return RewriteResult(action, reply, before.score, before.score, before, note)
    ctx = GuardContext(
        complaint=complaint,
        channel=rule,
        policy=policy,
        language=analysis.language,
        customer=customer,
    )
    failed = [c for c in run_guards(text, ctx) if not c.passed]
    if failed:
        why = "; ".join(f"{c.name}: {c.reason}" for c in failed)
        note = f"Kept the original: the {action} rewrite failed a guard ({why})"
        return RewriteResult(action, reply, before.score, before.score, before, note)
    after = coach(text, complaint, channel, policy, policies, customer)
    return RewriteResult(action, text, before.score, after.score, after, note)
