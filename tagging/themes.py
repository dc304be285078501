"""Theme matching: Dutch terms (stemmed, inside compounds) found in a text and scored per theme.

The text is folded (lowercase, no diacritics), split into word tokens and each token stemmed with
the Dutch Snowball stemmer. One Aho-Corasick automaton over the joined stems finds every term of
every theme in a single pass. A term may sit inside a compound: at its head ("warmtenet" in
"warmtenetbeheerder") when the rest is a word of its own, or at its tail ("stadswarmtenet") when
the term is long enough to be a word by itself; short terms, acronyms and terms marked whole_word
must be whole tokens. Scoring rules: tagging/theme_rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress

from models.taxonomy import Taxonomy, TermOptions
from tagging.automaton import Automaton
from tagging.model import Match, ThemeTag
from tagging.text import TOKEN, Field, Stemmer, fold
from tagging.theme_rules import LONG_TEXT, drop_passing, long_text, suppress, threshold_factor

# What may follow a stem inside a token without making it another word.
INFLECTIONS = frozenset(
    "e en s n es er ers ere ste te ten de den je jes tje tjes pje pjes ' 's".split()
)
MIN_HEAD = 5  # a term this long may start a compound ("energie|transitie")
MIN_TAIL = 6  # a term this long may end a compound ("stads|warmtenet")
MIN_REST = 3  # what follows a compound head must be at least this long to be a word
_FIELDS = ("title", "text")


@dataclass(frozen=True)
class Entry:
    """One term of one theme, as stored in the automaton."""

    theme: int
    kind: str  # "term" | "context" | "negative"
    term: str
    weight: float
    whole_word: bool
    surface: str | None  # exact capitalised form for acronyms (RES, SDE++)
    first_len: int
    last_len: int
    words: int
    # The kind as flags, read in the scoring loops (not part of equality).
    is_term: bool = field(init=False, compare=False, repr=False)
    is_context: bool = field(init=False, compare=False, repr=False)
    negative: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_term", self.kind == "term")
        object.__setattr__(self, "is_context", self.kind == "context")
        object.__setattr__(self, "negative", self.kind == "negative")


def _fits_by_case(entries: list[Entry]) -> tuple[tuple[Entry, ...], ...]:
    """The entries of one key that a hit may stand for, precomputed for the 8 cases of a hit:
    index head + 2 * inflected + 4 * long_rest. head: the key starts a token; inflected: what
    follows it in the token is nothing or an inflection; long_rest: that is MIN_REST letters or
    more (a word of its own). Whole-word entries and short first words need a head; whole-word
    entries and short last words need an inflection, the others a long rest."""
    cases: list[list[Entry]] = [[] for _ in range(8)]
    for entry in entries:
        needs_head = entry.whole_word or entry.first_len < MIN_TAIL
        needs_inflection = entry.whole_word or entry.last_len < MIN_HEAD
        for case in _CASES[needs_head, needs_inflection]:
            cases[case].append(entry)
    return tuple(map(tuple, cases))


# The cases (see _fits_by_case) an entry fits in, by whether it needs a head and an inflection.
_CASES = {
    (needs_head, needs_inflection): [
        case
        for case in range(8)
        if (case & 1 or not needs_head) and (case & 2 or (case & 4 and not needs_inflection))
    ]
    for needs_head in (False, True)
    for needs_inflection in (False, True)
}


def _is_acronym(term: str) -> bool:
    """RES, SDE++, DigiD: a word with two capitals is matched only as written."""
    return any(sum(c.isupper() for c in word) >= 2 for word in term.split())


def _key_value(key: str, entries: list[Entry]) -> tuple:
    """What the automaton keeps per key: (padded, spaces, fits, checked). padded: stored between
    spaces (whole words only); spaces: spaces inside the key (tokens - 1); fits: the entries per
    case (_fits_by_case), or for a padded key the one case it can be in (a whole token, nothing
    after it); checked: some entry is an acronym whose capitals must be checked."""
    padded = key.startswith(" ")
    fits = _fits_by_case(entries)
    return (
        padded,
        key.strip(" ").count(" "),
        fits[3] if padded else fits,
        any(entry.surface is not None for entry in entries),
    )


class ThemeMatcher:
    """Finds and scores the themes of a taxonomy in a title and a text. Picklable."""

    def __init__(self, taxonomy: Taxonomy, stemmer: Stemmer | None = None):
        self.stemmer = stemmer or Stemmer()
        self.slugs = [t.slug for t in taxonomy.themes]
        self.thresholds = [t.threshold or taxonomy.threshold for t in taxonomy.themes]
        self.threshold_by_slug = dict(zip(self.slugs, self.thresholds, strict=True))
        self.order = {slug: index for index, slug in enumerate(self.slugs)}
        self.title_factor = taxonomy.title_factor
        self.source_prior = taxonomy.source_prior
        self.relative = taxonomy.relative_threshold
        keys: dict[str, list[Entry]] = {}
        for index, theme in enumerate(taxonomy.themes):
            for kind, terms in (
                ("term", theme.terms),
                ("context", theme.context_terms),
                ("negative", {t: 0.0 for t in theme.negative_terms}),
            ):
                for term, spec in terms.items():
                    if isinstance(spec, TermOptions):
                        options, weight = spec, spec.weight
                    else:
                        options, weight = None, float(spec)
                    for key, entry in self._entries(index, kind, term, weight, options):
                        keys.setdefault(key, [])
                        if entry not in keys[key]:
                            keys[key].append(entry)
        # Whole-word entries are stored with their surrounding spaces, so the automaton never
        # reports them inside other words ("net" in "kabinet"): fewer hits to check in Python.
        grouped: dict[str, list[Entry]] = {}
        for key, entries in keys.items():
            for entry in entries:
                grouped.setdefault(f" {key} " if entry.whole_word else key, []).append(entry)
        self.automaton = Automaton(
            (key, _key_value(key, entries)) for key, entries in grouped.items()
        )

    def _entries(self, theme: int, kind: str, term: str, weight: float, options):
        words = TOKEN.findall(fold(term))
        stems = self.stemmer.stems(words)
        acronym = _is_acronym(term)
        whole = (options.whole_word if options else False) or acronym
        surface = term if acronym else None
        # Both the stemmed and the plain form are keys: the plain form finds a term at the head of
        # a compound where stemming changed its end ("taak" in "taakstelling", stem "tak").
        for forms in {tuple(stems), tuple(words)}:
            short = len(forms[-1]) < MIN_HEAD and len(words[-1]) < MIN_HEAD
            entry = Entry(
                theme=theme,
                kind=kind,
                term=term,
                weight=weight,
                whole_word=whole or short,
                surface=surface,
                first_len=len(forms[0]),
                last_len=len(forms[-1]),
                words=len(forms),
            )
            yield " ".join(forms), entry

    def find(
        self, text: str, field: str, prepared: Field | None = None
    ) -> list[tuple[Entry, Match]]:
        """Every term occurrence in one field, before suppression and scoring (prepared: the
        field already prepared, when the caller has it)."""
        rank = 0 if field == "title" else 1
        return [
            (entry, Match(entry.term, field, start, -neg_end, text[start:-neg_end]))
            for _, start, neg_end, _, entry in self._hits(prepared or Field(text), rank, [])
        ]

    def _hits(self, prepared: Field, rank: int, found: list[tuple]) -> list[tuple]:
        """find() as plain tuples (rank, start, -end, sequence, entry), appended to found (the
        sequence numbers go on from its length): rank 0 is the title, 1 the text. Tuples sort
        in C by field, start and longest first, and Match objects are made only for the few
        hits that end up explaining a tag."""
        parts, folded = prepared.parts, prepared.folded
        part_of: list[int] | None = None
        if _loose_gaps(folded):
            # A phrase may span a gap of several characters ("warmte - net"): its stems are
            # joined by single spaces, and each token's part found through part_of.
            words = prepared.words
            if not words:
                return found
            joined = self.stemmer.joined(words)
            part_of = list(compress(range(len(parts)), parts))
        else:
            # The stems of the parts: the token at a position is the part with as many spaces
            # before it, and a phrase matches only across a one-character gap.
            joined = self.stemmer.joined(parts)
        matches = self.automaton.find(joined)
        if not matches:
            return found
        text = prepared.text
        values = self.automaton.values
        append = found.append
        counted = counted_to = 0
        at_part = at = 0  # the offset in the text of the part at_part, summed on hit by hit
        for index, start, end in matches:
            padded, spaces, fits, checked = values[index]
            if padded:  # a whole token: nothing before or after it in the token
                start += 1
                end -= 1
                first_at = start
                inflected = True
            else:
                head = joined[start - 1] == " "
                if head:
                    first_at = start
                else:
                    first_at = joined.rfind(" ", 0, start) + 1
                    if start - first_at < MIN_REST:
                        continue  # a compound's first part is a word too: not "in|formatie"
                if joined[end] == " ":
                    inflected = True
                    fits = fits[head + 2]
                else:
                    rest = joined[end : joined.index(" ", end)]
                    inflected = rest in INFLECTIONS
                    fits = fits[head + 2 * inflected + 4 * (len(rest) >= MIN_REST)]
                if not fits:
                    continue
            # Token index = spaces before the position, minus the leading one; counted on from
            # the previous hit (hits come in order of their end, nearly always of their start).
            if start >= counted_to:
                counted += joined.count(" ", counted_to, start)
            else:
                counted = joined.count(" ", 0, start)
            counted_to = start
            first = counted - 1
            part = first if part_of is None else part_of[first]
            if part != at_part:  # (a join of the parts between is the quickest sum of lengths)
                if part > at_part:
                    at += len("".join(parts[at_part:part])) + part - at_part
                else:
                    at = len("".join(parts[:part])) + part
                at_part = part
            begin = at + start - first_at
            if spaces:
                final = first + spaces
                if part_of is not None:
                    final = part_of[final]
                final_at = _final_start(folded, parts, at, part, final)
                if final_at < 0:
                    continue
                part = final
                first_at = joined.rfind(" ", 0, end) + 1
            else:
                final_at = at
            final_end = final_at + len(parts[part])
            # A whole final token shows with its inflection ("warmtenetten"), a compound head
            # only up to the term ("energietransitie|programma").
            stop = final_end if inflected else min(final_at + end - first_at, final_end)
            if checked:
                for entry in fits:
                    if entry.surface is None or _same_caps(text[begin:stop], entry.surface):
                        append((rank, begin, -stop, len(found), entry))
            else:
                for entry in fits:
                    append((rank, begin, -stop, len(found), entry))
        return found

    def score(
        self,
        title: str,
        text: str,
        source_themes=(),
        prepared: tuple[Field, Field] | None = None,
    ) -> list[ThemeTag]:
        """Themes whose score reaches their threshold, highest score first (prepared: title and
        text already prepared)."""
        prepared_title, prepared_text = prepared or (Field(title), Field(text))
        hits = self._hits(prepared_title, 0, []) if title else []
        self._hits(prepared_text, 1, hits)
        if not hits:
            return []
        hits.sort()
        hinted = {self.order[slug] for slug in source_themes if slug in self.order}
        by_theme = _longest_across_themes(hits, hinted, self.source_prior)
        factor = threshold_factor(len(text))
        slugs = self.slugs
        tags = []
        evidence: dict[int, list[tuple]] = {}
        title_factor = self.title_factor
        fields = (title, text)
        for theme, (items, bound, has_term) in by_theme.items():
            # Most themes have a context word or two: skip them before the finer work.
            hinted_prior = self.source_prior if theme in hinted else 0.0
            needed = self.thresholds[theme] * factor
            if not has_term or hinted_prior + (bound - hinted_prior) * title_factor < needed:
                continue
            kept = suppress(items)
            score = hinted_prior
            per_term: dict[str, list[int]] = {}  # term -> [weight, occurrences, in title]
            for hit in kept:
                entry = hit[4]
                counts = per_term.get(entry.term)
                if counts is None:
                    per_term[entry.term] = [entry.weight, 1, hit[0] == 0]
                else:
                    counts[1] += 1
                    if hit[0] == 0:
                        counts[2] = True
            if not any(hit[4].is_term for hit in kept):
                continue
            for weight, occurrences, in_title in per_term.values():
                best = title_factor if in_title else 1.0
                score += weight * best + weight * 0.25 * min(occurrences - 1, 4)
            if score >= needed:
                evidence[theme] = kept
                matches = [
                    Match(e.term, _FIELDS[r], st, -ne, fields[r][st:-ne])
                    for r, st, ne, _, e in kept
                ]
                tags.append(ThemeTag(slugs[theme], round(score, 3), matches))
        if len(tags) > 1:
            order = self.order
            tags.sort(key=lambda t: (-t.score, order[t.slug]))
            if len(text) > LONG_TEXT:
                return long_text(tags, text, evidence, self.threshold_by_slug, self.relative)
        if tags:
            floor = tags[0].score * self.relative
            tags = [t for t in tags if t.score >= floor]
            tags = drop_passing(tags, text)
        return tags


def _longest_across_themes(hits: list[tuple], hinted: set[int], prior: float) -> dict:
    """The sorted hits by theme, without a hit lying inside a longer hit of another theme:
    "algemene uitkering" is municipal finance, so its "uitkering" must not count for the social
    domain. Per theme [hits, bound, has_term]: bound the prior (hinted themes) plus the weights
    of its hits, the most it can score before the title counts; has_term: a hit is a term."""
    by_theme: dict[int, list] = {}
    field, start, end, theme = -1, -1, -1, -1
    for hit in hits:
        entry = hit[4]
        if not entry.negative:
            rank, h_start, h_end = hit[0], hit[1], -hit[2]
            if rank == field and h_end <= end:
                if theme != entry.theme and (h_start != start or h_end != end):
                    continue
            else:
                field, start, end, theme = rank, h_start, h_end, entry.theme
        group = by_theme.get(entry.theme)
        if group is None:
            bound = prior if entry.theme in hinted else 0.0
            by_theme[entry.theme] = [[hit], bound + entry.weight, entry.is_term]
        else:
            group[0].append(hit)
            group[1] += entry.weight
            if entry.is_term:
                group[2] = True
    return by_theme


# Two characters side by side that can both be part of a gap inside a phrase (spaces, hyphens,
# line breaks, tabs), but for a blank line, found from the rarer one: a hyphen or a line break
# (one expression each: an alternation would be tried at every character).
_LOOSE_HYPHEN = re.compile(r"-(?:[ \t\n-]|(?<=[ \t\n]-))")
_LOOSE_BREAK = re.compile(r"\n(?:[ \t-]|(?<=[ \t-]\n))")


def _loose_gaps(folded: str) -> bool:
    """Whether two tokens may be more than one character apart and still make a phrase ("a - b"):
    a gap of spaces, hyphens and line breaks (no blank line) several characters long. Also true
    of some gaps that cannot join (" \n\n"): those only take the slower path."""
    return (
        "  " in folded
        or "\t" in folded
        or _LOOSE_HYPHEN.search(folded) is not None
        or _LOOSE_BREAK.search(folded) is not None
    )


def _final_start(folded: str, parts: list[str], at: int, first: int, final: int) -> int:
    """The offset of the last token of a phrase over parts first..final (the first at offset
    at), or -1 when two of its tokens are separated by more than spaces and hyphens."""
    gap_start = position = at + len(parts[first])
    for part in range(first + 1, final + 1):
        position += 1  # the space before the part (an empty part is one more space)
        token = parts[part]
        if token:
            gap = folded[gap_start:position]
            if gap.strip(" -\n\t") or "\n\n" in gap:
                return -1
            if part == final:
                return position
            position += len(token)
            gap_start = position
    return position


def _same_caps(surface: str, expected: str) -> bool:
    """An acronym term counts only when written as in the taxonomy (RES, not 'res')."""
    if surface == expected:
        return True
    return [c for c in surface if c.isalnum()] == [c for c in expected if c.isalnum()]
