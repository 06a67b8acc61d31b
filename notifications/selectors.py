"""Reads about notifications: a person's inbox, and who is told about a claim."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from claims import policies
from claims.models import Claim, Evidence, Rating, Source
from editorial.models import Assignment, Comment
from notifications.models import Notification


def inbox(*, user: Any, unread: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first, with what a list shows of their claim."""
    notifications = Notification.objects.filter(recipient_id=user.pk)
    if unread:
        notifications = notifications.unread()
    return notifications.select_related("claim__article", "actor").order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """The header's badge: one COUNT on the partial index of unread notifications."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def team_members() -> QuerySet[User]:
    """Active reviewers and editors (and admins): the people a mention can reach."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=Role.values) | Q(is_staff=True) | Q(is_superuser=True))
        .distinct()
    )


def mention_candidates(*, prefix: str, limit: int = 8) -> list[User]:
    """Team members whose username (or display name) starts with ``prefix``."""
    prefix = prefix.strip().lstrip("@")
    matches = team_members()
    if prefix:
        matches = matches.filter(
            Q(username__istartswith=prefix) | Q(display_name__istartswith=prefix)
        )
    return list(matches.order_by("username")[:limit])


def editors() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.EDITOR) | Q(is_staff=True) | Q(is_superuser=True))
        .distinct()
    )


def with_roles(users: QuerySet[User]) -> list[User]:
    """The users, each knowing its role names (two queries, whatever their number)."""
    found = list(users.prefetch_related("groups"))
    for user in found:
        policies.remember_role_names(user, [group.name for group in user.groups.all()])
    return found


def raters_of(claim: Claim) -> set[int]:
    return set(Rating.objects.filter(claim_id=claim.pk).values_list("reviewer_id", flat=True))


def reviewers_of(claim: Claim) -> set[int]:
    """Who rated the claim or is assigned to it."""
    assigned = Assignment.objects.filter(claim_id=claim.pk).values_list("reviewer_id", flat=True)
    return raters_of(claim) | set(assigned)


def commenters_before(comment: Comment) -> set[int]:
    """Who wrote in the claim's discussion before ``comment``."""
    authors = Comment.objects.filter(
        claim_id=comment.claim_id, author__isnull=False, pk__lt=comment.pk
    )
    return set(authors.values_list("author_id", flat=True))


def claims_relying_on(target: Source | Evidence) -> QuerySet[Claim]:
    """Claims that cite the source, or whose evidence is at its URL."""
    relying = Q(sources=target) if isinstance(target, Source) else Q(pk=target.claim_id)
    if target.url:
        relying |= Q(sources__url=target.url) | Q(evidence__url=target.url)
    return Claim.objects.filter(relying).distinct()


def people_on(claims: QuerySet[Claim]) -> dict[int, list[int]]:
    """For each person who created, rated or is assigned to one of ``claims``: the ids
    of those claims, in claim order (three queries)."""
    ids = list(claims.order_by("article_id", "number").values_list("pk", flat=True))
    order = {pk: n for n, pk in enumerate(ids)}
    pairs: set[tuple[int, int]] = set()
    creators = Claim.objects.filter(pk__in=ids, created_by__isnull=False)
    pairs.update(creators.values_list("created_by_id", "pk"))
    pairs.update(Rating.objects.filter(claim_id__in=ids).values_list("reviewer_id", "claim_id"))
    assigned = Assignment.objects.filter(claim_id__in=ids)
    pairs.update(assigned.values_list("reviewer_id", "claim_id"))
    people: dict[int, list[int]] = {}
    for user_id, claim_id in sorted(pairs, key=lambda pair: order[pair[1]]):
        people.setdefault(user_id, []).append(claim_id)
    return people


def users_named(names: Iterable[str]) -> dict[str, User | None]:
    """Each name (case-insensitive) to its active user, or None."""
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return {}
    match = Q()
    for name in wanted:
        match |= Q(username__iexact=name)
    found = {user.username.lower(): user for user in User.objects.filter(match, is_active=True)}
    return {name: found.get(key) for key, name in wanted.items()}
