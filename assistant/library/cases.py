"""The case library: well-handled past cases, their schema, loading and the train/test split.

The library is JSONL under `data/cases/` (one file per author group) plus the cases trainers
approve, which live in the feedback store. Reading our own JSONL uses `json` directly: it is a
few hundred lines, must load in milliseconds for the CLI, and every row is validated here anyway.
Foreign files (CSV, Parquet, other JSONL layouts) go through `datasets` in `importers.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import CaseLibraryError
from assistant.library.vocabulary import (
    CHANNELS,
    EMOTIONS,
    INDUSTRIES,
    ISSUES,
    KINDS,
    LANGUAGES,
    MOVES,
    OUTCOMES,
    SENSITIVE,
    SPLITS,
    TWITTER_LIMIT,
    WANTS,
    WEAK_KINDS,
)


@dataclass
class Case:
    id: str
    channel: str
    brand: str
    industry: str
    issue: str
    kind: str
    emotion: str
    severity: int
    language: str
    complaint: str
    reply: str
    sensitive: list[str] = field(default_factory=list)
    wants: list[str] = field(default_factory=list)
    customer: str | None = None
    agent: str | None = None
    moves: list[str] = field(default_factory=list)
    weak_reply: str = ""
    weak_moves: list[str] = field(default_factory=list)
    weak_kind: str = "generic"
    weak_why: str = ""
    outcome: str = "resolved"
    # "train" or "test"; assigned from data/split.json when the library loads.
    split: str = "train"
    # Where the case came from: "library" (data/cases) or "approved" (a trainer approved it).
    source: str = "library"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict) -> Case:
        problems = validate_row(row)
        if problems:
            raise CaseLibraryError(f"Case {row.get('id', '?')!r} is invalid: {'; '.join(problems)}")
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in row.items() if k in known})


@dataclass(frozen=True)
class Match:
    """A retrieved case and its cosine similarity to the query."""

    case: Case
    score: float


_REQUIRED_STR = (
    "id",
    "channel",
    "brand",
    "industry",
    "issue",
    "kind",
    "emotion",
    "language",
    "complaint",
    "reply",
)
_CHOICES = {
    "channel": CHANNELS,
    "industry": INDUSTRIES,
    "issue": ISSUES,
    "kind": KINDS,
    "emotion": EMOTIONS,
    "language": LANGUAGES,
    "weak_kind": WEAK_KINDS,
    "outcome": OUTCOMES,
    "split": SPLITS,
}
_LIST_CHOICES = {"sensitive": SENSITIVE, "wants": WANTS, "moves": MOVES, "weak_moves": MOVES}


# Letters, digits, "_", "-" and "." inside: an id is never a path ("../../etc/passwd").
_CASE_ID = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$")


def validate_row(row: dict) -> list[str]:
    """Every way `row` breaks the schema in data/SCHEMA.md, as plain sentences; [] if none."""
    problems = []
    rid = row.get("id")
    if isinstance(rid, str) and rid.strip() and (not _CASE_ID.match(rid) or ".." in rid):
        problems.append(
            "id must be letters, digits, '_', '-' or '.' (64 at most), e.g. 'travel-007'"
        )
    for name in _REQUIRED_STR:
        value = row.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name} must be a non-empty string")
    for name, allowed in _CHOICES.items():
        value = row.get(name)
        if value is not None and value not in allowed:
            problems.append(f"{name} is {value!r}; allowed: {', '.join(allowed)}")
    for name, allowed in _LIST_CHOICES.items():
        value = row.get(name, [])
        if not isinstance(value, list):
            problems.append(f"{name} must be a list")
            continue
        bad = [v for v in value if v not in allowed]
        if bad:
            problems.append(f"{name} has unknown values {bad}; allowed: {', '.join(allowed)}")
    severity = row.get("severity")
    if severity not in (1, 2, 3):
        problems.append(f"severity must be 1, 2 or 3; it is {severity!r}")
    for name in ("customer", "agent"):
        if row.get(name) is not None and not isinstance(row.get(name), str):
            problems.append(f"{name} must be a string or null")
    if row.get("channel") == "twitter" and len(row.get("reply") or "") > TWITTER_LIMIT:
        problems.append(f"twitter reply has {len(row['reply'])} characters; the limit is 280")
    return problems


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CaseLibraryError(f"{path}:{number} is not valid JSON: {exc.msg}.") from None
    return rows


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_library(data_dir: Path) -> list[Case]:
    """All cases under `data_dir/cases/*.jsonl`, validated, with their split assigned."""
    case_dir = Path(data_dir) / "cases"
    files = sorted(case_dir.glob("*.jsonl"))
    if not files:
        raise CaseLibraryError(
            f"No case files in {case_dir}. Add JSONL files there or run "
            "`assistant cases import FILE`."
        )
    test_ids = load_split(data_dir)
    cases, seen = [], {}
    for path in files:
        for row in read_jsonl(path):
            case = Case.from_dict(row)
            if case.id in seen:
                raise CaseLibraryError(
                    f"Case id {case.id!r} is in both {seen[case.id]} and {path}."
                )
            seen[case.id] = path
            case.split = "test" if case.id in test_ids else "train"
            cases.append(case)
    return cases


def load_split(data_dir: Path) -> set[str]:
    path = Path(data_dir) / "split.json"
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8"))["test"])


def kept_test_ids(data_dir: Path) -> list[str]:
    """The ids a split must keep in test: split.json's `kept` (the first split's test cases)."""
    path = Path(data_dir) / "split.json"
    if not path.exists():
        return []
    stored = json.loads(path.read_text(encoding="utf-8"))
    return list(stored.get("kept", stored["test"]))


def stratified_split(cases: Sequence[Case], test_share: float = 0.2) -> set[str]:
    """Test ids, stratified by language and, within each language, by industry and issue.

    Within a language, cases are ordered by (industry, issue, hash of id) and every k-th one is
    taken (systematic sampling), so even a 20-case language spreads its test cases across
    industries. The result is stored in data/split.json, which fixes it.
    """
    step = round(1 / test_share)
    by_language: dict[str, list[Case]] = {}
    for case in cases:
        by_language.setdefault(case.language, []).append(case)
    test: set[str] = set()
    for members in by_language.values():
        ordered = sorted(
            members, key=lambda c: (c.industry, c.issue, hashlib.sha256(c.id.encode()).hexdigest())
        )
        test.update(c.id for i, c in enumerate(ordered) if i % step == step // 2)
    return test


def brand_split(
    cases: Sequence[Case], kept: Iterable[str] = (), test_share: float = 0.1
) -> tuple[list[str], set[str]]:
    """Test brands and test ids for a split by brand: every case of a test brand is a test case,
    so evaluation measures companies the train split never showed.

    The brands of the `kept` ids are test brands (the earlier split's test cases stay test).
    Then, per industry (brands in the order of a hash of their name), brands join the test split
    until it holds `test_share` of the industry's cases, keeping at least two brands in train;
    then each language gets brands until it has `test_share` of its cases (at least 30) in test.
    """
    kept = set(kept)
    by_brand: dict[str, list[Case]] = {}
    for case in cases:
        by_brand.setdefault(case.brand, []).append(case)
    test = {c.brand for c in cases if c.id in kept}

    def share(members: Sequence[str], key) -> tuple[int, int]:
        group = [c for b in members for c in by_brand[b] if key(c)]
        return sum(c.brand in test for c in group), len(group)

    ordered = sorted(by_brand, key=lambda b: hashlib.sha256(b.encode()).hexdigest())
    for industry in sorted({c.industry for c in cases}):
        members = [b for b in ordered if by_brand[b][0].industry == industry]
        for brand in members:
            inside, total = share(members, lambda c: True)
            train_brands = [b for b in members if b not in test]
            if inside >= test_share * total or len(train_brands) <= 2:
                break
            test.add(brand)
    for language in sorted({c.language for c in cases}):
        need = lambda total: max(30, test_share * total)  # noqa: E731
        for brand in ordered:
            inside, total = share(ordered, lambda c, lang=language: c.language == lang)
            if inside >= min(need(total), total):
                break
            industry = by_brand[brand][0].industry
            peers = [b for b in ordered if by_brand[b][0].industry == industry and b not in test]
            if brand not in test and len(peers) > 2 and by_brand[brand][0].language == language:
                test.add(brand)
    return sorted(test), {c.id for c in cases if c.brand in test}


def library_checksum(cases: Iterable[Case]) -> str:
    """A digest of what the index embeds (id and complaint), so a stale index is detected."""
    digest = hashlib.sha256()
    for case in cases:
        digest.update(case.id.encode())
        digest.update(b"\0")
        digest.update(case.complaint.encode())
        digest.update(b"\0")
    return digest.hexdigest()


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())
