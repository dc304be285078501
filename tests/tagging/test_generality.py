"""Matcher rules that keep precision on long, real press releases (found with unseen.jsonl):
passing mentions, compound boundaries, overlaps between themes, city or province, water boards,
and the fast token offsets they rely on."""

import random
import re

import pytest

from tagging.text import TOKEN, Field
from tagging.theme_rules import paragraph_ends
from tagging.themes import _final_start, _loose_gaps

ROUND_UP = (
    "De gemeenteraad van Meppel heeft donderdag een volle agenda afgewerkt. De raad stemde in "
    "met de aanleg van een fietstunnel onder het spoor. Een motie over parkeren haalde geen "
    "meerderheid. Ook kwam er krediet voor de renovatie van het stadhuis, met zonnepanelen en "
    "betere isolatie. De volgende vergadering is op 9 april."
)


def themes(tagger, title, text):
    return tagger.tag(title, text).theme_slugs()


def test_one_sentence_in_a_long_article_is_a_passing_mention(tagger):
    assert "energietransitie" not in themes(tagger, "Raadsvergadering: de besluiten", ROUND_UP)


def test_the_same_sentence_counts_in_the_title_or_in_a_short_item(tagger):
    sentence = "Het stadhuis krijgt zonnepanelen en betere isolatie."
    assert "energietransitie" in themes(tagger, "Zonnepanelen op het stadhuis", ROUND_UP)
    assert "energietransitie" in themes(tagger, "Nieuws", sentence + " Dat is goed nieuws.")


def test_a_theme_named_in_two_sentences_is_no_passing_mention(tagger):
    text = ROUND_UP.replace("De volgende", "De warmtepomp in het stadhuis volgt later. De volgende")
    assert "energietransitie" in themes(tagger, "Raadsvergadering: de besluiten", text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # "formatie" must not be found inside "informatie": no compound starts with "in"
        ("Meer informatie over de informatiebeveiliging staat online.", "bestuur-en-governance"),
        # "algemene uitkering" is the municipal fund, its "uitkering" no social benefit
        ("De algemene uitkering uit het gemeentefonds daalt.", "sociaal-domein"),
    ],
)
def test_words_inside_other_words_do_not_count(tagger, text, absent):
    assert absent not in themes(tagger, "Nieuws", text)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Nieuws", "Provinciale Staten van Utrecht stemden in.", {"provincie-utrecht"}),
        (
            "Nieuws",
            "De provincies Utrecht, Zuid-Holland en Noord-Holland werken samen.",
            {"provincie-utrecht", "provincie-zuid-holland", "provincie-noord-holland"},
        ),
        (
            "Nieuws",
            "Netbeheer in Flevoland en Utrecht loopt vast.",
            {"provincie-flevoland", "provincie-utrecht"},
        ),
        ("Nieuws", "In Oost-Groningen krimpt de bevolking.", {"provincie-groningen"}),
        (
            "Burgerberaad Groningen adviseert",
            "Het advies ging naar de provincie Groningen.",
            {"provincie-groningen"},
        ),
        (
            "Nieuws",
            "De stad Groningen groeit, de provincie Groningen krimpt.",
            {"gemeente-groningen", "provincie-groningen"},
        ),
        (
            "Utrecht sluit wijk af van het gas",
            "In de Utrechtse wijk Overvecht.",
            {"gemeente-utrecht"},
        ),
        ("Nieuws", "Gemeenten in de regio Rivierenland werken samen.", set()),
        ("Nieuws", "Waterschap Rivierenland versterkt de dijk.", {"waterschap-rivierenland"}),
    ],
)
def test_city_or_province_and_water_boards(tagger, title, text, expected):
    named = {r.slug for r in tagger.tag(title, text).regions if r.matches}
    assert named == expected


