"""DedupePipeline: the same text under another URL becomes a link, not a second article."""

from __future__ import annotations

from crawler.extract import hamming
from crawler.items import ArticleRecord, SourceLinkItem
from crawler.urls import canonical_url, url_hash

MAX_DISTANCE = 3  # SimHash bits; near-duplicates with small edits stay within this


class SimhashIndex:
    """Near-duplicate lookup by SimHash: four 16-bit bands, a match within 3 bits shares one."""

    def __init__(self):
        self.bands: list[dict[int, list[tuple[int, str]]]] = [{} for _ in range(4)]

    @staticmethod
    def _keys(value: int):
        unsigned = value & ((1 << 64) - 1)
        return [(unsigned >> (16 * i)) & 0xFFFF for i in range(4)]

    def add(self, value: int, key: str) -> None:
        for band, part in zip(self.bands, self._keys(value), strict=True):
            band.setdefault(part, []).append((value, key))

    def find(self, value: int) -> str | None:
        for band, part in zip(self.bands, self._keys(value), strict=True):
            for other, key in band.get(part, ()):
                if hamming(value, other) <= MAX_DISTANCE:
                    return key
        return None


class DedupePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.spider = spider or self.crawler.spider
        self.by_content: dict[str, str] = {}
        self.index: SimhashIndex | None = None

    def _build(self) -> SimhashIndex:
        """The stored articles' fingerprints, indexed at the first new article (a crawl that
        finds nothing new never needs them)."""
        self.index = SimhashIndex()
        for key, content, sim in self.spider.fingerprints:
            self.by_content.setdefault(content, key)
            if sim:
                self.index.add(sim, key)
        return self.index

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleRecord):
            return item
        index = self.index or self._build()
        original = self.by_content.get(item.content_hash)
        if original is None and len(item.text) >= 400:
            original = index.find(item.simhash)
        if original is not None and original != item.url_hash:
            return SourceLinkItem(
                source_id=item.source_id,
                url_hash=original,
                url=item.found_url,
                page_key=url_hash(canonical_url(item.found_url)),
            )
        self.by_content.setdefault(item.content_hash, item.url_hash)
        index.add(item.simhash, item.url_hash)
        return item
