"""Prompt templates from `prompts/`, rendered with StrictUndefined: a missing value fails loudly."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from .errors import ConfigError


@lru_cache(maxsize=8)
def _environment(prompts_dir: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompts_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,  # prompts are plain text for a model, not HTML
    )


def load_prompt(name: str, prompts_dir: Path) -> jinja2.Template:
    try:
        return _environment(str(prompts_dir)).get_template(name)
    except jinja2.TemplateNotFound:
        raise ConfigError(f"Prompt template {name!r} is missing from {prompts_dir}.") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"Prompt template {name!r} line {exc.lineno}: {exc.message}") from None


def render(name: str, prompts_dir: Path, **values) -> str:
    try:
        return load_prompt(name, prompts_dir).render(**values).strip()
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"Prompt template {name!r} needs a value: {exc.message}") from None


def validate_template(text: str, sample: dict) -> str | None:
    """None when `text` parses and renders with `sample`; otherwise the problem in plain words."""
    try:
        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        env.from_string(text).render(**sample)
    except jinja2.TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    except jinja2.UndefinedError as exc:
        return f"unknown value: {exc.message}"
    return None
