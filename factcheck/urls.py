from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api import errors as api_errors
from factcheck.health import healthz
from web import urls as web_urls
from web.views import public

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/v1/", include("api.editorial_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("fact-checks/<id:claim_id>/", public.public_claim, name="fact-check"),
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
