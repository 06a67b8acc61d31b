"""``manage.py import_article PATH``: import an article file (or ``-`` for stdin)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from claims import policies
from claims.errors import DuplicateArticle
from claims.models import ArticleFormat, ImportStatus, SourceStatus
from claims.services.articles import Upload, article_import


def _one_line(error: ValidationError) -> str:
    return " ".join(" ".join(error.messages).split())


class _SizedFile:
    """A file with its size on disk, so the service refuses a large one before reading it."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle, self.size = handle, size

    def read(self, size: int = -1, /) -> bytes:
        return self.handle.read(size)


class Command(BaseCommand):
    help = "Import an article (Markdown, HTML or text) with its cited sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            help="File to import, - to read standard input, or an http(s) URL to fetch.",
        )
        parser.add_argument("--title", default="", help="Title (default: the first heading).")
        parser.add_argument(
            "--format",
            choices=ArticleFormat.values,
            help="Format of the file (default: from its extension, else sniffed).",
        )
        parser.add_argument("--url", default="", help="The article's original URL.")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")
        parser.add_argument(
            "--force", action="store_true", help="Import even if identical content exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Without --user, the operator at the command line imports (recorded as nobody).
        importer = policies.OPERATOR
        if options["user"]:
            importer = get_user_model().objects.filter(username=options["user"]).first()
            if importer is None:
                raise CommandError(f"No user named {options['user']!r}.")
        path = options["path"]
        is_url = path.startswith(("http://", "https://"))
        try:
            with self._open(path) as upload:
                article = article_import(
                    upload=upload,
                    filename=None if upload is None or path == "-" else Path(path).name,
                    url=path if is_url else options["url"],
                    source_format=options["format"],
                    title=options["title"],
                    imported_by=importer,
                    force=options["force"],
                )
        except DuplicateArticle as duplicate:
            self._say_duplicate(duplicate)
            return
        except ValidationError as error:
            raise CommandError(_one_line(error)) from None
        if article.import_status == ImportStatus.FETCHING:
            self.stdout.write(
                f"Article {article.pk} created; a worker is fetching {article.url} "
                "(see its import status in the admin or the API)."
            )
            return
        sources = article.sources.all()
        total = len(sources)
        needing_url = sum(1 for source in sources if source.status == SourceStatus.NEEDS_URL)
        self.stdout.write(
            f"Imported article {article.pk}: {article.title!r} "
            f"({article.get_source_format_display()}), {total} "
            f"{ngettext('source', 'sources', total)}, {needing_url} "
            f"{ngettext('needs', 'need', needing_url)} a URL."
        )

    def _say_duplicate(self, duplicate: DuplicateArticle) -> None:
        self.stdout.write(
            f"Already imported as article {duplicate.existing.pk} "
            f"({duplicate.existing.title!r}); nothing created. Use --force to import again."
        )

    @contextmanager
    def _open(self, path: str) -> Iterator[Upload | None]:
        """The file to import (None for a URL, which a worker fetches); the service reads
        it and refuses one over the size limit."""
        if path.startswith(("http://", "https://")):
            yield None
            return
        if path == "-":
            yield sys.stdin.buffer
            return
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {path}")
        if not file.is_file():
            raise CommandError(f"Not a regular file: {path}")
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        with handle:
            yield _SizedFile(handle, file.stat().st_size)
