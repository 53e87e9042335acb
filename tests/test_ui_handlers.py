"""The app's actions as plain functions (desk, trainer room, access) on the fakes: exact values."""

import json

import pytest

from assistant.app.auth import (
    Access,
    AccessDenied,
    User,
    parse_users,
    server_options,
)
from assistant.app.coaching import Fix, apply_fix, coach_view, highlight_spans
from assistant.app.curation import Trainer, apply_stored_edits
from assistant.app.handlers import REWRITE_LABELS, Desk, DraftResult, analysis_badges
from assistant.app.review_views import word_diff
from assistant.coach.analysis import Analysis
from assistant.coach.classifiers import table
from assistant.errors import ConfigError, InputError
from assistant.testing import SAMPLE_CASES, make_case

GOOD = "I'm sorry your Rome flight was cancelled without a word. I'll rebook you now: send us a DM."
COMPLAINT = "My flight to Rome was cancelled and nobody told me."
AGENTS = Access.from_users([User("ana", "agent", "pw1"), User("tom", "trainer", "pw2")])


def drafted(desk, **kwargs) -> tuple[list[str], DraftResult]:
    items = list(desk.draft(COMPLAINT, "twitter", "Acme Air", **kwargs))
    return items[:-1], items[-1]


# -- desk -----------------------------------------------------------------------------------------
def test_draft_streams_text_then_stores_the_suggestion(make_assistant):
    desk = Desk(make_assistant([GOOD]))
    partial, result = drafted(desk, customer="Ana", signature="Lee", user="ana")
    assert partial[0] == GOOD[:1] and partial[-1] == GOOD
    assert all(isinstance(p, str) for p in partial)
    assert result.suggestion.draft == GOOD
    # three identical candidates are shown once, with the example the drafter actually used
    assert [(d.text, d.example_id) for d in result.drafts] == [(GOOD, "t-001")]
    shown = desk.assistant.store.suggestion(result.suggestion_id)
    assert (shown.drafts, shown.case_ids, shown.agent, shown.customer) == (
        [GOOD],
        ["t-001", "t-005", "t-002"],
        "ana",
        "Ana",
    )
    assert shown.model == "scripted" and shown.fallback is False


def test_each_draft_lists_its_cases_own_example_first(make_assistant):
    desk = Desk(make_assistant(["I'm sorry, but I can't assist with that.", GOOD, GOOD + " Ok"]))
    _, result = drafted(desk)
    assert [(d.text, d.example_id) for d in result.drafts] == [
        (GOOD, "t-005"),
        (GOOD + " Ok", "t-002"),
    ]
    rows = result.drafts[1].cases
    assert [r[1] for r in rows] == ["t-002", "t-001", "t-005"]
    assert rows[0][0] == round(result.suggestion.cases[2].score, 2)
    assert rows[0][2] == SAMPLE_CASES[1].complaint and rows[0][3] == SAMPLE_CASES[1].reply
    assert rows[0][4].startswith("this draft adapts its reply; #3 by meaning (similarity ")
    assert rows[1][4].endswith(
        "same channel (twitter); same brand; same issue type: delay cancellation"
    )


def test_empty_complaint_is_refused(make_assistant):
    with pytest.raises(InputError, match="complaint is empty"):
        list(Desk(make_assistant([GOOD])).draft("  ", "twitter"))


def test_analysis_badges():
    analysis = Analysis(
        language="fr",
        kind="complaint",
        emotions={"anger": 0.8, "sadness": 0.3},
        sensitive=["bereavement", "legal_threat"],
        urgency="high",
        public=True,
        public_risk="high",
        private_data=["card"],
        severity=3,
    )
    assert analysis_badges(analysis) == [
        ("anger", "emotion"),
        ("high urgency", "urgency"),
        ("fr", "language"),
        ("high public risk", "public risk"),
        ("complaint", "kind"),
        ("severity 3", "severity"),
        ("bereavement", "sensitive"),
        ("legal threat", "sensitive"),
        ("contains card", "private data"),
    ]


