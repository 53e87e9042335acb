"""Prompt templates from `prompts/`, rendered sandboxed with StrictUndefined.

Every template the product renders (drafting prompts, fallback replies, a template a trainer is
saving) goes through `sandbox()`: Jinja's immutable sandbox refuses attribute access to Python
internals (`cycler.__init__.__globals__`), so a template typed into the prompt editor cannot run
code on the server; StrictUndefined makes a missing value fail loudly instead of rendering "".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from assistant.errors import ConfigError


def sandbox(loader: jinja2.BaseLoader | None = None) -> ImmutableSandboxedEnvironment:
    """The one environment every template is rendered in."""
    return ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,  # prompts are plain text for a model, not HTML
    )


@lru_cache(maxsize=8)
def _environment(prompts_dir: str) -> ImmutableSandboxedEnvironment:
    return sandbox(jinja2.FileSystemLoader(prompts_dir))


@lru_cache(maxsize=64)
def compile_text(text: str) -> jinja2.Template:
    """A template from text (fallback replies, greetings), compiled once, sandboxed."""
    return sandbox().from_string(text)


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
    except jinja2.exceptions.SecurityError:
        raise ConfigError(f"Prompt template {name!r} uses something templates may not.") from None


def validate_template(text: str, sample: dict) -> str | None:
    """None when `text` parses and renders with `sample`; otherwise the problem in plain words."""
    try:
        sandbox().from_string(text).render(**sample)
    except jinja2.TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    except jinja2.UndefinedError as exc:
        return f"unknown value: {exc.message}"
    except jinja2.exceptions.SecurityError:
        return "it reaches for Python internals, which templates may not use"
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        return f"it fails when rendered ({type(exc).__name__})"
    return None


def prompt_data(prompts_dir: Path, name: str):
    """A YAML file of prompts/ (fallback replies, remedy wording), parsed once per version of
    the file: a trainer's edit is read on the next call, an unchanged file never again."""
    path = Path(prompts_dir) / name
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise ConfigError(f"Prompt file {name!r} is missing from {prompts_dir}.") from None
    return _parsed(str(path), stamp)


@lru_cache(maxsize=16)
def _parsed(path: str, stamp: int):
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{Path(path).name} is not valid YAML: {exc}") from None
