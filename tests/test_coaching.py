"""The coach: checklist findings with reasons, spans and fixes; the score; the CLI."""

import io
import json

import pytest

from assistant.cli import main
from assistant.coach.analysis import analyse
from assistant.coach.review import coach, detect_moves, rank_score
from assistant.errors import InputError
from assistant.testing import SAMPLE_CASES

FLIGHT = SAMPLE_CASES[0].complaint  # "My flight was cancelled and nobody told me."
BOILERPLATE = "We apologize for any inconvenience."


@pytest.fixture
def review(policies):
    def run(reply, complaint=FLIGHT, channel="twitter", brand="Acme Air", customer=None):
        return coach(reply, complaint, channel, policies.for_brand(brand), policies, customer)

    return run


def finding(result, check):
    return next(f for f in result.findings if f.check == check)


def test_boilerplate_fails_the_apology_check_with_reason_span_and_fix(review):
    apology = finding(review(BOILERPLATE), "apology")
    assert (apology.status, apology.severity) == ("fail", "major")
    assert apology.reason == (
        "a stock apology ('We apologize for any inconvenience') that names nothing"
    )
    assert apology.span == (0, 34)
    assert BOILERPLATE[apology.span[0] : apology.span[1]] == "We apologize for any inconvenience"
    assert apology.fix == "I'm sorry about your flight."


def test_boilerplate_scores_low_and_the_breakdown_sums_to_the_score(review):
    result = review(BOILERPLATE)
    assert result.score == 25
    assert result.breakdown == {
        "acknowledge_specific": 0.0,
        "empathy": 0.0,
        "apology": 0.0,
        "ownership": 0.0,
        "fix": 0.0,
        "follow_up": 0.0,
        "personal": 5.0,
        "no_blame": 5.0,
        "no_dismissal": 5.0,
        "no_policy_speak": 5.0,
        "no_over_promise": 5.0,
    }
    assert sum(result.breakdown.values()) == result.score
    assert [f.check for f in result.failed] == [
        "acknowledge_specific",
        "empathy",
        "apology",
        "ownership",
        "fix",
        "follow_up",
    ]


@pytest.mark.parametrize("case", SAMPLE_CASES, ids=lambda c: c.id)
def test_gold_reply_scores_higher_than_its_weak_contrast(review, case):
    gold = review(case.reply, case.complaint, case.channel, case.brand, case.customer)
    weak = review(case.weak_reply, case.complaint, case.channel, case.brand, case.customer)
    assert gold.score > weak.score


def test_sample_gold_and_weak_scores(review):
    scores = [
        (
            review(c.reply, c.complaint, c.channel, c.brand, c.customer).score,
            review(c.weak_reply, c.complaint, c.channel, c.brand, c.customer).score,
        )
        for c in SAMPLE_CASES
    ]
    # The praise case's weak reply apologises for praise: a critical guard since the critic issue.
    assert scores == [(90, 25), (90, 20), (90, 25), (90, 8), (100, 9)]


def test_a_specific_reply_names_what_happened(review):
    result = review(SAMPLE_CASES[0].reply)
    ack = finding(result, "acknowledge_specific")
    assert (ack.status, ack.reason) == ("pass", "names what happened: 'flight', 'cancelled'")
    assert finding(result, "ownership").reason == 'owns it in the first person: "I\'ll"'


def test_sure_ok_opener_is_not_ownership(review):
    ownership = finding(review("Sure, it has been passed on to the relevant team."), "ownership")
    assert ownership.status == "fail"
    assert ownership.reason == "opens with 'Sure,' and commits to nothing in the first person"
    assert ownership.span == (0, 5)


def test_praise_needs_thanks_not_an_apology(review):
    praise = SAMPLE_CASES[4]
    weak = review("Sorry for any issues.", praise.complaint)
    assert finding(weak, "apology").status == "n/a"
    thanks = finding(weak, "thanks")
    assert (thanks.status, thanks.reason) == (
        "fail",
        "apologises ('Sorry') to someone who is thanking you",
    )
    gold = review(praise.reply, praise.complaint)
    assert finding(gold, "thanks").status == "pass"
    assert gold.score == 100


