"""Peak resident memory (RSS) of the app process with a model loaded (`Assistant.warm_up()`).

    .venv/bin/python bench/memory.py [--models smollm2-135m-care qwen2.5-0.5b]

Each measurement runs in a fresh Python process, so one model's memory never hides another's:
the process imports the package, builds the Assistant from the settings, warms it up (index,
embedder, generator) and answers one complaint, reporting its RSS and peak RSS after each step.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import REPO, header, load_average

CHILD = r"""
import json, resource, sys, time
import psutil

def rss():
    return {"rss_mib": psutil.Process().memory_info().rss / 2**20,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}

steps = {}
from assistant import Assistant, Settings
steps["import"] = rss()
assistant = Assistant(Settings.from_env(model=sys.argv[1]))
t = time.perf_counter()
assistant.warm_up()
steps["warm_up"] = {**rss(), "seconds": time.perf_counter() - t}
assistant.suggest("My flight was cancelled and nobody told me. I missed my sister's wedding.",
                  "twitter")
steps["one suggest"] = rss()
print("RESULT " + json.dumps(steps))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["smollm2-135m-care", "qwen2.5-0.5b"])
    args = parser.parse_args(argv)
    header("memory")
    for name in args.models:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, name], cwd=REPO, capture_output=True, text=True
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"-- {name}: FAILED (exit {done.returncode}): {done.stderr.strip()[-500:]}")
            continue
        steps = json.loads(line[len("RESULT ") :])
        print(f"-- {name}")
        for step, s in steps.items():
            extra = f" (took {s['seconds']:.1f} s)" if "seconds" in s else ""
            print(
                f"   after {step:12} RSS {s['rss_mib']:7.0f} MiB, peak {s['peak_mib']:7.0f} MiB"
                f"{extra}"
            )
        print("   target: peak RSS <= 2.5 GB (2384 MiB)", flush=True)
    print(f"   finished {time.strftime('%H:%M:%S')}; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
