"""Bad input over the REST API: always a JSON error that says why, never a 500 or a page of HTML,
and nothing changed in the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError, IntegrityError, OperationalError
from rest_framework import throttling
from rest_framework.test import APIClient

from claims.models import Article, Claim, Evidence, Rating, Source, SourceStatus
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HUGE_ID = 99999999999999999999  # over a bigint's 2**63 - 1


def assert_json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert isinstance(body, dict)
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert "Traceback" not in body["detail"]
    return body


def row_counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Article, Source, Claim, Evidence, Rating))


@pytest.fixture
def claim(reviewer) -> Claim:
    """A claim of the reviewer's, with a source and evidence of theirs."""
    claim = ClaimFactory.create(created_by=reviewer)
    claim.sources.add(SourceFactory.create(article=claim.article))
    EvidenceFactory.create(claim=claim, author=reviewer, status=SourceStatus.PENDING)
    return claim


# --- Invalid fields: 400 -------------------------------------------------------------


def invalid_bodies(claim: Claim) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, url, body, field or message expected in the error)."""
    article = claim.article
    evidence = claim.evidence.get()
    foreign_source = SourceFactory.create()
    claims = "/api/v1/claims/"
    return [
        ("post", claims, {"article": article.pk, "quote": "city", "kind": "rumour"}, "kind"),
        ("post", claims, {"article": article.pk, "start": 20, "end": 10}, "Offsets 20-10"),
        ("post", claims, {"article": article.pk, "start": 0, "end": 10**6}, "outside"),
        ("post", claims, {"article": article.pk, "start": -1, "end": 3}, "start"),
        ("post", claims, {"article": article.pk, "start": 0, "end": HUGE_ID}, "end"),
        ("post", claims, {"article": article.pk, "start": 0}, "both start and end"),
        ("post", claims, {"article": article.pk}, "Give the quote"),
        ("post", claims, {"article": article.pk, "quote": "   "}, "Give the quote"),
        ("post", claims, {"article": article.pk, "quote": "no such words"}, "does not appear"),
        ("post", claims, {"article": article.pk, "quote": "city", "start": 0, "end": 3}, "not "),
        ("post", claims, {"article": "one", "quote": "city"}, "article"),
        ("post", claims, {"article": HUGE_ID, "quote": "city"}, "article"),
        ("post", claims, {"article": 999_999, "quote": "city"}, "No article with id 999999"),
        ("post", claims, {"quote": "city"}, "article"),
        (
            "post",
            claims,
            {"article": article.pk, "quote": "city", "sources": [foreign_source.pk]},
            "another article",
        ),
        (
            "post",
            claims,
            {"article": article.pk, "quote": "city", "sources": [999_999]},
            "No sources with ids [999999]",
        ),
        ("post", claims, {"article": article.pk, "quote": "city", "sources": [HUGE_ID]}, "sources"),
        ("post", claims, {"article": article.pk, "quote": "city", "sources": ["x"]}, "sources"),
        ("post", claims, {"article": article.pk, "quote": "city", "sources": 3}, "sources"),
        ("post", claims, {"article": article.pk, "quote": "ci\x00ty"}, "Null characters"),
        ("patch", f"{claims}{claim.pk}/", {"kind": "rumour"}, "kind"),
        ("patch", f"{claims}{claim.pk}/", {"sources": [foreign_source.pk]}, "another article"),
        ("patch", f"{claims}{claim.pk}/", {"sources": [999_999]}, "No sources"),
        ("patch", f"{claims}{claim.pk}/", {"sources": None}, "sources"),
        (
            "post",
            f"{claims}{claim.pk}/evidence/",
            {"url": "https://example.org/", "stance": "agrees"},
            "stance",
        ),
        ("post", f"{claims}{claim.pk}/evidence/", {"stance": "supports"}, "URL"),
        ("post", f"{claims}{claim.pk}/evidence/", {"url": "https://e.org/"}, "stance"),
        (
            "patch",
            f"{claims}{claim.pk}/evidence/{evidence.pk}/",
            {"url": "", "excerpt": ""},
            "URL",
        ),
        (
            "patch",
            f"{claims}{claim.pk}/evidence/{evidence.pk}/",
            {"url": "x" * 2001},
            "url",
        ),
        ("put", f"{claims}{claim.pk}/my-rating/", {"verdict": "meh", "rationale": "x"}, "verdict"),
        (
            "put",
            f"{claims}{claim.pk}/my-rating/",
            {"verdict": "true", "rationale": " "},
            "rationale",
        ),
        ("post", "/api/v1/articles/", {"title": "Nothing"}, "only its `url`"),
        ("post", "/api/v1/articles/", {"body": "Text.", "format": "pdf"}, "format"),
        ("post", "/api/v1/articles/", {"body": "Text.", "title": "t" * 301}, "title"),
        ("post", "/api/v1/articles/", {"body": "Text.", "url": "not a url"}, "url"),
        ("post", "/api/v1/articles/", {"body": "   \n  "}, "empty"),
        ("patch", f"/api/v1/articles/{article.pk}/", {"status": "gone"}, "status"),
        ("patch", f"/api/v1/articles/{article.pk}/", {"published_on": "yesterday"}, "published_on"),
        ("patch", f"/api/v1/articles/{article.pk}/", {"title": ""}, "title"),
        ("patch", f"/api/v1/sources/{foreign_source.pk}/", {"url": "mailto:a@b.org"}, "url"),
    ]


def test_every_invalid_field_is_a_400_that_names_it(editor_api, claim: Claim) -> None:
    cases = invalid_bodies(claim)
    before = row_counts()

    for method, url, body, expected in cases:
        response = getattr(editor_api, method)(url, body, format="json")

        error = assert_json_error(response, 400)
        assert expected in json.dumps(error, ensure_ascii=False), (method, url, body, error)
    assert row_counts() == before
    claim.refresh_from_db()
    assert claim.kind == "factual"


def test_a_lone_surrogate_in_a_json_string_is_a_400(reviewer_api, claim: Claim) -> None:
    raw = f'{{"article": {claim.article_id}, "quote": "\\ud800"}}'

    response = reviewer_api.post("/api/v1/claims/", data=raw, content_type="application/json")

    body = assert_json_error(response, 400)
    assert "Surrogate" in body["detail"]
    assert Claim.objects.count() == 1


def test_field_errors_are_listed_by_field(reviewer_api, claim: Claim) -> None:
    response = reviewer_api.put(
        f"/api/v1/claims/{claim.pk}/my-rating/", {"verdict": "meh"}, format="json"
    )

    body = assert_json_error(response, 400)
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"verdict", "rationale"}
    assert body["detail"].startswith("Invalid input:")


def test_filters_with_invalid_values_are_a_400(reviewer_api) -> None:
    for url in [
        "/api/v1/claims/?article=abc",
        "/api/v1/claims/?article=1.5",
        f"/api/v1/claims/?article={HUGE_ID}",
        f"/api/v1/claims/?article=-{HUGE_ID}",
        f"/api/v1/sources/?article={HUGE_ID}",
        "/api/v1/claims/?kind=rumour",
        "/api/v1/claims/?verdict=meh",
        "/api/v1/sources/?status=lost",
        "/api/v1/articles/?status=gone",
        "/api/v1/articles/?search=a%00b",
    ]:
        assert_json_error(reviewer_api.get(url), 400)


def test_unknown_ordering_and_page_size_values_fall_back_to_the_defaults(reviewer_api) -> None:
    ClaimFactory.create()

    for query in ["ordering=secret_field", "ordering=%00", "page_size=-5", "page_size=abc"]:
        response = reviewer_api.get(f"/api/v1/claims/?{query}")

        assert response.status_code == 200, query
        assert response.json()["count"] == 1


def test_a_page_past_the_end_is_a_404(reviewer_api) -> None:
    for page in ["2", "0", "abc", str(HUGE_ID)]:
        assert_json_error(reviewer_api.get(f"/api/v1/claims/?page={page}"), 404)


# --- Ids in URLs: 404 ----------------------------------------------------------------


def test_non_integer_and_huge_ids_in_urls_are_a_json_404(editor_api, claim: Claim) -> None:
    evidence = claim.evidence.get()
    templates = [
        ("get", "/api/v1/articles/{}/"),
        ("patch", "/api/v1/articles/{}/"),
        ("delete", "/api/v1/articles/{}/"),
        ("get", "/api/v1/sources/{}/"),
        ("post", "/api/v1/sources/{}/fetch/"),
        ("get", "/api/v1/claims/{}/"),
        ("delete", "/api/v1/claims/{}/"),
        ("get", "/api/v1/claims/{}/evidence/"),
        ("get", "/api/v1/claims/{}/ratings/"),
        ("put", "/api/v1/claims/{}/my-rating/"),
        ("get", f"/api/v1/claims/{claim.pk}/evidence/{{}}/"),
        ("delete", f"/api/v1/claims/{{}}/evidence/{evidence.pk}/"),
    ]
    before = row_counts()

    for method, template in templates:
        for bad_id in ["abc", "1.5", "-1", str(HUGE_ID), "999999999999999999", "0"]:
            url = template.format(bad_id)
            response = getattr(editor_api, method)(url, {}, format="json")

            assert_json_error(response, 404)
    assert row_counts() == before


# --- Malformed bodies ----------------------------------------------------------------


def write_endpoints(claim: Claim) -> list[tuple[str, str]]:
    evidence = claim.evidence.get()
    return [
        ("post", "/api/v1/articles/"),
        ("patch", f"/api/v1/articles/{claim.article_id}/"),
        ("post", "/api/v1/claims/"),
        ("patch", f"/api/v1/claims/{claim.pk}/"),
        ("post", f"/api/v1/claims/{claim.pk}/evidence/"),
        ("patch", f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/"),
        ("put", f"/api/v1/claims/{claim.pk}/my-rating/"),
        ("patch", f"/api/v1/sources/{claim.sources.get().pk}/"),
        ("post", "/api/v1/auth/token/"),
    ]


@pytest.mark.parametrize(
    "raw",
    ["{", '{"kind": }', "[1, 2]", '"a string"', "42", "null", "true", '{"a": NaN}', "\xff"],
    ids=["unclosed", "no-value", "array", "string", "number", "null", "bool", "nan", "latin1"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(editor_api, claim: Claim, raw: str) -> None:
    before = row_counts()

    for method, url in write_endpoints(claim):
        response = getattr(editor_api, method)(
            url, data=raw.encode("latin-1"), content_type="application/json"
        )

        assert_json_error(response, 400)
    assert row_counts() == before


DEEP_JSON = {
    "arrays": "[" * 1000 + "]" * 1000,
    "objects": '{"a": ' * 1000 + "1" + "}" * 1000,
    "mixed": '{"quote": ' + '[{"x": ' * 500 + "0" + "}]" * 500 + "}",
}


@pytest.mark.parametrize("raw", DEEP_JSON.values(), ids=DEEP_JSON.keys())
def test_json_nested_a_thousand_levels_deep_is_a_400_on_every_endpoint(
    editor_api, api, claim: Claim, raw: str
) -> None:
    before = row_counts()

    for method, url in write_endpoints(claim):
        response = getattr(editor_api, method)(url, data=raw, content_type="application/json")

        body = assert_json_error(response, 400)
        assert body["code"] == "too_deep"
        assert "nested more than 64 levels" in body["detail"]
    anonymous = api.post("/api/v1/auth/token/", data=raw, content_type="application/json")
    assert assert_json_error(anonymous, 400)["code"] == "too_deep"
    assert row_counts() == before


def test_json_nested_within_the_limit_reaches_the_serializer(editor_api, claim: Claim) -> None:
    nested = "[" * 63 + "]" * 63
    raw = f'{{"article": {claim.article_id}, "quote": {nested}}}'

    response = editor_api.post("/api/v1/claims/", data=raw, content_type="application/json")

    body = assert_json_error(response, 400)
    assert "quote" in body["errors"]


def test_brackets_inside_json_strings_do_not_count_as_nesting(reviewer_api, claim: Claim) -> None:
    rationale = '[{"\\' * 200 + "} ]"
    raw = json.dumps({"verdict": "false", "rationale": rationale})

    response = reviewer_api.put(
        f"/api/v1/claims/{claim.pk}/my-rating/", data=raw, content_type="application/json"
    )

    assert response.status_code in (200, 201), response.content
    assert Rating.objects.get().rationale == rationale


def test_a_body_of_another_content_type_is_a_415(editor_api, claim: Claim) -> None:
    # 415 Unsupported Media Type: the status HTTP has for it, not a 400.
    for method, url in write_endpoints(claim):
        for content_type in ["text/plain", "application/xml"]:
            response = getattr(editor_api, method)(
                url, data='{"kind": "quote"}', content_type=content_type
            )

            body = assert_json_error(response, 415)
            assert content_type in body["detail"]
    claim.refresh_from_db()
    assert claim.kind == "factual"


def test_multipart_is_refused_where_only_json_is_accepted(editor_api, claim: Claim) -> None:
    response = editor_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, format="multipart"
    )

    assert_json_error(response, 415)


# --- Size limits -----------------------------------------------------------------------


@pytest.fixture
def small_imports(settings) -> int:
    """Articles of at most 4 KiB, so the request cap is 2 * 4 KiB + 64 KiB."""
    settings.IMPORT_MAX_BYTES = 4096
    return 4096


def test_an_article_body_over_the_import_limit_is_a_400_naming_the_limit(
    editor_api, small_imports: int
) -> None:
    response = editor_api.post("/api/v1/articles/", {"body": "word " * 1000}, format="json")

    body = assert_json_error(response, 400)
    assert "5,000 bytes; the limit is 4,096 bytes" in body["detail"]
    assert not Article.objects.exists()


def test_an_uploaded_file_over_the_import_limit_is_a_413(editor_api, small_imports: int) -> None:
    upload = SimpleUploadedFile("long.md", b"word " * 1000)

    response = editor_api.post("/api/v1/articles/", {"file": upload}, format="multipart")

    body = assert_json_error(response, 413)
    assert "the limit is 4,096 bytes" in body["detail"]
    assert not Article.objects.exists()


def test_a_request_over_the_parsers_hard_cap_is_a_413_before_it_is_read(
    editor_api, api, small_imports: int, claim: Claim
) -> None:
    huge = "x" * 100_000
    requests = [
        editor_api.post("/api/v1/articles/", {"body": huge}, format="json"),
        editor_api.post(
            "/api/v1/articles/", {"file": SimpleUploadedFile("a.md", huge.encode())}, "multipart"
        ),
        editor_api.post(
            "/api/v1/articles/",
            data=f"body={huge}",
            content_type="application/x-www-form-urlencoded",
        ),
        editor_api.post("/api/v1/claims/", {"article": 1, "quote": huge}, format="json"),
        editor_api.put(
            f"/api/v1/claims/{claim.pk}/my-rating/",
            {"verdict": "true", "rationale": huge},
            format="json",
        ),
        api.post("/api/v1/auth/token/", {"username": huge, "password": "x"}, format="json"),
    ]
    before = row_counts()

    for response in requests:
        body = assert_json_error(response, 413)
        assert "the limit is 73,728 bytes" in body["detail"]
    assert row_counts() == before


def test_a_binary_upload_is_a_400(editor_api) -> None:
    upload = SimpleUploadedFile("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)

    response = editor_api.post("/api/v1/articles/", {"file": upload}, format="multipart")

    body = assert_json_error(response, 400)
    assert "binary" in body["detail"]
    assert not Article.objects.exists()


def test_an_upload_that_is_not_utf8_is_a_400(editor_api) -> None:
    upload = SimpleUploadedFile("latin.md", "Café au lait, déjà vu.".encode("latin-1"))

    response = editor_api.post("/api/v1/articles/", {"file": upload}, format="multipart")

    body = assert_json_error(response, 400)
    assert "UTF-8" in body["detail"]


# --- Routes and methods ---------------------------------------------------------------


def test_unknown_routes_under_api_are_a_json_404(api, reviewer_api) -> None:
    for client in [api, reviewer_api]:
        for url in ["/api/", "/api/v2/articles/", "/api/v1/nothing/", "/api/v1/claims/1/votes/"]:
            body = assert_json_error(client.get(url), 404)
            assert url in body["detail"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/api/v1/articles/"),
        ("delete", "/api/v1/articles/"),
        ("put", "/api/v1/articles/{article}/"),
        ("post", "/api/v1/sources/"),
        ("put", "/api/v1/sources/{source}/"),
        ("get", "/api/v1/sources/{source}/fetch/"),
        ("put", "/api/v1/claims/{claim}/"),
        ("post", "/api/v1/claims/{claim}/ratings/"),
        ("post", "/api/v1/claims/{claim}/my-rating/"),
        ("patch", "/api/v1/claims/{claim}/my-rating/"),
        ("put", "/api/v1/claims/{claim}/evidence/"),
        ("get", "/api/v1/auth/token/"),
    ],
)
def test_a_method_an_endpoint_does_not_allow_is_a_json_405(
    editor_api, claim: Claim, method: str, url: str
) -> None:
    source = claim.sources.get()
    url = url.format(article=claim.article_id, source=source.pk, claim=claim.pk)

    response = getattr(editor_api, method)(url, {}, format="json")

    body = assert_json_error(response, 405)
    assert method.upper() in body["detail"]


def test_options_and_head_on_every_endpoint_are_never_a_server_error(editor, claim: Claim) -> None:
    RatingFactory.create(claim=claim, reviewer=editor)
    evidence = claim.evidence.get()
    source = claim.sources.get()
    urls = [
        "/api/v1/",
        "/api/v1/auth/token/",
        "/api/v1/articles/",
        f"/api/v1/articles/{claim.article_id}/",
        "/api/v1/sources/",
        f"/api/v1/sources/{source.pk}/",
        f"/api/v1/sources/{source.pk}/fetch/",
        "/api/v1/claims/",
        f"/api/v1/claims/{claim.pk}/",
        f"/api/v1/claims/{claim.pk}/evidence/",
        f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/",
        f"/api/v1/claims/{claim.pk}/ratings/",
        f"/api/v1/claims/{claim.pk}/my-rating/",
    ]
    anonymous = APIClient(raise_request_exception=False)
    signed_in = APIClient(raise_request_exception=False)
    signed_in.force_authenticate(editor)

    for client in [anonymous, signed_in]:
        for url in urls:
            for method in ["options", "head"]:
                response = getattr(client, method)(url)

                assert response.status_code < 500, (method, url, response.content)
                assert response["Content-Type"] == "application/json", (method, url)


# --- Throttling ------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF reads the rates from settings once, onto the throttle class.
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min"}
    )


def test_anonymous_clients_over_their_rate_get_a_429(api, low_rates: None) -> None:
    statuses = [api.get("/api/v1/articles/").status_code for _ in range(2)]

    response = api.get("/api/v1/articles/")

    assert statuses == [200, 200]
    body = assert_json_error(response, 429)
    assert "throttled" in body["detail"]
    assert int(response["Retry-After"]) > 0


def test_signed_in_clients_over_their_rate_get_a_429(reviewer_api, low_rates: None) -> None:
    statuses = [reviewer_api.get("/api/v1/sources/").status_code for _ in range(3)]

    response = reviewer_api.get("/api/v1/sources/")

    assert statuses == [200, 200, 200]
    assert_json_error(response, 429)


def test_password_guessing_is_throttled(api, reviewer, low_rates: None) -> None:
    for _ in range(2):
        api.post(
            "/api/v1/auth/token/", {"username": reviewer.username, "password": "x"}, format="json"
        )

    response = api.post(
        "/api/v1/auth/token/",
        {"username": reviewer.username, "password": "correct horse battery"},
        format="json",
    )

    assert_json_error(response, 429)


# --- Database errors and crashes --------------------------------------------------------


def test_a_constraint_broken_by_a_concurrent_request_is_a_409(
    reviewer_api, claim: Claim, monkeypatch: pytest.MonkeyPatch
) -> None:
    def concurrent_insert(**kwargs: Any) -> None:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("editorial.services.ratings.rating_submit", concurrent_insert)

    response = reviewer_api.put(
        f"/api/v1/claims/{claim.pk}/my-rating/", {"verdict": "true", "rationale": "x"}, "json"
    )

    body = assert_json_error(response, 409)
    assert body["code"] == "conflict"
    assert "duplicate key" not in body["detail"]


def test_a_value_the_database_refuses_is_a_400(
    reviewer_api, claim: Claim, monkeypatch: pytest.MonkeyPatch
) -> None:
    def out_of_range(**kwargs: Any) -> None:
        raise DataError("integer out of range")

    monkeypatch.setattr("editorial.services.workflow.claim_update", out_of_range)

    response = reviewer_api.patch(f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, "json")

    body = assert_json_error(response, 400)
    assert "integer out of range" not in body["detail"]


def test_an_unexpected_crash_is_a_json_500_without_a_traceback(
    reviewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("claims.selectors.article_list_with_counts", crash)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(reviewer)

    response = client.get("/api/v1/articles/")

    body = assert_json_error(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["detail"] == "Something went wrong on our side; it has been logged."


def test_a_missing_object_in_a_json_body_is_not_a_500(editor_api) -> None:
    article = ArticleFactory.create()
    Article.objects.filter(pk=article.pk).delete()

    response = editor_api.post(
        "/api/v1/claims/", {"article": article.pk, "quote": "city"}, format="json"
    )

    assert_json_error(response, 400)


def test_a_lost_database_connection_is_a_json_503_that_says_to_retry(
    reviewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("claims.selectors.article_list_with_counts", lost)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(reviewer)

    response = client.get("/api/v1/articles/")

    body = assert_json_error(response, 503)
    assert body["code"] == "unavailable"
    assert "server closed" not in body["detail"]
    assert response["Retry-After"] == "5"
