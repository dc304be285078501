"""Search snippets: the window around the first match, marks inside it only, text escaped."""

from __future__ import annotations

import pytest

from models.search import highlight, parse_query
from portal.cards import Card
from portal.search_page import Snippets

FILLER = "Het college vergaderde lang over de begroting van volgend jaar. " * 12  # ~770 chars


@pytest.mark.parametrize(
    ("text", "query", "width", "expected"),
    [
        # A match early: the snippet starts at the text's start, every match inside is marked.
        ("Fietsen en fietspaden in de fietsstad.", "fietsen", 260,
         "<mark>Fietsen</mark> en <mark>fietspaden</mark> in de <mark>fietsstad</mark>."),
        # No match: the start of the text, cut at a space, nothing marked.
        ("Een lange tekst zonder het gezochte woord erin", "warmtenet", 20,
         "Een lange tekst…"),
        # A match deep in the text: the window opens a third of its width before it.
        (FILLER + "Nu komt er een warmtenet in de wijk. " + FILLER, "warmtenet", 60,
         "…jaar. Nu komt er een <mark>warmtenet</mark> in de wijk. Het college…"),
        # A word cut by the window's end is not marked (nor split).
        ("aaaa bbbb warmtenet warmtenetten", "warmtenet", 25,
         "aaaa bbbb <mark>warmtenet</mark>…"),
        # Crawled text is escaped, marks are not.
        ("<b>Warmtenet</b> & co", "warmtenet", 260,
         "&lt;b&gt;<mark>Warmtenet</mark>&lt;/b&gt; &amp; co"),
    ],
)  # fmt: skip
def test_highlight(text, query, width, expected):
    assert str(highlight(text, parse_query(query), width)) == expected


def card(article_id: int, excerpt: str, text: str) -> Card:
    return Card(article_id, "https://example.nl/", "Titel", excerpt, "bron", None, None, text, [])  # type: ignore[arg-type]


def test_snippets_fall_back_to_the_text_and_are_made_once():
    snippets = Snippets(
        [card(1, "Over de begroting.", "De begroting en daarna het warmtenet."),
         card(2, "Het warmtenet komt.", "")],
        parse_query("warmtenet"),
    )  # fmt: skip
    assert "<mark>warmtenet</mark>" in snippets[1]  # not in the excerpt: from the text
    assert str(snippets.get(2)) == "Het <mark>warmtenet</mark> komt."
    assert snippets.get(1) is snippets[1]
    assert snippets.get(3) is None
    with pytest.raises(KeyError):
        snippets[3]
