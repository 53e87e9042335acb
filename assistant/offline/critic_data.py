"""The critic's labelled (complaint, reply) pairs: gold, weak, mismatched, perturbed, real drafts.

    pairs = build_pairs(cases, heldout_brands, labelled_drafts, seed=0)

- positives: the case's gold reply (label 1);
- negatives (label 0): the case's weak reply; another case's gold reply from the same industry,
  channel and language (fluent, but it answers a different complaint); the gold reply perturbed
  with one failure the review found in real drafts (a wrong name, amount, day or detail; a
  condolence where nobody died; a finished action the agent has not done; a refusal; a
  dismissal; a repeated sentence; see data/critic/perturbations.yaml);
- real drafts labelled by blind review: sendable 1, sendable after an edit 0.5, not sendable 0.

Each pair carries `split`: "heldout" when its brand is one the critic never trains on (the
library's test brands and a seeded share of the train brands), so the figures in docs/critic.md
are on brands it never saw.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import yaml

from assistant.coach.critic import critic_input
from assistant.library.cases import Case
from assistant.text.sentences import sentences

LABEL_VALUE = {"sendable": 1.0, "edit": 0.5, "not_sendable": 0.0}
PERTURBATIONS = (
    "wrong_name",
    "wrong_amount",
    "wrong_day",
    "wrong_detail",
    "condolence",
    "completed_action",
    "refusal",
    "dismissal",
    "repeat",
)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_STOP = frozenset(
    "about after again their there these those which would could should still never every "
    "thank thanks sorry please today tomorrow yesterday order account because really right "
    "being where while other".split()
)


def load_phrases(data_dir: Path) -> dict:
    return yaml.safe_load((Path(data_dir) / "critic" / "perturbations.yaml").read_text())


def _insert(reply: str, sentence: str, rng: random.Random) -> str:
    parts = sentences(reply)
    at = rng.randint(1, len(parts)) if len(parts) > 1 else len(parts)
    return " ".join(parts[:at] + [sentence] + parts[at:])


def perturb(case: Case, kind: str, rng: random.Random, phrases: dict, donors: Sequence[Case]):
    """The gold reply with one failure of `kind`, or None where it does not apply."""
    reply, lang = case.reply, case.language
    if kind == "wrong_name":
        if not case.customer or case.customer not in reply:
            return None
        other = rng.choice([n for n in phrases["names"] if n != case.customer])
        return reply.replace(case.customer, other)
    if kind == "wrong_amount":
        shared = [m for m in _NUMBER.findall(reply) if m in case.complaint]
        if not shared:
            return None
        old = rng.choice(shared)
        digits = re.sub(r"\D", "", old)
        new = str(int(digits) * 2 + 3) if digits else "99"
        return re.sub(rf"(?<![\w.,]){re.escape(old)}(?!\w)", new, reply, count=1)
    if kind == "wrong_day":
        days = phrases["days"].get(lang, [])
        found = [d for d in days if re.search(rf"\b{re.escape(d)}\b", reply, re.I)]
        if not found:
            return None
        old = found[0]
        new = rng.choice([d for d in days if d.lower() != old.lower()])
        return re.sub(rf"\b{re.escape(old)}\b", new, reply, count=1, flags=re.I)
    if kind == "wrong_detail":
        return _swap_detail(case, rng, donors)
    if kind == "condolence" and "bereavement" in case.sensitive:
        return None
    if kind in ("condolence", "completed_action", "refusal", "dismissal"):
        options = phrases[kind].get(lang) or phrases[kind]["en"]
        return _insert(reply, rng.choice(options), rng)
    if kind == "repeat":
        parts = sentences(reply)
        if len(parts) < 2:
            return None
        i = rng.randrange(len(parts))
        return " ".join(parts[: i + 1] + [parts[i]] + parts[i + 1 :])
    return None


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]{5,}", text.lower()) if w not in _STOP}


def _swap_detail(case: Case, rng: random.Random, donors: Sequence[Case]):
    """Replace a specific word the reply takes from the complaint with another complaint's."""
    shared = sorted(_content_words(case.reply) & _content_words(case.complaint))
    donor_words = sorted(
        {w for d in donors for w in _content_words(d.complaint)} - _content_words(case.complaint)
    )
    if not shared or not donor_words:
        return None
    old, new = rng.choice(shared), rng.choice(donor_words)
    return re.sub(rf"\b{re.escape(old)}\b", new, case.reply, count=1, flags=re.I)


