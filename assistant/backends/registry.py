"""The drafting backends by name: `ASSISTANT_BACKEND` picks one, and a new model server (an
OpenAI-compatible one, say) is one more entry here. Each builder imports its library lazily."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from assistant.backends.generation import Generator
from assistant.config import Settings
from assistant.errors import ConfigError


def _transformers(settings: Settings) -> Generator:
    from assistant.backends.cpu import resolve_dtype
    from assistant.backends.generation import TransformersGenerator
    from assistant.backends.models import adapter_for, resolve_generator

    name, source = resolve_generator(settings.model, settings.models_dir, settings.cache_dir)
    adapter = adapter_for(settings.model, settings.models_dir)
    if settings.quantize != "none":
        name = f"{name} ({settings.quantize})"
    return TransformersGenerator(
        name,
        source,
        settings.threads,
        adapter,
        # Dynamic int8 quantisation takes float32 Linear layers.
        dtype="float32" if settings.quantize != "none" else resolve_dtype(settings.dtype),
        quantize=settings.quantize,
    )


def _gguf_files(settings: Settings) -> tuple[Path, Path | None]:
    """The model's GGUF (reassembled once if split) and its GGUF LoRA, each digest-checked."""
    from assistant.backends.models import gguf_lora_for, gguf_path

    path = gguf_path(settings.model, settings.models_dir, settings.cache_dir)
    return path, gguf_lora_for(settings.model, settings.models_dir)


def _llama_generator(settings: Settings, path: Path, lora: Path | None) -> Generator:
    from assistant.backends.llamacpp import LlamaCppGenerator

    return LlamaCppGenerator(f"{settings.model} (llama.cpp)", path, settings.threads, lora)


def _llamacpp(settings: Settings) -> Generator:
    return _llama_generator(settings, *_gguf_files(settings))


def _auto(settings: Settings) -> Generator:
    """llama.cpp when it is installed, the model has a GGUF (and, for an adapter, a GGUF LoRA),
    and a child process ran it cleanly on this CPU (`selftest`); transformers otherwise, with one
    line on stderr that says why."""
    from assistant.backends.models import load_manifests
    from assistant.backends.selftest import check

    spec = load_manifests(settings.models_dir).get(settings.model)
    has_gguf = spec is not None and (
        spec.kind == "generator" or (spec.kind == "adapter" and spec.extra.get("gguf_lora"))
    )
    if not has_gguf:
        return _transformers(settings)  # a local folder, a hub id or an adapter without GGUF
    path, lora = _gguf_files(settings)  # resolved and digest-checked once, then used
    verdict = check(path, lora, settings.home)
    if verdict.ok:
        return _llama_generator(settings, path, lora)
    print(
        f"note: llama.cpp is not used for {settings.model}: {verdict.reason}; "
        "drafting with transformers (slower). ASSISTANT_BACKEND=transformers silences this.",
        file=sys.stderr,
    )
    return _transformers(settings)


REGISTRY: dict[str, Callable[[Settings], Generator]] = {
    "auto": _auto,
    "transformers": _transformers,
    "llama.cpp": _llamacpp,
}


def build_generator(settings: Settings) -> Generator:
    """The generator `settings.backend` names, built (its weights load on first use)."""
    builder = REGISTRY.get(settings.backend)
    if builder is None:
        raise ConfigError(
            f"Unknown backend {settings.backend!r}; choose one of: {', '.join(REGISTRY)}."
        )
    return builder(settings)
