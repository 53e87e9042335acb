"""Rewrites: deterministic rule edits, translation through the Generator seam, guard safety."""

import pytest

from assistant.coach.rewrite import ACTIONS, rewrite
from assistant.errors import InputError
from assistant.testing import SAMPLE_CASES, ScriptedGenerator

ROSA = SAMPLE_CASES[1]
LONG = (
    "Hi Rosa, thank you so much for reaching out to us today. I am really very sorry that your "
    "suitcase went missing on the Lisbon flight right before your sister's wedding, that must be "
    "incredibly stressful. I have put a trace on it and I will update you by 6pm today. Please "
    "send us a direct message with your tag number so that I can follow it up. We value your "
    "feedback and hope to see you on board again soon. Have a lovely day!"
)
SPANISH = "Perdisteis mi maleta en el vuelo a Lisboa y mañana es la boda de mi hermana."
ENGLISH = "I'm so sorry your suitcase went missing. I'll trace it now and update you by 6pm."


@pytest.fixture
def run(policies):
    def apply(action, reply, complaint=ROSA.complaint, customer="Rosa", **kwargs):
        return rewrite(
            action,
            reply,
            complaint,
            "twitter",
            policies.for_brand("Acme Air"),
            policies,
            customer,
            **kwargs,
        )

    return apply


def test_shorter_fits_a_long_reply_into_280_characters(run):
    result = run("shorter", LONG)
    assert len(LONG) == 428 and len(result.text) == 259
    assert result.text == (
        "I'm sorry that your suitcase went missing on the Lisbon flight right before your "
        "sister's wedding, that must be incredibly stressful. I've put a trace on it and I'll "
        "update you by 6pm today. Please send us a DM with your tag number so that I can follow "
        "it up."
    )
    assert result.note == "428 -> 259 characters; dropped 3 sentences"
    assert (result.before, result.after) == (28, 95)
    assert result.review.score == result.after


def test_shorter_keeps_the_moves_of_a_reply_that_already_fits(run):
    result = run("shorter", ROSA.reply)
    assert result.text == ROSA.reply.replace(" – Tom", "")
    assert result.after == result.before == 90


def test_warmer_replaces_stock_lines_and_adds_feeling_apology_and_name(run):
    result = run("warmer", "We apologize for any inconvenience. Your bag has been escalated.")
    assert result.text == (
        "Rosa, I understand how annoying this is. I'm sorry about your suitcase. "
        "Your bag has been escalated."
    )
    assert result.note == (
        "Replaced stock or cold phrases; named the feeling; added a specific apology; "
        "used their name"
    )
    assert result.after > result.before


def test_formal_expands_contractions_and_drops_emoji(run):
    result = run("formal", "Hey Rosa! So sorry about your suitcase 😬 I'll sort it out ASAP!")
    assert result.text == (
        "Hello Rosa. I am very sorry about your suitcase. I will resolve this as soon as possible."
    )


def test_ownership_turns_passive_deflection_into_first_person(run):
    reply = (
        "Sure! Your case has been escalated to the baggage team. Please contact our support team."
    )
    result = run("ownership", reply)
    assert result.text == (
        "I've escalated your case to the baggage team. I'll keep you updated until it's sorted."
    )
    assert (result.before, result.after) == (10, 60)


def test_ownership_leaves_an_owning_reply_alone(run):
    result = run("ownership", ROSA.reply)
    assert (result.text, result.note) == (ROSA.reply, "Already owns it; nothing to change")


def test_no_policy_speak_removes_the_policy_clause(run):
    reply = "As per our conditions of carriage, delayed bags are traced within 5 days. I'm sorry."
    result = run("no_policy_speak", reply)
    assert result.text == "Delayed bags are traced within 5 days. I'm sorry."
    assert result.note == "Removed the policy wording from 1 sentence"


def test_no_policy_speak_replaces_a_sentence_that_was_only_policy(run):
    result = run("no_policy_speak", "Our policy does not allow refunds on checked bags. Sorry.")
    assert result.text == "Sorry. I'll look at what I can do for you here and come back to you."


def test_translate_uses_the_generator_and_the_prompt_file(run):
    generator = ScriptedGenerator(
        ['Traducción: "Siento mucho que tu maleta se perdiera. Te aviso antes de las 18:00."']
    )
    result = run("translate", ENGLISH, complaint=SPANISH, customer=None, generator=generator)
    assert result.text == "Siento mucho que tu maleta se perdiera. Te aviso antes de las 18:00."
    assert result.note == "Translated into Spanish by scripted"
    system, user = generator.calls[0][0]
    assert system["role"] == "system" and "into Spanish" in system["content"]
    assert user == {"role": "user", "content": ENGLISH}
    assert result.after > result.before  # the English reply failed the language guard


def test_translate_without_a_generator_says_what_to_pass(run):
    with pytest.raises(InputError, match="The translate rewrite needs a language model"):
        run("translate", ENGLISH, complaint=SPANISH)


def test_a_rewrite_that_fails_a_guard_returns_the_original_with_the_reason(run):
    generator = ScriptedGenerator(["Lo siento mucho. Llámame al 555-014-7788 y lo vemos."])
    result = run("translate", ENGLISH, complaint=SPANISH, customer=None, generator=generator)
    assert result.text == ENGLISH
    assert result.note == (
        "Kept the original: the translate rewrite failed a guard (private_data: repeats a phone "
        "('555-014-7788') on a public channel)"
    )
    assert result.after == result.before


def test_unknown_action_lists_the_actions(run):
    with pytest.raises(InputError) as error:
        run("louder", ENGLISH)
    assert str(error.value) == (
        "Unknown rewrite action 'louder'. Choose one of: warmer, shorter, formal, ownership, "
        "no_policy_speak, translate."
    )
    assert ACTIONS == ("warmer", "shorter", "formal", "ownership", "no_policy_speak", "translate")


def test_to_dict(run):
    data = run("shorter", LONG).to_dict()
    assert set(data) == {"action", "text", "before", "after", "review", "note"}
    assert data["review"]["score"] == data["after"]
