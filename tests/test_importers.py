import csv
import json

import pytest

from assistant.errors import CaseLibraryError, InputError
from assistant.library.importers import export_cases, import_cases, to_dataset
from assistant.testing import SAMPLE_CASES


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_csv_import_with_column_mapping_and_fixed_values(tmp_path):
    path = tmp_path / "old.csv"
    write_csv(
        path,
        [
            {
                "ticket": "A1",
                "text": "My parcel never arrived.",
                "answer": "I'm sorry, I'll trace it.",
            },
            {
                "ticket": "A2",
                "text": "Mi paquete llegó roto.",
                "answer": "Lo siento, lo reviso ya.",
            },
        ],
    )
    cases = import_cases(
        path,
        {"ticket": "id", "text": "complaint", "answer": "reply"},
        {"channel": "email", "brand": "Parcelo", "industry": "delivery", "issue": "lost_damaged"},
    )
    assert [(c.id, c.language, c.channel, c.kind) for c in cases] == [
        ("A1", "en", "email", "complaint"),
        ("A2", "es", "email", "complaint"),
    ]


def test_missing_fields_are_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"complaint": "late", "reply": "sorry"}) + "\n")
    with pytest.raises(CaseLibraryError, match="channel must be a non-empty string"):
        import_cases(path)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(InputError, match="use a .csv, .jsonl or .parquet"):
        import_cases(tmp_path / "cases.xlsx")


def test_twitter_support_layout_pairs_inbound_with_brand_reply(tmp_path):
    path = tmp_path / "twcs.csv"
    write_csv(
        path,
        [
            {
                "tweet_id": 1,
                "author_id": "115712",
                "inbound": True,
                "created_at": "x",
                "text": "@AcmeAir my bag is lost again",
                "response_tweet_id": 2,
                "in_response_to_tweet_id": "",
            },
            {
                "tweet_id": 2,
                "author_id": "AcmeAir",
                "inbound": False,
                "created_at": "x",
                "text": "@115712 So sorry about your bag, I'll trace it now. ^JM",
                "response_tweet_id": "",
                "in_response_to_tweet_id": 1,
            },
            {
                "tweet_id": 3,
                "author_id": "115713",
                "inbound": True,
                "created_at": "x",
                "text": "unanswered",
                "response_tweet_id": "",
                "in_response_to_tweet_id": "",
            },
        ],
    )
    cases = import_cases(path, fixed={"industry": "airline", "issue": "lost_damaged"}, twcs=True)
    assert len(cases) == 1
    case = cases[0]
    assert (case.id, case.brand, case.agent) == ("twcs-2", "AcmeAir", "JM")
    assert case.complaint == "my bag is lost again"
    assert case.reply == "So sorry about your bag, I'll trace it now."


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_export_round_trips(tmp_path, suffix):
    path = export_cases(SAMPLE_CASES, tmp_path / f"library{suffix}")
    back = import_cases(path)
    assert [c.to_dict() for c in back] == [c.to_dict() for c in SAMPLE_CASES]
    assert to_dataset(SAMPLE_CASES).num_rows == len(SAMPLE_CASES)
