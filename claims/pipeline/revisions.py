"""Store a new revision of an article's text and anchor its claims and sources in it again.

The pasted version (``claims.services.revisions``) and the page fetched again from the
article's URL (the recheck job) both come here. Nothing here queues a job: the callers
queue the fetches of the new sources and the quote checks of the changed claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from claims import events
from claims.history import save_as
from claims.models import (
    AnchorState,
    Article,
    ArticleRevision,
    Claim,
    ClaimKind,
    ImportStatus,
    RevisionOrigin,
    Source,
    SourceStatus,
)
from claims.pipeline.article_store import content_sha256, revision_one
from claims.policies import person
from claims.url_rules import fetchable_url_for
from texts.anchoring import (
    Outcome,
    Reanchoring,
    context_of,
    passage_score,
    reanchor,
    same_words,
)
from texts.extraction import ExtractedDocument, ExtractedLink
from texts.textnorm import is_blank

# While sources are renumbered, their old positions move out of the new ones' way.
_POSITION_SHIFT = 1_000_000
# A link whose href changed is taken for the old source when its words, context and
# place score at least this (texts.anchoring's weights).
_SAME_LINK_SCORE = 0.75


@dataclass
class RevisionOutcome:
    revision: ArticleRevision | None  # None: the text had not changed
    latest: ArticleRevision  # the article's latest revision after this
    same: int = 0
    changed: int = 0
    orphaned: int = 0
    sources_new: int = 0
    sources_removed: int = 0
    source_ids: list[int] = field(default_factory=list)  # the sources to fetch
    claim_ids: list[int] = field(default_factory=list)  # the quote claims to check again

    @property
    def summary(self) -> dict[str, int]:
        return {"same": self.same, "changed": self.changed, "orphaned": self.orphaned}

    @property
    def message(self) -> str:
        if self.revision is None:
            return f"The text is the same as revision {self.latest.number}: no new revision."
        return (
            f"Revision {self.revision.number}: {self.same} claims unchanged, {self.changed} "
            f"changed, {self.orphaned} not found; {self.sources_new} new sources, "
            f"{self.sources_removed} no longer in the text."
        )


def first_revision(article: Article) -> ArticleRevision:
    """The article's latest revision, revision 1 being made of its text now if it has none."""
    latest = ArticleRevision.objects.filter(article=article).order_by("-number").first()
    if latest is not None:
        return latest
    revision = revision_one(
        article,
        origin=RevisionOrigin.PASTED,
        created_at=article.created_at,
        created_by=article.imported_by,
    )
    Claim.objects.filter(article=article, revision__isnull=True).update(revision=revision)
    return revision


@transaction.atomic
def revision_apply(
    *,
    article_id: int,
    document: ExtractedDocument,
    source_text: str,
    source_format: str,
    origin: str,
    user: Any,
) -> RevisionOutcome:
    """Make ``document`` the article's latest revision, unless its text is unchanged."""
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.import_status != ImportStatus.READY:
        raise ValidationError(
            "The article has no text yet (its import is not finished): it cannot be revised.",
            code="not_ready",
        )
    if is_blank(document.text):
        raise ValidationError("The new version has no text once its markup is removed.")
    latest = first_revision(article)
    if document.text == article.text and document.structure == article.structure:
        return RevisionOutcome(revision=None, latest=latest)
    old_text = article.text
    revision = ArticleRevision.objects.create(
        article=article,
        number=latest.number + 1,
        text=document.text,
        structure=document.structure,
        source_text=source_text,
        source_format=source_format,
        content_sha256=content_sha256(source_text),
        origin=origin,
        created_by=person(user),
    )
    article.text, article.structure = document.text, document.structure
    article.source_text, article.source_format = source_text, source_format
    article.content_sha256 = revision.content_sha256
    save_as(
        article,
        user,
        update_fields=[
            "text",
            "structure",
            "source_text",
            "source_format",
            "content_sha256",
            "updated_at",
        ],
    )
    outcome = RevisionOutcome(revision=revision, latest=revision)
    _reanchor_claims(article, revision, old_text=old_text, user=user, outcome=outcome)
    _rematch_sources(article, document.links, old_text=old_text, user=user, outcome=outcome)
    revision.summary = {
        **outcome.summary,
        "sources_new": outcome.sources_new,
        "sources_removed": outcome.sources_removed,
    }
    revision.save(update_fields=["summary"])
    return outcome


