"""Theme scoring rules over the hits of a text: suppression, passing mentions, long articles.

A hit is a tuple (rank, start, -end, sequence, entry): rank 0 is the title, 1 the text; tuples
sort in C by field, start and longest first. Lists of hits handed to these functions are sorted.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right

from tagging.model import ThemeTag

PASSING_MIN_SENTENCES = 4  # articles this long can mention a theme in passing
_SENTENCE_END = re.compile(r"[.!?:](?=\s)|\n")
_SENTENCE_ENDS = (". ", "! ", "? ", ": ", "\n")
LONG_TEXT = 1200  # characters; longer texts need more evidence (threshold_factor, long_text)
LEAD = 600  # characters: the lead paragraph of a news article
LEADER_FACTOR = 1.5  # a paragraph's subject: two terms, or one decisive term and a repeat
LONG_RELATIVE = 0.5  # long texts: share of the main theme a side theme needs without a paragraph
MIN_PARAGRAPHS = 2  # fewer (a text without line breaks): no paragraph is a side subject
HEADING = 80  # characters: a shorter line without a full stop is a heading of what follows


def suppress(items: list[tuple]) -> list[tuple]:
    """Drop hits overlapped by a negative term, inside a longer hit, or repeated (items: the
    sorted hits of one theme)."""
    negatives = [(h[0], h[1], -h[2]) for h in items if h[4].negative]
    kept: list[tuple] = []
    field, reach = -1, -1  # field and furthest end of the hits kept so far
    has_term = False
    for hit in items:
        rank, start, end, entry = hit[0], hit[1], -hit[2], hit[4]
        if entry.negative:
            continue
        if negatives and any(f == rank and s < end and start < e for f, s, e in negatives):
            continue
        if field == rank and end <= reach:
            continue  # inside a longer (or the same) hit
        kept.append(hit)
        has_term = has_term or entry.is_term
        reach = max(end, reach) if field == rank else end
        field = rank
    if has_term:
        return kept
    return [h for h in kept if not h[4].is_context]


def drop_passing(tags: list[ThemeTag], text: str) -> list[ThemeTag]:
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


def threshold_factor(length: int) -> float:
    """Long articles mention much in passing: ask a little more of them."""
    if length <= LONG_TEXT:
        return 1.0
    return 1.0 + 0.25 * math.log2(length / LONG_TEXT)


def long_text(
    tags: list[ThemeTag],
    text: str,
    evidence: dict[int, list[tuple]],
    thresholds: dict[str, float],
    relative: float,
) -> list[ThemeTag]:
    """Several themes in a long article. The main theme's score grows with length, so a
    share of it no longer tells a side subject from a passing one; the paragraphs do. A
    side theme stays when it is the subject of a paragraph of its own (paragraph_leaders),
    or else when it reaches half the main theme's score and is named in the title or the
    lead. A theme named in passing, in paragraphs about something else, goes.
    thresholds: by slug; evidence: the kept hits of each tagged theme, by theme index."""
    floor = tags[0].score * max(relative, LONG_RELATIVE)
    leaders: set[str] | None = None
    slugs = list(thresholds)

    def leads_a_paragraph(tag: ThemeTag) -> bool:
        nonlocal leaders
        if tag.score < thresholds[tag.slug] * LEADER_FACTOR:
            return False  # cannot reach it in one paragraph either
        if leaders is None:  # only when a theme needs it: most articles never ask
            bounds = paragraph_ends(text)
            leaders = (
                paragraph_leaders(evidence, bounds, slugs, list(thresholds.values()))
                if len(bounds) >= MIN_PARAGRAPHS
                else set()
            )
        return tag.slug in leaders

    tags = [t for t in tags if t.score >= floor or leads_a_paragraph(t)]
    tags = drop_passing(tags, text)
    return [
        tag
        for rank, tag in enumerate(tags)
        if rank == 0
        or any(m.field == "title" or m.start < LEAD for m in tag.matches)
        or leads_a_paragraph(tag)
    ]


def paragraph_leaders(
    evidence: dict[int, list[tuple]], bounds: list[int], slugs: list[str], thresholds: list[float]
) -> set[str]:
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
            if value >= best and value >= thresholds[theme] * LEADER_FACTOR:
                leaders.add(slugs[theme])
    return leaders


def paragraph_ends(text: str) -> list[int]:
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
