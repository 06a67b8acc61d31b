"""The REST API, the web UI and the admin allow and refuse the same writes, as
``claims.policies`` says, and a refused write leaves the database as it was.

``EXPECTED`` is the one table of who may make each write. ``WRITES`` says how each
adapter makes it: the request it sends, or ``None`` where the adapter offers no such
write. Every (write, actor, adapter) is a case of its own, on data built afresh: an
allowed write answers success and happens, in the actor's name; a refused one answers
401/403 (the API), 403 or a redirect to sign in (the web UI, the admin), and changes
no row.

Only staff users enter the admin (and staff count as editors), so there a write that
the table allows a non-staff actor is still refused, by a redirect to the admin's login.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.admin import site as admin_site
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from claims import policies
from claims.models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    Claim,
    Claimant,
    ClaimAppearance,
    ClaimKind,
    ClaimStatus,
    Evidence,
    Rating,
    Source,
    SourceStatus,
    Stance,
    Verdict,
)
from editorial.models import (
    Assignment,
    ClaimConsensus,
    ClaimTransition,
    Comment,
    ConsensusState,
    Correction,
    CorrectionRequest,
    CorrectionRequestStatus,
    Publication,
)
from editorial.services.workflow import claim_publish
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
    UserFactory,
)

# Who may read the others' ratings is tested in test_blind_ratings.py; here every rating
# is shown, so that "mark ready" is decided by the consensus rule alone.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_rating_shown")]

ACTORS = ("anonymous", "deactivated", "owner", "other", "editor", "staff", "editor_staff")
ADAPTERS = ("api", "web", "admin")

NEW_TEXT = "Wetlands cover a tenth of the county, the survey says.\n"
NEW_URL = "https://parks.example/report-2023"
EXCERPT = "3,950 trees were planted."
RATIONALE = "The parks department's report says 3,950."
REVISED = "\n\nUpdated: the survey was repeated in spring."


@dataclass
class World:
    """Everything a write may act on; ``owner`` imported, marked and wrote all of it."""

    actor: User | None  # who makes the write; None for an anonymous visitor
    users: dict[str, User]
    rater: User  # a third reviewer: gave the rating of ``rated``, assigned to ``in_review``
    draft: Article
    published: Article
    needs_url: Source  # of the draft
    dead: Source  # of the draft, with a URL that failed
    published_source: Source  # of the published article, needing a URL
    claim: Claim  # open, nobody rated it
    rated: Claim  # open, rated by ``rater``
    in_review: Claim  # its ratings have reached consensus
    ready: Claim
    published_claim: Claim
    evidence: Evidence  # on ``claim``
    rating: Rating  # ``rater``'s, of ``rated``
    assignment: Assignment  # ``rater`` on ``in_review``
    report: CorrectionRequest  # a reader's, open, on ``published_claim``
    comment: Comment  # the owner's, on ``claim``
    claimant: Claimant  # made no claim of the world's
    mine: Rating | None = None  # the actor's own rating, for the "my rating" writes

    @property
    def owner(self) -> User:
        return self.users["owner"]

    @property
    def actor_pk(self) -> int:
        """The actor as the reviewer a form names (the owner for a visitor, who is refused
        before the form is read)."""
        return (self.actor or self.owner).pk


def build_world(actor_name: str) -> World:
    users = {
        "deactivated": UserFactory.create(roles=["reviewer"], is_active=False),
        "owner": UserFactory.create(roles=["reviewer"]),
        "other": UserFactory.create(roles=["reviewer"]),
        "editor": UserFactory.create(roles=["editor"]),
        "staff": UserFactory.create(is_staff=True),
        "editor_staff": UserFactory.create(roles=["editor"], is_staff=True),
    }
    owner, rater = users["owner"], UserFactory.create(roles=["reviewer"])
    draft = ArticleFactory.create(imported_by=owner)
    published = ArticleFactory.create(imported_by=owner, status=ArticleStatus.PUBLISHED)

    def claim(start: int, end: int, **fields: Any) -> Claim:
        return ClaimFactory.create(article=draft, start=start, end=end, created_by=owner, **fields)

    in_review = claim(9, 16, status=ClaimStatus.IN_REVIEW)
    ClaimConsensus.objects.create(
        claim=in_review, state=ConsensusState.CONSENSUS, verdict=Verdict.FALSE, agreement=1.0
    )
    ready = claim(17, 28, status=ClaimStatus.READY)
    published_claim = claim(29, 36, status=ClaimStatus.READY)
    claim_publish(
        claim=published_claim,
        editor=users["editor"],
        verdict=Verdict.FALSE,
        rationale=RATIONALE,
        note="Decided by the desk.",
        confirm_no_evidence=True,
    )
    rated = claim(37, 44)
    first = claim(0, 8)
    return World(
        actor=None if actor_name == "anonymous" else users[actor_name],
        users=users,
        rater=rater,
        draft=draft,
        published=published,
        needs_url=SourceFactory.create(article=draft, url="", status=SourceStatus.NEEDS_URL),
        dead=SourceFactory.create(article=draft, status=SourceStatus.DEAD, status_detail="404"),
        published_source=SourceFactory.create(
            article=published, url="", status=SourceStatus.NEEDS_URL
        ),
        claim=first,
        rated=rated,
        in_review=in_review,
        ready=ready,
        published_claim=published_claim,
        evidence=EvidenceFactory.create(claim=first, author=owner, note=""),
        rating=RatingFactory.create(claim=rated, reviewer=rater),
        assignment=Assignment.objects.create(
            claim=in_review, reviewer=rater, assigned_by=users["editor"]
        ),
        report=CorrectionRequest.objects.create(
            claim=published_claim, message="The figure is 3,950, not 4,000."
        ),
        comment=Comment.objects.create(claim=first, author=owner, body="Which report?"),
        claimant=ClaimantFactory.create(name="Dana Ruiz"),
    )


def give_the_actor_a_rating(w: World) -> None:
    if w.actor is not None:
        w.mine = RatingFactory.create(claim=w.claim, reviewer=w.actor, verdict=Verdict.TRUE)


def my_rating(w: World) -> Rating:
    """The actor's rating (for a visitor, who has none, any rating: they are refused)."""
    return w.mine or w.rating


