"""Helpers the benchmark scripts share: the machine's description, percentiles, test complaints.

Benchmarks print figures; they never assert on time. Each script measures the things it compares
in one process, one after the other, so a ratio holds even when the absolute numbers move with
the load other people put on the machine (the load average is printed beside every run).
"""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return pages * size / 2**30


def header(title: str) -> None:
    print(f"== {title}")
    print(
        f"   {cpu_model()}, {os.cpu_count()} CPUs, {memory_gib():.1f} GiB RAM, "
        f"Python {platform.python_version()}; {load_average()}"
    )
    print(f"   started {time.strftime('%Y-%m-%d %H:%M:%S')}")


def percentiles(values: Sequence[float], points: Sequence[int] = (50, 95)) -> dict[int, float]:
    arr = np.asarray(values, dtype=np.float64)
    return {p: float(np.percentile(arr, p)) for p in points} if len(arr) else {}


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def peak_rss_mib() -> float:
    """The process's peak resident set (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_complaints(n: int | None = None):
    """(assistant settings' cases, test split) with the test cases in the eval's order."""
    from assistant.cases import load_library
    from assistant.config import Settings
    from assistant.evaluation import select_test_cases

    settings = Settings.from_env()
    cases = load_library(settings.data_dir)
    return cases, select_test_cases(cases, settings.data_dir, n)


def set_threads(threads: int) -> None:
    """Pin torch's intra-op threads the way the app does (settings.threads)."""
    import torch

    torch.set_num_threads(threads)
