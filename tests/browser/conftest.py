"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test here is marked ``browser`` and skipped, with the reason, when
/usr/bin/chromium is missing (``apt-get install -y chromium``). Playwright's own
browser download is never used. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.conftest import REPO_DIR

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_DIR / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
# make between browser steps are ordinary blocking calls, not async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{CHROMIUM} is missing: install it with apt-get install -y chromium"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": {"width": 1366, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def shoot() -> Callable[[Page, str], None]:
    """Save a screenshot of the whole page as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str, *, full_page: bool = True) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return save


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/signin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def select_text(page: Page, text: str) -> None:
    """Drag the mouse over ``text`` in the article, as a reviewer selects a sentence."""
    box = page.evaluate(
        """(text) => {
          const root = document.querySelector('#article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(text);
            // Skip text that is not shown (the header lines the reader hides).
            if (at < 0 || node.parentElement.getClientRects().length === 0) continue;
            node.parentElement.scrollIntoView({block: 'center'});
            const range = (from, to) => {
              const r = document.createRange(); r.setStart(node, from); r.setEnd(node, to);
              return r.getClientRects()[0];
            };
            const first = range(at, at + 1), last = range(at + text.length - 1, at + text.length);
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
          }
          return null;
        }""",
        text,
    )
    assert box, f"{text!r} is not in one piece of the article's text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=12)
    page.mouse.up()
