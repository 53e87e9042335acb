"""The trainer room's editors for brand policies (data/brands/*.yaml) and prompt templates.

Both validate before they write (a policy with `parse_brand_yaml`, a template by rendering it
with sample requests), write atomically, and take only plain file names inside their folder.
The role check is the caller's (`Trainer`), so these stay plain functions of an Assistant.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from assistant.errors import ConfigError, InputError
from assistant.library.policy import BrandPolicy, load_policies, parse_brand_yaml
from assistant.service import Assistant
from assistant.text.inputs import check_text
from assistant.text.prompts import validate_template

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,60}$")
# Values to render a drafting prompt with before saving it: one public and one private request,
# so both branches of every {% if %} in the template are exercised.
PROMPT_SAMPLES = (
    dict(
        agent_label="Ana",
        brand_label="Example Air",
        public=True,
        private_channel="DM",
        customer="Rosa",
        language_name="English",
        limit=280,
        remedies="a refund review",
        max_gesture=20.0,
        max_gesture_text="20 USD",
        agent="Ana",
        channel="twitter",
        hint="Hi Sam, I'm so sorry your order arrived late. I'll look into it now.",
    ),
    dict(
        agent_label="an agent",
        brand_label="the company",
        public=False,
        private_channel="email thread",
        customer=None,
        language_name="Spanish",
        limit=2500,
        remedies="an apology and a follow-up",
        max_gesture=0.0,
        max_gesture_text="0 USD",
        agent=None,
        channel="email",
        hint=None,
    ),
)


def _atomic_write(path: Path, text: str) -> None:
    """Write via a temp file and rename, so a crash never leaves half a policy file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _safe_file(folder: Path, name: str, suffix: str) -> Path:
    """`folder/name` for a plain file name with `suffix`; never a path out of `folder`."""
    check_text(name, "file name", "name", optional=True)
    stem = (name or "").strip()
    if stem.endswith(suffix):
        stem = stem[: -len(suffix)]
    if not _FILE_NAME.match(stem):
        raise InputError(
            f"{name!r} is not a plain file name; use letters, digits, - and _ "
            f"(e.g. 'travel{suffix}')."
        )
    return folder / f"{stem}{suffix}"


def _brands_dir(assistant: Assistant) -> Path:
    return assistant.settings.data_dir / "brands"


def policy_files(assistant: Assistant) -> list[str]:
    return sorted(p.name for p in _brands_dir(assistant).glob("*.yaml"))


def read_policy(assistant: Assistant, name: str) -> str:
    path = _safe_file(_brands_dir(assistant), name, ".yaml")
    if not path.exists():
        raise InputError(f"No policy file {path.name!r}; pick one of {policy_files(assistant)}.")
    return path.read_text(encoding="utf-8")


def save_policy(assistant: Assistant, name: str, text: str) -> list[BrandPolicy]:
    """Validate and save data/brands/<name>.yaml; the running assistant uses it at once."""
    folder = _brands_dir(assistant)
    path = _safe_file(folder, name, ".yaml")
    check_text(text, "policy file", "template")
    # Errors name the file, never its place on the server (Path(name), not the full path).
    parsed = parse_brand_yaml(text, Path(path.name))  # ConfigError names the problem; not saved
    others = {
        p.brand: other.name
        for other in folder.glob("*.yaml")
        if other.name != path.name
        for p in parse_brand_yaml(other.read_text(encoding="utf-8"), Path(other.name))
    }
    clash = sorted(p.brand for p in parsed if p.brand in others)
    if clash:
        raise ConfigError(
            f"{path.name}: brand {clash[0]!r} is already defined in {others[clash[0]]}; "
            "each brand must live in one file. Not saved."
        )
    _atomic_write(path, text)
    fresh = load_policies(assistant.settings.data_dir)
    live = assistant.policies  # the drafter holds this object: update it in place
    live.brands.clear()
    live.brands.update(fresh.brands)
    return parsed


def prompt_files(assistant: Assistant) -> list[str]:
    return sorted(p.name for p in assistant.settings.prompts_dir.glob("*.j2"))


def read_prompt(assistant: Assistant, name: str) -> str:
    path = _safe_file(assistant.settings.prompts_dir, name, ".j2")
    if not path.exists():
        raise InputError(f"No prompt {path.name!r}; pick one of {prompt_files(assistant)}.")
    return path.read_text(encoding="utf-8")


def save_prompt(assistant: Assistant, name: str, text: str) -> str:
    """Validate (parse and render with sample values) and save an existing template."""
    path = _safe_file(assistant.settings.prompts_dir, name, ".j2")
    if not path.exists():
        raise InputError(
            f"No prompt {path.name!r}; only existing templates ({prompt_files(assistant)}) "
            "can be edited, because the code chooses which one it renders."
        )
    check_text(text, "template", "template")
    if not text.strip():
        raise ConfigError(f"{path.name}: the template is empty. Not saved.")
    for sample in PROMPT_SAMPLES:
        problem = validate_template(text, sample)
        if problem:
            raise ConfigError(f"{path.name}: {problem}. Not saved.")
    _atomic_write(path, text)
    return path.name


def add_brand_policy(assistant: Assistant, row: dict) -> BrandPolicy:
    """Validate a new brand from the trainer room's form, append it to data/brands/custom.yaml
    (the same check and file as `assistant brands add`), and let the running assistant use it."""
    from assistant.library.policy import add_brand

    for field_name in ("brand", "private_channel", "handle"):
        check_text(row.get(field_name), field_name.replace("_", " "), "brand", optional=True)
    check_text(row.get("notes"), "notes", "reason", optional=True)
    row = {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}
    if not row.get("brand"):
        raise ConfigError("Give the brand's name, as customers write it.")
    add_brand(assistant.settings.data_dir, row)
    fresh = load_policies(assistant.settings.data_dir)
    live = assistant.policies  # the drafter holds this object: update it in place
    live.brands.clear()
    live.brands.update(fresh.brands)
    return live.for_brand(row["brand"])
