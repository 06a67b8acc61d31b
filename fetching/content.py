"""Turn a fetched response body into readable text, or into an article to import.

Pure functions over bytes: no network, no database. ``page_content`` is what a
source's text (and so quote verification) is built from; ``article_from_html``
is what importing an article from its URL stores. Both use the same main-content
extraction (trafilatura), so the same page reads the same either way.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from charset_normalizer import from_bytes
from lxml_html_clean import Cleaner
from pypdf import PdfReader
from trafilatura.htmlprocessing import build_html_output
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.settings import Extractor
from trafilatura.utils import load_html as trafilatura_load_html
from trafilatura.utils import normalize_unicode

from fetching.safe_http import parse_content_type
from texts.extraction import extract_html

logger = logging.getLogger(__name__)

PageKind = Literal["html", "text", "pdf", "unsupported"]

MAX_PDF_PAGES = 200
# A page whose title says "not found" but carries a real article's worth of text
# is an article about something not found, not an error page.
SOFT_404_MAX_WORDS = 300
# With a generic title, only an almost empty page may be judged by its text.
SOFT_404_MAX_WORDS_FROM_TEXT = 30
META_PRESCAN_BYTES = 4096
MIN_MAIN_TEXT_CHARS = 250

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})


@dataclass(frozen=True, slots=True)
class PageContent:
    kind: PageKind
    title: str
    text: str  # main text, paragraphs separated by a blank line
    charset_used: str  # Python codec name; "" for PDF and unsupported bodies
    soft_404: bool = False


@dataclass(frozen=True, slots=True)
class ArticlePage:
    html: str  # main content only, simple tags, absolute hrefs
    title: str
    author: str
    site_name: str
    published: str
    charset_used: str


# -- entry points -------------------------------------------------------------


def page_content(body: bytes, *, content_type: str, charset: str | None, url: str) -> PageContent:
    media_type, header_charset = parse_content_type(content_type)
    declared = charset or header_charset
    kind = _kind(body, media_type or "")
    if kind == "pdf":
        return _pdf_content(body)
    if kind == "text":
        text, used = decode_body(body, declared=declared, html=False)
        return PageContent(kind="text", title=_first_line(text), text=text, charset_used=used)
    if kind == "html":
        html, used = decode_body(body, declared=declared, html=True)
        return _html_content(html, url=url, charset_used=used)
    return PageContent(kind="unsupported", title="", text="", charset_used="")


_WARM_UP_PAGE = (
    b"<!doctype html><html><head><title>Warm-up</title>"
    b"<meta property='article:published_time' content='2024-01-02'></head><body><article>"
    + b"<p>A paragraph of text long enough for the extractor to keep it as main content.</p>" * 8
    + b"</article></body></html>"
)


def warm_up() -> None:
    """Extract one page so the extractor's lazy loads happen now, once.

    trafilatura reads the public-suffix list (through courlan and tld, ~30 ms) on first
    use and without a lock: in a worker whose threads start their first fetches together,
    every thread would read it again, a second or more of CPU just as the first jobs come.
    """
    # A short domain name: www.example.org would be split without the list.
    url = "https://bbc.co.uk/news/warm-up"
    page_content(_WARM_UP_PAGE, content_type="text/html; charset=utf-8", charset=None, url=url)
    article_from_html(_WARM_UP_PAGE, charset="utf-8", url=url)


def article_from_html(body: bytes, *, charset: str | None, url: str) -> ArticlePage:
    html, used = decode_body(body, declared=charset, html=True)
    html = _parseable(html)
    if not html.strip():
        return ArticlePage(
            html="", title="", author="", site_name="", published="", charset_used=used
        )
    metadata = _metadata(html, url=url, search_text_for_date=True)
    return ArticlePage(
        html=_main_content_html(html, url=url, include_links=True),
        title=metadata.title,
        author=metadata.author,
        site_name=metadata.site_name,
        published=metadata.published,
        charset_used=used,
    )


# -- content type and charset ---------------------------------------------------


def _kind(body: bytes, media_type: str) -> PageKind:
    head = body[:1024].lstrip()
    if media_type in PDF_TYPES or head.startswith(b"%PDF-"):
        return "pdf"
    if media_type in HTML_TYPES:
        return "html"
    if media_type in TEXT_TYPES:
        return "text"
    unlabelled = media_type in ("", "application/octet-stream")
    if unlabelled and head.lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return "unsupported"


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:+-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do servers' authors.
_WINDOWS_1252_ALIASES = frozenset({"ascii", "latin-1", "iso8859-1"})


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_ALIASES else name


def _try_decode(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, *, declared: str | None, html: bool) -> tuple[str, str]:
    """The body as text and the codec used: BOM, declared charset, ``<meta>``, detection."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace"), codec
    candidates = [_codec(declared)]
    if html and (match := _META_CHARSET.search(body[:META_PRESCAN_BYTES])):
        meta = _codec(match.group(1).decode("ascii"))
        # A <meta> that could be read as ASCII cannot really mean UTF-16 (WHATWG).
        candidates.append("utf-8" if meta and meta.startswith("utf-16") else meta)
    for codec in filter(None, candidates):
        if (text := _try_decode(body, codec)) is not None:
            return text, codec
    # Undeclared: valid UTF-8 is almost surely UTF-8, unless it is BOM-less UTF-16.
    if (text := _try_decode(body, "utf-8")) is not None and "\x00" not in text:
        return text, "utf-8"
    detected = _detected_codec(body)
    if detected and (text := _try_decode(body, detected)) is not None:
        return text, detected
    return body.decode("utf-8", errors="replace"), "utf-8"


