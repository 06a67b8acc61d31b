"""``manage.py seed_demo``: demo users and a sample article with claims, evidence and ratings.

Safe to run again: it creates what is missing and leaves the rest alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Role
from accounts.roles import ensure_roles
from claims.errors import DuplicateArticle
from claims.models import (
    Article,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimKind,
    ClaimStatus,
    Evidence,
    Source,
    SourceStatus,
    Stance,
    Verdict,
)
from claims.pipeline import fetches as fetch_services
from claims.pipeline import quotes as verification
from claims.services.articles import article_import
from claims.services.claimants import claimant_create
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.models import Correction, Publication
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_publish, claim_transition

SAMPLE_ARTICLE = Path(__file__).resolve().parents[3] / "claims" / "demo" / "riverside-trees.md"

# username, password, role (None for the admin), display name
DEMO_USERS = [
    ("admin", "factcheck-admin", None, "Alex Admin"),
    ("editor", "factcheck-editor", Role.EDITOR, "Eda Editor"),
    ("ana", "factcheck-reviewer", Role.REVIEWER, "Ana Reviewer"),
    ("ben", "factcheck-reviewer", Role.REVIEWER, "Ben Reviewer"),
]

# What the demo's links "return": the demo has no network, so seed_demo stores these
# as the sources' first snapshots (marked as demo data) instead of fetching them.
DEMO_PAGES = {
    "https://ledger.example.org/": (
        "The Riverside Ledger",
        "The Riverside Ledger: local news for Riverside since 1921.",
    ),
    "https://parks.example.org/reports/2023-annual.pdf": (
        "Riverside Parks Department: Annual Report 2023",
        "Street trees planted in 2023: 4,012.\n\nOf these, 1,150 replaced trees that had "
        "been removed because of disease or storm damage.\n\nSapling survival after the "
        "first summer: 81 percent.",
    ),
    "https://council.example.org/budget/2023/parks": (
        "Council budget 2023: parks and open spaces",
        "Tree planting programme. Planting budget: $1.2m; outturn: $1.5m.\n\nThe overrun "
        "is explained by the replacement of saplings lost in the dry summer.",
    ),
    "https://geo.example.edu/canopy-survey-2024": (
        "Urban canopy survey 2024",
        "Tree canopy covers 23 percent of Riverside's area, up from 19 percent in 2015. "
        "Newly planted trees take about a decade to add measurable shade.",
    ),
}
# As the README's table of demo users says.
ROLE_DESCRIPTIONS = {
    None: "administrator (superuser)",
    Role.EDITOR: "editor (staff)",
    Role.REVIEWER: "reviewer",
}
DEMO_SNAPSHOT_NOTE = "Demo snapshot written by seed_demo (not fetched)"

# name, kind, description, pages that identify them
DEMO_CLAIMANTS = {
    "parks": (
        "Riverside Parks Department",
        ClaimantKind.ORGANIZATION,
        "The city's parks and street-trees service",
        ["https://parks.example.org/"],
    ),
    "ruiz": (
        "Dana Ruiz",
        ClaimantKind.PERSON,
        "Riverside city councillor",
        ["https://council.example.org/members/dana-ruiz"],
    ),
    "greenfuture": (
        "Green Future Institute",
        ClaimantKind.ORGANIZATION,
        "Urban-policy think tank",
        ["https://greenfuture.example.org/"],
    ),
}

# quote, kind, anchor texts of the sources it relies on, claimant, summary
DEMO_CLAIMS = [
    (
        "Riverside planted 4,000 street trees in 2023",
        ClaimKind.FACTUAL,
        ["parks department's annual report"],
        "parks",
        "Riverside planted 4,000 street trees in 2023",
    ),
    (
        "cost twice what the council was promised, and a third of the saplings died in the "
        "first summer.",
        ClaimKind.QUOTE,
        ["council's budget papers"],
        "ruiz",
        "The tree programme cost twice its budget and a third of saplings died",
    ),
    (
        "The city's canopy now covers 23 percent of its area, up from 19 percent in 2015",
        ClaimKind.FACTUAL,
        ["university survey"],
        None,
        "Riverside's tree canopy grew from 19% (2015) to 23% of the city",
    ),
    (
        "If the survival rate holds, Riverside will reach 30 percent canopy by 2035.",
        ClaimKind.PREDICTION,
        [],
        "parks",
        "Riverside will reach 30% tree canopy by 2035",
    ),
    (
        "the programme is the best thing the city has done for its neighbourhoods in a generation",
        ClaimKind.OPINION,
        [],
        "greenfuture",
        "The tree programme is the city's best in a generation",
    ),
]


class Command(BaseCommand):
    help = "Create demo users and a sample article with claims, evidence and ratings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (the demo passwords are public).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo users with public passwords while DEBUG is off; "
                "pass --allow-production if this really is a demo instance."
            )
        users = self._users()
        article = self._article(users["ana"])
        claims = self._claims(article, users)
        self._reviews(claims, users)
        self._demo_snapshots(article)
        self._publication(claims[0], users["editor"])
        self.stdout.write(f"Demo article {article.pk}: {article.title!r}, {len(claims)} claims.")
        self.stdout.write("Sign in at / (the reviewers' UI; the Django admin is at /admin/) as:")
        for username, password, role, _ in DEMO_USERS:
            described = ROLE_DESCRIPTIONS[role]
            self.stdout.write(f"  {username:<7} {password:<19} {described}")

    def _users(self) -> dict[str, Any]:
        ensure_roles()
        users = {}
        for username, password, role, display_name in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "display_name": display_name,
                    "email": f"{username}@example.org",
                    "is_staff": role in (None, Role.EDITOR),
                    "is_superuser": role is None,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            if role is not None:
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _article(self, importer: Any) -> Article:
        try:
            return article_import(
                content=SAMPLE_ARTICLE.read_bytes(),
                filename=SAMPLE_ARTICLE.name,
                url="https://ledger.example.org/2024/01/riverside-tree-pledge",
                imported_by=importer,
            )
        except DuplicateArticle as duplicate:
            return duplicate.existing

    def _claims(self, article: Article, users: dict[str, Any]) -> list[Claim]:
        sources = {source.anchor_text: source for source in article.sources.all()}
        claimants = self._claimants(users)
        claims = []
        for quote, kind, anchors, claimant, summary in DEMO_CLAIMS:
            claim = article.claims.filter(quote=quote).first() or claim_create(
                article=article,
                created_by=users["ana"],
                quote=quote,
                kind=kind,
                sources=[sources[anchor] for anchor in anchors],
                claimant=claimants[claimant] if claimant else None,
                summary=summary,
            )
            claims.append(claim)
        return claims

    def _publication(self, claim: Claim, editor: Any) -> None:
        """The first claim published (with its article), then corrected once: the public
        pages, the index, the feed and /corrections/ have something to show."""
        if not Publication.objects.filter(claim=claim).exists():
            claim.refresh_from_db()
            if claim.status != ClaimStatus.READY:
                claim_transition(claim=claim, to_status=ClaimStatus.READY, user=editor)
            claim_publish(
                claim=claim,
                editor=editor,
                verdict=Verdict.TRUE,
                rationale="The parks department's annual report lists 4,012 street trees "
                "planted in 2023.",
                note="The reviewers differ on the replacements; the headline figure stands.",
                publish_article=True,
            )
        if not Correction.objects.filter(claim=claim).exists():
            claim_publish(
                claim=claim,
                editor=editor,
                verdict=Verdict.MOSTLY_TRUE,
                rationale="The annual report lists 4,012 street trees planted in 2023, but "
                "1,150 of them replaced trees that had been removed.",
                correction="We first rated this true; 1,150 of the trees were replacements, "
                "so the net gain is smaller than the claim suggests.",
            )

    def _claimants(self, users: dict[str, Any]) -> dict[str, Claimant]:
        claimants = {}
        for key, (name, kind, description, same_as) in DEMO_CLAIMANTS.items():
            claimants[key] = Claimant.objects.filter(name=name).first() or claimant_create(
                name=name, kind=kind, description=description, same_as=same_as, user=users["ana"]
            )
        return claimants

    def _demo_snapshots(self, article: Article) -> None:
        """Give the demo's sources and evidence a first snapshot, through the fetch protocol."""
        targets: list[Source | Evidence] = [
            *article.sources.filter(status=SourceStatus.PENDING),
            *Evidence.objects.filter(claim__article=article, status=SourceStatus.PENDING),
        ]
        for target in targets:
            title, text = DEMO_PAGES.get(target.url, ("", ""))
            claimed = fetch_services.claim(type(target), target.pk, task_id="seed-demo")
            if claimed is None or not text:
                continue
            body = text.encode()
            fetch_services.finish(
                claimed,
                task_id="seed-demo",
                page=fetch_services.PageFetch(
                    status=SourceStatus.OK,
                    detail=DEMO_SNAPSHOT_NOTE,
                    http_status=200,
                    final_url=target.url,
                    content_type="text/html",
                    title=title,
                    text=text,
                    byte_size=len(body),
                    sha256=hashlib.sha256(body).hexdigest(),
                ),
            )
        for claim in article.claims.filter(kind=ClaimKind.QUOTE):
            verification.verify_claim(claim_id=claim.pk)
        for evidence in Evidence.objects.filter(claim__article=article):
            verification.verify_evidence(evidence_id=evidence.pk)

    def _reviews(self, claims: list[Claim], users: dict[str, Any]) -> None:
        trees, costs, canopy, _forecast, opinion = claims
        if not trees.evidence.exists():
            evidence_create(
                claim=trees,
                author=users["ana"],
                stance=Stance.SUPPORTS,
                url="https://parks.example.org/reports/2023-annual.pdf",
                excerpt="Street trees planted in 2023: 4,012",
                note="Table 3 of the annual report.",
            )
            evidence_create(
                claim=trees,
                author=users["ben"],
                stance=Stance.CONTEXT,
                excerpt="Of these, 1,150 replaced trees that had been removed.",
                note="Net new trees are fewer than the headline figure.",
            )
        if not costs.evidence.exists():
            evidence_create(
                claim=costs,
                author=users["ben"],
                stance=Stance.REFUTES,
                url="https://council.example.org/budget/2023/parks",
                excerpt="Planting budget: $1.2m; outturn: $1.5m.",
            )
        ratings = [
            (trees, "ana", Verdict.TRUE, "The annual report lists 4,012 trees planted."),
            (trees, "ben", Verdict.MOSTLY_TRUE, "True, but 1,150 were replacements."),
            (costs, "ben", Verdict.MOSTLY_FALSE, "The outturn was 25% over, not double."),
            (canopy, "ana", Verdict.UNVERIFIABLE, "The survey is not yet published."),
            (opinion, "ana", Verdict.OPINION, "A value judgement, not a checkable fact."),
        ]
        for claim, username, verdict, rationale in ratings:
            if not claim.ratings.filter(reviewer=users[username]).exists():
                rating_submit(
                    claim=claim, reviewer=users[username], verdict=verdict, rationale=rationale
                )
