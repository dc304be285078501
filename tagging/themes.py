"""Theme matching: Dutch terms (stemmed, inside compounds) found in a text and scored per theme.

The text is folded (lowercase, no diacritics), split into word tokens and each token stemmed with
the Dutch Snowball stemmer. One Aho-Corasick automaton over the joined stems finds every term of
every theme in a single pass. A term may sit inside a compound: at its head ("warmtenet" in
"warmtenetbeheerder") when the rest is a word of its own, or at its tail ("stadswarmtenet") when
the term is long enough to be a word by itself; short terms, acronyms and terms marked whole_word
must be whole tokens.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, compress

from models.taxonomy import Taxonomy, TermOptions
from tagging.automaton import Automaton
from tagging.model import Match, ThemeTag
from tagging.text import TOKEN, Field, Stemmer, clean, fold

# What may follow a stem inside a token without making it another word.
INFLECTIONS = frozenset(
    "e en s n es er ers ere ste te ten de den je jes tje tjes pje pjes ' 's".split()
)
MIN_HEAD = 5  # a term this long may start a compound ("energie|transitie")
MIN_TAIL = 6  # a term this long may end a compound ("stads|warmtenet")
MIN_REST = 3  # what follows a compound head must be at least this long to be a word
KINDS = ("term", "context", "negative")
PASSING_MIN_SENTENCES = 4  # articles this long can mention a theme in passing
_SENTENCE_END = re.compile(r"[.!?:](?=\s)|\n")
_SENTENCE_ENDS = (". ", "! ", "? ", ": ", "\n")
LONG_TEXT = 1200  # characters; longer texts need more evidence (_threshold_factor, _long_text)
LEAD = 600  # characters: the lead paragraph of a news article
LEADER_FACTOR = 1.5  # a paragraph's subject: two terms, or one decisive term and a repeat
LONG_RELATIVE = 0.5  # long texts: share of the main theme a side theme needs without a paragraph
MIN_PARAGRAPHS = 2  # fewer (a text without line breaks): no paragraph is a side subject
HEADING = 80  # characters: a shorter line without a full stop is a heading of what follows


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


def _fits_by_case(entries: list[Entry]) -> tuple[tuple[Entry, ...], ...]:
    """The entries of one key that a hit may stand for, precomputed for the 8 cases of a hit:
    index head + 2 * inflected + 4 * long_rest. head: the key starts a token; inflected: what
    follows it in the token is nothing or an inflection; long_rest: that is MIN_REST letters or
    more (a word of its own). Whole-word entries and short first words need a head; whole-word
    entries and short last words need an inflection, the others a long rest."""
    cases = []
    for case in range(8):
        head, inflected, long_rest = case & 1, case & 2, case & 4
        cases.append(
            tuple(
                entry
                for entry in entries
                if (head or not (entry.whole_word or entry.first_len < MIN_TAIL))
                and (
                    inflected or (long_rest and not (entry.whole_word or entry.last_len < MIN_HEAD))
                )
            )
        )
    return tuple(cases)


def _is_acronym(term: str) -> bool:
    """RES, SDE++, DigiD: a word with two capitals is matched only as written."""
    return any(sum(c.isupper() for c in word) >= 2 for word in term.split())


class ThemeMatcher:
    """Finds and scores the themes of a taxonomy in a title and a text. Picklable."""

    def __init__(self, taxonomy: Taxonomy, stemmer: Stemmer | None = None):
        self.stemmer = stemmer or Stemmer()
        self.slugs = [t.slug for t in taxonomy.themes]
        self.thresholds = [t.threshold or taxonomy.threshold for t in taxonomy.themes]
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
                    options = spec if isinstance(spec, TermOptions) else None
                    weight = options.weight if options else float(spec)
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
            (key, (key.startswith(" "), _fits_by_case(entries))) for key, entries in grouped.items()
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
            for _, start, neg_end, _, entry in self._hits(prepared or Field(text), rank)
        ]

    def _hits(self, prepared: Field, rank: int) -> list[tuple]:
        """find() as plain tuples (rank, start, -end, sequence, entry): rank 0 is the title,
        1 the text. Tuples sort in C by field, start and longest first, and Match objects are
        made only for the few hits that end up explaining a tag."""
        words = prepared.words
        if not words:
            return []
        text, folded = prepared.text, prepared.folded
        joined = self.stemmer.joined(words)
        spans: _Spans | list = []  # token offsets, made on the first match only
        found: list[tuple] = []
        counted = counted_to = 0
        values = self.automaton.values
        for index, start, end in self.automaton.find(joined):
            padded, fits_by_case = values[index]
            if padded:
                start += 1
                end -= 1
            head = joined[start - 1] == " "
            tail = joined[end] == " "
            if head:
                first_at = start
            else:
                first_at = joined.rfind(" ", 0, start) + 1
                if start - first_at < MIN_REST:
                    continue  # a compound's first part is a word too: not "in|formatie"
            rest = "" if tail else joined[end : joined.index(" ", end)]
            inflected = tail or rest in INFLECTIONS
            fits = fits_by_case[head + 2 * inflected + 4 * (len(rest) >= MIN_REST)]
            if not fits:
                continue
            if not spans:
                spans = _Spans(prepared.cleaned, prepared.parts)
                parts, ends, part_of = spans.parts, spans.ends, spans.index
            # Token index = spaces before the position, minus the leading one; counted on from
            # the previous hit (hits come in order of their end, nearly always of their start).
            if start >= counted_to:
                counted += joined.count(" ", counted_to, start)
            else:
                counted = joined.count(" ", 0, start)
            counted_to = start
            first = counted - 1
            final = first + joined.count(" ", start, end)
            if first != final and not _only_spaces(folded, spans, first, final):
                continue
            # spans[first] and spans[final], inlined (the hottest lines of a dense text).
            part = part_of[first]
            begin = ends[part] + part - len(parts[part]) + (start - first_at)
            if final != first:
                part = part_of[final]
                first_at = joined.rfind(" ", 0, end) + 1
            final_end = ends[part] + part
            # A whole final token shows with its inflection ("warmtenetten"), a compound head
            # only up to the term ("energietransitie|programma").
            stop = (
                final_end
                if inflected
                else min(final_end - len(parts[part]) + (end - first_at), final_end)
            )
            for entry in fits:
                if entry.surface is not None and not _same_caps(text[begin:stop], entry.surface):
                    continue
                found.append((rank, begin, -stop, len(found), entry))
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
        hits = self._hits(prepared_title, 0) if title else []
        offset = len(hits)
        hits += [
            (1, start, neg_end, seq + offset, entry)
            for _, start, neg_end, seq, entry in self._hits(prepared_text, 1)
        ]
        if not hits:
            return []
        hits = _longest_across_themes(hits)
        by_theme: dict[int, list[tuple]] = {}
        for hit in hits:
            by_theme.setdefault(hit[4].theme, []).append(hit)
        factor = _threshold_factor(len(text))
        hinted = set(source_themes)
        tags = []
        evidence: dict[int, list[tuple]] = {}
        title_factor = self.title_factor
        fields = (title, text)
        for theme, items in by_theme.items():
            # Most themes have a context word or two: skip them before the finer work.
            bound = hinted_prior = self.source_prior if self.slugs[theme] in hinted else 0.0
            has_term = False
            for hit in items:
                entry = hit[4]
                bound += entry.weight
                has_term = has_term or entry.kind == "term"
            needed = self.thresholds[theme] * factor
            if not has_term or hinted_prior + (bound - hinted_prior) * title_factor < needed:
                continue
            kept = _suppress(items)
            if not any(hit[4].kind == "term" for hit in kept):
                continue
            score = hinted_prior
            per_term: dict[str, list[tuple]] = {}
            for hit in kept:
                per_term.setdefault(hit[4].term, []).append(hit)
            for occurrences in per_term.values():
                weight = occurrences[0][4].weight
                best = title_factor if any(h[0] == 0 for h in occurrences) else 1.0
                score += weight * best + weight * 0.25 * min(len(occurrences) - 1, 4)
            if score >= needed:
                evidence[theme] = kept
                matches = [
                    Match(e.term, _FIELDS[r], st, -ne, fields[r][st:-ne])
                    for r, st, ne, _, e in sorted(kept)
                ]
                tags.append(ThemeTag(self.slugs[theme], round(score, 3), matches))
        tags.sort(key=lambda t: (-t.score, self.slugs.index(t.slug)))
        if len(tags) > 1 and len(text) > LONG_TEXT:
            return self._long_text(tags, text, evidence)
        if tags:
            floor = tags[0].score * self.relative
            tags = [t for t in tags if t.score >= floor]
        if tags:
            tags = _drop_passing(tags, text)
        return tags

    def _long_text(
        self, tags: list[ThemeTag], text: str, evidence: dict[int, list[tuple]]
    ) -> list[ThemeTag]:
        """Several themes in a long article. The main theme's score grows with length, so a
        share of it no longer tells a side subject from a passing one; the paragraphs do. A
        side theme stays when it is the subject of a paragraph of its own (_paragraph_leaders),
        or else when it reaches half the main theme's score and is named in the title or the
        lead. A theme named in passing, in paragraphs about something else, goes."""
        floor = tags[0].score * max(self.relative, LONG_RELATIVE)
        leaders: set[str] | None = None

        def leads_a_paragraph(tag: ThemeTag) -> bool:
            nonlocal leaders
            if tag.score < self.thresholds[self.slugs.index(tag.slug)] * LEADER_FACTOR:
                return False  # cannot reach it in one paragraph either
            if leaders is None:  # only when a theme needs it: most articles never ask
                bounds = _paragraph_ends(text)
                leaders = (
                    self._paragraph_leaders(evidence, bounds)
                    if len(bounds) >= MIN_PARAGRAPHS
                    else set()
                )
            return tag.slug in leaders

        tags = [t for t in tags if t.score >= floor or leads_a_paragraph(t)]
        tags = _drop_passing(tags, text)
        return [
            tag
            for rank, tag in enumerate(tags)
            if rank == 0
            or any(m.field == "title" or m.start < LEAD for m in tag.matches)
            or leads_a_paragraph(tag)
        ]

    def _paragraph_leaders(self, evidence: dict[int, list[tuple]], bounds: list[int]) -> set[str]:
        """Themes that are the subject of a paragraph (bounds: paragraph end offsets): scored
        on that paragraph alone they reach LEADER_FACTOR times their threshold and no other
        theme scores more there. Reporters give a side subject a paragraph of its own."""
        scores: list[dict[int, float]] = [{} for _ in bounds]
        for theme, hits in evidence.items():
            seen: dict[tuple[int, str], int] = {}
            for hit in hits:
                if hit[0]:
                    entry = hit[4]
                    index = bisect_right(bounds, hit[1])
                    key = (index, entry.term)
                    repeats = seen.get(key)
                    if repeats is None:
                        seen[key] = 0
                        gained = entry.weight
                    elif repeats < 4:
                        seen[key] = repeats + 1
                        gained = entry.weight * 0.25
                    else:
                        continue
                    paragraph = scores[index]
                    paragraph[theme] = paragraph.get(theme, 0.0) + gained
        leaders = set()
        for paragraph in scores:
            if not paragraph:
                continue
            best = max(paragraph.values())
            for theme, value in paragraph.items():
                if value >= best and value >= self.thresholds[theme] * LEADER_FACTOR:
                    leaders.add(self.slugs[theme])
        return leaders


_FIELDS = ("title", "text")


def _paragraph_ends(text: str) -> list[int]:
    """End offsets of the paragraphs (lines) of a text; a heading joins the paragraph below."""
    ends = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        line = text[start:end].strip()
        if line and (len(line) >= HEADING or line.endswith((".", "!", "?", '"', "'"))):
            ends.append(end)
        start = end + 1
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


def _words(folded: str) -> tuple[list[str], str]:
    """The word tokens of a folded text ([a-z0-9]+), and the text with every other character
    blanked (same length), from which _Spans finds token offsets."""
    cleaned = clean(folded)
    return cleaned.split(), cleaned


class _Spans:
    """Token index -> (start, end) in the text, computed per asked token from C-level sums
    (cheaper than a regex match object per token when only a few tokens are asked for)."""

    __slots__ = ("parts", "ends", "index")

    def __init__(self, cleaned: str, parts: list[str] | None = None):
        self.parts = cleaned.split(" ") if parts is None else parts
        self.ends = list(accumulate(map(len, self.parts)))
        self.index = list(compress(range(len(self.parts)), self.parts))

    def __getitem__(self, token: int) -> tuple[int, int]:
        part = self.index[token]
        end = self.ends[part] + part
        return end - len(self.parts[part]), end

    def __bool__(self) -> bool:
        return True


def _only_spaces(folded: str, spans, first: int, final: int) -> bool:
    """True when the tokens of a phrase are separated by spaces or hyphens only."""
    for index in range(first, final):
        gap = folded[spans[index][1] : spans[index + 1][0]]
        if gap.strip(" -\n\t") or "\n\n" in gap:
            return False
    return True


def _same_caps(surface: str, expected: str) -> bool:
    """An acronym term counts only when written as in the taxonomy (RES, not 'res')."""
    if surface == expected:
        return True
    return [c for c in surface if c.isalnum()] == [c for c in expected if c.isalnum()]


def _suppress(items: list[tuple]) -> list[tuple]:
    """Drop hits overlapped by a negative term, inside a longer hit, or repeated."""
    negatives = [(h[0], h[1], -h[2]) for h in items if h[4].kind == "negative"]
    kept: list[tuple] = []
    field, reach = -1, -1  # field and furthest end of the hits kept so far
    for hit in sorted(items):
        rank, start, end, entry = hit[0], hit[1], -hit[2], hit[4]
        if entry.kind == "negative":
            continue
        if negatives and any(f == rank and s < end and start < e for f, s, e in negatives):
            continue
        if field == rank and end <= reach:
            continue  # inside a longer (or the same) hit
        kept.append(hit)
        reach = max(end, reach) if field == rank else end
        field = rank
    if any(h[4].kind == "term" for h in kept):
        return kept
    return [h for h in kept if h[4].kind != "context"]


def _drop_passing(tags: list[ThemeTag], text: str) -> list[ThemeTag]:
    """Drop themes mentioned in passing: absent from the title, named in one sentence only of an
    article of several sentences ("... the new town hall gets solar panels and better insulation"
    in a council round-up)."""
    sentences = -1
    kept = []
    for tag in tags:
        if any(m.field == "title" for m in tag.matches):
            kept.append(tag)
            continue
        if sentences < 0:
            sentences = 1 + sum(map(text.count, _SENTENCE_ENDS))
            if sentences < PASSING_MIN_SENTENCES:
                return tags  # a short item: every sentence is the story
        starts = [m.start for m in tag.matches]
        if _SENTENCE_END.search(text, min(starts), max(starts)):
            kept.append(tag)  # named in more than one sentence
    return kept


def _longest_across_themes(hits: list[tuple]) -> list[tuple]:
    """Drop a hit lying inside a longer hit of another theme: "algemene uitkering" is
    municipal finance, so its "uitkering" must not count for the social domain."""
    if len(hits) < 2:
        return hits
    kept = []
    field, start, end, theme = -1, -1, -1, -1
    for hit in sorted(hits):
        rank, h_start, h_end, entry = hit[0], hit[1], -hit[2], hit[4]
        if entry.kind != "negative":
            if (
                rank == field
                and h_end <= end
                and theme != entry.theme
                and (h_start, h_end) != (start, end)
            ):
                continue
            if rank != field or h_end > end:
                field, start, end, theme = rank, h_start, h_end, entry.theme
        kept.append(hit)
    return kept


def _threshold_factor(length: int) -> float:
    """Long articles mention much in passing: ask a little more of them."""
    if length <= LONG_TEXT:
        return 1.0
    return 1.0 + 0.25 * math.log2(length / LONG_TEXT)
