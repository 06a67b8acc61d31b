"""An archived page's own scripts never run: not in the archive page's sandboxed frame, and
not when its original URL is opened directly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from claims import bodies
from tests.browser.conftest import sign_in
from tests.factories import SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MARK = "document.body.insertAdjacentHTML('beforeend', '<p id=\"ran\">script ran</p>')"
ARCHIVED = (
    "<!doctype html><html><head><title>Tree census</title>"
    "<style>#census { color: rgb(0, 128, 0); }</style></head><body>"
    '<p id="census">The city counted 4,000 trees.</p>'
    f"<script>{MARK}; alert('inline'); try {{ parent.document.title = 'owned' }} catch (e) {{}}"
    "</script>"
    f'<img src="x" onerror="{MARK.replace(chr(34), "&quot;")}">'
    '<a href="javascript:alert(1)">a link</a>'
    "</body></html>"
).encode()


def test_the_archived_html_is_shown_and_its_scripts_never_run(
    page: Page, live_server, shoot: Callable[..., None]
):
    reviewer = UserFactory.create(username="rita", roles=["reviewer"])
    snapshot = SnapshotFactory.create(
        sha256=bodies.store_body(ARCHIVED),
        byte_size=len(ARCHIVED),
        response_headers=[["Content-Type", "text/html; charset=utf-8"]],
        text="The city counted 4,000 trees.",
    )
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    sign_in(page, live_server.url, reviewer.username)

    page.goto(f"{live_server.url}/snapshots/{snapshot.pk}/")
    frame = page.frame_locator("iframe.archived-page")
    census = frame.locator("#census")
    expect(census).to_have_text("The city counted 4,000 trees.")
    expect(census).to_have_css("color", "rgb(0, 128, 0)")  # its own inline styles apply
    expect(frame.locator("#ran")).to_have_count(0)
    assert page.title() == "Archived: Report · factcheck"  # the snapshot's title, untouched
    shoot(page, "archived-page")

    page.goto(f"{live_server.url}/snapshots/{snapshot.pk}/original/")
    expect(page.locator("#census")).to_have_text("The city counted 4,000 trees.")
    expect(page.locator("#ran")).to_have_count(0)
    assert dialogs == []
