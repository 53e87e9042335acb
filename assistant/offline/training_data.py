"""Training examples from the train split: conversations, tokenised with loss masks, in order."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

from assistant.backends.generation import Conversation
from assistant.coach.analysis import analyse
from assistant.drafting.types import Request
from assistant.errors import AssistantError, InputError
from assistant.text.inputs import clean_complaint, clean_name

# Label value the loss ignores (PyTorch's cross-entropy default).
IGNORE = -100

# Words dropped per step when an example does not fit: about one token per word, plus one so
# the loop always makes progress.
_TRIM_SLACK = 1


@dataclass
class TrainingExample:
    case_id: str
    example_id: str  # the train neighbour shown as worked example or hint ("": none shown)
    conversation: Conversation  # exactly what Drafter.suggest would send the generator
    target: str  # the case's gold reply
    # Brief prompts with a hint: the same prompt without it, used when the hint makes the row
    # too long (the brief and the complaint are never cut).
    plain: Conversation | None = None


@dataclass
class TokenizedExample:
    case_id: str
    input_ids: list[int]
    labels: list[int]  # IGNORE over the prompt, the token ids over target + end of turn
    trimmed: bool = False  # the worked example was shortened to fit max_length


# -- examples ----------------------------------------------------------------------------------
def build_examples(
    assistant,
    limit: int | None = None,
    style: str | None = None,
    hint_share: float = 0.5,
    exclude: frozenset[str] = frozenset(),
) -> list[TrainingExample]:
    """One example per train case (in id order), built the way `Drafter.suggest` prompts.

    `style` is the drafter's prompt style (default: the drafter's own). "example": the nearest
    train neighbour is the worked example. "brief": a seeded `hint_share` of the examples show
    that neighbour's reply as a hint, the others the brief alone, as the drafter's first
    candidate (no hint) and its others (one hint each) are prompted. Train cases in `exclude`
    (the ones an adapter being continued has seen) are left out before sampling.
    """
    drafter = assistant.drafter
    style = style or drafter.prompt_style
    if style != drafter.prompt_style:
        drafter = copy.copy(drafter)
        drafter.prompt_style = style
    hinted = random.Random(1)
    policies = assistant.policies
    train_cases = sorted(
        (c for c in assistant.cases if c.split == "train" and c.id not in exclude),
        key=lambda c: c.id,
    )
    if limit is not None:
        if limit < 1:
            raise InputError(f"--limit must be greater than 0. Currently, limit is {limit}.")
        # A seeded sample, not the first N ids: a quick run then sees several industries.
        train_cases = sorted(
            random.Random(0).sample(train_cases, min(limit, len(train_cases))), key=lambda c: c.id
        )
    examples = []
    for case in train_cases:
        # Same brand rule as `assistant eval`: a brand without a policy file drafts as default.
        brand = case.brand if case.brand in policies.brands else None
        request = Request(
            case.complaint,
            case.channel,
            brand,
            clean_name(case.customer, "customer"),
            clean_name(case.agent, "agent"),
        )
        text = clean_complaint(case.complaint, drafter.max_complaint_chars).text
        analysis = analyse(text, case.channel)
        matches = drafter.retrieve(
            text, analysis, filters={"split": "train"}, exclude_ids=[case.id], channel=case.channel
        )
        if not matches:
            continue  # a library of one train case: nothing to show as the example
        example = matches[0].case
        if example.id == case.id or example.split != "train":  # the index filter failed us
            raise AssistantError(
                f"Retrieval for train case {case.id!r} returned {example.id!r} "
                f"(split {example.split!r}); rebuild the index with `assistant index build`."
            )
        policy = policies.for_brand(brand)
        if style == "brief":
            plain = drafter.conversation(request, None, policy, analysis, text)
            if hinted.random() < hint_share:
                conversation = drafter.conversation(request, example, policy, analysis, text)
                examples.append(
                    TrainingExample(case.id, example.id, conversation, case.reply, plain)
                )
            else:
                examples.append(TrainingExample(case.id, "", plain, case.reply))
            continue
        conversation = drafter.conversation(request, example, policy, analysis, text)
        examples.append(TrainingExample(case.id, example.id, conversation, case.reply))
    return examples


def _encode(tokenizer, conversation: Conversation) -> list[int]:
    # Rendered and tokenized exactly as TransformersGenerator does at inference.
    text = tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
    return list(tokenizer(text)["input_ids"])


def tokenize_example(
    tokenizer, example: TrainingExample, max_length: int
) -> TokenizedExample | None:
    """Prompt ids masked with IGNORE, then the target + end-of-turn ids; None if it cannot fit.

    When too long, words are cut from the end of the worked example (its reply first when that
    is the longer message); a brief drops its hint. The system prompt, the new complaint and
    the target are never cut.
    """
    target = list(
        tokenizer(example.target + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    )
    conversation = [dict(m) for m in example.conversation]
    prompt = _encode(tokenizer, conversation)
    trimmed = False
    if len(conversation) == 2:  # a brief: drop the hint when too long, never cut the rest
        if len(prompt) + len(target) > max_length and example.plain is not None:
            prompt, trimmed = _encode(tokenizer, example.plain), True
        if len(prompt) + len(target) > max_length:
            return None
    while len(prompt) + len(target) > max_length:
        over = len(prompt) + len(target) - max_length
        words = {i: conversation[i]["content"].split() for i in (1, 2)}
        longest = max((1, 2), key=lambda i: len(words[i]))
        if len(words[longest]) <= 1:
            return None  # the new complaint or the target alone is too long
        keep = max(1, len(words[longest]) - over - _TRIM_SLACK)
        conversation[longest]["content"] = " ".join(words[longest][:keep])
        prompt = _encode(tokenizer, conversation)
        trimmed = True
    return TokenizedExample(
        example.case_id, prompt + target, [IGNORE] * len(prompt) + target, trimmed
    )


# -- training ----------------------------------------------------------------------------------
def step_order(count: int, steps: int, batch_size: int, seed: int) -> list[list[int]]:
    """Example indices for every optimizer step: a fresh seeded shuffle per pass over the data."""
    order: list[int] = []
    epoch = 0
    while len(order) < steps * batch_size:
        ids = list(range(count))
        random.Random(seed * 1_000 + epoch).shuffle(ids)
        order += ids
        epoch += 1
    return [order[i * batch_size : (i + 1) * batch_size] for i in range(steps)]
