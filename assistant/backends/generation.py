"""The Generator seam: chat messages in, candidate replies out.

One method to implement, `generate_batch(conversations, max_new_tokens, on_text, give_up)`:
every conversation is one candidate, decoded together in a single batched `generate` call.
`on_text` receives the first row's text as it grows, which is how the UI streams the first
draft. `give_up(text)` is asked about each row's partial text as it grows; when it says True
the row stops there (the drafter passes the guards that more text can never fix: a loop, a
reply already over the channel's length), so a hopeless candidate stops costing decode time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from assistant.errors import ModelError

Message = dict[str, str]
Conversation = list[Message]


class Generator(Protocol):
    name: str

    def generate_batch(
        self,
        conversations: Sequence[Conversation],
        max_new_tokens: int,
        on_text: Callable[[str], None] | None = None,
        give_up: Callable[[str], bool] | None = None,
    ) -> list[str]: ...


# A row's partial text is checked every this many new tokens: often enough to stop a loop within
# a few tokens of it starting, rarely enough that decoding the text costs nothing noticeable.
GIVE_UP_EVERY = 4


def _give_up_criteria(tokenizer, prompt_length: int, give_up: Callable[[str], bool]):
    """A transformers StoppingCriteria that stops each row whose partial text `give_up` rejects."""
    import torch
    from transformers import StoppingCriteria

    class GiveUp(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
            new = input_ids.shape[1] - prompt_length
            if new == 0 or new % GIVE_UP_EVERY:
                return done
            for i, row in enumerate(input_ids[:, prompt_length:]):
                done[i] = give_up(tokenizer.decode(row, skip_special_tokens=True))
            return done

    return GiveUp()


class _FirstRowStreamer:
    """A transformers streamer that decodes only row 0 of a batch (TextStreamer allows one row)."""

    def __init__(self, tokenizer, on_text: Callable[[str], None]):
        self.tokenizer = tokenizer
        self.on_text = on_text
        self.tokens: list[int] = []
        self.prompt_seen = False

    def put(self, value) -> None:
        if not self.prompt_seen:  # the first call carries the prompt
            self.prompt_seen = True
            return
        row = value[0] if value.dim() > 1 else value[:1]
        token = int(row.reshape(-1)[0])
        if token in (self.tokenizer.eos_token_id, self.tokenizer.pad_token_id):
            return
        self.tokens.append(token)
        self.on_text(self.tokenizer.decode(self.tokens, skip_special_tokens=True))

    def end(self) -> None:
        pass


class TransformersGenerator:
    """A causal LM through transformers; weights load on first use or in `warm_up()`."""

    def __init__(
        self,
        name: str,
        source: Path | str,
        threads: int = 2,
        adapter: Path | None = None,
        dtype: str = "float32",
        quantize: str = "none",
    ):
        self.name = name
        self.source = source
        self.adapter = adapter
        self.threads = threads
        # float32 by default: CPUs without AVX512-BF16 (most laptops, this CI machine) emulate
        # bf16 matmuls, which made a 600-token prefill take a minute instead of a few seconds.
        self.dtype_name = dtype
        self.quantize = quantize
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            torch.set_num_threads(self.threads)
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.source)
                model = AutoModelForCausalLM.from_pretrained(
                    self.source, dtype=getattr(torch, self.dtype_name)
                )
                if self.adapter is not None:
                    from peft import PeftModel

                    model = PeftModel.from_pretrained(model, self.adapter).merge_and_unload()
            except OSError as exc:
                raise ModelError(
                    f"Could not load model {self.name!r} from {self.source}: {exc}. For a "
                    "manifest model run `assistant models verify`; for a hub id, download it first."
                ) from exc
            model.eval()
            if self.quantize == "int8":
                from torch.ao.quantization import quantize_dynamic

                # Weights stored as int8, activations quantised per call: a quarter of the
                # bytes each decode step reads. The adapter is merged first, so it is included.
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
            self._tokenizer.padding_side = "left"
            if self._tokenizer.pad_token is None:
                self._tokenizer.pad_token = self._tokenizer.eos_token
            self._model = model

    @property
    def tokenizer(self):
        self.warm_up()
        return self._tokenizer

    def render(self, conversation: Conversation) -> str:
        return self.tokenizer.apply_chat_template(
            conversation, tokenize=False, add_generation_prompt=True
        )

    def generate_batch(self, conversations, max_new_tokens, on_text=None, give_up=None):
        self.warm_up()
        import torch
        from transformers import StoppingCriteriaList

        texts = [self.render(c) for c in conversations]
        batch = self._tokenizer(texts, return_tensors="pt", padding=True)
        streamer = _FirstRowStreamer(self._tokenizer, on_text) if on_text else None
        prompt_length = batch["input_ids"].shape[1]
        stopping = StoppingCriteriaList(
            [_give_up_criteria(self._tokenizer, prompt_length, give_up)] if give_up else []
        )
        with self._lock, torch.inference_mode():
            output = self._model.generate(
                **batch,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                # A light penalty stops the small models' sentence loops without bending wording.
                repetition_penalty=1.05,
                pad_token_id=self._tokenizer.pad_token_id,
                streamer=streamer,
                stopping_criteria=stopping,
            )
        new = output[:, prompt_length:]
        return [self._tokenizer.decode(row, skip_special_tokens=True).strip() for row in new]
