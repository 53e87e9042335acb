"""The feedback store: exact figures, nothing lost on restart or with several writers at once."""

import json
import random
import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from assistant.errors import InputError, StoreError
from assistant.store.figures import SMALL_EDIT_RATIO, FigureRow, edit_ratio, iso_week, levenshtein
from assistant.store.sqlite import FeedbackStore
from assistant.testing import SAMPLE_CASES, make_case

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # ISO week 2025-W10
DRAFT = "I'm sorry your flight was cancelled. I'll rebook you now: send us a DM."


@pytest.fixture
def store(tmp_path):
    return FeedbackStore(tmp_path / "feedback.sqlite3")


def _table_distance(a: str, b: str) -> int:
    """The textbook dynamic-programming table, to check the bit-parallel version against."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_levenshtein_known_values():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("abc", "") == 3
    assert levenshtein("same", "same") == 0
    assert levenshtein("flaw", "lawn") == 2
    assert levenshtein("Grüße", "Grusse") == 3  # characters, not bytes: ü→u, ß→s, +s
    assert edit_ratio("abcdefghij", "abcdefghXY") == 0.2


def test_levenshtein_matches_the_table_on_random_strings():
    rng = random.Random(7)
    for _ in range(400):
        a = "".join(rng.choice("ab c") for _ in range(rng.randint(0, 70)))
        b = "".join(rng.choice("ab c") for _ in range(rng.randint(0, 70)))
        assert levenshtein(a, b) == _table_distance(a, b), (a, b)


def test_sent_reply_records_distance_score_and_seconds(store):
    sid = store.record_suggestion(
        "My flight was cancelled.",
        "twitter",
        "Acme Air",
        [DRAFT, "Alt reply here."],
        ["t-001", "t-002"],
        "scripted",
        False,
        customer="Ana",
        agent="lee",
        when=MONDAY,
    )
    final = DRAFT.replace("I'm sorry", "Ana, I'm so sorry")
    sent = store.record_sent(
        final, suggestion_id=sid, coach_score=82, when=MONDAY + timedelta(seconds=95)
    )
    assert sent.id == 1
    assert sent.suggested == DRAFT
    assert sent.edit_distance == 8
    assert sent.edit_ratio == round(8 / len(DRAFT), 4) == 0.1127
    assert sent.accepted is True
    assert sent.seconds == 95.0
    assert (sent.agent, sent.brand, sent.customer, sent.channel) == (
        "lee",
        "Acme Air",
        "Ana",
        "twitter",
    )
    assert sent.status == "pending"
    assert store.review_queue() == [sent]


def test_sent_against_an_alternative_and_without_a_suggestion(store):
    sid = store.record_suggestion("c", "email", None, ["one", "two"], [], "m", False)
    assert store.record_sent("two", suggestion_id=sid, suggested="two").edit_distance == 0
    loose = store.record_sent("Hello there", complaint="c", channel="chat", agent="kim")
    assert (loose.suggestion_id, loose.suggested, loose.edit_distance, loose.seconds) == (
        None,
        "",
        11,
        None,
    )
    assert loose.accepted is False


def test_bad_inputs_name_the_value(store):
    with pytest.raises(InputError, match="empty"):
        store.record_sent("   ")
    with pytest.raises(InputError, match="No suggestion with id 42"):
        store.record_sent("hi", suggestion_id=42)
    with pytest.raises(InputError, match="thumb must be 1 .* it is 0"):
        store.rate(None, 0, "d", 0)
    with pytest.raises(InputError, match="Unknown grouping 'month'"):
        store.figures("month")


def test_ratings_are_kept_per_draft(store):
    sid = store.record_suggestion("c", "twitter", None, ["a", "b"], [], "m", False)
    up = store.rate(sid, 0, "a", 1, agent="ana")
    down = store.rate(sid, 1, "b", -1, "too stiff", agent="ana")
    assert [(r.draft_index, r.thumb, r.reason) for r in store.ratings(sid)] == [
        (0, 1, ""),
        (1, -1, "too stiff"),
    ]
    assert (up.id, down.id) == (1, 2)


def test_figures_by_agent_brand_and_week(store):
    def shown(agent, brand, fallback=False, when=MONDAY):
        return store.record_suggestion(
            "c", "twitter", brand, ["a" * 100], [], "m", fallback, agent=agent, when=when
        )

    s1 = shown("ana", "Acme Air")
    s2 = shown("ana", "Acme Air", fallback=True)
    s3 = shown("tom", None, when=MONDAY + timedelta(days=7))
    shown("tom", "Acme Air", when=MONDAY + timedelta(days=7))
    store.record_sent("a" * 95, suggestion_id=s1, coach_score=80)  # 5 edits: accepted
    store.record_sent("a" * 50, suggestion_id=s2, coach_score=60)  # 50 edits: not accepted
    store.record_sent("a" * 100, suggestion_id=s3)  # unchanged, no coach score

    assert store.figures("agent") == [
        FigureRow("agent", "ana", 2, 2, 1, 0.5, 27.5, 70.0, 0.5),
        FigureRow("agent", "tom", 2, 1, 1, 0.5, 0.0, None, 0.0),
    ]
    assert [(r.key, r.shown, r.sent, r.acceptance_rate) for r in store.figures("brand")] == [
        ("(no brand)", 1, 1, 1.0),
        ("Acme Air", 3, 2, 0.333),
    ]
    assert [(r.key, r.shown, r.accepted, r.fallback_rate) for r in store.figures("week")] == [
        ("2025-W10", 2, 1, 0.5),
        ("2025-W11", 2, 1, 0.0),
    ]
    assert iso_week(datetime(2021, 1, 3, tzinfo=UTC)) == "2020-W53"
    assert SMALL_EDIT_RATIO == 0.2


def test_approve_stores_a_valid_training_case(store):
    sent = store.record_sent("Thanks Rosa, I've traced your bag.", complaint="Lost bag", agent="a")
    case = make_case(id="approved-00001", source="library", split="test", reply=sent.final)
    stored = store.approve(sent.id, case, trainer="tom")
    assert (stored.source, stored.split) == ("approved", "train")
    assert store.approved_cases() == [stored]
    again = store.sent_reply(sent.id)
    assert (again.status, again.decided_by, again.case_id) == ("approved", "tom", "approved-00001")
    assert store.review_queue() == []
    with pytest.raises(InputError, match="already approved by tom"):
        store.approve(sent.id, replace(case, id="approved-00002"), trainer="tom")


def test_reject_needs_a_note_and_leaves_the_queue(store):
    sent = store.record_sent("ok", complaint="c", channel="chat")
    with pytest.raises(InputError, match="note is empty"):
        store.reject(sent.id, "  ")
    rejected = store.reject(sent.id, "Promises a refund we cannot give.", trainer="tom")
    assert (rejected.status, rejected.note) == ("rejected", "Promises a refund we cannot give.")
    assert store.review_queue() == []
    assert [r.id for r in store.sent_replies("rejected")] == [sent.id]


def test_added_and_edited_cases(store):
    added = store.save_case(make_case(id="added-0001"), "added", author="tom")
    edited = store.save_case(replace(SAMPLE_CASES[0], reply="A better reply."), "edited", "tom")
    assert [c.id for c in store.approved_cases()] == ["added-0001"]
    assert added.source == "approved"
    assert store.edited_cases() == [edited]
    store.save_case(replace(edited, reply="Better still."), "edited", "ana")
    assert [c.reply for c in store.edited_cases()] == ["Better still."]
    with pytest.raises(InputError, match="already exists"):
        store.save_case(make_case(id="added-0001"), "added")
    assert store.stored_case_kind("added-0001") == "added"


def test_nothing_lost_on_restart(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    first = FeedbackStore(path)
    sid = first.record_suggestion("c", "twitter", None, ["draft"], ["t-001"], "m", True)
    first.record_sent("draft!", suggestion_id=sid)
    first.save_case(make_case(id="added-0001"), "added")
    del first
    again = FeedbackStore(path)
    assert [s.case_ids for s in again.suggestions()] == [["t-001"]]
    assert [r.final for r in again.sent_replies()] == ["draft!"]
    assert [c.id for c in again.approved_cases()] == ["added-0001"]


def test_many_writers_at_once_lose_nothing(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    errors = []

    def writer(n):
        try:
            own = FeedbackStore(path)  # a separate store per thread, like separate processes
            for i in range(25):
                sid = own.record_suggestion(f"c{n}-{i}", "chat", None, ["d"], [], "m", False)
                own.record_sent(f"reply {n}-{i}", suggestion_id=sid, agent=f"agent{n}")
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = FeedbackStore(path)
    sent = store.sent_replies()
    assert len(sent) == 200
    assert len({r.id for r in sent}) == 200
    assert {r.final for r in sent} == {f"reply {n}-{i}" for n in range(8) for i in range(25)}
    assert sum(r.shown for r in store.figures("agent")) == 200


def test_a_garbage_file_raises_store_error(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    path.write_bytes(b"this is not a database, just some bytes " * 100)
    with pytest.raises(StoreError, match="corrupt or not a SQLite file") as info:
        FeedbackStore(path)
    assert str(path) in str(info.value)
    assert "Move it aside" in str(info.value)


def test_a_locked_database_raises_store_error(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path, busy_timeout_ms=50)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="stayed locked by another writer"):
            store.record_sent("hi", complaint="c", channel="chat")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.record_sent("hi", complaint="c", channel="chat").id == 1


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    FeedbackStore(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        FeedbackStore(path)


def test_export_jsonl_and_parquet_round_trip(store, tmp_path):
    sid = store.record_suggestion("c", "twitter", "Acme Air", ["Sorry!", "b"], ["t-1"], "m", False)
    store.record_sent("Sorry.", suggestion_id=sid, coach_score=75.0, agent="ana")
    store.rate(sid, 1, "b", -1, "cold")

    jsonl = store.export("sent", tmp_path / "out" / "sent.jsonl")
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [(r["final"], r["edit_distance"], r["coach_score"], r["accepted"]) for r in rows] == [
        ("Sorry.", 1, 75.0, True)
    ]

    from datasets import Dataset

    parquet = store.export("suggestions", tmp_path / "out" / "suggestions.parquet")
    back = Dataset.from_parquet(str(parquet))
    assert back[0]["drafts"] == ["Sorry!", "b"] and back[0]["case_ids"] == ["t-1"]
    ratings = store.export("ratings", tmp_path / "out" / "ratings.jsonl")
    assert json.loads(ratings.read_text(encoding="utf-8"))["reason"] == "cold"
    empty = store.export("cases", tmp_path / "out" / "cases.jsonl")
    assert empty.read_text() == ""
    with pytest.raises(InputError, match="'sent.csv' is neither"):
        store.export("sent", tmp_path / "sent.csv")
    with pytest.raises(InputError, match="Unknown table 'nope'"):
        store.rows("nope")


def test_assistant_reads_approved_cases_back(make_assistant):
    assistant = make_assistant(["unused"])
    store = assistant.store
    sent = store.record_sent("Rosa, I've traced your bag.", complaint="Lost bag", channel="twitter")
    store.approve(sent.id, make_case(id="approved-00001", reply=sent.final), trainer="tom")
    assert [c.id for c in assistant.approved_cases()] == ["approved-00001"]
