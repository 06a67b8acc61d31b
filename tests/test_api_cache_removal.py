"""``migrate`` takes out what the retired API response cache put in a database: its data
version table, and the triggers (and, on PostgreSQL, the function and sequence) that
changed it on every write to the claims, editorial and account tables.

These tests commit (``transaction=True``): they migrate the test database back and forth.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from claims.models import Claim
from claims.services.claims import claim_create
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_REMOVAL = "0003_quotecheck_from_verification"

# As the cache created them, in short: a data version row changed by triggers.
LEFTOVERS = {
    "postgresql": [
        "CREATE TABLE apicache_dataversion (id smallint PRIMARY KEY, token bigint NOT NULL)",
        "INSERT INTO apicache_dataversion VALUES (1, 0)",
        "CREATE SEQUENCE apicache_data_version_seq",
        """
        CREATE FUNCTION apicache_data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE apicache_dataversion SET token = nextval('apicache_data_version_seq');
            RETURN NULL;
        END $$
        """,
        """
        CREATE CONSTRAINT TRIGGER apicache_data_version_claims_claim_insert
        AFTER INSERT ON claims_claim DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION apicache_data_version_bump()
        """,
        """
        CREATE CONSTRAINT TRIGGER apicache_data_version_accounts_user_update
        AFTER UPDATE ON accounts_user DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION apicache_data_version_bump()
        """,
    ],
    "sqlite": [
        "CREATE TABLE apicache_dataversion (id smallint PRIMARY KEY, token bigint NOT NULL)",
        "INSERT INTO apicache_dataversion VALUES (1, 0)",
        """
        CREATE TRIGGER apicache_data_version_claims_claim_insert AFTER INSERT ON claims_claim
        FOR EACH ROW BEGIN UPDATE apicache_dataversion SET token = random(); END
        """,
        """
        CREATE TRIGGER apicache_data_version_accounts_user_update AFTER UPDATE ON accounts_user
        FOR EACH ROW BEGIN UPDATE apicache_dataversion SET token = random(); END
        """,
    ],
}


def cache_objects() -> set[str]:
    """The names of the cache's tables, triggers, functions and sequences in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'apicache%' "
                "UNION SELECT proname FROM pg_proc WHERE proname LIKE 'apicache%' "
                "UNION SELECT relname FROM pg_class WHERE relname LIKE 'apicache%'"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'apicache%'")
        return {name for (name,) in cursor.fetchall()}


def test_a_new_database_has_nothing_of_the_cache() -> None:
    assert cache_objects() == set()
    assert not ContentType.objects.filter(app_label="apicache").exists()


def test_migrate_removes_the_cache_from_an_existing_database() -> None:
    call_command("migrate", "claims", BEFORE_REMOVAL, verbosity=0)
    with connection.cursor() as cursor:
        for statement in LEFTOVERS[connection.vendor]:
            cursor.execute(statement)
    ContentType.objects.create(app_label="apicache", model="dataversion")
    MigrationRecorder(connection).record_applied("apicache", "0001_data_version")
    assert len(cache_objects()) >= 3

    call_command("migrate", verbosity=0)

    assert cache_objects() == set()
    assert not ContentType.objects.filter(app_label="apicache").exists()
    assert not MigrationRecorder(connection).migration_qs.filter(app="apicache").exists()
    # The tables the triggers were on take writes again without them.
    reviewer = UserFactory.create(roles=["reviewer"])
    claim_create(article=ArticleFactory.create(), created_by=reviewer, quote="planted 4,000")
    reviewer.save()
    assert Claim.objects.count() == 1
