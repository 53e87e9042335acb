"""Decode speed of our TransformersGenerator set-up against llama.cpp and the memory roofline.

    .venv/bin/python bench/decode_speed.py [--models qwen2.5-0.5b smollm2-135m] [--tokens 48]

For each model, on the same real drafting prompt (a test complaint with its retrieved example):
- memory bandwidth: a numpy copy of a 1 GiB array (bytes read + bytes written per second), and
  the same copy through torch with the app's thread count;
- roofline: bandwidth / bytes of weights read per generated token (the parameters in the dtype
  used; llama.cpp reads its GGUF's quantised weights, so its roofline is higher);
- transformers, the way generation.py calls it (greedy, repetition penalty 1.05), and levers:
  batch of 3 vs 1, float32 vs bfloat16, static cache, static cache + torch.compile, int8 dynamic
  quantisation of the Linear layers;
- llama.cpp (llama-cpp-python, built from source: bench only) on the same GGUF the app converts.

Decode tokens/s excludes the prefill: (tokens - 1) / (time of last token - time of first token).
Each configuration is measured `--repeats` times and the best run is kept: on a shared machine
the best run is the one least disturbed by other processes.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from _common import header, load_average, quietest

SIZE = 1 << 30  # 1 GiB: far larger than the 32 MiB L3 cache, so the copy measures DRAM


def numpy_bandwidth(repeats: int = 5) -> float:
    src = np.ones(SIZE // 4, dtype=np.float32)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2 * SIZE / best / 1e9


def torch_bandwidth(threads: int, repeats: int = 5) -> float:
    import torch

    torch.set_num_threads(threads)
    src = torch.ones(SIZE // 4, dtype=torch.float32)
    dst = torch.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        dst.copy_(src)
        best = min(best, time.perf_counter() - t)
    return 2 * SIZE / best / 1e9


class StepClock:
    """A transformers streamer that only notes when each decode step delivered its tokens."""

    def __init__(self):
        self.times: list[float] = []
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        self.times.append(time.perf_counter())

    def end(self) -> None:
        pass


def prompts_for(model_name: str, rows: int) -> list:
    """`rows` real drafting conversations: one test complaint with its top retrieved examples."""
    from _common import test_complaints

    from assistant.drafting.types import Request
    from assistant.service import Assistant
    from assistant.testing import ScriptedGenerator

    cases, split = test_complaints(1)
    captured = ScriptedGenerator(["(not generated)"])
    assistant = Assistant(cases=cases, generator=captured)
    case = split.cases[0]
    request = Request(case.complaint, case.channel, None, case.customer, case.agent)
    assistant.drafter.candidates = rows
    assistant.drafter.top_k = max(rows, 3)
    assistant.drafter.suggest(request, filters={"split": "train"}, exclude_ids=split.test_ids)
    return captured.calls[0][:rows]


def weight_bytes(model) -> int:
    """Bytes of weights one decode step reads: the parameters, plus the int8 weights that
    dynamically quantised Linear layers keep outside `parameters()`."""
    from torch.ao.nn.quantized.dynamic import Linear as QuantLinear

    total = sum(p.numel() * p.element_size() for p in model.parameters())
    for module in model.modules():
        if isinstance(module, QuantLinear):
            weight, bias = module.weight(), module.bias()
            total += weight.numel() * weight.element_size()
            total += 0 if bias is None else bias.numel() * bias.element_size()
    return total


def hf_decode(folder, conversations, dtype: str, tokens: int, threads: int, **lever) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, CompileConfig

    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=getattr(torch, dtype)).eval()
    if lever.get("int8"):
        from torch.ao.quantization import quantize_dynamic

        model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    texts = [
        tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True)
        for c in conversations
    ]
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    kwargs = dict(
        max_new_tokens=tokens,
        min_new_tokens=tokens,  # the same number of steps for every configuration
        do_sample=False,
        repetition_penalty=1.05,
        pad_token_id=tokenizer.pad_token_id,
    )
    if lever.get("static") or lever.get("compile"):
        kwargs["cache_implementation"] = "static"
    if lever.get("compile"):
        config = CompileConfig(mode="default")
        # transformers only auto-compiles on GPUs unless told this private flag (checked 5.x).
        config._compile_all_devices = True
        kwargs["compile_config"] = config
    runs = []
    for _ in range(lever.get("repeats", 2) + (1 if lever.get("compile") else 0)):
        clock = StepClock()
        start = time.perf_counter()
        with torch.inference_mode():
            model.generate(**batch, streamer=clock, **kwargs)
        first, last = clock.times[0], clock.times[-1]
        runs.append(
            {
                "prefill_s": first - start,
                "decode_tps": (len(clock.times) - 1) / (last - first),
                "total_s": time.perf_counter() - start,
            }
        )
    best = max(runs[1:] if lever.get("compile") else runs, key=lambda r: r["decode_tps"])
    best["first_call_s"] = runs[0]["total_s"]  # includes compilation when compiling
    best["prompt_tokens"] = int(batch["input_ids"].shape[1])
    best["bytes_per_token"] = weight_bytes(model)
    del model
    gc.collect()
    return best


def llama_decode(path: Path, text: str, tokens: int, threads: int, repeats: int) -> dict | None:
    try:
        from llama_cpp import Llama, llama_print_system_info
    except ImportError:
        print("   llama.cpp: not installed (pip install llama-cpp-python --no-binary ...)")
        return None
    llm = Llama(model_path=str(path), n_threads=threads, n_ctx=4096, n_batch=512, verbose=False)
    print(f"   llama.cpp system info: {llama_print_system_info().decode().strip()}")
    prompt = llm.tokenize(text.encode(), add_bos=False, special=True)
    runs = []
    for _ in range(repeats):
        llm.reset()
        times = []
        start = time.perf_counter()
        for _token in llm.generate(prompt, temp=0.0, repeat_penalty=1.05, reset=True):
            times.append(time.perf_counter())
            if len(times) == tokens:
                break
        runs.append(
            {
                "prefill_s": times[0] - start,
                "decode_tps": (len(times) - 1) / (times[-1] - times[0]),
                "prompt_tokens": len(prompt),
            }
        )
    best = max(runs, key=lambda r: r["decode_tps"])
    best["bytes_per_token"] = path.stat().st_size
    del llm
    gc.collect()
    return best


LEVERS = [
    ("float32, batch 1 (baseline)", "float32", 1, {}),
    ("float32, batch 3 (the app's 3 candidates)", "float32", 3, {}),
    ("bfloat16, batch 1", "bfloat16", 1, {}),
    ("float32, static cache", "float32", 1, {"static": True}),
    ("float32, static cache + torch.compile", "float32", 1, {"compile": True}),
    ("int8 dynamic quantisation, batch 1", "float32", 1, {"int8": True}),
    ("int8 dynamic quantisation, batch 3", "float32", 3, {"int8": True}),
]


def report(label: str, r: dict, bandwidth: float, rows: int, base: float | None, noise) -> None:
    roofline = bandwidth * 1e9 / r["bytes_per_token"]
    extra = f", first call {r['first_call_s']:.1f} s" if "first_call_s" in r else ""
    ratio = f", {r['decode_tps'] / base:.2f}x baseline" if base else ""
    print(
        f"   {label:44} {r['decode_tps']:6.2f} tok/s per row, {r['decode_tps'] * rows:6.2f} "
        f"aggregate; roofline {roofline:5.1f} tok/s ({r['bytes_per_token'] / 1e6:.0f} MB/token) "
        f"-> {r['decode_tps'] / roofline:.0%}; prefill {r['prompt_tokens']}x{rows} tokens in "
        f"{r['prefill_s']:.2f} s{extra}{ratio}; {noise}",
        flush=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["qwen2.5-0.5b", "smollm2-135m"])
    parser.add_argument("--tokens", type=int, default=48, help="decode steps per measurement")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2, help="runs per load of a model")
    parser.add_argument("--attempts", type=int, default=3, help="reruns while others are busy")
    parser.add_argument("--levers", default="all", help="comma-separated lever numbers, or all")
    args = parser.parse_args(argv)
    header("decode speed")

    from assistant.backends.models import gguf_path, resolve_generator
    from assistant.config import Settings

    (np_bw, torch_bw), noise = quietest(
        lambda: (numpy_bandwidth(), torch_bandwidth(args.threads)), args.attempts
    )
    print(
        f"   memory bandwidth: numpy copy {np_bw:.1f} GB/s (1 thread), torch copy {torch_bw:.1f} "
        f"GB/s ({args.threads} threads); the roofline uses the larger; {noise}",
        flush=True,
    )
    bandwidth = max(np_bw, torch_bw)
    settings = Settings.from_env()
    chosen = (
        list(range(len(LEVERS)))
        if args.levers == "all"
        else [int(x) for x in args.levers.split(",")]
    )
    for name in args.models:
        _, folder = resolve_generator(name, settings.models_dir, settings.cache_dir)
        conversations = prompts_for(name, 3)
        print(f"-- {name} ({load_average()})", flush=True)
        base = None
        for i in chosen:
            label, dtype, rows, lever = LEVERS[i]
            # bf16 is emulated on CPUs without AVX512-BF16: fewer steps keep the run short.
            tokens = args.tokens if dtype == "float32" else max(8, args.tokens // 4)
            try:
                r, noise = quietest(
                    partial(
                        hf_decode,
                        folder,
                        conversations[:rows],
                        dtype,
                        tokens,
                        args.threads,
                        repeats=args.repeats,
                        **lever,
                    ),
                    args.attempts,
                )
            except Exception as exc:  # a lever that fails is a result too: print it, go on
                print(f"   {label:44} FAILED: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            base = base or (r["decode_tps"] if i == 0 else None)
            report(label, r, bandwidth, rows, base if i else None, noise)
        from transformers import AutoTokenizer

        text = AutoTokenizer.from_pretrained(folder).apply_chat_template(
            conversations[0], tokenize=False, add_generation_prompt=True
        )
        path = gguf_path(name, settings.models_dir, settings.cache_dir)
        result = quietest(
            partial(llama_decode, path, text, args.tokens, args.threads, args.repeats),
            args.attempts,
        )
        if result[0]:
            report(f"llama.cpp {path.name}", result[0], bandwidth, 1, base, result[1])
    print(f"   finished {time.strftime('%H:%M:%S')}; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
