"""An article's language: detected from its text at import, or given, as a BCP-47 tag."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from claims.services.articles import article_import, article_update
from texts.language import detect_language, normalize_language_tag

ENGLISH = "Riverside planted 4,000 street trees in 2023, more than any year since records began."
GERMAN = (
    "Die Stadt hat im vergangenen Jahr mehr Bäume gepflanzt als jemals zuvor, sagt der Bericht."
)
FRENCH = "La ville a planté plus d'arbres l'année dernière que jamais auparavant, selon le rapport."


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_the_language_of_a_text_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_text_too_short_to_tell_has_no_language() -> None:
    assert detect_language("OK 42") == ""


@pytest.mark.parametrize(
    ("tag", "normal"), [("EN", "en"), ("pt_br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("", "")]
)
def test_language_tags_take_their_usual_case(tag: str, normal: str) -> None:
    assert normalize_language_tag(tag) == normal


@pytest.mark.parametrize("tag", ["english", "e", "en us", "12"])
def test_what_is_no_language_tag_is_refused(tag: str) -> None:
    with pytest.raises(ValueError, match="BCP-47"):
        normalize_language_tag(tag)


@pytest.mark.django_db
def test_an_import_detects_the_articles_language(reviewer) -> None:
    article = article_import(content=f"# Bäume\n\n{GERMAN}\n", imported_by=reviewer)
    assert article.language == "de"


@pytest.mark.django_db
def test_an_import_keeps_the_language_it_is_given(reviewer) -> None:
    article = article_import(
        content=f"# Trees\n\n{ENGLISH}\n", imported_by=reviewer, language="EN-gb"
    )
    assert article.language == "en-GB"


@pytest.mark.django_db
def test_a_bad_language_at_import_is_a_field_error_and_imports_nothing(reviewer) -> None:
    with pytest.raises(ValidationError) as refused:
        article_import(content=ENGLISH, imported_by=reviewer, language="klingon!")
    assert "language" in refused.value.message_dict


@pytest.mark.django_db
def test_the_language_is_edited_like_other_metadata(reviewer, sample_article) -> None:
    article_update(article=sample_article, user=reviewer, language="fr")
    sample_article.refresh_from_db()
    assert sample_article.language == "fr"
    assert sample_article.history.first().language == "fr"
