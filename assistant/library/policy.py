"""Brand policies (what an agent may offer) and channel rules, read from files in `data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from assistant.errors import ConfigError, InputError

CURRENCIES = ("EUR", "USD", "GBP")
REMEDIES = (
    "refund",
    "refund_review",
    "replacement",
    "repair",
    "credit",
    "voucher",
    "fee_waiver",
    "rebooking",
    "callback",
    "escalation",
)


@dataclass(frozen=True)
class BrandPolicy:
    brand: str | None
    industry: str | None = None
    handle: str | None = None
    currency: str = "USD"
    remedies: tuple[str, ...] = ()
    max_credit: float = 0
    max_voucher: float = 0
    private_channel: str = "DM"
    notes: str = ""
    # False for a brand with no policy file: it gets the conservative default (see for_brand).
    on_file: bool = True

    @property
    def max_gesture(self) -> float:
        """The largest sum an agent may offer without escalation."""
        return max(self.max_credit, self.max_voucher)

    def allows(self, remedy: str) -> bool:
        return remedy in self.remedies


@dataclass(frozen=True)
class ChannelRule:
    name: str
    limit: int
    public: bool
    tokens: int = 200  # most new tokens to draft for this channel


# An @handle in a message: not part of a longer word or an e-mail address (a@b).
_HANDLE_TOKEN = re.compile(r"(?<![\w@])@(\w+)")
_WORD = re.compile(r"\w+")
MIN_NAME_LENGTH = 4  # shorter brand names ("Oro") are ordinary words too often to recognise


def _name_pattern(name: str) -> re.Pattern:
    """A brand name as whole words, any case; its spaces match any run of whitespace."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class _Recogniser:
    """The brands' lookup, built once per set of brands: @handles by their lower-case text, and
    full names by their first word, so a message is read once whatever the number of brands."""

    key: tuple
    handles: dict[str, tuple[str, str]]  # "acmeair" -> (brand, "@AcmeAir")
    by_first_word: dict[str, list[str]]  # "aurelian" -> ["Aurelian Skyways"], longest first
    patterns: dict[str, re.Pattern] = field(default_factory=dict)  # compiled when first needed

    @classmethod
    def build(cls, key: tuple) -> _Recogniser:
        handles: dict[str, tuple[str, str]] = {}
        by_first_word: dict[str, list[str]] = {}
        for name, handle in key:
            if handle and handle.startswith("@"):
                handles.setdefault(handle[1:].lower(), (name, handle))
            first = _WORD.match(name.strip())
            if len(name.strip()) >= MIN_NAME_LENGTH and first:
                by_first_word.setdefault(first.group().lower(), []).append(name)
        for names in by_first_word.values():
            names.sort(key=len, reverse=True)
        return cls(key, handles, by_first_word)

    def _pattern(self, name: str) -> re.Pattern:
        if name not in self.patterns:
            self.patterns[name] = _name_pattern(name)
        return self.patterns[name]

    def find(self, text: str) -> tuple[str, str] | None:
        for token in _HANDLE_TOKEN.findall(text):
            found = self.handles.get(token.lower())
            if found:
                return found
        best: tuple[str, str] | None = None
        for word in _WORD.finditer(text):
            for name in self.by_first_word.get(word.group().lower(), ()):
                hit = self._pattern(name).match(text, word.start())
                if hit:  # the longest name here (they are tried longest first)
                    if best is None or len(hit.group()) > len(best[1]):
                        best = (name, hit.group())  # the longest; the first of equal ones
                    break
        return best


@dataclass
class Policies:
    brands: dict[str, BrandPolicy]
    default: BrandPolicy
    channels: dict[str, ChannelRule] = field(default_factory=dict)
    # The brand lookup of recognise(), rebuilt only when the brands change; not a field that
    # counts for equality or repr.
    _recogniser: _Recogniser | None = field(default=None, init=False, repr=False, compare=False)

    def recognise(self, text: str) -> str | None:
        """The brand a message is about: the brand whose @handle it contains (the whole
        handle, any case), else the brand whose full name it contains as whole words (the
        longest name when several match; names under 4 characters are ignored); else None."""
        found = self.recognised_from(text)
        return found[0] if found else None

    def recognised_from(self, text: str) -> tuple[str, str] | None:
        """(brand, what gave it away: its @handle or its name as written), or None."""
        if not text:
            return None
        key = tuple((name, policy.handle) for name, policy in self.brands.items())
        if self._recogniser is None or self._recogniser.key != key:
            self._recogniser = _Recogniser.build(key)
        return self._recogniser.find(text)

    def for_brand(self, brand: str | None) -> BrandPolicy:
        if not brand:
            return self.default
        found = self.brands.get(brand) or {k.lower(): v for k, v in self.brands.items()}.get(
            brand.lower()
        )
        if found is None:
            return unknown_brand_policy(brand, self.default)
        return found

    def channel(self, name: str) -> ChannelRule:
        rule = self.channels.get(name)
        if rule is None:
            known = ", ".join(self.channels)
            raise InputError(f"Unknown channel {name!r}. Choose one of: {known}.")
        return rule


