"""Who may do what: one place for the rules that the API, the web UI and the admin share.

- Anonymous visitors (and signed-in users without a role) read published articles
  and their published claims, nothing else.
- Reviewers read everything; they create claims, evidence and ratings and change or
  delete only their own (a claim only while nobody has rated it).
- Editors may do everything reviewers can, and change or delete anything.
- Staff users (admins) may do everything.
- The editorial workflow: reviewers start a claim's review, mark it ready once its
  ratings reach consensus, and discuss it; only editors assign reviewers, make the
  other moves of ``editorial.transitions`` (reject, reopen, send back), and publish.
- A fact-check is public (its page and ClaimReview) once the claim is published
  in a published article, the same rule as for reading claims.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from accounts.models import Role
from claims.statuses import ArticleStatus, ClaimStatus
from claims.transitions import Who, transition_for

if TYPE_CHECKING:  # the models' QuerySets ask these rules: no import of the models here
    from claims.models import Article, Claim, Evidence


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
    return is_editor(user) or (is_reviewer(user) and article.imported_by_id == user.pk)


def can_delete_article(user: Any, article: Article) -> bool:
    return is_editor(user)


def can_change_article_status(user: Any, article: Article) -> bool:
    """Putting an article in review or publishing it is an editor's decision."""
    return is_editor(user)


def can_change_claim(user: Any, claim: Claim) -> bool:
    return is_editor(user) or (is_reviewer(user) and claim.created_by_id == user.pk)


def can_change_claim_status(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def can_delete_claim(user: Any, claim: Claim, *, has_ratings: bool) -> bool:
    if is_editor(user):
        return True
    return is_reviewer(user) and claim.created_by_id == user.pk and not has_ratings


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


def can_assign_reviewers(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def can_publish_claim(user: Any, claim: Claim) -> bool:
    return is_editor(user)


def can_comment_on_claim(user: Any, claim: Claim) -> bool:
    return is_reviewer(user)


def is_public_claim(claim: Claim) -> bool:
    return claim.status == ClaimStatus.PUBLISHED and claim.article.status == ArticleStatus.PUBLISHED
