"""Schemathesis fuzzes every operation of the REST API from its OpenAPI schema (`/api/schema/`).

Each operation gets requests generated from the schema, valid ones and deliberately invalid
ones, sent by a signed-in reviewer or editor (Token header) to the app in this process, on a
database seeded with articles, sources, snapshots, claims, evidence, ratings and quote
checks; path ids (and ids in bodies) are mostly those of real rows. Every response must not
be a server error and must match the schema (status code, content type and body). Every
path is also asked OPTIONS, which DRF answers but the schema does not list. Generation is
derandomized, so a run is reproducible; the test fails listing every operation that broke.

It is part of the suite (marked ``fuzz``). Alone, on SQLite or PostgreSQL::

    scripts/test -m fuzz
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzzrun .venv/bin/pytest -m fuzz -s

``-s`` prints how many requests each operation got. ``FUZZ_EXAMPLES=200`` raises the
number of examples per operation and generation mode for a longer hunt (default 12).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from claims.models import (
    ArticleStatus,
    ClaimKind,
    QuoteCheck,
    QuoteResult,
    SourceStatus,
    Stance,
    Verdict,
)
from claims.services.articles import article_import
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.ratings import rating_submit
from tests.factories import SnapshotFactory, UserFactory
from tests.workflow import publish

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 12)
MIN_REQUESTS = 500
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Deletions last, children before parents, so the seeded rows serve every other operation.
DELETE_ORDER = ["/evidence/{id}/", "/my-rating/", "/claims/{id}/", "/articles/{id}/"]
DIGITS = re.compile(r"[0-9]{1,18}")

ARTICLES = [
    """# Trees in the city

By Ana Reviewer

