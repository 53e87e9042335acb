"""Every reply language has its own fix sentences and rewrite rules (no models, no English)."""

import re
import string

import pytest

from assistant.coach.analysis import analyse
from assistant.coach.checklist import fix_text
from assistant.coach.classifiers import table
from assistant.coach.review import coach
from assistant.config import REPO_ROOT
from assistant.library.policy import load_policies
from assistant.library.vocabulary import LANGUAGES

PORTUGUESE_COMPLAINT = "O meu pacote chegou partido e ninguém me responde."


def _flat(section: dict, prefix: str = "") -> dict[str, str]:
    """`feelings: {anger: ...}` -> {"feelings.anger": ...}: every leaf text by its path."""
    out = {}
    for key, value in section.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fixes_have_every_english_key_with_the_same_placeholders(lang):
    fixes = table("fixes")
    assert lang in fixes, f"fixes.yaml has no {lang!r} section"
    english, texts = _flat(fixes["en"]), _flat(fixes[lang])
    assert set(texts) == set(english)
    for key, text in texts.items():
        assert isinstance(text, str) and text.strip(), f"{lang}.{key} is empty"
        assert _placeholders(text) == _placeholders(english[key]), f"{lang}.{key}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rewrite_rules_have_the_spanish_keys_and_compile(lang):
    rules = table("rewrite")
    assert lang in rules, f"rewrite.yaml has no {lang!r} section"
    assert set(rules[lang]) == set(rules["es"])
    for key, value in rules[lang].items():
        if isinstance(value, str):
            assert value.strip(), f"{lang}.{key} is empty"
            continue
        for item in value:
            pattern = item if isinstance(item, str) else item[0]
            if not isinstance(item, str):
                assert len(item) == 2 and isinstance(item[1], str), f"{lang}.{key}: {item!r}"
            re.compile(pattern, re.I)


def test_fix_text_speaks_italian_and_spanish():
    assert fix_text("apology", "it", topic="il suo pacco") == (
        "Mi dispiace davvero per quanto accaduto con il suo pacco."
    )
    assert fix_text("guard_not_empty", "es") == (
        "Escribe una respuesta: nombra lo que pasó, pide disculpas y di qué vas a hacer."
    )


def test_a_portuguese_reply_gets_no_english_fixes():
    assert analyse(PORTUGUESE_COMPLAINT, "twitter").language == "pt"
    policies = load_policies(REPO_ROOT / "data")
    review = coach(
        "Ok.", PORTUGUESE_COMPLAINT, "twitter", policy=policies.default, policies=policies
    )
    fixes = [f.fix for f in review.findings if f.fix is not None]
    assert fixes, "the one-word reply should fail some checks"
    for fix in fixes:
        assert not re.search(r"reply|sorry|\bWrite\b", fix, re.I), fix
