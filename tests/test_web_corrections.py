"""Corrections in the reviewers' UI: the claim page's forms (kind and sources, passage,
deleting), evidence and comments, withdrawing a rating, the reader's article details and
"Change URL", and the import form's details. Refusals are 403 pages, bad input the form
again (422) with its errors; neither changes anything."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    Evidence,
    Rating,
    SourceStatus,
)
from editorial.models import ClaimConsensus, Comment
from editorial.services.ratings import rating_submit
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
    UserFactory,
)
from tests.failed_forms import failed_post

pytestmark = pytest.mark.django_db

NEW_URL = "https://parks.example/report-2023"


def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def as_reviewer(client: Client, reviewer) -> Client:
    return signed_in(client, reviewer)


@pytest.fixture
def as_other(second_reviewer) -> Client:
    return signed_in(Client(), second_reviewer)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The claim page ----------------------------------------------------------------------


def test_the_creator_sees_the_correction_forms_and_another_reviewer_does_not(
    as_reviewer, as_other, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    mine = page(as_reviewer, f"/claims/{claim.pk}/")
    theirs = page(as_other, f"/claims/{claim.pk}/")

    for html, shown in ((mine, True), (theirs, False)):
        assert ("Correct this claim" in html) is shown
        assert (f'action="/claims/{claim.pk}/passage/"' in html) is shown
        assert (f'action="/claims/{claim.pk}/delete/"' in html) is shown


def test_a_rated_claims_creator_changes_its_kind_but_neither_moves_nor_deletes_it(
    as_reviewer, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    RatingFactory.create(claim=claim)

    html = page(as_reviewer, f"/claims/{claim.pk}/")

    assert f'action="/claims/{claim.pk}/edit/"' in html
    assert f'action="/claims/{claim.pk}/passage/"' not in html
    assert f'action="/claims/{claim.pk}/delete/"' not in html
    assert "only editors may move it" in html


def test_changing_kind_and_sources_on_the_claim_page(as_reviewer, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    source = SourceFactory.create(article=claim.article)

    response = as_reviewer.post(
        f"/claims/{claim.pk}/edit/", {"kind": "prediction", "sources": [source.pk]}
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.PREDICTION
    assert list(claim.sources.all()) == [source]
    assert "The claim was corrected." in page(as_reviewer, response["Location"])


def test_another_articles_source_is_a_form_error(as_reviewer, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    foreign = SourceFactory.create()

    html = failed_post(
        as_reviewer,
        f"/claims/{claim.pk}/edit/",
        {"kind": "quote", "sources": [foreign.pk]},
        page=f"/claims/{claim.pk}/",
    )

    assert "Select a valid choice" in html
    claim.refresh_from_db()
    assert (claim.kind, claim.sources.count()) == (ClaimKind.FACTUAL, 0)


def test_moving_a_claim_by_its_words(as_reviewer, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)

    response = as_reviewer.post(f"/claims/{claim.pk}/passage/", {"quote": "Critics say"})

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.quote, claim.start) == ("Critics say", claim.article.text.index("Critics say"))
    html = page(as_reviewer, response["Location"])
    assert "The claim now stands on the new passage." in html
    assert "changed the passage" in html  # the history says so


def test_moving_a_claim_by_offsets_as_the_reader_sends_them(as_reviewer, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    text = claim.article.text

    response = as_reviewer.post(
        f"/claims/{claim.pk}/passage/", {"start": 9, "end": 16, "quote": text[9:16]}
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.quote) == (9, 16, text[9:16])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quote": "words that are not there"}, "does not appear"),
        ({"quote": "the"}, "appear"),
        ({"quote": ""}, "Type the passage"),
        ({"start": 0, "end": 99_999}, "outside the article"),
    ],
)
def test_a_passage_that_cannot_be_found_comes_back_with_the_reason(
    as_reviewer, reviewer, data: dict, message: str
) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)

    html = failed_post(
        as_reviewer, f"/claims/{claim.pk}/passage/", data, page=f"/claims/{claim.pk}/"
    )

    assert message in html
    claim.refresh_from_db()
    assert (claim.start, claim.end) == (0, 8)


def test_another_reviewer_is_refused_every_claim_correction(as_other, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)

    for path, data in (
        ("edit/", {"kind": "opinion"}),
        ("passage/", {"start": 9, "end": 16}),
        ("delete/", {}),
    ):
        assert as_other.post(f"/claims/{claim.pk}/{path}", data).status_code == 403, path
    claim.refresh_from_db()
    assert (claim.kind, claim.start) == (ClaimKind.FACTUAL, 0)


def test_deleting_a_claim_returns_to_the_article(as_reviewer, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    response = as_reviewer.post(f"/claims/{claim.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{claim.article_id}/"
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert "The claim was deleted" in page(as_reviewer, response["Location"])


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    response = client.post(f"/claims/{claim.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    assert Claim.objects.filter(pk=claim.pk).exists()


# --- Evidence ----------------------------------------------------------------------------


def test_the_author_corrects_evidence_and_a_new_url_is_fetched_again(as_reviewer, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.DEAD)
    claim = evidence.claim
    assert f'action="/claims/{claim.pk}/evidence/{evidence.pk}/edit/"' in page(
        as_reviewer, f"/claims/{claim.pk}/"
    )

    response = as_reviewer.post(
        f"/claims/{claim.pk}/evidence/{evidence.pk}/edit/",
        {"stance": "refutes", "url": NEW_URL, "excerpt": "", "note": "The 2023 report."},
    )

    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.url, evidence.status, evidence.note) == (
        "refutes",
        NEW_URL,
        SourceStatus.PENDING,
        "The 2023 report.",
    )


def test_evidence_without_url_or_excerpt_comes_back_with_the_error(as_reviewer, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer)
    url = evidence.url

    html = failed_post(
        as_reviewer,
        f"/claims/{evidence.claim_id}/evidence/{evidence.pk}/edit/",
        {"stance": "supports", "url": "", "excerpt": ""},
        page=f"/claims/{evidence.claim_id}/",
    )

    assert "Evidence needs a URL, a quoted excerpt, or both." in html
    evidence.refresh_from_db()
    assert evidence.url == url


def test_another_reviewer_may_not_correct_or_delete_evidence(as_other, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, note="")
    base = f"/claims/{evidence.claim_id}/evidence/{evidence.pk}/"

    assert f'action="{base}edit/"' not in page(as_other, f"/claims/{evidence.claim_id}/")
    edited = as_other.post(base + "edit/", {"stance": "supports", "url": evidence.url, "note": "x"})
    deleted = as_other.post(base + "delete/")

    assert (edited.status_code, deleted.status_code) == (403, 403)
    evidence.refresh_from_db()
    assert evidence.note == ""


def test_the_author_deletes_evidence(as_reviewer, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer)

    response = as_reviewer.post(f"/claims/{evidence.claim_id}/evidence/{evidence.pk}/delete/")

    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_of_another_claim_is_a_404(as_reviewer, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer)
    other = ClaimFactory.create()

    response = as_reviewer.post(f"/claims/{other.pk}/evidence/{evidence.pk}/delete/")

    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- Ratings -----------------------------------------------------------------------------


def test_withdrawing_my_rating_on_the_claim_page(as_reviewer, reviewer, second_reviewer) -> None:
    claim = ClaimFactory.create()
    assert "Withdraw my rating" not in page(as_reviewer, f"/claims/{claim.pk}/")
    rating_submit(claim=claim, reviewer=reviewer, verdict="true", rationale="Said so.")
    rating_submit(claim=claim, reviewer=second_reviewer, verdict="true", rationale="Yes.")
    assert "Withdraw my rating" in page(as_reviewer, f"/claims/{claim.pk}/")

    response = as_reviewer.post(f"/claims/{claim.pk}/rating/withdraw/")

    assert response.status_code == 302
    assert not Rating.objects.filter(claim=claim, reviewer=reviewer).exists()
    assert ClaimConsensus.objects.get(claim=claim).ratings_count == 1
    html = page(as_reviewer, response["Location"])
    assert "Your rating was withdrawn." in html
    assert "withdrew their rating" in html
    assert "Withdraw my rating" not in html


# --- Comments ----------------------------------------------------------------------------


def test_an_edited_comment_says_so(as_reviewer, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    response = as_reviewer.post(
        f"/claims/{comment.claim_id}/comments/{comment.pk}/edit/", {"body": "Which report?"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at is not None) == ("Which report?", True)
    html = page(as_reviewer, f"/claims/{comment.claim_id}/")
    assert "Which report?" in html
    assert 'class="muted small comment__edited">edited <time' in html


def test_an_empty_comment_edit_comes_back_with_the_error(as_reviewer, reviewer) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")

    html = failed_post(
        as_reviewer,
        f"/claims/{comment.claim_id}/comments/{comment.pk}/edit/",
        {"body": " "},
        page=f"/claims/{comment.claim_id}/",
    )

    assert "This field is required." in html
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Hm.", None)


def test_another_reviewer_may_not_edit_or_delete_a_comment_an_editor_may(
    as_other, reviewer, editor
) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), author=reviewer, body="Hm.")
    base = f"/claims/{comment.claim_id}/comments/{comment.pk}/"

    assert as_other.post(base + "edit/", {"body": "No."}).status_code == 403
    assert as_other.post(base + "delete/").status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Hm."

    as_editor = signed_in(Client(), editor)
    assert f'action="{base}delete/"' in page(as_editor, f"/claims/{comment.claim_id}/")
    assert as_editor.post(base + "delete/").status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    html = page(as_editor, f"/claims/{comment.claim_id}/").replace("<strong>", "")
    assert f"{editor}</strong> deleted a comment" in html


# --- The reader: article details, sources, re-selecting a passage --------------------------


def test_a_reviewer_corrects_an_articles_details_in_the_reader(as_other) -> None:
    article = ArticleFactory.create()
    assert "Correct the details" in page(as_other, f"/articles/{article.pk}/")

    response = as_other.post(
        f"/articles/{article.pk}/details/",
        {
            "title": "Trees, counted",
            "byline": "A. Writer",
            "publisher": "The Gazette",
            "url": "https://gazette.example/trees",
            "published_on": "2024-03-01",
        },
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.byline, article.publisher, article.published_on) == (
        "Trees, counted",
        "A. Writer",
        "The Gazette",
        date(2024, 3, 1),
    )
    assert "1 March 2024" in page(as_other, f"/articles/{article.pk}/")


def test_bad_details_come_back_with_the_errors_and_change_nothing(as_reviewer) -> None:
    article = ArticleFactory.create()
    title = article.title

    html = failed_post(
        as_reviewer,
        f"/articles/{article.pk}/details/",
        {"title": "", "url": "not a url", "published_on": "1 March"},
        page=f"/articles/{article.pk}/",
    )

    assert "This field is required." in html
    assert "Enter a valid date." in html
    article.refresh_from_db()
    assert (article.title, article.url, article.published_on) == (title, "", None)


def test_a_published_articles_details_are_for_editors(as_reviewer, editor) -> None:
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    assert "Correct the details" not in page(as_reviewer, f"/articles/{article.pk}/")

    refused = as_reviewer.post(
        f"/articles/{article.pk}/details/", {"title": article.title, "byline": "Someone"}
    )
    assert refused.status_code == 403
    article.refresh_from_db()
    assert article.byline == ""

    as_editor = signed_in(Client(), editor)
    done = as_editor.post(
        f"/articles/{article.pk}/details/", {"title": article.title, "byline": "A. Writer"}
    )
    assert done.status_code == 302


def test_the_reader_offers_change_url_on_every_source_the_user_may_correct(
    as_reviewer, as_other, reviewer
) -> None:
    article = ArticleFactory.create(imported_by=reviewer)
    ok = SourceFactory.create(article=article, status=SourceStatus.OK)
    needs = SourceFactory.create(article=article, status=SourceStatus.NEEDS_URL, url="")

    mine = page(as_reviewer, f"/articles/{article.pk}/")
    theirs = page(as_other, f"/articles/{article.pk}/")

    assert mine.count("Change URL") == 1  # the other one needs its first URL
    assert f'value="{ok.url}"' in mine
    assert "Supply the URL to fetch" in mine
    assert f'action="/sources/{needs.pk}/url/"' in mine
    assert "Change URL" not in theirs


def test_changing_a_fetched_sources_url_from_the_reader_starts_polling(
    as_reviewer, reviewer
) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer), status=SourceStatus.DEAD
    )

    response = as_reviewer.post(
        f"/sources/{source.pk}/url/", {"url": NEW_URL}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pending" in html
    assert 'hx-trigger="every 3s"' in html  # the poller comes back on
    source.refresh_from_db()
    assert (source.url, source.status) == (NEW_URL, SourceStatus.PENDING)


def test_the_reader_asks_for_a_new_passage_when_moving_a_claim(
    as_reviewer, as_other, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    url = f"/articles/{claim.article_id}/?move={claim.pk}"

    assert 'id="move-form"' in page(as_reviewer, url)
    assert f'action="/claims/{claim.pk}/passage/"' in page(as_reviewer, url)
    assert 'id="move-form"' not in page(as_other, url)  # not theirs to move
    assert 'id="move-form"' not in page(as_reviewer, f"/articles/{claim.article_id}/?move=x")
    RatingFactory.create(claim=claim)  # rated: only editors move it
    assert 'id="move-form"' not in page(as_reviewer, url)


# --- The import form --------------------------------------------------------------------


def test_the_import_form_takes_the_articles_details(as_reviewer) -> None:
    response = as_reviewer.post(
        "/articles/import/",
        {
            "via": "paste",
            "content": "# Trees\n\nThe city planted trees.\n",
            "url": "https://gazette.example/trees",
            "byline": "A. Writer",
            "publisher": "The Gazette",
            "published_on": "2024-03-01",
        },
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.url, article.byline, article.publisher, article.published_on) == (
        "https://gazette.example/trees",
        "A. Writer",
        "The Gazette",
        date(2024, 3, 1),
    )


def test_an_import_with_a_bad_date_comes_back_with_the_error(as_reviewer) -> None:
    response = as_reviewer.post(
        "/articles/import/",
        {"via": "url", "url": "https://gazette.example/trees", "published_on": "soon"},
    )

    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()
    assert not Article.objects.exists()


def test_users_without_a_role_correct_nothing(client: Client, reviewer) -> None:
    nobody = signed_in(client, UserFactory.create())
    claim = ClaimFactory.create(created_by=reviewer)

    assert nobody.post(f"/claims/{claim.pk}/delete/").status_code == 403
    assert nobody.post(f"/articles/{claim.article_id}/details/", {"title": "x"}).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()
