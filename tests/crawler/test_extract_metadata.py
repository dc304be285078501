"""crawler.extract reads only the metadata it keeps: it must find what trafilatura finds."""

from __future__ import annotations

from copy import deepcopy

import pytest
import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from crawler.extract import DATE_PARAMS, extract, page_metadata
from fakeweb.demo import _sites
from fakeweb.render import article_html

BODY = (
    "<p>De gemeenteraad heeft donderdagavond ingestemd met het plan om de wijk Oost van het "
    "aardgas af te halen. Bewoners konden de afgelopen maanden meepraten over de plannen.</p>"
    "<p>Wethouder Jansen noemt het besluit een belangrijke stap. De eerste woningen worden "
    "volgend jaar aangesloten op het warmtenet, de rest volgt in de jaren daarna.</p>" * 3
)
JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Raad kiest voor warmtenet in Oost",
"author": {"@type": "Person", "name": "Petra de Vries"},
"datePublished": "2024-03-05T09:30:00+01:00",
"description": "De raad stemde in met het warmtenet."}</script>"""

HANDWRITTEN = {
    "json-ld": f"<html><head><title>Warmtenet | Gemeente</title>{JSON_LD}</head>"
    f"<body><main><article><h1>Raad kiest voor warmtenet in Oost</h1>{BODY}</article></main>"
    "</body></html>",
    "no metadata, a byline and a date in the text": "<html><head><title>Nieuws</title></head>"
    "<body><article><h1>Raad kiest voor warmtenet</h1><p class='byline'>Door Kees van Dam</p>"
    f"<p class='datum'>12 februari 2024</p>{BODY}</article></body></html>",
    "an author without a space is dropped": "<html><head><title>Warmtenet</title>"
    "<meta name='author' content='redactie'><meta name='date' content='2023-11-30'></head>"
    f"<body><div class='content'><h2>Warmtenet in Oost</h2>{BODY}</div></body></html>",
    "dublin core and an updated date": "<html lang='nl'><head>"
    "<meta name='DC.title' content='Plan voor Oost'><meta name='DC.creator' content='An Bakker'>"
    "<meta property='article:published_time' content='2022-06-01'>"
    "<meta property='article:modified_time' content='2024-01-09'></head><body><article>"
    f"<h1>Plan voor Oost</h1><p>Bijgewerkt op 9 januari 2024</p>{BODY}</article></body></html>",
}


def _pages() -> dict[str, str]:
    pages = dict(HANDWRITTEN)
    for site in _sites():
        for article in site.articles[:4]:
            pages[f"demo {site.key} {article.slug}"] = article_html(
                site, f"https://{site.key}.example", article
            )
    return pages


PAGES = _pages()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_metadata_is_trafilaturas_for_the_fields_kept(name):
    tree = load_html(PAGES[name])
    url = "https://www.gemeente.example/nieuws/warmtenet"
    ours = page_metadata(deepcopy(tree), url)
    theirs = extract_metadata(deepcopy(tree), url, DATE_PARAMS)
    fields = ("title", "author", "date", "description", "url", "language")
    assert {f: getattr(ours, f) for f in fields} == {f: getattr(theirs, f) for f in fields}
    assert ours.title  # the pages are chosen to have what is compared


@pytest.mark.parametrize("name", sorted(PAGES))
def test_extract_gives_what_trafilatura_with_metadata_gives(name):
    url = "https://www.gemeente.example/nieuws/warmtenet"
    ours = extract(PAGES[name], url)
    theirs = trafilatura.bare_extraction(
        PAGES[name], url=url, with_metadata=True, include_comments=False,
        include_tables=True, date_extraction_params=DATE_PARAMS,
    )  # fmt: skip
    assert ours is not None and theirs is not None
    assert ours.title == (theirs.title or "").strip()
    assert ours.author == (theirs.author or None)
    assert ours.description == (theirs.description or None)
    assert (ours.published_at.date().isoformat() if ours.published_at else None) == theirs.date
    assert ours.text.split() == (theirs.text or "").split()
