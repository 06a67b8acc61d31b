"""Who may do what: one place for the rules that the API, the web UI and the admin share.

- Anonymous visitors (and signed-in users without a role) read published articles
  and their published claims, nothing else.
- Reviewers read everything; they create claims, evidence, ratings and comments and
  change or delete only their own (a claim only while nobody has rated it, and its
  passage too: a rating is of the words it was given for).
- Editors may do everything reviewers can, and change or delete anything.
- Staff users (admins) may do everything.
- The editorial workflow: reviewers start a claim's review, mark it ready once its
  ratings reach consensus, and discuss it; only editors assign reviewers, make the
  other moves of ``claims.transitions`` (reject, reopen, send back), and publish.
- An article's metadata (title, byline, publisher, original URL, publication date) is
  corrected by any reviewer or editor; once the article is published, by editors only,
  since readers have seen it.
- What a claim says and who said it (summary, claimant, date, appearances) is
  described by reviewers and editors; once the claim is published, by editors only.
  Reviewers add claimants; editors change or delete them (they are shared by every
  article that quotes them).
- A new revision of an article's text (pasted, or fetched again from its URL) is added,
  and a claim the revision lost is settled (moved to the passage offered, or dismissed),
  by any reviewer while the article is unpublished; once it is published, by editors
  only, since it moves the claims readers have seen.
- A source's URL is set by its article's importer or an editor; once the article
  is published, by an editor only (history records who changed it).
- A fact-check is public (its page and ClaimReview) once the claim is published
  in a published article, the same rule as for reading claims. Anyone may report an
  error on it; editors read, answer, resolve or dismiss those reports, and only
  editors correct a published verdict (with a correction note the public reads).
- Ratings are independent (``BLIND_RATINGS``, on by default): a reviewer sees the
  other reviewers' ratings of a claim and its consensus only once they have rated it
  themselves, or once it is published. Editors see them all along.
- Suggested claims are read by whoever reads their article; reviewers and editors
  dismiss one, which hides it for the whole team.
- Archived copies of fetched pages (a snapshot's text, its original HTML, its WARC file)
  are for signed-in reviewers and editors only: they reproduce other sites' pages.
- A published fact-check whose sources changed since publication is flagged for
  editors (the "source changed" queue), who decide whether it needs a correction.
- Webhooks (``webhooks``) send the desk's events to other systems: editors and staff
  subscribe, and see and change every subscription (a newsroom's, not a person's); a
  subscription's deliveries stop when its owner no longer may.
- Editors link two claims as the same claim (and unlink them); everyone who reads a
  claim sees the linked claims they may read, with their verdicts.
- Someone at the server's command line (``manage.py`` without ``--user``) acts as
  ``OPERATOR``, with an editor's rights: they hold the database already.

The write services call the ``check_*`` functions before they write: each raises
``PermissionDenied`` with a sentence a person can act on. The adapters only
translate the refusal (a 403 JSON body, a 403 page or form error, the admin's
``has_*_permission``), and read the ``can_*`` functions to show what a user may do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from claims.statuses import ArticleStatus, ClaimStatus
from claims.transitions import Who, transition_for

if TYPE_CHECKING:  # the models' QuerySets ask these rules: no import of the models here
    from claims.models import Article, Claim, Claimant, Evidence, Source


class _Operator:
    """The person running a management command without naming a user."""

    is_authenticated = True
    is_active = True
    is_staff = True
    is_superuser = True
    pk = None
    username = "operator"

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR: Any = _Operator()


def person(actor: Any) -> Any:
    """The user to record as the author of a write: None for the operator or anonymous."""
    if actor is None or actor is OPERATOR or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def role_names(user: Any) -> frozenset[str]:
    """The names of ``user``'s groups, read once per user object: permission checks run
    several times per request."""
    if not hasattr(user, "_role_names"):
        remember_role_names(user, [group.name for group in user.groups.all()])
    names: frozenset[str] = user._role_names
    return names


def remember_role_names(user: Any, names: Iterable[str]) -> None:
    """Give ``user`` its group names without a query (e.g. from a cache)."""
    user._role_names = frozenset(names)


def is_editor(user: Any) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or Role.EDITOR in role_names(user)


def is_reviewer(user: Any) -> bool:
    """Reviewers and everyone above them."""
    if is_editor(user):
        return True
    return bool(user and user.is_authenticated and user.is_active) and (
        Role.REVIEWER in role_names(user)
    )


def can_change_article(user: Any, article: Article) -> bool:
    """Its metadata: any reviewer while it is unpublished, editors always."""
    if is_editor(user):
        return True
    return is_reviewer(user) and article.status != ArticleStatus.PUBLISHED


def can_revise_article(user: Any, article: Article) -> bool:
    """Add a revision of its text, or settle a claim a revision lost: as its details."""
    return can_change_article(user, article)


def can_delete_article(user: Any, article: Article) -> bool:
    return is_editor(user)


def can_change_article_status(user: Any, article: Article) -> bool:
    """Putting an article in review or publishing it is an editor's decision."""
    return is_editor(user)


