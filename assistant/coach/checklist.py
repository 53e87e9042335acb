"""The service-recovery checklist: one rule per check, each returning a `Finding`.

    findings = [check(context) for check in CHECKS]

Every check is a rule over the phrase lexicons in `data/lexicons/` (moves.yaml, faults.yaml) and
returns a `Finding` with a plain reason, the span of the reply it refers to and a suggested fix
(data/lexicons/fixes.yaml). Severities are in data/lexicons/checklist.yaml. The checks read a
`CheckContext` that `coaching.review_reply` builds: the key terms the reply shares with the
complaint are matched there (coaching.py), so this module only judges.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from assistant.coach.analysis import Analysis
from assistant.coach.classifiers import Hit, lexicon, table
from assistant.coach.guard_types import Check
from assistant.coach.sarcasm import QUOTED
from assistant.library.policy import BrandPolicy, ChannelRule
from assistant.text.money import amounts as find_amounts

STATUSES = ("pass", "fail", "n/a")
SEVERITIES = ("info", "minor", "major", "critical")


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


@lru_cache(maxsize=1)
def settings() -> dict:
    return table("checklist")


def fix_text(key: str, lang: str, **values) -> str | None:
    fixes = table("fixes")
    texts = fixes.get(lang) or fixes["en"]
    template = texts.get(key) or fixes["en"].get(key)
    return template.format_map(_Blank(values)).strip() if template else None


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def first_hit(name: str, text: str, label: str) -> Hit | None:
    return lexicon(name).first(text, label)


def _unquoted_fault(text: str, label: str) -> Hit | None:
    """The first hit of a fault that is the reply's own words, not a quotation."""
    quotes = [m.span() for m in QUOTED.finditer(text)]
    for hit in lexicon("faults").find(text, label):
        if not any(start <= hit.start < end for start, end in quotes):
            return hit
    return None


@dataclass
class CheckContext:
    reply: str
    complaint: str
    analysis: Analysis
    rule: ChannelRule
    policy: BrandPolicy
    customer: str | None
    guards: list[Check]
    values: dict  # placeholders for the fix texts
    # What the reply repeats of the complaint, matched in coaching.py (detect_moves shares it):
    names_something: bool  # the complaint has key terms at all (not just emoji or a name)
    shared: list[tuple[str, Hit]]  # complaint key terms the reply repeats, where it does
    terms_needed: int  # how many of them count as naming what happened
    name_span: tuple[int, int] | None  # where the reply uses the customer's first name

    def fix(self, key: str) -> str | None:
        return fix_text(key, self.analysis.language, **self.values)


def span_of(hit: Hit | None) -> tuple[int, int] | None:
    return (hit.start, hit.end) if hit else None


def _quote(hit: Hit | None, limit: int = 60) -> str:
    return repr(hit.text.strip()[:limit]) if hit else ""


def _finding(check: str, ok: bool, reason: str, span=None, fix: str | None = None) -> Finding:
    if ok:
        return Finding(check, "pass", "info", reason, span, None)
    return Finding(check, "fail", settings()["severity"].get(check, "minor"), reason, span, fix)


def _na(check: str, reason: str) -> Finding:
    return Finding(check, "n/a", "info", reason, None, None)


def check_acknowledge(c: CheckContext) -> Finding:
    if c.analysis.kind == "noise" and "spam" in c.analysis.cues:
        return _na("acknowledge_specific", "spam: nothing to acknowledge")
    if not c.names_something:
        return _na("acknowledge_specific", "the message names nothing specific (emoji or a name)")
    shared, need = c.shared, c.terms_needed
    fix = c.fix("acknowledge_specific")
    if len(shared) >= need:
        named = ", ".join(repr(hit.text) for _, hit in shared[:3])
        return _finding(
            "acknowledge_specific", True, f"names what happened: {named}", span_of(shared[0][1])
        )
    generic = first_hit("faults", c.reply, "generic")
    if generic:
        reason = f"says {_quote(generic)} instead of naming what happened"
        return _finding("acknowledge_specific", False, reason, span_of(generic), fix)
    reason = "does not name what happened; it could answer any complaint"
    return _finding("acknowledge_specific", False, reason, None, fix)


def check_empathy(c: CheckContext) -> Finding:
    if c.analysis.kind != "complaint":
        return _na("empathy", f"a {c.analysis.kind} has no hurt feeling to name")
    hit = first_hit("moves", c.reply, "empathy")
    if hit:
        return _finding(
            "empathy", True, f"names or reflects the feeling: {_quote(hit)}", span_of(hit)
        )
    feeling = c.analysis.top_emotion
    reason = "does not name or reflect how they feel" + (
        f" ({feeling})" if feeling != "neutral" else ""
    )
    return _finding("empathy", False, reason, None, c.fix("empathy"))


