"""manage.py fit_suggestions: weights refitted on the team's claims, preferred once written."""

from __future__ import annotations

import csv
import json
import zlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from claims.services.suggestions import article_suggestions, fitted_weights_path
from tests.factories import ArticleFactory, ClaimFactory
from texts import checkworthy

pytestmark = pytest.mark.django_db

EVALUATION = Path(__file__).parent / "data" / "checkworthy.tsv"


def _articles_marked_by_the_team() -> None:
    """The evaluation set as articles of ten sentences, each check-worthy one a claim."""
    with EVALUATION.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    rows.sort(key=lambda r: zlib.crc32(r["sentence"].encode()))  # mix the labels
    for i in range(0, len(rows), 10):
        chunk = rows[i : i + 10]
        text = "\n".join(r["sentence"] for r in chunk)
        article = ArticleFactory.create(source_text=text, text=text)
        for r in chunk:
            if r["label"] == "1":
                at = text.index(r["sentence"])
                ClaimFactory.create(article=article, start=at, end=at + len(r["sentence"]))


def test_fitting_prints_precision_and_writes_weights_the_scorer_then_uses(
    settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    _articles_marked_by_the_team()
    out = StringIO()

    call_command("fit_suggestions", stdout=out)

    report = out.getvalue()
    assert "precision@10 before:" in report
    assert "precision@10 after:" in report
    fitted = json.loads(fitted_weights_path().read_text(encoding="utf-8"))
    assert set(fitted) == {"bias", *checkworthy.FEATURES}
    assert fitted["opinion"] < 0 < fitted["percent_or_money"]
    assert checkworthy.load_weights(fitted_weights_path()) == fitted

    fitted_weights_path().write_text(json.dumps({"bias": 9.0}), encoding="utf-8")
    article = Article.objects.exclude(claims=None).first()
    assert article is not None
    assert all(s.score > 0.99 for s in article_suggestions(article=article))


def test_too_few_marked_sentences_is_a_clear_error(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    ClaimFactory.create()
    with pytest.raises(CommandError, match="Too few sentences"):
        call_command("fit_suggestions", stdout=StringIO())
    assert not fitted_weights_path().exists()
