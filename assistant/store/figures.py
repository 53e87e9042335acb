"""What the feedback says: edit distance, figures per agent/brand/week, and export.

The store (`assistant.store.sqlite`) only writes and reads rows; everything computed from those rows
lives here: how far a sent reply is from its draft (`levenshtein`, `edit_ratio`), whether that
counts as accepted (`SMALL_EDIT_RATIO`), the per-group figures trainers see (`figures`), and the
JSONL/Parquet export through `datasets` (`write_rows`). All of these names are re-exported by
`assistant.store.sqlite`, so callers can keep importing them from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import InputError
from assistant.library.files import private_file

if TYPE_CHECKING:  # only for hints: feedback_records imports this module, not the reverse
    from assistant.store.records import SentReply, ShownSuggestion

# A sent reply counts as "accepted" when the agent changed at most a fifth of the draft's
# characters: small fixes (a name, an order detail) stay under it, a rewrite goes well over.
SMALL_EDIT_RATIO = 0.2
GROUPS = ("agent", "brand", "week")


# -- edit distance ------------------------------------------------------------------------------
def levenshtein(a: str, b: str) -> int:
    """Character edit distance (insert, delete, substitute), by rapidfuzz (C++, bit-parallel):
    two 2,500-character e-mails compare in microseconds."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def edit_ratio(suggested: str, final: str) -> float:
    """Edit distance as a share of the suggestion's length (0.0 = sent as suggested)."""
    return round(levenshtein(suggested, final) / max(len(suggested), 1), 4)


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


# -- figures ------------------------------------------------------------------------------------
@dataclass
class FigureRow:
    """Feedback figures for one agent, brand or ISO week (`key`); rates are 0..1."""

    group: str
    key: str
    shown: int
    sent: int
    accepted: int
    acceptance_rate: float | None
    mean_edit_distance: float | None
    mean_coach_score: float | None
    fallback_rate: float | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Tally:
    shown: int = 0
    fallback: int = 0
    sent: int = 0
    accepted: int = 0
    distances: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)


def _mean(values: Sequence[float], digits: int) -> float | None:
    return round(sum(values) / len(values), digits) if values else None


def figures(
    suggestions: Sequence[ShownSuggestion], sent: Sequence[SentReply], by: str = "agent"
) -> list[FigureRow]:
    """Acceptance rate, mean edit distance, mean coach score and fallback rate per `by`
    (agent, brand or ISO week), sorted by key; one row per key.

    A sent reply is counted under the agent, brand and week of the suggestion it came from
    (when that is known), so a suggestion and its send land in the same row."""
    if by not in GROUPS:
        raise InputError(f"Unknown grouping {by!r}; use one of {', '.join(GROUPS)}.")
    shown = {s.id: s for s in suggestions}
    tallies: dict[str, _Tally] = {}

    def key_of(agent, brand, created_at) -> str:
        if by == "week":
            return iso_week(datetime.fromisoformat(created_at))
        value = agent if by == "agent" else brand
        return value or ("(none)" if by == "agent" else "(no brand)")

    for s in shown.values():
        tally = tallies.setdefault(key_of(s.agent, s.brand, s.created_at), _Tally())
        tally.shown += 1
        tally.fallback += s.fallback
    for r in sent:
        origin = shown.get(r.suggestion_id) if r.suggestion_id else None
        fields = (
            (origin.agent, origin.brand, origin.created_at)
            if origin
            else (r.agent, r.brand, r.created_at)
        )
        tally = tallies.setdefault(key_of(*fields), _Tally())
        tally.sent += 1
        tally.accepted += r.accepted
        tally.distances.append(r.edit_distance)
        if r.coach_score is not None:
            tally.scores.append(r.coach_score)
    return [
        FigureRow(
            group=by,
            key=key,
            shown=t.shown,
            sent=t.sent,
            accepted=t.accepted,
            acceptance_rate=round(t.accepted / t.shown, 3) if t.shown else None,
            mean_edit_distance=_mean(t.distances, 1),
            mean_coach_score=_mean(t.scores, 1),
            fallback_rate=round(t.fallback / t.shown, 3) if t.shown else None,
        )
        for key, t in sorted(tallies.items())
    ]


# -- export -------------------------------------------------------------------------------------
def write_rows(rows: Sequence[dict], path: Path | str) -> Path:
    """Write dict rows to `.jsonl` or `.parquet` with `datasets` (imported here: it is slow)."""
    path = Path(path)
    if path.suffix not in (".jsonl", ".parquet"):
        raise InputError(f"Export to .jsonl or .parquet; {path.name!r} is neither.")
    path.parent.mkdir(parents=True, exist_ok=True)
    private_file(path)  # created 0600 before any customer data is written into it
    if not rows:  # datasets cannot infer a schema from nothing; an empty file is the honest answer
        path.write_bytes(b"")
        return path
    from datasets import Dataset

    dataset = Dataset.from_list(list(rows))
    if path.suffix == ".jsonl":
        dataset.to_json(str(path), lines=True, force_ascii=False)
    else:
        dataset.to_parquet(str(path))
    return path