# --- How each adapter makes a write --------------------------------------------

ApiRequest = tuple[str, str, dict[str, Any]]  # method, path, JSON body
FormPost = tuple[str, dict[str, Any]]  # path, form fields


def admin_url(obj: models.Model | type[models.Model], view: str) -> str:
    opts = obj._meta
    args = [] if isinstance(obj, type) else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def inline_forms(*prefixes: str) -> dict[str, str]:
    """The management forms of the admin's read-only inlines: they post no rows."""
    data: dict[str, str] = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def admin_delete(obj: models.Model) -> FormPost:
    return admin_url(obj, "delete"), {"post": "yes"}


def admin_action(model: type[models.Model], action: str, obj: models.Model) -> FormPost:
    return admin_url(model, "changelist"), {"action": action, "_selected_action": [obj.pk]}


def admin_article_change(article: Article, **changes: Any) -> FormPost:
    fields = {"title": article.title, "byline": "", "publisher": "", "url": "", "published_on": ""}
    fields |= {"status": article.status, **changes}
    return admin_url(article, "change"), {**fields, **inline_forms("sources", "claims")}


def admin_claim_change(claim: Claim, **changes: Any) -> FormPost:
    fields = {"start": claim.start, "end": claim.end, "kind": claim.kind, "status": claim.status}
    fields |= {"note": "", **changes}
    return admin_url(claim, "change"), {**fields, **inline_forms("evidence", "ratings")}


def admin_rating_change(rating: Rating) -> FormPost:
    fields = {"verdict": Verdict.FALSE, "confidence": "high", "rationale": RATIONALE}
    return admin_url(rating, "change"), fields


def api_move(claim: Claim, to: str, note: str = "") -> ApiRequest:
    return "post", f"/api/v1/claims/{claim.pk}/transition/", {"to": to, "note": note}


def web_move(claim: Claim, to: str, note: str = "") -> FormPost:
    return f"/claims/{claim.pk}/move/", {"to": to, "note": note}


RATING = {"verdict": Verdict.FALSE, "confidence": "high", "rationale": RATIONALE}
PUBLISH = {
    "verdict": Verdict.FALSE,
    "rationale": RATIONALE,
    "note": "The desk decides.",
    "confirm_no_evidence": True,
}
CORRECT = {**PUBLISH, "verdict": Verdict.MOSTLY_FALSE, "correction": "Fewer trees than we said."}


@dataclass(frozen=True)
class Write:
    # The write happened, in the actor's name (checked when it is allowed).
    done: Callable[[World], bool]
    api: Callable[[World], ApiRequest] | None
    web: Callable[[World], FormPost] | None
    admin: Callable[[World], FormPost] | None
    prepare: Callable[[World], None] = field(default=lambda w: None)


def gone(
    model: type[models.Model], pick: Callable[[World], models.Model]
) -> Callable[[World], bool]:
    return lambda w: not model._default_manager.filter(pk=pick(w).pk).exists()


def now(obj: Callable[[World], models.Model], **values: Any) -> Callable[[World], bool]:
    """The row picked from the world now has these values."""

    def check(w: World) -> bool:
        row = obj(w)
        row.refresh_from_db()
        return all(getattr(row, name) == value for name, value in values.items())

    return check


