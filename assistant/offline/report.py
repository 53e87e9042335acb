"""Aggregate `evaluation.CaseResult`s into one `EvalReport` and write it as Markdown and JSON.

Every figure is a plain count or a rounded mean, so two runs on the same machine with the same
model write the same numbers (the timings excepted: they are measured, not computed).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from assistant.offline.evaluation import CaseResult

# A draft between half and twice the gold reply's length reads like the trainers' replies;
# shorter tends to be curt, longer tends to be boilerplate.
LENGTH_RATIO_RANGE = (0.5, 2.0)
# Coach score buckets for the distribution (the coach scores 0-100).
SCORE_BINS = (0, 20, 40, 60, 80, 101)
EXAMPLES = 10
GROUPS = ("industry", "channel", "language", "emotion", "sensitive")


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return _r(sum(values) / len(values)) if values else None


def _stats(values: Sequence[float]) -> dict:
    if not values:
        return {"n": 0}
    arr = np.asarray(values, dtype=np.float64)
    return {
        "n": len(values),
        "mean": _r(arr.mean()),
        "p10": _r(np.percentile(arr, 10)),
        "p50": _r(np.percentile(arr, 50)),
        "p90": _r(np.percentile(arr, 90)),
        "min": _r(arr.min()),
        "max": _r(arr.max()),
    }


def _pass_rates(reviews: Sequence[dict[str, str]]) -> dict[str, dict]:
    """Per coach check: passes over the reviews where it applied, and every status's count."""
    from assistant.offline.evaluation import NOT_APPLICABLE, PASS_STATUSES

    by_check: dict[str, list[str]] = {}
    for checks in reviews:
        for check, status in checks.items():
            by_check.setdefault(check, []).append(status)
    rates = {}
    for check, statuses in sorted(by_check.items()):
        applied = [s for s in statuses if s not in NOT_APPLICABLE]
        rates[check] = {
            "pass_rate": _r(sum(s in PASS_STATUSES for s in applied) / len(applied))
            if applied
            else None,
            "statuses": dict(sorted({s: statuses.count(s) for s in set(statuses)}.items())),
        }
    return rates


def _group_value(r: CaseResult, group: str) -> str:
    if group == "sensitive":
        return "sensitive" if r.sensitive else "not sensitive"
    return str(getattr(r, group))


def _group_row(rs: list[CaseResult]) -> dict:
    candidates = sum(r.candidates for r in rs)
    scores = [r.coach.score for r in rs if r.coach.score is not None]
    return {
        "n": len(rs),
        "fallback_rate": _r(sum(r.fallback for r in rs) / len(rs)),
        "candidate_violation_rate": _r(
            sum(r.failed_candidates for r in rs) / candidates if candidates else 0.0
        ),
        "similarity": _mean(r.similarity for r in rs),
        "coach_score": _mean(scores),
        "within_limit": _r(sum(r.chars <= r.limit for r in rs) / len(rs)),
    }


def _length_fit(rs: list[CaseResult]) -> dict:
    low, high = LENGTH_RATIO_RANGE
    ratios = [r.chars / max(len(r.gold), 1) for r in rs]
    return {
        "n": len(rs),
        "limit": rs[0].limit,
        "within_limit": _r(sum(r.chars <= r.limit for r in rs) / len(rs)),
        "draft_chars_p50": _r(np.median([r.chars for r in rs]), 1),
        "gold_chars_p50": _r(np.median([len(r.gold) for r in rs]), 1),
        "ratio_p50": _r(np.median(ratios), 3),
        "ratio_in_range": _r(sum(low <= x <= high for x in ratios) / len(rs)),
    }


def _by(rs: list[CaseResult], key: Callable[[CaseResult], str]) -> dict[str, list[CaseResult]]:
    groups: dict[str, list[CaseResult]] = {}
    for r in rs:
        groups.setdefault(key(r), []).append(r)
    return dict(sorted(groups.items()))


