from __future__ import annotations

import pytest

from claims.errors import DuplicateArticle, ImportRejected
from claims.models import Article, ArticleFormat, Source, SourceStatus
from claims.pipeline.article_store import content_sha256
from claims.policies import OPERATOR
from claims.services.articles import article_import

DEMO_ANCHORS = [
    "nsnbc",
    "ISIS/ISIL",
    "the initial 2012 invasion of Aleppo",
    "revealing immense state-sponsorship behind them",
    "onto Syrian and Iranian-backed Kurds",
    "\u201cDeconstructing Syria: A new strategy for America\u2019s most hopeless war,\u201d",
    "Testing Putin in Syria",
    "using refugees as human shields",
    "New Eastern Outlook",
]


def test_demo_article_imports_nine_sources_that_all_need_a_url(demo_article: Article) -> None:
    sources = list(demo_article.sources.order_by("position"))
    assert [source.anchor_text for source in sources] == DEMO_ANCHORS
    assert all(source.href == "#" for source in sources)
    assert all(source.url == "" for source in sources)
    assert {source.status for source in sources} == {SourceStatus.NEEDS_URL}


def test_sample_article_imports_each_citation_pending_or_needing_a_url(
    sample_article: Article,
) -> None:
    sources = list(sample_article.sources.order_by("position"))
    assert [(source.anchor_text, source.url, source.status) for source in sources] == [
        ("The Riverside Ledger", "https://ledger.example.org/", SourceStatus.PENDING),
        (
            "parks department's annual report",
            "https://parks.example.org/reports/2023-annual.pdf",
            SourceStatus.PENDING,
        ),
        (
            "council's budget papers",
            "https://council.example.org/budget/2023/parks",
            SourceStatus.PENDING,
        ),
        ("university survey", "https://geo.example.edu/canopy-survey-2024", SourceStatus.PENDING),
        ("up for renewal", "", SourceStatus.NEEDS_URL),
    ]
    assert sources[-1].href == "#"


def test_source_offsets_slice_back_to_their_anchor_text(sample_article: Article) -> None:
    for source in sample_article.sources.all():
        assert sample_article.text[source.start : source.end] == source.anchor_text
    starts = [source.start for source in sample_article.sources.order_by("position")]
    assert starts == sorted(starts)


def test_demo_source_offsets_slice_back_to_their_anchor_text(demo_article: Article) -> None:
    for source in demo_article.sources.all():
        assert demo_article.text[source.start : source.end] == source.anchor_text
    starts = [source.start for source in demo_article.sources.order_by("position")]
    assert starts == sorted(starts)


def test_plain_text_keeps_the_quoted_line_and_drops_markdown_syntax(
    sample_article: Article, sample_markdown: str
) -> None:
    text = sample_article.text
    assert '"If the survival rate holds, Riverside will reach 30 percent canopy by 2035."' in text
    assert "according to the parks department's annual report. The mayor" in text
    for syntax in ("](", "[", "# ", "\n>", "https://"):
        assert syntax not in text, syntax
    assert text.startswith("Riverside's tree pledge")
    assert "\n\n\n" not in text
    assert sample_article.source_text == sample_markdown


def test_demo_plain_text_keeps_quotations_and_drops_markdown_syntax(
    demo_article: Article, demo_markdown: str
) -> None:
    text = demo_article.text
    assert "the idea would be to help moderate elements establish reliable safe zones" in text
    assert "But in the short term, the ambitions would be lower" in text
    assert "Relatively safe enclaves should emerge from this effort." in text
    for syntax in ("](#)", "**", "## ", "*...", "\n*", "[", "](", "<"):
        assert syntax not in text, syntax
    assert "\n\n" in text  # paragraphs are kept
    assert "\n\n\n" not in text
    assert demo_article.source_text == demo_markdown.replace("\r\n", "\n")


def test_metadata_comes_from_the_article_itself(sample_article: Article) -> None:
    assert sample_article.title == "Riverside's tree pledge: 4,000 planted, or 4,000 promised?"
    assert sample_article.byline == "Maya Okafor"
    assert sample_article.publisher == "The Riverside Ledger"
    assert sample_article.source_format == ArticleFormat.MARKDOWN
    assert sample_article.content_sha256 == content_sha256(sample_article.source_text)


