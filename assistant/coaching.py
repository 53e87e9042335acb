"""The coach: reviews a reply against the service-recovery checklist and the hard guards.

    review = coach("We apologize for any inconvenience.", "You lost my suitcase...")
    review.score, [f.reason for f in review.findings if f.status == "fail"]

Every check is a rule over the phrase lexicons in `data/lexicons/` (moves.yaml, faults.yaml) and
returns a `Finding` with a plain reason, the span of the reply it refers to and a suggested fix
(data/lexicons/fixes.yaml). Points per check and severities are in data/lexicons/checklist.yaml.
No model is called: a review takes a few milliseconds, so the app re-coaches on every keystroke
and the drafter ranks candidates with `rank_score`.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache

from .analysis import QUOTED, Analysis, analyse
from .cases import words
from .classifiers import Hit, lexicon, table
from .errors import InputError
from .guards import Check, GuardContext, run_guards
from .language import LANGUAGE_NAMES
from .policy import BrandPolicy, ChannelRule, Policies, load_policies

STATUSES = ("pass", "fail", "n/a")
SEVERITIES = ("info", "minor", "major", "critical")
# The library's moves, as the coach detects them (bench/coach_eval.py scores these).
MOVES = (
    "acknowledge_specific",
    "empathy",
    "apology",
    "ownership",
    "fix",
    "gesture",
    "follow_up",
    "move_private",
    "personalize",
    "thanks",
)


@dataclass
class Finding:
    check: str
    status: str  # "pass" | "fail" | "n/a"
    severity: str  # "info" | "minor" | "major" | "critical"
    reason: str
    span: tuple[int, int] | None = None
    fix: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["span"] = list(self.span) if self.span else None
        return data


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

_WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")


@lru_cache(maxsize=8)
def _common(language: str | None = None) -> frozenset[str]:
    """Words that name nothing specific: those of `language`, or of all four when None."""
    lists = table("common_words")
    chosen = [lists[language]] if language in lists else list(lists.values())
    return frozenset(str(w).lower() for ws in chosen for w in ws)


def _stem(word: str) -> str:
    """A crude stem good enough across en/es/fr/de: the first five letters, no possessive."""
    return re.sub(r"'s$", "", word.lower().replace("’", "'"))[:5]


@lru_cache(maxsize=8)
def _common_stems(language: str | None) -> frozenset[str]:
    return frozenset(_stem(w) for w in _common(language) if len(w) >= 5)


@lru_cache(maxsize=512)
def key_terms(text: str, exclude: str = "", language: str | None = None) -> dict[str, str]:
    """The text's specific words (stem -> first form): not function words, names or brand.

    Cached: a review asks for the complaint's terms several times (do not mutate the result).
    """
    common = _common(language)
    skip = {_stem(w) for w in words(exclude)} | _common_stems(language)
    terms: dict[str, str] = {}
    for m in _WORD.finditer(text):
        word = m.group().strip("'’-")
        if len(word) < 3 or word.lower() in common or word.startswith("@"):
            continue
        stem = _stem(word)
        if stem not in skip:
            terms.setdefault(stem, word)
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 2:  # amounts, times, dates: "45", "6pm", "18:00"; not "a 1-star"
            terms.setdefault(f"#{digits}", m.group())
    return terms


def shared_terms(
    reply: str, complaint: str, exclude: str = "", language: str | None = None
) -> list[tuple[str, Hit]]:
    """Complaint key terms the reply repeats, with where they are in the reply."""
    wanted = key_terms(complaint, exclude, language)
    found: list[tuple[str, Hit]] = []
    seen: set[str] = set()
    for m in _WORD.finditer(reply):
        stem = _stem(m.group().strip("'’-"))
        if stem in wanted and stem not in seen and len(m.group()) >= 3:
            seen.add(stem)
            found.append((wanted[stem], Hit("term", m.start(), m.end(), m.group())))
    for m in _NUMBER.finditer(reply):
        key = "#" + re.sub(r"\D", "", m.group())
        if key in wanted and key not in seen:
            seen.add(key)
            found.append((wanted[key], Hit("term", m.start(), m.end(), m.group())))
    return found


def _terms_needed(complaint: str, customer: str | None, language: str) -> int:
    rule = _settings()["acknowledge"]
    available = len(key_terms(complaint, customer or "", language))
    return max(rule["min"], min(rule["max"], round(available / rule["per_terms"])))


def _first(name: str, text: str, label: str) -> Hit | None:
    return lexicon(name).first(text, label)


def _unquoted_fault(text: str, label: str) -> Hit | None:
    """The first hit of a fault that is the reply's own words, not a quotation."""
    quotes = [m.span() for m in QUOTED.finditer(text)]
    for hit in lexicon("faults").find(text, label):
        if not any(start <= hit.start < end for start, end in quotes):
            return hit
    return None


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
        found[move] = _span(_first("moves", reply, move))
    found["move_private"] = _span(_first("moves", reply, "move_private"))
    found["thanks"] = _span(_first("moves", reply, "thanks"))
    shared = shared_terms(reply, complaint, customer or "", analysis.language)
    need = _terms_needed(complaint, customer, analysis.language)
    found["acknowledge_specific"] = _span(shared[0][1]) if len(shared) >= need else None
    found["personalize"] = _name_span(reply, customer)
    return {move: found.get(move) for move in MOVES}


