"""OPML import and export, and appending imported entries to sources.yaml as text."""

from __future__ import annotations

import pytest
import yaml

from models.catalog import Catalog, load_catalog
from models.errors import ConfigError
from models.opml import append_to_sources, dump_entries, export_opml, import_opml, slugify

SOURCES = """\
# yaml-language-server: $schema=schemas/sources.schema.json
# A comment editors wrote, which must survive an import.
sources:
  # national
  - id: pbl
    name: Planbureau voor de Leefomgeving
    url: https://www.pbl.nl
    type: planbureau
    feeds:
      - https://www.pbl.nl/rss.xml
  - id: gemeente-utrecht
    name: Gemeente Utrecht
    url: https://www.utrecht.nl
    type: gemeente
    feeds:
      - https://www.utrecht.nl/nieuws.rss
      - https://www.utrecht.nl/persberichten.rss
  - id: binnenlands-bestuur
    name: Binnenlands Bestuur
    url: https://www.binnenlandsbestuur.nl
    type: vakpers
"""

OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Feeds of a colleague</title></head>
  <body>
    <outline text="Overheid">
      <outline type="rss" text="PBL" xmlUrl="http://pbl.nl/rss.xml/"/>
      <outline type="rss" text="Gemeente Zeist" title="Gemeente Zeist"
               xmlUrl="https://www.zeist.nl/nieuws/rss" htmlUrl="https://www.zeist.nl"/>
      <outline type="rss" text="Gemeente Utrecht" xmlUrl="https://utrecht.nl/raad.rss"/>
    </outline>
    <outline text="vakpers">
      <outline type="rss" text="Sociale Vraagstukken" xmlUrl="https://www.socialevraagstukken.nl/feed/"/>
      <outline type="rss" text="Zeist extra" xmlUrl="https://www.zeist.nl/nieuws/rss"/>
    </outline>
    <outline text="not a feed" htmlUrl="https://example.org"/>
    <outline type="rss" text="Javascript" xmlUrl="javascript:alert(1)"/>
  </body>
</opml>
"""


@pytest.fixture
def sources_file(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Gemeente Súdwest-Fryslân", "gemeente-sudwest-fryslan"),
        ("Gemeente 's-Hertogenbosch", "gemeente-s-hertogenbosch"),
        ("Hunze en Aa's", "hunze-en-aa-s"),
        ("  Zorg+Welzijn ", "zorg-welzijn"),
        ("!!!", ""),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_import_skips_known_feeds_and_makes_unique_ids(sources_file):
    entries = import_opml(OPML, load_catalog(sources_file))
    assert entries == [
        {
            "id": "gemeente-zeist",
            "name": "Gemeente Zeist",
            "url": "https://www.zeist.nl",
            "feeds": ["https://www.zeist.nl/nieuws/rss"],
        },
        {
            "id": "gemeente-utrecht-2",
            "name": "Gemeente Utrecht",
            "url": "https://utrecht.nl/",
            "feeds": ["https://utrecht.nl/raad.rss"],
        },
        {
            "id": "sociale-vraagstukken",
            "name": "Sociale Vraagstukken",
            "url": "https://www.socialevraagstukken.nl/",
            "feeds": ["https://www.socialevraagstukken.nl/feed/"],
            "type": "vakpers",
        },
    ]


def test_import_reads_a_file_path(sources_file, tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert [e["id"] for e in import_opml(opml, load_catalog(sources_file))] == [
        "gemeente-zeist",
        "gemeente-utrecht-2",
        "sociale-vraagstukken",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<opml><body><outline",  # not well-formed
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>',  # entities refused
    ],
)
def test_import_refuses_bad_or_unsafe_xml(sources_file, text):
    with pytest.raises(ConfigError, match="not OPML"):
        import_opml(text, load_catalog(sources_file))


def test_export_then_import_round_trip(sources_file):
    catalog = load_catalog(sources_file)
    opml = export_opml(catalog)
    assert opml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    # one outline per feed URL, grouped by type in schema order; a source without feeds has none
    assert opml.count('type="rss"') == 3
    assert "binnenlandsbestuur" not in opml
    assert import_opml(opml, catalog) == []
    reimported = import_opml(opml, Catalog(sources=[]))
    assert reimported == [
        {
            "id": "gemeente-utrecht",
            "name": "Gemeente Utrecht",
            "url": "https://www.utrecht.nl",
            "feeds": [
                "https://www.utrecht.nl/nieuws.rss",
                "https://www.utrecht.nl/persberichten.rss",
            ],
            "type": "gemeente",
        },
        {
            "id": "planbureau-voor-de-leefomgeving",
            "name": "Planbureau voor de Leefomgeving",
            "url": "https://www.pbl.nl",
            "feeds": ["https://www.pbl.nl/rss.xml"],
            "type": "planbureau",
        },
    ]


def test_append_keeps_the_file_and_adds_valid_entries(sources_file):
    entries = import_opml(OPML, load_catalog(sources_file))
    block = append_to_sources(sources_file, entries, comment="imported from feeds.opml")
    text = sources_file.read_text(encoding="utf-8")
    assert text == SOURCES + block
    assert block.startswith("  # imported from feeds.opml\n  - id: gemeente-zeist\n")
    catalog = load_catalog(sources_file)
    assert [s.id for s in catalog.sources][-3:] == [
        "gemeente-zeist",
        "gemeente-utrecht-2",
        "sociale-vraagstukken",
    ]
    assert catalog.by_id()["sociale-vraagstukken"].type == "vakpers"


def test_append_refuses_when_sources_is_not_last(tmp_path):
    path = tmp_path / "sources.yaml"
    original = SOURCES + "other: 1\n"
    path.write_text(original, encoding="utf-8")
    with pytest.raises(ConfigError):
        append_to_sources(path, [{"id": "x", "name": "X", "url": "https://x.nl"}])
    assert path.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]


@pytest.mark.parametrize(
    "entry",
    [
        {"id": "a", "name": "Gemeente 's-Hertogenbosch", "url": "http://www.s-hertogenbosch.nl"},
        {"id": "b", "name": "Naam: met dubbele punt", "url": "https://b.nl", "enabled": False},
        {"id": "c", "name": "C", "url": "https://c.nl", "themes": ["energietransitie"]},
        {
            "id": "d",
            "name": "# geen commentaar",
            "url": "https://d.nl",
            "feeds": ["https://d.nl/rss?a[0]=1&b=2", "https://d.nl/x.xml"],
            "include": ["/nieuws/\\d+", "[a-z]+: x"],
            "max_pages": 5,
        },
    ],
)
def test_dump_entries_round_trips(entry):
    text = "sources:\n" + dump_entries([entry])
    assert yaml.safe_load(text) == {"sources": [entry]}