def test_demo_metadata_comes_from_the_article_itself(demo_article: Article) -> None:
    assert demo_article.title == "US-Turkey \u201cBuffer Zone\u201d to Save ISIS, Not Stop Them"
    assert demo_article.byline == "Tony Cartalucci"
    assert demo_article.publisher == "nsnbc"


def test_importing_identical_content_twice_creates_nothing(sample_article, sample_markdown) -> None:
    with pytest.raises(DuplicateArticle) as raised:
        article_import(content=sample_markdown, source_format="markdown", imported_by=OPERATOR)
    assert raised.value.existing == sample_article
    assert Article.objects.count() == 1
    assert Source.objects.count() == 5


def test_force_imports_identical_content_again(sample_article, sample_markdown) -> None:
    again = article_import(
        content=sample_markdown, source_format="markdown", force=True, imported_by=OPERATOR
    )
    assert again.pk != sample_article.pk
    assert again.sources.count() == 5


@pytest.mark.django_db
def test_html_import_drops_scripts_styles_and_handlers() -> None:
    article = article_import(
        content=(
            "<html><head><title>Budget &amp; trees</title><style>p{color:red}</style></head>"
            "<body><script>alert('x')</script>"
            "<p onclick=\"alert('y')\">The city planted <b>4,000</b> trees "
            '(<a href="https://parks.example.org/report?a=1&amp;b=2">annual report</a>).</p>'
            "<p>Second <i>paragraph</i>.</p><noscript>enable JS</noscript></body></html>"
        ),
        source_format="html",
        imported_by=OPERATOR,
    )
    assert article.title == "Budget & trees"
    assert article.text == ("The city planted 4,000 trees (annual report).\n\nSecond paragraph.")
    source = article.sources.get()
    assert source.href == "https://parks.example.org/report?a=1&b=2"
    assert source.url == source.href
    assert source.status == SourceStatus.PENDING
    assert article.text[source.start : source.end] == "annual report"


@pytest.mark.django_db
def test_unusable_hrefs_need_a_url_and_relative_ones_resolve_against_the_article_url() -> None:
    article = article_import(
        content=(
            "[empty]() [hash](#top) [script](javascript:alert(1)) [mail](mailto:a@b.org) "
            "[relative](/report.pdf) [protocol-relative](//cdn.example.org/x) "
            "[web](http://example.org/page#section)"
        ),
        source_format="markdown",
        url="https://news.example.com/2024/story",
        imported_by=OPERATOR,
    )
    urls = {source.anchor_text: (source.href, source.url) for source in article.sources.all()}
    assert urls == {
        "empty": ("", ""),
        "hash": ("#top", ""),
        "script": ("javascript:alert(1)", ""),
        "mail": ("mailto:a@b.org", ""),
        "relative": ("/report.pdf", "https://news.example.com/report.pdf"),
        "protocol-relative": ("//cdn.example.org/x", "https://cdn.example.org/x"),
        "web": ("http://example.org/page#section", "http://example.org/page"),
    }


@pytest.mark.django_db
def test_relative_href_without_an_article_url_needs_a_url() -> None:
    article = article_import(
        content="See [the report](report.pdf).", source_format="markdown", imported_by=OPERATOR
    )
    source = article.sources.get()
    assert (source.href, source.url, source.status) == ("report.pdf", "", SourceStatus.NEEDS_URL)


@pytest.mark.django_db
def test_plain_text_import_turns_bare_urls_into_sources() -> None:
    article = article_import(
        content="Trees\n\nThe report (https://parks.example.org/2023.pdf) says so.",
        source_format="text",
        imported_by=OPERATOR,
    )
    source = article.sources.get()
    assert source.url == "https://parks.example.org/2023.pdf"
    assert article.text[source.start : source.end] == source.url
    assert article.title == "Trees"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "undecodable"),
        (b"   \n\t\n", "empty"),
        (b"x" * 3000, "too_large"),
    ],
)
def test_bad_content_is_rejected_and_nothing_is_written(settings, content, code) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    with pytest.raises(ImportRejected) as raised:
        article_import(content=content, imported_by=OPERATOR)
    assert raised.value.code == code
    assert raised.value.messages[0]
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_utf16_with_bom_and_windows_newlines_are_accepted() -> None:
    article = article_import(
        content="# Title\r\n\r\nBody text.".encode("utf-16"), imported_by=OPERATOR
    )
    assert article.title == "Title"
    assert article.text == "Title\n\nBody text."
    assert "\r" not in article.source_text
