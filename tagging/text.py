"""Text normalisation shared by theme and region matching: folding, tokens, Dutch stems, slugs."""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0].lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    for quote in "\u2018\u2019\u201b\u2032\u00b4`":
        table[ord(quote)] = "'"
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2212":
        table[ord(dash)] = "-"
    table[0x00A0] = " "
    return table


_FOLD = _fold_table()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
TOKEN = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase and strip diacritics, keeping every character at its offset (same length)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few exotic capitals (e.g. U+0130) lowercase to two chars
        lowered = "".join(c.lower()[0] for c in text)
    if lowered.isascii():
        return lowered
    return _NON_ASCII.sub(lambda m: _FOLD.get(ord(m.group()), m.group()), lowered)


# Everything but a-z and 0-9 becomes a space: str.translate has a fast path for ASCII text.
_CLEAN = {c: " " for c in range(128) if not ("a" <= chr(c) <= "z" or "0" <= chr(c) <= "9")}
_CLEAN_BYTES = bytes.maketrans(
    bytes(range(256)),
    bytes(c if chr(c).isascii() and chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32
          for c in range(256)),
)  # fmt: skip


def clean(folded: str) -> str:
    """A folded text with every character outside TOKEN's [a-z0-9] blanked (same length):
    its split() is TOKEN.findall, and names padded with spaces match only as whole words."""
    if folded.isascii():
        return folded.translate(_CLEAN)
    # What folding left outside ASCII (quotes, euro signs...) becomes one "?" each, then a space:
    # three C passes, where a regex would build a replacement for every blank.
    return folded.encode("ascii", "replace").translate(_CLEAN_BYTES).decode("ascii")


class Field:
    """One field of an article (title or text) prepared once for both matchers: folded, its
    cleaned copy, and that copy split at single spaces (parts: the word tokens, with an empty
    part for each further space between two of them); words: the tokens alone, on demand."""

    __slots__ = ("text", "folded", "cleaned", "parts", "_words")

    def __init__(self, text: str, folded: str | None = None):
        self.text = text
        self.folded = fold(text) if folded is None else folded
        self.cleaned = clean(self.folded)
        self.parts = self.cleaned.split(" ")
        self._words: list[str] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            # filter() keeps the parts' string objects: no second split, no new strings.
            self._words = list(filter(None, self.parts))
        return self._words


def fold_case_kept(text: str) -> str:
    """Strip diacritics but keep capitals (same length), for case-sensitive name checks."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        else:
            base = _FOLD.get(ord(char.lower()), char)
            out.append(base.upper() if char.isupper() else base)
    return "".join(out)


def slugify(name: str) -> str:
    """The register slug convention: lowercase, no diacritics, runs of other characters -> '-'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


class Stemmer:
    """Dutch stemming with a cache (news vocabulary is small; most words repeat)."""

    def __init__(self, limit: int = 300_000):
        self._start(limit)

    def _start(self, limit: int) -> None:
        self._stemmer = snowballstemmer.stemmer("dutch_porter")
        self._cache = _StemCache(self._stemmer.stemWord, limit)
        self._limit = limit

    def __getstate__(self) -> dict:
        return {"_limit": self._limit}

    def __setstate__(self, state: dict) -> None:
        self._start(state["_limit"])

    def joined(self, words: list[str]) -> str:
        """The stems joined by single spaces, with a space at either end (an empty word stays
        empty: joined parts keep their offsets in the text, words aside)."""
        return " " + " ".join(map(self._cache.__getitem__, words)) + " "

    def stems(self, words: list[str]) -> list[str]:
        return list(map(self._cache.__getitem__, words))

    def stem(self, word: str) -> str:
        return self._cache[word]


class _StemCache(dict):
    """Word -> stem. A known word costs one C-level lookup; a new one is stemmed on the spot by
    __missing__ (no exception, no second pass over the text: real articles nearly always bring
    a few new words, names and numbers). Emptied when it reaches its limit."""

    def __init__(self, stem_word, limit: int):
        super().__init__()
        self.stem_word = stem_word
        self.limit = limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        stem = self[word] = _inflection_only(word, self.stem_word(word))
        return stem


def _inflection_only(word: str, stem: str) -> str:
    """The Snowball stem when it only strips an inflection (<= 3 letters: -en, -e, -s,
    undoubling); derivations stay ("openbaarheid" must not become "open"), and so do words of
    three letters or fewer."""
    return stem if len(word) > 3 and len(word) - len(stem) <= 3 else word