def test_send_measures_the_edit_against_the_chosen_draft(make_assistant):
    desk = Desk(make_assistant([GOOD, GOOD + " Ok"]))
    _, result = drafted(desk)
    assert len(result.drafts) == 2
    sent = desk.send(GOOD + " Ok!", result.suggestion_id, draft_index=1, agent="ana")
    assert (sent.suggested, sent.edit_distance, sent.agent) == (GOOD + " Ok", 1, "ana")
    assert (sent.complaint, sent.channel, sent.brand) == (COMPLAINT, "twitter", "Acme Air")
    assert sent.seconds is not None and sent.seconds >= 0
    with pytest.raises(InputError, match="draft_index 5 is not one of the 2 drafts shown"):
        desk.send("x", result.suggestion_id, draft_index=5)


def test_rate_a_draft(make_assistant):
    desk = Desk(make_assistant([GOOD]))
    _, result = drafted(desk)
    rating = desk.rate(result.suggestion_id, 0, -1, "too stiff", "ana")
    assert (rating.draft, rating.thumb, rating.reason, rating.agent) == (
        GOOD,
        -1,
        "too stiff",
        "ana",
    )


# -- coaching views and one-click fixes ------------------------------------------------------------
def _review(score, *findings):
    from assistant.coach.review import Finding, Review

    return Review(score, {}, [Finding(*f) for f in findings], Analysis(language="en"))


def test_coach_view_orders_failures_first_and_offers_fixes():
    reply = "We apologize for any inconvenience. Per our policy we can't."
    review = _review(
        41,
        ("thanks", "n/a", "info", "not praise"),
        ("apology", "fail", "major", "a stock apology", (0, 34), "I'm sorry about your flight."),
        ("acknowledge_specific", "fail", "major", "names nothing", None, "Name what happened."),
        ("no_policy_speak", "fail", "major", "hides behind policy", (36, 50), "Drop it."),
        ("private_data", "fail", "critical", "repeats a phone", None, "Remove it."),
        ("empathy", "pass", "info", "names the feeling", (0, 2)),
    )
    view = coach_view(review, reply, 280, "twitter")
    assert view.score == 41
    # Plain words for every check, and no line for "thanks", which does not apply here.
    assert [row[:3] for row in view.checklist] == [
        ["✗", "Keeps private details out of public", "critical"],
        ["✗", "Names what happened", "major"],
        ["✗", "Apologises plainly", "major"],
        ["✗", "No hiding behind policy", "major"],
        ["✓", "Names the feeling", "info"],
    ]
    assert view.highlights == [
        ("We apologize for any inconvenience", "Apologises plainly: a stock apology"),
        (". ", None),
        ("Per our policy", "No hiding behind policy: hides behind policy"),
        (" we can't.", None),
    ]
    # advice ("Name what happened.", "Remove it.") is never a button; sentences and rewrites are
    assert [(f.check, f.place, f.action) for f in view.fixes] == [
        ("apology", "replace", None),
        ("no_policy_speak", "rewrite", "no_policy_speak"),
    ]
    assert view.counter == "60 / 280 characters (twitter)"
    assert (
        apply_fix(reply, view.fixes[0]) == "I'm sorry about your flight. Per our policy we can't."
    )
    with pytest.raises(InputError, match="is a rewrite"):
        apply_fix(reply, view.fixes[1])


@pytest.mark.parametrize(
    ("reply", "fix", "expected"),
    [
        (
            "Hi Ana,\nWe apologize for any inconvenience.\n– Lee",
            Fix("empathy", "", "That's really frustrating.", "start"),
            "Hi Ana,\nThat's really frustrating. We apologize for any inconvenience.\n– Lee",
        ),
        (
            "Hi Ana, we lost your bag. DM us.",
            Fix("empathy", "", "That's really frustrating.", "start"),
            "Hi Ana, that's really frustrating. We lost your bag. DM us.",
        ),
        (
            "We lost your bag. DM us. – Lee",
            Fix("follow_up", "", "I'll update you by 6pm.", "end"),
            "We lost your bag. DM us. I'll update you by 6pm. – Lee",
        ),
        (
            "Sorry about your bag. We are looking into it.",
            Fix("ownership", "", "I'll trace it myself.", "replace"),
            "Sorry about your bag. I'll trace it myself. We are looking into it.",
        ),
        (
            "Hi Ana, sorry for any inconvenience caused by the delay to your Rome flight.",
            Fix("apology", "", "I'm sorry about your flight.", "replace", (8, 35)),
            "Hi Ana, I'm sorry about your flight. Sorry for any inconvenience caused by the delay "
            "to your Rome flight.",
        ),
    ],
)
def test_apply_fix_puts_the_sentence_where_it_reads_well(reply, fix, expected):
    assert apply_fix(reply, fix) == expected


