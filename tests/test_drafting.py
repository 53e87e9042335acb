import itertools
import re

import pytest

from assistant.errors import InputError
from assistant.testing import SAMPLE_CASES

GOOD = "I'm sorry your Rome flight was cancelled without a word. I'll rebook you now: send us a DM."
COMPLAINT = "My flight to Rome was cancelled and nobody told me. Call me on 555-014-7788."


def test_best_passing_candidate_wins_and_failures_are_dropped(make_assistant):
    assistant = make_assistant(
        [
            "I'm sorry, but I can't assist with that.",
            GOOD,
            "Sorry about Rome! I'll rebook you. Call us back at 555-014-7788.",
        ]
    )
    result = assistant.suggest(COMPLAINT, "twitter", "Acme Air")
    assert result.draft == GOOD
    assert result.alternatives == []
    assert result.fallback is False
    assert [c.passed for c in result.candidates] == [False, True, False]
    assert [m.case.id for m in result.cases] == ["t-001", "t-002", "t-005"]
    assert all(c.passed for c in result.checks)


def test_one_conversation_per_example_in_one_batched_call(make_assistant):
    assistant = make_assistant([GOOD])
    assistant.suggest(COMPLAINT, "twitter", "Acme Air", customer="Ana", agent="Lee")
    calls = assistant.generator.calls
    assert len(calls) == 1 and len(calls[0]) == 3
    system, example_in, example_out, new = calls[0][1]
    assert example_in["content"] == SAMPLE_CASES[1].complaint
    # the example's own customer (Rosa) and agent (Tom) are swapped for this request's
    assert example_out["content"].startswith("Ana, I'm so sorry your suitcase")
    assert example_out["content"].endswith("DM us your tag number. – Lee")
    assert "Tom" not in example_out["content"] and "Rosa" not in example_out["content"]
    assert new["content"] == COMPLAINT
    assert "call them Ana" in system["content"] and "Sign as Lee." in system["content"]
    assert "at most 280 characters" in system["content"]
    assert "Never offer more than 20 USD." in system["content"]


def test_fallback_when_every_candidate_fails(make_assistant):
    assistant = make_assistant(["I'm sorry, but I can't assist with that."])
    result = assistant.suggest(
        "Everything is broken and I am furious", "twitter", "Acme Air", customer="Ana"
    )
    assert result.fallback is True
    assert result.draft == (
        "Hi Ana, I'm sorry about what happened here, and thank you for telling us. I'm looking "
        "into it myself now: please send us a DM with the details so I can put it right."
    )
    assert "safe fallback" in result.notes[-1]


def test_fallback_template_speaks_the_customer_language(make_assistant):
    assistant = make_assistant(["I'm sorry, but I can't assist with that."], cases=SAMPLE_CASES[:1])
    result = assistant.suggest("Mi pedido no ha llegado y nadie me responde", "twitter")
    assert result.fallback is True
    assert result.draft.startswith("Siento mucho lo ocurrido")
    assert "DM" in result.draft


def test_streaming_yields_partial_text_then_the_suggestion(make_assistant):
    assistant = make_assistant([GOOD])
    items = list(assistant.suggest_stream(COMPLAINT, "twitter", "Acme Air"))
    assert all(isinstance(i, str) for i in items[:-1])
    assert items[-2] == GOOD
    assert items[-1].draft == GOOD


def test_streaming_drafts_the_first_candidate_alone_then_the_rest_in_one_batch(make_assistant):
    assistant = make_assistant([GOOD])
    result = list(assistant.suggest_stream(COMPLAINT, "twitter", "Acme Air"))[-1]
    assert [len(call) for call in assistant.generator.calls] == [1, 2]
    first_example = assistant.generator.calls[0][0][1]["content"]
    assert first_example == result.cases[0].case.complaint  # the best match streams first
    assert [c.example_id for c in result.candidates] == [m.case.id for m in result.cases]


def test_batched_streaming_drafts_every_candidate_in_one_call(make_assistant):
    assistant = make_assistant([GOOD])
    assistant.drafter.streaming = "batched"
    list(assistant.suggest_stream(COMPLAINT, "twitter", "Acme Air"))
    assert [len(call) for call in assistant.generator.calls] == [3]


def test_to_dict_has_the_documented_keys(make_assistant):
    data = make_assistant([GOOD]).suggest(COMPLAINT, "twitter", "Acme Air").to_dict()
    assert {
        "draft",
        "alternatives",
        "cases",
        "analysis",
        "checks",
        "fallback",
        "model",
        "timings",
    } <= set(data)
    assert set(data["cases"][0]) == {"id", "score", "complaint", "reply"}
    assert set(data["timings"]) == {"retrieve", "generate", "guard_rank", "total"}
    assert data["analysis"]["private_data"] == ["phone"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"channel": "fax"}, "Unknown channel 'fax'. Choose one of: twitter, facebook, review"),
        ({"complaint": "   "}, "empty"),
    ],
)
def test_bad_input_raises_typed_errors(make_assistant, kwargs, message):
    args = {"complaint": COMPLAINT, "channel": "twitter", "brand": None, **kwargs}
    with pytest.raises(InputError, match=message):
        make_assistant([GOOD]).suggest(**args)


