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
    """The CPU and the features that decide dtypes and builds: 'AMD EPYC (avx2, avx512f)'."""
    from assistant.backends.cpu import cpu_label

    return cpu_label()


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
    from assistant.config import Settings
    from assistant.library.cases import load_library
    from assistant.offline.evaluation import select_test_cases

    settings = Settings.from_env()
    cases = load_library(settings.data_dir)
    return cases, select_test_cases(cases, settings.data_dir, n)


def _busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Noise:
    """How many cores *other* processes used while a block ran: machine busy time minus ours.

    The load average cannot tell our own threads from other people's; this can. 0.0 means we
    had the machine to ourselves; 1.0 means someone else kept one of the two cores busy.

        with Noise() as noise:
            measure()
        print(noise)  # "others 0.03 cores"
    """

    def __enter__(self) -> Noise:
        self._start = (time.perf_counter(), _busy_seconds(), _own_seconds())
        return self

    def __exit__(self, *exc) -> None:
        wall, busy, own = (
            now - then
            for now, then in zip(
                (time.perf_counter(), _busy_seconds(), _own_seconds()), self._start, strict=True
            )
        )
        self.cores = max(0.0, (busy - own) / wall) if wall > 0 else 0.0

    def __str__(self) -> str:
        return f"others {self.cores:.2f} cores"


# Other processes may use this much of the machine while we measure and still count as quiet:
# background daemons take ~0.02 cores; one more Python process at work takes 0.5-2.
QUIET_CORES = 0.15


def wait_quiet(max_cores: float = QUIET_CORES, sample_s: float = 3.0, streak: int = 2) -> None:
    """Block until other processes used under `max_cores` for `streak` samples in a row."""
    quiet, told = 0, False
    while quiet < streak:
        with Noise() as noise:
            time.sleep(sample_s)
        quiet = quiet + 1 if noise.cores < max_cores else 0
        if not quiet and not told:
            print(f"   (waiting for the machine to be quiet: {noise})", flush=True)
            told = True


def quietest(measure, attempts: int = 3):
    """Run `measure()` after waiting for quiet, up to `attempts` times until a run stays quiet;
    returns (the quietest run's result, its Noise). Noisy results are kept, never hidden: the
    caller prints the noise beside the figure."""
    best = None
    for _ in range(attempts):
        wait_quiet()
        with Noise() as noise:
            result = measure()
        if best is None or noise.cores < best[1].cores:
            best = (result, noise)
        if noise.cores < QUIET_CORES:
            break
    return best


def set_threads(threads: int) -> None:
    """Pin torch's intra-op threads the way the app does (settings.threads)."""
    import torch

    torch.set_num_threads(threads)
