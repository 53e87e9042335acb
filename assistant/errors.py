"""Every error the assistant raises on purpose.

    AssistantError            base: catch this to handle any expected failure
     ├── InputError           the complaint, channel, brand or another argument is unusable
     ├── ConfigError          a settings value, policy file, prompt or channel file is wrong
     ├── CaseLibraryError     a case file does not parse or a case breaks the schema
     ├── IndexMismatchError   a saved index was built for another library or embedder
     ├── ModelError           a model is missing, corrupt or cannot be loaded
     ├── StoreError           the feedback database is corrupt, locked or unwritable
     └── AccessDenied         the signed-in user's role does not allow the action

Messages name the bad value and say what to do next; the CLI prints them without a traceback.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every expected failure."""


class InputError(AssistantError, ValueError):
    """The caller gave something the assistant cannot use."""


class ConfigError(AssistantError):
    """A settings value or a data file the assistant reads is wrong."""


class CaseLibraryError(AssistantError):
    """A case file or a case is invalid."""


class IndexMismatchError(AssistantError):
    """A saved index does not match the library or embedder in use."""


class ModelError(AssistantError):
    """A model is missing, corrupt or failed to load."""


class StoreError(AssistantError):
    """The feedback store cannot be read or written."""


class AccessDenied(AssistantError, PermissionError):
    """The signed-in user's role does not allow the action (checked on the server)."""