@dataclass
class EvalReport:
    meta: dict
    cases: int
    candidates: int
    failed_candidates: int
    failed_checks: dict[str, int]
    after_violations: int  # failed guards in shown drafts: must be 0
    leaks: int  # test cases retrieved as examples: must be 0
    fallbacks: int
    similarity: dict
    example_similarity: dict
    coach: dict
    length: dict[str, dict]
    breakdowns: dict[str, dict[str, dict]]
    examples: list[dict]
    timings: dict[str, dict]
    results: list[dict] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        return _r(self.fallbacks / self.cases) if self.cases else 0.0

    @property
    def before_rate(self) -> float:
        return _r(self.failed_candidates / self.candidates) if self.candidates else 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["fallback_rate"] = self.fallback_rate
        data["candidate_violation_rate"] = self.before_rate
        return data

    def headline(self) -> list[str]:
        coach = self.coach.get("draft", {})
        return [
            f"guard violations before filtering: {self.failed_candidates} of {self.candidates} "
            f"candidates ({self.before_rate:.1%}); after (shown drafts): {self.after_violations}",
            f"fallback rate: {self.fallback_rate:.1%} ({self.fallbacks} of {self.cases})",
            f"similarity to gold: mean {self.similarity.get('mean')} "
            f"(top example's own reply: {self.example_similarity.get('mean')})",
            "coach score: "
            + (f"mean {coach.get('mean')}" if coach.get("n") else "unavailable")
            + f"; retrieved test cases: {self.leaks}",
        ]


