from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ensure_roles
from claims.models import (
    Article,
    ArticleFormat,
    Claim,
    Claimant,
    ClaimantKind,
    Evidence,
    Rating,
    Source,
    SourceSnapshot,
    SourceStatus,
    Stance,
    Verdict,
    fold_name,
)
from claims.pipeline.article_store import content_sha256
from claims.services.claims import claim_number_next

ARTICLE_TEXT = (
    "The city planted 4,000 trees in 2023, according to the parks department.\n\n"
    "Critics say the programme cost twice what was promised."
)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def roles(user: User, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            groups = list(Group.objects.filter(name__in=extracted))
            if len(groups) < len(set(extracted)):
                ensure_roles()  # a test that flushed the database removed them
                groups = list(Group.objects.filter(name__in=extracted))
            user.groups.add(*groups)
        if create:
            user.save()


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    source_format = ArticleFormat.TEXT
    source_text = factory.Sequence(lambda n: f"{ARTICLE_TEXT}\n\n(Edition {n}.)")
    text = factory.LazyAttribute(lambda a: a.source_text)
    content_sha256 = factory.LazyAttribute(lambda a: content_sha256(a.source_text))
    imported_by = factory.SubFactory(UserFactory, roles=["reviewer"])


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    anchor_text = "parks department"
    href = factory.Sequence(lambda n: f"https://example.org/report/{n}")
    url = factory.LazyAttribute(lambda s: s.href)
    start = 0
    end = 0
    status = SourceStatus.PENDING


class SnapshotFactory(factory.django.DjangoModelFactory[SourceSnapshot]):
    class Meta:
        model = SourceSnapshot

    source = factory.SubFactory(SourceFactory)
    http_status = 200
    final_url = factory.LazyAttribute(lambda s: s.source.url)
    content_type = "text/html"
    title = "Report"
    text = "The city planted 4,000 trees."


class ClaimFactory(factory.django.DjangoModelFactory[Claim]):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    number = factory.LazyAttribute(lambda c: claim_number_next(article=c.article))
    start = factory.Sequence(lambda n: n % 60)
    end = factory.LazyAttribute(lambda c: c.start + 10)
    quote = factory.LazyAttribute(lambda c: c.article.text[c.start : c.end])
    # Publishing needs a summary: every claim made here can be published.
    summary = factory.Sequence(lambda n: f"The city planted {n} trees")
    created_by = factory.SubFactory(UserFactory, roles=["reviewer"])


class ClaimantFactory(factory.django.DjangoModelFactory[Claimant]):
    class Meta:
        model = Claimant

    name = factory.Sequence(lambda n: f"Claimant {n}")
    name_folded = factory.LazyAttribute(lambda c: fold_name(c.name))
    kind = ClaimantKind.PERSON


class EvidenceFactory(factory.django.DjangoModelFactory[Evidence]):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory, roles=["reviewer"])
    url = factory.Sequence(lambda n: f"https://example.org/evidence/{n}")
    stance = Stance.SUPPORTS
    status = factory.LazyAttribute(
        lambda e: SourceStatus.PENDING if e.url else SourceStatus.NEEDS_URL
    )


class RatingFactory(factory.django.DjangoModelFactory[Rating]):
    class Meta:
        model = Rating

    claim = factory.SubFactory(ClaimFactory)
    reviewer = factory.SubFactory(UserFactory, roles=["reviewer"])
    verdict = Verdict.MOSTLY_TRUE
    rationale = "The parks department's annual report lists 3,950 trees."
