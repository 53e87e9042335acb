"""Run every benchmark, one after the other, printing their figures (`make bench`).

    .venv/bin/python bench/run_all.py [--quick]

--quick runs each with small sizes (a few minutes in all) to check the scripts work; the full
run takes about an hour on 2 cores, most of it in suggest_latency.py with the default model.
Benchmarks never fail on speed: the exit status is non-zero only when a script crashed.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Most important first: a run cut short still has the figures the targets are about.
FULL = [
    ("decode_speed.py", []),
    ("gemm_probe.py", []),
    ("suggest_latency.py", ["--n", "30"]),
    ("memory.py", []),
    ("retrieval.py", []),
    ("query_embedding.py", []),
    ("index_build.py", []),
]
if importlib.util.find_spec("llama_cpp") is not None:  # optional: `make llama` builds it
    FULL[2] = ("suggest_latency.py", ["--n", "30", "--backends", "transformers", "llama.cpp"])
QUICK = {
    "query_embedding.py": ["--n", "20"],
    "index_build.py": ["--n", "500", "--repeats", "1"],
    "retrieval.py": ["--sizes", "10000", "100000", "--queries", "50", "--filtered-queries", "20"],
    "decode_speed.py": [
        "--models",
        "smollm2-135m",
        "--tokens",
        "16",
        "--repeats",
        "1",
        "--levers",
        "0,1,5",
    ],
    "suggest_latency.py": ["--models", "smollm2-135m", "--n", "3"],
    "memory.py": ["--models", "smollm2-135m"],
    "gemm_probe.py": ["--rows", "1", "3"],
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: check the scripts run")
    parser.add_argument("--only", nargs="+", help="script names to run, e.g. retrieval.py")
    args = parser.parse_args(argv)
    failed = []
    for script, extra in FULL:
        if args.only and script not in args.only:
            continue
        extra = QUICK.get(script, extra) if args.quick else extra
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(HERE / script), *extra]).returncode
        print(
            f"   ({script} took {time.perf_counter() - started:.0f} s, exit {code})\n", flush=True
        )
        if code:
            failed.append(script)
    if failed:
        print(f"crashed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
