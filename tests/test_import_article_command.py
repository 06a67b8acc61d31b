from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Article, Source
from tests.conftest import REPO_DIR, SAMPLE_ARTICLE

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_article", *args, stdout=out)
    return out.getvalue()


def test_import_prints_the_id_and_source_counts():
    output = run(str(SAMPLE_ARTICLE))
    article = Article.objects.get()
    assert output.strip() == (
        f"Imported article {article.pk}: {article.title!r} (Markdown), 5 sources, 1 needs a URL."
    )


def test_title_and_format_options_are_used(tmp_path: Path):
    path = tmp_path / "story.data"
    path.write_text("<p>Trees <a href='https://x.example/r'>report</a></p>", encoding="utf-8")
    output = run(str(path), "--title", "My title", "--format", "html")
    article = Article.objects.get()
    assert (article.title, article.source_format) == ("My title", "html")
    assert "1 source, 0 need a URL" in output


def test_importing_identical_content_twice_says_so_and_creates_nothing():
    run(str(SAMPLE_ARTICLE))
    output = run(str(SAMPLE_ARTICLE))
    first = Article.objects.get()
    assert output.startswith(f"Already imported as article {first.pk}")
    assert "--force" in output
    assert Source.objects.count() == 5


def test_force_imports_again():
    run(str(SAMPLE_ARTICLE))
    run(str(SAMPLE_ARTICLE), "--force")
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        (b"na\xefve \xff text", "not valid UTF-8"),
        (b"", "empty"),
    ],
)
def test_bad_files_fail_with_one_line_and_write_nothing(tmp_path: Path, content, message):
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as raised:
        run(str(path))
    assert "\n" not in str(raised.value)
    assert not Article.objects.exists()


def test_file_over_the_size_limit_is_refused(tmp_path: Path, settings):
    settings.IMPORT_MAX_BYTES = 4096
    path = tmp_path / "big.md"
    path.write_text("word " * 2000, encoding="utf-8")
    with pytest.raises(CommandError, match="10,000 bytes; the limit is 4,096 bytes"):
        run(str(path))
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/article.md"], "No such file"),
        (["."], "Not a regular file"),
        ([str(SAMPLE_ARTICLE), "--user", "nobody"], "No user named 'nobody'"),
        ([str(SAMPLE_ARTICLE), "--url", "not a url"], "Enter an absolute http:// or https:// URL"),
    ],
)
def test_bad_arguments_fail_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_command_line_exit_code_is_1_with_a_one_line_error(tmp_path: Path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(path)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: This is a binary file, not an article; import Markdown, HTML or text."
    ]


def test_a_url_creates_the_article_and_queues_its_fetch(
    monkeypatch, django_capture_on_commit_callbacks
):
    from claims import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.import_article_from_url, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        output = run("https://news.example.org/story")
    article = Article.objects.get()
    assert article.import_status == "fetching"
    assert output.startswith(f"Article {article.pk} created; a worker is fetching")
    assert queued == [article.pk]


def test_a_bad_url_fails_clearly():
    with pytest.raises(CommandError, match="absolute http"):
        run("http://")
    assert not Article.objects.exists()
