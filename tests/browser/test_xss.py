"""Script payloads typed into every text field never run in the browser: the title, the
article's text (and so its claims), a link's anchor text, evidence, a rationale, a comment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from claims.models import Article
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.comments import comment_create
from editorial.services.ratings import rating_submit
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
FLAG = "<img src=x onerror=\"window.__xss='img'\"><script>window.__xss='script'</script>"
PAYLOAD = f"{IMG} {SCRIPT} {FLAG}"


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_payloads_in_every_field_are_shown_as_text_and_never_run(
    page: Page, live_server, shoot: Callable[..., None]
):
    reviewer = UserFactory.create(username="mallory", roles=["reviewer"])
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    sign_in(page, live_server.url, reviewer.username)

    # The title and the article's text (HTML whose text holds the payloads, and a link
    # whose anchor text is one), imported through the form.
    page.goto(f"{live_server.url}/articles/import/?via=paste")
    article_html = (
        f"<p>The claim {html_escaped(PAYLOAD)} stands here.</p>"
        f"<p>See <a href='javascript:alert(3)'>{html_escaped(IMG + SCRIPT)}</a> "
        f"and <a href='https://example.org/'>{html_escaped(FLAG)}</a>.</p>"
    )
    page.get_by_label("Article").fill(article_html)
    page.get_by_label("Format").select_option("html")
    page.get_by_label("Title").fill(f"Title {PAYLOAD}")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Title {PAYLOAD}")

    article = Article.objects.get()
    assert PAYLOAD in article.text
    claim = claim_create(
        article=article, created_by=reviewer, quote=f"The claim {PAYLOAD} stands here."
    )
    evidence_create(
        claim=claim,
        author=reviewer,
        stance="refutes",
        url="https://example.org/evidence",
        excerpt=PAYLOAD,
        note=PAYLOAD,
    )
    rating_submit(claim=claim, reviewer=reviewer, verdict="false", rationale=PAYLOAD)
    comment_create(claim=claim, author=reviewer, body=PAYLOAD)

    pages = {
        "reader": f"/articles/{article.pk}/",
        "claim": f"/claims/{claim.pk}/",
        "dashboard": "/",
        "claims": "/claims/?q=claim",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, f"a payload ran on the {name} page"
        shoot(page, f"xss-{name}")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.get_by_role("tab", name="Sources").click()
    page.locator("mark.hl").first.click()  # the claim's popover copies its text
    expect(page.locator("#claim-popover")).to_contain_text("The claim <img")
    assert page.evaluate("window.__xss") is None
    expect(page.locator("#article-text")).to_contain_text(f"The claim {PAYLOAD} stands here.")
    expect(page.locator("#panel-sources")).to_contain_text(IMG + SCRIPT)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator("#discussion")).to_contain_text(PAYLOAD)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