def heldout_brands(cases: Sequence[Case], test_ids: set[str], share: float, seed: int) -> set[str]:
    """The library's test brands plus a seeded `share` of its train brands."""
    test = {c.brand for c in cases if c.id in test_ids}
    train = sorted({c.brand for c in cases} - test)
    rng = random.Random(seed)
    return test | set(rng.sample(train, round(share * len(train))))


def build_pairs(
    cases: Sequence[Case],
    heldout: set[str],
    drafts: Sequence[dict] = (),
    phrases: dict | None = None,
    seed: int = 0,
    negatives_per_case: int = 1,
) -> list[dict]:
    """Every case's gold reply, `negatives_per_case` synthetic negatives, and the real drafts."""
    rng = random.Random(seed)
    groups: dict[tuple, list[Case]] = defaultdict(list)
    for c in cases:
        groups[(c.industry, c.channel, c.language)].append(c)
    by_language: dict[tuple, list[Case]] = defaultdict(list)
    for c in cases:
        by_language[(c.channel, c.language)].append(c)
    pairs = []
    for case in sorted(cases, key=lambda c: c.id):
        split = "heldout" if case.brand in heldout else "train"
        base = _pair(case, case.reply, 1.0, "gold", "", split)
        pairs.append(base)
        for _ in range(negatives_per_case):
            made = _negative(case, rng, phrases or {}, groups, by_language)
            if made is not None:
                reply, kind = made
                pairs.append(_pair(case, reply, 0.0, kind.split(":")[0], kind, split))
    for d in drafts:
        if d.get("label") not in LABEL_VALUE:
            continue
        split = "heldout" if d["brand"] in heldout else "train"
        row = {
            "text": critic_input(d["complaint"], d["channel"], d.get("customer")),
            "reply": d["reply"],
            "label": LABEL_VALUE[d["label"]],
            "source": "draft",
            "kind": d["system"],
            "reason": d.get("reason") or "",
            "case_id": d["case_id"],
            "brand": d["brand"],
            "language": d["language"],
            "split": split,
        }
        pairs.append(row)
    return pairs


def _pair(case: Case, reply: str, label: float, source: str, kind: str, split: str) -> dict:
    return {
        "text": critic_input(case.complaint, case.channel, case.customer),
        "reply": reply,
        "label": label,
        "source": source,
        "kind": kind or source,
        "reason": "",
        "case_id": case.id,
        "brand": case.brand,
        "language": case.language,
        "split": split,
    }


def _negative(case, rng, phrases, groups, by_language):
    """One synthetic negative for the case: weak, mismatched or perturbed (kind, reply)."""
    # Weak 40%, mismatched 40%, perturbed 20%: perturbed golds differ from the gold by a word or a
    # sentence, and at half the negatives they held a first run at chance for a whole epoch.
    choice = rng.random()
    if choice < 0.4 and case.weak_reply:
        return case.weak_reply, "weak"
    if choice < 0.8:
        peers = [
            c
            for c in groups[(case.industry, case.channel, case.language)]
            if c.id != case.id and c.issue != case.issue
        ]
        peers = peers or [c for c in by_language[(case.channel, case.language)] if c.id != case.id]
        if peers:
            return rng.choice(peers).reply, "mismatched"
    donors = groups[(case.industry, case.channel, case.language)]
    kinds = list(PERTURBATIONS)
    rng.shuffle(kinds)
    for kind in kinds:
        reply = perturb(case, kind, rng, phrases, donors)
        if reply and reply != case.reply:
            return reply, f"perturbed:{kind}"
    return None
