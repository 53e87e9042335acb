import pytest

from assistant.errors import InputError
from assistant.text.inputs import clean_complaint, clean_name


@pytest.mark.parametrize("raw", ["", "   \n\t ", None])
def test_empty_input_is_refused_with_a_clear_message(raw):
    with pytest.raises(InputError, match="empty"):
        clean_complaint(raw, 100)


def test_binary_junk_is_refused():
    with pytest.raises(InputError, match="binary"):
        clean_complaint("ab\x00\x01\x02cd", 100)
    with pytest.raises(InputError, match="UTF-8"):
        clean_complaint(b"\xff\xfe\xfa", 100)


def test_control_characters_are_removed_with_a_note():
    cleaned = clean_complaint("My bill\x07 is wrong twice over and nobody answers", 100)
    assert cleaned.text == "My bill is wrong twice over and nobody answers"
    assert cleaned.notes == ["Removed 1 control characters."]


def test_html_tags_are_stripped_for_the_model():
    cleaned = clean_complaint("<script>alert(1)</script>My <b>order</b> &amp; refund", 100)
    assert cleaned.text == "My order & refund"
    assert cleaned.notes == ["Removed HTML tags; the model sees only the text."]


def test_long_paste_is_truncated_with_a_visible_note():
    cleaned = clean_complaint("word " * 3_000, 50)
    assert cleaned.text.endswith(" [...]")
    assert len(cleaned.text) <= 50 + len(" [...]")
    assert cleaned.notes == ["The complaint has 14,999 characters; the model saw the first 50."]


def test_a_paste_over_the_limit_is_refused_with_the_limit_named():
    with pytest.raises(InputError, match="has 100,000 characters; the limit is 20,000"):
        clean_complaint("word " * 20_000, 50)


def test_emoji_only_is_kept_with_a_note():
    cleaned = clean_complaint("😡😡😡", 100)
    assert cleaned.text == "😡😡😡"
    assert "no words" in cleaned.notes[0]


def test_names_are_validated():
    assert clean_name("  Ana  María ", "customer") == "Ana María"
    assert clean_name("", "agent") is None
    with pytest.raises(InputError, match="not a plain name"):
        clean_name("<b>x</b>", "agent")