def check_condolence(c: CheckContext) -> Finding:
    if "bereavement" not in c.analysis.sensitive:
        return _na("condolence", "nobody died")
    hit = first_hit("moves", c.reply, "condolence")
    if hit:
        return _finding("condolence", True, f"offers condolence: {_quote(hit)}", span_of(hit))
    cue = (c.analysis.cues.get("bereavement") or ["a death"])[0]
    reason = f"someone died ({cue!r}) and the reply offers no condolence"
    return _finding("condolence", False, reason, None, c.fix("condolence"))


def check_safety_first(c: CheckContext) -> Finding:
    if "safety" not in c.analysis.sensitive:
        return _na("safety_first", "nobody was at risk")
    hit = first_hit("moves", c.reply, "safety_first")
    cue = (c.analysis.cues.get("safety") or ["a risk"])[0]
    # "First" = in the opening half: after the acknowledgement and apology is fine, after the
    # refund and the sign-off is not.
    if hit and hit.start <= max(len(c.reply) // 2, 160):
        return _finding("safety_first", True, f"puts safety first: {_quote(hit)}", span_of(hit))
    if hit:
        reason = f"mentions safety ({_quote(hit)}) only at the end; put it first"
        return _finding("safety_first", False, reason, span_of(hit), c.fix("safety_first"))
    reason = f"someone was at risk ({cue!r}); the reply does not check they are safe first"
    return _finding("safety_first", False, reason, None, c.fix("safety_first"))


def check_apology(c: CheckContext) -> Finding:
    apologies = lexicon("moves").find(c.reply, "apology")
    if c.analysis.kind != "complaint":
        if c.analysis.kind == "praise" and apologies:
            return _na("apology", "praise needs thanks, not an apology (this reply apologises)")
        return _na("apology", f"a {c.analysis.kind} needs no apology")
    stock = lexicon("moves").find(c.reply, "stock_apology")
    meant = [a for a in apologies if not any(s.start <= a.start < s.end for s in stock)]
    if meant:
        return _finding("apology", True, f"apologises: {_quote(meant[0])}", span_of(meant[0]))
    if stock:
        reason = f"a stock apology ({_quote(stock[0])}) that names nothing"
        return _finding("apology", False, reason, span_of(stock[0]), c.fix("apology"))
    return _finding("apology", False, "no apology for what happened", None, c.fix("apology"))


def check_thanks(c: CheckContext) -> Finding:
    if c.analysis.kind != "praise":
        return _na("thanks", f"thanks are optional for a {c.analysis.kind}")
    hit = first_hit("moves", c.reply, "thanks")
    if hit:
        return _finding("thanks", True, f"thanks them: {_quote(hit)}", span_of(hit))
    apology = first_hit("moves", c.reply, "apology")
    if apology:
        reason = f"apologises ({_quote(apology)}) to someone who is thanking you"
        return _finding("thanks", False, reason, span_of(apology), c.fix("apology_praise"))
    return _finding("thanks", False, "does not thank them for the praise", None, c.fix("thanks"))


def check_ownership(c: CheckContext) -> Finding:
    if c.analysis.kind in ("noise", "question"):
        return _na("ownership", f"a {c.analysis.kind} needs an answer, not ownership")
    hit = first_hit("moves", c.reply, "ownership")
    if hit:
        return _finding(
            "ownership", True, f"owns it in the first person: {_quote(hit)}", span_of(hit)
        )
    hollow = first_hit("faults", c.reply, "hollow_opener")
    if hollow:
        reason = f"opens with {_quote(hollow)} and commits to nothing in the first person"
        return _finding("ownership", False, reason, span_of(hollow), c.fix("ownership"))
    reason = 'no first-person commitment ("I\'ll...", "I\'ve..."); it reads as passive'
    return _finding("ownership", False, reason, None, c.fix("ownership"))


def check_fix(c: CheckContext) -> Finding:
    if c.analysis.kind in ("noise", "praise"):
        return _na("fix", f"a {c.analysis.kind} needs no fix")
    fixes = lexicon("moves").find(c.reply, "fix")
    deflections = lexicon("faults").find(c.reply, "deflect")
    real = [f for f in fixes if not any(d.start <= f.start < d.end for d in deflections)]
    if real:
        return _finding(
            "fix", True, f"gives a concrete next step: {_quote(real[0])}", span_of(real[0])
        )
    if deflections:
        reason = f"sends them elsewhere ({_quote(deflections[0])}) instead of acting"
        return _finding("fix", False, reason, span_of(deflections[0]), c.fix("fix"))
    return _finding("fix", False, "no concrete next step or fix", None, c.fix("fix"))


def check_gesture(c: CheckContext) -> Finding:
    if c.analysis.kind != "complaint":
        return _na("gesture", f"a {c.analysis.kind} needs no gesture")
    policy_check = next((g for g in c.guards if g.name == "policy"), None)
    hit = first_hit("moves", c.reply, "gesture")
    if policy_check is not None and not policy_check.passed:
        reason = f"the offer goes beyond policy: {policy_check.reason}"
        return _finding("gesture", False, reason, policy_check.span, c.fix("gesture"))
    if hit:
        return _finding("gesture", True, f"offers a goodwill gesture: {_quote(hit)}", span_of(hit))
    if c.analysis.severity >= 3 and c.policy.max_gesture > 0:
        reason = (
            f"serious harm and the policy allows a gesture ({c.values['gesture']}); none is offered"
        )
        return _finding("gesture", False, reason, None, c.fix("gesture"))
    return _na("gesture", "no gesture needed")


def check_follow_up(c: CheckContext) -> Finding:
    if c.analysis.kind == "praise":
        return _na("follow_up", "praise needs no next step")
    hit = first_hit("moves", c.reply, "follow_up")
    private = first_hit("moves", c.reply, "move_private")
    if hit or private:
        first = min((h for h in (hit, private) if h), key=lambda h: h.start)
        return _finding(
            "follow_up", True, f"keeps the conversation going: {_quote(first)}", span_of(first)
        )
    if c.rule.public and (c.analysis.private_data or c.analysis.kind == "complaint"):
        reason = (
            "ends the conversation on a public channel: no next contact and no "
            f"{c.policy.private_channel}"
        )
        return _finding("follow_up", False, reason, None, c.fix("move_private"))
    reason = "ends the conversation: no next contact and no invitation to reply"
    return _finding("follow_up", False, reason, None, c.fix("follow_up"))


def check_invite(c: CheckContext) -> Finding:
    if c.analysis.kind != "noise":
        return _na("invite", "only stray messages need just an open door")
    hit = first_hit("moves", c.reply, "invite")
    if hit:
        return _finding(
            "invite", True, f"leaves the door open politely: {_quote(hit)}", span_of(hit)
        )
    reason = "a stray message needs a polite question or an open door"
    return _finding("invite", False, reason, None, c.fix("invite"))


def check_personal(c: CheckContext) -> Finding:
    template = first_hit("faults", c.reply, "template")
    if template:
        reason = f"reads as a template ({_quote(template)})"
        return _finding("personal", False, reason, span_of(template), c.fix("personal"))
    if c.customer:
        span = c.name_span
        if span:
            return _finding("personal", True, f"uses their name ({c.customer})", span)
        reason = f"does not use their name ({c.customer})"
        return _finding("personal", False, reason, None, c.fix("personal"))
    return _finding("personal", True, "no stock template lines (their name is not known)")


def _fault_check(check: str, labels: tuple[str, ...], what: str, ok: str):
    def run(c: CheckContext) -> Finding:
        for label in labels:
            hit = _unquoted_fault(c.reply, label)
            if hit:
                reason = f"{what[label]}: {_quote(hit)}"
                return _finding(check, False, reason, span_of(hit), c.fix(check))
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


def _amounts(text: str) -> dict[str, Hit]:
    found = {}
    for m in find_amounts(text):
        digits = re.sub(r"[.,]\d{2}$", "", m.number).replace(",", "").replace(".", "")
        found.setdefault(digits, Hit("amount", m.start, m.end, m.text))
    return found


def check_no_over_promise(c: CheckContext) -> Finding:
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
            return _finding(
                "no_over_promise", False, reason, span_of(hit), c.fix("no_over_promise")
            )
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


def guard_finding(check: Check, c: CheckContext) -> Finding:
    if check.passed:
        return Finding(check.name, "pass", "info", check.reason, check.span, None)
    # A guard added after fixes.yaml was written still gets a usable fix: its own reason.
    fix = c.fix(f"guard_{check.name}") or f"Fix this before sending: {check.reason}."
    return Finding(check.name, "fail", "critical", check.reason, check.span, fix)
