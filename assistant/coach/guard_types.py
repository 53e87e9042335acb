"""What a guard is given and what it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.library.cases import Case
from assistant.library.policy import BrandPolicy, ChannelRule


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    reason: str
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "passed": self.passed,
            "reason": self.reason,
            "span": list(self.span) if self.span else None,
        }


@dataclass
class GuardContext:
    complaint: str
    channel: ChannelRule
    policy: BrandPolicy
    language: str
    examples: Sequence[Case] = ()
    customer: str | None = None
    agent: str | None = None
    extra_allowed: set[str] = field(default_factory=set)
    # The message's kind (complaint, praise, question, noise): praise is not apologised for.
    kind: str = "complaint"
