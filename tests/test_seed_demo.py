from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from claims.models import Article, Claim, Evidence, Rating
from editorial.models import Correction, Publication
from tests.conftest import REPO_DIR

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_users_and_a_reviewed_article(settings):
    settings.DEBUG = True
    output = seed()
    assert set(User.objects.values_list("username", flat=True)) == {"admin", "editor", "ana", "ben"}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="ana").check_password("factcheck-reviewer")
    assert User.objects.get(username="ana").groups.filter(name="reviewer").exists()
    assert User.objects.get(username="editor").groups.filter(name="editor").exists()
    article = Article.objects.get()
    assert article.sources.count() == 5
    assert article.sources.filter(status="needs_url").count() == 1
    assert Claim.objects.count() == 5
    assert Evidence.objects.count() == 3
    assert Rating.objects.count() == 5
    assert Claim.objects.get(kind="quote").sources.get().anchor_text == "council's budget papers"
    assert "factcheck-editor" in output


def test_seed_demo_gives_sources_a_demo_snapshot_and_checks_the_quote(settings):
    from claims.models import QuoteCheck, SourceSnapshot

    settings.DEBUG = True
    seed()
    article = Article.objects.get()
    statuses = sorted(article.sources.values_list("status", flat=True))
    assert statuses == ["needs_url", "ok", "ok", "ok", "ok"]
    assert SourceSnapshot.objects.filter(source__article=article).count() == 4
    assert all(
        "Demo snapshot" in detail
        for detail in article.sources.filter(status="ok").values_list("status_detail", flat=True)
    )
    # The councillor's words are not in the budget papers the article links them to.
    assert QuoteCheck.objects.get(claim__kind="quote").result == "not_found"
    assert QuoteCheck.objects.filter(evidence__isnull=False).exists()


def test_seed_demo_publishes_a_fact_check_with_evidence_and_one_correction(settings, client):
    settings.DEBUG = True
    seed()
    publication = Publication.objects.get()
    claim = publication.claim
    assert claim.summary
    assert claim.claimant is not None
    assert claim.evidence.exists()
    assert (publication.verdict, Correction.objects.get(claim=claim).previous_verdict) == (
        "mostly_true",
        "true",
    )
    page = client.get(f"/fact-checks/{claim.pk}/").content.decode()
    assert claim.summary in page
    assert "1,150 of the trees were replacements" in page
    assert claim.summary in client.get("/corrections/").content.decode()


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    seed()
    models = (User, Article, Claim, Evidence, Rating, Publication, Correction)
    counts = [m.objects.count() for m in models]
    seed()
    assert [m.objects.count() for m in models] == counts


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not User.objects.exists()


def test_seed_demo_says_what_the_readme_says(settings):
    """Where to sign in and each demo user's password and role, as in the README's table."""
    settings.DEBUG = True
    output = seed()
    assert "Sign in at / (the reviewers' UI; the Django admin is at /admin/)" in output
    readme = (REPO_DIR / "README.md").read_text()
    assert "Sign in at <http://127.0.0.1:8000/> (the reviewers' UI; the" in readme
    row = r"^\| `(\w+)` +\| `(factcheck-\w+)` +\| ([^|]+?) +\|$"
    rows = re.findall(row, readme, re.MULTILINE)
    assert len(rows) == 4
    for username, password, role in rows:
        assert re.search(rf"^  {username} +{password} +{re.escape(role)}$", output, re.MULTILINE)
