"""The inbox in the reviewers' UI: the header's unread count, the list with links to the
claims, marking read (POST, redirect, GET), e-mail settings, unsubscribing from an e-mail
without signing in, and mentions in the comment box."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from notifications.models import Delivery, Kind, Notification, Preference
from notifications.selectors import unread_count
from tests.factories import ClaimFactory, UserFactory
from tests.failed_forms import failed_post

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notify(user: Any, *, claim: Any = None, text: str = "Something happened.") -> Notification:
    return Notification.objects.create(
        recipient=user, kind=Kind.ASSIGNED, claim=claim or ClaimFactory.create(), text=text
    )


def test_every_signed_in_page_shows_the_unread_count(reviewer):
    for _ in range(3):
        notify(reviewer)
    Notification.objects.filter(pk=notify(reviewer).pk).update(read_at="2026-01-01T00:00Z")
    notify(UserFactory.create())  # someone else's

    html = signed_in(reviewer).get("/claims/").content.decode()
    assert '<a id="inbox-badge"' in html
    assert 'aria-label="Notifications: 3 unread"' in html
    assert '<span class="inbox-badge__count">3</span>' in html


def test_the_unread_count_is_one_query(reviewer, django_assert_num_queries):
    notify(reviewer)
    with django_assert_num_queries(1):
        assert unread_count(reviewer) == 1


def test_the_inbox_lists_mine_with_links_to_the_claims_in_a_fixed_number_of_queries(
    reviewer, django_assert_max_num_queries
):
    claim = ClaimFactory.create(article__title="Trees in the city")
    for n in range(12):
        notify(reviewer, claim=claim, text=f"Event {n}.")
    notify(UserFactory.create(), text="Not for you.")
    client = signed_in(reviewer)
    client.get("/notifications/")  # the session and the user are read once
    with django_assert_max_num_queries(8):
        response = client.get("/notifications/")

    html = response.content.decode()
    assert html.count('class="notification card notification--unread"') == 12
    assert f'<a href="/claims/{claim.pk}/">C{claim.number}</a> of Trees in the city' in html
    assert "Not for you." not in html


def test_marking_read_and_all_read_posts_then_goes_back_to_the_inbox(reviewer):
    first, second, _third = (notify(reviewer) for _ in range(3))
    client = signed_in(reviewer)

    response = client.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    first.refresh_from_db()
    assert first.is_read
    assert "Marked read." in client.get("/notifications/").content.decode()

    unread = client.get("/notifications/?unread=true").content.decode()
    assert f"notification-{second.pk}" in unread
    assert f"notification-{first.pk}" not in unread

    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "2 marked read." in client.get(response["Location"]).content.decode()


def test_someone_elses_notification_cannot_be_marked_read(reviewer):
    theirs = notify(UserFactory.create(roles=["reviewer"]))
    assert signed_in(reviewer).post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert signed_in(reviewer).get(f"/notifications/{theirs.pk}/read/").status_code == 405


def test_email_settings_are_saved_and_a_refused_choice_comes_back_with_its_error(reviewer):
    client = signed_in(reviewer)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="assigned"' in page
    assert f"to {reviewer.email}" in page

    choices = {kind: Delivery.DIGEST for kind in Kind.values} | {Kind.REPLY: Delivery.OFF}
    response = client.post("/notifications/preferences/", choices)
    assert response.status_code == 302
    assert Preference.objects.get(user=reviewer, kind=Kind.REPLY).delivery == Delivery.OFF
    assert Preference.objects.get(user=reviewer, kind=Kind.ASSIGNED).delivery == Delivery.DIGEST

    html = failed_post(
        client,
        "/notifications/preferences/",
        choices | {Kind.ASSIGNED: "hourly"},
        page="/notifications/preferences/",
    )
    assert "Select a valid choice. hourly is not one of the available choices." in html
    assert Preference.objects.get(user=reviewer, kind=Kind.ASSIGNED).delivery == Delivery.DIGEST


def test_an_unsubscribe_link_that_is_not_ours_says_so(reviewer):
    response = Client().get("/notifications/unsubscribe/eyJ1IjoxfQ:forged:signature/")
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert Client().post("/notifications/unsubscribe/nothing/").status_code == 400
    assert not Preference.objects.exists()


def test_the_comment_box_suggests_reviewers_and_editors_to_mention(reviewer):
    UserFactory.create(username="benedict", display_name="Ben D.", roles=["reviewer"])
    UserFactory.create(username="bella", roles=["editor"])
    UserFactory.create(username="bernard")  # no role: not someone a mention reaches
    client = signed_in(reviewer)

    response = client.get("/people/mentions/", {"q": "be"})
    assert response.json() == {
        "people": [
            {"username": "bella", "name": "bella"},
            {"username": "benedict", "name": "Ben D."},
        ]
    }
    claim = ClaimFactory.create()
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert 'data-mentions="/people/mentions/"' in page
    assert Client().get("/people/mentions/", {"q": "be"}).status_code == 302


def test_a_comment_that_mentions_someone_outside_the_team_says_they_were_not_told(reviewer):
    UserFactory.create(username="ben", roles=["reviewer"])
    UserFactory.create(username="reader")
    claim = ClaimFactory.create()
    client = signed_in(reviewer)

    response = client.post(
        f"/claims/{claim.pk}/comments/", {"body": "@ben and @reader, and @nobody: look."}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Comment posted." in html
    assert "@reader, @nobody are not reviewers or editors: they were not notified." in html
