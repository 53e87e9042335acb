"""`assistant cases check FILE`: every problem in one slice file of the library, as it is written.

A writer appends cases to `data/cases/<slice>.jsonl` in batches and runs this after each batch.
It checks what the library gates check (schema, brand and industry, private data, channel
length, move contrast, duplicates across the whole library, language, policy caps) but for one
file, tolerating half-written files from other writers, and prints the slice's facet counts so a
writer can see the quotas fill.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from assistant.coach.policy_guard import policy_breaches
from assistant.errors import ConfigError
from assistant.library.cases import Case, validate_row, words
from assistant.library.checks import diversity, names_out_of_text
from assistant.library.policy import (
    BrandPolicy,
    Policies,
    load_channels,
    load_default_policy,
    parse_brand_yaml,
)
from assistant.library.vocabulary import TWITTER_LIMIT
from assistant.text.pii import find_private_data

_ID = re.compile(r"^[a-z][a-z0-9_]*-\d{3,5}$")


def _rows(path: Path) -> tuple[list[dict], list[str]]:
    rows, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        rows.append(row)
    return rows, problems


def _policies(data_dir: Path, mine: str) -> tuple[Policies, list[str]]:
    """Every brand file that parses (other writers' files may be half-written), and the problems
    of this slice's own brand file, including brands another file defines too."""
    brands: dict[str, BrandPolicy] = {}
    owner: dict[str, str] = {}
    problems = []
    for path in sorted((data_dir / "brands").glob("*.yaml")):
        try:
            parsed = parse_brand_yaml(path.read_text(encoding="utf-8"), path)
        except ConfigError as exc:
            problems.append(f"{path.name}: {exc}")
            continue
        for policy in parsed:
            if policy.brand in owner and owner[policy.brand] != path.name:
                problems.append(
                    f"{path.name}: brand {policy.brand!r} is also defined in {owner[policy.brand]}"
                )
            owner.setdefault(policy.brand, path.name)
            brands.setdefault(policy.brand, policy)
    mine_problems = [p for p in problems if p.startswith(mine + ".yaml")]
    policies = Policies(
        brands=brands, default=load_default_policy(data_dir), channels=load_channels(data_dir)
    )
    return policies, mine_problems


def _other_complaints(path: Path) -> dict[str, str]:
    seen = {}
    for other in sorted(path.parent.glob("*.jsonl")):
        if other.resolve() == path.resolve():
            continue
        for row in _rows(other)[0]:
            if isinstance(row.get("complaint"), str):
                seen.setdefault(" ".join(words(row["complaint"])), str(row.get("id")))
    return seen


def check_slice(path: Path, data_dir: Path) -> tuple[list[Case], list[str]]:
    """The file's valid cases and every problem found, one sentence each."""
    from assistant.text.language import same_language

    rows, problems = _rows(path)
    policies, brand_problems = _policies(data_dir, path.stem)
    problems += brand_problems
    others = _other_complaints(path)
    cases, ids, mine = [], set(), {}
    for row in rows:
        rid = str(row.get("id"))
        bad = validate_row(row)
        if not _ID.match(rid) or not rid.startswith(path.stem + "-"):
            bad.append(f"id must look like {path.stem}-0001")
        if rid in ids:
            bad.append("id used twice")
        ids.add(rid)
        if bad:
            problems.append(f"{rid}: {'; '.join(bad)}")
            continue
        case = Case.from_dict(row)
        key = " ".join(words(case.complaint))
        clash = others.get(key) or mine.get(key)
        if clash:
            problems.append(f"{rid}: same complaint as {clash}")
        mine.setdefault(key, rid)
        policy = policies.brands.get(case.brand)
        if policy is None:
            problems.append(f"{rid}: brand {case.brand!r} has no policy in data/brands/")
        elif policy.industry != case.industry:
            problems.append(
                f"{rid}: brand {case.brand!r} is {policy.industry}, not {case.industry}"
            )
        limit = policies.channel(case.channel).limit
        if len(case.reply) > limit:
            problems.append(
                f"{rid}: gold reply has {len(case.reply)} characters; {case.channel} allows {limit}"
            )
        if case.channel == "twitter" and len(case.complaint) > TWITTER_LIMIT:
            problems.append(f"{rid}: twitter complaint has {len(case.complaint)} characters")
        problems += [
            f"{rid}: gold reply contains a {item.kind} ({item.text!r})"
            for item in find_private_data(case.reply)
        ]
        problems += names_out_of_text([case])
        if set(case.moves) == set(case.weak_moves):
            problems.append(f"{rid}: gold and weak replies make the same moves")
        if not same_language(case.reply, case.language):
            problems.append(f"{rid}: gold reply does not read as {case.language}")
        if policy is not None and policy.industry == case.industry:
            problems += policy_breaches([case], policies)
        cases.append(case)
    return cases, problems


def report(cases: list[Case], problems: list[str]) -> str:
    lines = [*problems, f"{len(cases)} valid cases, {len(problems)} problems"]
    for facet in ("industry", "brand", "issue", "channel", "language", "emotion", "kind"):
        counts = Counter(getattr(c, facet) for c in cases)
        lines.append(f"{facet:9} " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    sensitive = Counter(s for c in cases for s in c.sensitive)
    lines.append("sensitive " + ", ".join(f"{k} {v}" for k, v in sensitive.most_common()))
    sarcasm = Counter(c.channel for c in cases if c.emotion == "sarcasm")
    lines.append("sarcasm   " + ", ".join(f"{k} {v}" for k, v in sarcasm.most_common()))
    div = diversity(cases, top=5)
    lines.append("openings  " + "; ".join(f"{o!r} x{n}" for o, n in div["top_openings"]))
    return "\n".join(lines)
