"""What happens on the desk tells the people it concerns (``notifications.receivers``):
never the one who did it, never a verdict a reviewer may not see yet, in bulk."""

from __future__ import annotations

from typing import Any

import pytest

from claims import events
from claims.models import ArticleStatus, ClaimStatus, Source, SourceStatus, Verdict
from claims.pipeline.fetches import PageFetch, claim, finish
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.correction_requests import correction_request_file
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_publish, claim_unpublish
from notifications import receivers
from notifications.mentions import mentioned_names, mentions_in
from notifications.models import Delivery, EmailState, Kind, Notification, Preference
from notifications.services import notifications_create
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
    UserFactory,
)
from tests.workflow import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the block does as if each write committed: the events are sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(kind: str, **filters: Any) -> dict[str, str]:
    """Who was told of ``kind`` (username -> text)."""
    rows = Notification.objects.filter(kind=kind, **filters).select_related("recipient")
    return {row.recipient.username: row.text for row in rows}


def reviewer(name: str) -> Any:
    return UserFactory.create(username=name, roles=["reviewer"])


def test_an_assignment_tells_the_reviewers_assigned_not_the_editor(editor, on_commit):
    claim_ = ClaimFactory.create(article__title="Trees in the city")
    ana, ben = reviewer("ana"), reviewer("ben")
    with on_commit():
        claim_assign(claim=claim_, reviewers=[ana, ben, editor], assigned_by=editor)

    texts = told(Kind.ASSIGNED)
    assert set(texts) == {"ana", "ben"}
    assert texts["ana"] == f"{editor} assigned you to C{claim_.number} of “Trees in the city”."
    notification = Notification.objects.get(recipient=ana)
    assert (notification.claim, notification.actor, notification.is_read) == (claim_, editor, False)


def test_a_mention_tells_the_reviewer_named_and_a_reply_those_who_spoke_before(on_commit):
    claim_ = ClaimFactory.create()
    ana, cy = reviewer("ana"), reviewer("cy")
    reviewer("ben")
    with on_commit():
        comment_create(claim=claim_, author=ana, body="Which report?")
        comment_create(claim=claim_, author=cy, body="The 2023 one.")
        comment_create(claim=claim_, author=ana, body="@Ben @cy what about the 2012 date? @ana")

    assert told(Kind.MENTIONED) == {
        "ben": f"ana mentioned you on C{claim_.number} of “{claim_.article.title}”: "
        "“@Ben @cy what about the 2012 date? @ana”",
        "cy": told(Kind.MENTIONED)["cy"],
    }
    # cy spoke before but is told once, of the mention; ana is never told of her own words.
    assert set(told(Kind.REPLY)) == {"ana"}  # of cy's reply
    assert Notification.objects.filter(recipient=cy).count() == 1


def test_a_mention_of_someone_outside_the_team_notifies_nobody():
    UserFactory.create(username="reader")  # no role
    reviewer("ben")
    mentions = mentions_in("@reader and @nobody, ask @ben.")
    assert [user.username for user in mentions.reached] == ["ben"]
    assert mentions.unreached == ["reader", "nobody"]


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("thanks @ben.", ["ben"]),
        ("mail ben@example.org", []),
        ("@a.b-c_d+e, @A.B-C_D+E again", ["a.b-c_d+e"]),
        ("(@ben)", ["ben"]),
    ],
)
def test_mentions_are_read_as_usernames(body: str, names: list[str]):
    assert mentioned_names(body) == names


def test_consensus_and_dispute_tell_who_rated_but_not_the_rater_who_caused_it(
    settings, editor, on_commit
):
    settings.CONSENSUS_MIN_RATINGS = 2
    settings.CONSENSUS_MIN_AGREEMENT = 1.0
    claim_ = ClaimFactory.create()
    ana, ben, cy = reviewer("ana"), reviewer("ben"), reviewer("cy")
    for person, verdict in [(ana, Verdict.FALSE), (ben, Verdict.FALSE), (cy, Verdict.TRUE)]:
        with on_commit():
            rating_submit(claim=claim_, reviewer=person, verdict=verdict, rationale="Checked.")

    consensus = told(Kind.CONSENSUS)
    assert set(consensus) == {"ana"}  # ben's rating made it
    assert consensus["ana"].endswith("reached consensus: False.")
    assert set(told(Kind.DISPUTED)) == {"ana", "ben"}


def test_a_reviewer_who_has_not_rated_is_not_told_the_consensus(settings, editor, on_commit):
    """Blind review: the consensus (and that the ratings disagree) stays hidden from an
    assigned reviewer until they rate; an assigned editor sees it, and is told."""
    settings.BLIND_RATINGS = True
    settings.CONSENSUS_MIN_RATINGS = 2
    settings.CONSENSUS_MIN_AGREEMENT = 1.0
    claim_ = ClaimFactory.create()
    ana, ben, dee = reviewer("ana"), reviewer("ben"), reviewer("dee")
    chief = UserFactory.create(username="chief", roles=["editor"])
    claim_assign(claim=claim_, reviewers=[ana, ben, dee, chief], assigned_by=editor)
    with on_commit():
        rating_submit(claim=claim_, reviewer=ana, verdict=Verdict.FALSE, rationale="No.")
        rating_submit(claim=claim_, reviewer=ben, verdict=Verdict.FALSE, rationale="No.")

    assert set(told(Kind.CONSENSUS)) == {"ana", "chief"}
    assert not Notification.objects.filter(recipient=dee).exclude(kind=Kind.ASSIGNED).exists()

    settings.BLIND_RATINGS = False
    with on_commit():
        rating_submit(claim=claim_, reviewer=chief, verdict=Verdict.TRUE, rationale="Yes.")
    assert set(told(Kind.DISPUTED)) == {"ana", "ben", "dee"}


