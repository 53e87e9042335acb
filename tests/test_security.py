"""What a hostile user tries (issue 11): each finding has a test that failed before its fix, and
a corpus of hostile inputs runs through the CLI, the Python API and every named API endpoint."""

from __future__ import annotations

import json
import os
import stat

import gradio as gr
import pytest
from hostile import TEXTS, WRONG_TYPES

from assistant import cli
from assistant.app.auth import Access, Throttle, User, hash_password, parse_users
from assistant.app.curation import Trainer
from assistant.app.editors import PROMPT_SAMPLES
from assistant.app.handlers import Desk
from assistant.errors import AccessDenied, ConfigError, InputError
from assistant.text.inputs import LIMITS
from assistant.text.prompts import compile_text, render, validate_template

GOOD = "I'm sorry your Rome flight was cancelled without a word. I'll rebook you now: send us a DM."
COMPLAINT = "My flight to Rome was cancelled and nobody told me."
TEAM = Access.from_users(
    [User("ana", "agent", "pw1"), User("bob", "agent", "pw3"), User("tom", "trainer", "pw2")]
)
RCE = "{{ cycler.__init__.__globals__.os.popen('%s').read() }}"


def suggestion(desk: Desk, user: str) -> int:
    return desk.suggest(COMPLAINT, "twitter", "Acme Air", user=user).suggestion_id


# -- 1. templates render sandboxed --------------------------------------------------------------
def test_a_template_reaching_for_python_internals_neither_runs_nor_leaks(
    make_assistant, data_copy, tmp_path
):
    data, prompts = data_copy
    trainer = Trainer(make_assistant([GOOD], data_dir=data, prompts_dir=prompts))
    marker = tmp_path / "pwned"
    before = (prompts / "draft_system.j2").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="Python internals") as refused:
        trainer.save_prompt("draft_system.j2", RCE % f"touch {marker}", None)
    assert not marker.exists()
    assert "uid=" not in str(refused.value)
    assert (prompts / "draft_system.j2").read_text(encoding="utf-8") == before
    problem = validate_template(RCE % "id", PROMPT_SAMPLES[0])
    assert problem == "it reaches for Python internals, which templates may not use"
    # A template already on disk (say, copied in by hand) is rendered sandboxed too.
    (prompts / "draft_system.j2").write_text(RCE % f"touch {marker}", encoding="utf-8")
    with pytest.raises(ConfigError, match="uses something templates may not"):
        render("draft_system.j2", prompts)
    assert not marker.exists()
    # and so are fallback replies and greetings
    with pytest.raises(Exception, match="unsafe|SecurityError|not safely"):
        compile_text(RCE % f"touch {marker}").render()
    assert not marker.exists()


def test_every_shipped_template_renders_in_the_sandbox(make_assistant):
    assistant = make_assistant([GOOD])
    for path in sorted(assistant.settings.prompts_dir.glob("*.j2")):
        for sample in PROMPT_SAMPLES:
            problem = validate_template(path.read_text(encoding="utf-8"), sample)
            assert problem is None or problem.startswith("unknown value"), (path.name, problem)


# -- 2. exports are the trainer's only -----------------------------------------------------------
def test_exports_have_unguessable_private_names_and_no_served_folder(make_assistant):
    assistant = make_assistant([GOOD])
    trainer = Trainer(assistant, TEAM)
    with pytest.raises(AccessDenied, match="Only trainers can export"):
        trainer.export("sent", "jsonl", "ana")
    first = trainer.export("sent", "jsonl", "tom")
    second = trainer.export("sent", "jsonl", "tom")
    assert first.parent != second.parent and first.name != second.name
    token = first.stem.rsplit("-", 1)[-1]
    assert len(token) == 32  # 16 random bytes
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.parent.stat().st_mode) == 0o700
    assert not first.is_relative_to(assistant.settings.home)
    from assistant.app.page import launch_options

    assert "allowed_paths" not in launch_options(assistant, TEAM, env={})


