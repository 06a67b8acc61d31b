"""News-like pages for the fetch benchmarks: what extraction meets in life.

Each page is an article (headline, standfirst, byline, paragraphs with links, sub-
headings, a block quote, a list) inside what real news sites wrap around it: a long
navigation, inline scripts and styles (analytics, ads, consent banners), a "most read"
list, related-article cards, a comment thread and a footer of links. Page ``n`` is the
same on every run; the 24 shapes run from about 20 KB to about 400 KB, the article
itself being a small part of the bytes, as it is on real pages.
"""

from __future__ import annotations

import random

SHAPES = 24
MIN_KB, MAX_KB = 20, 400

_WORDS = (
    "council report budget parks trees planted officials promised annual statement "
    "minister said according figures rose fell percent million spending survey data "
    "residents district committee review published agency analysis increase decline "
    "contract funding audit investigation programme housing transport school hospital "
    "police court election campaign policy research university study experts warned "
    "government opposition spokesperson confirmed denied estimated reported quarterly"
).split()
_NAMES = ("Maria Keller", "Tom Reyes", "Aisha Bello", "Jonas Berg", "Lena Ortiz", "Sam Okafor")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    if rng.random() < 0.3:
        text += f", {rng.choice(_NAMES)} said"
    if rng.random() < 0.3:
        text += f" in {rng.randint(1990, 2026)}, up {rng.randint(2, 80)} percent"
    return text.capitalize() + "."


def _paragraph(rng: random.Random, index: int) -> str:
    sentences = [_sentence(rng, rng.randint(12, 28)) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.35:
        link = f"<a href='https://source{rng.randint(1, 90)}.example/report-{index}'>the report</a>"
        sentences.insert(1, f"The findings were set out in {link}.")
    return "<p>" + " ".join(sentences) + "</p>"


def _article(rng: random.Random, index: int, paragraphs: int) -> str:
    body = []
    for n in range(paragraphs):
        if n and n % 6 == 0:
            body.append(f"<h2>{_sentence(rng, 5)[:-1]}</h2>")
        if n == 4:
            body.append(f"<blockquote><p>\u201c{_sentence(rng, 30)}\u201d</p></blockquote>")
        if n == 9:
            items = "".join(f"<li>{_sentence(rng, 10)}</li>" for _ in range(5))
            body.append(f"<ul>{items}</ul>")
        body.append(_paragraph(rng, index))
    return (
        f"<article class='story'><header><h1>{_sentence(rng, 10)[:-1]}</h1>"
        f"<p class='standfirst'>{_sentence(rng, 22)}</p>"
        f"<p class='byline'>By <a href='/authors/{index % 6}'>{_NAMES[index % 6]}</a> "
        f"<time datetime='2026-03-{index % 28 + 1:02d}'>March {index % 28 + 1}, 2026</time>"
        f"</p></header><div class='story-body'>{''.join(body)}</div></article>"
    )


def _chrome(rng: random.Random, kb: int) -> tuple[str, str, str]:
    """Head, page top and page bottom around the article, about ``kb`` KB in all."""
    nav = "".join(
        f"<li class='nav-item'><a class='nav-link' href='/section/{n}'>Section {n}</a>"
        f"<ul class='sub'>{''.join(f'<li><a href=/s/{n}/{m}>Topic {m}</a></li>' for m in range(6))}"
        f"</ul></li>"
        for n in range(40)
    )
    script = (
        "<script>window.dataLayer=window.dataLayer||[];"
        + "dataLayer.push({'event':'pageview','section':'news','ab':'b'});" * 60
        + "</script>"
    )
    style = (
        "<style>" + ".story p{margin:0 0 1em;line-height:1.6}.card{display:flex}" * 80 + "</style>"
    )
    consent = "<div id='consent' class='banner'><p>" + _sentence(rng, 40) + "</p></div>"
    head = f"<meta charset='utf-8'>{style}{script}<script src='/static/app.js'></script>"
    top = f"{consent}<header class='site'><nav><ul>{nav}</ul></nav></header>"
    parts = [script]
    size = len(head) + len(top)
    while size < kb * 1024:
        kind = rng.random()
        if kind < 0.45:  # comments
            comments = "".join(
                f"<li class='comment'><span class='user'>reader{rng.randint(1, 9999)}</span>"
                f"<p>{_sentence(rng, rng.randint(8, 40))}</p>"
                f"<button>Reply</button> <button>Like</button></li>"
                for _ in range(20)
            )
            parts.append(f"<section class='comments'><ol>{comments}</ol></section>")
        elif kind < 0.75:  # related cards
            cards = "".join(
                f"<div class='card'><a href='/story/{rng.randint(1, 99999)}'>"
                f"<img src='/img/{rng.randint(1, 999)}.jpg' alt=''><h3>{_sentence(rng, 9)}</h3>"
                f"</a><p>{_sentence(rng, 18)}</p></div>"
                for _ in range(12)
            )
            parts.append(f"<aside class='related'><h2>More stories</h2>{cards}</aside>")
        else:  # ad and tracking scripts
            parts.append(
                "<div class='ad-slot'><script>"
                + "googletag.cmd.push(function(){googletag.display('ad');});" * 40
                + "</script></div>"
            )
        size += len(parts[-1])
    footer = "".join(f"<a href='/legal/{n}'>Footer link {n}</a> " for n in range(80))
    return head, top, "".join(parts) + f"<footer>{footer}</footer>"


def size_kb(index: int) -> int:
    """The target size of page ``index``: the shapes spread from MIN_KB to MAX_KB."""
    shape = index % SHAPES
    return round(MIN_KB * (MAX_KB / MIN_KB) ** (shape / (SHAPES - 1)))


def news_page(index: int) -> bytes:
    """Page ``index``: different for every index, its size from ``size_kb(index)``."""
    rng = random.Random(index)
    kb = size_kb(index)
    article = _article(rng, index, paragraphs=rng.randint(10, 24))
    head, top, bottom = _chrome(rng, max(kb - len(article) // 1024, 4))
    return (
        f"<!doctype html><html lang='en'><head><title>{_sentence(rng, 8)[:-1]} | The Daily "
        f"Bench</title>{head}</head><body>{top}<main>{article}</main>{bottom}</body></html>"
    ).encode()
