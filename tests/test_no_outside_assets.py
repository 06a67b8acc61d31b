"""No page the app serves loads anything from another site: every script, stylesheet, font,
image and frame comes from the app itself, so the whole app, the admin and the API docs work
offline. Links to other sites (an article's sources) are fine: they load nothing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client

from tests.site import admin_pages, build_site, public_pages, reviewer_pages

pytestmark = pytest.mark.django_db

# Attributes that make the browser fetch something, per element.
LOADING = {
    "script": ("src",),
    "link": ("href",),  # stylesheets, icons, fonts (preload), manifests
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)|@import\s+['"]([^'"]*)""", re.IGNORECASE)


class Loads(HTMLParser):
    """Every URL the page makes the browser load: attributes, style attributes, <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in LOADING.get(tag, ()):
            if name in values:
                if name == "srcset":
                    self.urls += [part.split()[0] for part in values[name].split(",") if part]
                else:
                    self.urls.append(values[name])
        if "style" in values:
            self.urls += css_urls(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


def is_outside(url: str) -> bool:
    """A URL with a host of its own (or protocol-relative), unless it is the test server."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob", "") and not url.strip().startswith("//"):
        return False
    return parts.hostname not in ("testserver", None) or url.strip().startswith("//")


def outside_loads(client: Client, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        parser = Loads()
        parser.feed(response.content.decode())
        assert parser.urls, f"{url} loads nothing at all: the parser missed its tags"
        if outside := [loaded for loaded in parser.urls if is_outside(loaded)]:
            found[url] = outside
    return found


def test_the_checks_see_an_outside_script_stylesheet_font_and_image():
    parser = Loads()
    parser.feed(
        '<script src="https://cdn.example.net/htmx.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.net/css">'
        '<img srcset="/static/a.png 1x, https://img.example.net/b.png 2x">'
        '<p style="background: url(https://img.example.net/c.png)"></p>'
        "<style>@import 'https://fonts.example.net/d.css';</style>"
        '<a href="https://example.org/">a link loads nothing</a>'
        '<img src="data:image/png;base64,AAAA"><script src="/static/web/app.js"></script>'
    )
    assert [url for url in parser.urls if is_outside(url)] == [
        "https://cdn.example.net/htmx.js",
        "//fonts.example.net/css",
        "https://img.example.net/b.png",
        "https://img.example.net/c.png",
        "https://fonts.example.net/d.css",
    ]


def test_no_page_loads_anything_from_another_site(client: Client):
    site = build_site()
    pages = {}
    for user in (site.reviewer, site.editor):
        client.force_login(user)
        pages[user.username] = outside_loads(client, reviewer_pages(site))
    client.force_login(site.admin)
    pages["admin"] = outside_loads(client, admin_pages(site.admin))
    client.logout()
    pages["anonymous"] = outside_loads(client, public_pages(site))
    assert pages == {"ana": {}, "editor": {}, "admin": {}, "anonymous": {}}


def test_the_error_pages_load_nothing_from_another_site():
    for name in ("400.html", "403.html", "404.html", "500.html"):
        parser = Loads()
        parser.feed(render_to_string(name))
        assert parser.urls, name
        assert [url for url in parser.urls if is_outside(url)] == [], name


def test_no_static_stylesheet_imports_or_points_at_another_site():
    stylesheets = [
        Path(storage.path(path))
        for finder in finders.get_finders()
        for path, storage in finder.list([])
        if path.endswith(".css")
    ]
    assert any(path.name == "app.css" for path in stylesheets)
    assert any(path.name == "swagger-ui.css" for path in stylesheets)
    outside = {
        str(path): found
        for path in stylesheets
        if (found := [url for url in css_urls(path.read_text("utf-8")) if is_outside(url)])
    }
    assert outside == {}
