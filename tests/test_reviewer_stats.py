"""Each reviewer's figures: ratings given, agreement with the consensus and with published
verdicts."""

from __future__ import annotations

import pytest

from claims.models import Verdict
from editorial.selectors import reviewer_stats
from editorial.services.ratings import rating_submit
from tests.factories import ClaimFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

FIGURES = (
    "ratings_given",
    "consensus_compared",
    "consensus_agreed",
    "published_compared",
    "published_agreed",
)


@pytest.fixture
def team(editor):
    """Ana, Ben and Cy. Claim A: true, mostly_true, false (consensus mostly_true, published true);
    claim B: misleading twice (consensus misleading, not published)."""
    ana, ben, cy = (
        UserFactory.create(username=n, roles=["reviewer"]) for n in ("ana", "ben", "cy")
    )
    a, b = ClaimFactory.create_batch(2)
    for reviewer, claim, verdict in [
        (ana, a, Verdict.TRUE),
        (ben, a, Verdict.MOSTLY_TRUE),
        (cy, a, Verdict.FALSE),
        (ana, b, Verdict.MISLEADING),
        (ben, b, Verdict.MISLEADING),
    ]:
        rating_submit(claim=claim, reviewer=reviewer, verdict=verdict, rationale="Checked.")
    publish(a, editor, Verdict.TRUE, note="The report settles it.")
    return ana, ben, cy


def test_each_reviewers_agreement_with_consensus_and_published_verdicts(team, editor) -> None:
    figures = {user.username: tuple(getattr(user, f) for f in FIGURES) for user in reviewer_stats()}

    assert figures["ana"] == (2, 2, 2, 1, 1)
    assert figures["ben"] == (2, 2, 2, 1, 1)  # mostly_true is one step from true
    assert figures["cy"] == (1, 1, 0, 1, 0)
    assert figures[editor.username] == (0, 0, 0, 0, 0)


def test_people_without_a_role_or_ratings_are_not_listed(team, outsider) -> None:
    assert outsider.username not in {user.username for user in reviewer_stats()}


def test_the_api_lists_reviewers_with_their_shares(reviewer_api, team, editor) -> None:
    response = reviewer_api.get("/api/v1/reviewers/")

    assert response.status_code == 200
    rows = {row["username"]: row for row in response.json()["results"]}
    assert rows["cy"]["consensus_agreement"] == 0.0
    assert rows["ana"]["published_agreement"] == 1.0
    assert rows[editor.username]["consensus_agreement"] is None
    assert rows["ben"]["ratings_given"] == 2
    assert reviewer_api.get("/api/v1/reviewers/stats/").json() == response.json()
