"""The tagger's fast paths tag exactly as the plain ones: the stem cache, the theme stems joined
per part, and the region expressions run only when their last words can match."""

import random
import re
from pathlib import Path

import pytest

import tagging.themes
from tagging import Tagger
from tagging.evaluate import load_items
from tagging.regions import (
    _CAPITAL_PARTICLE,
    _CUE_BEFORE,
    _PERSON_PARTICLE,
    _cue_before,
    _person_particle,
    _surname,
    default_matcher,
)
from tagging.text import Stemmer, _inflection_only
from tagging.themes import ThemeMatcher

EVAL = Path(__file__).resolve().parents[2] / "tagging" / "eval"
SETS = ["items", "holdout", "unseen", "long", "demo_long"]


class UncachedStemmer(Stemmer):
    """Every word stemmed on its own, every time: the reference for the cache."""

    def joined(self, words: list[str]) -> str:
        return " " + " ".join(self.stems(words)) + " "

    def stems(self, words: list[str]) -> list[str]:
        return [_inflection_only(w, self._stemmer.stemWord(w)) for w in words]


def explained(tagger: Tagger, items: list[dict]) -> list[dict]:
    return [
        tagger.tag(i["title"], i["text"], source_region=i.get("region")).to_dict() for i in items
    ]


def phrase_items(taxonomy) -> list[dict]:
    """Every phrase of the taxonomy across gaps that join it or not, inflected and in capitals."""
    phrases = sorted(
        {
            term
            for theme in taxonomy.themes
            for term in [*theme.terms, *theme.context_terms, *theme.negative_terms]
            if " " in term
        }
    )
    gaps = [" ", "  ", " - ", "-", "\n", " \n", "\n\n", ", ", "-\n", "\t", " \u2013 ", "/"]
    items = []
    for number, phrase in enumerate(phrases):
        gap = gaps[number % len(gaps)]
        joined = gap.join(phrase.split())
        text = f"Het college meldt: {joined}en, {joined.upper()} en {phrase}. Ook {joined}."
        items.append({"title": phrase if number % 3 else "", "text": text})
    return items


@pytest.mark.parametrize("name", SETS)
def test_the_stem_cache_tags_as_stemming_every_word(taxonomy, tagger, name):
    items = load_items(EVAL / f"{name}.jsonl")
    uncached = Tagger(ThemeMatcher(taxonomy, UncachedStemmer()), default_matcher())
    evicting = Tagger(ThemeMatcher(taxonomy, Stemmer(limit=50)), default_matcher())
    expected = explained(uncached, items)
    assert explained(tagger, items) == expected
    assert explained(evicting, items) == expected


@pytest.mark.parametrize("name", [*SETS, "phrases"])
def test_stems_joined_per_part_tag_as_stems_joined_per_word(taxonomy, tagger, name, monkeypatch):
    items = phrase_items(taxonomy) if name == "phrases" else load_items(EVAL / f"{name}.jsonl")
    fast = explained(tagger, items)
    # Every text through the path that joins the tokens' stems by single spaces.
    monkeypatch.setattr(tagging.themes, "_loose_gaps", lambda folded: True)
    assert fast == explained(tagger, items)


@pytest.mark.parametrize(
    ("words", "stems"),
    [
        (["warmtenetten", "gemeenten", "de", "", "een", "openbaarheid"], None),
        (["huizen", "huizen", "isolatie", "aardgasvrije"], None),
        ([], []),
    ],
)
def test_stems_from_the_cache_are_the_inflection_stems(words, stems):
    stemmer = Stemmer()
    expected = stems if stems is not None else UncachedStemmer().stems(words)
    assert stemmer.stems(words) == expected
    assert stemmer.joined(words) == " " + " ".join(expected) + " "
    assert stemmer.stem("openbaarheid") == "openbaarheid"  # a derivation: kept
    assert stemmer.stem("") == ""


VOCABULARY = [
    "in", "In", "IN", "uit", "te", "naar", "bij", "rond", "nabij", "vanuit", "richting", "tussen",
    "gemeente", "Gemeente", "provincie", "waterschap", "regio", "stad", "dorp", "kern", "van",
    "Van", "de", "De", "der", "den", "ter", "Ter", "ten", "Ten", "'t", "het", "vanden", "Vander",
    "burgemeester", "wethouder", "Wethouder", "raad", "inwoners", "centrum", "wijk", "college",
    "J.", "dr.", "Dr", "heer", "mevrouw", "ing", "prof.", "Jan", "Piet", "Staten", "Raad",
    "begin", "robin", "ſtad", "İn", "kern,", "(in", "x-in", "Utrecht", "gaat", "ook", "deze",
]  # fmt: skip
GAPS = [" ", "  ", "\n", "\t", " . ", ", ", "-", ""]


def random_befores(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    befores = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 7)):
            parts += [rng.choice(VOCABULARY), rng.choice(GAPS)]
        if rng.random() < 0.5:  # most often a particle right before the name
            parts.append(rng.choice(["van ", "de ", "van de ", "ter ", "den ", "van  't "]))
        befores.append("".join(parts))
    return befores


def test_the_region_expressions_are_skipped_only_where_they_cannot_match():
    for before in random_befores(30000, 5):
        text = before + "Ede"
        start = len(before)
        assert _cue_before(text, start) == bool(
            _CUE_BEFORE.search(text[max(0, start - 40) : start])
        )
        window = text[max(0, start - 60) : start]
        assert _person_particle(window) == bool(_PERSON_PARTICLE.search(window))
        capital = _CAPITAL_PARTICLE.search(window)
        if capital:
            assert re.search("Van|Ter|Ten", window)


@pytest.mark.parametrize(
    ("before", "surname"),
    [
        ("Het plan van wethouder Van ", True),
        ("Volgens J. van ", True),
        ("Volgens de heer van ", True),
        ("Het bezoek van wethouder Jan van ", True),
        ("Het bezoek van de burgemeester van ", False),
        ("De wethouder van ", False),
        ("Van ", False),
        ("Gedeputeerde Staten van ", False),
        ("Wonen in ", False),
    ],
)
def test_surnames_and_places_after_particles(before, surname):
    assert _surname(before + "Asten", len(before)) is surname
