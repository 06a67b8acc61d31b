"""The domain's events (``claims.events``) turned into notifications for the people they
concern: never the person who acted, and never a verdict a reviewer may not see yet
(``claims.policies.can_see_others_ratings``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.dispatch import Signal

from accounts.models import User
from claims import events, policies
from claims.models import Claim, Evidence, Source, Verdict
from notifications import selectors, services
from notifications.mentions import mentions_in
from notifications.models import Kind

EXCERPT_CHARS = 140


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _name(user: Any) -> str:
    return str(user) if policies.person(user) is not None else "Someone"


def _claim(claim: Claim) -> Claim:
    """The claim with its article (what every text names), read once."""
    return Claim.objects.select_related("article").get(pk=claim.pk)


def _where(claim: Claim) -> str:
    return f"{claim.label} of “{_excerpt(claim.article.title, 80)}”"


def _verdict(value: str) -> str:
    return Verdict(value).label if value in Verdict.values else value


def _tell(kind: str, claim: Claim, user_ids: Any, text: str, actor: Any = None) -> None:
    services.notifications_create(
        kind=kind, claim=claim, actor=policies.person(actor), texts=dict.fromkeys(user_ids, text)
    )


def on_claim_assigned(
    *, claim: Claim, assignments: list[Model], actor: Any = None, **_: Any
) -> None:
    claim = _claim(claim)
    reviewers = [assignment.reviewer_id for assignment in assignments]  # type: ignore[attr-defined]
    text = f"{_name(actor)} assigned you to {_where(claim)}."
    _tell(Kind.ASSIGNED, claim, reviewers, text, actor)


def on_comment_posted(*, comment: Any, actor: Any = None, **_: Any) -> None:
    claim = _claim(comment.claim)
    said = _excerpt(comment.body)
    mentioned = {user.pk for user in mentions_in(comment.body).reached}
    who = _name(actor)
    text = f"{who} mentioned you on {_where(claim)}: “{said}”"
    _tell(Kind.MENTIONED, claim, mentioned, text, actor)
    earlier = selectors.commenters_before(comment) - mentioned
    _tell(Kind.REPLY, claim, earlier, f"{who} replied on {_where(claim)}: “{said}”", actor)


def _consensus(kind: str, claim: Claim, actor: Any, text: str) -> None:
    """Told to the claim's reviewers who may see its consensus: who rated it, editors."""
    raters = selectors.raters_of(claim)
    candidates = selectors.reviewers_of(claim) - {getattr(actor, "pk", None)}
    people = selectors.with_roles(User.objects.filter(pk__in=candidates))
    allowed = [
        user.pk
        for user in people
        if policies.can_see_others_ratings(user, claim.status, has_rated=user.pk in raters)
    ]
    _tell(kind, claim, allowed, text, actor)


def on_claim_disputed(*, claim: Claim, consensus: Any, actor: Any = None, **_: Any) -> None:
    claim = _claim(claim)
    _consensus(Kind.DISPUTED, claim, actor, f"The ratings of {_where(claim)} disagree: disputed.")


def on_claim_consensus_reached(
    *, claim: Claim, consensus: Any, actor: Any = None, **_: Any
) -> None:
    claim = _claim(claim)
    verdict = _verdict(consensus.verdict)
    _consensus(Kind.CONSENSUS, claim, actor, f"{_where(claim)} reached consensus: {verdict}.")


def on_claim_published(*, claim: Claim, publication: Any, actor: Any = None, **_: Any) -> None:
    claim = _claim(claim)
    verdict = _verdict(publication.verdict)
    text = f"{_name(actor)} published {_where(claim)}: {verdict}."
    _tell(Kind.PUBLISHED, claim, selectors.reviewers_of(claim), text, actor)


def on_claim_corrected(*, claim: Claim, publication: Any, actor: Any = None, **_: Any) -> None:
    claim = _claim(claim)
    verdict = _verdict(publication.verdict)
    text = f"{_name(actor)} corrected the published verdict of {_where(claim)}: {verdict}."
    _tell(Kind.CORRECTED, claim, selectors.reviewers_of(claim), text, actor)


def on_claim_unpublished(*, claim: Claim, actor: Any = None, **_: Any) -> None:
    claim = _claim(claim)
    text = f"{_name(actor)} unpublished {_where(claim)}; it is ready for review again."
    _tell(Kind.UNPUBLISHED, claim, selectors.reviewers_of(claim), text, actor)


def _source_news(kind: str, target: Source | Evidence | None, what: str) -> None:
    if target is None:
        return
    people = selectors.people_on(selectors.claims_relying_on(target))
    if not people:
        return
    first = {user_id: claim_ids[0] for user_id, claim_ids in people.items()}
    claims = Claim.objects.select_related("article").in_bulk(set(first.values()))
    link = target.url or str(target)
    texts: dict[int, str] = {}
    for user_id, claim_ids in people.items():
        claim = claims[claim_ids[0]]
        more = len(claim_ids) - 1
        others = f" (and {more} more of your claims)" if more else ""
        texts[user_id] = f"A source of {_where(claim)}{others} {what}: {link}"
    services.notifications_create(
        kind=kind, texts=texts, claim_of={user_id: claims[pk] for user_id, pk in first.items()}
    )


def on_source_died(*, source: Source | Evidence, **_: Any) -> None:
    _source_news(Kind.SOURCE_DIED, source, "is a dead link")


def on_source_changed(**kwargs: Any) -> None:
    target = kwargs.get("source") or kwargs.get("evidence")
    _source_news(Kind.SOURCE_CHANGED, target, "changed its text")


def on_claim_wording_changed(*, claim: Claim, new_quote: str = "", **kwargs: Any) -> None:
    claim = _claim(claim)
    said = _excerpt(new_quote)
    text = f"A new revision of the article changed the words of {_where(claim)}: “{said}”"
    _tell(Kind.WORDING_CHANGED, claim, selectors.reviewers_of(claim), text, kwargs.get("actor"))


def on_correction_requested(*, correction_request: Any, **_: Any) -> None:
    claim = _claim(correction_request.claim)
    said = _excerpt(correction_request.message)
    editors = selectors.editors().values_list("pk", flat=True)
    _tell(
        Kind.CORRECTION_REQUESTED,
        claim,
        list(editors),
        f"A reader reported an error on {_where(claim)}: “{said}”",
    )


def on_correction_request_answered(*, correction_request: Any, **_: Any) -> None:
    services.reader_reply_create(correction_request=correction_request)


RECEIVERS: dict[Signal, Callable[..., None]] = {
    events.claim_assigned: on_claim_assigned,
    events.comment_posted: on_comment_posted,
    events.claim_disputed: on_claim_disputed,
    events.claim_consensus_reached: on_claim_consensus_reached,
    events.claim_published: on_claim_published,
    events.claim_corrected: on_claim_corrected,
    events.claim_unpublished: on_claim_unpublished,
    events.source_died: on_source_died,
    events.source_changed: on_source_changed,
    events.claim_wording_changed: on_claim_wording_changed,
    events.correction_requested: on_correction_requested,
    events.correction_request_answered: on_correction_request_answered,
}


def connect() -> None:
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