# -- the checklist -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _settings() -> dict:
    return table("checklist")


def fix_text(key: str, lang: str, **values) -> str | None:
    fixes = table("fixes")
    texts = fixes.get(lang) or fixes["en"]
    template = texts.get(key) or fixes["en"].get(key)
    return template.format_map(_Blank(values)).strip() if template else None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


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
            if word.lower() in _common(language) or len(word) < 3 or len(kept) == 2:
                break
            kept.append(word.strip(".,;:!?"))
        if kept and len(kept[0]) >= 3:
            return owner + " ".join(kept)
    terms = list(key_terms(complaint, language=language).values())
    return terms[0] if terms else _WHAT_HAPPENED.get(language, "what happened")


@dataclass
class _Context:
    reply: str
    complaint: str
    analysis: Analysis
    rule: ChannelRule
    policy: BrandPolicy
    customer: str | None
    guards: list[Check]
    values: dict  # placeholders for the fix texts

    def fix(self, key: str) -> str | None:
        return fix_text(key, self.analysis.language, **self.values)


def _span(hit: Hit | None) -> tuple[int, int] | None:
    return (hit.start, hit.end) if hit else None


def _quote(hit: Hit | None, limit: int = 60) -> str:
    return repr(hit.text.strip()[:limit]) if hit else ""


def _finding(check: str, ok: bool, reason: str, span=None, fix: str | None = None) -> Finding:
    if ok:
        return Finding(check, "pass", "info", reason, span, None)
    return Finding(check, "fail", _settings()["severity"].get(check, "minor"), reason, span, fix)


def _na(check: str, reason: str) -> Finding:
    return Finding(check, "n/a", "info", reason, None, None)


def check_acknowledge(c: _Context) -> Finding:
    if c.analysis.kind == "noise" and "spam" in c.analysis.cues:
        return _na("acknowledge_specific", "spam: nothing to acknowledge")
    lang = c.analysis.language
    if not key_terms(c.complaint, c.customer or "", lang):
        return _na("acknowledge_specific", "the message names nothing specific (emoji or a name)")
    shared = shared_terms(c.reply, c.complaint, c.customer or "", lang)
    need = _terms_needed(c.complaint, c.customer, lang)
    fix = c.fix("acknowledge_specific")
    if len(shared) >= need:
        named = ", ".join(repr(hit.text) for _, hit in shared[:3])
        return _finding(
            "acknowledge_specific", True, f"names what happened: {named}", _span(shared[0][1])
        )
    generic = _first("faults", c.reply, "generic")
    if generic:
        reason = f"says {_quote(generic)} instead of naming what happened"
        return _finding("acknowledge_specific", False, reason, _span(generic), fix)
    reason = "does not name what happened; it could answer any complaint"
    return _finding("acknowledge_specific", False, reason, None, fix)


def check_empathy(c: _Context) -> Finding:
    if c.analysis.kind != "complaint":
        return _na("empathy", f"a {c.analysis.kind} has no hurt feeling to name")
    hit = _first("moves", c.reply, "empathy")
    if hit:
        return _finding(
            "empathy", True, f"names or reflects the feeling: {_quote(hit)}", _span(hit)
        )
    feeling = c.analysis.top_emotion
    reason = "does not name or reflect how they feel" + (
        f" ({feeling})" if feeling != "neutral" else ""
    )
    return _finding("empathy", False, reason, None, c.fix("empathy"))


def check_condolence(c: _Context) -> Finding:
    if "bereavement" not in c.analysis.sensitive:
        return _na("condolence", "nobody died")
    hit = _first("moves", c.reply, "condolence")
    if hit:
        return _finding("condolence", True, f"offers condolence: {_quote(hit)}", _span(hit))
    cue = (c.analysis.cues.get("bereavement") or ["a death"])[0]
    reason = f"someone died ({cue!r}) and the reply offers no condolence"
    return _finding("condolence", False, reason, None, c.fix("condolence"))


