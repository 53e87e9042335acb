"""The values the drafting pipeline takes and returns: a request, candidates, the suggestion."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.coach.analysis import Analysis
from assistant.coach.guard_types import Check
from assistant.coach.guards import passed
from assistant.library.cases import Match


@dataclass
class Request:
    complaint: str
    channel: str = "twitter"
    brand: str | None = None
    customer: str | None = None
    agent: str | None = None


@dataclass
class Candidate:
    text: str
    checks: list[Check]
    score: float = 0.0
    example_id: str | None = None
    critic: float | None = None  # the critic's probability that it is sendable, when judged

    @property
    def passed(self) -> bool:
        return passed(self.checks)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "passed": self.passed,
            "score": round(self.score, 1),
            "example_id": self.example_id,
            "critic": None if self.critic is None else round(self.critic, 3),
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class Suggestion:
    draft: str
    alternatives: list[str]
    cases: list[Match]
    analysis: Analysis
    checks: list[Check]
    fallback: bool
    model: str
    timings: dict[str, float]
    candidates: list[Candidate] = field(default_factory=list)  # every candidate, kept or dropped
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "draft": self.draft,
            "alternatives": self.alternatives,
            "cases": [
                {
                    "id": m.case.id,
                    "score": round(m.score, 4),
                    "complaint": m.case.complaint,
                    "reply": m.case.reply,
                }
                for m in self.cases
            ],
            "analysis": self.analysis.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "fallback": self.fallback,
            "model": self.model,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "candidates": [c.to_dict() for c in self.candidates],
            "notes": self.notes,
        }