# -- 3. a suggestion belongs to its agent --------------------------------------------------------
def test_other_agents_cannot_send_or_rate_a_suggestion_but_trainers_may(make_assistant):
    desk = Desk(make_assistant([GOOD]), TEAM)
    number = suggestion(desk, "ana")
    for act in (
        lambda: desk.send(GOOD, number, agent="bob"),
        lambda: desk.rate(number, 0, 1, agent="bob"),
    ):
        with pytest.raises(AccessDenied, match=f"Suggestion {number} was drafted for another"):
            act()
    assert desk.assistant.store.sent_replies() == [] and desk.assistant.store.ratings() == []
    assert desk.rate(number, 0, -1, "too long", agent="tom").thumb == -1
    assert desk.send(GOOD, number, agent="ana").agent == "ana"


# -- 4. salted slow hashes and a sign-in throttle ------------------------------------------------
def test_passwords_are_hashed_with_salted_scrypt_and_plain_ones_still_work():
    one, two = hash_password("s3cret"), hash_password("s3cret")
    assert one.startswith("scrypt:16384:8:1:") and one != two  # salted
    [user] = parse_users(f"ana:{one}:agent")
    assert user.check("s3cret") and not user.check("s3cret ")
    [plain] = parse_users("tom:pw:with:colons:trainer")
    assert plain.check("pw:with:colons")
    with pytest.raises(ConfigError, match="what `assistant users hash` prints"):
        parse_users("ana:scrypt:broken:agent")


def test_failed_sign_ins_are_throttled_per_user_and_per_address():
    now = [1000.0]
    access = Access.from_users([User("ana", "agent", "pw1"), User("tom", "trainer", "pw2")])
    access.throttle = Throttle(clock=lambda: now[0])
    results = [access.authenticate("ana", f"guess{i}", "10.0.0.1") for i in range(5)]
    assert results == [False] * 5
    assert access.authenticate("ana", "pw1", "10.0.0.2") is False  # the name is locked
    assert access.authenticate("tom", "pw2", "10.0.0.1") is False  # and so is the address
    assert access.authenticate("tom", "pw2", "10.0.0.3") is True
    now[0] += 61
    assert access.authenticate("ana", "pw1", "10.0.0.2") is True
    for i in range(5):
        access.authenticate("ana", f"again{i}", "10.0.0.4")
    now[0] += 61  # a second lock lasts twice as long
    assert access.authenticate("ana", "pw1", "10.0.0.5") is False
    now[0] += 60
    assert access.authenticate("ana", "pw1", "10.0.0.5") is True


def test_the_real_sign_in_route_is_throttled_by_client_address(make_assistant):
    from fastapi.testclient import TestClient
    from gradio.routes import App

    from assistant.app.page import build_app, launch_options

    assistant = make_assistant([GOOD])
    access = Access.from_users([User("ana", "agent", "pw1")])
    options = launch_options(assistant, access, env={})
    demo = build_app(assistant, access)
    demo.auth = options["auth"]
    app = App.create_app(demo, app_kwargs=options["app_kwargs"])
    with TestClient(app) as client:
        codes = [
            client.post("/login", data={"username": "ana", "password": "x"}).status_code
            for _ in range(6)
        ]
        right = client.post("/login", data={"username": "ana", "password": "pw1"})
    assert codes == [400] * 6 and right.status_code == 400  # locked: even the right password
    assert any(key.startswith("address:testclient") for key in access.throttle._locked)


# -- 5. every text has a limit, enforced in the library ----------------------------------------
@pytest.mark.parametrize(
    "act, message",
    [
        (lambda d, n: d.send("x" * 1_000_000, n, agent="ana"), "reply has 1,000,000 characters"),
        (lambda d, n: d.suggest("x " * 500_000, "twitter", user="ana"), "limit is 20,000"),
        (lambda d, n: d.suggest(COMPLAINT, "twitter", customer="N" * 5000), "40 characters"),
        (
            lambda d, n: d.rewrite("shorter", "x" * 1_000_000, COMPLAINT, "twitter"),
            "limit is 5,000",
        ),
        (lambda d, n: d.coach("x" * 6_000, COMPLAINT, "twitter"), "limit is 5,000"),
        (lambda d, n: d.rate(n, 0, 1, "r" * 2_000, agent="ana"), "limit is 1,000"),
        (lambda d, n: d.assistant.store.record_sent("ok", customer="N" * 5000), "limit is 40"),
    ],
)
def test_texts_over_their_limit_are_refused_with_the_limit_named(make_assistant, act, message):
    desk = Desk(make_assistant([GOOD]), TEAM)
    number = suggestion(desk, "ana")
    with pytest.raises(InputError, match=message):
        act(desk, number)
    assert desk.assistant.store.sent_replies() == [] and desk.assistant.store.ratings() == []


