"""The coach: reviews a reply against the service-recovery checklist and the hard guards.

    review = coach("We apologize for any inconvenience.", "You lost my suitcase...")
    review.score, [f.reason for f in review.findings if f.status == "fail"]

The checks themselves are in checklist.py (one rule per check, each a `Finding`); this module
matches what the reply repeats of the complaint (its key terms, which moves it makes), runs the
checks and the guards, and turns the findings into a 0-100 score with the points per check of
data/lexicons/checklist.yaml. No model is called: a review takes a few milliseconds, so the app
re-coaches on every keystroke and the drafter ranks candidates with `rank_score`.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from assistant.coach.analysis import Analysis, analyse
from assistant.coach.checklist import (
    CHECKS,
    SEVERITIES,
    STATUSES,
    CheckContext,
    Finding,
    first_hit,
    fix_text,
    guard_finding,
    settings,
    span_of,
)
from assistant.coach.classifiers import table
from assistant.coach.critic import ReplyCritic, critic_finding
from assistant.coach.guard_types import GuardContext
from assistant.coach.guards import run_guards
from assistant.coach.policy_words import ask_private, gesture_words
from assistant.coach.terms import common_words, key_terms, shared_terms
from assistant.errors import InputError
from assistant.library.policy import BrandPolicy, ChannelRule, Policies, load_policies
from assistant.library.vocabulary import MOVES as CASE_MOVES
from assistant.text.language import LANGUAGE_NAMES

# Importable from here as before the checks moved to checklist.py (UI, rewrite, tests use them).
__all__ = [
    "CHECKS",
    "MOVES",
    "SEVERITIES",
    "STATUSES",
    "Finding",
    "Review",
    "coach",
    "coach_cli",
    "detect_moves",
    "feeling_sentence",
    "fix_text",
    "format_review",
    "key_terms",
    "rank_score",
    "review_reply",
    "score_findings",
    "shared_terms",
    "topic",
]

# The library's moves (data/SCHEMA.md), which the coach detects; bench/coach_eval.py scores them.
MOVES = CASE_MOVES


@dataclass
class Review:
    score: int
    breakdown: dict[str, float]
    findings: list[Finding]
    analysis: Analysis

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "breakdown": self.breakdown,
            "findings": [f.to_dict() for f in self.findings],
            "analysis": self.analysis.to_dict(),
        }

    def finding(self, check: str) -> Finding | None:
        return next((f for f in self.findings if f.check == check), None)

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail"]


# -- what the reply does -----------------------------------------------------------------------


def _terms_needed(complaint: str, customer: str | None, language: str) -> int:
    rule = settings()["acknowledge"]
    available = len(key_terms(complaint, customer or "", language))
    return max(rule["min"], min(rule["max"], round(available / rule["per_terms"])))


def _name_span(reply: str, customer: str | None) -> tuple[int, int] | None:
    if not customer:
        return None
    first = customer.split()[0]
    m = re.search(rf"(?<!\w){re.escape(first)}(?!\w)", reply, re.I)
    return m.span() if m else None


def detect_moves(
    reply: str, complaint: str, analysis: Analysis, customer: str | None = None
) -> dict[str, tuple[int, int] | None]:
    """For each library move, the span of the reply that makes it, or None if it does not."""
    found: dict[str, tuple[int, int] | None] = {}
    for move in ("apology", "empathy", "ownership", "fix", "gesture", "follow_up"):
        found[move] = span_of(first_hit("moves", reply, move))
    found["move_private"] = span_of(first_hit("moves", reply, "move_private"))
    found["thanks"] = span_of(first_hit("moves", reply, "thanks"))
    shared = shared_terms(reply, complaint, customer or "", analysis.language)
    need = _terms_needed(complaint, customer, analysis.language)
    found["acknowledge_specific"] = span_of(shared[0][1]) if len(shared) >= need else None
    found["personalize"] = _name_span(reply, customer)
    return {move: found.get(move) for move in MOVES}


_POSSESSIVE = {
    "en": (r"\b(?:my|our)\s+", "your "),
    "es": (r"\b(?:mi|mis|nuestr[oa]s?)\s+", "tu "),
    "fr": (r"\b(?:mon|ma|mes|notre|nos)\s+", "votre "),
    "de": (r"\b(?:mein|meine|meinen|meinem|meiner|unser|unsere|unseren)\s+", "Ihr "),
}
_WHAT_HAPPENED = {
    "en": "what happened",
    "es": "lo que ha pasado",
    "fr": "ce qui s'est passé",
    "de": "das, was passiert ist",
}


def topic(complaint: str, language: str) -> str:
    """The complaint's main thing in the reply's voice ("your suitcase"), for fix texts."""
    pattern, owner = _POSSESSIVE.get(language, _POSSESSIVE["en"])
    for m in re.finditer(pattern + r"([\w'’-]+(?:\s+[\w'’-]+)?)", complaint, re.I):
        kept = []
        for word in m.group(1).split():
            if word.lower() in common_words(language) or len(word) < 3 or len(kept) == 2:
                break
            kept.append(word.strip(".,;:!?"))
        if kept and len(kept[0]) >= 3:
            return owner + " ".join(kept)
    terms = list(key_terms(complaint, language=language).values())
    return terms[0] if terms else _WHAT_HAPPENED.get(language, "what happened")


# -- scoring -----------------------------------------------------------------------------------


def _allocate(raw: dict[str, float], total: int) -> dict[str, float]:
    """Whole points per check that sum exactly to `total` (largest remainder)."""
    floors = {k: int(v) for k, v in raw.items()}
    left = total - sum(floors.values())
    order = sorted(raw, key=lambda k: (-(raw[k] - floors[k]), k))
    for key in order[: max(left, 0)]:
        floors[key] += 1
    return {k: float(v) for k, v in floors.items()}


def score_findings(findings: list[Finding], kind: str) -> tuple[int, dict[str, float]]:
    weights = settings()["weights"].get(kind) or settings()["weights"]["complaint"]
    applicable = [f for f in findings if f.check in weights and f.status != "n/a"]
    total_weight = sum(weights[f.check] for f in applicable) or 1
    factor = 1.0
    if any(f.status == "fail" and f.severity == "critical" for f in findings):
        factor = float(settings()["guard_factor"])
    raw = {
        f.check: (100.0 * weights[f.check] / total_weight if f.status == "pass" else 0.0) * factor
        for f in applicable
    }
    score = int(round(sum(raw.values())))
    return score, _allocate(raw, score)


# -- entry points ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_policies() -> Policies:
    from assistant.config import Settings

    return load_policies(Settings().data_dir)


@lru_cache(maxsize=256)
def _analysis(complaint: str, channel: str) -> Analysis:
    # Live coaching re-reviews the same complaint on every edit: analyse it once.
    return analyse(complaint, channel)


def fix_values(
    complaint: str,
    analysis: Analysis,
    rule: ChannelRule,
    policy: BrandPolicy,
    customer: str | None,
) -> dict:
    """The placeholders of data/lexicons/fixes.yaml for this complaint, in its language; the
    coach's fixes and the rewrites that insert them fill the same values."""
    ask = ask_private(analysis.language, policy.private_channel)
    return {
        "name": customer or "",
        "topic": topic(complaint, analysis.language),
        "feeling": feeling_sentence(analysis),
        "private": policy.private_channel,
        "ask_private": ask,
        "Ask_private": ask[:1].upper() + ask[1:],
        "gesture": gesture_words(policy, analysis.language),
        "limit": rule.limit,
        "language": LANGUAGE_NAMES.get(analysis.language, analysis.language),
    }


