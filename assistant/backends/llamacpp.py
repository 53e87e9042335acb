"""An optional llama.cpp backend behind the same `Generator` seam (`ASSISTANT_BACKEND=llama.cpp`).

llama.cpp runs the Q4 GGUF weights as they ship, with kernels written for CPUs, where the
transformers path dequantises to float32. It is optional: install it with `make llama` (it builds
`llama-cpp-python` from its source package, several minutes on 2 cores). Candidates run one
after another (llama-cpp-python's high-level API decodes one sequence at a time); the shared
system-prompt prefix stays in llama.cpp's KV cache between them.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.backends.generation import GIVE_UP_EVERY, Conversation
from assistant.errors import ModelError

# Prompt + reply fit in 2048 tokens: the longest prompt (an e-mail example and complaint, with
# the complaint cut at 2,000 characters) is about 1,300 tokens, plus at most 320 new ones.
CONTEXT_TOKENS = 2048


class LlamaCppGenerator:
    def __init__(self, name: str, gguf: Path, threads: int = 2, lora: Path | None = None):
        self.name = name
        self.gguf = Path(gguf)
        self.lora = Path(lora) if lora else None  # a GGUF LoRA applied to the base at load
        self.threads = threads
        self._llm = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ModelError(
                "The llama.cpp backend needs llama-cpp-python: run `make llama` (builds it from "
                "source), or unset ASSISTANT_BACKEND to use transformers."
            ) from None
        from llama_cpp._utils import suppress_stdout_stderr

        # verbose=False quiets the model load but not the LoRA's ("cannot use buft CPU_REPACK,
        # fallback to CPU" for each of its tensors): the agent's terminal gets none of it.
        with suppress_stdout_stderr(disable=False):  # disable=True would let it through
            self._llm = Llama(
                str(self.gguf),
                n_ctx=CONTEXT_TOKENS,
                n_threads=self.threads,
                seed=0,
                verbose=False,
                lora_path=str(self.lora) if self.lora else None,
            )
        # Freed before the interpreter tears llama_cpp's module down: left to Llama.__del__ at
        # exit, the free function is already None and every exit printed a traceback.
        atexit.register(self.close)

    def close(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    def generate_batch(
        self,
        conversations: Sequence[Conversation],
        max_new_tokens: int,
        on_text: Callable[[str], None] | None = None,
        give_up: Callable[[str], bool] | None = None,
    ) -> list[str]:
        self.warm_up()
        out = []
        with self._lock:
            for row, conversation in enumerate(conversations):
                stream = self._llm.create_chat_completion(
                    list(conversation),
                    max_tokens=max_new_tokens,
                    temperature=0.0,
                    top_k=1,
                    repeat_penalty=1.05,
                    stream=True,
                )
                text = ""
                for step, chunk in enumerate(stream, 1):
                    text += chunk["choices"][0]["delta"].get("content", "") or ""
                    if row == 0 and on_text is not None:
                        on_text(text)
                    if give_up is not None and step % GIVE_UP_EVERY == 0 and give_up(text):
                        stream.close()  # stops llama.cpp decoding this row
                        break
                out.append(text.strip())
        return out