def can_change_claim(user: Any, claim: Claim) -> bool:
    return is_editor(user) or (is_reviewer(user) and claim.created_by_id == user.pk)


def can_delete_claim(user: Any, claim: Claim, *, has_ratings: bool) -> bool:
    if is_editor(user):
        return True
    return is_reviewer(user) and claim.created_by_id == user.pk and not has_ratings


def can_change_claim_span(user: Any, claim: Claim, *, has_ratings: bool) -> bool:
    """Moving a claim to other words: as deleting it, since its ratings are of the old ones."""
    return can_delete_claim(user, claim, has_ratings=has_ratings)


def can_describe_claim(user: Any, claim: Claim) -> bool:
    """May ``user`` change the claim's summary, claimant, date and appearances?"""
    if claim.status == ClaimStatus.PUBLISHED:
        return is_editor(user)
    return is_reviewer(user)


def can_create_claimant(user: Any) -> bool:
    return is_reviewer(user)


def can_change_claimant(user: Any, claimant: Claimant) -> bool:
    return is_editor(user)


def can_change_evidence(user: Any, evidence: Evidence) -> bool:
    return is_editor(user) or (is_reviewer(user) and evidence.author_id == user.pk)


# --- Editorial workflow --------------------------------------------------------


def can_transition_claim(user: Any, claim: Claim, to_status: str) -> bool:
    """May ``user`` make this move? (A move not in the table is refused by the service,
    with the reason, for anyone who may make moves at all.)"""
    transition = transition_for(claim.status, to_status)
    if transition is None or transition.who == Who.REVIEWERS:
        return is_reviewer(user)
    return is_editor(user)


def needs_consensus_first(user: Any, claim: Claim, to_status: str) -> bool:
    """Must the claim's ratings reach consensus before ``user`` makes this move? (Reviewers
    mark a claim ready only then; editors decide.)"""
    transition = transition_for(claim.status, to_status)
    return (
        transition is not None and transition.needs_consensus_unless_editor and not is_editor(user)
    )


def needs_own_rating_first(user: Any, claim: Claim, to_status: str, *, has_rated: bool) -> bool:
    """Must ``user`` rate the claim before this move? A move that waits for the consensus
    would tell, under independent ratings, what the consensus is: a reviewer makes it
    only once the consensus is theirs to see."""
    return (
        needs_consensus_first(user, claim, to_status)
        and not has_rated
        and not sees_every_rating(user)
    )


def can_move_claim_now(
    user: Any, claim: Claim, to_status: str, *, consensus: bool, has_rated: bool = True
) -> bool:
    """May ``user`` make this move now, the claim's ratings having reached a consensus or
    not, and ``user`` having rated it or not? What the UI offers; the services refuse the
    rest with the reason."""
    if transition_for(claim.status, to_status) is None:
        return False
    if not can_transition_claim(user, claim, to_status):
        return False
    if needs_own_rating_first(user, claim, to_status, has_rated=has_rated):
        return False
    return consensus or not needs_consensus_first(user, claim, to_status)


