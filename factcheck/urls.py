from csp.constants import SELF, UNSAFE_INLINE
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api import errors as api_errors
from factcheck.health import healthz
from web import feeds
from web import urls as web_urls
from web.csp import csp_relaxed
from web.views import claimants, notifications, public

# Redoc's bundle builds its styles at run time in <style> elements (styled-components) and
# runs its search in a worker made from a blob: its page alone allows both. Scripts stay
# 'self' only. (Its sidebar's "API docs by Redocly" logo, from their CDN, stays blocked:
# the docs call no other site, and Redoc hides the image when it fails to load.)
redoc_view = csp_relaxed({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/v1/", include("api.editorial_urls")),
    path("api/v1/", include("api.webhook_urls")),
    path("api/v1/", include("api.notification_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs' scripts are our static files (drf-spectacular-sidecar) and Swagger UI's
    # start-up script comes from ?script, not inline: Swagger UI needs no exception at all.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/redoc/", redoc_view, name="api-redoc"),
    path("fact-checks/", public.fact_check_index, name="fact-checks"),
    path("fact-checks/feed/", feeds.fact_check_feed, name="fact-checks-feed"),
    path("fact-checks/<id:claim_id>/", public.public_claim, name="fact-check"),
    path("fact-checks/<id:claim_id>/report/", public.report_error, name="fact-check-report"),
    path("corrections/", public.corrections_page, name="corrections"),
    path("methodology/", public.methodology_page, name="methodology"),
    path("sitemap.xml", feeds.sitemap, name="sitemap"),
    # A claimant's public track record (their published fact-checks); no sign-in.
    path(
        "claimants/<id:claimant_id>/public/",
        claimants.public_claimant,
        name="claimant-public",
    ),
    # From an e-mail, without signing in: the signed token says who and what.
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe_page,
        name="notification-unsubscribe",
    ),
    path("", include(web_urls.auth_urlpatterns)),
    path("", include("web.urls")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if api_errors.is_api_request(request):
        return api_errors.api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api_request(request):
        return api_errors.api_server_error(request)
    return defaults.server_error(request)
