"""Work done in extraction processes: trafilatura plus tagging, off Scrapy's reactor thread."""

from __future__ import annotations

import codecs
import ctypes
import ctypes.util
import dataclasses
import os
import pickle
import signal
import time
from datetime import datetime

from w3lib.encoding import html_to_unicode

from crawler.extract import extract, make_excerpt
from crawler.items import ArticleRecord, PageItem
from crawler.urls import url_hash

_tagger = None
_pages = 0
TRIM_EVERY = 64  # pages between handing freed heap back to the system
# Test-only: with this variable set to 1, a page containing one of the markers below kills or
# hangs its worker, so tests can prove that such a page costs only itself. Pages alone never can.
FAULTS_ENV = "HOWARDSHOME_TEST_WORKER_FAULTS"
CRASH_MARKER = "howardshome-test:crash-worker"
HANG_MARKER = "howardshome-test:hang-worker"


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_trim = _malloc_trim()


def init_worker(tagger_blob: bytes) -> None:
    """Pool initializer: unpickle the precompiled tagger once per process."""
    global _tagger
    _tagger = pickle.loads(tagger_blob)


def trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc only)."""
    if _trim is not None:
        _trim(0)


def release_memory() -> None:
    """lxml's trees of large pages leave the C heap fragmented; trimming now and then keeps a
    process's resident memory near its working set instead of its largest page."""
    global _pages
    _pages += 1
    if _pages % TRIM_EVERY == 0:
        trim_heap()


def _test_faults(html: str) -> None:
    if os.environ.get(FAULTS_ENV) != "1":
        return
    if CRASH_MARKER in html:
        os.kill(os.getpid(), signal.SIGKILL)
    if HANG_MARKER in html:
        time.sleep(3600)


SINGLE_BYTE = {"cp1252", "iso8859_1", "iso8859_15", "ascii"}


def _auto_detect(body: bytes) -> str | None:
    # What Scrapy's TextResponse tries when nothing declares the charset.
    for encoding in ("utf-8", "cp1252"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return encoding
    return None


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_") if name else None
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page as text, as Scrapy would decode it (BOM, header, <meta>, then a guess), except
    that the bytes win over a declaration they contradict: valid UTF-8 with non-ASCII characters
    is practically never legacy text, and bytes that are not UTF-8 although declared so are read
    as windows-1252 (a superset of latin-1, what such pages almost always are). Runs in the
    worker, so the crawler process never decodes article pages."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_auto_detect)
    declared = _codec(encoding)
    try:
        as_utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        if declared == "utf_8":
            return body.decode("cp1252", errors="replace")
        return text
    if declared in SINGLE_BYTE and not body.isascii():
        return as_utf8.removeprefix("\ufeff")
    return text


def _date_of(page: PageItem, extracted_date: datetime | None) -> datetime | None:
    """The page's own date wins; the feed's timestamp refines it when both name the same day."""
    hint = page.hint_published_at
    if extracted_date is None:
        return hint
    if hint is not None and hint.date() == extracted_date.date():
        return hint
    return extracted_date


def process_page(page: PageItem, tagger=None) -> ArticleRecord | str:
    """Extract and tag one page; returns the record, or the reason why it is not an article."""
    tagger = tagger or _tagger
    html = decode_page(page.body, page.content_type)
    _test_faults(html)
    try:
        extracted = extract(html, page.url)
    finally:
        release_memory()
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
