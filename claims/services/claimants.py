"""Who made a claim (claimants), and how a claim is described: its summary, claimant,
date and the pages where it appears."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from claims import policies, stamps
from claims.history import save_as
from claims.models import Claim, Claimant, ClaimantKind, ClaimAppearance, fold_name
from claims.url_rules import URL_RULE, clean_web_url
from texts.textnorm import clean_line

MAX_SAME_AS = 20


@dataclass(frozen=True)
class NewClaimant:
    """A claimant given by name and kind: the existing one of that name, else a new one."""

    name: str
    kind: str = ClaimantKind.PERSON


@dataclass(frozen=True)
class Appearance:
    url: str
    first: bool = False


def clean_same_as(urls: Iterable[str]) -> list[str]:
    """The ``same_as`` URLs held to the URL rule, without blanks or repeats."""
    cleaned: list[str] = []
    for url in urls:
        if not isinstance(url, str):
            raise ValidationError({"same_as": URL_RULE}, code="invalid_url")
        try:
            url = clean_web_url(url, required=False)
        except ValidationError:
            raise ValidationError(
                {"same_as": f"{url[:100]!r}: {URL_RULE}"}, code="invalid_url"
            ) from None
        if url and url not in cleaned:
            cleaned.append(url)
    if len(cleaned) > MAX_SAME_AS:
        raise ValidationError(
            {"same_as": f"Give at most {MAX_SAME_AS} pages that identify the claimant."},
            code="too_many",
        )
    return cleaned


def _save_claimant(claimant: Claimant, user: Any, **kwargs: Any) -> Claimant:
    claimant.name = clean_line(claimant.name)
    claimant.description = clean_line(claimant.description)
    claimant.name_folded = fold_name(claimant.name)[:200]
    claimant.same_as = clean_same_as(claimant.same_as or [])
    claimant.full_clean(exclude=["same_as"])
    save_as(claimant, user, **kwargs)
    return claimant


def claimant_create(
    *,
    name: str,
    kind: str = ClaimantKind.PERSON,
    description: str = "",
    same_as: Iterable[str] = (),
    user: Any,
) -> Claimant:
    policies.check_create_claimant(user)
    claimant = Claimant(
        name=name,
        kind=kind,
        description=description,
        same_as=list(same_as),
        created_by=policies.person(user),
    )
    return _save_claimant(claimant, user)


_CLAIMANT_FIELDS = ("name", "kind", "description", "same_as")


def claimant_update(*, claimant: Claimant, user: Any, **changes: Any) -> Claimant:
    policies.check_change_claimant(user, claimant)
    unknown = set(changes) - set(_CLAIMANT_FIELDS)
    if unknown:
        raise ValidationError(f"Claimants have no such fields to change: {sorted(unknown)}.")
    for name, value in changes.items():
        setattr(claimant, name, list(value) if name == "same_as" else value)
    return _save_claimant(claimant, user)


def claimant_delete(*, claimant: Claimant, user: Any) -> None:
    policies.check_change_claimant(user, claimant)
    claimant._history_user = user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            claimant.delete()
    except ProtectedError:
        raise ValidationError(
            f"{claimant.name} made claims that are being checked: give those claims "
            "another claimant first.",
            code="protected",
        ) from None


def claimant_resolve(choice: Claimant | NewClaimant | None, *, user: Any) -> Claimant | None:
    """The claimant ``choice`` names: a new name is the claimant of that name if there is
    one (of that kind, if several share it), else a new claimant."""
    if choice is None or isinstance(choice, Claimant):
        return choice
    name = clean_line(choice.name)
    if not name:
        return None
    same_name = list(Claimant.objects.filter(name_folded=fold_name(name))[:20])
    if len(same_name) == 1:
        return same_name[0]
    of_kind = [claimant for claimant in same_name if claimant.kind == choice.kind]
    if of_kind:
        return of_kind[0]
    return claimant_create(name=name, kind=choice.kind, user=user)


def clean_appearances(appearances: Iterable[Appearance]) -> list[Appearance]:
    """Appearances held to the URL rule, each URL once (first if any copy was), one first."""
    wanted: dict[str, bool] = {}
    for appearance in appearances:
        try:
            url = clean_web_url(appearance.url)
        except ValidationError:
            raise ValidationError(
                {"appearances": f"{appearance.url[:100]!r}: {URL_RULE}"}, code="invalid_url"
            ) from None
        wanted[url] = wanted.get(url, False) or appearance.first
    if sum(wanted.values()) > 1:
        raise ValidationError(
            {"appearances": "Mark at most one page as the claim's first appearance."},
            code="several_first",
        )
    return [Appearance(url, first) for url, first in wanted.items()]


def _set_appearances(claim: Claim, appearances: list[Appearance], user: Any) -> None:
    existing = {appearance.url: appearance for appearance in claim.appearances.all()}
    wanted = {appearance.url: appearance.first for appearance in appearances}
    for url, row in existing.items():
        if url not in wanted:
            row._history_user = user  # type: ignore[attr-defined]
            row.delete()
        elif row.is_first and not wanted[url]:  # before another becomes first
            row.is_first = False
            save_as(row, user, update_fields=["is_first"])
    for url, first in wanted.items():
        kept = existing.get(url)
        if kept is None:
            save_as(ClaimAppearance(claim=claim, url=url, is_first=first), user)
        elif first and not kept.is_first:
            kept.is_first = True
            save_as(kept, user, update_fields=["is_first"])


_UNSET: Any = object()


@transaction.atomic
def claim_describe(
    *,
    claim: Claim,
    user: Any,
    summary: str = _UNSET,
    claimant: Claimant | NewClaimant | None = _UNSET,
    claim_date: Any = _UNSET,
    appearances: Iterable[Appearance] = _UNSET,
) -> Claim:
    """Change what the claim says in short (``summary``), who said it, when, and where.

    Arguments left out stay as they are; ``appearances`` replaces the whole list.
    """
    policies.check_describe_claim(user, claim)
    changed = []
    if summary is not _UNSET and clean_line(summary) != claim.summary:
        claim.summary = clean_line(summary)
        changed.append("summary")
    if claimant is not _UNSET:
        resolved = claimant_resolve(claimant, user=user)
        if (resolved.pk if resolved else None) != claim.claimant_id:
            claim.claimant = resolved
            changed.append("claimant")
    if claim_date is not _UNSET and claim_date != claim.claim_date:
        claim.claim_date = claim_date
        changed.append("claim_date")
    if changed:
        claim.full_clean(validate_constraints=False)
        save_as(claim, user, update_fields=[*changed, "updated_at"])
    if appearances is not _UNSET:
        _set_appearances(claim, clean_appearances(appearances), user)
    stamps.article_changed(claim.article_id)
    return claim


def article_appearance(claim: Claim, user: Any) -> None:
    """The claim appears in its article: record the article's URL, if it has one."""
    if claim.article.url:
        save_as(ClaimAppearance(claim=claim, url=claim.article.url), user)
