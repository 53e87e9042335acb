"""Offline agent coaching and reply suggestions for customer care."""

from assistant.coach.analysis import Analysis, analyse
from assistant.coach.guard_types import Check, GuardContext
from assistant.coach.guards import run_guards
from assistant.config import Settings
from assistant.drafting.pipeline import Drafter
from assistant.drafting.types import Candidate, Request, Suggestion
from assistant.errors import (
    AssistantError,
    CaseLibraryError,
    ConfigError,
    IndexMismatchError,
    InputError,
    ModelError,
    StoreError,
)
from assistant.library.cases import Case, Match, load_library
from assistant.retrieval.index import CaseIndex, Embedder
from assistant.service import Assistant

__all__ = [
    "Analysis",
    "Assistant",
    "AssistantError",
    "Candidate",
    "Case",
    "CaseIndex",
    "CaseLibraryError",
    "Check",
    "ConfigError",
    "Drafter",
    "Embedder",
    "GuardContext",
    "IndexMismatchError",
    "InputError",
    "Match",
    "ModelError",
    "Request",
    "Settings",
    "StoreError",
    "Suggestion",
    "analyse",
    "load_library",
    "run_guards",
]