# -- 6. sent once, rated once ------------------------------------------------------------------
def test_a_second_send_updates_and_a_changed_rating_replaces(make_assistant):
    desk = Desk(make_assistant([GOOD]), TEAM)
    number = suggestion(desk, "ana")
    first = desk.send(GOOD, number, agent="ana")
    again = desk.send(GOOD + " – Ana", number, agent="ana")
    assert [r.id for r in desk.assistant.store.sent_replies()] == [first.id]
    assert again.final == GOOD + " – Ana"
    desk.rate(number, 0, 1, agent="ana")
    desk.rate(number, 0, -1, "too stiff", agent="ana")
    [rating] = desk.assistant.store.ratings()
    assert (rating.thumb, rating.reason) == (-1, "too stiff")
    [row] = desk.assistant.store.figures("agent")
    assert (row.shown, row.sent) == (1, 1)
    Trainer(desk.assistant, TEAM).reject(first.id, "not our tone", "tom")
    with pytest.raises(InputError, match="already sent and rejected"):
        desk.send("changed", number, agent="ana")


# -- 7. approve files a reply under its own tags -----------------------------------------------
def test_approve_refuses_tags_loaded_for_another_reply(make_assistant):
    desk = Desk(make_assistant([GOOD]), TEAM)
    trainer = Trainer(desk.assistant, TEAM)
    first = desk.send(GOOD, suggestion(desk, "ana"), agent="ana")
    second = desk.send(GOOD + " DM us.", suggestion(desk, "ana"), agent="ana")
    with pytest.raises(InputError, match=f"belong to sent reply #{first.id}, not #{second.id}"):
        trainer.approve(second.id, "tom", tags_for=first.id, issue="fraud", industry="bank_fintech")
    with pytest.raises(InputError, match=f"Open sent reply #{second.id} first"):
        trainer.approve(second.id, "tom", issue="fraud")
    case = trainer.approve(second.id, "tom")  # no tags: the reply's own proposed tags
    assert (case.industry, case.issue) == ("airline", "delay_cancellation")


# -- 8. one clear line for every malformed value -----------------------------------------------
@pytest.mark.parametrize(
    "act, message",
    [
        (lambda d, t, n: d.send(GOOD, "abc", agent="ana"), "suggestion_id must be a whole number"),
        (lambda d, t, n: d.send(GOOD, 2**63, agent="ana"), "suggestion_id 9223372036854775808"),
        (lambda d, t, n: d.rate(1.5, 0, 1, agent="ana"), "suggestion_id must be a whole number"),
        (lambda d, t, n: d.rate(n, 0.5, 1, agent="ana"), "draft_index must be a whole number"),
        (lambda d, t, n: d.suggest(12345, "twitter"), "complaint must be text; got int"),
        (lambda d, t, n: d.suggest("bad \ud800 text", "twitter"), "lone surrogates"),
        (lambda d, t, n: d.coach(GOOD, ["a"], "twitter"), "complaint must be text; got list"),
        (lambda d, t, n: t.detail("abc", "tom"), "sent reply number must be a whole number"),
        (lambda d, t, n: t.approve(1.5, "tom"), "sent reply number must be a whole number"),
    ],
)
def test_malformed_values_get_one_line_naming_the_field(make_assistant, act, message):
    desk = Desk(make_assistant([GOOD]), TEAM)
    number = suggestion(desk, "ana")
    with pytest.raises(InputError, match=message) as refused:
        act(desk, Trainer(desk.assistant, TEAM), number)
    assert "\n" not in str(refused.value)