WRITES: dict[str, Write] = {
    "import an article": Write(
        done=lambda w: Article.objects.filter(
            text__contains="Wetlands cover", imported_by=w.actor
        ).exists(),
        api=lambda w: ("post", "/api/v1/articles/", {"body": NEW_TEXT, "format": "text"}),
        web=lambda w: ("/articles/import/", {"via": "paste", "content": NEW_TEXT}),
        admin=lambda w: (admin_url(Article, "add"), {"content": NEW_TEXT}),
    ),
    "change an article's metadata": Write(
        done=now(lambda w: w.draft, title="Renamed", publisher="The Gazette"),
        api=lambda w: (
            "patch",
            f"/api/v1/articles/{w.draft.pk}/",
            {"title": "Renamed", "publisher": "The Gazette"},
        ),
        web=lambda w: (
            f"/articles/{w.draft.pk}/details/",
            {"title": "Renamed", "publisher": "The Gazette", "byline": "", "url": ""},
        ),
        admin=lambda w: admin_article_change(w.draft, title="Renamed", publisher="The Gazette"),
    ),
    "correct a published article's metadata": Write(
        done=now(lambda w: w.published, publisher="The Gazette"),
        api=lambda w: (
            "patch",
            f"/api/v1/articles/{w.published.pk}/",
            {"publisher": "The Gazette"},
        ),
        web=lambda w: (
            f"/articles/{w.published.pk}/details/",
            {"title": w.published.title, "publisher": "The Gazette", "byline": "", "url": ""},
        ),
        admin=lambda w: admin_article_change(w.published, publisher="The Gazette"),
    ),
    "change an article's status": Write(
        done=now(lambda w: w.draft, status=ArticleStatus.IN_REVIEW),
        api=lambda w: ("patch", f"/api/v1/articles/{w.draft.pk}/", {"status": "in_review"}),
        web=lambda w: (f"/articles/{w.draft.pk}/status/", {"status": "in_review"}),
        admin=lambda w: admin_action(Article, "mark_in_review", w.draft),
    ),
    "add a revision of an article": Write(
        done=lambda w: ArticleRevision.objects.filter(
            article=w.draft, number=2, created_by=w.actor
        ).exists(),
        api=lambda w: (
            "post",
            f"/api/v1/articles/{w.draft.pk}/revisions/",
            {"body": w.draft.text + REVISED},
        ),
        web=lambda w: (f"/articles/{w.draft.pk}/revisions/", {"content": w.draft.text + REVISED}),
        admin=None,  # revisions are added in the reader
    ),
    "add a revision of a published article": Write(
        done=lambda w: ArticleRevision.objects.filter(
            article=w.published, number=2, created_by=w.actor
        ).exists(),
        api=lambda w: (
            "post",
            f"/api/v1/articles/{w.published.pk}/revisions/",
            {"body": w.published.text + REVISED},
        ),
        web=lambda w: (
            f"/articles/{w.published.pk}/revisions/",
            {"content": w.published.text + REVISED},
        ),
        admin=None,
    ),
    "delete an article": Write(
        done=gone(Article, lambda w: w.draft),
        api=lambda w: ("delete", f"/api/v1/articles/{w.draft.pk}/", {}),
        web=None,
        admin=lambda w: admin_delete(w.draft),
    ),
    "set a source's URL": Write(
        done=now(lambda w: w.needs_url, url=NEW_URL, status=SourceStatus.PENDING),
        api=lambda w: ("patch", f"/api/v1/sources/{w.needs_url.pk}/", {"url": NEW_URL}),
        web=lambda w: (f"/sources/{w.needs_url.pk}/url/", {"url": NEW_URL}),
        admin=lambda w: (
            admin_url(w.needs_url, "change"),
            {"url": NEW_URL, **inline_forms("snapshots")},
        ),
    ),
    "set a source's URL in a published article": Write(
        done=now(lambda w: w.published_source, url=NEW_URL),
        api=lambda w: ("patch", f"/api/v1/sources/{w.published_source.pk}/", {"url": NEW_URL}),
        web=lambda w: (f"/sources/{w.published_source.pk}/url/", {"url": NEW_URL}),
        admin=lambda w: (
            admin_url(w.published_source, "change"),
            {"url": NEW_URL, **inline_forms("snapshots")},
        ),
    ),
    "correct the URL of a source fetched already": Write(
        done=now(lambda w: w.dead, url=NEW_URL, status=SourceStatus.PENDING, status_detail=""),
        api=lambda w: ("patch", f"/api/v1/sources/{w.dead.pk}/", {"url": NEW_URL}),
        web=lambda w: (f"/sources/{w.dead.pk}/url/", {"url": NEW_URL}),
        admin=lambda w: (
            admin_url(w.dead, "change"),
            {"url": NEW_URL, **inline_forms("snapshots")},
        ),
    ),
    "ask for a source to be fetched again": Write(
        done=now(lambda w: w.dead, status=SourceStatus.PENDING),
        api=lambda w: ("post", f"/api/v1/sources/{w.dead.pk}/fetch/", {}),
        web=lambda w: (f"/sources/{w.dead.pk}/fetch/", {}),
        admin=lambda w: admin_action(Source, "fetch_again", w.dead),
    ),
    "mark a claim": Write(
        done=lambda w: Claim.objects.filter(
            article=w.draft, quote="Critics say", created_by=w.actor
        ).exists(),
        api=lambda w: ("post", "/api/v1/claims/", {"article": w.draft.pk, "quote": "Critics say"}),
        web=lambda w: (
            f"/articles/{w.draft.pk}/claims/new/",
            {"quote": "Critics say", "kind": ClaimKind.FACTUAL},
        ),
        admin=lambda w: (
            admin_url(Claim, "add"),
            {"article": w.draft.pk, "quote": "Critics say", "kind": ClaimKind.FACTUAL},
        ),
    ),
    "change a claim's kind and sources": Write(
        done=lambda w: (
            now(lambda w: w.claim, kind=ClaimKind.OPINION)(w)
            and list(w.claim.sources.all()) == [w.dead]
        ),
        api=lambda w: (
            "patch",
            f"/api/v1/claims/{w.claim.pk}/",
            {"kind": ClaimKind.OPINION, "sources": [w.dead.pk]},
        ),
        web=lambda w: (
            f"/claims/{w.claim.pk}/edit/",
            {"kind": ClaimKind.OPINION, "sources": [w.dead.pk]},
        ),
        admin=lambda w: admin_claim_change(w.claim, kind=ClaimKind.OPINION, sources=[w.dead.pk]),
    ),
    "move a claim nobody rated to another passage": Write(
        done=lambda w: now(lambda w: w.claim, start=50, end=60, quote=w.draft.text[50:60])(w),
        api=lambda w: ("patch", f"/api/v1/claims/{w.claim.pk}/", {"start": 50, "end": 60}),
        web=lambda w: (f"/claims/{w.claim.pk}/passage/", {"start": 50, "end": 60}),
        admin=lambda w: admin_claim_change(w.claim, start=50, end=60),
    ),
    "move a claim someone rated to another passage": Write(
        done=now(lambda w: w.rated, start=50, end=60),
        api=lambda w: ("patch", f"/api/v1/claims/{w.rated.pk}/", {"start": 50, "end": 60}),
        web=lambda w: (f"/claims/{w.rated.pk}/passage/", {"start": 50, "end": 60}),
        admin=lambda w: admin_claim_change(w.rated, start=50, end=60),
    ),
    "delete a claim nobody rated": Write(
        done=gone(Claim, lambda w: w.claim),
        api=lambda w: ("delete", f"/api/v1/claims/{w.claim.pk}/", {}),
        web=lambda w: (f"/claims/{w.claim.pk}/delete/", {}),
        admin=lambda w: admin_delete(w.claim),
    ),
    "delete a claim someone rated": Write(
        done=gone(Claim, lambda w: w.rated),
        api=lambda w: ("delete", f"/api/v1/claims/{w.rated.pk}/", {}),
        web=lambda w: (f"/claims/{w.rated.pk}/delete/", {}),
        admin=lambda w: admin_delete(w.rated),
    ),
    "add evidence": Write(
        done=lambda w: Evidence.objects.filter(
            claim=w.claim, excerpt=EXCERPT, author=w.actor
        ).exists(),
        api=lambda w: (
            "post",
            f"/api/v1/claims/{w.claim.pk}/evidence/",
            {"stance": Stance.REFUTES, "excerpt": EXCERPT},
        ),
        web=lambda w: (
            f"/claims/{w.claim.pk}/evidence/",
            {"stance": Stance.REFUTES, "excerpt": EXCERPT},
        ),
        admin=lambda w: (
            admin_url(Evidence, "add"),
            {"claim": w.claim.pk, "stance": Stance.REFUTES, "excerpt": EXCERPT},
        ),
    ),
    "change evidence": Write(
        done=now(lambda w: w.evidence, note="Page 12."),
        api=lambda w: (
            "patch",
            f"/api/v1/claims/{w.claim.pk}/evidence/{w.evidence.pk}/",
            {"note": "Page 12."},
        ),
        web=lambda w: (
            f"/claims/{w.claim.pk}/evidence/{w.evidence.pk}/edit/",
            {"stance": w.evidence.stance, "url": w.evidence.url, "note": "Page 12."},
        ),
        admin=lambda w: (
            admin_url(w.evidence, "change"),
            {
                "stance": w.evidence.stance,
                "url": w.evidence.url,
                "excerpt": w.evidence.excerpt,
                "note": "Page 12.",
                **inline_forms("snapshots"),
            },
        ),
    ),
    "delete evidence": Write(
        done=gone(Evidence, lambda w: w.evidence),
        api=lambda w: ("delete", f"/api/v1/claims/{w.claim.pk}/evidence/{w.evidence.pk}/", {}),
        web=lambda w: (f"/claims/{w.claim.pk}/evidence/{w.evidence.pk}/delete/", {}),
        admin=lambda w: admin_delete(w.evidence),
    ),
    "rate a claim": Write(
        done=lambda w: Rating.objects.filter(claim=w.claim, reviewer=w.actor).exists(),
        api=lambda w: ("put", f"/api/v1/claims/{w.claim.pk}/my-rating/", RATING),
        web=lambda w: (f"/claims/{w.claim.pk}/rating/", RATING),
        admin=lambda w: (
            admin_url(Rating, "add"),
            {"claim": w.claim.pk, "reviewer": w.actor_pk, **RATING},
        ),
    ),
    "change my rating": Write(
        prepare=give_the_actor_a_rating,
        done=now(my_rating, verdict=Verdict.FALSE, rationale=RATIONALE),
        api=lambda w: ("put", f"/api/v1/claims/{w.claim.pk}/my-rating/", RATING),
        web=lambda w: (f"/claims/{w.claim.pk}/rating/", RATING),
        admin=lambda w: admin_rating_change(my_rating(w)),
    ),
    "withdraw my rating": Write(
        prepare=give_the_actor_a_rating,
        done=gone(Rating, my_rating),
        api=lambda w: ("delete", f"/api/v1/claims/{w.claim.pk}/my-rating/", {}),
        web=lambda w: (f"/claims/{w.claim.pk}/rating/withdraw/", {}),
        admin=lambda w: admin_delete(my_rating(w)),
    ),
    # The API and the web UI address only the caller's own rating.
    "change another reviewer's rating": Write(
        done=now(lambda w: w.rating, verdict=Verdict.FALSE),
        api=None,
        web=None,
        admin=lambda w: admin_rating_change(w.rating),
    ),
    "withdraw another reviewer's rating": Write(
        done=gone(Rating, lambda w: w.rating),
        api=None,
        web=None,
        admin=lambda w: admin_delete(w.rating),
    ),
    "start a claim's review (open to in review)": Write(
        done=now(lambda w: w.claim, status=ClaimStatus.IN_REVIEW),
        api=lambda w: api_move(w.claim, ClaimStatus.IN_REVIEW),
        web=lambda w: web_move(w.claim, ClaimStatus.IN_REVIEW),
        admin=lambda w: admin_claim_change(w.claim, status=ClaimStatus.IN_REVIEW),
    ),
    "start a claim's review by changing the claim": Write(
        done=now(lambda w: w.claim, status=ClaimStatus.IN_REVIEW),
        api=lambda w: ("patch", f"/api/v1/claims/{w.claim.pk}/", {"status": "in_review"}),
        web=None,  # the same move as above, in the API's other shape
        admin=None,
    ),
    "mark a claim ready once its ratings agree": Write(
        done=now(lambda w: w.in_review, status=ClaimStatus.READY),
        api=lambda w: api_move(w.in_review, ClaimStatus.READY),
        web=lambda w: web_move(w.in_review, ClaimStatus.READY),
        admin=lambda w: admin_claim_change(w.in_review, status=ClaimStatus.READY),
    ),
    "send a claim back to open": Write(
        done=now(lambda w: w.in_review, status=ClaimStatus.OPEN),
        api=lambda w: api_move(w.in_review, ClaimStatus.OPEN),
        web=lambda w: web_move(w.in_review, ClaimStatus.OPEN),
        admin=lambda w: admin_claim_change(w.in_review, status=ClaimStatus.OPEN),
    ),
    "reject a claim, with a note": Write(
        done=now(lambda w: w.in_review, status=ClaimStatus.REJECTED),
        api=lambda w: api_move(w.in_review, ClaimStatus.REJECTED, "Not checkable."),
        web=lambda w: web_move(w.in_review, ClaimStatus.REJECTED, "Not checkable."),
        admin=lambda w: admin_claim_change(
            w.in_review, status=ClaimStatus.REJECTED, note="Not checkable."
        ),
    ),
    "assign a reviewer": Write(
        done=lambda w: Assignment.objects.filter(
            claim=w.claim, reviewer=w.rater, assigned_by=w.actor
        ).exists(),
        api=lambda w: (
            "post",
            f"/api/v1/claims/{w.claim.pk}/assignments/",
            {"reviewers": [w.rater.pk]},
        ),
        web=lambda w: (f"/claims/{w.claim.pk}/assign/", {"reviewers": [w.rater.pk]}),
        admin=lambda w: (
            admin_url(Assignment, "add"),
            {"claim": w.claim.pk, "reviewer": w.rater.pk},
        ),
    ),
    "unassign a reviewer": Write(
        done=gone(Assignment, lambda w: w.assignment),
        api=lambda w: (
            "delete",
            f"/api/v1/claims/{w.in_review.pk}/assignments/{w.rater.pk}/",
            {},
        ),
        web=None,  # the claim page assigns; it does not unassign
        admin=lambda w: admin_delete(w.assignment),
    ),
    "comment on a claim": Write(
        done=lambda w: Comment.objects.filter(
            claim=w.claim, body="Which report?", author=w.actor
        ).exists(),
        api=lambda w: ("post", f"/api/v1/claims/{w.claim.pk}/comments/", {"body": "Which report?"}),
        web=lambda w: (f"/claims/{w.claim.pk}/comments/", {"body": "Which report?"}),
        admin=None,  # comments are read-only in the admin
    ),
    "publish a claim": Write(
        done=lambda w: (
            now(lambda w: w.ready, status=ClaimStatus.PUBLISHED)(w)
            and Publication.objects.filter(claim=w.ready, published_by=w.actor).exists()
        ),
        api=lambda w: ("post", f"/api/v1/claims/{w.ready.pk}/publish/", PUBLISH),
        web=lambda w: (f"/claims/{w.ready.pk}/publish/", PUBLISH),
        admin=lambda w: (admin_url(Publication, "add"), {"claim": w.ready.pk, **PUBLISH}),
    ),
    "edit a comment": Write(
        done=lambda w: (
            now(lambda w: w.comment, body="Which page?")(w) and w.comment.edited_at is not None
        ),
        api=lambda w: (
            "patch",
            f"/api/v1/claims/{w.claim.pk}/comments/{w.comment.pk}/",
            {"body": "Which page?"},
        ),
        web=lambda w: (
            f"/claims/{w.claim.pk}/comments/{w.comment.pk}/edit/",
            {"body": "Which page?"},
        ),
        admin=lambda w: (admin_url(w.comment, "change"), {"body": "Which page?"}),
    ),
    "delete a comment": Write(
        done=gone(Comment, lambda w: w.comment),
        api=lambda w: ("delete", f"/api/v1/claims/{w.claim.pk}/comments/{w.comment.pk}/", {}),
        web=lambda w: (f"/claims/{w.claim.pk}/comments/{w.comment.pk}/delete/", {}),
        admin=lambda w: admin_delete(w.comment),
    ),
    "describe a claim": Write(
        done=now(lambda w: w.claim, summary="Trees were planted"),
        api=lambda w: (
            "patch",
            f"/api/v1/claims/{w.claim.pk}/",
            {"summary": "Trees were planted"},
        ),
        web=lambda w: (f"/claims/{w.claim.pk}/description/", {"summary": "Trees were planted"}),
        admin=None,  # described on the claim page
    ),
    "describe a published claim": Write(
        done=now(lambda w: w.published_claim, summary="Trees were planted"),
        api=lambda w: (
            "patch",
            f"/api/v1/claims/{w.published_claim.pk}/",
            {"summary": "Trees were planted"},
        ),
        web=lambda w: (
            f"/claims/{w.published_claim.pk}/description/",
            {"summary": "Trees were planted"},
        ),
        admin=None,
    ),
    "add a claimant": Write(
        done=lambda w: Claimant.objects.filter(name="Green Future", created_by=w.actor).exists(),
        api=lambda w: ("post", "/api/v1/claimants/", {"name": "Green Future"}),
        web=None,  # named in the claim forms
        admin=lambda w: (
            admin_url(Claimant, "add"),
            {"name": "Green Future", "kind": "organization", "same_as": "[]"},
        ),
    ),
    "change a claimant": Write(
        done=now(lambda w: w.claimant, description="Councillor"),
        api=lambda w: (
            "patch",
            f"/api/v1/claimants/{w.claimant.pk}/",
            {"description": "Councillor"},
        ),
        web=None,
        admin=lambda w: (
            admin_url(w.claimant, "change"),
            {"name": "Dana Ruiz", "kind": "person", "description": "Councillor", "same_as": "[]"},
        ),
    ),
    "unpublish a claim": Write(
        done=lambda w: (
            now(lambda w: w.published_claim, status=ClaimStatus.READY)(w)
            and not Publication.objects.filter(claim=w.published_claim).exists()
        ),
        api=lambda w: (
            "post",
            f"/api/v1/claims/{w.published_claim.pk}/unpublish/",
            {"note": "A correction."},
        ),
        web=lambda w: (f"/claims/{w.published_claim.pk}/unpublish/", {"note": "A correction."}),
        admin=None,  # unpublishing needs a note: it is done on the claim, not in the admin
    ),
    "correct a published verdict": Write(
        done=lambda w: Correction.objects.filter(
            claim=w.published_claim, corrected_by=w.actor, new_verdict=Verdict.MOSTLY_FALSE
        ).exists(),
        api=lambda w: ("post", f"/api/v1/claims/{w.published_claim.pk}/publish/", CORRECT),
        web=lambda w: (f"/claims/{w.published_claim.pk}/publish/", CORRECT),
        admin=None,  # published verdicts are read-only in the admin; correcting is on the claim
    ),
    "answer a reader's report": Write(
        done=now(lambda w: w.report, status=CorrectionRequestStatus.ANSWERED),
        api=lambda w: (
            "patch",
            f"/api/v1/correction-requests/{w.report.pk}/",
            {"status": "answered", "response": "Corrected."},
        ),
        web=lambda w: (
            f"/claims/{w.published_claim.pk}/reports/{w.report.pk}/",
            {"status": "answered", "response": "Corrected."},
        ),
        admin=lambda w: (
            admin_url(w.report, "change"),
            {"status": "answered", "response": "Corrected."},
        ),
    ),
}

