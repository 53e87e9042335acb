"""Query embedding latency: one complaint at a time, as retrieval does, and what would speed it up.

    .venv/bin/python bench/query_embedding.py [--n 100]

Times all-MiniLM-L6-v2 on single test-split complaints four ways, one after the other in this
process: sentence-transformers `encode` (the app's path) and a bare forward pass with mean
pooling, each with 2 threads and with 1; then the same forward pass with the Linear layers
quantised to int8 (`torch.ao` dynamic quantisation), and how far its vectors move from the
float ones (cosine). An index must be built and queried with the same embedder, so int8 would
only be usable if the vectors barely moved.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import Noise, fmt_ms, header, percentiles, test_complaints, wait_quiet


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="complaints to embed")
    args = parser.parse_args(argv)
    header("query embedding")
    import torch

    from assistant.config import Settings
    from assistant.service import Assistant

    cases, split = test_complaints()
    embedder = Assistant(Settings.from_env(), cases=cases).embedder
    embedder.warm_up()
    texts = [c.complaint for c in split.cases][: args.n]
    model = embedder._model
    tokenizer, transformer = model.tokenizer, model[0].auto_model

    def encode(text):
        return model.encode([text], normalize_embeddings=True, convert_to_numpy=True)

    def forward(text, net=transformer):
        batch = tokenizer([text], return_tensors="pt", truncation=True, max_length=256)
        with torch.inference_mode():
            hidden = net(**batch).last_hidden_state
        mask = batch["attention_mask"][..., None]
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1).numpy()

    def timed(label, fn):
        for text in texts[:5]:
            fn(text)
        seconds = []
        for text in texts:
            t = time.perf_counter()
            fn(text)
            seconds.append(time.perf_counter() - t)
        p = percentiles(seconds)
        print(f"   {label:34} p50 {fmt_ms(p[50]):>9}, p95 {fmt_ms(p[95]):>9}", flush=True)

    quantised = torch.ao.quantization.quantize_dynamic(
        transformer, {torch.nn.Linear}, dtype=torch.qint8
    )
    wait_quiet()
    with Noise() as noise:
        for threads in (2, 1):
            torch.set_num_threads(threads)
            timed(f"encode (the app), {threads} thread(s)", encode)
            timed(f"bare forward, {threads} thread(s)", forward)
            timed(f"int8 forward, {threads} thread(s)", lambda t: forward(t, quantised))
    torch.set_num_threads(2)
    floats = np.vstack([forward(t) for t in texts])
    ints = np.vstack([forward(t, quantised) for t in texts])
    cosine = (floats * ints).sum(1)
    lengths = [len(tokenizer(t)["input_ids"]) for t in texts]
    print(
        f"   int8 vs float vectors: cosine mean {cosine.mean():.3f}, min {cosine.min():.3f}; "
        f"complaint tokens p50 {np.percentile(lengths, 50):.0f}, max {max(lengths)}; {noise}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