# --- Claims ------------------------------------------------------------------------


def _reanchor_claims(
    article: Article,
    revision: ArticleRevision,
    *,
    old_text: str,
    user: Any,
    outcome: RevisionOutcome,
) -> None:
    claims = list(
        Claim.objects.filter(article=article, orphan_dismissed_at__isnull=True).order_by("pk")
    )
    found = {claim.pk: _reanchor_claim(claim, revision.text, old_text) for claim in claims}
    # Claims trade places (a paragraph moved): out of the unique span's way first.
    Claim.objects.filter(pk__in=list(found)).update(anchor_state=AnchorState.ORPHANED)
    for claim in claims:
        _settle(claim, found[claim.pk], revision, user=user, outcome=outcome)


def _reanchor_claim(claim: Claim, text: str, old_text: str) -> Reanchoring:
    if claim.anchor_state == AnchorState.ORPHANED:  # its offsets are of an older text
        return reanchor(text, quote=claim.quote, prefix=claim.prefix, suffix=claim.suffix)
    return reanchor(
        text,
        quote=claim.quote,
        prefix=claim.prefix,
        suffix=claim.suffix,
        start=claim.start,
        old_length=len(old_text),
    )


CLAIM_ANCHOR_FIELDS = [
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "revision",
    "anchor_state",
    "quote_as_marked",
    "anchor_candidate",
    "updated_at",
]


def _settle(
    claim: Claim,
    found: Reanchoring,
    revision: ArticleRevision,
    *,
    user: Any,
    outcome: RevisionOutcome,
) -> None:
    text = revision.text
    if found.span is not None:
        old_quote = claim.quote
        new_quote = text[found.span.start : found.span.end]
        as_marked = claim.quote_as_marked or old_quote
        moved = _copy(claim)
        claim.start, claim.end = found.span.start, found.span.end
        claim.quote, claim.prefix, claim.suffix = new_quote, found.span.prefix, found.span.suffix
        claim.revision, claim.anchor_candidate = revision, {}
        if same_words(as_marked, new_quote):
            claim.anchor_state, claim.quote_as_marked = AnchorState.CURRENT, ""
        else:
            claim.anchor_state, claim.quote_as_marked = AnchorState.CHANGED, as_marked
        try:
            with transaction.atomic():
                save_as(claim, user, update_fields=CLAIM_ANCHOR_FIELDS)
        except IntegrityError:  # another claim took exactly these words
            _restore(claim, moved)
            found = Reanchoring(Outcome.ORPHANED, None, found.score, candidate=found.span)
        else:
            if found.outcome == Outcome.CHANGED:
                outcome.changed += 1
                if claim.kind == ClaimKind.QUOTE:
                    outcome.claim_ids.append(claim.pk)
                events.emit(
                    events.claim_wording_changed,
                    claim=claim,
                    old_quote=old_quote,
                    new_quote=new_quote,
                    actor=user,
                )
            else:
                outcome.same += 1
            return
    claim.anchor_state = AnchorState.ORPHANED
    candidate = found.candidate
    claim.anchor_candidate = (
        {
            "start": candidate.start,
            "end": candidate.end,
            "text": text[candidate.start : candidate.end],
            "score": round(found.score, 3),
        }
        if candidate is not None
        else {}
    )
    save_as(claim, user, update_fields=CLAIM_ANCHOR_FIELDS)
    outcome.orphaned += 1


def _copy(claim: Claim) -> dict[str, Any]:
    return {name: getattr(claim, name) for name in CLAIM_ANCHOR_FIELDS if name != "updated_at"}


