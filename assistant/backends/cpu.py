"""What this CPU can do fast, read from /proc/cpuinfo, so dtypes and builds are chosen per machine.

The machines this project runs on differ between sessions: an AMD EPYC with AVX2 only (bfloat16
is emulated there, several times slower than float32) and an Intel Xeon with AVX512-BF16 and AMX
(bfloat16 native: faster prefill and training). Nothing is assumed; everything is read.

    >>> native_bf16(frozenset({"avx2", "avx512_bf16"}))
    True
    >>> native_bf16(frozenset({"avx2", "fma"}))
    False
"""

from __future__ import annotations

import platform
from functools import lru_cache
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
# Either one means bf16 matrix products run in hardware.
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
# The features worth naming in a benchmark header, in this order.
NAMED_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16")


def _field(text: str, name: str) -> str:
    for line in text.splitlines():
        if line.startswith(name):
            return line.split(":", 1)[1].strip()
    return ""


@lru_cache(maxsize=1)
def _cpuinfo() -> str:
    try:
        return CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_flags(text: str | None = None) -> frozenset[str]:
    """The feature flags of the first CPU (empty when /proc/cpuinfo cannot be read)."""
    return frozenset(_field(_cpuinfo() if text is None else text, "flags").split())


def cpu_model(text: str | None = None) -> str:
    name = _field(_cpuinfo() if text is None else text, "model name")
    return name or platform.processor() or "unknown CPU"


def native_bf16(flags: frozenset[str] | None = None) -> bool:
    return bool(BF16_FLAGS & (cpu_flags() if flags is None else flags))


def compute_dtype(flags: frozenset[str] | None = None) -> str:
    """The torch dtype name to train and run in: bfloat16 only where the CPU does it natively."""
    return "bfloat16" if native_bf16(flags) else "float32"


def resolve_dtype(setting: str, flags: frozenset[str] | None = None) -> str:
    """`Settings.dtype` as a torch dtype name: "auto" follows the CPU, anything else is kept."""
    return compute_dtype(flags) if setting == "auto" else setting


def cpu_label(text: str | None = None) -> str:
    """'AMD EPYC (avx2)' or 'Intel Xeon ... (avx2, avx512f, avx512_bf16, amx_tile, amx_bf16)'."""
    flags = cpu_flags(text)
    named = [f for f in NAMED_FLAGS if f in flags]
    return f"{cpu_model(text)} ({', '.join(named) or 'no AVX2'})"