def unknown_brand_policy(brand: str, default: BrandPolicy) -> BrandPolicy:
    """The policy of a brand with no file: the conservative default (no money, no gestures),
    replies move to "a private message", and a note says how to add the brand's own policy."""
    return replace(
        default,
        brand=brand,
        remedies=tuple(r for r in default.remedies if r not in ("refund", "credit", "voucher")),
        max_credit=0,
        max_voucher=0,
        private_channel="private message",
        notes=(
            f"No policy on file for {brand}: nothing is promised. Add one with "
            "`assistant brands add` or the trainer room's brand form."
        ),
        on_file=False,
    )


def _policy_from(row: dict, source: Path) -> BrandPolicy:
    remedies = tuple(row.get("remedies") or ())
    bad = [r for r in remedies if r not in REMEDIES]
    if bad:
        raise ConfigError(
            f"{source}: brand {row.get('brand')!r} has unknown remedies {bad}; "
            f"allowed: {', '.join(REMEDIES)}."
        )
    for key in ("max_credit", "max_voucher"):
        if not isinstance(row.get(key, 0), int | float) or row.get(key, 0) < 0:
            raise ConfigError(f"{source}: {key} of {row.get('brand')!r} must be a number >= 0.")
    return BrandPolicy(
        brand=row.get("brand"),
        industry=row.get("industry"),
        handle=row.get("handle"),
        currency=row.get("currency", "USD"),
        remedies=remedies,
        max_credit=float(row.get("max_credit", 0)),
        max_voucher=float(row.get("max_voucher", 0)),
        private_channel=row.get("private_channel", "DM"),
        notes=row.get("notes", ""),
    )


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None


def parse_brand_yaml(text: str, source: Path = Path("<text>")) -> list[BrandPolicy]:
    """Parse and validate a brand policy file's text (used by the app's policy editor too)."""
    try:
        rows = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}") from None
    if not isinstance(rows, list):
        raise ConfigError(f"{source} must be a YAML list of brands.")
    policies = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("brand"):
            raise ConfigError(f"{source}: every entry needs a `brand` name.")
        policies.append(_policy_from(row, source))
    return policies


def load_policies(data_dir: Path) -> Policies:
    data_dir = Path(data_dir)
    brands: dict[str, BrandPolicy] = {}
    for path in sorted((data_dir / "brands").glob("*.yaml")):
        for policy in parse_brand_yaml(path.read_text(encoding="utf-8"), path):
            brands[policy.brand] = policy
    return Policies(
        brands=brands, default=load_default_policy(data_dir), channels=load_channels(data_dir)
    )


def load_default_policy(data_dir: Path) -> BrandPolicy:
    default_path = Path(data_dir) / "policy_default.yaml"
    if default_path.exists():
        return _policy_from(_read_yaml(default_path), default_path)
    return BrandPolicy(brand=None, remedies=("refund_review", "escalation"))


def load_channels(data_dir: Path) -> dict[str, ChannelRule]:
    channel_path = Path(data_dir) / "channels.yaml"
    if not channel_path.exists():
        raise ConfigError(f"{channel_path} is missing; it defines the channels and their limits.")
    return {
        name: ChannelRule(
            name=name,
            limit=int(rule["limit"]),
            public=bool(rule["public"]),
            tokens=int(rule.get("tokens", 200)),
        )
        for name, rule in (_read_yaml(channel_path) or {}).items()
    }


def add_brand(data_dir: Path, row: dict, file_name: str = "custom") -> Path:
    """Validate a new brand's policy and append it to data/brands/<file_name>.yaml.

    The brand must not exist in any file; `row` has the keys of a policy file entry. Returns the
    file written. ConfigError (nothing written) names what is wrong.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,60}", file_name or ""):
        raise ConfigError(f"{file_name!r} is not a plain file name (letters, digits, - and _).")
    folder = Path(data_dir) / "brands"
    path = folder / f"{file_name}.yaml"
    entry = {k: v for k, v in row.items() if v not in (None, "", [])}
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    [policy] = parse_brand_yaml(text, Path(path.name))
    if policy.currency not in CURRENCIES:
        raise ConfigError(
            f"currency must be one of {', '.join(CURRENCIES)}; it is {policy.currency!r}."
        )
    existing = load_policies(data_dir).brands
    if policy.brand.lower() in {b.lower() for b in existing}:
        raise ConfigError(f"Brand {policy.brand!r} already has a policy; edit it instead.")
    folder.mkdir(parents=True, exist_ok=True)
    old = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Brands added with `assistant brands add`.\n"
    )
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return path
