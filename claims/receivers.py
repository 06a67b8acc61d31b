"""What the claims app does when its own events happen or the schema is migrated;
connected in ``ClaimsConfig.ready``."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connections

from claims import search_schema, tasks
from claims.models import Article

logger = logging.getLogger(__name__)


def article_imported(*, article: Article, **kwargs: Any) -> None:
    """Score the new article's sentences in the background: the reader's first view
    of a long article would otherwise wait seconds for its suggestions."""
    tasks.enqueue_suggestions_warm(article.pk)


def search_triggers_dropped(*, using: str = "default", **kwargs: Any) -> None:
    """Before ``migrate``: SQLite's search triggers out of the way of table rebuilds."""
    search_schema.drop_sqlite_triggers(connections[using])


def search_index_repaired(*, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put back the SQLite search triggers (dropped before it) and
    rebuild the index from the tables."""
    if search_schema.repair(connections[using]):
        logger.info("The SQLite search index was rebuilt after migrating.")