def test_policy_errors_name_the_file_not_the_server_path(make_assistant, data_copy):
    data, prompts = data_copy
    trainer = Trainer(make_assistant([GOOD], data_dir=data, prompts_dir=prompts))
    with pytest.raises(ConfigError) as refused:
        trainer.save_policy("travel", "- brand: Zed\n  remedies: [free]\n", None)
    assert str(refused.value).startswith("travel.yaml: brand 'Zed' has unknown remedies")
    assert str(data) not in str(refused.value)


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "a/b", "x" * 65, "-start", "a..b", " "])
def test_case_ids_that_are_not_plain_names_are_refused(make_assistant, bad_id):
    trainer = Trainer(make_assistant([GOOD]), TEAM)
    row = json.loads(trainer.new_case_json("tom"))
    row.update(id=bad_id, brand="Acme Air", complaint=COMPLAINT, reply=GOOD)
    with pytest.raises(InputError, match="id must"):
        trainer.save_case(json.dumps(row), "tom")


# -- 9. customer data is private to the app's account ------------------------------------------
def test_the_database_and_its_folder_are_private(make_assistant):
    old = os.umask(0o022)
    try:
        assistant = make_assistant([GOOD])
        Desk(assistant).suggest(COMPLAINT, "twitter", "Acme Air")
    finally:
        os.umask(old)
    db = assistant.settings.feedback_db
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    for extra in db.parent.glob(db.name + "-*"):  # -wal, -shm take the database's mode
        assert stat.S_IMODE(extra.stat().st_mode) == 0o600


# -- the hostile corpus through every entry point ----------------------------------------------
def _outcome(call) -> str:
    """ "ok", "refused" (one clear line) or a description of what went wrong."""
    try:
        result = call()
    except gr.Error as exc:
        message = str(exc)
        if not message.strip() or "\n" in message:
            return f"unclear error {message!r}"
        if "Something went wrong on the server" in message:
            return f"server error {message!r}"
        return "refused"
    except InputError as exc:  # the Python API's refusal
        return "refused" if str(exc).strip() and "\n" not in str(exc) else f"unclear {exc!r}"
    except (ConfigError, AccessDenied) as exc:
        return "refused" if str(exc).strip() else "empty error"
    except Exception as exc:  # noqa: BLE001 - anything else is the bug this test looks for
        return f"{type(exc).__name__}: {exc}"[:200]
    if isinstance(result, dict) and "draft" in result and not str(result["draft"]).strip():
        return "empty draft"
    return "ok"


@pytest.fixture
def endpoints(make_assistant, data_copy):
    """The named API endpoints of the real app, as the functions Gradio calls."""
    from assistant.app.page import build_app

    data, prompts = data_copy
    assistant = make_assistant([GOOD], data_dir=data, prompts_dir=prompts)
    demo = build_app(assistant, Access())
    named = {
        f.api_name: f.fn for f in demo.fns.values() if f.api_name and f.api_visibility != "private"
    }
    return assistant, named


