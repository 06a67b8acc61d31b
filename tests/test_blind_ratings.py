"""Independent ratings: a reviewer sees the other reviewers' ratings of a claim, and its
consensus, once they have rated it themselves or it is published; editors all along;
everyone with ``BLIND_RATINGS`` off."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from claims import policies
from claims.models import Claim, ClaimStatus, Verdict, others_ratings_visible_q
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_transition
from tests.factories import ArticleFactory, ClaimFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
SECRET = "The ledger shows the money was never spent."


def rated_false_by_others(claim: Claim | None = None) -> Claim:
    """A claim two other reviewers rated false (a consensus), with a telling rationale."""
    claim = claim or ClaimFactory.create()
    for _ in range(2):
        other = UserFactory.create(roles=["reviewer"])
        rating_submit(
            claim=claim, reviewer=other, verdict=Verdict.FALSE, rationale=SECRET, confidence="high"
        )
    return claim


def rate_as(user, claim: Claim, verdict: str = Verdict.MIXED) -> None:
    rating_submit(claim=claim, reviewer=user, verdict=verdict, rationale="My own reading.")


# --- The rule ----------------------------------------------------------------------------


def test_the_policy_hides_others_ratings_until_the_reviewer_rated(
    reviewer, editor, settings
) -> None:
    assert not policies.can_see_others_ratings(reviewer, ClaimStatus.OPEN, has_rated=False)
    assert policies.can_see_others_ratings(reviewer, ClaimStatus.OPEN, has_rated=True)
    assert policies.can_see_others_ratings(reviewer, ClaimStatus.PUBLISHED, has_rated=False)
    assert policies.can_see_others_ratings(editor, ClaimStatus.READY, has_rated=False)
    settings.BLIND_RATINGS = False
    assert policies.can_see_others_ratings(reviewer, ClaimStatus.OPEN, has_rated=False)


def test_the_sql_rule_agrees_with_the_policy(reviewer, editor) -> None:
    hidden = rated_false_by_others()
    mine = rated_false_by_others()
    rate_as(reviewer, mine)
    published = rated_false_by_others()
    publish(published, editor, Verdict.FALSE)

    assert set(Claim.objects.filter(others_ratings_visible_q(reviewer))) == {mine, published}
    assert set(Claim.objects.filter(others_ratings_visible_q(editor))) == {
        hidden,
        mine,
        published,
    }


# --- API -----------------------------------------------------------------------------------


def test_before_rating_the_api_gives_only_my_own_rating_and_says_why(reviewer_api) -> None:
    claim = rated_false_by_others()

    body = reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()

    assert body["results"] == []
    assert body["others_hidden"] is True
    assert "Rate this claim" in body["hidden_reason"]


def test_before_rating_the_claim_hides_its_consensus_and_summary(reviewer_api) -> None:
    claim = rated_false_by_others()

    detail = reviewer_api.get(f"{CLAIMS}{claim.pk}/").json()
    (listed,) = reviewer_api.get(CLAIMS).json()["results"]

    for body in (detail, listed):
        assert body["consensus"] is None
        assert body["ratings_summary"] is None
        assert body["consensus_hidden"] is True
        assert "Rate this claim" in body["hidden_reason"]
        assert body["ratings_count"] == 2  # how many, not what they say
    assert SECRET not in str(detail) + str(listed)


def test_after_rating_the_reviewer_sees_every_rating_and_the_consensus(
    reviewer_api, reviewer
) -> None:
    claim = rated_false_by_others()
    put = reviewer_api.put(
        f"{CLAIMS}{claim.pk}/my-rating/",
        {"verdict": "false", "rationale": "Agreed."},
        format="json",
    )
    assert put.status_code == 201

    ratings = reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()
    detail = reviewer_api.get(f"{CLAIMS}{claim.pk}/").json()
    (listed,) = reviewer_api.get(CLAIMS).json()["results"]

    assert len(ratings["results"]) == 3
    assert ratings["others_hidden"] is False
    assert ratings["hidden_reason"] is None
    assert SECRET in {row["rationale"] for row in ratings["results"]}
    for body in (detail, listed):
        assert body["consensus"]["state"] == "consensus"
        assert body["consensus"]["verdict"] == "false"
        assert body["ratings_summary"] == {"false": 3}
        assert (body["consensus_hidden"], body["hidden_reason"]) == (False, None)


def test_rating_one_claim_does_not_open_another(reviewer_api, reviewer) -> None:
    rated = rated_false_by_others()
    # Thirty characters on (the factory's spans start anywhere in the first sixty).
    elsewhere = (rated.start + 30) % 60
    other = rated_false_by_others(ClaimFactory.create(article=rated.article, start=elsewhere))
    rate_as(reviewer, rated)

    rows = {row["id"]: row for row in reviewer_api.get(CLAIMS).json()["results"]}

    assert rows[rated.pk]["consensus_hidden"] is False
    assert rows[other.pk]["consensus_hidden"] is True
    assert reviewer_api.get(f"{CLAIMS}{other.pk}/ratings/").json()["results"] == []


def test_another_reviewers_rating_does_not_open_it_for_me(
    reviewer_api, second_reviewer_api, second_reviewer
) -> None:
    claim = rated_false_by_others()
    rate_as(second_reviewer, claim)

    assert len(second_reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()["results"]) == 3
    assert reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()["results"] == []
    assert reviewer_api.get(f"{CLAIMS}{claim.pk}/").json()["consensus"] is None


def test_editors_see_every_rating_without_rating(editor_api, staff_api) -> None:
    claim = rated_false_by_others()

    for api in (editor_api, staff_api):
        ratings = api.get(f"{CLAIMS}{claim.pk}/ratings/").json()
        assert len(ratings["results"]) == 2
        assert ratings["others_hidden"] is False
        assert api.get(f"{CLAIMS}{claim.pk}/").json()["consensus"]["verdict"] == "false"


def test_a_published_claims_ratings_are_open_to_every_reviewer(reviewer_api, editor) -> None:
    claim = rated_false_by_others()
    publish(claim, editor, Verdict.FALSE)

    assert len(reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()["results"]) == 2
    assert reviewer_api.get(f"{CLAIMS}{claim.pk}/").json()["consensus"]["verdict"] == "false"


def test_with_blind_ratings_off_reviewers_see_everything(reviewer_api, settings) -> None:
    settings.BLIND_RATINGS = False
    claim = rated_false_by_others()

    ratings = reviewer_api.get(f"{CLAIMS}{claim.pk}/ratings/").json()
    (listed,) = reviewer_api.get(CLAIMS).json()["results"]

    assert len(ratings["results"]) == 2
    assert ratings["others_hidden"] is False
    assert listed["consensus"]["verdict"] == "false"
    assert listed["consensus_hidden"] is False


def test_verdict_filters_do_not_tell_hidden_verdicts(reviewer_api, editor_api, reviewer) -> None:
    hidden = rated_false_by_others()
    mine = rated_false_by_others(ClaimFactory.create(article=hidden.article, start=30))
    rate_as(reviewer, mine, Verdict.FALSE)

    for params in ({"verdict": "false"}, {"rated_verdict": "false"}):
        found = {row["id"] for row in reviewer_api.get(CLAIMS, params).json()["results"]}
        assert found == {mine.pk}
        every = {row["id"] for row in editor_api.get(CLAIMS, params).json()["results"]}
        assert every == {hidden.pk, mine.pk}


def test_my_queue_hides_the_consensus_of_what_i_have_not_rated(reviewer_api, reviewer, editor):
    from editorial.services.assignments import claim_assign

    claim = rated_false_by_others()
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=editor)

    (row,) = reviewer_api.get("/api/v1/me/queue/").json()["results"]

    assert row["consensus"] is None
    assert row["consensus_hidden"] is True


def test_the_report_leaves_hidden_verdicts_undecided(reviewer_api, editor_api) -> None:
    claim = rated_false_by_others()
    url = f"/api/v1/articles/{claim.article_id}/report/"

    mine = reviewer_api.get(url).json()
    every = editor_api.get(url).json()

    (row,) = mine["claims"]
    assert (row["verdict"], row["consensus_state"], row["consensus_verdict"]) == (None,) * 3
    assert row["consensus_hidden"] is True
    assert mine["claims_by_verdict"]["false"] == []
    assert mine["claims_by_verdict"]["undecided"] == [claim.pk]
    assert mine["claims_hidden"] == 1
    assert every["claims"][0]["verdict"] == "false"
    assert every["claims_hidden"] == 0
    csv = reviewer_api.get(url, {"format": "csv"}).content.decode()
    assert ",false," not in csv


def test_the_claims_list_costs_the_same_queries_whatever_i_have_rated(
    reviewer_api, reviewer, django_assert_max_num_queries
) -> None:
    article = ArticleFactory.create()
    for start in (0, 20):
        rated_false_by_others(ClaimFactory.create(article=article, start=start))
    with django_assert_max_num_queries(10) as few:
        reviewer_api.get(CLAIMS)
    for start in range(30, 60, 2):
        claim = rated_false_by_others(ClaimFactory.create(article=article, start=start))
        if start % 4:
            rate_as(reviewer, claim)

    with django_assert_max_num_queries(len(few)):
        body = reviewer_api.get(CLAIMS).json()
    assert {row["consensus_hidden"] for row in body["results"]} == {True, False}


# --- Web ---------------------------------------------------------------------------------


@pytest.fixture
def reviewer_web(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def claim_page(client: Client, claim: Claim) -> str:
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_claim_page_asks_me_to_rate_before_showing_the_others(reviewer_web) -> None:
    claim = rated_false_by_others()

    html = claim_page(reviewer_web, claim)

    assert "Rate this claim to see the other ratings (2 so far)" in html
    assert SECRET not in html
    assert "badge--v-false" not in html
    assert "Consensus" not in html
    assert "rated it False" not in html  # nor in the history
    assert "Rated by others: rate it to see their verdicts" in html


def test_once_rated_the_claim_page_shows_everyone(reviewer_web, reviewer) -> None:
    claim = rated_false_by_others()
    response = reviewer_web.post(
        f"/claims/{claim.pk}/rating/",
        {"verdict": "false", "confidence": "medium", "rationale": "Agreed."},
    )
    assert response.status_code == 302

    html = claim_page(reviewer_web, claim)

    assert "Rate this claim to see the other ratings" not in html
    assert html.count(SECRET) == 2
    assert "Consensus" in html
    assert "rated it False" in html


def test_editors_see_the_claim_page_whole(client: Client, editor) -> None:
    claim = rated_false_by_others()
    client.force_login(editor)

    html = claim_page(client, claim)

    assert html.count(SECRET) == 2
    assert "Rate this claim to see the other ratings" not in html


def test_a_published_claim_page_shows_every_rating(reviewer_web, editor) -> None:
    claim = rated_false_by_others()
    publish(claim, editor, Verdict.FALSE)

    assert claim_page(reviewer_web, claim).count(SECRET) == 2


def test_with_blind_ratings_off_the_claim_page_shows_everyone(reviewer_web, settings) -> None:
    settings.BLIND_RATINGS = False
    claim = rated_false_by_others()

    assert claim_page(reviewer_web, claim).count(SECRET) == 2


def test_the_reader_colours_a_claim_by_its_review_state_until_i_rate_it(
    reviewer_web, reviewer
) -> None:
    claim = rated_false_by_others()
    url = f"/articles/{claim.article_id}/"

    before = reviewer_web.get(url).content.decode()
    rate_as(reviewer, claim, Verdict.FALSE)
    after = reviewer_web.get(url).content.decode()

    assert f'<mark class="hl hl-st-rated" data-claims="{claim.pk}">' in before
    assert 'class="claim-num hl-v-false"' not in before
    assert f'<mark class="hl hl-v-false" data-claims="{claim.pk}">' in after


def test_the_search_neither_colours_nor_finds_hidden_verdicts(reviewer_web, reviewer) -> None:
    claim = rated_false_by_others()

    listed = reviewer_web.get("/claims/").content.decode()
    by_verdict = reviewer_web.get("/claims/", {"verdict": "false"}).content.decode()

    assert 'class="swatch hl-st-rated"' in listed
    assert "No claims match." in by_verdict
    rate_as(reviewer, claim, Verdict.FALSE)
    assert (
        f"/claims/{claim.pk}/"
        in reviewer_web.get("/claims/", {"verdict": "false"}).content.decode()
    )


def test_the_dashboard_shows_no_verdict_of_a_claim_i_have_not_rated(reviewer_web, reviewer) -> None:
    claim = rated_false_by_others()

    before = reviewer_web.get("/").content.decode()
    rate_as(reviewer, claim, Verdict.MIXED)
    after = reviewer_web.get("/").content.decode()

    assert "badge--v-false" not in before
    assert "badge--v-false" in after  # the others' verdicts, in the recent activity


def test_the_web_report_counts_hidden_verdicts_as_undecided(reviewer_web) -> None:
    claim = rated_false_by_others()

    html = reviewer_web.get(f"/articles/{claim.article_id}/report/").content.decode()

    assert "1 claim you have not rated counts as undecided here" in html
    assert '<th scope="row">False</th><td>0</td>' in html


# --- Moves that would tell the consensus -------------------------------------------------


def test_a_reviewer_who_has_not_rated_is_not_offered_mark_ready_nor_told_the_state(
    reviewer, client: Client
) -> None:
    agreed = rated_false_by_others(ClaimFactory.create(status=ClaimStatus.IN_REVIEW))
    disputed = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    rate_as(UserFactory.create(roles=["reviewer"]), disputed, Verdict.TRUE)
    rate_as(UserFactory.create(roles=["reviewer"]), disputed, Verdict.FALSE)
    client.force_login(reviewer)

    for claim in (agreed, disputed):
        assert "Mark ready" not in client.get(f"/claims/{claim.pk}/").content.decode()
        with pytest.raises(ValidationError) as refused:
            claim_transition(claim=claim, to_status=ClaimStatus.READY, user=reviewer)
        # The same sentence whatever the ratings: it tells nothing about them.
        assert "Rate this claim first" in str(refused.value)
        assert "disputed" not in str(refused.value)
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.IN_REVIEW

    rate_as(reviewer, agreed, Verdict.FALSE)
    assert "Mark ready" in client.get(f"/claims/{agreed.pk}/").content.decode()
    claim_transition(claim=agreed, to_status=ClaimStatus.READY, user=reviewer)
    agreed.refresh_from_db()
    assert agreed.status == ClaimStatus.READY


def test_the_api_refuses_mark_ready_before_rating_with_the_same_sentence(
    reviewer_api, editor_api
) -> None:
    claim = rated_false_by_others(ClaimFactory.create(status=ClaimStatus.IN_REVIEW))

    refused = reviewer_api.post(
        f"/api/v1/claims/{claim.pk}/transition/", {"to": "ready"}, format="json"
    )

    assert refused.status_code == 400
    assert "Rate this claim first" in refused.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    # Editors see every rating: they decide without rating.
    done = editor_api.post(f"/api/v1/claims/{claim.pk}/transition/", {"to": "ready"}, format="json")
    assert done.status_code == 201
