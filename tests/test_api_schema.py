"""The OpenAPI 3 schema and its two viewers document every endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/articles/": {"get", "post"},
    "/api/v1/articles/{id}/": {"get", "patch", "delete"},
    "/api/v1/articles/{id}/suggestions/": {"get"},
    "/api/v1/articles/{id}/suggestions/dismiss/": {"post"},
    "/api/v1/articles/{id}/revisions/": {"get", "post"},
    "/api/v1/articles/{id}/revisions/{number}/": {"get"},
    "/api/v1/sources/": {"get"},
    "/api/v1/sources/{id}/": {"get", "patch"},
    "/api/v1/sources/{id}/fetch/": {"post"},
    "/api/v1/sources/{source_id}/snapshots/": {"get"},
    "/api/v1/snapshots/{snapshot_id}/": {"get"},
    "/api/v1/snapshots/{snapshot_id}/warc/": {"get"},
    "/api/v1/claims/{claim_id}/evidence/{evidence_id}/snapshots/": {"get"},
    "/api/v1/sources/{id}/use-archived-copy/": {"post"},
    "/api/v1/claims/": {"get", "post"},
    "/api/v1/claims/{id}/": {"get", "patch", "delete"},
    "/api/v1/claimants/": {"get", "post"},
    "/api/v1/claimants/{id}/": {"get", "patch", "delete"},
    "/api/v1/claims/{claim_id}/evidence/": {"get", "post"},
    "/api/v1/claims/{claim_id}/evidence/{id}/": {"get", "patch", "delete"},
    "/api/v1/claims/{claim_id}/ratings/": {"get"},
    "/api/v1/claims/{claim_id}/my-rating/": {"get", "put", "delete"},
    "/api/v1/claims/{claim_id}/similar/": {"get"},
    "/api/v1/claims/{claim_id}/links/": {"get", "post"},
    "/api/v1/claims/{claim_id}/links/{other_id}/": {"delete"},
    "/api/v1/claims/{claim_id}/transition/": {"post"},
    "/api/v1/claims/{claim_id}/transitions/": {"get"},
    "/api/v1/claims/{claim_id}/assignments/": {"get", "post"},
    "/api/v1/claims/{claim_id}/assign/": {"post"},
    "/api/v1/claims/{claim_id}/assignments/{reviewer_id}/": {"delete"},
    "/api/v1/claims/{claim_id}/comments/": {"get", "post"},
    "/api/v1/claims/{claim_id}/comments/{id}/": {"get", "patch", "delete"},
    "/api/v1/claims/{claim_id}/publish/": {"post"},
    "/api/v1/claims/{claim_id}/unpublish/": {"post"},
    "/api/v1/claims/{claim_id}/claimreview/": {"get"},
    "/api/v1/articles/{article_id}/claimreview/": {"get"},
    "/api/v1/articles/{article_id}/report/": {"get"},
    "/api/v1/me/queue/": {"get"},
    "/api/v1/me/notifications/": {"get"},
    "/api/v1/me/notifications/{notification_id}/read/": {"post"},
    "/api/v1/me/notifications/read-all/": {"post"},
    "/api/v1/me/notification-preferences/": {"get", "patch"},
    "/api/v1/correction-requests/": {"get"},
    "/api/v1/correction-requests/{request_id}/": {"get", "patch"},
    "/api/v1/reviewers/": {"get"},
    "/api/v1/reviewers/stats/": {"get"},
    "/api/v1/webhooks/": {"get", "post"},
    "/api/v1/webhooks/{webhook_id}/": {"get", "patch", "delete"},
    "/api/v1/webhooks/{webhook_id}/deliveries/": {"get"},
}


def schema(api: Any, **kwargs: Any) -> dict[str, Any]:
    response = api.get("/api/schema/", **kwargs)
    assert response.status_code == 200
    assert "openapi+json" in response["Content-Type"]
    return json.loads(response.content)


def test_the_schema_is_openapi_3_json_on_request(api) -> None:
    by_query = schema(api, data={"format": "json"})
    by_header = schema(api, HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert by_query["openapi"].startswith("3.")
    assert by_query == by_header


def test_the_schema_is_yaml_by_default(api) -> None:
    response = api.get("/api/schema/")

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_the_schema_lists_every_endpoint_and_method(api) -> None:
    paths = schema(api, data={"format": "json"})["paths"]

    assert set(paths) == set(PATHS)
    for path, methods in PATHS.items():
        assert set(paths[path]) - {"parameters"} == methods, path


def test_the_schema_documents_filters_and_errors(api) -> None:
    paths = schema(api, data={"format": "json"})["paths"]

    claim_filters = {p["name"] for p in paths["/api/v1/claims/"]["get"]["parameters"]}
    assert {"article", "kind", "status", "verdict", "needs_my_rating", "ordering"} <= claim_filters
    assert {"page", "page_size"} <= claim_filters
    source_filters = {p["name"] for p in paths["/api/v1/sources/"]["get"]["parameters"]}
    assert {"article", "status"} <= source_filters
    article_filters = {p["name"] for p in paths["/api/v1/articles/"]["get"]["parameters"]}
    assert {"status", "search"} <= article_filters
    assert {"400", "401", "403", "404"} <= set(paths["/api/v1/claims/"]["post"]["responses"])
    assert {"409", "413"} <= set(paths["/api/v1/articles/"]["post"]["responses"])


def test_the_schema_uses_the_contract_field_names(api) -> None:
    components = schema(api, data={"format": "json"})["components"]["schemas"]

    def fields(name: str) -> set[str]:
        return set(components[name]["properties"])

    assert {
        "id",
        "article",
        "quote",
        "start",
        "end",
        "prefix",
        "suffix",
        "kind",
        "status",
        "sources",
    } <= fields("Claim")
    assert {"claim", "reviewer", "verdict", "confidence", "rationale"} <= fields("Rating")
    assert {"claim", "url", "excerpt", "stance", "note"} <= fields("Evidence")
    assert {"id", "article", "anchor_text", "href", "url", "status"} <= fields("Source")
    assert set(components["VerdictEnum"]["enum"]) >= {"true", "mostly_false", "opinion"}


# Swagger UI's start-up script, which names the schema, is served apart (?script): the
# Content-Security-Policy allows no inline script.
@pytest.mark.parametrize(
    ("url", "names_the_schema"),
    [("/api/docs/", "/api/docs/?script="), ("/api/redoc/", "/api/redoc/")],
)
def test_the_schema_viewers_render(api, url: str, names_the_schema: str) -> None:
    response = api.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/schema/" in api.get(names_the_schema).content


def test_the_schema_allows_the_empty_url_of_a_source_that_needs_one(api) -> None:
    components = schema(api, data={"format": "json"})["components"]["schemas"]

    for name in ["Source", "Article", "Evidence"]:
        url = components[name]["properties"]["url"]
        assert {"type": "string", "maxLength": 0} in url["anyOf"], name
