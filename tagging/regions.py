"""Region detection: municipalities, provinces and water boards named in a text, with context rules.

Names are found with one Aho-Corasick automaton over the folded text, then checked: whole words,
capitalised as in the register (so "best" and "buren" never count), and for names that are also
ordinary words or surnames (Best, Ede, Goes...) a locative or administrative cue before them
("in Best", "gemeente Ede", "wethouder van Goes") or a neighbour in a list of places. A name
inside a larger hyphenated name ("Nieuw-Amsterdam", "Amsterdam-Rijnkanaal") or read as a surname
("wethouder Van Asten", "J. van Asten") does not count (_places_only).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from tagging.automaton import Automaton
from tagging.model import Match
from tagging.text import Field, clean, fold, fold_case_kept


@dataclass(frozen=True)
class Region:
    """One row of the region register."""

    slug: str
    name: str
    kind: str  # "gemeente" | "provincie" | "waterschap"
    province: str | None
    aliases: tuple[str, ...] = ()


def load_regions(path: str | Path | None = None) -> list[Region]:
    """The region register (the packaged tagging/data/regions.csv unless a path is given)."""
    if path is None:
        text = resources.files("tagging").joinpath("data/regions.csv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    regions = []
    for row in csv.DictReader(text.splitlines()):
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        regions.append(
            Region(row["slug"], row["name"], row["kind"], row.get("province") or None, aliases)
        )
    return regions


KIND_WORDS = {"gemeente": "gemeente", "provincie": "provincie", "waterschap": "waterschap"}
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|uit|te|naar|bij|rond|nabij|vanuit|richting|tussen|gemeente|provincie|waterschap"
    r"|regio|stad|dorp|kern|Gemeente|Provincie|Waterschap)"
    r"|\b(?:burgemeester|wethouders?|college|raad|gemeenteraad|inwoners|bewoners|ondernemers"
    r"|centrum|buurt|wijken|wijk|omgeving|gemeentehuis|stadhuis|raadhuis)\s+(?:van|in)"
    r"|\b(?:de|het)\s+(?:gemeente|regio))\s+$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:en|of|en/of)\s+|\s*/\s*|\s*&\s*)$")
# A name shared by a municipality and its province (Groningen, Utrecht) is the province after
# these words, or after a compass prefix ("Oost-Groningen").
_PROVINCE_CUE = re.compile(
    r"(?:\b(?:provincies|Staten\s+van|Staten\s+in|Koning\s+in|gedeputeerden?\s+(?:van|in))\s+"
    r"|\b(?:Noord|Oost|Zuid|West|Midden|Noordoost|Noordwest|Zuidoost|Zuidwest)-)$",
    re.IGNORECASE,
)
_CITY_CUE = re.compile(r"\b(?:stad|binnenstad)\s+$", re.IGNORECASE)
# Part of a larger proper name, joined by a hyphen: a village named after the town ("Nieuw-
# Amsterdam" lies in Emmen, "Klein-Zundert", "Oud-Zuilen") or a waterway or work named after it
# ("Amsterdam-Rijnkanaal", "Amsterdam-Rijnlijn"). Other joins still name the place: districts and
# compass points ("Amsterdam-Noord", "West-Terschelling", "Oost-Groningen"), routes and pairs
# ("Arnhem-Nijmegen", "Kanaalzone Gent-Terneuzen"), regions ("Amsterdam-Amstelland").
_HYPHENS = "-\u2010\u2011"
_VILLAGE_PREFIX = re.compile(
    r"\b(?:Nieuw|Nieuwe|Oud|Oude|Groot|Klein|Sint|Hoog|Laag)[-\u2010\u2011]$"
)
_WORK_AFTER = re.compile(
    r"[-\u2010\u2011]\w*(?:kanaal|vaart|lijn|spoorlijn|tunnel|brug|dijk|sluis|weg)\b"
)
# A surname, not a place: a capitalised particle inside a sentence ("wethouder Van Asten",
# "Ter Horst"), or a lowercase one after an initial, a title or a role and first name ("J. van
# Asten", "de heer van Zwolle", "wethouder Jan van Asten"). A lowercase "van" after a role alone
# stays a place ("burgemeester van Goes"), and so does "Van" opening a sentence ("Van Asten naar
# Someren").
_CAPITAL_PARTICLE = re.compile(r"\b(?:Van(?:\s+(?:de|der|den|het|'t))?|Vanden|Vander|Ter|Ten)\s+$")
_PERSON_PARTICLE = re.compile(
    r"(?:\b[A-Z]\.|\b(?i:heer|mevrouw|meneer|mevr|dhr|mr|dr|drs|ir|ing|prof)\.?"
    r"|\b(?i:wethouder|burgemeester|gedeputeerde|dijkgraaf|heemraad|minister|staatssecretaris"
    r"|commissaris|directeur|voorzitter|woordvoerder|raadslid|bestuurder|secretaris)"
    r"\s+(?!Staten\b|Raad\b|College\b|Gemeente\b|Provincie\b|Regio\b)[A-Z][a-z]+)"
    r"\s+(?:van|de|der|den|ter|ten)(?:\s+(?:de|der|den|'t))?\s+$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;(\"'\u201c\u2018\n])\s*$")
# A water board's ambiguous short name ("Rivierenland" is also a region) needs a water cue.
_WATER_CUE = re.compile(
    r"\b(?:waterschap|waterschappen|dijkgraaf|heemraad|hoogheemraadschap|watersysteem)\b.{0,60}$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class _Pattern:
    region: int
    ambiguous: bool
    form: str  # as written in the register (case kept, diacritics folded)


class RegionMatcher:
    """Finds register regions named in a text. Picklable."""

    def __init__(self, regions: list[Region]):
        self.regions = regions
        self.index = {r.slug: i for i, r in enumerate(regions)}
        self.names = [r.name for r in regions]
        patterns: dict[str, list[_Pattern]] = {}

        def add(form: str, region: int, ambiguous: bool) -> None:
            kept = fold_case_kept(form)
            # Keyed by the cleaned form between spaces: found over the cleaned text, a key
            # matches whole words only ("ede" never inside "bedenken").
            key = f" {clean(fold(form))} "
            patterns.setdefault(key, []).append(_Pattern(region, ambiguous, kept))

        for i, region in enumerate(regions):
            ambiguous_names = {a[1:] for a in region.aliases if a.startswith("?")}
            names = [region.name, *(a.lstrip("?") for a in region.aliases)]
            for name in dict.fromkeys(names):
                add(name, i, name in ambiguous_names)
                word = KIND_WORDS[region.kind]
                if not fold(name).startswith(word):
                    add(f"{word} {name}", i, False)
                    add(f"{word.capitalize()} {name}", i, False)
        # Municipality -> province of the same name, and back (Groningen, Utrecht).
        by_name: dict[tuple[str, str], int] = {
            (fold(r.name), r.kind): i for i, r in enumerate(regions)
        }
        self.twin: dict[int, int] = {}
        for (name, kind), i in by_name.items():
            if kind == "gemeente" and (name, "provincie") in by_name:
                self.twin[i] = by_name[(name, "provincie")]
                self.twin[by_name[(name, "provincie")]] = i
        for values in patterns.values():
            # One folded form may stand for several regions (municipality and province
            # Groningen): prefer the municipality, unless the form names the kind.
            values.sort(key=lambda p: (p.ambiguous, regions[p.region].kind != "gemeente"))
        self.automaton = Automaton((key, tuple(values)) for key, values in patterns.items())

    def find(self, text: str, field: str, prepared: Field | None = None) -> list[tuple[int, Match]]:
        """(region index, match) for every region named in one field, in text order (prepared:
        the field already prepared, when the caller has it)."""
        if not text:
            return []
        cleaned = prepared.cleaned if prepared is not None else clean(fold(text))
        # Offsets: the padded text has one space in front, keys a space on either side.
        hits = self.automaton.find(f" {cleaned} ")
        if not hits:
            return []
        values = self.automaton.values
        candidates = []
        for index, start, end in hits:
            end -= 2
            surface = text[start:end]
            if not surface.isascii():
                surface = fold_case_kept(surface)
            for pattern in values[index]:
                if surface == pattern.form or _capitals_match(surface, pattern.form):
                    # Sorted by start, longest first; no two hits share a span (one key each).
                    candidates.append((start, -end, pattern))
                    break
        candidates.sort()
        chosen = []
        reach = -1
        regions = self.regions
        for start, end, pattern in candidates:
            if start < reach:
                continue  # overlaps a longer or earlier name ("Bergen op Zoom" over "Bergen")
            end = -end
            reach = end
            if not _is_place(text, start, end):
                continue
            ok = not pattern.ambiguous or (
                _water_cue_before(text, start)
                if regions[pattern.region].kind == "waterschap"
                else _cue_before(text, start)
            )
            chosen.append((start, end, pattern, ok))
        accepted = [c[3] for c in chosen]
        changed = not all(accepted)
        while changed:  # a name in a list of accepted places is a place too
            changed = False
            for i, (start, end, _, _) in enumerate(chosen):
                if accepted[i]:
                    continue
                before = (
                    i > 0 and accepted[i - 1] and _LIST_GAP.match(text[chosen[i - 1][1] : start])
                )
                after = (
                    i + 1 < len(chosen)
                    and accepted[i + 1]
                    and _LIST_GAP.match(text[end : chosen[i + 1][0]])
                )
                if before or after:
                    accepted[i] = changed = True
        found = [(p.region, s, e) for (s, e, p, _), ok in zip(chosen, accepted, strict=True) if ok]
        if not self.twin.keys().isdisjoint([region for region, _, _ in found]):
            found = self._provinces_named_as_such(text, found)
        names = self.names
        return [(region, Match(names[region], field, s, e, text[s:e])) for region, s, e in found]

    def _provinces_named_as_such(
        self, text: str, found: list[tuple[int, int, int]]
    ) -> list[tuple[int, int, int]]:
        """A bare shared name is the province after a province cue ("Staten van Utrecht",
        "provincies Utrecht", "Oost-Groningen") or next to a province in a list ("Flevoland en
        Utrecht")."""
        regions = self.regions
        found = list(found)
        changed = True
        while changed:
            changed = False
            for i, (region, start, end) in enumerate(found):
                twin = self.twin.get(region)
                if twin is None or regions[region].kind != "gemeente":
                    continue
                if fold(text[start:end]) != fold(regions[region].name):
                    continue  # "gemeente Utrecht", "Stad Groningen": named as such
                before = text[max(0, start - 40) : start]
                city = _CITY_CUE.search(before)
                if city:  # "de stad Groningen": shown with its cue, so it counts as named
                    found[i] = (region, start - len(city.group()), end)
                    continue
                province = bool(_PROVINCE_CUE.search(before))
                for j in (i - 1, i + 1):
                    if province or not 0 <= j < len(found):
                        continue
                    other, o_start, o_end = found[j]
                    gap = text[o_end:start] if j < i else text[end:o_start]
                    province = regions[other].kind == "provincie" and bool(_LIST_GAP.match(gap))
                if province:
                    found[i] = (twin, start, end)
                    changed = True
        return found


@cache
def default_matcher() -> RegionMatcher:
    """The packaged register, compiled once per process (it changes only with the code)."""
    return RegionMatcher(load_regions())


def _is_place(text: str, start: int, end: int) -> bool:
    """Whether the name at start..end names a place: not inside a larger hyphenated proper name,
    not a surname (see _VILLAGE_PREFIX and _CAPITAL_PARTICLE above)."""
    return not (
        (start > 1 and text[start - 1] in _HYPHENS
         and _VILLAGE_PREFIX.search(text, max(0, start - 8), start))
        or (end < len(text) and text[end] in _HYPHENS and _WORK_AFTER.match(text, end))
        or _surname(text, start)
    )  # fmt: skip


_PARTICLES = frozenset("van vanden vander de der den ter ten 't het".split())
# The end of a _PERSON_PARTICLE match: one or two particles, each a whole word.
_FIRST_PARTICLES = frozenset("van de der den ter ten".split())
_SECOND_PARTICLES = frozenset("de der den 't".split())
_TITLES = ("heer", "mevrouw", "meneer", "mevr", "dhr", "mr", "dr", "drs", "ir", "ing", "prof")


def _surname(text: str, start: int) -> bool:
    # Most names follow no particle at all: look at the word before first, then at the context.
    word = text[text.rfind(" ", max(0, start - 9), start - 1) + 1 : start].strip().lower()
    if word not in _PARTICLES:
        return False
    before = text[max(0, start - 60) : start]
    if "Van" in before or "Ter" in before or "Ten" in before:  # else _CAPITAL_PARTICLE fails
        particle = _CAPITAL_PARTICLE.search(before)
        if particle:
            return not _SENTENCE_START.search(before, 0, particle.start())
    return _person_particle(before)


def _person_particle(before: str) -> bool:
    """_PERSON_PARTICLE.search(before), with the regex run only when the words before the name
    can match it: a match ends in one or two particles (whole words) after a word ending in an
    initial's or a title's full stop, in a title, or after a role and a capitalised first name."""
    if not before[-1:].isspace():
        return False
    words = before.rsplit(None, 4)
    if len(words) >= 2 and words[-1] in _FIRST_PARTICLES and _may_end_person(words, -2):
        return bool(_PERSON_PARTICLE.search(before))
    if (
        len(words) >= 3
        and words[-1] in _SECOND_PARTICLES
        and words[-2] in _FIRST_PARTICLES
        and _may_end_person(words, -3)
    ):
        return bool(_PERSON_PARTICLE.search(before))
    return False


_ROLES = (
    "wethouder", "burgemeester", "gedeputeerde", "dijkgraaf", "heemraad", "minister",
    "staatssecretaris", "commissaris", "directeur", "voorzitter", "woordvoerder", "raadslid",
    "bestuurder", "secretaris",
)  # fmt: skip


def _may_end_person(words: list[str], at: int) -> bool:
    """Whether a _PERSON_PARTICLE match can have its person part end with words[at] (words: the
    last words before the name, the first of them holding all the text before)."""
    word = words[at]
    if word.endswith(".") or not word.isascii() or word.lower().endswith(_TITLES):
        return True
    if "A" <= word[0] <= "Z" and len(words) + at > 0:  # a first name, after a role
        role = words[at - 1]
        return not role.isascii() or role.lower().endswith(_ROLES)
    return False


def _capitals_match(surface: str, form: str) -> bool:
    """Every word capitalised in the register's form is capitalised in the text too."""
    if surface == form:
        return True
    if surface.isupper() and len(surface) > 3:
        return True  # headline in capitals
    for got, want in zip(surface.split(), form.split(), strict=False):
        if want[:1].isupper() and not got[:1].isupper():
            return False
        if want.isupper() and len(want) > 1 and not got.isupper():
            return False  # acronyms: AGV, HHNK
    return True


def _water_cue_before(text: str, start: int) -> bool:
    return bool(_WATER_CUE.search(text[max(0, start - 80) : start]))


# The last words of _CUE_BEFORE's expressions (a match ends in one of them, any case, then spaces).
_CUE_LAST_WORDS = (
    "in", "uit", "te", "naar", "bij", "rond", "nabij", "vanuit", "richting", "tussen", "gemeente",
    "provincie", "waterschap", "regio", "stad", "dorp", "kern", "van",
)  # fmt: skip


def _cue_before(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    tail = before.rstrip()
    if len(tail) == len(before):
        return False  # no space before the name: the expression cannot end here
    last = tail[-10:]  # the longest last word, "waterschap"
    if last.isascii() and not last.lower().endswith(_CUE_LAST_WORDS):
        return False  # the regex cannot match: not run
    return bool(_CUE_BEFORE.search(before))