def test_counter_and_view_without_a_coach():
    view = coach_view(None, "x" * 290, 280, "twitter")
    assert (view.score, view.counter, view.over_limit) == (
        None,
        "290 / 280 characters (twitter) · 10 over",
        True,
    )
    assert view.highlights == [("x" * 290, None)]


def test_highlight_spans_clip_overlaps_and_fix_bounds():
    assert highlight_spans("abcdef", [(1, 3, "x"), (2, 5, "y")]) == [
        ("a", None),
        ("bc", "x"),
        ("de", "y"),
        ("f", None),
    ]
    with pytest.raises(InputError, match="outside the reply"):
        apply_fix("short", Fix("apology", "r", "t", "replace", (3, 40)))


def test_real_coach_feeds_the_view_and_fixes_raise_the_score(make_assistant):
    desk = Desk(make_assistant([GOOD]))
    reply = "We apologize for any inconvenience. Our team is looking into it."
    view = desk.coach(reply, COMPLAINT, "twitter", "Acme Air")
    review = desk.assistant.coach(reply, COMPLAINT, "twitter", "Acme Air")
    assert view.score == review.score
    assert len(view.checklist) == sum(f.status != "n/a" for f in review.findings)
    labels = table("check_labels")
    assert {row[1] for row in view.checklist} <= set(labels.values())
    assert "".join(text for text, _ in view.highlights) == reply
    assert view.fixes, "a stock reply must offer at least one one-click fix"
    for fix in view.fixes:
        fixed = desk.fix(fix, reply, COMPLAINT, "twitter", "Acme Air")
        assert fixed != reply
        assert desk.coach(fixed, COMPLAINT, "twitter", "Acme Air").score > view.score, fix.check
    by_name = desk.fix_check(view.fixes[0].check, reply, COMPLAINT, "twitter", "Acme Air")
    assert by_name == desk.fix(view.fixes[0], reply, COMPLAINT, "twitter", "Acme Air")
    with pytest.raises(InputError, match="No one-click fix for 'acknowledge_specific'"):
        desk.fix_check("acknowledge_specific", reply, COMPLAINT, "twitter", "Acme Air")


def test_rewrite_buttons_use_the_rewrite_module(make_assistant):
    from assistant.coach.rewrite import ACTIONS

    desk = Desk(make_assistant([GOOD]))
    long = "Thank you for reaching out to us about this. We value your feedback. " + GOOD
    result = desk.rewrite("shorter", long, COMPLAINT, "twitter", "Acme Air")
    assert result.action == "shorter"
    assert len(result.text) < len(long) and GOOD in result.text
    assert result.before == desk.coach(long, COMPLAINT, "twitter", "Acme Air").score
    assert set(REWRITE_LABELS) == set(ACTIONS)  # a button for every rewrite action
    with pytest.raises(InputError, match="reply is empty"):
        desk.rewrite("warmer", " ", COMPLAINT, "twitter")