def test_token_offsets_match_the_regex():
    """A field's parts are its tokens (TOKEN over the folded text) with an empty part for every
    further separator: a part starts at the sum of the lengths of the parts before it plus their
    number, which is how theme matching finds a hit's offsets."""
    rng = random.Random(3)
    alphabet = "ab c,.-  'x9\nÉé€“”"
    for _ in range(3000):
        field = Field("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))))
        spans = [m.span() for m in TOKEN.finditer(field.folded)]
        assert field.words == [field.folded[a:b] for a, b in spans]
        starts = [
            sum(map(len, field.parts[:index])) + index
            for index, part in enumerate(field.parts)
            if part
        ]
        assert starts == [a for a, _ in spans]
    assert re.fullmatch(r"[a-z ]*", Field("Één—twee").cleaned)


@pytest.mark.parametrize(
    ("gap", "joins"),
    [
        (" ", True),
        ("-", True),
        ("\n", True),
        (" - ", True),
        ("  ", True),
        ("-\n", True),
        (" -\n ", True),
        (" \u2013 ", True),
        ("\t", True),
        (",", False),
        (", ", False),
        (". ", False),
        ("\n\n", False),
        (" \n\n", False),
        (" /", False),
    ],
)
def test_a_phrase_joins_across_spaces_hyphens_and_one_line_break(gap, joins):
    text = f"Het warmte{gap}net groeit."
    field = Field(text)
    final = field.parts.index("net")
    at = text.index("warmte")
    found = _final_start(field.folded, field.parts, at, field.parts.index("warmte"), final)
    assert found == (text.index("net") if joins else -1)
    # A gap of several characters that joins makes theme matching take the path that joins
    # the tokens' stems by single spaces; one character never needs it (a tab always takes it).
    if joins and len(gap) > 1:
        assert _loose_gaps(field.folded)
    if len(gap) == 1 and gap != "\t":
        assert not _loose_gaps(field.folded)


def test_in_a_long_article_a_theme_after_the_lead_is_a_side_subject(tagger):
    lead = (
        "De gemeente Zwolle legt een warmtenet aan in Holtenbroek. Ruim 2.000 woningen gaan van "
        "het aardgas af. Het warmtenet gebruikt restwarmte van een bedrijf. "
    )
    filler = "De wethouder sprak de aanwezigen toe op het plein in de wijk. " * 20
    late = "Ook de jeugdzorg en de Wmo kwamen ter sprake. De jeugdzorg kost meer dan begroot. "
    found = themes(tagger, "Warmtenet voor Holtenbroek", lead + filler + late)
    assert found == ["energietransitie"]
    assert "sociaal-domein" in themes(tagger, "Nieuws", late + lead)


WARMTENET_LEAD = (
    "De gemeente Zwolle legt een warmtenet aan in Holtenbroek. Ruim 2.000 woningen gaan van "
    "het aardgas af. Het warmtenet gebruikt restwarmte van een bedrijf."
)
WORKS = (
    "De aanleg begint in het voorjaar en duurt twee jaar. Huishoudens krijgen acht weken vooraf "
    "een brief met de planning voor hun straat. Tijdens de werkzaamheden blijven alle woningen "
    "bereikbaar, al kan het parkeren lastiger zijn. De aannemer werkt van maandag tot en met "
    "vrijdag tussen zeven uur 's ochtends en vijf uur 's middags."
)
PARTICIPATION = (
    "Bewoners praten mee via een klankbordgroep. Tijdens drie bewonersavonden konden inwoners "
    "hun zorgen delen, en een burgerpanel adviseert over de volgorde van de straten. De "
    "inspraakreacties zijn verwerkt in het plan."
)


def test_a_side_subject_with_a_paragraph_of_its_own_counts_after_the_lead(tagger):
    paragraphs = [WARMTENET_LEAD, WORKS, WORKS, WORKS, PARTICIPATION, "Meer informatie: zwolle.nl."]
    text = "\n\n".join(paragraphs)
    assert len(text) > 1200 and text.index("Bewoners") > 1000
    found = themes(tagger, "Warmtenet voor Holtenbroek", text)
    assert found == ["energietransitie", "burger-en-participatie"]


def test_without_line_breaks_only_the_title_and_lead_name_side_subjects(tagger):
    text = " ".join([WARMTENET_LEAD, WORKS, WORKS, WORKS, PARTICIPATION])
    assert themes(tagger, "Warmtenet voor Holtenbroek", text) == ["energietransitie"]


def test_a_heading_belongs_to_the_paragraph_below_it():
    text = (
        "Eerste alinea van het bericht.\n\nBewoners praten mee\nTweede alinea.\n\nMeer informatie"
    )
    ends = paragraph_ends(text)
    assert [text[a:b].strip() for a, b in zip([0, *ends], ends, strict=False)] == [
        "Eerste alinea van het bericht.",
        "Bewoners praten mee\nTweede alinea.",
        "Meer informatie",
    ]