The city planted 4,000 trees in 2023, according to the
[parks department](https://parks.example.org/report-2023).
Critics say the programme cost twice what was promised, as the
[auditor](https://audit.example.org/trees) found.

Residents were not asked, says a [petition](#).
""",
    """# Buses on time

Nine buses in ten ran on time last year, the [operator](https://bus.example.org/stats) said.
The union disputes the figure in a [statement](mailto:press@union.example.org).

"We never missed a day," said the depot manager.
""",
]


@dataclass
class Seeded:
    """Real ids to put in generated paths and bodies."""

    users: list[int] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    claims: list[int] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)  # (claim, evidence)

    def _pools(self, path: str) -> dict[str, list[int]]:
        pools = {"claim_id": self.claims, "article_id": self.articles, "reviewer_id": self.users}
        resource = re.search(r"/(\w+)/\{id\}/", path)
        if resource is not None:
            by_resource = {
                "articles": self.articles,
                "sources": self.sources,
                "claims": self.claims,
            }
            pools["id"] = by_resource.get(resource[1], [])
        return {name: pools.get(name, []) for name in re.findall(r"\{(\w+)\}", path)}

    def path_parameters(self, path: str) -> st.SearchStrategy[dict[str, str]] | None:
        """Real values for every parameter of ``path``; None if one has no known pool."""
        if path.endswith("/evidence/{id}/"):  # evidence of that very claim
            return st.sampled_from(self.evidence).map(
                lambda pair: {"claim_id": str(pair[0]), "id": str(pair[1])}
            )
        pools = self._pools(path)
        if not pools or not all(pools.values()):
            return None
        return st.fixed_dictionaries(
            {name: st.sampled_from(pool).map(str) for name, pool in pools.items()}
        )

    def real_path(self, path: str) -> str:
        """``path`` with the first real id for each parameter (1 where none is known)."""
        ids = {name: str(pool[0]) if pool else "1" for name, pool in self._pools(path).items()}
        if path.endswith("/evidence/{id}/"):
            ids = {"claim_id": str(self.evidence[0][0]), "id": str(self.evidence[0][1])}
        return re.sub(r"\{(\w+)\}", lambda name: ids[name[1]], path)


def seed(reviewer: User, editor: User, other: User) -> Seeded:
    seeded = Seeded(users=[reviewer.pk, editor.pk, other.pk])
    for index, (markdown, owner) in enumerate(zip(ARTICLES, [reviewer, other], strict=True)):
        article = article_import(content=markdown, source_format="markdown", imported_by=owner)
        seeded.articles.append(article.pk)
        sources = list(article.sources.order_by("position"))
        seeded.sources += [source.pk for source in sources]
        fetched = [source for source in sources if source.status != SourceStatus.NEEDS_URL]
        for source in fetched:
            SnapshotFactory.create(source=source, final_url=source.url)
        quotes = ["planted 4,000 trees", "cost twice what was promised", "Residents"]
        if index:
            quotes = ["Nine buses in ten", "The union disputes the figure", "never missed a day"]
        for number, quote in enumerate(quotes):
            claim = claim_create(
                article=article,
                created_by=[reviewer, other][number % 2],
                quote=quote,
                kind=ClaimKind.QUOTE if number == 2 else ClaimKind.FACTUAL,
                sources=fetched[:1],
            )
            seeded.claims.append(claim.pk)
            if fetched:
                QuoteCheck.objects.create(
                    claim=claim, source=fetched[0], quote=quote, result=QuoteResult.NOT_FOUND
                )
            for author in (reviewer, other):
                evidence = evidence_create(
                    claim=claim,
                    author=author,
                    stance=Stance.SUPPORTS if number else Stance.REFUTES,
                    url=f"https://evidence.example.org/{claim.pk}/{author.pk}",
                    excerpt=quote,
                )
                seeded.evidence.append((claim.pk, evidence.pk))
            QuoteCheck.objects.create(
                evidence=evidence, quote=quote, result=QuoteResult.EXACT, score=1.0
            )
            for rater, verdict in [(other, Verdict.MOSTLY_TRUE), (editor, Verdict.FALSE)]:
                rating_submit(claim=claim, reviewer=rater, verdict=verdict, rationale="Checked.")
            if number == 0:
                rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Ok")
                publish(claim, editor, Verdict.MOSTLY_TRUE)
        if index == 0:
            article.status = ArticleStatus.PUBLISHED
            article.save(update_fields=["status"])
    return seeded


def operation_order(label: str) -> tuple[int, str]:
    method, path = label.split(" ", 1)
    if method != "DELETE":
        return (0, label)
    rank = next((n for n, end in enumerate(DELETE_ORDER, 1) if path.endswith(end)), 0)
    return (rank, label)


@pytest.fixture
def no_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of requests a minute from one user are the point here, not abuse."""
    monkeypatch.setattr(
        throttling.SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": "1000000/min", "user": "1000000/min"},
    )


@pytest.fixture
def callers() -> dict[bool, dict[str, str]]:
    """Authorization headers: a reviewer's (False) and an editor's (True)."""
    reviewer = UserFactory.create(username="fuzz-reviewer", roles=["reviewer"])
    editor = UserFactory.create(username="fuzz-editor", roles=["editor"])
    return {
        is_editor: {"Authorization": f"Token {Token.objects.create(user=user).key}"}
        for is_editor, user in [(False, reviewer), (True, editor)]
    }


def run_operation(
    operation: Any,
    callers: dict[bool, dict[str, str]],
    sent: dict[str, Counter[int]],
    failures: list[str],
) -> None:
    settings = hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        verbosity=hypothesis.Verbosity.quiet,
    )
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

        @settings
        @given(case=operation.as_strategy(generation_mode=mode), as_editor=st.booleans())
        def send(case: schemathesis.Case, as_editor: bool) -> None:
            headers = callers[as_editor]
            response = case.call(headers=headers)
            sent.setdefault(operation.label, Counter())[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            send()
        except hypothesis.errors.Unsatisfiable as error:
            # No parameter and no body: nothing in the request can be made invalid.
            if mode != schemathesis.GenerationMode.NEGATIVE:
                failures.append(f"{operation.label} ({mode.value}):\n{error}")
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label} ({mode.value}):\n{error}")


def options_sweep(
    paths: set[str],
    seeded: Seeded,
    callers: dict[bool, dict[str, str]],
    sent: dict[str, Counter[int]],
    failures: list[str],
) -> None:
    """DRF answers OPTIONS on every endpoint (it describes it). The schema does not list the
    method, so nothing is generated for it: ask it here, of a real object and a missing one."""
    client = Client(raise_request_exception=False)
    for template in sorted(paths):
        for path in (seeded.real_path(template), re.sub(r"\{\w+\}", "0", template)):
            for headers in callers.values():
                response = client.options(path, HTTP_AUTHORIZATION=headers["Authorization"])
                sent.setdefault(f"OPTIONS {template}", Counter())[response.status_code] += 1
                if response.status_code >= 500:
                    failures.append(f"OPTIONS {path}: {response.status_code}")


def real_ids_hook(seeded: Seeded) -> Callable[..., Any]:
    """Three generated paths in four name real rows (when the generated one is well formed)."""

    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        real = seeded.path_parameters(context.operation.path)
        if real is None or not all(DIGITS.fullmatch(str(v)) for v in path_parameters.values()):
            return st.just(path_parameters)
        return st.integers(0, 3).flatmap(
            lambda n: (
                real.map(lambda ids: {**path_parameters, **ids}) if n else st.just(path_parameters)
            )
        )

    return flatmap_path_parameters


def real_references_hook(seeded: Seeded) -> Callable[..., Any]:
    """Bodies that name an article, sources or offsets mostly name real ones, so that creating
    and changing claims gets past "no such article" (a negated value is left alone)."""

    def flatmap_body(context: Any, body: Any) -> Any:
        if not isinstance(body, dict):
            return st.just(body)
        real: dict[str, st.SearchStrategy[Any]] = {}
        if type(body.get("article")) is int:
            real["article"] = st.sampled_from(seeded.articles)
        sources = body.get("sources")
        if isinstance(sources, list) and all(type(pk) is int for pk in sources):
            real["sources"] = st.lists(st.sampled_from(seeded.sources), max_size=3, unique=True)
        reviewers = body.get("reviewers")
        if isinstance(reviewers, list) and all(type(pk) is int for pk in reviewers):
            real["reviewers"] = st.lists(
                st.sampled_from(seeded.users), min_size=1, max_size=2, unique=True
            )
        if type(body.get("reviewer")) is int:
            real["reviewer"] = st.sampled_from(seeded.users)
        if type(body.get("start")) is int and type(body.get("end")) is int:
            real["start"] = st.integers(0, 120)
            real["end"] = st.integers(1, 200)
        if not real:
            return st.just(body)
        return st.integers(0, 3).flatmap(
            lambda n: (
                st.fixed_dictionaries(real).map(lambda drawn: {**body, **drawn})
                if n
                else st.just(body)
            )
        )

    return flatmap_body


def test_fuzzing_the_api_finds_no_server_error_and_no_schema_mismatch(
    no_throttling: None, callers: dict[bool, dict[str, str]]
) -> None:
    reviewer, editor = (User.objects.get(username=n) for n in ("fuzz-reviewer", "fuzz-editor"))
    other = UserFactory.create(username="fuzz-other", roles=["reviewer"])
    seeded = seed(reviewer, editor, other)

    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", get_wsgi_application(), headers=callers[False]
    )
    schema.hook(real_ids_hook(seeded))
    schema.hook(real_references_hook(seeded))
    results = list(schema.get_all_operations())
    broken = [result.err() for result in results if not isinstance(result, Ok)]
    assert not broken, broken  # a malformed operation in the schema
    operations = sorted(
        (result.ok() for result in results if isinstance(result, Ok)),
        key=lambda operation: operation_order(operation.label),
    )
    assert len(operations) >= 20, [operation.label for operation in operations]

    sent: dict[str, Counter[int]] = {}
    failures: list[str] = []
    options_sweep({op.path for op in operations}, seeded, callers, sent, failures)
    for operation in operations:
        run_operation(operation, callers, sent, failures)

    total = sum(sum(statuses.values()) for statuses in sent.values())
    for label, statuses in sorted(sent.items()):
        answers = " ".join(f"{code}x{n}" for code, n in sorted(statuses.items()))
        print(f"{sum(statuses.values()):5d}  {label:48}  {answers}")
    print(f"{total:5d}  requests in all")
    assert not failures, "\n\n".join(failures)
    assert total >= MIN_REQUESTS
    assert {operation.label for operation in operations} <= set(sent)
