"""Why a batch of 3 rows decodes no faster than 1 in float32: time one Linear layer per row count.

    .venv/bin/python bench/gemm_probe.py [--threads 2]

Decoding multiplies each layer's weight matrix by one activation row per sequence. If the kernel
reads the weights once per call, 3 rows cost about what 1 row costs (memory-bound); if it reads
them once per row, 3 rows cost 3 times as much. This times `torch.nn.functional.linear` on
Qwen2.5-0.5B's largest shape (the MLP's 896 -> 4864 projection) for 1, 2, 3, 4 and 8 rows, in
float32, bfloat16 and int8 (dynamic quantisation, the kernel `quantize_dynamic` uses), and prints
the effective bandwidth: weight bytes / time.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import header, quietest

IN, OUT = 896, 4864  # Qwen2.5-0.5B: hidden size and MLP width
CALLS = 200


def per_call(fn) -> float:
    for _ in range(10):  # warm the caches and the kernel selection
        fn()
    t = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - t) / CALLS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rows", nargs="+", type=int, default=[1, 2, 3, 4, 8])
    args = parser.parse_args(argv)
    header("gemm probe")
    import torch

    torch.set_num_threads(args.threads)
    layers = {
        "float32": torch.nn.Linear(IN, OUT, bias=False),
        "bfloat16": torch.nn.Linear(IN, OUT, bias=False).to(torch.bfloat16),
    }
    from torch.ao.quantization import quantize_dynamic

    layers["int8"] = quantize_dynamic(
        torch.nn.Sequential(torch.nn.Linear(IN, OUT, bias=False)), {torch.nn.Linear}
    )
    sizes = {"float32": IN * OUT * 4, "bfloat16": IN * OUT * 2, "int8": IN * OUT}
    with torch.inference_mode():
        for name, layer in layers.items():
            dtype = torch.bfloat16 if name == "bfloat16" else torch.float32
            base = None
            parts = []
            for rows in args.rows:
                x = torch.randn(rows, IN).to(dtype)
                seconds, noise = quietest(lambda layer=layer, x=x: per_call(lambda: layer(x)))
                base = base or seconds
                parts.append(
                    f"{rows} rows {seconds * 1e6:6.0f} us ({seconds / base:.2f}x, "
                    f"{sizes[name] / seconds / 1e9:5.1f} GB/s)"
                )
            print(f"   {name:9} " + "; ".join(parts) + f"; {noise}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
