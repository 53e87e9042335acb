"""The real app on the real offline models (the small generator), in headless Chromium.

One app per session, launched in a background thread on a free 127.0.0.1 port with two users
(a trainer and an agent). Its home is a temporary folder, so feedback and approved cases never
touch the developer's own; only the converted model weights are shared with the user cache,
because converting the GGUF again would cost every run ~15 s.
"""

import shutil
import socket
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USERS = {"tom": ("trainer-pw", "trainer"), "ana": ("agent-pw", "agent")}
# A laptop screen: the screenshots in docs/ are taken at this size.
VIEWPORT = {"width": 1440, "height": 900}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """(url, assistant) of the running app; skipped, with the fix, when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium (make browser-deps)")
    from assistant import Assistant, Settings
    from assistant.app.auth import Access, User
    from assistant.app.page import build_app, launch_options

    shared = Settings.from_env().home
    home = tmp_path_factory.mktemp("home")
    (shared / "models").mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(shared / "models", target_is_directory=True)
    # A copy of the data folder: the trainer-room forms in the tests write policies into it.
    data = shutil.copytree(Settings.from_env().data_dir, home / "data")
    settings = Settings.from_env(
        model="smollm2-135m",
        backend="transformers",  # the page is under test here, not the backend
        candidates=2,
        max_new_tokens=60,
        home=home,
        data_dir=data,
    )
    saved_index = shared / "index" / settings.embedder
    if (saved_index / "manifest.json").exists():  # a copy: approvals in the test must not leak
        shutil.copytree(saved_index, settings.index_dir)
    assistant = Assistant(settings)
    assistant.warm_up()
    access = Access.from_users([User(n, role, pw) for n, (pw, role) in USERS.items()])
    demo = build_app(assistant, access)
    port = _free_port()
    options = launch_options(assistant, access, env={"GRADIO_SERVER_PORT": str(port)})
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **options)
    try:
        yield f"http://127.0.0.1:{port}", assistant
    finally:
        demo.close()


@pytest.fixture(scope="session")
def passwords() -> dict[str, str]:
    return {name: password for name, (password, _) in USERS.items()}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(app, browser):
    """sign_in("tom") -> a page signed in and showing the agent desk."""
    url, _ = app
    contexts = []

    def open_as(user: str):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        page.locator("input[data-testid=textbox]").fill(user)
        page.locator("input[type=password]").fill(USERS[user][0])
        page.locator("button.primary").click()
        page.wait_for_selector("#complaint textarea", timeout=60_000)
        # the page's load event fills "who"; after it, the keyboard shortcut is installed too
        page.wait_for_function(
            "() => (document.querySelector('#who')?.textContent || '').includes('Signed in')",
            timeout=60_000,
        )
        return page

    yield open_as
    for context in contexts:
        context.close()
