"""End-to-end suggest latency: first streamed token, full first draft, all candidates.

    .venv/bin/python bench/suggest_latency.py [--models smollm2-135m-care qwen2.5-0.5b] [--n 30]

Each model answers the same test-split complaints through the app's own path
(`Assistant.drafter.suggest` with `on_text`, retrieval restricted to the train split):
- first token: from the call until `on_text` first fires (analysis, retrieval, prompt, prefill
  of every candidate's prompt, one decode step);
- first draft: until `on_text` last fires (row 0 has stopped growing);
- all candidates: until suggest returns (every row decoded, guarded and ranked).
One untimed request per model warms caches first; model load time is printed separately.
Per-request lines are printed as they finish, so a run cut short still leaves its figures.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import Noise, header, load_average, percentiles, test_complaints, wait_quiet

TARGETS = {"first_token": 1.0, "first_draft": 3.0, "all_candidates": 5.0}
# A request counts as quiet when other processes used under a quarter of a core meanwhile.
QUIET_SUMMARY = 0.25


class CountingGenerator:
    """Wraps the real generator to note each batch's prompt length (explains the prefill)."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.prompt_tokens: list[int] = []

    def warm_up(self) -> None:
        self.inner.warm_up()

    def generate_batch(self, conversations, max_new_tokens, on_text=None, give_up=None):
        if not hasattr(self.inner, "render"):  # llama.cpp tokenises inside; no count
            return self.inner.generate_batch(conversations, max_new_tokens, on_text, give_up)
        lengths = [
            len(self.inner.tokenizer(self.inner.render(c))["input_ids"]) for c in conversations
        ]
        self.prompt_tokens += lengths  # first-alone streaming calls twice per request
        return self.inner.generate_batch(conversations, max_new_tokens, on_text, give_up)