def test_noise_gets_a_polite_question(review):
    invite = finding(review("Hi! Anything we can help you with today?", "@AcmeAir 🧶"), "invite")
    assert (invite.status, invite.reason) == ("pass", "leaves the door open politely: '?'")
    assert finding(review("Noted.", "@AcmeAir 🧶"), "invite").status == "fail"


def test_bereavement_needs_condolence(review):
    complaint = "My mother passed away in March and you are still charging her account."
    cold = finding(
        review("I've cancelled the account and refunded March.", complaint), "condolence"
    )
    assert (cold.status, cold.reason) == (
        "fail",
        "someone died ('mother passed') and the reply offers no condolence",
    )
    warm = review(
        "I'm so sorry for your loss. I've closed her account and refunded March.", complaint
    )
    assert finding(warm, "condolence").status == "pass"


def test_safety_comes_first(review):
    complaint = "My Acme kettle sparked and there's a burning smell in the kitchen!"
    first = review(
        "I'm so sorry. Please don't use it again. I've reported it as urgent.", complaint
    )
    assert finding(first, "safety_first").reason == 'puts safety first: "Please don\'t use"'
    none = finding(
        review("I'm sorry, I've reported the kettle to our team.", complaint), "safety_first"
    )
    assert (none.status, none.severity) == ("fail", "major")


def test_blame_policy_speak_and_dismissal_are_caught(review):
    result = review("As per our terms, you should have checked. Delays are completely normal.")
    assert finding(result, "no_policy_speak").reason == "hides behind policy: 'As per our'"
    assert finding(result, "no_blame").reason == "blames the customer: 'you should have'"
    assert finding(result, "no_dismissal").span == (54, 71)


def test_quoting_what_they_were_told_is_not_dismissal(review):
    reply = "You were told 'no exceptions', and that was wrong. I'm sorry; I've reopened it."
    assert finding(review(reply), "no_dismissal").status == "pass"


def test_the_customers_name_is_used_when_known(review):
    rosa = SAMPLE_CASES[1]
    no_name = review(
        "I'm sorry your suitcase is lost. I'll trace it now.", rosa.complaint, customer="Rosa"
    )
    assert finding(no_name, "personal").reason == "does not use their name (Rosa)"
    named = review("Rosa, I'm sorry your suitcase is lost.", rosa.complaint, customer="Rosa")
    assert finding(named, "personal").span == (0, 4)


def test_giving_in_to_a_demand_beyond_policy_is_an_over_promise(review):
    complaint = "The food was late. I want a full refund plus $3,000 for ruining my evening."
    result = review(
        "So sorry! I'll refund you and send $3,000 today.", complaint, brand="Nimbus Mobile"
    )
    promise = finding(result, "no_over_promise")
    assert promise.reason == "gives in to the demand for $3,000, beyond what the policy allows"
    declined = review("I'm sorry. I can't offer $3,000, but I've refunded the meal.", complaint)
    assert finding(declined, "no_over_promise").status == "pass"


def test_a_failed_guard_is_critical_and_caps_the_score(review):
    reply = "I'm so sorry your flight was cancelled. I'll call you on 555-014-7788 to rebook you."
    result = review(reply)
    leak = finding(result, "private_data")
    assert (leak.status, leak.severity) == ("fail", "critical")
    assert leak.fix == (
        "Remove it; never repeat private data in public. Ask them to send it by DM."
    )
    assert result.score == 27  # 90 points of moves, scaled by the guard factor 0.3
    assert sum(result.breakdown.values()) == result.score


def test_spanish_reply_is_coached_in_spanish(review):
    case = SAMPLE_CASES[3]
    result = review(case.reply, case.complaint)
    assert finding(result, "apology").reason == "apologises: 'Siento'"
    assert finding(result, "language").status == "pass"
    assert finding(review(case.weak_reply, case.complaint), "apology").fix == (
        "Siento mucho lo de señal."
    )