def summarise(results: Sequence[CaseResult], **meta) -> EvalReport:
    """One report from per-case results; `meta` (model, split source...) is copied in."""
    rs = list(results)
    failed: dict[str, int] = {}
    for r in rs:
        for name, count in r.failed_checks.items():
            failed[name] = failed.get(name, 0) + count
    draft_scores = [r.coach.score for r in rs if r.coach.score is not None]
    gold_scores = [r.gold_coach.score for r in rs if r.gold_coach.score is not None]
    errors = [
        r.coach.error or r.gold_coach.error for r in rs if r.coach.error or r.gold_coach.error
    ]
    histogram = np.histogram(draft_scores, bins=SCORE_BINS)[0].tolist() if draft_scores else []
    coach = {
        "available": bool(meta.get("coach_available")),
        "draft": _stats(draft_scores),
        "gold": _stats(gold_scores),
        "histogram": {
            f"{lo}-{min(hi, 100)}": n
            for lo, hi, n in zip(SCORE_BINS, SCORE_BINS[1:], histogram, strict=False)
        },
        "checks_draft": _pass_rates([r.coach.checks for r in rs if r.coach.checks]),
        "checks_gold": _pass_rates([r.gold_coach.checks for r in rs if r.gold_coach.checks]),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }
    models = sorted({r.model for r in rs})
    meta = {"model": ", ".join(models) or "none", **meta}
    meta.setdefault("generated", time.strftime("%Y-%m-%d %H:%M"))
    step = max(1, len(rs) // EXAMPLES)
    timing_keys = sorted({k for r in rs for k in r.seconds})
    return EvalReport(
        meta=meta,
        cases=len(rs),
        candidates=sum(r.candidates for r in rs),
        failed_candidates=sum(r.failed_candidates for r in rs),
        failed_checks=dict(sorted(failed.items())),
        after_violations=sum(len(r.shown_violations) for r in rs),
        leaks=sum(len(r.leaked_ids) for r in rs),
        fallbacks=sum(r.fallback for r in rs),
        similarity=_stats([r.similarity for r in rs]),
        example_similarity=_stats([r.example_similarity for r in rs]),
        coach=coach,
        length={ch: _length_fit(g) for ch, g in _by(rs, lambda r: r.channel).items()},
        breakdowns={
            group: {
                v: _group_row(g) for v, g in _by(rs, lambda r, k=group: _group_value(r, k)).items()
            }
            for group in GROUPS
        },
        examples=[
            {
                "id": r.id,
                "channel": r.channel,
                "language": r.language,
                "complaint": r.complaint,
                "draft": r.draft,
                "gold": r.gold,
                "fallback": r.fallback,
                "similarity": r.similarity,
                "coach_score": r.coach.score,
            }
            for r in rs[::step][:EXAMPLES]
        ],
        timings={k: _stats([r.seconds[k] for r in rs if k in r.seconds]) for k in timing_keys},
        results=[r.to_dict() for r in rs],
    )


# -- Markdown ----------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.strip().splitlines()) or "> (empty)"


def to_markdown(report: EvalReport) -> str:
    m, c = report.meta, report.coach
    out = [
        "# Drafting evaluation on the test split",
        "",
        f"Model **{m['model']}**, {m.get('candidates', '?')} candidates per complaint, "
        f"embedder {m.get('embedder', '?')}; generated {m.get('generated')}.",
        f"{report.cases} test cases evaluated of {m.get('test_total', '?')} "
        f"(library: {m.get('library', '?')} cases); split: {m.get('split_source', '?')}. "
        "Retrieval was restricted to the train split.",
        "",
        "## Headline",
        "",
        *[f"- {line}" for line in report.headline()],
        "",
        "## Guards",
        "",
        "Failed checks among all drafted candidates, before filtering (a candidate can fail "
        "several); shown drafts are re-checked after filtering and must fail none.",
        "",
        *_table(
            ["guard", "candidates failed", "share of candidates"],
            [
                (k, v, _r(v / report.candidates) if report.candidates else 0.0)
                for k, v in report.failed_checks.items()
            ]
            or [("(none)", 0, 0.0)],
        ),
        f"Violations in shown drafts: **{report.after_violations}**. "
        f"Retrieved test cases: **{report.leaks}**.",
        "",
        "## Similarity to the gold reply",
        "",
        "Cosine similarity of sentence embeddings; the baseline sends the top retrieved case's own "
        "reply unchanged.",
        "",
        *_table(
            ["", "mean", "p10", "p50", "p90"],
            [
                (name, s.get("mean"), s.get("p10"), s.get("p50"), s.get("p90"))
                for name, s in (
                    ("draft", report.similarity),
                    ("baseline", report.example_similarity),
                )
            ],
        ),
        "## Coach",
        "",
    ]
    if not c["draft"].get("n"):
        out += [
            "Coach unavailable (assistant.coach.review could not be imported, or failed on every "
            f"reply: {c['first_error'] or 'not imported'}); no scores.",
            "",
        ]
    else:
        out += _table(
            ["", "n", "mean", "p10", "p50", "p90"],
            [
                (name, s["n"], s.get("mean"), s.get("p10"), s.get("p50"), s.get("p90"))
                for name, s in (("drafts", c["draft"]), ("gold replies", c["gold"]))
                if s.get("n")
            ],
        )
        out += _table(
            ["draft score"] + list(c["histogram"]), [["cases"] + list(c["histogram"].values())]
        )
        gold = c["checks_gold"]
        out += _table(
            ["check", "draft pass rate", "gold pass rate", "draft statuses"],
            [
                (k, v["pass_rate"], gold.get(k, {}).get("pass_rate"), v["statuses"])
                for k, v in c["checks_draft"].items()
            ],
        )
        if c["errors"]:
            out += [f"The coach failed on {c['errors']} replies; first: {c['first_error']}", ""]
    out += ["## Length fit per channel", ""]
    keys = ["n", "limit", "within_limit", "draft_chars_p50", "gold_chars_p50", "ratio_p50"]
    out += _table(
        ["channel", *keys, f"ratio_in {LENGTH_RATIO_RANGE}"],
        [(ch, *(s[k] for k in keys), s["ratio_in_range"]) for ch, s in report.length.items()],
    )
    keys = ["n", "fallback_rate", "candidate_violation_rate", "similarity", "coach_score"]
    for group, rows in report.breakdowns.items():
        out += [f"## By {group}", ""]
        out += _table(
            [group, *keys, "within_limit"],
            [(v, *(s[k] for k in keys), s["within_limit"]) for v, s in rows.items()],
        )
    out += ["## Timings (seconds per complaint, this machine)", ""]
    out += _table(
        ["step", "p50", "p90", "max"],
        [(k, s.get("p50"), s.get("p90"), s.get("max")) for k, s in report.timings.items()],
    )
    out += ["## Examples", ""]
    for e in report.examples:
        score = "" if e["coach_score"] is None else f", coach {e['coach_score']:g}"
        out += [
            f"### {e['id']} ({e['channel']}, {e['language']}; similarity {e['similarity']:.3f}"
            f"{score}{', fallback' if e['fallback'] else ''})",
            "",
            "Complaint:",
            "",
            _quote(e["complaint"]),
            "",
            "Draft:",
            "",
            _quote(e["draft"]),
            "",
            "Gold reply:",
            "",
            _quote(e["gold"]),
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def write_report(report: EvalReport, out: Path) -> tuple[Path, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "report.md", out / "report.json"
    md.write_text(to_markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
    return md, js
