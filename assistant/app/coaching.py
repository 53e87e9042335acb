"""Live coaching on the desk: the page's view of a review, and the one-click fixes.

`coach_view` turns a `coaching.Review` into what the page shows (score, checklist, marked spans,
character counter, fix buttons); `apply_fix` puts a fix's sentence where it reads well. Plain
functions, no Gradio.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from assistant.coach.classifiers import table
from assistant.errors import InputError

# Fix buttons on the page: more than three crowds a laptop screen; the checklist lists the rest.
MAX_FIXES = 3
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "info": 3}
STATUS_MARK = {"pass": "✓", "fail": "✗", "n/a": "–"}
# Where a failed check's suggested sentence goes when the agent clicks its fix. Checks not here
# (and not in FIX_REWRITES) come with advice ("Name what happened..."), which the checklist shows
# but a click must never paste into a reply.
FIX_PLACES = {
    "apology": "replace",  # swap the stock apology the coach marked, else open with the fix
    "ownership": "replace",  # swap the hollow opener, else open with the commitment
    "empathy": "start",
    "condolence": "start",
    "safety_first": "start",
    "thanks": "start",  # only without a span: with one, the fix is advice (drop the apology)
    "follow_up": "end",
    "invite": "end",
}
# Checks a whole rewrite fixes better than one sentence can.
FIX_REWRITES = {
    "no_policy_speak": "no_policy_speak",
    "length": "shorter",
    "language": "translate",
    "personal": "warmer",
}
# A marked span covering at least this share of its sentence (a stock line) has the sentence
# replaced by the fix; a smaller one sits in a sentence that says more, so the fix goes before.
WHOLE_SENTENCE_SHARE = 0.6
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|hola|buenas|bonjour|hallo|guten tag)\b[^\n.!?]{0,30}[,:!\n]\s*", re.I
)
_SIGNATURE = re.compile(r"(?:\n|\s[-–—^]\s?)\s*[-–—^]?\s*[A-Z][\w.]{0,20}\s*$")
CHECK_HEADERS = ["", "check", "severity", "reason", "suggested fix"]


@dataclass
class Fix:
    """One finding the agent can fix with a click: put `text` at `place` ("start", "end" or
    "replace" `span`), or run the rewrite `action` when `place` is "rewrite"."""

    check: str
    reason: str
    text: str
    place: str
    span: tuple[int, int] | None = None
    action: str | None = None

    @property
    def label(self) -> str:
        return f"Fix: {check_label(self.check)}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CoachView:
    score: int | None
    checklist: list[list]  # rows of CHECK_HEADERS
    highlights: list[tuple[str, str | None]]  # the reply cut into (text, label) pieces
    fixes: list[Fix]
    counter: str
    over_limit: bool
    review: dict | None = None  # coaching.Review.to_dict(), for the API

    def to_dict(self) -> dict:
        data = asdict(self)
        data["fixes"] = [f.to_dict() for f in self.fixes]
        return data


def highlight_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut `text` into (piece, label) pairs; overlapping spans keep the earlier one."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end, label in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], label))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


def fix_for(finding) -> Fix | None:
    """The one-click fix for a failed finding, or None when its fix is advice only."""
    if finding.status != "fail":
        return None
    span = tuple(finding.span) if finding.span else None
    if finding.check in FIX_REWRITES:
        action = FIX_REWRITES[finding.check]
        return Fix(finding.check, finding.reason, "", "rewrite", span, action)
    place = FIX_PLACES.get(finding.check)
    if not place or not finding.fix or (finding.check == "thanks" and span):
        return None
    return Fix(finding.check, finding.reason, finding.fix, place, span)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([,.!?;:])", r"\1", text)
    return re.sub(r"([.!?])[.]+", r"\1", text).strip()


def _splice(head: str, text: str, tail: str) -> str:
    """head + text + tail with one space (or the existing line break) on each side."""
    head, tail = head.rstrip(" \t"), tail.lstrip(" \t")
    if head.endswith(",") and re.match(r"[A-Z][a-z]", text) and not re.match(r"I\b|I'", text):
        text = text[0].lower() + text[1:]  # "Hi Ana, that's..." after a greeting with a comma
    if text.endswith((".", "!", "?")) and tail[:1].islower():
        tail = tail[0].upper() + tail[1:]  # the old text now starts a sentence
    left = "" if not head or head.endswith("\n") else " "
    right = "" if not tail or tail[0] in "\n,.!?;:" else " "
    return _tidy(head + left + text + right + tail)


def _sentence_around(reply: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding reply[start:end]: from after the previous stop to its own stop
    (a line break ends a sentence but stays in the text)."""
    begin = max(reply.rfind(ch, 0, start) for ch in ".!?\n") + 1
    stops = [i for i in (reply.find(ch, end) for ch in ".!?\n") if i >= 0]
    stop = min(stops, default=len(reply))
    return begin, stop + 1 if stop < len(reply) and reply[stop] != "\n" else stop


