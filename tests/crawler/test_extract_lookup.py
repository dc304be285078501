"""crawler.extract picks lxml.html's element classes in C: the same classes, the same extraction."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from trafilatura.utils import HTML_PARSER

from crawler import extract as extract_module
from crawler.extract import extract, html_element_lookup
from tests.crawler.test_extract_metadata import PAGES

FORM_PAGE = (
    "<!DOCTYPE html><html lang='nl'><head><title>Inspraak</title><?php echo 1 ?></head><body>"
    "<!-- menu --><form action='/zoek'><label for='q'>Zoek</label><input id='q' name='q'>"
    "<select name='wijk'><option>Oost</option></select><textarea name='reactie'></textarea>"
    "</form><FORM><INPUT type='checkbox'></FORM><p>Tekst &amp; uitleg</p>"
    "<svg><path d='M0 0'/></svg><math><mi>x</mi></math></body></html>"
)


def _classes(parser) -> list[tuple[str, type]]:
    tree = lxml_html.fromstring(FORM_PAGE, parser=parser)
    return [(str(node.tag), type(node)) for node in tree.getroottree().iter()]


def test_every_node_gets_the_class_lxml_html_gives_it():
    tuned = lxml_html.HTMLParser()
    tuned.set_element_class_lookup(html_element_lookup())
    theirs = _classes(lxml_html.HTMLParser())
    assert _classes(tuned) == theirs
    kinds = {cls for _, cls in theirs}  # the page holds every kind of node lxml.html tells apart
    assert {lxml_html.FormElement, lxml_html.InputElement, lxml_html.LabelElement,
            lxml_html.SelectElement, lxml_html.TextareaElement, lxml_html.HtmlComment,
            lxml_html.HtmlElement} <= kinds  # fmt: skip


class CountingLookup(lxml_html.HtmlElementClassLookup):
    """lxml.html's own lookup, counting its calls from lxml."""

    calls = 0

    def lookup(self, node_type, document, namespace, name):
        CountingLookup.calls += 1
        return super().lookup(node_type, document, namespace, name)


@pytest.fixture
def stock_lookup():
    """trafilatura's and lxml.html's parsers with lxml.html's own lookup; tuned again after."""
    for parser in (HTML_PARSER, lxml_html.html_parser):
        parser.set_element_class_lookup(CountingLookup())
    extract_module._parsers_tuned = True  # keep extract() from tuning them
    yield
    extract_module._parsers_tuned = False


def test_extractions_are_the_same_with_the_stock_lookup(stock_lookup):
    url = "https://www.gemeente.example/nieuws/warmtenet"
    stock = {name: extract(page, url) for name, page in PAGES.items()}
    assert CountingLookup.calls > 1000 and all(stock.values())
    extract_module._parsers_tuned = False
    calls = CountingLookup.calls
    tuned = {name: extract(page, url) for name, page in PAGES.items()}
    assert CountingLookup.calls == calls  # the Python lookup is no longer asked
    assert tuned == stock