def test_detect_moves_gives_spans_for_the_library_labels():
    case = SAMPLE_CASES[1]
    analysis = analyse(case.complaint, case.channel)
    moves = detect_moves(case.reply, case.complaint, analysis, case.customer)
    found = {move: case.reply[span[0] : span[1]] for move, span in moves.items() if span}
    assert found == {
        "acknowledge_specific": "suitcase",
        "apology": "sorry",
        "ownership": "I've",
        "fix": "trace",
        "follow_up": "I'll update",
        "move_private": "DM",
        "personalize": "Rosa",
    }


def test_rank_score_is_the_coach_score_under_the_default_policy():
    case = SAMPLE_CASES[0]
    analysis = analyse(case.complaint, case.channel)
    assert rank_score(case.reply, case.complaint, analysis, case.channel) == 90.0


def test_to_dict_is_json_ready(review):
    data = json.loads(json.dumps(review(BOILERPLATE).to_dict()))
    assert set(data) == {"score", "breakdown", "findings", "analysis"}
    assert data["findings"][4] == {
        "check": "apology",
        "status": "fail",
        "severity": "major",
        "reason": "a stock apology ('We apologize for any inconvenience') that names nothing",
        "span": [0, 34],
        "fix": "I'm sorry about your flight.",
    }


def test_empty_complaint_and_unknown_channel_are_input_errors(review):
    with pytest.raises(InputError, match="The complaint is empty"):
        coach("Hello", "   ")
    with pytest.raises(InputError, match="Unknown channel 'fax'"):
        coach("Hello", FLIGHT, "fax")


def test_cli_prints_score_findings_and_analysis(capsys):
    assert main(["coach", "--complaint", FLIGHT, BOILERPLATE]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "score 25/100"
    assert "apology" in out and "fix: I'm sorry about your flight." in out
    assert "\nanalysis\n" in out


def test_cli_json_reads_the_reply_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(BOILERPLATE))
    assert main(["coach", "--json", "--channel", "email", "--complaint", FLIGHT, "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["score"] == 25
    assert data["analysis"]["kind"] == "complaint"


def test_rank_score_does_not_re_guard_with_the_default_policy():
    reply = (
        "I'm so sorry your flight was cancelled without warning. I've added a $20 voucher and "
        "I'll rebook you now: DM us your booking reference."
    )
    under_default = coach(reply, FLIGHT)  # no brand: the default policy allows no voucher
    assert finding(under_default, "policy").reason == "offers $20; the policy allows nothing"
    assert under_default.score == 26
    assert rank_score(reply, FLIGHT, analyse(FLIGHT, "twitter"), "twitter") == 90.0


def test_a_spanish_reply_is_told_to_ask_for_the_private_channel_in_spanish(policies):
    from dataclasses import replace

    policy = replace(policies.for_brand("Acme Air"), private_channel="email thread")
    result = coach(
        "Vale.",
        "Perdisteis mi maleta en el vuelo a Lisboa y mañana es la boda de mi hermana.",
        "twitter",
        policy=policy,
        policies=policies,
    )
    fixes = {f.check: f.fix for f in result.findings}
    assert fixes["follow_up"] == "Escríbenos por correo electrónico con tus datos y me encargo."


def test_policy_words_say_the_channel_and_the_cap_in_the_language(policies):
    from dataclasses import replace

    from assistant.coach.policy_words import ask_private, gesture_words

    assert ask_private("en", "email thread") == "send us an email"
    assert ask_private("de", "WhatsApp") == "schreiben Sie uns per WhatsApp"
    assert ask_private("xx", "DM") == "send us a DM"
    assert ask_private("es", "") == ""
    acme = policies.for_brand("Acme Air")
    assert gesture_words(replace(acme, max_voucher=25), "es") == "hasta 25 USD"
    assert gesture_words(replace(acme, max_voucher=25), "fr") == "jusqu'à 25 USD"
    assert gesture_words(replace(acme, max_credit=0, max_voucher=0), "de") == "keine"
