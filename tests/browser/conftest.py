"""Headless Debian Chromium (never a downloaded browser) driven by Playwright against
pytest-django's live server, with axe-core checking every page a test visits."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail("Run `make browser-deps`: the browser tests need Debian's chromium and "
                    "node_modules/axe-core.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(phone=True) -> a page in a fresh context (its own cookies)."""
    contexts = []

    def make(*, phone=False, locale="es-MX"):
        # add_script_tag(path=...) inlines axe's source, which our CSP (script-src 'self')
        # refuses; bypass_csp lets the checker in without loosening the app's policy.
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, locale=locale,
            viewport=PHONE if phone else {"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page):
    """axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not problems, f"{page.url}\n" + "\n".join(problems)


def log_in(page, user, *, password="correct-horse-battery", token=None):
    """Through the real login form; `token` for the second-factor step."""
    page.goto("/account/login/")
    assert_accessible(page)
    page.locator("input[name='auth-username']").fill(user.username)
    page.locator("input[name='auth-password']").fill(password)
    page.locator("input[name='auth-password']").press("Enter")
    if token is not None:
        page.locator("input[name='token-otp_token']").fill(token)
        assert_accessible(page)
        page.locator("input[name='token-otp_token']").press("Enter")
    page.wait_for_url(lambda url: "/account/login/" not in url)
