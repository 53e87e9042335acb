"""Files that hold customer data are private to the account the app runs as.

The feedback database, its folder, the index of approved cases and every export hold customers'
words and names: folders are created 0700 and files 0600, whatever the umask. Exports for the
page go to a fresh folder under the system temp directory (which Gradio may hand to a browser)
with an unguessable name, and are removed after an hour; nothing serves that folder itself.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

EXPORT_PREFIX = "assistant-export-"
EXPORT_TTL_SECONDS = 3600


def private_dir(path: Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if missing, and make it readable by its owner only."""
    path = Path(path)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    return path


def export_path(stem: str, suffix: str) -> Path:
    """A new path for an export: a 0700 folder of its own under the temp dir, a random name."""
    remove_old_exports()
    folder = Path(tempfile.mkdtemp(prefix=EXPORT_PREFIX))  # mkdtemp creates it 0700
    return folder / f"{stem}-{secrets.token_hex(16)}{suffix}"


def remove_old_exports(now: float | None = None) -> int:
    """Delete export folders older than EXPORT_TTL_SECONDS; returns how many went."""
    now = time.time() if now is None else now
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(EXPORT_PREFIX + "*"):
        try:
            if now - folder.stat().st_mtime > EXPORT_TTL_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