def test_retrieval_prefers_the_complaint_language(make_assistant):
    result = make_assistant([GOOD]).suggest("No tengo señal y nadie me responde", "chat")
    assert result.cases[0].case.id == "t-004"


def test_retrieval_prefers_same_channel_and_kind_among_near_ties(make_assistant):
    from assistant.testing import make_case

    cases = [
        make_case(id="e-1", channel="email", complaint="my flight was cancelled today"),
        make_case(id="t-1", channel="twitter", complaint="my flight was cancelled today!"),
        make_case(
            id="p-1",
            channel="twitter",
            kind="praise",
            issue="praise",
            emotion="gratitude",
            complaint="my flight was cancelled today, thanks",
        ),
    ]
    assistant = make_assistant([GOOD], cases=cases)
    result = assistant.suggest("my flight was cancelled today", "twitter")
    # e-1 is the closest by text, but t-1 is a tweet and a complaint: within the bonus, it wins.
    assert [m.case.id for m in result.cases] == ["t-1", "e-1", "p-1"]


def test_identical_candidates_are_not_offered_as_alternatives(make_assistant):
    result = make_assistant([GOOD, GOOD, GOOD]).suggest(COMPLAINT, "twitter", "Acme Air")
    assert (result.draft, result.alternatives) == (GOOD, [])


# Every private channel the shipped brand policies name, the unknown-brand default's, and one
# a trainer may type.
PRIVATE_CHANNELS = ["DM", "private message", "email thread", "chat", "WhatsApp"]


@pytest.mark.parametrize(
    "language, channel, phrase",
    [
        ("es", "email thread", "escríbenos por correo electrónico con los detalles"),
        ("es", "private message", "escríbenos por mensaje privado con los detalles"),
        ("de", "DM", "Bitte schreiben Sie uns eine DM mit den Details"),
        ("it", "WhatsApp", "ci contatti tramite WhatsApp con i dettagli"),
        ("en", "email thread", "please send us an email with the details"),
    ],
)
def test_the_fallback_asks_for_the_private_channel_in_the_replys_language(
    language, channel, phrase
):
    import yaml

    from assistant.config import REPO_ROOT
    from assistant.drafting.replies import render_fallback

    templates = yaml.safe_load((REPO_ROOT / "prompts/fallback.yaml").read_text("utf-8"))
    text = render_fallback(templates, language, "complaint", None, None, channel)
    assert phrase in text
    if language != "en":
        assert not {"message", "thread", "email", "send"} & set(re.findall(r"\w+", text))


@pytest.mark.parametrize("channel", ["twitter", "facebook", "review", "email", "chat"])
def test_every_fallback_template_passes_every_guard(policies, channel):
    import yaml

    from assistant.coach.classifiers import table
    from assistant.coach.guard_types import GuardContext
    from assistant.coach.guards import run_guards
    from assistant.config import REPO_ROOT
    from assistant.drafting.replies import render_fallback
    from assistant.library.vocabulary import LANGUAGES

    templates = yaml.safe_load((REPO_ROOT / "prompts/fallback.yaml").read_text("utf-8"))
    rule = policies.channel(channel)
    assert set(LANGUAGES) <= set(templates) and set(LANGUAGES) <= set(templates["greetings"])
    for language in LANGUAGES:
        assert set(templates[language]) == set(templates["en"]), language
        words = table("policy_words")
        assert set(words["private"][language]) == set(words["private"]["en"]), language
        assert set(words["gesture"][language]) == {"cap", "none"}, language
        for key in templates[language]:
            for (name, agent), private in itertools.product(
                ((None, None), ("Ana", "Lee")),
                PRIVATE_CHANNELS if rule.public else [""],
            ):
                text = render_fallback(templates, language, key, name, agent, private)
                assert text.count("Ana") == (0 if name is None else 1), text
                ctx = GuardContext(
                    complaint="My father died last week." if key == "bereavement" else "x",
                    channel=rule,
                    policy=policies.default,
                    language=language,
                    examples=list(SAMPLE_CASES),
                    customer=name,
                    kind=key if key in ("praise", "question", "noise") else "complaint",
                )
                failures = [c.reason for c in run_guards(text, ctx) if not c.passed]
                assert failures == [], (language, key, text)


def test_the_fallback_is_never_a_condolence_without_a_death_in_the_words(make_assistant):
    assistant = make_assistant(["I'm sorry, but I can't assist with that."])
    result = assistant.suggest(
        "I'm deaf and the crew rolled their eyes when I asked them to "
        "repeat the announcement. I felt humiliated.",
        "email",
    )
    assert result.fallback is True
    assert "loss" not in result.draft and result.draft.startswith("I'm sorry about what happened")


LOOP = "I'm sorry about the flight. " + "We will look into it for you. " * 6


