"""Who may sign in to the app, and what each role may do.

Two roles: an **agent** drafts, edits, rates and sends replies; a **trainer** may also review
sent replies, approve them into the library, edit cases, policies and prompts, and export.

Users come from `ASSISTANT_USERS`, comma-separated `name:password:role` entries::

    ASSISTANT_USERS="ana:s3cret:agent,tom:0ther:trainer"

or from `ASSISTANT_USERS_FILE`, one `name:password:role` a line (blank lines and `#` comments
allowed). The name is the text before the first colon and the role the text after the last one,
so a password may contain colons. A password written `sha256:<64 hex digits>` is compared by its
SHA-256, so a users file need not hold plain passwords. Print one with::

    python -c "import hashlib as h,getpass as g; print(h.sha256(g.getpass().encode()).hexdigest())"

With no users and the app bound to 127.0.0.1 it is one person's own laptop: no sign-in, every
action allowed. Bound to any other address (`GRADIO_SERVER_NAME=0.0.0.0`) without users, the
app refuses to start: the trainer room must never be open to a network unauthenticated.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AccessDenied, ConfigError

ROLES = ("agent", "trainer")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str  # plain text, or "sha256:<hex>"

    def check(self, password: str) -> bool:
        if self.password.startswith("sha256:"):
            given = hashlib.sha256(password.encode("utf-8")).hexdigest()
            return hmac.compare_digest(given, self.password[len("sha256:") :].lower())
        return hmac.compare_digest(password.encode("utf-8"), self.password.encode("utf-8"))


def parse_users(text: str, source: str = "ASSISTANT_USERS", separator: str = ",") -> list[User]:
    """Users from `name:password:role` entries split by `separator`; ConfigError names the
    bad entry (never its password)."""
    users: dict[str, User] = {}
    for number, raw in enumerate(text.split(separator), 1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        name, _, rest = entry.partition(":")
        password, _, role = rest.rpartition(":")
        where = f"{source} entry {number} ({name.strip() or '?'!r})"
        if not name.strip() or not password or not role:
            raise ConfigError(f"{where} is not name:password:role. Write e.g. 'ana:s3cret:agent'.")
        role = role.strip().lower()
        if role not in ROLES:
            raise ConfigError(f"{where} has role {role!r}; use one of {', '.join(ROLES)}.")
        if password.startswith("sha256:") and len(password) != len("sha256:") + 64:
            raise ConfigError(f"{where}: a sha256: password needs 64 hex digits after the colon.")
        if name.strip() in users:
            raise ConfigError(f"{where} repeats the user {name.strip()!r}; keep one line each.")
        users[name.strip()] = User(name.strip(), role, password)
    return list(users.values())


@dataclass
class Access:
    """The users who may sign in; no users means a local single-user app with every right."""

    users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def from_users(cls, users: list[User]) -> Access:
        return cls({u.name: u for u in users})

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Access:
        env = dict(os.environ if env is None else env)
        users: list[User] = []
        if env.get("ASSISTANT_USERS"):
            users += parse_users(env["ASSISTANT_USERS"])
        if env.get("ASSISTANT_USERS_FILE"):
            path = Path(env["ASSISTANT_USERS_FILE"]).expanduser()
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(
                    f"ASSISTANT_USERS_FILE={path} cannot be read ({exc.strerror}). "
                    "Fix the path or unset the variable."
                ) from None
            users += parse_users(text, str(path), separator="\n")
        names = [u.name for u in users]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ConfigError(f"Users {twice} are in both ASSISTANT_USERS and the users file.")
        return cls.from_users(users)

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def authenticate(self, username: str, password: str) -> bool:
        """Gradio's `auth=` callable: True only for a known user with the right password."""
        user = self.users.get((username or "").strip())
        return bool(user and user.check(password or ""))

    def role(self, username: str | None) -> str:
        if not self.enabled:
            return "trainer"  # the local single-user app: its one user curates too
        user = self.users.get(username or "")
        if user is None:
            raise AccessDenied(
                f"You are not signed in as a known user ({username!r}). Sign in again."
            )
        return user.role

    def require_trainer(self, username: str | None, action: str) -> str:
        """The trainer's name (or "local"); AccessDenied for anyone else, checked server-side."""
        role = self.role(username)
        if role != "trainer":
            raise AccessDenied(
                f"Only trainers can {action}; you are signed in as {username!r} ({role}). "
                "Ask a trainer, or sign in with a trainer account."
            )
        return username or "local"


@dataclass(frozen=True)
class ServerOptions:
    host: str
    port: int | None
    exposed: bool


def server_options(access: Access, env: dict[str, str] | None = None) -> ServerOptions:
    """Where to bind: GRADIO_SERVER_NAME (default 127.0.0.1) and GRADIO_SERVER_PORT.

    Refuses an exposed address without users, so the app is never open to a network unsigned.
    """
    env = dict(os.environ if env is None else env)
    host = env.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    raw_port = env.get("GRADIO_SERVER_PORT")
    port = None
    if raw_port:
        try:
            port = int(raw_port)
        except ValueError:
            raise ConfigError(
                f"GRADIO_SERVER_PORT must be a port number; it is {raw_port!r}."
            ) from None
        if not 0 < port < 65536:
            raise ConfigError(f"GRADIO_SERVER_PORT must be 1..65535; it is {port}.")
    exposed = host not in LOOPBACK
    if exposed and not access.enabled:
        raise ConfigError(
            f"GRADIO_SERVER_NAME={host} exposes the app beyond this machine, but no users are "
            "set. Set ASSISTANT_USERS (e.g. 'ana:pw:agent,tom:pw:trainer') or "
            "ASSISTANT_USERS_FILE, or bind 127.0.0.1."
        )
    return ServerOptions(host=host, port=port, exposed=exposed)
