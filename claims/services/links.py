"""The same claim: editors link claims that say one thing (checked in several articles,
or repeated in one), so that they show each other's verdicts and count once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from claims import policies
from claims.history import save_as
from claims.models import Claim, ClaimLink, SameClaim


def _links_of(*claims: Claim) -> dict[int, ClaimLink]:
    rows = ClaimLink.objects.select_for_update().filter(claim__in=claims)
    return {link.claim_id: link for link in rows}


@transaction.atomic
def claims_link(*, claim: Claim, other: Claim, user: Any) -> SameClaim:
    """Link ``other`` to ``claim`` as the same claim; returns their group. Linking claims
    already linked changes nothing; linking two groups makes them one."""
    policies.check_link_claims(user)
    if claim.pk == other.pk:
        raise ValidationError({"claim": "A claim cannot be linked to itself."}, code="itself")
    links = _links_of(claim, other)
    mine, theirs = links.get(claim.pk), links.get(other.pk)
    if mine and theirs and mine.group_id == theirs.group_id:
        return mine.group
    if mine is None and theirs is None:
        group = SameClaim.objects.create()
    else:
        group = (mine or theirs).group  # type: ignore[union-attr]
    for joining in (claim, other):
        link = links.get(joining.pk)
        if link is None:
            save_as(ClaimLink(claim=joining, group=group, linked_by=policies.person(user)), user)
        elif link.group_id != group.pk:  # the other group joins this one
            old = link.group
            for moving in ClaimLink.objects.select_for_update().filter(group=old):
                moving.group = group
                save_as(moving, user)
            old.delete()
    return group


@transaction.atomic
def claims_unlink(*, claim: Claim, other: Claim, user: Any) -> None:
    """``other`` is not the same claim as ``claim``: it leaves their group (and with it
    the claims linked to it through the group). A group of one is no group."""
    policies.check_link_claims(user)
    links = _links_of(claim, other)
    mine, theirs = links.get(claim.pk), links.get(other.pk)
    if mine is None or theirs is None or mine.group_id != theirs.group_id:
        raise ValidationError(
            {"claim": f"{other.label} is not linked to {claim.label}."}, code="not_linked"
        )
    group = mine.group
    _delete(theirs, user)
    left = list(ClaimLink.objects.select_for_update().filter(group=group))
    if len(left) <= 1:
        for link in left:
            _delete(link, user)
        group.delete()


def _delete(link: ClaimLink, user: Any) -> None:
    if policies.person(user) is not None:
        link._history_user = user  # type: ignore[attr-defined]
    link.delete()