# -- trainer room ---------------------------------------------------------------------------------
def test_review_queue_approve_and_retrieve(make_assistant):
    assistant = make_assistant([GOOD])
    desk, trainer = Desk(assistant), Trainer(assistant, AGENTS)
    _, result = drafted(desk, customer="Ana")
    final = "Ana, I'm so sorry about Rome. I've rebooked you on the next flight; DM us. – Lee"
    sent = desk.send(final, result.suggestion_id, agent="ana")
    assert [r.id for r in trainer.queue("tom")] == [sent.id]
    detail = trainer.detail(sent.id, "tom")
    assert detail.diff == [(GOOD, "-"), (final, "+")]  # a rewrite reads as one change
    assert detail.defaults["industry"] == "airline" and detail.defaults["issue"] == (
        "delay_cancellation"
    )

    case = trainer.approve(sent.id, "tom", tags_for=sent.id, severity=3)
    assert (case.id, case.source, case.split, case.severity) == (
        "approved-00001",
        "approved",
        "train",
        3,
    )
    assert (case.reply, case.customer, case.brand, case.channel) == (
        final,
        "Ana",
        "Acme Air",
        "twitter",
    )
    assert trainer.queue("tom") == []
    # the index learned it at once: a new, similar complaint retrieves it first
    matches = assistant.index.search("Rome flight cancelled, nobody told me anything", 1)
    assert matches[0].case.id == "approved-00001"
    assert assistant.cases[-1].id == "approved-00001"
    with pytest.raises(InputError, match="already approved"):
        trainer.approve(sent.id, "tom")


def test_agents_are_refused_every_trainer_action(make_assistant):
    assistant = make_assistant([GOOD])
    trainer = Trainer(assistant, AGENTS)
    sent = assistant.store.record_sent("hi there", complaint=COMPLAINT, channel="twitter")
    refused = [
        lambda: trainer.queue("ana"),
        lambda: trainer.detail(sent.id, "ana"),
        lambda: trainer.approve(sent.id, "ana"),
        lambda: trainer.reject(sent.id, "no", "ana"),
        lambda: trainer.save_case("{}", "ana"),
        lambda: trainer.case_json("t-001", "ana"),
        lambda: trainer.export("library", "jsonl", "ana"),
        lambda: trainer.figures("agent", "ana"),
        lambda: trainer.save_policy("travel", "[]", "ana"),
        lambda: trainer.save_prompt("draft_system.j2", "x", "ana"),
        lambda: trainer.add_brand({"brand": "Zed"}, "ana"),
    ]
    for action in refused:
        with pytest.raises(AccessDenied, match="Only trainers can .* you are signed in as 'ana'"):
            action()
    with pytest.raises(AccessDenied, match="not signed in as a known user"):
        trainer.queue(None)
    assert assistant.store.sent_reply(sent.id).status == "pending"
    assert [c.id for c in trainer.tone_examples()] == [c.id for c in SAMPLE_CASES]  # open to all


def test_page_errors_are_escaped_toasts():
    gr = pytest.importorskip("gradio")
    from assistant.app.common import shows_errors

    @shows_errors
    def handler():
        raise AccessDenied("Only trainers can approve; you are <b>ana</b>.")

    with pytest.raises(gr.Error) as info:
        handler()
    assert info.value.message == "Only trainers can approve; you are &lt;b&gt;ana&lt;/b&gt;."
    assert info.value.title == "Not allowed"


def test_reject_with_a_note(make_assistant):
    assistant = make_assistant([GOOD])
    trainer = Trainer(assistant)  # local mode: no sign-in, the one user may curate
    sent = assistant.store.record_sent("hi there", complaint=COMPLAINT, channel="twitter")
    rejected = trainer.reject(sent.id, "Too short.", None)
    assert (rejected.status, rejected.note, rejected.decided_by) == (
        "rejected",
        "Too short.",
        "local",
    )


def test_tone_examples_filter(make_assistant):
    cases = [
        *SAMPLE_CASES,
        make_case(id="t-006", sensitive=["bereavement"], emotion="sadness"),
        make_case(id="t-007", weak_reply=""),
    ]
    trainer = Trainer(make_assistant([GOOD], cases=cases))
    assert [c.id for c in trainer.tone_examples(language="es")] == ["t-004"]
    assert [c.id for c in trainer.tone_examples(industry="mobile", channel="email")] == ["t-003"]
    assert [c.id for c in trainer.tone_examples(sensitive="bereavement")] == ["t-006"]
    assert "t-006" not in [c.id for c in trainer.tone_examples(sensitive="none")]
    assert "t-007" not in [c.id for c in trainer.tone_examples()]  # nothing to contrast
    assert trainer.filter_choices()["sensitive"] == ["any", "none", "bereavement"]
    view = trainer.tone_example("t-002")
    assert view.case.weak_reply == "We apologize for any inconvenience."
    with pytest.raises(InputError, match="Unknown tone filter"):
        trainer.tone_examples(colour="red")


