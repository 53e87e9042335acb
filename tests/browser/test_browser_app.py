"""The real page, end to end: draft -> edit -> coach -> send -> review -> approve -> retrieve.

Runs the real embedder and the small generator (SmolLM2-135M, 2 candidates, 60 new tokens), so
what is asserted is the page's behaviour, never the model's wording.
"""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.model]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Drafting on 2 shared CPU cores took 60-170 s a draft in our runs; a wait, not an assertion.
DRAFT_TIMEOUT = 480_000
CLICK_TIMEOUT = 30_000
COMPLAINT = (
    "The hotel in Lisbon cancelled my booking the night before I arrived and nobody called me. "
    "I ended up sleeping at the airport."
)
SIMILAR = (
    "Lisbon hotel cancelled my reservation the night before, no call at all, slept at the airport!"
)
EDITED = (
    "I'm so sorry the Lisbon hotel cancelled on you the night before and left you at the "
    "airport. I'll open a refund review for the booking now; please DM us your reference."
)


def _value(page, elem_id: str) -> str:
    return page.locator(f"#{elem_id} textarea").input_value()


def _wait_value(page, elem_id: str, prefix: str, timeout: int = CLICK_TIMEOUT) -> str:
    page.wait_for_function(
        "([id, prefix]) => (document.querySelector(`#${id} textarea`)?.value || '')"
        ".startsWith(prefix)",
        arg=[elem_id, prefix],
        timeout=timeout,
    )
    return _value(page, elem_id)


# Records every distinct text the first draft box shows, to see the draft arrive in pieces.
WATCH_FIRST_DRAFT = """() => {
  window.seenDrafts = new Set();
  window.draftWatch = setInterval(() => {
    const value = document.querySelector('#draft-0 textarea')?.value;
    if (value) window.seenDrafts.add(value);
  }, 25);
}"""


def _draft(page, complaint: str) -> str:
    page.locator("#complaint textarea").fill(complaint)
    page.evaluate(WATCH_FIRST_DRAFT)
    page.locator("#complaint textarea").press("Control+Enter")  # the keyboard shortcut
    _wait_value(page, "status", "Drafting", CLICK_TIMEOUT)
    status = _wait_value(page, "status", "Drafted", DRAFT_TIMEOUT)
    page.evaluate("() => clearInterval(window.draftWatch)")
    return status


def _wait_text(page, elem_id: str, text: str, timeout: int = CLICK_TIMEOUT) -> None:
    """Wait until the component shows `text` (tables keep hidden copies of cells: use innerText)."""
    page.wait_for_function(
        "([id, text]) => (document.querySelector(`#${id}`)?.innerText || '').includes(text)",
        arg=[elem_id, text],
        timeout=timeout,
    )


def _open_tab(page, *names: str) -> None:
    for name in names:
        page.get_by_role("tab", name=name).click()


def _coach_installed() -> bool:
    try:
        import assistant.coach.review  # noqa: F401
    except ModuleNotFoundError:
        return False
    return True


def test_draft_edit_send_approve_then_retrieve(sign_in, app):
    _, assistant = app
    page = sign_in("tom")

    status = _draft(page, COMPLAINT)
    assert re.match(r"Drafted \d repl(y|ies) with smollm2-135m \(suggestion #\d+\)\.", status)
    assert _value(page, "draft-0").strip()
    # the first draft streamed in: the box showed several growing texts before the end
    assert page.evaluate("() => window.seenDrafts.size") >= 3
    assert _value(page, "reply") == _value(page, "draft-0")
    badges = page.locator("#badges").inner_text()
    assert "EMOTION" in badges.upper() and "LANGUAGE" in badges.upper()
    cases = page.locator("#cases-0").inner_text()
    assert "#1 by meaning (similarity" in cases
    first_case = assistant.store.suggestions()[-1].case_ids[0]
    assert first_case in cases

    # edit the draft: the counter and the coaching follow the typing
    page.locator("#reply textarea").fill(EDITED)
    page.locator("#reply textarea").press("End")
    page.keyboard.type(" Thanks!")
    expected = f"{len(EDITED) + 8} / 280 characters (twitter)"
    page.wait_for_function(
        "text => document.querySelector('#counter').innerText.includes(text)",
        arg=expected,
        timeout=CLICK_TIMEOUT,
    )
    if _coach_installed():
        page.wait_for_function(
            "() => document.querySelector('#score input')?.value !== ''", timeout=CLICK_TIMEOUT
        )
        assert 0 <= float(page.locator("#score input").input_value()) <= 100
        assert page.locator("#checklist").inner_text().count("\n") > 2
    page.screenshot(path=str(SCREENSHOTS / "desk.png"), full_page=True)

    page.locator("#send").click()
    sent_status = _wait_value(page, "status", "Sent and saved as #")
    sent_id = int(re.search(r"#(\d+)", sent_status).group(1))
    sent = assistant.store.sent_reply(sent_id)
    assert (sent.final, sent.agent, sent.status) == (EDITED + " Thanks!", "tom", "pending")

    _open_tab(page, "Trainer room", "Review queue")
    page.locator("#refresh-queue").click()
    _wait_text(page, "queue", "The hotel in Lisbon cancelled")
    page.locator("#sent-id input").fill(str(sent_id))
    page.locator("#open-sent").click()
    assert _wait_value(page, "sent-final", EDITED) == EDITED + " Thanks!"
    assert page.locator("#diff").inner_text().count("+") >= 1  # the agent's additions are marked
    page.screenshot(path=str(SCREENSHOTS / "trainer.png"), full_page=True)

    page.locator("#approve").click()
    approved = _wait_value(page, "review-status", "Approved into the library as case")
    case_id = f"approved-{sent_id:05d}"
    assert case_id in approved
    assert assistant.store.sent_reply(sent_id).status == "approved"

    # a new, similar complaint now retrieves the approved reply (no restart)
    _open_tab(page, "Agent desk")
    _draft(page, SIMILAR)
    cited = page.locator("#cases-0").inner_text()
    assert case_id in cited
    assert "approved by a trainer" in cited


