"""One contract for every feedback store: the SQLite store and the in-memory fake must behave
alike, so a test on the fake says something about the real store (and a team database can be
added behind the same suite)."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.store.sqlite import FeedbackStore
from assistant.testing import SAMPLE_CASES, MemoryStore

DRAFTS = ["Sorry about Rome; I'll rebook you now. DM us.", "I'm on it: DM us your booking."]


@pytest.fixture(params=["sqlite", "memory"])
def store(request, tmp_path):
    return (
        FeedbackStore(tmp_path / "feedback.sqlite3") if request.param == "sqlite" else MemoryStore()
    )


def shown(store, agent="ana") -> int:
    return store.record_suggestion(
        "My flight to Rome was cancelled.", "twitter", "Acme Air", DRAFTS, ["t-001"], "m", False,
        customer="Rosa", agent=agent,
    )  # fmt: skip


def test_suggestions_round_trip(store):
    first, second = shown(store), shown(store, agent="bob")
    assert (first, second) == (1, 2)
    got = store.suggestion(2)
    assert (got.agent, got.drafts, got.case_ids, got.fallback) == ("bob", DRAFTS, ["t-001"], False)
    assert [s.id for s in store.suggestions()] == [1, 2]
    with pytest.raises(InputError, match="No suggestion with id 9"):
        store.suggestion(9)


def test_a_suggestion_is_sent_once_and_a_resend_corrects_it(store):
    number = shown(store)
    first = store.record_sent(DRAFTS[0], number)
    again = store.record_sent(DRAFTS[0] + " – Ana", number)
    assert (first.id, again.id, again.edit_distance, again.agent) == (1, 1, 6, "ana")
    assert [r.final for r in store.sent_replies()] == [DRAFTS[0] + " – Ana"]
    assert [r.id for r in store.review_queue()] == [1]
    store.reject(1, "too short", "tom")
    with pytest.raises(InputError, match="already sent and rejected"):
        store.record_sent("changed", number)
    with pytest.raises(InputError, match="already rejected by tom"):
        store.reject(1, "again", "tom")


def test_a_changed_rating_replaces_the_agents_earlier_one(store):
    number = shown(store)
    store.rate(number, 0, DRAFTS[0], 1, "", "ana")
    store.rate(number, 0, DRAFTS[0], -1, "stiff", "ana")
    store.rate(number, 0, DRAFTS[0], 1, "", "bob")
    store.rate(number, 1, DRAFTS[1], 1, "", "ana")
    assert [(r.agent, r.draft_index, r.thumb, r.reason) for r in store.ratings()] == [
        ("ana", 0, -1, "stiff"),
        ("bob", 0, 1, ""),
        ("ana", 1, 1, ""),
    ]
    with pytest.raises(InputError, match="thumb must be 1"):
        store.rate(number, 0, DRAFTS[0], 0, "", "ana")


def test_approve_stores_the_case_once_and_only_for_a_pending_reply(store):
    store.record_sent(DRAFTS[0], shown(store))
    case = store.approve(1, SAMPLE_CASES[0], "tom")
    assert (case.source, case.split) == ("approved", "train")
    assert [c.id for c in store.approved_cases()] == [SAMPLE_CASES[0].id]
    assert store.sent_reply(1).status == "approved" and store.sent_reply(1).case_id == "t-001"
    with pytest.raises(InputError, match="already approved"):
        store.approve(1, SAMPLE_CASES[1], "tom")


def test_cases_added_and_edited_keep_their_kind(store):
    store.save_case(SAMPLE_CASES[1], "added", "tom")
    store.save_case(SAMPLE_CASES[2], "edited", "tom")
    with pytest.raises(InputError, match="already exists"):
        store.save_case(SAMPLE_CASES[1], "added", "tom")
    assert [c.id for c in store.approved_cases()] == ["t-002"]
    assert [c.id for c in store.edited_cases()] == ["t-003"]
    assert (store.stored_case_kind("t-002"), store.stored_case_kind("nope")) == ("added", None)


def test_figures_and_rows_agree(store):
    store.record_sent(DRAFTS[0], shown(store))
    shown(store, agent="bob")
    rows = {r.key: (r.shown, r.sent, r.accepted) for r in store.figures("agent")}
    assert rows == {"ana": (1, 1, 1), "bob": (1, 0, 0)}
    assert [r["final"] for r in store.rows("sent")] == [DRAFTS[0]]
    with pytest.raises(InputError, match="Unknown grouping"):
        store.figures("planet")


def test_limits_hold_in_every_store(store):
    with pytest.raises(InputError, match="limit is 20,000"):
        store.record_suggestion("x" * 20_001, "twitter", None, DRAFTS, [], "m", False)
    with pytest.raises(InputError, match="limit is 5,000"):
        store.record_sent("x" * 5_001)
    with pytest.raises(InputError, match="limit is 40"):
        store.record_sent("fine", customer="N" * 41)
    assert store.suggestions() == [] and store.sent_replies() == []


def test_both_stores_implement_the_store_protocol(store):
    import inspect

    from assistant.store.protocol import Store

    assert isinstance(store, Store)
    for name, member in inspect.getmembers(Store, inspect.isfunction):
        if name.startswith("_"):
            continue
        wanted = list(inspect.signature(member).parameters)
        assert list(inspect.signature(getattr(store, name)).parameters) == wanted[1:], name