def apply_fix(reply: str, fix: Fix) -> str:
    """The reply with one sentence fix applied (rewrite fixes go through `Desk.fix`)."""
    if fix.place == "rewrite":
        raise InputError(f"The fix for {fix.check!r} is a rewrite ({fix.action}); use Desk.fix.")
    greeting = _GREETING.match(reply)
    opening = greeting.end() if greeting else 0
    if fix.place == "replace" and fix.span is not None:
        start, end = fix.span
        if not 0 <= start <= end <= len(reply):
            raise InputError(
                f"The fix for {fix.check!r} points at characters {start}-{end}, outside the "
                f"reply ({len(reply)} characters). The reply changed: coach it again."
            )
        begin, stop = _sentence_around(reply, start, end)
        if (end - start) / max(len(reply[begin:stop].strip()), 1) >= WHOLE_SENTENCE_SHARE:
            return _splice(reply[:begin], fix.text, reply[stop:])
        # the marked words are a small part of a sentence that says more: keep it, lead with
        # the fix (the greeting, if the sentence holds it, stays first)
        begin = max(begin, opening)
        return _splice(reply[:begin], fix.text, reply[begin:])
    if fix.place == "end":
        signature = _SIGNATURE.search(reply)
        at = signature.start() if signature else len(reply)
        return _splice(reply[:at], fix.text, reply[at:])
    if fix.place == "replace":  # nothing to swap: commit right after the opening sentence
        _, after_first = _sentence_around(reply, opening, opening)
        return _splice(reply[:after_first], fix.text, reply[after_first:])
    return _splice(reply[:opening], fix.text, reply[opening:])  # "start": after any greeting


def check_label(check: str) -> str:
    """ "Names what happened" for acknowledge_specific (data/lexicons/check_labels.yaml)."""
    return table("check_labels").get(check) or check.replace("_", " ").capitalize()


def coach_view(review, reply: str, limit: int, channel: str) -> CoachView:
    """The page's view of a coaching.Review (None when the coach is not installed)."""
    n = len(reply)
    over = n > limit
    counter = f"{n} / {limit} characters ({channel})" + (f" · {n - limit} over" if over else "")
    if review is None:
        return CoachView(None, [], [(reply, None)] if reply else [], [], counter, over, None)
    # A check that does not apply to this message gets no line: the agent reads what matters.
    findings = sorted(
        (f for f in review.findings if f.status != "n/a"),
        key=lambda f: (f.status != "fail", SEVERITY_ORDER.get(f.severity, 9), f.check),
    )
    checklist = [
        [
            STATUS_MARK.get(f.status, f.status),
            check_label(f.check),
            f.severity,
            f.reason,
            f.fix or "",
        ]
        for f in findings
    ]
    spans = [
        (f.span[0], f.span[1], f"{check_label(f.check)}: {f.reason}")
        for f in findings
        if f.status == "fail" and f.span
    ]
    fixes = [fix for fix in map(fix_for, findings) if fix is not None][:MAX_FIXES]
    return CoachView(
        int(review.score),
        checklist,
        highlight_spans(reply, spans),
        fixes,
        counter,
        over,
        review.to_dict(),
    )