def test_edit_and_add_cases(make_assistant):
    assistant = make_assistant([GOOD])
    trainer = Trainer(assistant)
    row = json.loads(trainer.case_json("t-003", None))
    row["complaint"] = "Charged twice for my phone plan in April, 30 euros each."
    trainer.save_case(json.dumps(row), None)
    hit = assistant.index.search("charged twice phone plan April", 1)[0]
    assert (hit.case.id, hit.case.complaint) == ("t-003", row["complaint"])
    assert assistant.store.stored_case_kind("t-003") == "edited"

    new = json.loads(trainer.new_case_json(None))
    assert new["id"] == "added-0001"
    new.update(
        brand="Acme Air",
        complaint="The lounge in Porto was closed and no one said why.",
        reply="I'm sorry the Porto lounge was shut without a word. I'll find out why now.",
    )
    added = trainer.save_case(json.dumps(new), None)
    assert (added.source, added.split) == ("approved", "train")
    assert assistant.index.search("Porto lounge closed", 1)[0].case.id == "added-0001"

    kinder = "I'm sorry the Porto lounge was shut. I'll find out why today."
    edited = trainer.save_case(json.dumps({**added.to_dict(), "reply": kinder}), None)
    assert (edited.source, assistant.store.stored_case_kind("added-0001")) == ("approved", "added")
    assert [c.reply for c in assistant.store.approved_cases()] == [edited.reply]

    with pytest.raises(InputError, match="not valid JSON: line 1"):
        trainer.save_case("{oops", None)
    with pytest.raises(InputError, match="severity must be 1, 2 or 3"):
        trainer.save_case(json.dumps({**new, "id": "added-0002", "severity": 9}), None)


def test_stored_edits_are_applied_on_start(make_assistant):
    first = make_assistant([GOOD])
    Trainer(first).save_case(
        json.dumps({**SAMPLE_CASES[0].to_dict(), "reply": "Edited gold reply, kinder."}), None
    )
    restarted = make_assistant([GOOD])  # same settings.home, a fresh library
    assert apply_stored_edits(restarted) == 1
    assert next(c for c in restarted.cases if c.id == "t-001").reply == "Edited gold reply, kinder."


def test_export_and_figures(make_assistant):
    assistant = make_assistant([GOOD])
    desk, trainer = Desk(assistant), Trainer(assistant)
    _, result = drafted(desk, user="ana")
    desk.send(GOOD, result.suggestion_id, agent="ana")
    library = trainer.export("library", "jsonl", None)
    assert library.parent.name.startswith("assistant-export-")
    ids = [json.loads(line)["id"] for line in library.read_text(encoding="utf-8").splitlines()]
    assert ids == [c.id for c in SAMPLE_CASES]
    sent = trainer.export("sent", "parquet", None)
    from datasets import Dataset

    assert Dataset.from_parquet(str(sent))["final"] == [GOOD]
    [row] = trainer.figures("agent", None)
    assert (row.key, row.shown, row.sent, row.accepted, row.acceptance_rate) == (
        "ana",
        1,
        1,
        1,
        1.0,
    )
    with pytest.raises(InputError, match="Unknown export 'all'"):
        trainer.export("all", "jsonl", None)


def test_policy_editor_validates_before_saving(make_assistant, data_copy):
    data, prompts = data_copy
    assistant = make_assistant([GOOD], data_dir=data, prompts_dir=prompts)
    trainer = Trainer(assistant)
    path = data / "brands/travel.yaml"
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown remedies \\['free_flights'\\]"):
        trainer.save_policy("travel", "- brand: Zed Air\n  remedies: [free_flights]\n", None)
    with pytest.raises(ConfigError, match="not valid YAML"):
        trainer.save_policy("travel", "- brand: [unclosed\n", None)
    assert path.read_text(encoding="utf-8") == before
    with pytest.raises(InputError, match="not a plain file name"):
        trainer.save_policy("../../evil", "[]", None)
    clash = "- brand: Aurelian Skyways\n  remedies: [refund_review]\n"
    with pytest.raises(ConfigError, match="already defined in travel.yaml"):
        trainer.save_policy("extra", clash, None)

    saved = trainer.save_policy(
        "extra",
        "- brand: Zed Air\n  industry: airline\n  remedies: [voucher]\n  max_voucher: 5\n",
        None,
    )
    assert [p.brand for p in saved] == ["Zed Air"]
    assert trainer.policy_files() == ["extra.yaml", "retail.yaml", "travel.yaml"]
    assert assistant.policies.for_brand("Zed Air").max_voucher == 5.0  # live, no restart
    assert "Zed Air" in Desk(assistant).brands()


