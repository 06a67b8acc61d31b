"""The public fact-checks for machines: an Atom feed and a sitemap (Django's syndication
and sitemaps frameworks, over the same selectors as the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from claims.models import Verdict
from editorial.claimreview import date_modified, page_url, public_base_url
from editorial.models import Publication
from editorial.selectors import public_fact_checks
from web.robots import indexable

FEED_ITEMS = 50


def _updated(publication: Publication) -> datetime:
    return date_modified(publication) or publication.first_published_at


class FactCheckFeed(Feed):
    """Links are absolute under ``PUBLIC_BASE_URL`` (else the request's host), like the
    ClaimReviews': one feed is built per request, for its ``base_url``."""

    feed_type = Atom1Feed
    description = "The latest published fact-checks."

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def title(self) -> str:
        return f"Fact-checks · {settings.CLAIMREVIEW_ORGANIZATION_NAME}"

    def link(self) -> str:
        return self.base_url + reverse("fact-checks")

    def feed_url(self) -> str:
        return self.base_url + reverse("fact-checks-feed")

    def items(self) -> list[Publication]:
        return list(public_fact_checks()[:FEED_ITEMS])

    def item_title(self, item: Publication) -> str:
        return f"{Verdict(item.verdict).label}: {item.claim.quote}"

    def item_description(self, item: Publication) -> str:
        return item.rationale

    def item_link(self, item: Publication) -> str:
        return page_url(item.claim_id, base_url=self.base_url)

    def item_pubdate(self, item: Publication) -> datetime:
        return item.first_published_at

    def item_updateddate(self, item: Publication) -> datetime:
        return _updated(item)


class PublicSitemap(Sitemap):
    """Under ``PUBLIC_BASE_URL`` when it is set, else the request's scheme and host."""

    def get_protocol(self, protocol: str | None = None) -> str:
        if settings.PUBLIC_BASE_URL:
            return urlsplit(settings.PUBLIC_BASE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site: Any = None) -> str:
        if settings.PUBLIC_BASE_URL:
            return urlsplit(settings.PUBLIC_BASE_URL).netloc
        return super().get_domain(site)


class FactCheckSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self) -> Any:
        return public_fact_checks()

    def location(self, item: Publication) -> str:
        return reverse("fact-check", args=[item.claim_id])

    def lastmod(self, item: Publication) -> datetime:
        return _updated(item)


class PublicPagesSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["fact-checks", "corrections", "methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "fact-checks": FactCheckSitemap,
    "pages": PublicPagesSitemap,
}


@indexable
def fact_check_feed(request: HttpRequest) -> HttpResponse:
    return FactCheckFeed(public_base_url(request.build_absolute_uri("/")))(request)


@indexable
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps=SITEMAPS)