def review_reply(
    reply: str,
    complaint: str,
    analysis: Analysis,
    rule: ChannelRule,
    policy: BrandPolicy,
    customer: str | None = None,
    guards: bool = True,
    critic: ReplyCritic | None = None,
) -> Review:
    """The review of `reply` given an analysis already made (the drafter has one).

    `guards=False` scores the checklist alone, for replies the caller has already guarded.
    With a `critic`, the check "answers this complaint" joins the findings; when the critic
    rejects the reply it is a critical failure, so the score cannot stay high.
    """
    ctx = GuardContext(
        complaint=complaint,
        channel=rule,
        policy=policy,
        language=analysis.language,
        customer=customer,
        kind=analysis.kind,
    )
    guards = run_guards(reply, ctx) if guards else []
    c = CheckContext(
        reply=reply,
        complaint=complaint,
        analysis=analysis,
        rule=rule,
        policy=policy,
        customer=customer,
        guards=guards,
        values=fix_values(complaint, analysis, rule, policy, customer),
        names_something=bool(key_terms(complaint, customer or "", analysis.language)),
        shared=shared_terms(reply, complaint, customer or "", analysis.language),
        terms_needed=_terms_needed(complaint, customer, analysis.language),
        name_span=_name_span(reply, customer),
    )
    findings = [check(c) for check in CHECKS]
    findings += [guard_finding(g, c) for g in guards]
    if critic is not None and reply.strip():
        findings.append(critic_finding(critic, reply, complaint, rule.name, customer))
    score, breakdown = score_findings(findings, analysis.kind)
    return Review(score, breakdown, findings, analysis)


