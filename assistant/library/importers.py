"""Import cases from CSV, JSONL or Parquet (through `datasets`), with a column mapping, and from
the Customer Support on Twitter layout; export the library to JSONL, Parquet or a Dataset."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import CaseLibraryError, InputError
from assistant.library.cases import Case, validate_row
from assistant.library.files import private_file
from assistant.text.language import detect_language

_FORMATS = {".csv": "csv", ".jsonl": "json", ".json": "json", ".parquet": "parquet"}
# Fields an imported row may lack; anything else required must come from a column or --set.
_DEFAULTS = {
    "kind": "complaint",
    "emotion": "neutral",
    "severity": 2,
    "sensitive": [],
    "wants": [],
    "moves": [],
    "weak_reply": "",
    "weak_moves": [],
    "weak_kind": "generic",
    "weak_why": "",
    "outcome": "resolved",
    "customer": None,
    "agent": None,
}
_HANDLES = re.compile(r"^(?:\s*@\w+)+\s*")
_SIGNATURE = re.compile(r"\s*(?:\^|[-–—]\s?)([A-Z]{1,3}|[A-Z][a-z]+)\s*$")


def load_rows(path: Path) -> list[dict]:
    path = Path(path)
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"Cannot import {path.name}: use a .csv, .jsonl or .parquet file.")
    if not path.exists():
        raise InputError(f"{path} does not exist.")
    from datasets import load_dataset

    try:
        dataset = load_dataset(kind, data_files=str(path), split="train")
    except Exception as exc:  # datasets raises many types for unreadable files
        raise InputError(f"Could not read {path.name} as {kind}: {exc}") from None
    return dataset.to_list()


def parse_pairs(items: Sequence[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"{what} {item!r} must look like NAME=VALUE.")
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    return pairs


def twcs_pairs(rows: Sequence[dict]) -> list[dict]:
    """Pair each inbound customer tweet with the brand's reply to it; strip handles and
    signatures into fields."""
    by_id = {str(r["tweet_id"]): r for r in rows}
    out = []
    for reply in rows:
        if _truthy(reply.get("inbound")) or not reply.get("in_response_to_tweet_id"):
            continue
        source = by_id.get(str(int(float(reply["in_response_to_tweet_id"]))))
        if source is None or not _truthy(source.get("inbound")):
            continue
        text = _HANDLES.sub("", str(reply["text"])).strip()
        agent = None
        m = _SIGNATURE.search(text)
        if m:
            agent, text = m.group(1), text[: m.start()].rstrip()
        out.append(
            {
                "id": f"twcs-{reply['tweet_id']}",
                "channel": "twitter",
                "brand": str(reply.get("author_id")),
                "agent": agent,
                "complaint": _HANDLES.sub("", str(source["text"])).strip(),
                "reply": text,
            }
        )
    return out


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def to_cases(
    rows: Sequence[dict], mapping: dict[str, str], fixed: dict[str, str], prefix: str = "imp"
) -> list[Case]:
    cases, problems = [], []
    for n, raw in enumerate(rows, 1):
        row = {mapping.get(k, k): v for k, v in raw.items()}
        row = {**_DEFAULTS, **{k: v for k, v in row.items() if v is not None}, **fixed}
        row.setdefault("id", f"{prefix}-{n:05d}")
        row["id"] = str(row["id"])
        if isinstance(row.get("severity"), str) and row["severity"].isdigit():
            row["severity"] = int(row["severity"])
        if "language" not in row and isinstance(row.get("complaint"), str):
            row["language"] = detect_language(row["complaint"])
        for key in ("sensitive", "wants", "moves", "weak_moves"):
            if isinstance(row.get(key), str):
                row[key] = [v.strip() for v in row[key].split(",") if v.strip()]
        errors = validate_row(row)
        if errors:
            problems.append(f"row {n}: {'; '.join(errors)}")
            continue
        cases.append(Case.from_dict(row))
    if problems:
        shown = "\n  ".join(problems[:10])
        raise CaseLibraryError(
            f"{len(problems)} of {len(rows)} rows cannot be imported:\n  {shown}\n"
            "Map columns with --map FROM=TO and give missing fields with --set FIELD=VALUE."
        )
    return cases


def import_cases(
    path: Path,
    mapping: dict[str, str] | None = None,
    fixed: dict[str, str] | None = None,
    twcs: bool = False,
) -> list[Case]:
    rows = load_rows(path)
    if twcs:
        rows = twcs_pairs(rows)
        if not rows:
            raise InputError(f"No inbound tweet in {Path(path).name} has a brand reply.")
    return to_cases(rows, mapping or {}, fixed or {}, prefix=Path(path).stem[:12])


def to_dataset(cases: Sequence[Case]):
    from datasets import Dataset

    return Dataset.from_list([c.to_dict() for c in cases])


def export_cases(cases: Sequence[Case], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)  # approved cases hold customers' words: 0600 before anything is written
    dataset = to_dataset(cases)
    if path.suffix == ".parquet":
        dataset.to_parquet(str(path))
    elif path.suffix in (".jsonl", ".json"):
        dataset.to_json(str(path), lines=True, force_ascii=False)
    else:
        raise InputError(f"Cannot export to {path.name}: use .jsonl or .parquet.")
    return path
