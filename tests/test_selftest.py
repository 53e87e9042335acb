"""The auto backend: llama.cpp only after a clean child-process self-test, else transformers."""

import subprocess

import pytest

from assistant.backends import selftest
from assistant.backends.selftest import Verdict, check


class Runner:
    def __init__(self, code: int, stderr: str = ""):
        self.code, self.stderr, self.calls = code, stderr, []

    def __call__(self, command, **kwargs):
        self.calls.append(command)
        return subprocess.CompletedProcess(command, self.code, "", self.stderr)


@pytest.fixture
def model(tmp_path):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    return gguf


def test_without_llama_cpp_the_verdict_says_how_to_install_it(monkeypatch, model, tmp_path):
    monkeypatch.setattr(selftest, "llama_version", lambda: None)
    runner = Runner(0)
    assert check(model, None, tmp_path, runner) == Verdict(
        False, "llama-cpp-python is not installed (`make llama` builds it)"
    )
    assert runner.calls == []


def test_a_crash_in_the_child_is_a_clear_no_and_is_remembered(monkeypatch, model, tmp_path):
    monkeypatch.setattr(selftest, "llama_version", lambda: "0.3.36")
    crash = Runner(-11)
    assert check(model, None, tmp_path, crash) == Verdict(False, "it crashed (SIGSEGV)")
    assert crash.calls[0][-3:] == ["-m", "assistant.backends.selftest", str(model)]
    again = Runner(0)
    assert check(model, None, tmp_path, again) == Verdict(False, "it crashed (SIGSEGV)")
    assert again.calls == []  # remembered for this machine and model


def test_a_clean_run_says_yes_and_a_new_model_file_is_tested_again(monkeypatch, model, tmp_path):
    monkeypatch.setattr(selftest, "llama_version", lambda: "0.3.36")
    lora = tmp_path / "lora.gguf"
    lora.write_bytes(b"LORA")
    assert check(model, lora, tmp_path, Runner(0)) == Verdict(True, "")
    failing = Runner(1, "Traceback...\nValueError: bad magic")
    assert check(model, None, tmp_path, failing) == Verdict(
        False, "it failed (exit 1: ValueError: bad magic)"
    )


def test_auto_falls_back_to_transformers_with_one_line(monkeypatch, tmp_path, capsys):
    from assistant.backends import models
    from assistant.backends.generation import TransformersGenerator
    from assistant.backends.registry import build_generator
    from assistant.config import Settings

    monkeypatch.setattr(models, "gguf_path", lambda *a: tmp_path / "base.gguf")
    monkeypatch.setattr(selftest, "check", lambda *a: Verdict(False, "it crashed (SIGSEGV)"))
    monkeypatch.setattr(models, "resolve_generator", lambda *a: ("qwen2.5-0.5b-care", tmp_path))
    settings = Settings(home=tmp_path, model="qwen2.5-0.5b-care", backend="auto")
    generator = build_generator(settings)
    assert isinstance(generator, TransformersGenerator)
    assert capsys.readouterr().err == (
        "note: llama.cpp is not used for qwen2.5-0.5b-care: it crashed (SIGSEGV); drafting "
        "with transformers (slower). ASSISTANT_BACKEND=transformers silences this.\n"
    )


def test_auto_uses_llama_cpp_with_the_adapters_gguf_lora_after_a_clean_test(monkeypatch, tmp_path):
    from assistant.backends import models
    from assistant.backends.llamacpp import LlamaCppGenerator
    from assistant.backends.registry import build_generator
    from assistant.config import Settings

    monkeypatch.setattr(models, "gguf_path", lambda *a: tmp_path / "base.gguf")
    monkeypatch.setattr(selftest, "check", lambda *a: Verdict(True, ""))
    settings = Settings(home=tmp_path, model="qwen2.5-0.5b-care", backend="auto")
    generator = build_generator(settings)
    assert isinstance(generator, LlamaCppGenerator)
    assert generator.lora == settings.models_dir / "adapters/qwen2.5-0.5b-care/adapter-f16.gguf"
    assert generator.name == "qwen2.5-0.5b-care (llama.cpp)"