def test_the_hostile_corpus_gets_a_guarded_reply_or_one_clear_line_everywhere(
    endpoints, make_assistant, monkeypatch, capsys, caplog
):
    assistant, api = endpoints
    number = api["suggest"](COMPLAINT, "twitter", "Acme Air")["suggestion_id"]
    values = [*TEXTS, *WRONG_TYPES]
    calls = []
    for label, value in values:
        calls += [
            (f"api.suggest[{label}]", lambda v=value: api["suggest"](v, "twitter", "Acme Air")),
            (
                f"api.suggest.customer[{label}]",
                lambda v=value: api["suggest"](COMPLAINT, "chat", "", v),
            ),
            (f"api.suggest.channel[{label}]", lambda v=value: api["suggest"](COMPLAINT, v)),
            (f"api.analyse[{label}]", lambda v=value: api["analyse"](v)),
            (f"api.coach[{label}]", lambda v=value: api["coach"](v, COMPLAINT)),
            (f"api.coach.complaint[{label}]", lambda v=value: api["coach"](GOOD, v)),
            (f"api.rewrite[{label}]", lambda v=value: api["rewrite"]("shorter", v, COMPLAINT)),
            (f"api.fix[{label}]", lambda v=value: api["fix"]("empathy", v, COMPLAINT)),
            (f"api.send[{label}]", lambda v=value: api["send"](v, number)),
            (f"api.send.id[{label}]", lambda v=value: api["send"](GOOD, v)),
            (f"api.rate[{label}]", lambda v=value: api["rate"](number, 0, 1, v)),
            (f"api.rate.id[{label}]", lambda v=value: api["rate"](v, v, v)),
            (f"api.tone_examples[{label}]", lambda v=value: api["tone_examples"](v)),
            (f"api.approve[{label}]", lambda v=value: api["approve"](v)),
            (f"api.reject[{label}]", lambda v=value: api["reject"](v, v)),
            (f"api.save_case[{label}]", lambda v=value: api["save_case"](v)),
            (f"api.figures[{label}]", lambda v=value: api["figures"](v)),
            (f"api.save_policy[{label}]", lambda v=value: api["save_policy"](v, v)),
            (f"api.save_prompt[{label}]", lambda v=value: api["save_prompt"]("draft_system.j2", v)),
            (f"python.suggest[{label}]", lambda v=value: assistant.suggest(v, "twitter")),
            (f"python.coach[{label}]", lambda v=value: assistant.coach(v, COMPLAINT)),
        ]
    fake = make_assistant([GOOD])
    monkeypatch.setattr("assistant.service.Assistant", lambda *a, **k: fake)
    for label, value in TEXTS:
        for command in ("suggest", "analyse"):
            calls.append((f"cli.{command}[{label}]", lambda c=command, v=value: _cli(c, v, capsys)))
    outcomes = {name: _outcome(call) for name, call in calls}
    causes = {  # the server log names the bug behind each "server error" reference
        r.args[0]: f"{type(r.exc_info[1]).__name__}: {r.exc_info[1]}"[:160]
        for r in caplog.records
        if r.exc_info and r.getMessage().startswith("unexpected error")
    }
    outcomes = {
        name: next((f"{how} <- {c}" for ref, c in causes.items() if ref in how), how)
        for name, how in outcomes.items()
    }
    bad = {name: how for name, how in outcomes.items() if how not in ("ok", "refused")}
    with capsys.disabled():
        refused = sum(how == "refused" for how in outcomes.values())
        print(
            f"\nhostile corpus: {len(values)} inputs, {len(calls)} calls on "
            f"{len(api)} API endpoints, the Python API and the CLI: "
            f"{len(outcomes) - refused - len(bad)} guarded replies, {refused} clear refusals, "
            f"{len(bad)} failures"
        )
    assert len(values) >= 200
    assert set(api) >= {"suggest", "send", "rate", "approve", "save_prompt", "save_policy"}
    assert bad == {}, "\n".join(f"{name}: {how}" for name, how in bad.items())
    _assert_stored_values_within_limits(assistant)


def _cli(command: str, text: str, capsys) -> None:
    capsys.readouterr()
    code = cli.main([command, "--", text])
    out, err = capsys.readouterr()
    if code == 0:
        if not out.strip():
            raise AssertionError("the CLI printed nothing")
        return
    lines = err.strip().splitlines()
    if code != 2 or len(lines) != 1 or not lines[0].startswith("error: "):
        raise AssertionError(f"exit {code}, stderr {err[:200]!r}")
    raise InputError(lines[0])


def _assert_stored_values_within_limits(assistant) -> None:
    store = assistant.store
    for shown in store.suggestions():
        assert len(shown.complaint) <= LIMITS["complaint"]
        assert all(len(d) <= LIMITS["reply"] for d in shown.drafts)
        assert len(shown.customer or "") <= LIMITS["name"]
    for sent in store.sent_replies():
        assert len(sent.final) <= LIMITS["reply"] and len(sent.customer or "") <= LIMITS["name"]
    for rating in store.ratings():
        assert len(rating.reason) <= LIMITS["reason"]
