"""Who may sign in to the app, and what each role may do.

Two roles: an **agent** drafts, edits, rates and sends replies; a **trainer** may also review
sent replies, approve them into the library, edit cases, policies and prompts, and export.

Users come from `ASSISTANT_USERS`, comma-separated `name:password:role` entries::

    ASSISTANT_USERS="ana:s3cret:agent,tom:0ther:trainer"

or from `ASSISTANT_USERS_FILE`, one `name:password:role` a line (blank lines and `#` comments
allowed). The name is the text before the first colon and the role the text after the last one,
so a password may contain colons. A users file should hold hashes, not passwords: a password
written `scrypt:...` is checked with a salted, slow scrypt hash (`hashlib.scrypt`, n=2**14).
Print one with `assistant users hash` (it asks for the password). Plain passwords stay accepted
for one person's local use; the old unsalted `sha256:<hex>` form is still read, with a warning.

Failed sign-ins are throttled per user name and per client address (`Throttle`): after five
failures in fifteen minutes that name or address is refused for a minute, doubling up to fifteen.

With no users and the app bound to 127.0.0.1 it is one person's own laptop: no sign-in, every
action allowed. Bound to any other address (`GRADIO_SERVER_NAME=0.0.0.0`) without users, the
app refuses to start: the trainer room must never be open to a network unauthenticated.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import AccessDenied, ConfigError

ROLES = ("agent", "trainer")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_HOST = "127.0.0.1"


log = logging.getLogger(__name__)

# scrypt's cost: about 50 ms and 16 MiB per check on these CPUs, so guessing is slow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt:n:r:p:salt:hash` (base64) for a users file."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}:{b64(salt).decode()}:{b64(digest).decode()}"


def _scrypt_parts(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        _, n, r, p, salt, digest = stored.split(":")
        return int(n), int(r), int(p), base64.b64decode(salt), base64.b64decode(digest)
    except ValueError:
        return None


def _check_scrypt(password: str, stored: str) -> bool:
    parts = _scrypt_parts(stored)
    if parts is None:
        return False
    n, r, p, salt, digest = parts
    given = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(digest), maxmem=2**27
    )
    return hmac.compare_digest(given, digest)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password: str  # plain text, "scrypt:..." (salted, slow) or the old "sha256:<hex>"

    def check(self, password: str) -> bool:
        if self.password.startswith("scrypt:"):
            return _check_scrypt(password, self.password)
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
        if password.startswith("sha256:"):
            log.warning(
                "%s uses an unsalted sha256: password; replace it with `assistant users hash`.",
                where,
            )
        if password.startswith("scrypt:") and _scrypt_parts(password) is None:
            raise ConfigError(
                f"{where}: a scrypt: password must be what `assistant users hash` prints."
            )
        if name.strip() in users:
            raise ConfigError(f"{where} repeats the user {name.strip()!r}; keep one line each.")
        users[name.strip()] = User(name.strip(), role, password)
    return list(users.values())


# The address of the client signing in, set by `ClientAddress` (Gradio's auth callable is given
# only the name and password).
client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="?")


class ClientAddress:
    """ASGI middleware: remember the client address of each request for the sign-in throttle."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "http" and scope.get("client"):
            client_address.set(str(scope["client"][0]))
        await self.app(scope, receive, send)


@dataclass
class Throttle:
    """Refuse sign-ins for a while after repeated failures, per user name and per address.

    `limit` failures within `window` seconds lock the key for `lockout` seconds, doubling with
    each further lock up to `max_lockout`; a successful sign-in clears the user's failures.
    """

    limit: int = 5
    window: float = 900.0
    lockout: float = 60.0
    max_lockout: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> (until, span)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blocked(self, *keys: str) -> bool:
        now = self.clock()
        with self._lock:
            return any(self._locked.get(k, (0.0, 0.0))[0] > now for k in keys)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < self.window]
                recent.append(now)
                self._failures[key] = recent
                if len(recent) >= self.limit:
                    _, span = self._locked.get(key, (0.0, self.lockout / 2))
                    span = min(span * 2, self.max_lockout)
                    self._locked[key] = (now + span, span)
                    self._failures[key] = []
                    log.warning("sign-in locked for %.0f s after repeated failures: %s", span, key)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@dataclass
class Access:
    """The users who may sign in; no users means a local single-user app with every right."""

    users: dict[str, User] = field(default_factory=dict)
    throttle: Throttle = field(default_factory=Throttle)

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

    def authenticate(self, username: str, password: str, address: str | None = None) -> bool:
        """Gradio's `auth=` callable: True only for a known user with the right password, and
        never while that name or the client's address is locked out by failed attempts."""
        name = (username or "").strip()[:100]
        keys = (f"user:{name}", f"address:{address or client_address.get()}")
        if self.throttle.blocked(*keys):
            return False
        user = self.users.get(name)
        if user and isinstance(password, str) and user.check(password):
            self.throttle.succeeded(keys[0])
            return True
        self.throttle.failed(*keys)
        return False

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
