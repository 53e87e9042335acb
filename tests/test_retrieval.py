import numpy as np
import pytest

from assistant.errors import IndexMismatchError, InputError
from assistant.retrieval.index import CaseIndex
from assistant.testing import SAMPLE_CASES, HashingEmbedder, make_case


@pytest.fixture
def index():
    return CaseIndex.build(SAMPLE_CASES, HashingEmbedder())


def test_search_ranks_the_closest_case_first(index):
    matches = index.search("my suitcase was lost on the Lisbon flight", k=2)
    assert [m.case.id for m in matches] == ["t-002", "t-005"]
    assert matches[0].score == pytest.approx(0.6901, abs=1e-4)


def test_filters_restrict_the_candidates(index):
    matches = index.search("no signal for three days", k=3, filters={"language": "es"})
    assert [m.case.id for m in matches] == ["t-004"]
    matches = index.search(
        "billed twice", k=5, filters={"industry": "mobile"}, exclude_ids=["t-003"]
    )
    assert [m.case.id for m in matches] == ["t-004"]
    with pytest.raises(InputError, match="Unknown filter"):
        index.search("x", filters={"colour": "red"})


def test_k_must_be_positive(index):
    with pytest.raises(InputError, match="k must be greater than 0. Currently, k is 0"):
        index.search("x", k=0)


def test_save_and_load_round_trip(index, tmp_path):
    index.save(tmp_path)
    loaded = CaseIndex.load(tmp_path, SAMPLE_CASES, HashingEmbedder())
    assert [c.id for c in loaded.cases] == [c.id for c in SAMPLE_CASES]
    np.testing.assert_array_equal(loaded.vectors, index.vectors)


def test_load_refuses_a_stale_manifest(index, tmp_path):
    index.save(tmp_path)
    changed = SAMPLE_CASES[:-1] + [make_case(id="t-005", complaint="Something else entirely.")]
    with pytest.raises(IndexMismatchError, match="checksum"):
        CaseIndex.load(tmp_path, changed, HashingEmbedder())
    with pytest.raises(IndexMismatchError, match="embedder"):
        other = HashingEmbedder()
        other.name = "other"
        CaseIndex.load(tmp_path, SAMPLE_CASES, other)


def test_add_is_incremental(index):
    embedder = index.embedder
    calls = embedder.calls
    index.add([make_case(id="t-100", complaint="The gym kept charging me after I cancelled.")])
    assert embedder.calls == calls + 1  # only the new case was embedded
    assert index.search("gym charging after cancel", k=1)[0].case.id == "t-100"
    with pytest.raises(InputError, match="already in the index"):
        index.add([make_case(id="t-100")])


def test_approximate_search_agrees_with_exact_on_a_clear_query():
    cases = [
        make_case(id=f"c-{i:03d}", complaint=f"alpha{i} beta{i} gamma{i} delta{i}")
        for i in range(300)
    ]
    exact = CaseIndex.build(cases, HashingEmbedder(dimension=512))
    approx = CaseIndex(exact.embedder, exact.cases, exact.vectors, approximate_threshold=100)
    assert approx.approximate and not exact.approximate
    query = "alpha42 beta42 gamma42 delta42"
    assert approx.search(query, k=1)[0].case.id == exact.search(query, k=1)[0].case.id == "c-042"
    assert approx.search(query, k=1, filters={"language": "en"})[0].case.id == "c-042"
    assert approx.search(query, k=1, filters={"language": "de"}) == []


def test_filters_see_cases_added_after_the_first_filtered_search(index):
    assert [m.case.id for m in index.search("gym", k=5, filters={"language": "fr"})] == []
    index.add([make_case(id="t-200", language="fr", complaint="La salle de sport me facture.")])
    assert [m.case.id for m in index.search("gym", k=5, filters={"language": "fr"})] == ["t-200"]
    found = index.search("gym", k=9, filters={"language": "fr"}, exclude_ids=["t-200"])
    assert found == []


def test_filtered_graph_search_keeps_only_allowed_rows(monkeypatch):
    import assistant.retrieval.index as retrieval

    cases = [
        make_case(
            id=f"c-{i:03d}", language="es" if i % 3 else "en", complaint=f"alpha{i} beta{i // 2}"
        )
        for i in range(300)
    ]
    exact = CaseIndex.build(cases, HashingEmbedder(dimension=512))
    graph = CaseIndex(exact.embedder, exact.cases, exact.vectors, approximate_threshold=100)
    monkeypatch.setattr(retrieval, "EXACT_SUBSET_MAX", 0)  # force the graph with a selector
    query, english = "alpha42 beta21", {"language": "en"}
    got = [m.case.id for m in graph.search(query, k=3, filters=english)]
    assert len(got) == 3 and got[0] == "c-042"  # the rest are hash-collision ties
    assert all(int(i[2:]) % 3 == 0 for i in got)  # every hit passes the filter


def test_embed_sorts_by_length_for_batching_but_keeps_the_callers_order():
    from assistant.retrieval.index import embed

    embedder = HashingEmbedder()
    texts = ["a much longer complaint about a lost bag", "short", "middle length text"]
    together = embed(embedder, texts, batch_size=2)
    assert embedder.calls == 2  # two batches: ["short", "middle..."], then the long one
    assert np.array_equal(together, embedder.embed_batch(texts))


def test_replacing_a_case_refreshes_its_vector_and_filter_columns():
    from assistant.testing import HashingEmbedder, make_case

    cases = [
        make_case(id="a", language="es", complaint="mi vuelo fue cancelado"),
        make_case(id="b", language="en", complaint="my parcel is lost"),
    ]
    index = CaseIndex.build(cases, HashingEmbedder())
    assert [m.case.id for m in index.search("vuelo", 1, filters={"language": "es"})] == ["a"]
    index.replace(make_case(id="a", language="en", complaint="my flight was cancelled"))
    assert index.search("vuelo", 2, filters={"language": "es"}) == []
    [hit] = index.search("my flight was cancelled", 1, filters={"language": "en"})
    assert (hit.case.id, round(hit.score, 3)) == ("a", 1.0)


def test_the_list_index_fake_and_the_real_index_answer_alike():
    from assistant.testing import ListIndex

    real = CaseIndex.build(SAMPLE_CASES, HashingEmbedder())
    fake = ListIndex(HashingEmbedder(), SAMPLE_CASES)
    for query, filters, skip in [
        ("my flight was cancelled", None, ()),
        ("No tengo señal", {"language": "es"}, ()),
        ("suitcase lost on the Lisbon flight", {"channel": "twitter"}, ("t-002",)),
    ]:
        got = [(m.case.id, round(m.score, 5)) for m in fake.search(query, 3, filters, skip)]
        assert got == [(m.case.id, round(m.score, 5)) for m in real.search(query, 3, filters, skip)]
    edited = make_case(id="t-004", language="en", complaint="my parcel never came")
    fake.replace(edited)
    real.replace(edited)
    assert fake.search("No tengo señal", 3, {"language": "es"}) == []
    assert len(fake) == len(real) == len(SAMPLE_CASES)
