"""Pure helpers of crawler/extract.py: table-driven."""

import pytest

from crawler.extract import detect_language, hamming, make_excerpt, simhash

LONG = (
    "Het college van burgemeester en wethouders heeft besloten de begroting voor 2025 aan te "
    "passen vanwege hogere energiekosten in de wijk Oost."
)


# Stored values are compared with tomorrow's: the hash of a text must never change. These were
# computed by the first implementation (a bit-sliced counter per shingle).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", -2292878317697218083),
        ("fiets", -967585817498169053),
        ("De gemeente legt een nieuwe fietsroute aan.", 1175472661014478404),
        (LONG, -1511240050267234481),
    ],
)
def test_simhash_values_are_stable(text, expected):
    assert simhash(text) == expected


def test_simhash_fits_a_signed_bigint_and_ignores_case_and_punctuation():
    value = simhash(LONG)
    assert -(2**63) <= value < 2**63
    assert simhash(LONG.upper().replace(".", "!")) == value


def test_near_duplicates_are_close_and_different_texts_far():
    edited = LONG.replace("wijk Oost", "wijk West") + " Dit meldt de gemeente."
    other = "De provincie opent een nieuw fietspad langs het kanaal tussen de twee dorpen."
    assert hamming(simhash(LONG), simhash(edited)) <= 20
    assert hamming(simhash(LONG), simhash(other)) > hamming(simhash(LONG), simhash(edited))


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        (LONG * 2, None, "nl"),
        ("The council decided to change the budget for the year and the plans of the city " * 2,
         "nl", "en"),
        ("kort", "nl-NL", "nl"),
        ("kort", None, None),
    ],
)  # fmt: skip
def test_detect_language(text, declared, expected):
    assert detect_language(text, declared) == expected


def test_excerpt_cuts_at_a_sentence_or_a_word():
    assert make_excerpt("Kort.") == "Kort."
    excerpt = make_excerpt(" ".join([LONG] * 5), limit=200)
    assert len(excerpt) <= 200 and excerpt.endswith(".")
    words = make_excerpt("woord " * 100, limit=50)
    assert words.endswith(" …") and len(words) <= 52