def test_the_add_brand_form_validates_saves_and_drafts_use_it_at_once(make_assistant, data_copy):
    data, prompts = data_copy
    assistant = make_assistant([GOOD], data_dir=data, prompts_dir=prompts)
    trainer = Trainer(assistant)
    row = {
        "brand": "  My Company ",
        "handle": "@mycompany",
        "industry": "ecommerce",
        "remedies": ["refund_review", "voucher"],
        "currency": "GBP",
        "max_credit": 0.0,
        "max_voucher": 15.0,
        "private_channel": "DM",
        "notes": "No cash refunds.",
    }
    with pytest.raises(ConfigError, match="Give the brand's name"):
        trainer.add_brand({**row, "brand": "   "}, None)
    with pytest.raises(ConfigError, match="unknown remedies"):
        trainer.add_brand({**row, "remedies": ["free_money"]}, None)
    with pytest.raises(ConfigError, match="already has a policy"):
        trainer.add_brand({**row, "brand": "Aurelian Skyways"}, None)
    assert not (data / "brands/custom.yaml").exists()
    policy = trainer.add_brand(row, None)
    assert (policy.brand, policy.max_voucher, policy.currency) == ("My Company", 15.0, "GBP")
    assert "custom.yaml" in trainer.policy_files()
    assert assistant.policies.for_brand("My Company").on_file is True
    suggestion = assistant.suggest(COMPLAINT, "twitter", "My Company")
    assert not any("No policy on file" in n for n in suggestion.notes)


def test_prompt_editor_validates_before_saving(make_assistant, data_copy):
    data, prompts = data_copy
    trainer = Trainer(make_assistant([GOOD], data_dir=data, prompts_dir=prompts))
    path = prompts / "draft_system.j2"
    before = trainer.read_prompt("draft_system.j2", None)
    with pytest.raises(ConfigError, match="unknown value: 'mood' is undefined"):
        trainer.save_prompt("draft_system.j2", before + " {{ mood }}", None)
    with pytest.raises(ConfigError, match="line 1"):
        trainer.save_prompt("draft_system.j2", "{% if public %}", None)
    with pytest.raises(InputError, match="only existing templates"):
        trainer.save_prompt("new.j2", "Hello", None)
    assert path.read_text(encoding="utf-8") == before
    assert trainer.save_prompt("draft_system", before + "\nBe brief.", None) == "draft_system.j2"
    assert path.read_text(encoding="utf-8").endswith("Be brief.")


def test_the_prompt_editor_saves_every_shipped_template_as_it_is(make_assistant, data_copy):
    data, prompts = data_copy
    trainer = Trainer(make_assistant([GOOD], data_dir=data, prompts_dir=prompts))
    names = trainer.prompt_files()
    assert names == ["draft_brief.j2", "draft_system.j2", "rewrite_translate.j2"]
    for name in names:
        assert trainer.save_prompt(name, trainer.read_prompt(name, None), None) == name


def test_word_diff_reads_in_chunks():
    assert word_diff(
        "Hello Ana, your refund is on its way.", "Hello Ana, your refund review is on its way."
    ) == [
        ("Hello Ana, your refund ", None),
        ("review ", "+"),
        ("is on its way.", None),
    ]
    # two kept words between edits are folded into one change, not shown as confetti
    assert word_diff("Sorry about that.", "So sorry about that!") == [
        ("Sorry about that.", "-"),
        ("So sorry about that!", "+"),
    ]
    assert word_diff("I'm here.", "I'm here.") == [("I'm here.", None)]


