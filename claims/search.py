"""Full-text search of claims and articles: the one place that picks the backend.

Queries use web search syntax: words (all of them), ``"a quoted phrase"``, ``-word`` or
``-"a phrase"`` (without it), ``a or b`` (either). On PostgreSQL they are read by
``websearch_to_tsquery`` in each row's language (stemmed where PostgreSQL has a text
search configuration for it), ranked by ``ts_rank`` and highlighted by ``ts_headline``.
On SQLite they are translated into an FTS5 query (Porter stemming, English), ranked by
BM25 and highlighted by ``snippet``; a SQLite library without FTS5 matches words with
``icontains``. The indexes and what keeps them current: ``claims/search_schema.py``.

Highlights come back as plain text with ``MARK_START`` / ``MARK_END`` around the
matches; ``highlight_parts`` splits them for a template to escape and mark up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    FloatField,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL

from claims import search_schema
from claims.models import Article, Claim

M = TypeVar("M", bound=Model)

RANK = "search_rank"  # the annotation ``matching`` adds: higher is better
MARK_START = "\ue000"  # private-use characters: never in an imported text (textnorm)
MARK_END = "\ue001"
MAX_QUERY_CHARS = 500
MAX_TERMS = 16
SNIPPET_WORDS = 30
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
# A term: an optional minus, then a quoted phrase (maybe unterminated) or a bare word.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')


def backend() -> str:
    """``postgresql``, ``fts5`` or ``icontains``: how this database searches."""
    if connection.vendor == "postgresql":
        return "postgresql"
    if connection.vendor == "sqlite" and search_schema.SQLITE_FTS5:
        return "fts5"
    return "icontains"


def clean_query(text: str) -> str:
    """What is searched for: no control characters (PostgreSQL refuses NUL), bounded."""
    return " ".join(_UNPRINTABLE.sub(" ", text or "").split())[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Term:
    words: str  # one word, or the words of a phrase
    negated: bool = False


def parse(text: str) -> list[list[Term]]:
    """The query as ``websearch_to_tsquery`` reads it: alternatives joined by ``or``, each
    a list of terms that must all match (``a b or c`` is a and b, or else c). Terms
    with no letter or digit are dropped; at most ``MAX_TERMS`` terms are kept."""
    alternatives: list[list[Term]] = [[]]
    count = 0
    for match in _TERM.finditer(clean_query(text)):
        minus, phrase, word = match.groups()
        words = " ".join((phrase if phrase is not None else word).split())
        if phrase is None and words.lower() == "or" and not minus:
            if alternatives[-1]:
                alternatives.append([])
            continue
        if not re.search(r"\w", words):
            continue
        count += 1
        if count > MAX_TERMS:
            break
        alternatives[-1].append(Term(words, negated=bool(minus)))
    return [terms for terms in alternatives if terms]


def fts5_query(text: str) -> str:
    """``text`` as an FTS5 query that means what it means to PostgreSQL: every term a
    quoted string (no character of the user's is FTS5 syntax), terms joined by AND,
    alternatives by OR, a negated term by NOT. FTS5 cannot search for "all but": an
    alternative with no positive term is left out, and the query may end up empty."""
    alternatives = []
    for terms in parse(text):
        positive = [_fts5_string(t.words) for t in terms if not t.negated]
        if not positive:
            continue
        query = "(" + " AND ".join(positive) + ")"
        for term in terms:
            if term.negated:
                query = f"({query} NOT {_fts5_string(term.words)})"
        alternatives.append(query)
    return " OR ".join(alternatives)


def _fts5_string(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def plain_words(text: str) -> list[str]:
    """The positive words of the query, for the ``icontains`` fallback (all of them)."""
    return [t.words for terms in parse(text) for t in terms if not t.negated][:10]


# --- Columns the models do not declare --------------------------------------------------


class TableSQL(Expression):
    """SQL about the current row of the queryset's own table, ``{table}`` standing for
    its alias: the search columns and FTS5 lookups the models know nothing of."""

    def __init__(self, sql: str, params: Iterable[Any] = (), *, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.sql = sql
        self.params = list(params)
        self.alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> TableSQL:
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> TableSQL:
        clone = self.copy()
        clone.alias = change_map.get(self.alias or "", self.alias)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(self.alias)
        return self.sql.format(table=table), self.params

    def get_group_by_cols(self) -> list[Any]:
        return [self]


def _vector() -> TableSQL:
    return TableSQL("{table}.search_vector", output_field=SearchVectorField())


def _config() -> TableSQL:
    return TableSQL("{table}.search_config", output_field=TextField())


def _row_query(text: str) -> SearchQuery:
    """The query read in the row's own language."""
    return SearchQuery(text, config=_config(), search_type="websearch")


def _readings(text: str) -> dict[str, list[str]]:
    """The query as read by each text search configuration the articles use, one
    query: {reading: [configurations]}, readings that are only stop words left out."""
    with connection.cursor() as cursor:
        # The distinct configurations by a skip scan of their index (one probe each),
        # where SELECT DISTINCT would read every article.
        cursor.execute(
            """WITH RECURSIVE used(config) AS (
                (SELECT search_config FROM claims_article WHERE search_config IS NOT NULL
                 ORDER BY search_config LIMIT 1)
                UNION ALL
                SELECT (SELECT a.search_config FROM claims_article a
                        WHERE a.search_config > used.config
                        ORDER BY a.search_config LIMIT 1)
                FROM used WHERE used.config IS NOT NULL
            )
            SELECT config::text, websearch_to_tsquery(config, %s)::text
            FROM used WHERE config IS NOT NULL""",
            [text],
        )
        readings: dict[str, list[str]] = {}
        for config, reading in cursor.fetchall():
            if reading:
                readings.setdefault(reading, []).append(config)
    return readings


def _matches_and_reading(readings: dict[str, list[str]]) -> tuple[TableSQL, TableSQL]:
    """The rows matching the query in their own language, and the query as the row's
    language reads it: constants, so the GIN index answers each reading (a handful:
    most languages read most queries alike), and no row parses the query again."""
    matches, cases = [], []
    match_params: list[Any] = []
    case_params: list[Any] = []
    for query, configs in readings.items():
        matches.append(
            "({table}.search_vector @@ %s::tsquery "
            "AND {table}.search_config = ANY(%s::regconfig[]))"
        )
        match_params += [query, configs]
        cases.append("WHEN {table}.search_config = ANY(%s::regconfig[]) THEN %s::tsquery")
        case_params += [configs, query]
    return (
        TableSQL("(" + " OR ".join(matches) + ")", match_params, output_field=BooleanField()),
        TableSQL("(CASE " + " ".join(cases) + " END)", case_params, output_field=TextField()),
    )


# --- Searching -----------------------------------------------------------------------

_FTS: dict[type[Model], tuple[str, str]] = {
    Claim: ("claims_claim_fts", "10.0, 4.0, 1.0"),
    Article: ("claims_article_fts", "4.0, 1.0"),
}
_ICONTAINS: dict[type[Model], tuple[str, ...]] = {
    Claim: ("quote", "summary", "article__title"),
    Article: ("title", "text"),
}


def matching(queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """The claims or articles of ``queryset`` that match ``text``, annotated with
    ``search_rank`` (higher is better) and ordered by it, best first. An empty query
    leaves the queryset as it is; one with no positive term matches nothing on SQLite."""
    model = queryset.model
    text = clean_query(text)
    if not parse(text):
        return queryset
    how = backend()
    if how == "postgresql":
        readings = _readings(text)
        if not readings:
            return queryset.none()  # only stop words
        matches, reading = _matches_and_reading(readings)
        queryset = queryset.filter(matches).annotate(**{RANK: SearchRank(_vector(), reading)})
    elif how == "fts5":
        query = fts5_query(text)
        if not query:
            return queryset.none()
        table, weights = _FTS[model]
        # Joined (``extra``: the ORM has no join to a table it does not know) so that
        # FTS5 runs the query once and ranks while it reads, not once per row.
        own = model._meta.db_table
        queryset = queryset.extra(
            tables=[table], where=[f"{table}.rowid = {own}.id", f"{table} MATCH %s"], params=[query]
        ).annotate(**{RANK: RawSQL(f"-bm25({table}, {weights})", [], output_field=FloatField())})
    else:
        words = plain_words(text)
        if not words:
            return queryset.none()
        for word in words:
            anywhere = Q()
            for field in _ICONTAINS[model]:
                anywhere |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(anywhere)
        queryset = queryset.annotate(**{RANK: Value(0.0, output_field=FloatField())})
    return queryset.order_by(f"-{RANK}", "-pk")


def newest_first(queryset: QuerySet[M]) -> QuerySet[M]:
    """A search's matches (``matching``), newest first, as the database reads them best:
    on SQLite in the order of the FTS5 table's rows, which FTS5 walks backwards and stops
    (ranking only the rows kept), where ordering by the claim's key sorts every match."""
    if backend() == "fts5" and queryset.model in _FTS:
        table, _ = _FTS[queryset.model]
        return queryset.order_by().extra(order_by=[f"-{table}.rowid"])
    return queryset.order_by("-pk")


def highlights(model: type[Claim] | type[Article], ids: Iterable[int], text: str) -> dict[int, str]:
    """A highlighted extract of each row's quote (claims) or text (articles), matches
    between ``MARK_START`` and ``MARK_END``: one query for all of ``ids``. Rows with no
    match in that field are left out (the caller shows the field as it is)."""
    ids = list(ids)
    text = clean_query(text)
    if not ids or not parse(text):
        return {}
    field = "quote" if model is Claim else "text"
    how = backend()
    rows = model._default_manager.filter(pk__in=ids)
    if how == "postgresql":
        headline = SearchHeadline(
            field,
            _row_query(text),
            config=_config(),
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=0 if model is Claim else 2,
            fragment_delimiter=" … ",
        )
        found = dict(rows.annotate(_headline=headline).values_list("pk", "_headline"))
    elif how == "fts5":
        query = fts5_query(text)
        if not query:
            return {}
        table, _ = _FTS[model]
        column = 0 if model is Claim else 1
        snippet = (
            f"(SELECT snippet({table}, {column}, %s, %s, ' … ', {SNIPPET_WORDS}) FROM {table} "
            f"WHERE {table} MATCH %s AND {table}.rowid = {{table}}.id)"
        )
        expression = TableSQL(snippet, [MARK_START, MARK_END, query], output_field=TextField())
        found = dict(rows.annotate(_headline=expression).values_list("pk", "_headline"))
    else:
        return {}
    return {pk: extract for pk, extract in found.items() if extract and MARK_START in extract}


def highlight_parts(extract: str) -> list[tuple[str, bool]]:
    """``extract`` as (text, is_a_match) pieces; stray or nested marks are ignored."""
    parts: list[tuple[str, bool]] = []
    inside = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", extract):
        if piece == MARK_START:
            inside = True
        elif piece == MARK_END:
            inside = False
        elif piece:
            parts.append((piece, inside))
    return parts
