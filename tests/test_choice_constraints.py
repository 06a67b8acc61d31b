"""The database refuses a status or scale value outside its choices, in every app."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims.models import Claim, QuoteCheck
from editorial.models import ClaimConsensus
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "field"),
    [(Claim, "status"), (Claim, "kind"), (ClaimConsensus, "state"), (QuoteCheck, "result")],
)
def test_a_value_outside_the_choices_is_refused_by_the_database(model, field: str) -> None:
    claim = ClaimFactory.create()
    row = {
        Claim: lambda: claim,
        ClaimConsensus: lambda: ClaimConsensus.objects.create(claim=claim),
        QuoteCheck: lambda: QuoteCheck.objects.create(
            claim=claim,
            source=claim.article.sources.create(position=1, start=0, end=0),
            quote="q",
            result="exact",
        ),
    }[model]()

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "nonsense"})