def test_an_agent_cannot_approve(sign_in, app, passwords):
    url, assistant = app
    sent = assistant.store.record_sent(
        "Sorry about that, we will look into it.", complaint="My parcel is late.", channel="chat"
    )
    page = sign_in("ana")
    _open_tab(page, "Trainer room")
    assert "(agent)" in page.locator("#who").inner_text()
    _open_tab(page, "Review queue")
    page.locator("#refresh-queue").click()
    page.get_by_text("Only trainers can see the review queue").first.wait_for(timeout=CLICK_TIMEOUT)
    page.locator("#sent-id input").fill(str(sent.id))
    page.locator("#approve").click()
    page.get_by_text("Only trainers can approve replies into the library").first.wait_for(
        timeout=CLICK_TIMEOUT
    )
    assert _value(page, "review-status") == ""
    assert assistant.store.sent_reply(sent.id).status == "pending"

    # the API refuses too: the check is on the server, not in the page
    from gradio_client import Client

    client = Client(url, auth=("ana", passwords["ana"]), verbose=False)
    with pytest.raises(Exception, match="Only trainers can approve"):
        client.predict(sent.id, api_name="/approve")
    analysis = client.predict("My parcel is late!!", "chat", api_name="/analyse")
    assert analysis["language"] == "en"
    assert assistant.store.sent_reply(sent.id).status == "pending"


def test_a_script_in_a_complaint_renders_as_text(sign_in, app):
    _, assistant = app
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> My order never arrived.'
    dialogs = []
    page = sign_in("ana")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _draft(page, hostile)
    page.locator("#send").click()
    _wait_value(page, "status", "Sent and saved as #")
    assert _value(page, "complaint") == hostile

    trainer = sign_in("tom")
    trainer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open_tab(trainer, "Trainer room", "Review queue")
    trainer.locator("#refresh-queue").click()
    _wait_text(trainer, "queue", "<script>alert(1)</script>")
    for view in (page, trainer):
        assert view.locator("img[src='x']").count() == 0
        injected = "() => [...document.scripts].filter(s => s.text.includes('alert(1)')).length"
        assert view.evaluate(injected) == 0
    assert dialogs == []
    assert assistant.store.sent_replies()[-1].complaint == hostile


def test_channel_and_brand_are_remembered_in_the_browser(sign_in, app):
    _, assistant = app
    brand = sorted(assistant.policies.brands)[0]
    page = sign_in("ana")
    page.locator("#channel input").click()
    page.get_by_role("option", name="email", exact=True).click()
    page.locator("#brand input").fill(brand)
    page.get_by_role("option", name=brand, exact=True).click()
    page.wait_for_timeout(500)  # the browser stores the choice after the change event
    page.reload()
    page.wait_for_function(
        "() => document.querySelector('#channel input')?.value === 'email'", timeout=CLICK_TIMEOUT
    )
    assert page.locator("#brand input").input_value() == brand


def test_the_brand_is_recognised_from_the_complaints_handle(sign_in, app):
    _, assistant = app
    assert assistant.policies.brands["Aurelian Skyways"].handle == "@AurelianSkyways"
    page = sign_in("ana")
    page.locator("#complaint textarea").fill("@AurelianSkyways my flight was cancelled!")
    page.wait_for_function(
        "() => document.querySelector('#brand input')?.value === 'Aurelian Skyways'",
        timeout=CLICK_TIMEOUT,
    )
    note = "Brand: Aurelian Skyways, recognised from @AurelianSkyways — change it if that is wrong"
    assert _wait_value(page, "status", "Brand: ") == note
    # a suggestion is not the agent's choice: the next visit does not remember it
    page.wait_for_timeout(500)
    page.reload()
    _wait_text(page, "who", "Signed in")  # the load event restores brand and "who" at once
    assert page.locator("#brand input").input_value() == "(no brand)"


def test_a_trainer_adds_a_brand_with_the_form_and_the_desk_offers_it(sign_in, app):
    _, assistant = app
    page = sign_in("tom")
    _open_tab(page, "Trainer room", "Policies & prompts")
    page.get_by_text("Add a brand").click()
    page.locator("#brand-name textarea, #brand-name input").first.fill("Brightwater Books")
    page.locator("#brand-handle textarea, #brand-handle input").first.fill("@brightwaterbooks")
    page.locator("#add-brand-btn").click()
    _wait_value(page, "add-brand-status", "Added Brightwater Books")
    policy = assistant.policies.for_brand("Brightwater Books")
    assert policy.on_file and policy.handle == "@brightwaterbooks"
    assert "Brightwater Books" in (assistant.settings.data_dir / "brands/custom.yaml").read_text()
    # The next desk that opens lists it among the brands.
    page.reload()
    page.locator("#brand input").click()
    page.locator("#brand input").fill("Brightwater")
    page.get_by_role("option", name="Brightwater Books").wait_for(timeout=CLICK_TIMEOUT)
