"""The public fact-checks for machines: an Atom feed and a sitemap (Django's syndication
and sitemaps frameworks, over the same selectors as the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from claims.models import Verdict
from editorial.claimreview import date_modified
from editorial.models import Publication
from editorial.selectors import public_fact_checks
from web.robots import indexable

FEED_ITEMS = 50


def _updated(publication: Publication) -> datetime:
    return date_modified(publication) or publication.first_published_at


class FactCheckFeed(Feed):
    feed_type = Atom1Feed
    description = "The latest published fact-checks."

    def title(self) -> str:
        return f"Fact-checks · {settings.CLAIMREVIEW_ORGANIZATION_NAME}"

    def link(self) -> str:
        return reverse("fact-checks")

    def items(self) -> list[Publication]:
        return list(public_fact_checks()[:FEED_ITEMS])

    def item_title(self, item: Publication) -> str:
        return f"{Verdict(item.verdict).label}: {item.claim.quote}"

    def item_description(self, item: Publication) -> str:
        return item.rationale

    def item_link(self, item: Publication) -> str:
        return reverse("fact-check", args=[item.claim_id])

    def item_pubdate(self, item: Publication) -> datetime:
        return item.first_published_at

    def item_updateddate(self, item: Publication) -> datetime:
        return _updated(item)


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> Any:
        return public_fact_checks()

    def location(self, item: Publication) -> str:
        return reverse("fact-check", args=[item.claim_id])

    def lastmod(self, item: Publication) -> datetime:
        return _updated(item)


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["fact-checks", "corrections", "methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "fact-checks": FactCheckSitemap,
    "pages": PublicPagesSitemap,
}

_feed = FactCheckFeed()


@indexable
def fact_check_feed(request: HttpRequest) -> HttpResponse:
    return _feed(request)


@indexable
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps=SITEMAPS)
