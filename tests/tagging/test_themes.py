"""Theme matching: compounds, stemming, diacritics, negative and context terms, explanations."""

import pickle

import pytest

from tagging import classify_record


@pytest.mark.parametrize(
    ("title", "text", "theme", "term", "surface"),
    [
        # compounds and inflections
        (
            "Wijk wordt aardgasvrij",
            "De aardgasvrije wijk is klaar.",
            "energietransitie",
            "aardgasvrij",
            "aardgasvrije",
        ),
        (
            "Nieuws",
            "De warmtenetten worden uitgebreid en het warmtenet groeit.",
            "energietransitie",
            "warmtenet",
            "warmtenetten",
        ),
        (
            "Nieuws",
            "Het energietransitieprogramma is vastgesteld door de raad.",
            "energietransitie",
            "energietransitie",
            "energietransitie",
        ),
        (
            "Nieuws",
            "Het stadswarmtenet krijgt 500 nieuwe aansluitingen.",
            "energietransitie",
            "warmtenet",
            "warmtenet",
        ),
        (
            "Nieuws",
            "De bezuinigingen raken de bibliotheek en het zwembad.",
            "gemeentefinancien",
            None,
            "bezuinigingen",
        ),
        (
            "Nieuws",
            "Vergunningverleners en omgevingsvergunningen: de Omgevingswet werkt.",
            "omgevingswet",
            "Omgevingswet",
            "Omgevingswet",
        ),
        # diacritics folded both ways
        (
            "Gemeentefinancien onder druk",
            "De gemeentefinanciën staan onder druk door het ravijnjaar.",
            "gemeentefinancien",
            "gemeentefinanciën",
            "Gemeentefinancien",
        ),
        (
            "Energiecooperatie opgericht",
            "Een nieuwe energiecoöperatie wil zonnepanelen leggen.",
            "energietransitie",
            "energiecoöperatie",
            "Energiecooperatie",
        ),
        # acronyms only in capitals
        ("RES 2.0 vastgesteld", "De regio stelde de RES vast.", "energietransitie", "RES", "RES"),
    ],
)
def test_terms_match_their_forms(tagger, title, text, theme, term, surface):
    tags = {t.slug: t for t in tagger.tag(title, text).themes}
    assert theme in tags
    assert any(term in (None, m.term) and m.text == surface for m in tags[theme].matches)


@pytest.mark.parametrize(
    ("title", "text", "absent"),
    [
        (
            "Vol energie het seizoen in",
            "De voetballers gingen vol energie en met nieuwe energie de training in.",
            "energietransitie",
        ),
        (
            "Goed werkklimaat",
            "Het werkklimaat en het ondernemersklimaat in de stad zijn prima.",
            "klimaatadaptatie",
        ),
        (
            "Circulaire over vakanties",
            "De circulaire van het ministerie gaat over de vakantiedata.",
            "circulaire-economie",
        ),
        (
            "Meicirculaire verschenen",
            "De meicirculaire valt mee voor gemeenten.",
            "circulaire-economie",
        ),
        (
            "Zorgvuldig werk",
            "Vrijwilligers zorgen voor een zorgvuldig gerestaureerd orgel.",
            "sociaal-domein",
        ),
        ("De res van de dag", "Wat res-t er nog van de dag?", "energietransitie"),
        (
            "Openingstijden zwembad",
            "Het zwembad is langer open tijdens de opening van de zomer.",
            "vertrouwen-en-integriteit",
        ),
    ],
)
def test_negative_and_context_terms_keep_themes_out(tagger, title, text, absent):
    assert absent not in tagger.tag(title, text).theme_slugs()


def test_context_term_counts_only_with_a_real_term(tagger):
    alone = tagger.tag("Energie", "Energie en stroom en warmte.")
    assert "energietransitie" not in alone.theme_slugs()
    with_term = tagger.tag("Energie", "Energie en stroom voor het warmtenet.")
    tag = {t.slug: t for t in with_term.themes}["energietransitie"]
    assert {"energie", "warmtenet"} <= set(tag.terms())


def test_title_weighs_more_than_text(tagger):
    in_title = tagger.tag("Gemeente verhoogt ozb", "Het besluit valt in juli.")
    in_text = tagger.tag("Besluit in juli", "Gemeente verhoogt ozb.")
    score = {t.slug: t.score for t in in_title.themes}
    assert score["gemeentefinancien"] > sum(
        t.score for t in in_text.themes if t.slug == "gemeentefinancien"
    )


def test_source_hint_adds_a_prior_but_never_decides_alone(tagger):
    plain = tagger.tag("Nieuws", "Het college heeft vandaag vergaderd over de planning.")
    hinted = tagger.tag(
        "Nieuws",
        "Het college heeft vandaag vergaderd over de planning.",
        source_themes=["energietransitie"],
    )
    assert hinted.theme_slugs() == plain.theme_slugs()
    weak = ("Nieuws", "De stad wil meer windmolens, zegt de wethouder.")
    assert {t.slug: t.score for t in tagger.tag(*weak, source_themes=["energietransitie"]).themes}[
        "energietransitie"
    ] > {t.slug: t.score for t in tagger.tag(*weak).themes}["energietransitie"]


def test_themes_sorted_by_score(tagger):
    tagging = tagger.tag(
        "Warmtenet en zonnepark: raad bespreekt begroting",
        "De begroting bevat geld voor het warmtenet, de zonneweide en isolatie van woningen.",
    )
    scores = [t.score for t in tagging.themes]
    assert scores == sorted(scores, reverse=True) and len(scores) >= 1


def test_explanations_carry_positions(tagger):
    title = "Zwolle legt warmtenet aan"
    text = "In Zwolle komen warmtenetten in drie wijken."
    result = classify_record(tagger, {"title": title, "text": text}, explain=True)
    assert result["themes"][0] == "energietransitie"
    theme = result["explanation"]["themes"][0]
    assert theme["score"] > 0 and "warmtenet" in theme["terms"]
    for match in theme["matches"]:
        source = title if match["field"] == "title" else text
        assert source[match["start"] : match["end"]] == match["text"]
    assert result["regions"] == ["Zwolle", "Overijssel"]
    assert result["region_slugs"] == ["gemeente-zwolle", "provincie-overijssel"]


def test_classify_record_ignores_labels_and_keeps_shape(tagger):
    record = {
        "title": "Zwembad open",
        "text": "Het zwembad is open.",
        "themes": ["energietransitie"],
    }
    assert classify_record(tagger, record, explain=False) == {
        "themes": [],
        "regions": [],
        "region_slugs": [],
    }


def test_tagger_pickles(tagger):
    clone = pickle.loads(pickle.dumps(tagger))
    args = ("Warmtenet in Ede", "De gemeente Ede legt een warmtenet aan.")
    assert clone.tag(*args).to_dict() == tagger.tag(*args).to_dict()