def feeling_sentence(analysis: Analysis) -> str:
    feelings = (table("fixes").get(analysis.language) or table("fixes")["en"])["feelings"]
    return feelings.get(analysis.top_emotion) or feelings["neutral"]


def coach(
    reply: str,
    complaint: str,
    channel: str = "twitter",
    policy: BrandPolicy | None = None,
    policies: Policies | None = None,
    customer: str | None = None,
    critic: ReplyCritic | None = None,
) -> Review:
    """Review `reply` to `complaint`: checklist findings, hard guards, a 0-100 score."""
    if not isinstance(reply, str):
        raise InputError(f"The reply must be text; got {type(reply).__name__}.")
    if not isinstance(complaint, str) or not complaint.strip():
        raise InputError("The complaint is empty. Paste the customer's message the reply answers.")
    policies = policies or default_policies()
    rule = policies.channel(channel)
    analysis = copy.deepcopy(_analysis(complaint, channel))
    return review_reply(
        reply, complaint, analysis, rule, policy or policies.default, customer, critic=critic
    )


def rank_score(reply: str, complaint: str, analysis: Analysis, channel: str) -> float:
    """The drafter's ranker: the coach score of a candidate that already passed the guards.

    The drafter guarded it with the brand's policy and its examples; re-running the guards here
    with the default policy (the signature carries no brand) would fail a voucher the brand
    allows, so the ranker scores the checklist alone.
    """
    policies = default_policies()
    rule, policy = policies.channel(channel), policies.default
    return float(review_reply(reply, complaint, analysis, rule, policy, guards=False).score)


# -- command line ------------------------------------------------------------------------------


def format_review(review: Review) -> str:
    lines = [f"score {review.score}/100"]
    width = max(len(f.check) for f in review.findings)
    for f in review.findings:
        span = f"  [{f.span[0]}:{f.span[1]}]" if f.span else ""
        lines.append(f"  {f.check:{width}}  {f.status:4}  {f.severity:8}  {f.reason}{span}")
        if f.fix:
            lines.append(f"  {'':{width}}  {'':4}  {'':8}  fix: {f.fix}")
    lines.append("analysis")
    for key, value in review.analysis.to_dict().items():
        lines.append(f"  {key:14} {value}")
    return "\n".join(lines)


def coach_cli(args) -> int:
    from assistant.config import Settings

    reply = sys.stdin.read() if args.reply == "-" else args.reply
    policies = load_policies(Settings.from_env().data_dir)
    review = coach(
        reply,
        args.complaint,
        channel=args.channel,
        policy=policies.for_brand(args.brand),
        policies=policies,
        customer=args.customer,
    )
    if args.json:
        print(json.dumps(review.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_review(review))
    return 0