# -- access ---------------------------------------------------------------------------------------
def test_users_from_the_environment_and_a_file(tmp_path):
    users_file = tmp_path / "users.txt"
    digest = "sha256:" + "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
    users_file.write_text(f"# team\nlee:{digest}:trainer\n\nkim:pa:ss:agent\n", encoding="utf-8")
    access = Access.from_env(
        {
            "ASSISTANT_USERS": "ana:pw:agent, tom:pw2:TRAINER",
            "ASSISTANT_USERS_FILE": str(users_file),
        }
    )
    assert {n: u.role for n, u in access.users.items()} == {
        "ana": "agent",
        "tom": "trainer",
        "lee": "trainer",
        "kim": "agent",
    }
    assert access.authenticate("lee", "password") is True  # sha256("password")
    assert access.authenticate("kim", "pa:ss") is True  # a password may hold colons
    assert access.authenticate("ana", "wrong") is False
    assert access.authenticate("nobody", "pw") is False
    assert access.require_trainer("tom", "approve") == "tom"
    assert Access().role(None) == "trainer" and Access().enabled is False


def test_bad_user_entries_name_the_entry_not_the_password():
    with pytest.raises(ConfigError, match="entry 2 \\('tom'\\) has role 'boss'") as info:
        parse_users("ana:pw:agent,tom:hunter2:boss")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ConfigError, match="is not name:password:role"):
        parse_users("ana")
    with pytest.raises(ConfigError, match="repeats the user 'ana'"):
        parse_users("ana:a:agent,ana:b:trainer")
    with pytest.raises(ConfigError, match="cannot be read"):
        Access.from_env({"ASSISTANT_USERS_FILE": "/nonexistent/users.txt"})


def test_binding_defaults_to_loopback_and_refuses_an_open_network():
    assert server_options(Access(), {}) == server_options(Access(), {"GRADIO_SERVER_PORT": ""})
    local = server_options(Access(), {"GRADIO_SERVER_PORT": "7861"})
    assert (local.host, local.port, local.exposed) == ("127.0.0.1", 7861, False)
    with pytest.raises(ConfigError, match="GRADIO_SERVER_NAME=0.0.0.0 exposes the app"):
        server_options(Access(), {"GRADIO_SERVER_NAME": "0.0.0.0"})
    exposed = server_options(AGENTS, {"GRADIO_SERVER_NAME": "0.0.0.0"})
    assert (exposed.host, exposed.exposed) == ("0.0.0.0", True)
    with pytest.raises(ConfigError, match="must be a port number; it is 'http'"):
        server_options(Access(), {"GRADIO_SERVER_PORT": "http"})


def test_the_app_builds_with_a_named_endpoint_per_action(make_assistant):
    pytest.importorskip("gradio")
    from assistant.app.page import build_app, launch_options

    assistant = make_assistant([GOOD])
    demo = build_app(assistant, AGENTS)
    names = {d.api_name for d in demo.fns.values() if d.api_visibility != "private"}
    assert names == {
        "suggest",
        "analyse",
        "coach",
        "rewrite",
        "fix",
        "send",
        "rate",
        "tone_examples",
        "review_queue",
        "approve",
        "reject",
        "save_case",
        "figures",
        "save_policy",
        "save_prompt",
        "export",
    }
    options = launch_options(assistant, AGENTS, env={})
    assert (options["server_name"], options["server_port"]) == ("127.0.0.1", None)
    assert options["auth"]("tom", "pw2") is True and options["auth"]("tom", "nope") is False
    assert "auth" not in launch_options(assistant, Access(), env={})
    assert "allowed_paths" not in options  # no folder is served; exports go through the handler


def test_every_check_the_coach_runs_has_a_plain_label(make_assistant):
    from assistant.coach.checklist import CHECKS

    assistant = make_assistant([GOOD])
    review = assistant.coach("Sorry.", COMPLAINT, "twitter", "Acme Air")
    labels = table("check_labels")
    ran = {f.check for f in review.findings} | {"answers_complaint"}  # the critic's, when on
    assert len(review.findings) >= len(CHECKS)
    assert ran <= set(labels), sorted(ran - set(labels))
    assert set(labels) <= ran, sorted(set(labels) - ran)  # no label for a check that is gone