def run_model(
    name: str,
    backend: str,
    n: int,
    candidates: int | None,
    quiet: bool,
    quantize: str = "none",
    streaming: str = "first-alone",
    early_stop: str = "on",
    dtype: str = "auto",
) -> dict:
    from assistant.config import Settings
    from assistant.drafting.types import Request
    from assistant.service import Assistant

    cases, split = test_complaints()
    settings = Settings.from_env(
        model=name,
        backend=backend,
        candidates=candidates,
        quantize=quantize,
        streaming=streaming,
        dtype=dtype,
    )
    assistant = Assistant(settings, cases=cases)
    t = time.perf_counter()
    assistant.warm_up()
    variant = ", ".join(
        [backend]
        + [getattr(assistant.generator, "dtype_name", "")] * (backend == "transformers")
        + [quantize] * (quantize != "none")
        + [streaming]
        + ["early stop off"] * (early_stop == "off")
    )
    print(
        f"-- {name} ({variant}): warm_up {time.perf_counter() - t:.1f} s; "
        f"{settings.candidates} candidates, max_new_tokens {settings.max_new_tokens}; "
        f"{load_average()}",
        flush=True,
    )
    generator = CountingGenerator(assistant.generator)
    assistant.drafter.generator = generator
    assistant.drafter.stop_hopeless = early_stop == "on"
    measured = split.cases[:n]
    warm = split.cases[n] if len(split.cases) > n else split.cases[-1]
    figures: dict[str, list[float]] = {k: [] for k in (*TARGETS, "tokens", "retrieve", "noise")}
    for i, case in enumerate([warm, *measured]):
        marks: list[float] = []
        request = Request(case.complaint, case.channel, None, case.customer, case.agent)
        if case.brand in assistant.policies.brands:
            request.brand = case.brand
        generator.prompt_tokens = []
        if quiet:
            wait_quiet()
        with Noise() as noise:
            start = time.perf_counter()
            result = assistant.drafter.suggest(
                request,
                filters={"split": "train"},
                exclude_ids=split.test_ids,
                on_text=lambda _text, marks=marks: marks.append(time.perf_counter()),
            )
            end = time.perf_counter()
        if not marks:  # no token streamed (an empty generation): count the whole call
            marks = [end]
        row = {
            "first_token": marks[0] - start,
            "first_draft": marks[-1] - start,
            "all_candidates": end - start,
            "tokens": len(marks),
            "retrieve": result.timings["retrieve"],
            "noise": noise.cores,
        }
        label = "warm-up" if i == 0 else f"{i:3d}/{len(measured)}"
        print(
            f"   {label} {case.id:14} {case.channel:8} prompt {max(generator.prompt_tokens or [0])}"
            f" tok x{len(generator.prompt_tokens)}; first token {row['first_token']:6.2f} s, "
            f"first draft {row['first_draft']:6.2f} s ({row['tokens']} tok), all "
            f"{row['all_candidates']:6.2f} s{' [fallback]' if result.fallback else ''}; "
            f"{noise}",
            flush=True,
        )
        if i:
            for key, value in row.items():
                figures[key].append(value)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["smollm2-135m-care", "qwen2.5-0.5b"])
    parser.add_argument(
        "--backends", nargs="+", default=["transformers"], help="transformers and/or llama.cpp"
    )
    parser.add_argument(
        "--quantize", nargs="+", default=["none"], help="none and/or int8 (transformers only)"
    )
    parser.add_argument(
        "--streaming",
        nargs="+",
        default=["first-alone"],
        help="first-alone (the default: first candidate drafted alone) and/or batched",
    )
    parser.add_argument(
        "--early-stop",
        nargs="+",
        default=["on"],
        choices=["on", "off"],
        help="stop a candidate once it fails a guard more text cannot fix (the default: on)",
    )
    parser.add_argument(
        "--dtypes",
        nargs="+",
        default=["auto"],
        help="auto (by the CPU), float32 and/or bfloat16 (transformers only)",
    )
    parser.add_argument("--n", type=int, default=30, help="complaints per model")
    parser.add_argument("--candidates", type=int, help="default: the settings' (3)")
    parser.add_argument(
        "--no-wait", action="store_true", help="don't wait for a quiet machine before requests"
    )
    args = parser.parse_args(argv)
    header("suggest latency")
    runs = [
        (name, backend, quantize, streaming, early_stop, dtype)
        for name in args.models
        for backend in args.backends
        for quantize in (args.quantize if backend == "transformers" else ["none"])
        for dtype in (args.dtypes if backend == "transformers" else ["auto"])
        for streaming in args.streaming
        for early_stop in args.early_stop
    ]
    from assistant.errors import AssistantError

    results = {}
    for name, backend, quantize, streaming, early_stop, dtype in runs:
        label = " ".join(
            [name, backend]
            + [dtype] * (dtype != "auto")
            + [quantize] * (quantize != "none")
            + [streaming]
            + ["early-stop-off"] * (early_stop == "off")
        )
        try:
            results[label] = run_model(
                name,
                backend,
                args.n,
                args.candidates,
                not args.no_wait,
                quantize,
                streaming,
                early_stop,
                dtype,
            )
        except AssistantError as exc:  # a model this backend cannot run: say so, go on
            print(f"-- {label}: skipped: {exc}", flush=True)
    print("-- summary (seconds; p50 / p95 over the complaints; target in brackets)")
    for name, figures in results.items():
        quiet = [i for i, x in enumerate(figures["noise"]) if x < QUIET_SUMMARY]
        for label, rows in (("all", range(len(figures["noise"]))), ("quiet", quiet)):
            if not rows:
                continue
            parts = []
            for key, target in TARGETS.items():
                p = percentiles([figures[key][i] for i in rows])
                parts.append(f"{key} {p[50]:.2f} / {p[95]:.2f} [<= {target:g}]")
            tokens = percentiles([figures["tokens"][i] for i in rows])[50]
            print(
                f"   {name:44} {label:5} n={len(rows)}: "
                + "; ".join(parts)
                + f"; first draft tokens p50 {tokens:.0f}"
            )
    print(f"   finished {time.strftime('%H:%M:%S')}; {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
