"""Offline agent coaching and reply suggestions for customer care."""

from .analysis import Analysis, analyse
from .cases import Case, Match, load_library
from .config import Settings
from .drafting import Candidate, Drafter, Request, Suggestion
from .errors import (
    AssistantError,
    CaseLibraryError,
    ConfigError,
    IndexMismatchError,
    InputError,
    ModelError,
    StoreError,
)
from .guards import Check, GuardContext, run_guards
from .retrieval import CaseIndex, Embedder
from .service import Assistant

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
