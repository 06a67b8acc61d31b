"""The data version: every committed write that a cached API read depends on changes it,
whatever the write path; writes that no cached read shows leave it alone.

These tests commit (``transaction=True``): on PostgreSQL the token changes at commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from apicache import triggers
from apicache.version import current_token
from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    Evidence,
    Rating,
    Source,
    SourceSnapshot,
    SourceStatus,
    Verdict,
)
from claims.services.articles import article_import
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.models import ClaimConsensus, Publication
from editorial.services.ratings import rating_submit
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world() -> dict[str, Any]:
    """An article with two sources, a rated claim with evidence, and its people."""
    reviewer = UserFactory.create(roles=["reviewer"])
    article = ArticleFactory.create(imported_by=reviewer)
    first = SourceFactory.create(article=article, position=0)
    second = SourceFactory.create(article=article, position=1)
    claim = claim_create(
        article=article, created_by=reviewer, quote="planted 4,000 trees", sources=[first]
    )
    other = claim_create(article=article, created_by=reviewer, quote="Critics say")
    rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.TRUE, rationale="Checked.")
    evidence = evidence_create(
        claim=claim, author=reviewer, excerpt="4,000 trees", stance="supports"
    )
    return {
        "reviewer": reviewer,
        "article": article,
        "sources": (first, second),
        "claim": claim,
        "other": other,
        "evidence": evidence,
        "token": Token.objects.create(user=reviewer),
    }


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


CHANGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "a claim is marked": lambda w: claim_create(
        article=w["article"], created_by=w["reviewer"], quote="twice what was promised"
    ),
    "a claim's kind changes (QuerySet.update)": lambda w: Claim.objects.filter(
        pk=w["claim"].pk
    ).update(kind=ClaimKind.OPINION),
    "a claim is deleted": lambda w: w["other"].delete(),
    "a claim cites another source": lambda w: w["claim"].sources.add(w["sources"][1]),
    "a claim stops citing a source": lambda w: w["claim"].sources.clear(),
    "a rating is given": lambda w: rating_submit(
        claim=w["other"], reviewer=w["reviewer"], verdict=Verdict.FALSE, rationale="No."
    ),
    "a rating's verdict changes (raw SQL)": lambda w: _sql(
        f"UPDATE {Rating._meta.db_table} SET verdict = %s", [Verdict.FALSE]
    ),
    "a rating is withdrawn": lambda w: Rating.objects.all().delete(),
    "evidence is added": lambda w: evidence_create(
        claim=w["other"], author=w["reviewer"], excerpt="said", stance="context"
    ),
    "evidence moves to another claim": lambda w: Evidence.objects.update(claim=w["other"]),
    "evidence is deleted": lambda w: w["evidence"].delete(),
    "a consensus changes": lambda w: ClaimConsensus.objects.update(ratings_count=9),
    "a claim is published": lambda w: Publication.objects.create(
        claim=w["claim"], verdict=Verdict.TRUE, rationale="Checked.", consensus_state="consensus"
    ),
    "sources are reordered": lambda w: Source.objects.filter(pk=w["sources"][0].pk).update(
        position=7
    ),
    "an article is published": lambda w: Article.objects.update(status=ArticleStatus.PUBLISHED),
    "an article is deleted": lambda w: w["article"].delete(),
    "a user is renamed": lambda w: User.objects.filter(pk=w["reviewer"].pk).update(
        username="renamed"
    ),
    "a user is deactivated": lambda w: User.objects.update(is_active=False),
    "a user loses a role": lambda w: w["reviewer"].groups.clear(),
    "a user gains a role": lambda w: w["reviewer"].groups.add(Group.objects.get(name="editor")),
    "a role is renamed": lambda w: Group.objects.filter(name="editor").update(name="chief"),
    "a token is created": lambda w: Token.objects.create(user=UserFactory.create()),
    "a token is revoked": lambda w: w["token"].delete(),
}

NO_CHANGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "a source is fetched": lambda w: Source.objects.update(status=SourceStatus.OK),
    "evidence is fetched": lambda w: Evidence.objects.update(
        last_fetched_at=timezone.now(), fetch_attempts=1
    ),
    "a snapshot is stored": lambda w: SourceSnapshot.objects.create(
        source=w["sources"][0], text="Parks.", http_status=200, final_url="https://e.org/"
    ),
    "an article is imported": lambda w: article_import(
        content="Nothing [cited](https://example.org/) yet.",
        source_format="markdown",
        imported_by=w["reviewer"],
    ),
    "an article's import status changes": lambda w: Article.objects.update(import_status="failed"),
    "a user signs in": lambda w: User.objects.update(last_login=timezone.now()),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_write_that_cached_reads_show_changes_the_token(world, change: str) -> None:
    before = current_token()

    CHANGES[change](world)

    assert before is not None
    assert current_token() not in {None, before}


@pytest.mark.parametrize("change", NO_CHANGES)
def test_a_write_that_no_cached_read_shows_leaves_the_token(world, change: str) -> None:
    before = current_token()

    NO_CHANGES[change](world)

    assert current_token() == before


def test_a_token_is_never_reused_after_a_rollback(world) -> None:
    seen = {current_token()}
    for _ in range(3):
        try:
            with transaction.atomic():
                rating_submit(
                    claim=world["other"], reviewer=world["reviewer"], verdict="false", rationale="-"
                )
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        Claim.objects.filter(pk=world["claim"].pk).update(kind=ClaimKind.OPINION)
        seen.add(current_token())

    assert len(seen) == 4


def test_there_is_no_token_to_trust_inside_a_transaction(world) -> None:
    with transaction.atomic():
        assert current_token() is None


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_other_connections_see_the_new_token_only_with_the_committed_data(world) -> None:
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    )
    read = "SELECT token FROM apicache_dataversion"
    with other:
        before = other.execute(read).fetchone()
        with transaction.atomic():
            Claim.objects.update(kind=ClaimKind.OPINION)
            assert other.execute(read).fetchone() == before  # the write is not visible yet
            # Another writer is not held up by the token's row until this one commits.
            other.execute("UPDATE claims_claim SET kind = 'factual' WHERE id = -1")
        assert other.execute(read).fetchone() != before


def test_migrate_puts_back_triggers_that_a_table_rebuild_dropped(world) -> None:
    tokens = next(watch for watch in triggers.WATCHED if watch.model == "authtoken.Token")
    name, table, _, _ = triggers._triggers(tokens)[0]  # on insert
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
        else:
            cursor.execute(f'DROP TRIGGER "{name}"')
    first, second = UserFactory.create(), UserFactory.create()
    before = current_token()
    Token.objects.create(user=first)
    assert current_token() == before  # what a rebuilt table would miss

    call_command("migrate", verbosity=0)

    assert name in _trigger_names()
    after_migrate = current_token()
    assert after_migrate != before  # a new deployment's code may render data differently
    Token.objects.create(user=second)
    assert current_token() != after_migrate


def _trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_every_watched_table_has_its_triggers() -> None:
    expected = {name for watch in triggers.WATCHED for name, _, _, _ in triggers._triggers(watch)}

    assert expected <= _trigger_names()
    assert len(expected) >= 20


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_migrate_leaves_triggers_that_are_up_to_date_alone() -> None:
    def trigger_ids() -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_trigger WHERE tgname LIKE 'apicache%'")
            return {row[0] for row in cursor.fetchall()}

    before = trigger_ids()
    token = current_token()

    call_command("migrate", verbosity=0)

    assert trigger_ids() == before  # replacing them would have locked every watched table
    assert current_token() != token