# Who may make each write, by ``claims.policies``; the actors in the order of ``ACTORS``.
# The owner is the article's importer, the claim's creator, the evidence's author, the
# rating's giver; "other" is a reviewer who owns nothing.
Y, N = True, False
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                                               anon  deact owner other editor staff ed+st
    "import an article":                            (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change an article's metadata":                 (N,   N,    Y,    Y,    Y,     Y,    Y),
    "correct a published article's metadata":       (N,   N,    N,    N,    Y,     Y,    Y),
    "change an article's status":                   (N,   N,    N,    N,    Y,     Y,    Y),
    "add a revision of an article":                 (N,   N,    Y,    Y,    Y,     Y,    Y),
    "add a revision of a published article":        (N,   N,    N,    N,    Y,     Y,    Y),
    "delete an article":                            (N,   N,    N,    N,    Y,     Y,    Y),
    "set a source's URL":                           (N,   N,    Y,    N,    Y,     Y,    Y),
    "set a source's URL in a published article":     (N,   N,    N,    N,    Y,     Y,    Y),
    "correct the URL of a source fetched already":  (N,   N,    Y,    N,    Y,     Y,    Y),
    "ask for a source to be fetched again":         (N,   N,    Y,    Y,    Y,     Y,    Y),
    "mark a claim":                                 (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change a claim's kind and sources":            (N,   N,    Y,    N,    Y,     Y,    Y),
    "move a claim nobody rated to another passage": (N,   N,    Y,    N,    Y,     Y,    Y),
    "move a claim someone rated to another passage":(N,   N,    N,    N,    Y,     Y,    Y),
    "delete a claim nobody rated":                  (N,   N,    Y,    N,    Y,     Y,    Y),
    "delete a claim someone rated":                 (N,   N,    N,    N,    Y,     Y,    Y),
    "add evidence":                                 (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change evidence":                              (N,   N,    Y,    N,    Y,     Y,    Y),
    "delete evidence":                              (N,   N,    Y,    N,    Y,     Y,    Y),
    "rate a claim":                                 (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change my rating":                             (N,   N,    Y,    Y,    Y,     Y,    Y),
    "withdraw my rating":                           (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change another reviewer's rating":             (N,   N,    N,    N,    Y,     Y,    Y),
    "withdraw another reviewer's rating":           (N,   N,    N,    N,    Y,     Y,    Y),
    "start a claim's review (open to in review)":   (N,   N,    Y,    Y,    Y,     Y,    Y),
    "start a claim's review by changing the claim": (N,   N,    Y,    Y,    Y,     Y,    Y),
    "mark a claim ready once its ratings agree":    (N,   N,    Y,    Y,    Y,     Y,    Y),
    "send a claim back to open":                    (N,   N,    N,    N,    Y,     Y,    Y),
    "reject a claim, with a note":                  (N,   N,    N,    N,    Y,     Y,    Y),
    "assign a reviewer":                            (N,   N,    N,    N,    Y,     Y,    Y),
    "unassign a reviewer":                          (N,   N,    N,    N,    Y,     Y,    Y),
    "comment on a claim":                           (N,   N,    Y,    Y,    Y,     Y,    Y),
    "edit a comment":                               (N,   N,    Y,    N,    Y,     Y,    Y),
    "delete a comment":                             (N,   N,    Y,    N,    Y,     Y,    Y),
    "publish a claim":                              (N,   N,    N,    N,    Y,     Y,    Y),
    "unpublish a claim":                            (N,   N,    N,    N,    Y,     Y,    Y),
    "correct a published verdict":                  (N,   N,    N,    N,    Y,     Y,    Y),
    "answer a reader's report":                     (N,   N,    N,    N,    Y,     Y,    Y),
    "describe a claim":                             (N,   N,    Y,    Y,    Y,     Y,    Y),
    "describe a published claim":                   (N,   N,    N,    N,    Y,     Y,    Y),
    "add a claimant":                               (N,   N,    Y,    Y,    Y,     Y,    Y),
    "change a claimant":                            (N,   N,    N,    N,    Y,     Y,    Y),
}  # fmt: skip


def database_state() -> tuple[list[tuple[Any, ...]], ...]:
    """Every row a write of the table could change, by the fields it could change."""
    tables: list[tuple[type[models.Model], tuple[str, ...]]] = [
        (
            Article,
            ("id", "title", "byline", "publisher", "url", "published_on", "language", "status"),
        ),
        (ArticleRevision, ("id", "article_id", "number")),
        (Source, ("id", "url", "status", "status_detail")),
        (Claim, ("id", "kind", "status", "start", "end", "quote")),
        (Claim, ("id", "summary", "claimant_id", "claim_date")),
        (ClaimAppearance, ("id", "claim_id", "url", "is_first")),
        (Claimant, ("id", "name", "kind", "description")),
        (Claim.sources.through, ("claim_id", "source_id")),
        (Evidence, ("id", "stance", "url", "excerpt", "note")),
        (Rating, ("id", "reviewer_id", "verdict", "confidence", "rationale")),
        (Assignment, ("id", "claim_id", "reviewer_id")),
        (Comment, ("id", "claim_id", "body", "edited_at")),
        (ClaimTransition, ("id", "claim_id", "to_status")),
        (Publication, ("id", "claim_id", "verdict")),
        (Correction, ("id", "claim_id", "new_verdict")),
        (CorrectionRequest, ("id", "status", "response")),
    ]
    return tuple(sorted(model._default_manager.values_list(*fields)) for model, fields in tables)


# --- The adapters ----------------------------------------------------------------


def signed_in(actor: User | None) -> bool:
    return actor is not None and actor.is_active


def via_api(w: World, write: Write) -> Any:
    assert write.api is not None
    client = APIClient()
    if w.actor is not None:  # a token, as API clients sign in
        token = Token.objects.create(user=w.actor)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    method, path, body = write.api(w)
    return getattr(client, method)(path, body, format="json")


def _signed_in_client(actor: User | None) -> Client:
    client = Client()  # CSRF checks off, as for a form posted from the page
    if actor is not None:
        # A deactivated user's session no longer signs them in (Django's rule).
        client.force_login(actor)
    return client


def via_web(w: World, write: Write) -> Any:
    assert write.web is not None
    path, data = write.web(w)
    return _signed_in_client(w.actor).post(path, data)


def via_admin(w: World, write: Write) -> Any:
    assert write.admin is not None
    path, data = write.admin(w)
    return _signed_in_client(w.actor).post(path, data)


VIA = {"api": via_api, "web": via_web, "admin": via_admin}


def assert_allowed(adapter: str, response: Any) -> None:
    if adapter == "api":
        assert 200 <= response.status_code < 300, response.content[:1000]
        return
    # The web UI and the admin answer a successful POST with a redirect; a form with
    # errors comes back as a page (200 or 422), or (the claim page's forms) redirects to
    # its page's error summary.
    assert response.status_code == 302, response.content.decode()[:3000]
    location = response["Location"]
    assert not location.startswith(("/signin/", "/admin/login/")), location
    assert not location.endswith("-errors"), location


def assert_refused(adapter: str, response: Any, actor: User | None) -> None:
    status = response.status_code
    if adapter == "api":
        assert status == (403 if signed_in(actor) else 401), response.content[:1000]
        assert response.json()["detail"]
    elif adapter == "web":
        if signed_in(actor):
            assert status == 403, response.content.decode()[:3000]
        else:
            assert status == 302
            assert response["Location"].startswith("/signin/?next="), response["Location"]
    elif signed_in(actor) and actor is not None and actor.is_staff:
        assert status == 403, response.content.decode()[:3000]
    else:
        assert status == 302
        assert response["Location"].startswith("/admin/login/?next="), response["Location"]


def expected(write_name: str, actor_name: str, adapter: str, actor: User | None) -> bool:
    allowed = EXPECTED[write_name][ACTORS.index(actor_name)]
    if adapter == "admin":
        # Only staff enter the admin at all.
        return allowed and actor is not None and actor.is_staff
    return allowed


CASES = [
    pytest.param(name, actor, adapter, id=f"{adapter}: {actor}: {name}")
    for name, write in WRITES.items()
    for adapter in ADAPTERS
    if getattr(write, adapter) is not None
    for actor in ACTORS
]


def test_the_table_names_every_write_and_every_actor() -> None:
    assert EXPECTED.keys() == WRITES.keys()
    assert all(len(row) == len(ACTORS) for row in EXPECTED.values())


@pytest.mark.parametrize(("write_name", "actor_name", "adapter"), CASES)
def test_each_adapter_allows_and_refuses_a_write_as_the_table_says(
    write_name: str, actor_name: str, adapter: str
) -> None:
    write = WRITES[write_name]
    w = build_world(actor_name)
    write.prepare(w)
    before = database_state()

    response = VIA[adapter](w, write)

    if expected(write_name, actor_name, adapter, w.actor):
        assert_allowed(adapter, response)
        assert write.done(w), "the adapter answered success but the write did not happen"
    else:
        assert_refused(adapter, response, w.actor)
        assert database_state() == before, "a refused write changed the database"


# --- The admin's pages show what the policies allow ---------------------------------


def admin_change_pages(w: World) -> list[str]:
    return [
        admin_url(obj, "change")
        for obj in (
            w.draft,
            w.needs_url,
            w.claim,
            w.evidence,
            w.rating,
            w.assignment,
            Publication.objects.get(claim=w.published_claim),
            Comment.objects.create(claim=w.claim, author=w.owner, body="Which report?"),
        )
    ]


@pytest.mark.parametrize("actor_name", ["owner", "other", "editor", "deactivated"])
def test_a_user_who_is_not_staff_cannot_open_any_admin_change_page(actor_name: str) -> None:
    w = build_world(actor_name)
    client = _signed_in_client(w.actor)
    for url in admin_change_pages(w):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url


def buttons(page: str) -> dict[str, bool]:
    return {
        "save": 'name="_save"' in page,
        "delete": bool(re.search(r'href="[^"]*/delete/"[^>]*class="deletelink"', page)),
    }


def test_an_editors_admin_buttons_follow_the_policies() -> None:
    w = build_world("editor_staff")
    editor = w.users["editor_staff"]
    client = _signed_in_client(editor)
    RatingFactory.create(claim=w.claim, reviewer=w.rater)  # a claim with ratings, now
    publication = Publication.objects.get(claim=w.published_claim)
    comment = Comment.objects.create(claim=w.claim, author=w.owner, body="Which report?")
    # What the policies let an editor do with each row; read-only rows are changed only
    # by the services that make them (publishing, the discussion), nowhere in the admin.
    shown = {
        w.draft: {
            "save": policies.can_change_article(editor, w.draft),
            "delete": policies.can_delete_article(editor, w.draft),
        },
        w.published_source: {
            "save": policies.can_set_source_url(editor, w.published_source),
            "delete": False,  # sources come and go with their article
        },
        w.claim: {
            "save": policies.can_change_claim(editor, w.claim),
            "delete": policies.can_delete_claim(editor, w.claim, has_ratings=True),
        },
        w.evidence: {
            "save": policies.can_change_evidence(editor, w.evidence),
            "delete": policies.can_change_evidence(editor, w.evidence),
        },
        w.rating: {"save": policies.is_editor(editor), "delete": policies.is_editor(editor)},
        w.assignment: {
            "save": False,  # an assignment is made or removed, not changed
            "delete": policies.can_assign_reviewers(editor, w.in_review),
        },
        publication: {"save": False, "delete": False},
        comment: {
            "save": policies.can_change_comment(editor, comment),
            "delete": policies.can_change_comment(editor, comment),
        },
    }
    assert shown[w.claim] == {"save": True, "delete": True}  # an editor deletes rated claims
    for obj, expected_buttons in shown.items():
        response = client.get(admin_url(obj, "change"))
        assert response.status_code == 200, admin_url(obj, "change")
        assert buttons(response.content.decode()) == expected_buttons, obj._meta.model_name


@pytest.mark.parametrize("actor_name", ["owner", "other", "editor", "editor_staff", "staff"])
def test_the_admins_permissions_are_the_policies_for_every_signed_in_user(
    actor_name: str,
) -> None:
    """Asked directly (past the admin's staff-only door), each model admin answers what
    ``claims.policies`` says: the admin cannot offer what the API and the web UI refuse."""
    w = build_world(actor_name)
    user = w.actor
    RatingFactory.create(claim=w.claim, reviewer=w.rater)
    request: Any = RequestFactory().get("/admin/")
    request.user = user

    def admin_for(model: type[models.Model]) -> Any:
        return admin_site._registry[model]

    answers = {
        ("change", w.draft): policies.can_change_article(user, w.draft),
        ("delete", w.draft): policies.can_delete_article(user, w.draft),
        ("change", w.needs_url): policies.can_set_source_url(user, w.needs_url),
        ("change", w.published_source): policies.can_set_source_url(user, w.published_source),
        ("change", w.claim): policies.can_change_claim(user, w.claim),
        ("delete", w.claim): policies.can_delete_claim(user, w.claim, has_ratings=True),
        ("delete", w.ready): policies.can_delete_claim(user, w.ready, has_ratings=False),
        ("change", w.evidence): policies.can_change_evidence(user, w.evidence),
        ("delete", w.evidence): policies.can_change_evidence(user, w.evidence),
        ("change", w.rating): policies.is_editor(user),
        ("delete", w.rating): policies.is_editor(user),
        ("delete", w.assignment): policies.can_assign_reviewers(user, w.in_review),
        ("change", w.comment): policies.can_change_comment(user, w.comment),
        ("delete", w.comment): policies.can_change_comment(user, w.comment),
    }
    for (permission, obj), allowed in answers.items():
        model_admin = admin_for(type(obj))
        method = getattr(model_admin, f"has_{permission}_permission")
        assert method(request, obj) is allowed, (permission, obj._meta.model_name)
    assert admin_for(Assignment).has_add_permission(request) is policies.is_editor(user)
    assert admin_for(Publication).has_add_permission(request) is policies.is_editor(user)
    assert admin_for(Article).has_add_permission(request) is policies.is_reviewer(user)


def test_evidence_added_in_the_admin_is_the_editors_own_whatever_author_the_form_names() -> None:
    """As in the API and the web UI: the admin once took the author from the form, checked
    that person's rights instead of the editor's (a 403 for a former reviewer) and
    recorded the change as theirs."""
    w = build_world("editor_staff")
    editor = w.users["editor_staff"]
    for named in (w.users["deactivated"], w.users["other"]):
        response = _signed_in_client(editor).post(
            admin_url(Evidence, "add"),
            {"claim": w.claim.pk, "author": named.pk, "stance": Stance.REFUTES, "excerpt": EXCERPT},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        evidence = Evidence.objects.get(excerpt=EXCERPT)
        assert evidence.author == editor
        assert evidence.history.latest().history_user == editor
        evidence.delete()
