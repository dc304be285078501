"""Work done in extraction processes: trafilatura plus tagging, off Scrapy's reactor thread."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import datetime

from crawler.extract import extract, make_excerpt
from crawler.items import ArticleRecord, PageItem
from crawler.urls import url_hash

_tagger = None


def init_worker(tagger_blob: bytes) -> None:
    """Pool initializer: unpickle the precompiled tagger once per process."""
    global _tagger
    _tagger = pickle.loads(tagger_blob)


def _date_of(page: PageItem, extracted_date: datetime | None) -> datetime | None:
    """The page's own date wins; the feed's timestamp refines it when both name the same day."""
    hint = page.hint_published_at
    if extracted_date is None:
        return hint
    if hint is not None and hint.date() == extracted_date.date():
        return hint
    return extracted_date


def process_page(page: PageItem, tagger=None) -> ArticleRecord | str:
    """Extract and tag one page; returns the record, or a reason string when it is not an article."""
    tagger = tagger or _tagger
    extracted = extract(page.html, page.url)
    if extracted is None:
        return "no article text found"
    title = extracted.title or page.hint_title or ""
    if not title:
        return "no title found"
    tagging = tagger.tag(
        title,
        extracted.text,
        source_region=page.source_region,
        source_themes=page.source_themes,
    )
    return ArticleRecord(
        source_id=page.source_id,
        url=page.url,
        url_hash=url_hash(page.url),
        found_url=page.found_url,
        title=title,
        text=extracted.text,
        excerpt=make_excerpt(extracted.description or extracted.text)
        if extracted.description and len(extracted.description) > 60
        else make_excerpt(extracted.text),
        author=extracted.author,
        language=extracted.language,
        published_at=_date_of(page, extracted.published_at),
        fetched_at=page.fetched_at,
        content_hash=extracted.content_hash,
        simhash=extracted.simhash,
        themes=[dataclasses.asdict(t) for t in tagging.themes],
        regions=[dataclasses.asdict(r) for r in tagging.regions],
    )
