"""The SQLite file under the feedback store: WAL, busy timeouts, private file modes, errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import StoreError
from assistant.library.files import private_dir, private_file


class SQLiteFile:
    """One SQLite file in WAL mode: short connections with a busy timeout, one write lock per
    transaction, schema applied on open, and every SQLite failure as a StoreError that names
    the file and what to do. `FeedbackStore` holds the tables on top of it."""

    schema: str = ""
    schema_version: int = 0

    def __init__(self, path: Path | str, busy_timeout_ms: int = 5000):
        # 5 s: long enough to wait out another writer's commit, short enough that a truly stuck
        # lock (a crashed process holding it) surfaces as an error instead of a frozen page.
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        try:
            private_dir(self.path.parent)  # customer data: 0700 folder, 0600 file (and -wal, -shm)
            private_file(self.path)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the folder for the feedback database {self.path}: {exc}. "
                "Point ASSISTANT_HOME at a writable folder."
            ) from None
        with self._connect() as conn:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a network file system without shared memory
                raise StoreError(
                    f"The feedback database {self.path} cannot use WAL mode (got {mode!r}); "
                    "keep ASSISTANT_HOME on a local disk."
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > self.schema_version:
                raise StoreError(
                    f"The feedback database {self.path} has schema version {version}, newer "
                    f"than this code's {self.schema_version}. Update the assistant."
                )
            conn.executescript(self.schema)
            conn.execute(f"PRAGMA user_version={self.schema_version}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
            yield conn
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    f"The feedback database {self.path} stayed locked by another writer for "
                    f"more than {self.busy_timeout_ms / 1000:g} s ({text}). Try again; if it "
                    "persists, stop the other process that has it open."
                ) from None
            raise StoreError(
                f"Cannot use the feedback database {self.path}: {text}. Check that the file "
                "and its folder are writable."
            ) from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"The feedback database {self.path} is corrupt or not a SQLite file ({exc}). "
                "Move it aside (the app starts a new one) or restore it from a backup."
            ) from None
        finally:
            if conn is not None:
                conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front (no upgrade deadlock)."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


def _insert(conn: sqlite3.Connection, table: str, **values) -> int:
    """INSERT one row; the column names are this module's own keywords, never user input."""
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    return int(cursor.lastrowid)
