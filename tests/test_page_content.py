from __future__ import annotations

import pytest

from fetching import content
from fetching.content import article_from_html, decode_body, page_content
from texts.extraction import extract_html

URL = "https://news.example.com/2015/10/buffer-zones"

ARTICLE_PARAGRAPHS = [
    "Western policymakers have proposed so-called buffer zones in northern Syria for "
    "years. Critics say the plan is older than the conflict's current phase and would "
    "change the war's geography for good.",
    "The Brookings Institution set out the idea in a paper titled "
    '<a href="/papers/deconstructing-syria">Deconstructing Syria</a>, which argued for safe '
    "zones that moderate elements could hold with foreign support from the air and "
    "eventually on the ground.",
    "The Council on Foreign Relations echoed the plan in an op-ed, "
    '<a href="https://cfr.example.org/testing-putin">Testing Putin in Syria</a>, saying a '
    "Syria of enclaves may be the best possible outcome for now and the foreseeable future.",
    "Neither paper explained how such zones would be defended once established, or who "
    "would govern the territory over the long run, which is the question critics keep "
    "returning to.",
]

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Buffer zones and their critics | The Example Times</title>
<meta property="og:site_name" content="The Example Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2015-10-12T08:00:00Z">
<script>window.tracker = "analytics";</script>
</head><body>
<header class="site-header"><a href="/">The Example Times</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/politics">Politics desk</a></li><li><a href="/subscribe">Subscribe today</a></li>
</ul></nav></header>
<main><article>
<h1>Buffer zones and their critics</h1>
<p class="byline">By Jane Doe</p>
{"".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE_PARAGRAPHS)}
</article>
<aside class="advertisement"><p>Advertisement:
<a href="https://ads.example.net/click?id=1">Buy cheap flights now</a> and save big on
your holiday this season!</p></aside>
</main>
<footer><p>Copyright 2015 The Example Times.
<a href="/privacy">Privacy policy</a> | <a href="/contact">Contact the newsroom</a></p></footer>
</body></html>"""


def _html_page(body: str, *, title: str = "Example", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"
    )


# -- HTML main text ------------------------------------------------------------------


def test_article_page_text_is_the_article_without_navigation_ads_or_footer() -> None:
    page = page_content(
        ARTICLE_PAGE.encode(), content_type="text/html; charset=utf-8", charset=None, url=URL
    )

    assert page.kind == "html"
    assert page.text.startswith("Buffer zones and their critics\n\n")
    assert "the foreseeable future.\n\nNeither paper explained" in page.text
    assert "Deconstructing Syria, which argued" in page.text
    for chrome in ("Home", "World news", "Subscribe", "Advertisement", "cheap flights", "Privacy"):
        assert chrome not in page.text
    assert "tracker" not in page.text
    assert not page.soft_404


def test_article_page_metadata_comes_from_the_page() -> None:
    page = page_content(ARTICLE_PAGE.encode(), content_type="text/html", charset=None, url=URL)
    article = article_from_html(ARTICLE_PAGE.encode(), charset=None, url=URL)

    assert page.title == article.title == "Buffer zones and their critics"
    assert article.author == "Jane Doe"
    assert article.site_name == "The Example Times"
    assert article.published == "2015-10-12"


def test_tiny_page_text_falls_back_to_the_page_without_its_chrome() -> None:
    html = _html_page(
        "<nav><a href='/'>Home</a></nav><p>Short note: the meeting moved to Tuesday.</p>"
        "<footer>(c) Example</footer>",
        title="Note",
    )

    page = page_content(html.encode(), content_type="text/html", charset="utf-8", url=URL)

    assert page.text == "Short note: the meeting moved to Tuesday."
    assert page.title == "Note"


def test_a_page_reads_the_same_fetched_as_a_source_or_imported_as_an_article() -> None:
    page = page_content(ARTICLE_PAGE.encode(), content_type="text/html", charset=None, url=URL)
    article = article_from_html(ARTICLE_PAGE.encode(), charset=None, url=URL)

    assert extract_html(article.html).text == page.text


# -- charsets --------------------------------------------------------------------------

FRENCH = (
    "Les \u201czones tampons\u201d co\u00fbtent cher \u2014 5 \u20ac par caf\u00e9, "
    "d\u00e9j\u00e0 vu \u00e0 No\u00ebl. Le d\u00e9bat reste ouvert, m\u00eame apr\u00e8s "
    "l\u2019\u00e9t\u00e9, et les experts ne sont pas d\u2019accord."
)
GERMAN = (
    "Gr\u00fc\u00dfe aus K\u00f6ln: Die sch\u00f6ne Stra\u00dfe am Fluss wird im "
    "n\u00e4chsten Fr\u00fchjahr f\u00fcr den Verkehr ge\u00f6ffnet, sagte die "
    "B\u00fcrgermeisterin."
)
JAPANESE = (
    "\u5b89\u5168\u5730\u5e2f\u306e\u69cb\u60f3\u306f\u3001\u30b7\u30ea\u30a2\u56fd\u5185"
    "\u306b\u7a4f\u5065\u6d3e\u306e\u62e0\u70b9\u3092\u7bc9\u304f\u3053\u3068\u3092\u76ee"
    "\u7684\u3068\u3057\u3066\u3044\u305f\u3002\u95a2\u4fc2\u8005\u306b\u3088\u308b\u3068"
    "\u3001\u8a08\u753b\u306f\u65e9\u304f\u304b\u3089\u691c\u8a0e\u3055\u308c\u3066\u3044"
    "\u305f\u3002"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "windows-1252"),
        (GERMAN, "iso-8859-1"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "utf-16"),
        (JAPANESE, "utf-16-le"),
    ],
)
def test_declared_charset_is_honoured(text: str, encoding: str) -> None:
    body = _html_page(f"<p>{text}</p>").encode(encoding)

    from_header = page_content(
        body, content_type=f"text/html; charset={encoding}", charset=None, url=URL
    )
    from_argument = page_content(body, content_type="text/html", charset=encoding, url=URL)

    assert from_header.text == text
    assert from_argument.text == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "windows-1252"),
        (GERMAN, "iso-8859-1"),
        (JAPANESE, "shift_jis"),
        (JAPANESE, "utf-16"),  # with a byte order mark
        (JAPANESE, "utf-16-le"),  # without one
        (FRENCH, "utf-8"),
    ],
)
def test_undeclared_charset_is_detected(text: str, encoding: str) -> None:
    body = (text + "\n").encode(encoding)

    page = page_content(body, content_type="text/plain", charset=None, url=URL)

    assert page.kind == "text"
    assert page.text == text + "\n"


@pytest.mark.parametrize(
    ("meta", "text", "encoding"),
    [
        ('<meta charset="windows-1252">', FRENCH, "windows-1252"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            JAPANESE,
            "shift_jis",
        ),
    ],
)
def test_meta_charset_is_used_when_the_header_has_none(meta: str, text: str, encoding: str) -> None:
    body = _html_page(f"<p>{text}</p>", head=meta).encode(encoding)

    page = page_content(body, content_type="text/html", charset=None, url=URL)

    assert page.text == text
    assert page.charset_used == encoding.replace("-", "_").replace("windows_", "cp")


def test_iso_8859_1_label_is_read_as_windows_1252_like_browsers() -> None:
    body = "\u201cquoted\u201d \u2013 caf\u00e9".encode("windows-1252")

    text, used = decode_body(body, declared="ISO-8859-1", html=False)

    assert text == "\u201cquoted\u201d \u2013 caf\u00e9"
    assert used == "cp1252"


def test_declared_charset_that_cannot_decode_the_body_is_ignored() -> None:
    body = _html_page(f"<p>{FRENCH}</p>", head='<meta charset="windows-1252">').encode(
        "windows-1252"
    )

    page = page_content(body, content_type="text/html; charset=utf-8", charset=None, url=URL)

    assert page.text == FRENCH
    assert page.charset_used == "cp1252"


def test_byte_order_mark_wins_over_a_wrong_declaration() -> None:
    body = "\ufeff" + FRENCH

    page = page_content(
        body.encode("utf-8"), content_type="text/plain", charset="windows-1252", url=URL
    )

    assert page.text == FRENCH
    assert page.charset_used == "utf-8"


# -- plain text, PDF, other types ----------------------------------------------------


def test_markdown_is_returned_as_decoded_with_its_first_line_as_title() -> None:
    markdown = "# Deconstructing Syria\n\nA *new* strategy.\n"

    page = page_content(
        markdown.encode(), content_type="text/markdown; charset=utf-8", charset=None, url=URL
    )

    assert (page.kind, page.text, page.title) == ("text", markdown, "Deconstructing Syria")


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(pages: list[list[str]], *, title: str | None = None) -> bytes:
    """A minimal PDF with a line of Helvetica text per string."""
    kids = " ".join(f"{4 + 2 * index} 0 R" for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for index, lines in enumerate(pages):
        shown = " ".join(f"({_pdf_string(line)}) Tj T*" for line in lines)
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    if title:
        objects.append(f"<< /Title ({_pdf_string(title)}) >>".encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = f" /Info {len(objects)} 0 R" if title else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\n".encode()
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_pdf_text_of_every_page_and_title_from_its_metadata() -> None:
    body = _pdf(
        [["Deconstructing Syria", "A new strategy (2015)"], ["The end-game for these zones."]],
        title="Deconstructing Syria: a paper",
    )

    page = page_content(body, content_type="application/pdf", charset=None, url=URL)

    assert page.kind == "pdf"
    assert page.title == "Deconstructing Syria: a paper"
    assert page.text == (
        "Deconstructing Syria\nA new strategy (2015)\n\nThe end-game for these zones."
    )


def test_pdf_is_recognised_by_its_signature_and_titled_by_its_first_line() -> None:
    body = _pdf([["Testing Putin in Syria", "By Richard Haass"]])

    page = page_content(body, content_type="application/octet-stream", charset=None, url=URL)

    assert (page.kind, page.title) == ("pdf", "Testing Putin in Syria")


def test_pdf_pages_past_the_cap_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "MAX_PDF_PAGES", 2)
    body = _pdf([["page one"], ["page two"], ["page three"]])

    page = page_content(body, content_type="application/pdf", charset=None, url=URL)

    assert page.text == "page one\n\npage two"


def test_broken_pdf_is_a_pdf_without_text() -> None:
    page = page_content(
        b"%PDF-1.4\nthis is not really a pdf", content_type="application/pdf", charset=None, url=URL
    )

    assert (page.kind, page.text, page.title) == ("pdf", "", "")


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "text/csv"])
def test_other_types_are_unsupported_and_have_no_text(content_type: str) -> None:
    page = page_content(b"\x89PNG\r\n\x1a\n...", content_type=content_type, charset=None, url=URL)

    assert (page.kind, page.text, page.title) == ("unsupported", "", "")


# -- soft 404s -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("Page not found | Example", "Sorry!"),
        ("Example News", "404"),
        ("Example News", "Error 404 \u2013 Not Found"),
        ("This page does not exist", "Oops"),
        ("Example News", "This article is no longer available"),
        ("Example News", "The page can\u2019t be found"),
        ("We couldn't find that page", "Example"),
    ],
)
def test_ok_page_titled_not_found_is_a_soft_404(title: str, heading: str) -> None:
    html = _html_page(
        "<nav><a href='/'>Home</a> <a href='/search'>Search</a></nav>"
        f"<h1>{heading}</h1><p>Try the search box or go back to the home page.</p>",
        title=title,
    )

    page = page_content(html.encode(), content_type="text/html", charset=None, url=URL)

    assert page.soft_404


def test_almost_empty_page_saying_not_found_is_a_soft_404() -> None:
    html = _html_page("<p>Sorry, the page you requested could not be found.</p>", title="Example")

    page = page_content(html.encode(), content_type="text/html", charset=None, url=URL)

    assert page.soft_404


def test_article_mentioning_not_found_in_its_body_is_not_a_soft_404() -> None:
    mentions = (
        "<p>Inspectors searched the sites for weeks. The weapons were not found, and the "
        "page of evidence cited by officials could not be found either; the ministry said "
        "the document no longer exists.</p>"
    )
    body = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE_PARAGRAPHS) + mentions
    html = _html_page(f"<article><h1>The missing weapons</h1>{body}</article>")

    page = page_content(html.encode(), content_type="text/html", charset=None, url=URL)

    assert "could not be found either" in page.text
    assert not page.soft_404


def test_short_news_brief_mentioning_not_found_is_not_a_soft_404() -> None:
    html = _html_page(
        "<article><h1>Search called off</h1><p>Divers searched the lake all weekend, but "
        "the missing boat was not found. The coast guard said the search would resume "
        "on Monday if the weather allows.</p></article>"
    )

    page = page_content(html.encode(), content_type="text/html", charset=None, url=URL)

    assert not page.soft_404


def test_long_article_with_not_found_in_its_title_is_not_a_soft_404() -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in ARTICLE_PARAGRAPHS * 5)
    html = _html_page(
        f"<article><h1>Weapons not found, inspectors say</h1>{body}</article>",
        title="Weapons not found, inspectors say",
    )

    page = page_content(html.encode(), content_type="text/html", charset=None, url=URL)

    assert not page.soft_404


# -- importing an article --------------------------------------------------------------


def test_imported_article_keeps_exactly_the_links_of_its_body_made_absolute() -> None:
    article = article_from_html(ARTICLE_PAGE.encode(), charset=None, url=URL)

    links = extract_html(article.html).links
    assert [(link.anchor_text, link.href) for link in links] == [
        ("Deconstructing Syria", "https://news.example.com/papers/deconstructing-syria"),
        ("Testing Putin in Syria", "https://cfr.example.org/testing-putin"),
    ]
    for chrome in ("Home", "Subscribe", "cheap flights", "Privacy", "tracker", "<script"):
        assert chrome not in article.html


def test_imported_article_carries_the_page_metadata() -> None:
    article = article_from_html(ARTICLE_PAGE.encode(), charset="utf-8", url=URL)

    assert article.title == "Buffer zones and their critics"
    assert article.author == "Jane Doe"
    assert article.site_name == "The Example Times"
    assert article.published == "2015-10-12"
    assert article.charset_used == "utf-8"


def test_imported_tiny_page_keeps_its_links_but_not_its_navigation_or_scripts() -> None:
    html = _html_page(
        "<nav><a href='/'>Home</a></nav><p>See <a href='../report.pdf'>the report</a> and "
        "<a href='javascript:alert(1)' onclick='steal()'>this</a>.</p>"
        "<script>alert(2)</script>"
    )

    article = article_from_html(html.encode(), charset=None, url=URL)

    links = extract_html(article.html).links
    assert [(link.anchor_text, link.href) for link in links] == [
        ("the report", "https://news.example.com/2015/report.pdf")
    ]
    assert extract_html(article.html).text == "See the report and this."
    for unsafe in ("javascript", "onclick", "alert", "Home"):
        assert unsafe not in article.html
