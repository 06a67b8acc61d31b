"""A site with something on every page: the demo data, plus an article whose every text is as
long as the app allows (titles, URLs, quotes, excerpts, rationales), and a published claim.

``site_pages`` lists the pages a reviewer, an editor, the public and an administrator can
open, so that a test can look at all of them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimStatus,
    Evidence,
    Source,
    SourceStatus,
    Stance,
    Verdict,
)
from claims.pipeline import fetches
from claims.services.articles import article_import, article_update
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.ratings import rating_submit
from tests.workflow import publish

LONG_WORD = "Riverside" * 12
LONG_URL = "https://archive.example.org/" + "/".join(["a-rather-long-path-segment"] * 60)
LONG_TEXT = " ".join(["The council's parks committee minutes record every planting."] * 12)


@dataclass(frozen=True)
class Site:
    article: Article
    long_article: Article
    claim: Claim
    published: Claim
    admin: User
    editor: User
    reviewer: User


def long_article_markdown() -> str:
    title = f"{'A very long headline about street trees ' * 7}".strip()
    return (
        f"# {title}\n\nBy {'Someone With A Long Name ' * 4}\n\n"
        f"The [{LONG_WORD}]({LONG_URL}) report says: {LONG_TEXT}\n\n"
        f"An [unfinished link](#) and a [second one]({LONG_URL}?page=2).\n"
    )


def build_site() -> Site:
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    admin_user = User.objects.get(username="admin")
    editor = User.objects.get(username="editor")
    ana = User.objects.get(username="ana")
    ben = User.objects.get(username="ben")
    article = Article.objects.get(title__icontains="tree")

    long_article = article_import(
        content=long_article_markdown(), source_format="markdown", imported_by=ana
    )
    first = long_article.sources.order_by("position").first()
    assert first is not None
    claim = claim_create(
        article=long_article, created_by=ana, quote=LONG_TEXT, kind="quote", sources=[first]
    )
    evidence = evidence_create(
        claim=claim, author=ben, stance=Stance.CONTEXT, url=LONG_URL, excerpt=LONG_TEXT
    )
    _fail_fetch(first, "A " + "very " * 60 + "long error from the far server.")
    _fail_fetch(evidence, "The server took too long " * 10)
    rating_submit(claim=claim, reviewer=ana, verdict=Verdict.MOSTLY_TRUE, rationale=LONG_TEXT)
    rating_submit(claim=claim, reviewer=ben, verdict=Verdict.TRUE, rationale=LONG_TEXT)
    comment_create(claim=claim, author=ben, body=LONG_TEXT)
    claim_assign(claim=claim, reviewers=[ana, ben], assigned_by=editor)

    # The demo publishes its first claim; this one is published with the longest texts.
    published = article.claims.exclude(status=ClaimStatus.PUBLISHED).order_by("pk").first()
    assert published is not None
    publish(published, editor, Verdict.MOSTLY_TRUE, rationale=LONG_TEXT, note=LONG_TEXT)
    article_update(article=article, user=editor, status=ArticleStatus.PUBLISHED)
    return Site(article, long_article, claim, published, admin_user, editor, ana)


def _fail_fetch(target: Source | Evidence, detail: str) -> None:
    claimed = fetches.claim(type(target), target.pk, task_id="site")
    assert claimed is not None
    fetches.finish(
        claimed,
        task_id="site",
        page=fetches.PageFetch(
            status=SourceStatus.FAILED,
            detail=detail,
            http_status=503,
            final_url=LONG_URL,
            content_type="text/html; charset=utf-8; " + "x-long-parameter=1; " * 8,
            title="",
            text="",
            byte_size=0,
            sha256="",
            error=detail,
        ),
    )


def reviewer_pages(site: Site) -> list[str]:
    pages = [reverse("web:dashboard"), reverse("web:claims"), reverse("web:import")]
    pages += [f"{reverse('web:import')}?via={via}" for via in ("paste", "file", "url")]
    pages += [f"{reverse('web:claims')}?q=trees&assigned=on"]
    for article in (site.article, site.long_article):
        pages += [
            reverse("web:article", args=[article.pk]),
            reverse("web:article-report", args=[article.pk]),
            reverse("web:claim-new", args=[article.pk]),
        ]
        claim_ids = article.claims.values_list("pk", flat=True)
        pages += [reverse("web:claim", args=[pk]) for pk in claim_ids]
    return pages


def public_pages(site: Site) -> list[str]:
    return [
        reverse("fact-check", args=[site.published.pk]),
        reverse("login"),
        "/api/docs/",
        "/api/redoc/",
        "/no-such-page/",
        "/admin/login/",
    ]


def admin_pages(superuser: User) -> list[str]:
    """Every model's list, add form, first change form and history, and the index."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{name}_changelist")]
        if model_admin.has_add_permission(request):
            pages += [reverse(f"{name}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages += [reverse(f"{name}_change", args=[first.pk])]
            pages += [reverse(f"{name}_history", args=[first.pk])]
    return pages


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