def _detected_codec(body: bytes) -> str | None:
    matches = from_bytes(body)
    if (best := matches.best()) is None:
        return None
    # On short Western text charset-normalizer may rank another Windows code page
    # (1257, 1250) first: they share windows-1252's punctuation bytes. When
    # windows-1252 reads as well, take it: it is by far the most used on the web.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + 0.1
            and match.coherence >= best.coherence
        ):
            return "cp1252"
    return _codec(best.encoding)


# -- HTML -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Metadata:
    title: str
    author: str
    site_name: str
    published: str


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# libxml2, under lxml and trafilatura, silently drops everything past 255 nested
# elements; a page that nests deeper is read by the flat walker instead.
LXML_MAX_DEPTH = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
# Never nest (void) or are usually left open and closed by the next one.
_FLAT_TAGS = frozenset(
    "area base br col embed hr img input link meta source track wbr "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp".split()
)


def html_depth(html: str) -> int:
    """How deeply the page's elements nest, counted from its tags without building a tree."""
    depth = deepest = 0
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() in _FLAT_TAGS:
            continue
        if tag.group(1):
            depth = max(depth - 1, 0)
        elif not tag.group().endswith("/>"):
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# An element this deep below the document's root: libxml2 cuts a tree off at 255 levels,
# so a page it cut off always has one.
_NESTS_TOO_DEEP = lxml.etree.XPath("boolean(/" + "/".join(["*"] * (LXML_MAX_DEPTH + 1)) + ")")


def _parseable(html: str) -> str:
    # lxml refuses a str that still declares its byte encoding, and NULs.
    return _XML_DECLARATION.sub("", html, count=1).replace("\x00", "")


def _metadata(html: str, *, url: str, search_text_for_date: bool) -> _Metadata:
    """Title, author, site and date as the page declares them.

    Without ``search_text_for_date`` the date comes from the page's markup only (meta
    tags, JSON-LD, ``<time>``): searching the whole text for dates with regular
    expressions costs more CPU than everything else the extraction does together.
    """
    document = trafilatura.extract_metadata(
        html, default_url=url or None, extensive=search_text_for_date
    )
    return _Metadata(
        title=(document.title or "").strip(),
        author=(document.author or "").strip(),
        site_name=(document.sitename or "").strip(),
        published=(document.date or "").strip(),
    )


def _main_content_html(
    html: str, *, url: str, include_links: bool, tree: lxml.html.HtmlElement | None = None
) -> str:
    """The page's main content as simple HTML: trafilatura's pick, else the page without chrome;
    the whole page when it nests too deeply for either. ``tree`` is the page as
    ``trafilatura_load_html`` parsed it, when the caller has it already (it is not changed)."""
    if tree is None:
        tree = trafilatura_load_html(html)
    if tree is None:  # trafilatura refused the page: the parser of last resort reads it
        return html if html_depth(html) > LXML_MAX_DEPTH else _cleaned_body(html, url=url)
    if _NESTS_TOO_DEEP(tree.getroottree()):
        return html
    extracted = _extracted_html(tree, url=url, include_links=include_links)
    if extracted:
        body = lxml.html.document_fromstring(extracted).body
        # Below this trafilatura has fallen back to a flat dump of the page's text,
        # links and paragraphs lost; the page itself, minus its chrome, reads better.
        if len(body.text_content().strip()) >= MIN_MAIN_TEXT_CHARS:
            return _clean_fragment(body, url=url)
    return _cleaned_body(html, url=url)


def _extracted_html(tree: lxml.html.HtmlElement, *, url: str, include_links: bool) -> str:
    """``trafilatura.extract(..., output_format="html")`` of a parsed page (which it copies
    before pruning), without the content fingerprint ``extract`` also computes, a tenth of
    its time, that nothing here reads."""
    options = Extractor(
        output_format="html",
        recall=True,
        comments=False,
        tables=True,
        images=False,
        links=include_links,
        formatting=include_links,
        url=url or None,
    )
    document = trafilatura.bare_extraction(tree, options=options)
    if not isinstance(document, trafilatura.core.Document) or document.body is None:
        return ""
    return str(normalize_unicode(build_html_output(document)))


def _cleaned_body(html: str, *, url: str) -> str:
    try:
        body = lxml.html.document_fromstring(html).body
    except (lxml.etree.ParserError, ValueError, IndexError):
        return ""
    return "" if body is None else _clean_fragment(body, url=url)


_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    kill_tags=["nav", "header", "footer", "aside", "noscript", "template"],
    safe_attrs_only=True,
    safe_attrs=frozenset({"href", "title", "alt", "colspan", "rowspan"}),
    page_structure=False,
)


