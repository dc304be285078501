"""Region detection: register coverage, context-only names, aliases and roll-up to provinces."""

import pytest

from tagging import load_regions


def test_register_is_complete():
    regions = load_regions()
    kinds = [r.kind for r in regions]
    assert (kinds.count("gemeente"), kinds.count("provincie"), kinds.count("waterschap")) == (
        342,
        12,
        21,
    )
    slugs = {r.slug for r in regions}
    assert all(r.province in slugs for r in regions if r.kind != "provincie")
    for slug in (
        "gemeente-s-hertogenbosch",
        "provincie-fryslan",
        "waterschap-aa-en-maas",
        "waterschap-hoogheemraadschap-van-rijnland",
        "gemeente-den-haag",
    ):
        assert slug in slugs


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Nieuws", "De gemeente Best opent een school.", ["gemeente-best"]),
        ("Nieuws", "Het is het best om te wachten. Best practices helpen.", []),
        ("Best wint de derby", "Een spannende wedstrijd.", []),
        (
            "Nieuws",
            "Wethouder van Ede en burgemeester van Goes tekenen.",
            ["gemeente-ede", "gemeente-goes"],
        ),
        ("Nieuws", "De buren klagen. Martin Van Buren was president.", []),
        (
            "Nieuws",
            "Samenwerking tussen Zwolle, Kampen en Epe.",
            ["gemeente-zwolle", "gemeente-kampen", "gemeente-epe"],
        ),
        ("Nieuws", "De Bestse ondernemers en Edese scholen.", ["gemeente-best", "gemeente-ede"]),
        ("Nieuws", "Plannen in Den Bosch en 's-Hertogenbosch.", ["gemeente-s-hertogenbosch"]),
        (
            "Nieuws",
            "Het Hoogheemraadschap van Rijnland en Waterschap Limburg.",
            ["waterschap-hoogheemraadschap-van-rijnland", "waterschap-limburg"],
        ),
        (
            "Nieuws",
            "Boeren in Friesland en de provincie Utrecht.",
            ["provincie-fryslan", "provincie-utrecht"],
        ),
        (
            "Nieuws",
            "De Brabantse gemeenten en Súdwest-Fryslân.",
            ["provincie-noord-brabant", "gemeente-sudwest-fryslan"],
        ),
        ("Nieuws", "Bergen op Zoom groeit.", ["gemeente-bergen-op-zoom"]),
    ],
)
def test_named_regions(tagger, title, text, expected):
    named = [r.slug for r in tagger.tag(title, text).regions if r.matches]
    assert named == expected


def test_rollup_to_province_and_display_names(tagger):
    tagging = tagger.tag("Utrecht bouwt", "In Utrecht en Zeist komen woningen.")
    slugs = tagging.region_slugs()
    assert slugs == ["gemeente-utrecht", "gemeente-zeist", "provincie-utrecht"]
    province = tagging.regions[-1]
    assert province.matches == [] and province.rolled_up
    assert tagging.region_names() == ["Utrecht", "Zeist"]


def test_water_board_rolls_up(tagger):
    tagging = tagger.tag("Nieuws", "Waterschap Aa en Maas legt een beek aan.")
    assert tagging.region_slugs() == ["waterschap-aa-en-maas", "provincie-noord-brabant"]


def test_source_region_is_included(tagger):
    tagging = tagger.tag("Nieuws", "Geen plaatsnamen hier.", source_region="gemeente-goes")
    assert [(r.slug, r.from_source) for r in tagging.regions] == [
        ("gemeente-goes", True),
        ("provincie-zeeland", False),
    ]
    named = tagger.tag("Nieuws", "In Goes gebeurt veel.", source_region="gemeente-goes")
    assert named.regions[0].from_source and named.regions[0].matches


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A village or a work named after a town is not the town.
        ("Nieuw-Amsterdam in de gemeente Emmen krijgt een school.", ["gemeente-emmen"]),
        ("Het Amsterdam-Rijnkanaal wordt uitgebaggerd.", []),
        ("Klein-Zundert krijgt een dorpshuis, net als Zundert.", ["gemeente-zundert"]),
        # Districts, compass points, pairs and regions joined by a hyphen still name it.
        ("In Amsterdam-Noord en Amsterdam-Nieuw-West komen woningen.", ["gemeente-amsterdam"]),
        ("West-Terschelling krijgt een nieuwe haven.", ["gemeente-terschelling"]),
        ("De spoorlijn Arnhem-Nijmegen wordt drukker.", ["gemeente-arnhem", "gemeente-nijmegen"]),
        ("De Kanaalzone Gent-Terneuzen groeit.", ["gemeente-terneuzen"]),
        ("De Veiligheidsregio Amsterdam-Amstelland oefent.", ["gemeente-amsterdam"]),
        # Surnames: a capitalised particle inside a sentence, or a lowercase one after an
        # initial, a title, or a role and a first name.
        ("Wethouder Van Asten opende de school.", []),
        ("Volgens J. van Asten en de heer van Zwolle gaat het goed.", []),
        ("Wethouder Jan van Asten en de burgemeester van Goes tekenen.", ["gemeente-goes"]),
        ("Wethouder Van den Haag sprak in Den Haag.", ["gemeente-den-haag"]),
        # Places after the same words stay places.
        ("De wethouder van Asten opende de school.", ["gemeente-asten"]),
        ("In Asten en de gemeente Amsterdam.", ["gemeente-asten", "gemeente-amsterdam"]),
        ("Van Asten naar Someren loopt een fietspad.", ["gemeente-asten", "gemeente-someren"]),
        ("Gedeputeerde Staten van Gelderland besluiten.", ["provincie-gelderland"]),
        ("Wandelen op De Utrechtse Heuvelrug.", ["gemeente-utrechtse-heuvelrug"]),
    ],
)
def test_names_inside_other_names_and_surnames(tagger, text, expected):
    named = [r.slug for r in tagger.tag("Nieuws", text).regions if r.matches]
    assert named == expected