def _restore(claim: Claim, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(claim, name, value)


# --- Sources -----------------------------------------------------------------------


def _rematch_sources(
    article: Article,
    links: list[ExtractedLink],
    *,
    old_text: str,
    user: Any,
    outcome: RevisionOutcome,
) -> None:
    """Each link of the new text is the old source it matches (same href, else the same
    place and words), or a new source; the old sources left over are no longer in it."""
    old = list(Source.objects.filter(article=article).order_by("position"))
    pairs = _link_pairs(old, links, text=article.text, old_text=old_text)
    Source.objects.filter(article=article).update(position=F("position") + _POSITION_SHIFT)
    matched: dict[int, Source] = {}
    updated: list[Source] = []
    for index, source in pairs.items():
        link = links[index]
        source.position, source.anchor_text = index + 1, link.anchor_text
        source.start, source.end, source.in_text = link.start, link.end, True
        if link.href != source.href:
            source.href = link.href
            url = fetchable_url_for(link.href, base_url=article.url)
            if url != source.url:
                source.url = url
                source.restart_fetch()
                if url:
                    outcome.source_ids.append(source.pk)
        matched[source.pk] = source
        updated.append(source)
    leftover = [source for source in old if source.pk not in matched]
    for offset, source in enumerate(leftover, start=len(links) + 1):
        source.position = offset
        if source.in_text:
            source.in_text = False
            outcome.sources_removed += 1
        updated.append(source)
    if updated:
        bulk_update_with_history(
            updated,
            Source,
            [
                "position",
                "anchor_text",
                "href",
                "url",
                "start",
                "end",
                "in_text",
                "status",
                "status_detail",
            ],
            batch_size=500,
            default_user=person(user),
        )
    taken = set(pairs)
    new = []
    for index, link in enumerate(links):
        if index in taken:
            continue
        url = fetchable_url_for(link.href, base_url=article.url)
        new.append(
            Source(
                article=article,
                position=index + 1,
                anchor_text=link.anchor_text,
                href=link.href,
                url=url,
                start=link.start,
                end=link.end,
                status=SourceStatus.PENDING if url else SourceStatus.NEEDS_URL,
            )
        )
    bulk_create_with_history(new, Source, batch_size=500, default_user=person(user))
    outcome.sources_new = len(new)
    outcome.source_ids += [source.pk for source in new if source.url]


def _link_pairs(
    old: list[Source], links: list[ExtractedLink], *, text: str, old_text: str
) -> dict[int, Source]:
    """{index of a new link: the old source it is}, best pairs first."""
    by_href: dict[str, list[int]] = {}
    by_words: dict[str, list[int]] = {}
    for index, link in enumerate(links):
        by_href.setdefault(link.href, []).append(index)
        by_words.setdefault(" ".join(link.anchor_text.split()).casefold(), []).append(index)
    scored: list[tuple[float, int, int]] = []
    for number, source in enumerate(old):
        prefix, suffix = context_of(old_text, source.start, source.end)
        same_href = set(by_href.get(source.href, ()))
        words = " ".join(source.anchor_text.split()).casefold()
        for index in same_href | set(by_words.get(words, ()) if words else ()):
            link = links[index]
            score = _link_score(
                text, link, source, prefix=prefix, suffix=suffix, old_length=len(old_text)
            )
            if index in same_href:
                score += 1.0  # the same href first, wherever it moved
            elif score < _SAME_LINK_SCORE:
                continue
            scored.append((score, number, index))
    pairs: dict[int, Source] = {}
    used: set[int] = set()
    for _, number, index in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if index in pairs or number in used:
            continue
        pairs[index] = old[number]
        used.add(number)
    return pairs


def _link_score(
    text: str, link: ExtractedLink, source: Source, *, prefix: str, suffix: str, old_length: int
) -> float:
    expected = round(source.start * len(text) / old_length) if old_length else None
    return passage_score(
        text,
        link.start,
        link.end,
        quote=source.anchor_text,
        prefix=prefix,
        suffix=suffix,
        expected=expected,
    )