def _clean_fragment(body: lxml.html.HtmlElement, *, url: str) -> str:
    """The children of ``body`` as simple HTML, scripting removed and hrefs absolute."""
    body = _CLEANER.clean_html(body)
    for anchor in list(body.iter("a")):
        href = (anchor.get("href") or "").strip()
        absolute = urljoin(url, href) if href else ""
        if urlsplit(absolute).scheme in ("http", "https", "mailto"):
            anchor.set("href", absolute)
        else:  # javascript:, data:, or no target: keep the words, not the link
            anchor.drop_tag()
    inner = (body.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body
    )
    return inner.strip()


def _html_text(html: str) -> str:
    return extract_html(html).text


def _html_content(html: str, *, url: str, charset_used: str) -> PageContent:
    html = _parseable(html)
    if not html.strip():
        return PageContent(kind="html", title="", text="", charset_used=charset_used)
    # Every cited page goes through here: it is parsed once, and each reading below
    # takes that tree (the extraction copies it before pruning its copy).
    tree = trafilatura_load_html(html)
    # A source's snapshot keeps its title and text only: the author, site and date
    # (half the CPU of the whole extraction, on a news page) are left to article
    # imports (article_from_html).
    declared = _declared_title(tree)
    text = _html_text(_main_content_html(html, url=url, include_links=False, tree=tree))
    if not text.strip():
        text = _html_text(html)
    page_title, heading = _title_and_heading(html, tree)
    title = declared or page_title or heading
    return PageContent(
        kind="html",
        title=title,
        text=text,
        charset_used=charset_used,
        soft_404=_looks_like_soft_404(titles=(page_title, heading, title), text=text),
    )


def _declared_title(tree: lxml.html.HtmlElement | None) -> str:
    """The title as trafilatura's metadata would give it (meta tags, JSON-LD, a single
    <h1>, <title>), without the rest of its metadata."""
    if tree is None:
        return ""
    metadata = examine_meta(tree)
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's JSON-LD reader has bugs of its own
        logger.debug("JSON-LD metadata unreadable", exc_info=True)
    return (metadata.title or extract_title(tree) or "").strip()


def _title_and_heading(html: str, tree: lxml.html.HtmlElement | None) -> tuple[str, str]:
    """The page's <title> and first <h1>, from the whole document ``tree`` belongs to."""
    if tree is not None:
        root = tree.getroottree().getroot()
    else:
        try:
            root = lxml.html.document_fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            return "", ""
    title = " ".join((root.findtext(".//title") or "").split())
    heading = " ".join(str(root.xpath("string((//h1)[1])")).split())
    return title, heading


_NOT_FOUND = re.compile(
    r"""
    \b(?:
        (?:error\s+)?404\b
      | 410\s+gone
      | not\s+found
      | (?:page|content|article|story|file)\s+(?:does\s+not|doesn't|did\s+not)\s+exist
      | no\s+longer\s+(?:available|exists?)
      | (?:can't|cannot|could\s+not|couldn't)\s+(?:be\s+)?found
      | (?:can't|cannot|could\s+not|couldn't)\s+find\s+(?:the|that|this|your)\s+page
      | page\s+(?:is\s+)?(?:unavailable|missing)
      | page\s+(?:has\s+been\s+)?(?:removed|deleted)
      | nothing\s+(?:was\s+)?found
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


# In running text, only a sentence about the page itself counts.
_PAGE_NOT_FOUND = re.compile(
    r"""
    \b(?:page|url|address|link|file|document|content)\b[^.!?]{0,60}?
    (?:
        not\s+(?:be\s+)?found
      | (?:does\s+not|doesn't|did\s+not)\s+exist
      | no\s+longer\s+(?:available|exists?)
      | (?:has\s+been|was)\s+(?:removed|deleted)
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _looks_like_soft_404(*, titles: tuple[str, ...], text: str) -> bool:
    words = len(text.split())
    text = text.replace("\u2019", "'")
    if words <= SOFT_404_MAX_WORDS and any(
        _NOT_FOUND.search(title.replace("\u2019", "'")) for title in titles
    ):
        return True
    return words <= SOFT_404_MAX_WORDS_FROM_TEXT and bool(_PAGE_NOT_FOUND.search(text))


# -- plain text and PDF -----------------------------------------------------------


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line := line.strip().lstrip("#").strip():
            return line[:300]
    return ""


def _pdf_content(body: bytes) -> PageContent:
    try:
        reader = PdfReader(io.BytesIO(body))
        pages = []
        for page in reader.pages[:MAX_PDF_PAGES]:
            pages.append((page.extract_text() or "").strip())
        metadata_title = reader.metadata.title if reader.metadata else None
    except Exception:
        # A broken or encrypted PDF is a source without text, not a crash; pypdf
        # raises many exception types on malformed input.
        logger.warning("Could not read PDF text", exc_info=True)
        return PageContent(kind="pdf", title="", text="", charset_used="")
    text = "\n\n".join(page for page in pages if page)
    title = metadata_title.strip() if isinstance(metadata_title, str) else ""
    return PageContent(kind="pdf", title=title or _first_line(text), text=text, charset_used="")