def can_assign_reviewers(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def can_publish_claim(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def can_link_claims(user: Any) -> bool:
    """Saying two claims are the same claim is an editorial decision."""
    return is_editor(user)


def can_comment_on_claim(user: Any, claim: Claim) -> bool:
    return is_reviewer(user)


# --- Independent ratings --------------------------------------------------------

OTHERS_RATINGS_HIDDEN = (
    "Rate this claim to see the other ratings: they stay hidden until you have given yours."
)


def sees_every_rating(user: Any) -> bool:
    """Editors (and staff) see every rating and consensus; everyone does with
    ``BLIND_RATINGS`` off."""
    return not settings.BLIND_RATINGS or is_editor(user)


def can_see_others_ratings(user: Any, claim_status: str, *, has_rated: bool) -> bool:
    """May ``user`` see the other reviewers' verdicts, confidences and rationales of a
    claim (in ``claim_status``), and its consensus? ``has_rated``: has ``user`` rated it?

    On a list, ``claims.models.others_ratings_visible_q`` says the same in SQL.
    """
    return sees_every_rating(user) or has_rated or claim_status == ClaimStatus.PUBLISHED


def others_ratings_hidden_reason(user: Any, claim_status: str, *, has_rated: bool) -> str | None:
    """Why the others' ratings are hidden from ``user``, or None when they are not."""
    if can_see_others_ratings(user, claim_status, has_rated=has_rated):
        return None
    return OTHERS_RATINGS_HIDDEN


def can_handle_correction_requests(user: Any) -> bool:
    """Readers' reports of errors are read, answered, resolved and dismissed by editors."""
    return is_editor(user)


def can_view_archives(user: Any) -> bool:
    """The archived copies of fetched pages (snapshots' bodies and WARC files)."""
    return is_reviewer(user)


def can_see_source_changes_since_publication(user: Any) -> bool:
    """The "source changed since publication" flags: for the editors who correct."""
    return is_editor(user)


def can_report_error(claim: Claim) -> bool:
    """Anyone, without an account, may report an error on a public fact-check."""
    return is_public_claim(claim)


def can_change_comment(user: Any, comment: Any) -> bool:
    """Edit or delete a comment (``editorial.models.Comment``): its author, and editors
    (who moderate the discussion)."""
    return is_editor(user) or (is_reviewer(user) and comment.author_id == user.pk)


def is_public_claim(claim: Claim) -> bool:
    return claim.status == ClaimStatus.PUBLISHED and claim.article.status == ArticleStatus.PUBLISHED


def is_public_article(article: Article) -> bool:
    return article.status == ArticleStatus.PUBLISHED


def can_set_source_url(user: Any, source: Source) -> bool:
    return can_set_source_urls_of(user, source.article)


def can_set_source_urls_of(user: Any, article: Article) -> bool:
    """May ``user`` set the URLs of this article's sources (the same for all of them)?"""
    if is_editor(user):
        return True
    return (
        is_reviewer(user)
        and article.imported_by_id == user.pk
        and article.status != ArticleStatus.PUBLISHED
    )


def can_read_everyones_notifications(user: Any) -> bool:
    """Read anyone's notifications, e-mail preferences and replies to readers (the admin):
    each is one person's, about claims whose ratings that person may see. Editors see
    every rating."""
    return is_editor(user)


def can_manage_webhooks(user: Any) -> bool:
    """Subscribe to the desk's events, and see, change or delete any subscription."""
    return is_editor(user)


# --- Checks the write services make before they write ------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def check_import_article(user: Any) -> None:
    _require(is_reviewer(user), "Only reviewers and editors may import articles.")


def check_change_article(user: Any, article: Article, *, fields: Iterable[str]) -> None:
    changing = set(fields)
    if "status" in changing:
        _require(
            can_change_article_status(user, article),
            "Only editors put articles in review or publish them.",
        )
    if changing - {"status"}:
        if is_reviewer(user) and not can_change_article(user, article):
            raise PermissionDenied(
                "The article is published: only editors may correct its details."
            )
        _require(
            can_change_article(user, article),
            "Only reviewers and editors may correct an article's details.",
        )


def check_revise_article(user: Any, article: Article) -> None:
    if is_reviewer(user) and not can_revise_article(user, article):
        raise PermissionDenied(
            "The article is published: only editors may add a revision or settle its claims."
        )
    _require(
        can_revise_article(user, article),
        "Only reviewers and editors may add a revision of an article.",
    )


def check_delete_article(user: Any, article: Article) -> None:
    _require(can_delete_article(user, article), "Only editors may delete articles.")


def check_set_source_url(user: Any, source: Source) -> None:
    if is_reviewer(user) and not can_set_source_url(user, source):
        if source.article.status == ArticleStatus.PUBLISHED:
            raise PermissionDenied(
                "The article is published: only editors may change its sources' URLs."
            )
        raise PermissionDenied(
            "Only editors and the reviewer who imported the article may set its sources' URLs."
        )
    _require(is_reviewer(user), "Only reviewers and editors may change sources.")


def check_request_fetch(user: Any, source: Source) -> None:
    _require(is_reviewer(user), "Only reviewers and editors may fetch sources.")


def check_create_claim(user: Any, article: Article) -> None:
    _require(is_reviewer(user), "Only reviewers and editors may mark claims.")


def can_dismiss_suggestion(user: Any) -> bool:
    """Hiding a suggested claim hides it for the whole team: reviewers and editors."""
    return is_reviewer(user)


def check_dismiss_suggestion(user: Any) -> None:
    _require(can_dismiss_suggestion(user), "Only reviewers and editors may dismiss suggestions.")


def check_change_claim(user: Any, claim: Claim) -> None:
    _require(
        can_change_claim(user, claim),
        "Only editors and the reviewer who marked this claim may change it.",
    )


def check_delete_claim(user: Any, claim: Claim, *, has_ratings: bool) -> None:
    _require(
        can_delete_claim(user, claim, has_ratings=has_ratings),
        "Only editors, or the reviewer who marked it while nobody has rated it, may "
        "delete this claim.",
    )


def check_change_claim_span(user: Any, claim: Claim, *, has_ratings: bool) -> None:
    check_change_claim(user, claim)
    _require(
        can_change_claim_span(user, claim, has_ratings=has_ratings),
        "The claim has ratings, which are of its present words: only editors may move it "
        "to another passage.",
    )


def check_describe_claim(user: Any, claim: Claim) -> None:
    if is_reviewer(user) and not can_describe_claim(user, claim):
        raise PermissionDenied(
            "The claim is published: only editors may change its summary, claimant, date "
            "or appearances."
        )
    _require(
        can_describe_claim(user, claim),
        "Only reviewers and editors may describe a claim.",
    )


def check_create_claimant(user: Any) -> None:
    _require(can_create_claimant(user), "Only reviewers and editors may add claimants.")


def check_change_claimant(user: Any, claimant: Claimant) -> None:
    _require(
        can_change_claimant(user, claimant),
        "Only editors may change or delete a claimant: every article that quotes them "
        "shares the record.",
    )


def check_create_evidence(user: Any, claim: Claim) -> None:
    _require(is_reviewer(user), "Only reviewers and editors may add evidence.")


def check_change_evidence(user: Any, evidence: Evidence) -> None:
    _require(
        can_change_evidence(user, evidence),
        "Only its author and editors may change this evidence.",
    )


def check_delete_evidence(user: Any, evidence: Evidence) -> None:
    _require(
        can_change_evidence(user, evidence),
        "Only its author and editors may delete this evidence.",
    )


def check_rate_claim(user: Any, claim: Claim, *, reviewer: Any) -> None:
    """``user`` rates as ``reviewer``: themselves, or (editors, in the admin) someone else."""
    if person(reviewer) is None:
        raise PermissionDenied("A rating is a person's: name the reviewer who gives it.")
    if not is_reviewer(reviewer):
        raise PermissionDenied(
            f"{reviewer.username} is not an active reviewer or editor, so cannot give a rating."
        )
    if reviewer.pk == getattr(user, "pk", None):
        _require(is_reviewer(user), "Only reviewers and editors may rate claims.")
    else:
        _require(is_editor(user), "Only editors may record or remove another reviewer's rating.")


def check_assign_reviewers(user: Any, claim: Claim) -> None:
    _require(can_assign_reviewers(user, claim), "Only editors may assign reviewers.")


def check_unassign_reviewers(user: Any, claim: Claim) -> None:
    _require(can_assign_reviewers(user, claim), "Only editors may unassign reviewers.")


def check_publish_claim(user: Any, claim: Claim) -> None:
    _require(can_publish_claim(user, claim), "Only editors may publish or unpublish a claim.")


def check_link_claims(user: Any) -> None:
    _require(can_link_claims(user), "Only editors may link or unlink claims as the same claim.")


def check_comment(user: Any, claim: Claim) -> None:
    _require(
        can_comment_on_claim(user, claim),
        "Only reviewers and editors may take part in the discussion.",
    )


def check_handle_correction_request(user: Any) -> None:
    _require(
        can_handle_correction_requests(user),
        "Only editors may read and answer readers' reports of errors.",
    )


def check_report_error(claim: Claim) -> None:
    _require(can_report_error(claim), "Errors can be reported on published fact-checks only.")


def check_change_comment(user: Any, comment: Any) -> None:
    _require(
        can_change_comment(user, comment),
        "Only its author and editors may edit this comment.",
    )


def check_delete_comment(user: Any, comment: Any) -> None:
    _require(
        can_change_comment(user, comment),
        "Only its author and editors may delete this comment.",
    )


def check_manage_webhooks(user: Any) -> None:
    _require(can_manage_webhooks(user), "Only editors and staff may manage webhooks.")