def check_safety_first(c: _Context) -> Finding:
    if "safety" not in c.analysis.sensitive:
        return _na("safety_first", "nobody was at risk")
    hit = _first("moves", c.reply, "safety_first")
    cue = (c.analysis.cues.get("safety") or ["a risk"])[0]
    # "First" = in the opening half: after the acknowledgement and apology is fine, after the
    # refund and the sign-off is not.
    if hit and hit.start <= max(len(c.reply) // 2, 160):
        return _finding("safety_first", True, f"puts safety first: {_quote(hit)}", _span(hit))
    if hit:
        reason = f"mentions safety ({_quote(hit)}) only at the end; put it first"
        return _finding("safety_first", False, reason, _span(hit), c.fix("safety_first"))
    reason = f"someone was at risk ({cue!r}); the reply does not check they are safe first"
    return _finding("safety_first", False, reason, None, c.fix("safety_first"))


def check_apology(c: _Context) -> Finding:
    apologies = lexicon("moves").find(c.reply, "apology")
    if c.analysis.kind != "complaint":
        if c.analysis.kind == "praise" and apologies:
            return _na("apology", "praise needs thanks, not an apology (this reply apologises)")
        return _na("apology", f"a {c.analysis.kind} needs no apology")
    stock = lexicon("moves").find(c.reply, "stock_apology")
    meant = [a for a in apologies if not any(s.start <= a.start < s.end for s in stock)]
    if meant:
        return _finding("apology", True, f"apologises: {_quote(meant[0])}", _span(meant[0]))
    if stock:
        reason = f"a stock apology ({_quote(stock[0])}) that names nothing"
        return _finding("apology", False, reason, _span(stock[0]), c.fix("apology"))
    return _finding("apology", False, "no apology for what happened", None, c.fix("apology"))


def check_thanks(c: _Context) -> Finding:
    if c.analysis.kind != "praise":
        return _na("thanks", f"thanks are optional for a {c.analysis.kind}")
    hit = _first("moves", c.reply, "thanks")
    if hit:
        return _finding("thanks", True, f"thanks them: {_quote(hit)}", _span(hit))
    apology = _first("moves", c.reply, "apology")
    if apology:
        reason = f"apologises ({_quote(apology)}) to someone who is thanking you"
        return _finding("thanks", False, reason, _span(apology), c.fix("apology_praise"))
    return _finding("thanks", False, "does not thank them for the praise", None, c.fix("thanks"))


def check_ownership(c: _Context) -> Finding:
    if c.analysis.kind in ("noise", "question"):
        return _na("ownership", f"a {c.analysis.kind} needs an answer, not ownership")
    hit = _first("moves", c.reply, "ownership")
    if hit:
        return _finding(
            "ownership", True, f"owns it in the first person: {_quote(hit)}", _span(hit)
        )
    hollow = _first("faults", c.reply, "hollow_opener")
    if hollow:
        reason = f"opens with {_quote(hollow)} and commits to nothing in the first person"
        return _finding("ownership", False, reason, _span(hollow), c.fix("ownership"))
    reason = 'no first-person commitment ("I\'ll...", "I\'ve..."); it reads as passive'
    return _finding("ownership", False, reason, None, c.fix("ownership"))


def check_fix(c: _Context) -> Finding:
    if c.analysis.kind in ("noise", "praise"):
        return _na("fix", f"a {c.analysis.kind} needs no fix")
    fixes = lexicon("moves").find(c.reply, "fix")
    deflections = lexicon("faults").find(c.reply, "deflect")
    real = [f for f in fixes if not any(d.start <= f.start < d.end for d in deflections)]
    if real:
        return _finding(
            "fix", True, f"gives a concrete next step: {_quote(real[0])}", _span(real[0])
        )
    if deflections:
        reason = f"sends them elsewhere ({_quote(deflections[0])}) instead of acting"
        return _finding("fix", False, reason, _span(deflections[0]), c.fix("fix"))
    return _finding("fix", False, "no concrete next step or fix", None, c.fix("fix"))


def check_gesture(c: _Context) -> Finding:
    if c.analysis.kind != "complaint":
        return _na("gesture", f"a {c.analysis.kind} needs no gesture")
    policy_check = next((g for g in c.guards if g.name == "policy"), None)
    hit = _first("moves", c.reply, "gesture")
    if policy_check is not None and not policy_check.passed:
        reason = f"the offer goes beyond policy: {policy_check.reason}"
        return _finding("gesture", False, reason, policy_check.span, c.fix("gesture"))
    if hit:
        return _finding("gesture", True, f"offers a goodwill gesture: {_quote(hit)}", _span(hit))
    if c.analysis.severity >= 3 and c.policy.max_gesture > 0:
        reason = (
            f"serious harm and the policy allows a gesture ({c.values['gesture']}); none is offered"
        )
        return _finding("gesture", False, reason, None, c.fix("gesture"))
    return _na("gesture", "no gesture needed")


def check_follow_up(c: _Context) -> Finding:
    if c.analysis.kind == "praise":
        return _na("follow_up", "praise needs no next step")
    hit = _first("moves", c.reply, "follow_up")
    private = _first("moves", c.reply, "move_private")
    if hit or private:
        first = min((h for h in (hit, private) if h), key=lambda h: h.start)
        return _finding(
            "follow_up", True, f"keeps the conversation going: {_quote(first)}", _span(first)
        )
    if c.rule.public and (c.analysis.private_data or c.analysis.kind == "complaint"):
        reason = (
            "ends the conversation on a public channel: no next contact and no "
            f"{c.policy.private_channel}"
        )
        return _finding("follow_up", False, reason, None, c.fix("move_private"))
    reason = "ends the conversation: no next contact and no invitation to reply"
    return _finding("follow_up", False, reason, None, c.fix("follow_up"))


def check_invite(c: _Context) -> Finding:
    if c.analysis.kind != "noise":
        return _na("invite", "only stray messages need just an open door")
    hit = _first("moves", c.reply, "invite")
    if hit:
        return _finding("invite", True, f"leaves the door open politely: {_quote(hit)}", _span(hit))
    reason = "a stray message needs a polite question or an open door"
    return _finding("invite", False, reason, None, c.fix("invite"))


def check_personal(c: _Context) -> Finding:
    template = _first("faults", c.reply, "template")
    if template:
        reason = f"reads as a template ({_quote(template)})"
        return _finding("personal", False, reason, _span(template), c.fix("personal"))
    if c.customer:
        span = _name_span(c.reply, c.customer)
        if span:
            return _finding("personal", True, f"uses their name ({c.customer})", span)
        reason = f"does not use their name ({c.customer})"
        return _finding("personal", False, reason, None, c.fix("personal"))
    return _finding("personal", True, "no stock template lines (their name is not known)")


def _fault_check(check: str, labels: tuple[str, ...], what: str, ok: str):
    def run(c: _Context) -> Finding:
        for label in labels:
            hit = _unquoted_fault(c.reply, label)
            if hit:
                reason = f"{what[label]}: {_quote(hit)}"
                return _finding(check, False, reason, _span(hit), c.fix(check))
        return _finding(check, True, ok)

    run.__name__ = f"check_{check}"
    return run


check_no_blame = _fault_check(
    "no_blame",
    ("blame", "defensive"),
    {"blame": "blames the customer", "defensive": "defends the company instead of owning it"},
    "no blame or defensiveness",
)
check_no_dismissal = _fault_check(
    "no_dismissal",
    ("dismissal",),
    {"dismissal": "plays it down or dismisses it"},
    "takes it seriously",
)
check_no_policy_speak = _fault_check(
    "no_policy_speak",
    ("policy_speak",),
    {"policy_speak": "hides behind policy"},
    "no policy-speak",
)
_no_over_promise_phrases = _fault_check(
    "no_over_promise",
    ("over_promise",),
    {"over_promise": "promises what may not be in your gift"},
    "promises only what it can keep",
)
_AMOUNT = re.compile(
    r"[$£€]\s?(\d[\d,.]*\d|\d)|(\d[\d,.]*\d|\d)\s?(?:€|euros?|dollars?|pounds?)", re.I
)


def _amounts(text: str) -> dict[str, Hit]:
    found = {}
    for m in _AMOUNT.finditer(text):
        digits = (
            re.sub(r"[.,]\d{2}$", "", m.group(1) or m.group(2)).replace(",", "").replace(".", "")
        )
        found.setdefault(digits, Hit("amount", m.start(), m.end(), m.group()))
    return found


def check_no_over_promise(c: _Context) -> Finding:
    """Giving in to a demand beyond policy ("plus $3,000") is an over-promise even when the
    guard lets it through because the complaint named the sum."""
    demanded: dict[str, Hit] = {}
    for hit in lexicon("sensitive").find(c.complaint, "beyond_policy"):
        start = max(c.complaint.rfind(ch, 0, hit.start) for ch in ".!?\n") + 1
        ends = [i for i in (c.complaint.find(ch, hit.end) for ch in ".!?\n") if i >= 0]
        demanded.update(_amounts(c.complaint[start : min(ends, default=len(c.complaint))]))
    offered = _amounts(c.reply)
    for digits, hit in offered.items():
        if digits in demanded and c.policy.max_gesture < float(digits or 0):
            negation = c.reply[max(0, hit.start - 40) : hit.start].lower()
            if re.search(
                r"can(?:no|')t|not able|unable|won't|no puedo|ne peux|kann nicht", negation
            ):
                continue  # "I can't offer $3,000" declines the demand
            reason = f"gives in to the demand for {hit.text}, beyond what the policy allows"
            return _finding("no_over_promise", False, reason, _span(hit), c.fix("no_over_promise"))
    return _no_over_promise_phrases(c)


CHECKS = (
    check_acknowledge,
    check_empathy,
    check_condolence,
    check_safety_first,
    check_apology,
    check_thanks,
    check_ownership,
    check_fix,
    check_gesture,
    check_follow_up,
    check_invite,
    check_personal,
    check_no_blame,
    check_no_dismissal,
    check_no_policy_speak,
    check_no_over_promise,
)


def _guard_finding(check: Check, c: _Context) -> Finding:
    if check.passed:
        return Finding(check.name, "pass", "info", check.reason, check.span, None)
    # A guard added after fixes.yaml was written still gets a usable fix: its own reason.
    fix = c.fix(f"guard_{check.name}") or f"Fix this before sending: {check.reason}."
    return Finding(check.name, "fail", "critical", check.reason, check.span, fix)


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
    weights = _settings()["weights"].get(kind) or _settings()["weights"]["complaint"]
    applicable = [f for f in findings if f.check in weights and f.status != "n/a"]
    total_weight = sum(weights[f.check] for f in applicable) or 1
    factor = 1.0
    if any(f.status == "fail" and f.severity == "critical" for f in findings):
        factor = float(_settings()["guard_factor"])
    raw = {
        f.check: (100.0 * weights[f.check] / total_weight if f.status == "pass" else 0.0) * factor
        for f in applicable
    }
    score = int(round(sum(raw.values())))
    return score, _allocate(raw, score)


# -- entry points ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_policies() -> Policies:
    from .config import Settings

    return load_policies(Settings().data_dir)


@lru_cache(maxsize=256)
def _analysis(complaint: str, channel: str) -> Analysis:
    # Live coaching re-reviews the same complaint on every edit: analyse it once.
    return analyse(complaint, channel)


def review_reply(
    reply: str,
    complaint: str,
    analysis: Analysis,
    rule: ChannelRule,
    policy: BrandPolicy,
    customer: str | None = None,
    guards: bool = True,
) -> Review:
    """The review of `reply` given an analysis already made (the drafter has one).

    `guards=False` scores the checklist alone, for replies the caller has already guarded.
    """
    ctx = GuardContext(
        complaint=complaint,
        channel=rule,
        policy=policy,
        language=analysis.language,
        customer=customer,
    )
    guards = run_guards(reply, ctx) if guards else []
    gesture = f"up to {policy.max_gesture:g} {policy.currency}" if policy.max_gesture else "none"
    c = _Context(
        reply=reply,
        complaint=complaint,
        analysis=analysis,
        rule=rule,
        policy=policy,
        customer=customer,
        guards=guards,
        values={
            "name": customer or "",
            "topic": topic(complaint, analysis.language),
            "feeling": feeling_sentence(analysis),
            "private": policy.private_channel,
            "gesture": gesture,
            "limit": rule.limit,
            "language": LANGUAGE_NAMES.get(analysis.language, analysis.language),
        },
    )
    findings = [check(c) for check in CHECKS]
    findings += [_guard_finding(g, c) for g in guards]
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
) -> Review:
    """Review `reply` to `complaint`: checklist findings, hard guards, a 0-100 score."""
    if not isinstance(reply, str):
        raise InputError(f"The reply must be text; got {type(reply).__name__}.")
    if not isinstance(complaint, str) or not complaint.strip():
        raise InputError("The complaint is empty. Paste the customer's message the reply answers.")
    policies = policies or default_policies()
    rule = policies.channel(channel)
    analysis = copy.deepcopy(_analysis(complaint, channel))
    return review_reply(reply, complaint, analysis, rule, policy or policies.default, customer)


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
    from .config import Settings

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
