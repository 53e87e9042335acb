"""`assistant models export-gguf NAME`: an adapter's LoRA as a GGUF LoRA for llama.cpp.

llama.cpp's own converter (`convert_lora_to_gguf.py`, with its `gguf-py` and `conversion`
packages) ships inside the llama-cpp-python source package. This fetches that package once into
the cache with pip (the version `make llama` builds, so converter and runtime agree), runs the
converter on the adapter with the base model's config, and writes `adapter-f16.gguf` beside the
adapter. The manifest then names it (`gguf_lora:`) with its digest (`gguf_sha256:`), which
`assistant models verify` and the llama.cpp backend check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

from assistant.errors import InputError, ModelError

# The llama-cpp-python release `make llama` builds (Makefile LLAMA_CPP_VERSION).
LLAMA_CPP_VERSION = "0.3.36"
OUTFILE = "adapter-f16.gguf"


def converter_dir(cache_dir: Path, version: str = LLAMA_CPP_VERSION) -> Path:
    """llama.cpp's source tree from the llama-cpp-python sdist, fetched and unpacked once."""
    root = Path(cache_dir) / f"llama-cpp-python-{version}"
    tree = root / f"llama_cpp_python-{version}" / "vendor" / "llama.cpp"
    if (tree / "convert_lora_to_gguf.py").exists():
        return tree
    root.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q"]
        + ["-d", str(root), f"llama-cpp-python=={version}"],
        capture_output=True,
        text=True,
    )
    archives = sorted(root.glob("llama_cpp_python-*.tar.gz"))
    if done.returncode != 0 or not archives:
        raise ModelError(
            f"Could not fetch llama-cpp-python {version}'s source package for its GGUF "
            f"converter: {done.stderr.strip()[-300:] or 'pip found nothing'}."
        )
    with tarfile.open(archives[-1]) as archive:
        archive.extractall(root, filter="data")
    return tree


def export_gguf(name: str, models_dir: Path, cache_dir: Path) -> tuple[Path, str]:
    """Write the adapter manifest `name`'s LoRA as GGUF (f16); returns (path, sha256)."""
    from assistant.backends.models import load_manifests, resolve_generator, sha256_of

    spec = load_manifests(models_dir).get(name)
    if spec is None or spec.kind != "adapter":
        raise InputError(f"{name!r} is not an adapter manifest in {models_dir}.")
    adapter = Path(models_dir) / spec.extra["adapter"]
    _, base = resolve_generator(name, models_dir, cache_dir)  # the base's config and tokenizer
    tree = converter_dir(cache_dir)
    out = adapter / OUTFILE
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "gguf-py"), str(tree)])}
    done = subprocess.run(
        [sys.executable, str(tree / "convert_lora_to_gguf.py"), "--outtype", "f16"]
        + ["--base", str(base), "--outfile", str(out), str(adapter)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0 or not out.exists():
        raise ModelError(f"llama.cpp's LoRA converter failed: {done.stderr.strip()[-500:]}")
    return out, sha256_of([out])
