"""Turn an article page into clean text and metadata with trafilatura (pure; runs in workers)."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

STOPWORDS = {
    "nl": set(
        "de het een en van in is dat op te zijn met voor niet aan er om ook als bij door "
        "maar uit nog wordt worden naar dan over deze kan hebben heeft wij we ze zij "
        "meer tot werd of die dit gemeente onder tussen".split()
    ),
    "en": set(
        "the and of to in is that for on with as are was by this be it from at an or "
        "have has which not but were their been will would its".split()
    ),
    "de": set(
        "der die das und ist nicht mit den von zu sich des auf für im dem ein eine auch "
        "es an werden aus er hat dass sie nach wird bei einer um am sind noch wie".split()
    ),
}
_WORD = re.compile(r"[a-zà-ÿ]+")
log = logging.getLogger(__name__)


@dataclass
class Extracted:
    title: str
    text: str
    author: str | None
    published_at: datetime | None
    language: str | None
    description: str | None
    content_hash: str
    simhash: int


def detect_language(text: str, declared: str | None = None) -> str | None:
    """Stopword vote over the first 3,000 characters; the page's lang attribute breaks ties."""
    words = _WORD.findall(text[:3000].lower())
    if len(words) < 20:
        return (declared or "")[:2].lower() or None
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < 0.05 * len(words):
        return (declared or "")[:2].lower() or None
    return best


def normalise_text(text: str) -> str:
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()


def content_hash(text: str) -> str:
    folded = " ".join(_WORD.findall(text.lower()))
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]


# Bit b of every byte value, as a translation table: bytes.translate(table).count(1) counts the
# bytes of a column that have bit b set, in C.
_BIT_TABLES = [bytes((value >> b) & 1 for value in range(256)) for b in range(8)]


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles, as a signed integer (fits a BIGINT).

    A bit is set when more than half of the shingle hashes (blake2b, 8 bytes, big-endian) have
    it. The hashes are laid end to end in one bytes object; each of the 64 bit counts is then a
    translate and a count over one column of it, in C (twice as fast as counting in Python).
    """
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        words = words + [""] * (3 - len(words))
    blake2b = hashlib.blake2b
    digests = b"".join(
        blake2b(f"{a} {b} {c}".encode(), digest_size=8).digest()
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    )
    shingles = len(words) - 2
    value = 0
    for byte in range(8):
        column = digests[byte::8]
        shift = (7 - byte) * 8  # big-endian: the first byte holds the highest bits
        for bit, table in enumerate(_BIT_TABLES):
            if 2 * column.translate(table).count(1) > shingles:
                value |= 1 << (shift + bit)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return bin((a ^ b) & ((1 << 64) - 1)).count("1")


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# What htmldate is asked for the publication date (as trafilatura's metadata pass would ask).
DATE_PARAMS: dict[str, Any] = {"extensive_search": True, "original_date": True}


def page_metadata(tree, url: str):
    """The metadata the crawl keeps (title, author, date, description) of a parsed page: what
    trafilatura.metadata.extract_metadata finds for them, by the same steps in the same order,
    without the fields nothing here reads (site name, categories, tags, licence), which cost a
    third of its time. tests/crawler/test_extract_metadata.py holds it to extract_metadata's
    answers."""
    from htmldate import find_date
    from trafilatura.metadata import (
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_title,
        extract_url,
    )

    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # noqa: BLE001 - as trafilatura: a bug in its JSON-LD reading costs that part
        log.debug("url=%s: JSON-LD metadata unreadable", url, exc_info=True)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    metadata.date = find_date(tree, **DATE_PARAMS, url=metadata.url)
    metadata.clean_and_trim()
    return metadata


def html_element_lookup():
    """lxml.html's element classes, chosen in C.

    lxml.html's parsers pick the Python class of every element with a method written in Python
    (HtmlElementClassLookup.lookup), called each time an element is touched from Python: some
    4,700 calls a page in trafilatura's passes, about 5% of an extraction's CPU. This lookup gives
    every node the same class (HtmlElement, or FormElement and friends by tag name, as lxml.html
    does), by lxml's own lookups in C."""
    from lxml import etree
    from lxml import html as lxml_html

    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    by_tag = lookup.get_namespace(None)  # HTML parsers give elements no namespace
    by_tag.update(
        {
            "form": lxml_html.FormElement,
            "input": lxml_html.InputElement,
            "label": lxml_html.LabelElement,
            "select": lxml_html.SelectElement,
            "textarea": lxml_html.TextareaElement,
        }
    )
    return lookup


_parsers_tuned = False


def _tune_parsers() -> None:
    """Give trafilatura's parser and lxml.html's default one (readability's fragments) the C
    lookup, once per process. Trees, and so extractions, are the same:
    tests/crawler/test_extract_lookup.py holds both to lxml.html's own lookup."""
    global _parsers_tuned
    if _parsers_tuned:
        return
    from lxml import html as lxml_html
    from trafilatura.utils import HTML_PARSER

    lookup = html_element_lookup()
    for parser in (HTML_PARSER, lxml_html.html_parser):
        parser.set_element_class_lookup(lookup)
    _parsers_tuned = True


def extract(html: str | bytes, url: str) -> Extracted | None:
    """Main text and metadata of an article page, or None when there is no article text.

    The page is parsed once: its metadata is read from the tree (page_metadata), then
    trafilatura extracts the text from it (from a copy: it prunes the tree as it goes)."""
    import trafilatura  # here, not at the top: the crawler process imports this module too
    from trafilatura.settings import DEFAULT_CONFIG, Document
    from trafilatura.utils import load_html

    _tune_parsers()
    tree = load_html(html, DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE"))
    if tree is None:
        return None
    metadata = page_metadata(tree, url)
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True
    )
    if not isinstance(doc, Document):  # None: no text worth keeping (a dict only if asked for)
        return None
    text = normalise_text(doc.text or "")
    if not text:
        return None
    return Extracted(
        title=(metadata.title or "").strip(),
        text=text,
        author=metadata.author or None,
        published_at=_parse_date(metadata.date),
        language=detect_language(text, doc.language or metadata.language),
        description=metadata.description or None,
        content_hash=content_hash(text),
        simhash=simhash(text),
    )


def make_excerpt(text: str, limit: int = 320) -> str:
    """The first sentences of the text, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence_end > limit * 0.5:
        return cut[: sentence_end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + " …"