def test_publishing_correcting_and_unpublishing_tell_the_claims_reviewers(editor, on_commit):
    claim_ = ClaimFactory.create()
    ana, ben = reviewer("ana"), reviewer("ben")
    rating_submit(claim=claim_, reviewer=ana, verdict=Verdict.TRUE, rationale="Yes.")
    claim_assign(claim=claim_, reviewers=[ben], assigned_by=editor)
    rating_submit(claim=claim_, reviewer=editor, verdict=Verdict.TRUE, rationale="Yes.")
    with on_commit():
        publish(claim_, editor, Verdict.TRUE)
        claim_publish(
            claim=claim_,
            editor=editor,
            verdict=Verdict.MOSTLY_TRUE,
            rationale="Revised.",
            correction="The report was revised.",
        )
        claim_unpublish(claim=claim_, editor=editor, note="Another look.")

    published = told(Kind.PUBLISHED)
    assert set(published) == {"ana", "ben"}
    assert published["ana"].endswith(": True.")
    assert told(Kind.CORRECTED)["ben"].endswith(": Mostly true.")
    assert set(told(Kind.UNPUBLISHED)) == {"ana", "ben"}
    assert not Notification.objects.filter(recipient=editor).exists()


def _fetched(source: Any, page: PageFetch, task_id: str) -> None:
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)
    claimed = claim(Source, source.pk, task_id=task_id, run=0)
    assert claimed is not None
    finish(claimed, task_id=task_id, page=page)


def test_a_dead_source_tells_the_people_on_the_claims_that_rely_on_it(editor, on_commit):
    url = "https://parks.example/report"
    source = SourceFactory.create(url=url)
    ana, ben, cy, dee = reviewer("ana"), reviewer("ben"), reviewer("cy"), reviewer("dee")
    citing = ClaimFactory.create(article=source.article, created_by=ana, start=0, end=10)
    citing.sources.add(source)
    also_citing = ClaimFactory.create(article=source.article, created_by=ana, start=11, end=20)
    also_citing.sources.add(source)
    rating_submit(claim=citing, reviewer=ben, verdict=Verdict.TRUE, rationale="Yes.")
    with_evidence = ClaimFactory.create(
        created_by=None
    )  # another article's claim, its evidence at the URL
    EvidenceFactory.create(claim=with_evidence, url=url)
    claim_assign(claim=with_evidence, reviewers=[cy], assigned_by=editor)
    ClaimFactory.create(article=source.article, created_by=dee, start=21, end=30)  # cites none
    gone = PageFetch(status=SourceStatus.DEAD, http_status=404, detail="gone", error="HTTP 404")
    with on_commit():
        _fetched(source, gone, "t1")

    texts = told(Kind.SOURCE_DIED)
    assert set(texts) == {"ana", "ben", "cy"}
    assert texts["ana"] == (
        f"A source of C{citing.number} of “{citing.article.title}” (and 1 more of your claims) "
        f"is a dead link: {url}"
    )
    assert texts["cy"].startswith(f"A source of C{with_evidence.number} ")


def test_a_changed_source_and_a_claims_new_wording_tell_its_people(editor, on_commit):
    claim_ = ClaimFactory.create(created_by=reviewer("ana"))
    source = SourceFactory.create(article=claim_.article, url="https://stats.example/t")
    claim_.sources.add(source)
    ben = reviewer("ben")
    rating_submit(claim=claim_, reviewer=ben, verdict=Verdict.TRUE, rationale="Yes.")
    with on_commit():
        events.emit(events.source_changed, source=source, snapshot=None, previous=None)
        events.emit(
            events.claim_wording_changed, claim=claim_, old_quote="4,000", new_quote="3,950 trees"
        )
    assert set(told(Kind.SOURCE_CHANGED)) == {"ana", "ben"}
    assert told(Kind.WORDING_CHANGED) == {
        "ben": "A new revision of the article changed the words of "
        f"C{claim_.number} of “{claim_.article.title}”: “3,950 trees”"
    }


def test_a_reader_report_tells_the_editors(editor, on_commit):
    claim_ = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(claim_, editor, Verdict.TRUE)
    reviewer("ana")
    with on_commit():
        correction_request_file(claim=claim_, message="The figure was revised.", client="192.0.2.1")
    assert set(told(Kind.CORRECTION_REQUESTED)) == {editor.username}
    assert claim_.status == ClaimStatus.PUBLISHED


def test_many_people_are_told_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    claim_ = ClaimFactory.create()
    people = UserFactory.create_batch(40)
    Preference.objects.create(user=people[0], kind=Kind.ASSIGNED, delivery=Delivery.OFF)
    people[1].email = ""
    people[1].save()
    with django_assert_max_num_queries(3):
        created = notifications_create(
            kind=Kind.ASSIGNED, claim=claim_, texts={p.pk: "Assigned." for p in people}
        )
    assert len(created) == 40
    states = dict(Notification.objects.values_list("recipient_id", "email_state"))
    assert states[people[0].pk] == states[people[1].pk] == EmailState.NONE
    assert states[people[2].pk] == EmailState.PENDING


def test_a_dead_source_cited_by_many_claims_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    source = SourceFactory.create(url="https://parks.example/report")
    for n in range(15):
        cited = ClaimFactory.create(article=source.article, start=n * 4, end=n * 4 + 3)
        cited.sources.add(source)
        RatingFactory.create(claim=cited)
    with django_assert_max_num_queries(9):
        receivers.on_source_died(source=source)
    assert Notification.objects.filter(kind=Kind.SOURCE_DIED).count() == 30