def test_a_looping_candidate_is_cut_short_and_still_fails_the_loop_guard(make_assistant):
    assistant = make_assistant([LOOP, GOOD, LOOP])
    result = assistant.suggest(COMPLAINT, "twitter", "Acme Air")
    looping = result.candidates[0]
    assert len(looping.text) < len(LOOP.strip())  # decoding stopped once the loop showed
    assert [c.name for c in looping.checks if not c.passed] == ["no_loop"]
    assert result.draft == GOOD


def test_without_early_stop_the_loop_is_decoded_in_full(make_assistant):
    assistant = make_assistant([LOOP, GOOD, LOOP])
    assistant.drafter.stop_hopeless = False
    result = assistant.suggest(COMPLAINT, "twitter", "Acme Air")
    assert result.candidates[0].text == LOOP.strip()
    assert result.draft == GOOD


def test_hopeless_means_a_guard_more_text_cannot_fix():
    from assistant.coach.guard_types import GuardContext
    from assistant.config import REPO_ROOT
    from assistant.drafting.replies import hopeless
    from assistant.library.policy import load_policies

    policies = load_policies(REPO_ROOT / "data")
    ctx = GuardContext(
        complaint=COMPLAINT,
        channel=policies.channel("twitter"),
        policy=policies.for_brand(None),
        language="en",
    )
    assert hopeless(LOOP, ctx) is True
    assert hopeless("x" * 281, ctx) is True  # over the tweet limit already
    assert hopeless('"' + GOOD + '"', ctx) is False
    assert hopeless("I'm sorry, but I can't help", ctx) is False  # other guards judge the end


def test_a_brand_with_no_policy_gets_the_conservative_default_and_a_note(make_assistant):
    assistant = make_assistant(["I'm sorry, but I can't assist with that."])
    result = assistant.suggest("My order never came and nobody answers.", "twitter", "My Company")
    policy = assistant.policies.for_brand("My Company")
    assert (policy.brand, policy.max_gesture, policy.on_file) == ("My Company", 0, False)
    assert not {"refund", "credit", "voucher"} & set(policy.remedies)
    assert result.notes[0] == (
        "No policy on file for My Company: nothing is promised. Add one with "
        "`assistant brands add` or the trainer room's brand form."
    )
    assert "send us a private message with the details" in result.draft


def test_each_channel_drafts_with_its_own_token_budget(make_assistant):
    from assistant.config import REPO_ROOT
    from assistant.library.policy import load_channels

    budgets = {name: rule.tokens for name, rule in load_channels(REPO_ROOT / "data").items()}
    assert budgets == {"twitter": 96, "facebook": 200, "review": 220, "email": 320, "chat": 160}
    seen = []
    assistant = make_assistant([GOOD])
    original = assistant.generator.generate_batch
    assistant.generator.generate_batch = lambda c, n, *a: seen.append(n) or original(c, n, *a)
    assistant.suggest(COMPLAINT, "email", "Acme Air")
    assert set(seen) == {320}


def test_suggest_leaves_the_callers_request_unchanged(make_assistant):
    from assistant.drafting.types import Request

    request = Request(COMPLAINT, "twitter", "Acme Air", customer="  Ana  ", agent=" Lee ")
    make_assistant([GOOD]).drafter.suggest(request)
    assert (request.customer, request.agent) == ("  Ana  ", " Lee ")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Dear ,\n\nThanks for writing.", "Hello,\n\nThanks for writing."),
        ("Estimada:\nGracias.", "Hola:\nGracias."),
        ("Sehr geehrte ,", "Hallo,"),
        ("Dear Marcus,", "Dear Marcus,"),
    ],
)
def test_a_salutation_without_a_name_becomes_a_plain_greeting(text, expected):
    from assistant.drafting.replies import tidy

    assert tidy(text) == expected


def test_an_example_reply_loses_its_name_without_leaving_dear_behind():
    from assistant.drafting.replies import adapt_example_reply
    from assistant.testing import make_case

    example = make_case(customer="Marcus", agent="Leila", reply="Dear Marcus,\n\nSorry.\n\nLeila")
    assert adapt_example_reply(example, None, None) == "Hello,\n\nSorry."


def test_prompt_yaml_is_parsed_once_per_version_of_the_file(tmp_path):
    import os

    from assistant.text.prompts import _parsed, prompt_data

    path = tmp_path / "remedies.yaml"
    path.write_text("refund: a refund\n", encoding="utf-8")
    before = _parsed.cache_info().misses
    assert prompt_data(tmp_path, "remedies.yaml") == {"refund": "a refund"}
    assert prompt_data(tmp_path, "remedies.yaml") == {"refund": "a refund"}
    assert _parsed.cache_info().misses == before + 1  # read once
    path.write_text("refund: your money back\n", encoding="utf-8")
    os.utime(path, ns=(1, 2))  # a different version of the file
    assert prompt_data(tmp_path, "remedies.yaml") == {"refund": "your money back"}
