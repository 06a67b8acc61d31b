"""``manage.py import_article PATH``: import an article file (or ``-`` for stdin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import policies
from claims.errors import DuplicateArticle
from claims.models import ArticleFormat, SourceStatus
from claims.pipeline.article_store import size_limit_message
from claims.services.articles import article_import, article_import_url


def _one_line(error: ValidationError) -> str:
    return " ".join(" ".join(error.messages).split())


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
        if options["path"].startswith(("http://", "https://")):
            self._import_url(options, importer)
            return
        data, filename = self._read(options["path"])
        try:
            article = article_import(
                content=data,
                source_format=options["format"],
                title=options["title"],
                url=options["url"],
                filename=filename,
                imported_by=importer,
                force=options["force"],
            )
        except DuplicateArticle as duplicate:
            self._say_duplicate(duplicate)
            return
        except ValidationError as error:
            raise CommandError(_one_line(error)) from None
        sources = article.sources.all()
        total = len(sources)
        needing_url = sum(1 for source in sources if source.status == SourceStatus.NEEDS_URL)
        self.stdout.write(
            f"Imported article {article.pk}: {article.title!r} "
            f"({article.get_source_format_display()}), {total} sources, "
            f"{needing_url} need a URL."
        )

    def _say_duplicate(self, duplicate: DuplicateArticle) -> None:
        self.stdout.write(
            f"Already imported as article {duplicate.existing.pk} "
            f"({duplicate.existing.title!r}); nothing created. Use --force to import again."
        )

    def _import_url(self, options: dict[str, Any], importer: Any) -> None:
        try:
            article = article_import_url(
                url=options["path"],
                title=options["title"],
                imported_by=importer,
                force=options["force"],
            )
        except DuplicateArticle as duplicate:
            self._say_duplicate(duplicate)
            return
        except ValidationError as error:
            raise CommandError(_one_line(error)) from None
        self.stdout.write(
            f"Article {article.pk} created; a worker is fetching {article.url} "
            "(see its import status in the admin or the API)."
        )

    def _read(self, path: str) -> tuple[bytes, str | None]:
        limit = settings.IMPORT_MAX_BYTES
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
            return data, None
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {path}")
        if not file.is_file():
            raise CommandError(f"Not a regular file: {path}")
        if (size := file.stat().st_size) > limit:
            raise CommandError(size_limit_message(size, limit))
        try:
            with file.open("rb") as handle:
                # Read one byte past the limit: enough to know the file is too large
                # without loading all of it.
                data = handle.read(limit + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        return data, file.name
