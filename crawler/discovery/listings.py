"""Listing pages: article links within the site, filtered by patterns and article-likeness."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.urls import canonical_url, same_site

# Dutch news overview paths, probed when a homepage gives nothing better.
NEWS_PATHS = (
    "/nieuws", "/actueel", "/actueel/nieuws", "/nieuwsberichten", "/persberichten",
    "/nieuws/persberichten", "/actueel/nieuwsberichten", "/pers", "/news",
)  # fmt: skip
NEWS_WORDS = re.compile(r"^(nieuws|actueel|nieuwsberichten|persberichten|pers|news|berichten)$")

# Path segments of pages that are not news: menus, tag pages, service pages.
NOT_ARTICLE = re.compile(
    r"(^|/)(contact|over-ons|over|privacy|privacyverklaring|cookies?|toegankelijkheid|"
    r"zoeken|search|login|inloggen|tags?|onderwerpen?|categorie(en)?|category|thema'?s?|"
    r"archief|archive|sitemap|rss|feeds?|disclaimer|colofon|proclaimer|nieuwsbrief|"
    r"vacatures|agenda|delen|share|print|page|pagina|auteur|author)(/|$)",
    re.IGNORECASE,
)
FILE_TYPES = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|odt|zip|jpe?g|png|gif|svg|mp[34]|xml|rss|ics)$", re.I
)
PAGE_PARAMS = ("page", "pagina", "p", "start", "offset")
# A "next page" link's text: a next-word, arrows, or both, and nothing more than a few words
# (an article titled "»Haltet unsere Gewässer sauber!«" or "Next-Gen HAMR ..." is no pagination).
NEXT_TEXT = re.compile(
    r"^\s*[›»>]*\s*(volgende|next|oudere|ouder|meer nieuws)\b(?!-)(?:\s*\S+){0,2}\s*[›»>]*\s*$"
    r"|^\s*[›»>]+\s*$",
    re.I,
)

# Outside the page chrome: header, menus, footer, sidebars, breadcrumbs, pagination.
CONTENT_LINKS = (
    "//body//a[not(ancestor::header or ancestor::nav or ancestor::footer or ancestor::aside"
    " or ancestor::*[@role='navigation' or @role='banner' or @role='contentinfo']"
    " or ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' pagination ')])]"
)


def looks_like_article(url: str, base: str, text: str = "") -> bool:
    """A heuristic: a page below the site root whose last segment reads like a slug or an id."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path or path == urlsplit(base).path.rstrip("/"):
        return False
    if NOT_ARTICLE.search(path) or FILE_TYPES.search(path):
        return False
    if any(k.lower() in PAGE_PARAMS for k, _ in parse_qsl(parts.query)):
        return False
    segments = [s for s in path.split("/") if s]
    last = segments[-1]
    if NEWS_WORDS.match(last.lower()):
        return False
    slug_like = (
        last.count("-") >= 2
        or (len(segments) >= 2 and len(last) >= 8)
        or any(c.isdigit() for c in last)
    )
    # A menu item's text is a word or two; an article's link text is its title.
    wordy = not text or len(text.split()) >= 3
    return slug_like and wordy


class LinkFilter:
    """What a source accepts as an article URL: its site, its patterns, else the heuristic."""

    def __init__(self, source):
        self.sites = [source.url]
        self.include = [re.compile(p) for p in source.include]
        self.exclude = [re.compile(p) for p in source.exclude]

    @property
    def site(self) -> str:
        return self.sites[0]

    def also(self, url: str) -> None:
        """Accept the host a homepage redirected to (http -> https, another host name)."""
        if not any(same_site(url, s) for s in self.sites):
            self.sites.append(url)

    def accepts(
        self, url: str, base: str, text: str = "", trust: bool = False, any_site: bool = False
    ) -> bool:
        """`trust`: the link is known to be an article (a feed entry, an editor's selector);
        `any_site`: it may live elsewhere (feeds of aggregators link to other sites)."""
        if not url.startswith(("http://", "https://")):
            return False
        if not any_site and not any(same_site(url, s) for s in self.sites):
            return False
        if any(p.search(url) for p in self.exclude):
            return False
        if self.include:
            return any(p.search(url) for p in self.include)
        return trust or looks_like_article(url, base, text)


def article_links(response: TextResponse, source, accept: LinkFilter) -> list[tuple[str, str]]:
    """(url, link text) of the articles a listing page links to, in page order, once each.

    An editor's link_selector (CSS) or link_xpath picks the links and is trusted; otherwise the
    links outside the page chrome are taken when they pass the article-likeness filter.
    """
    if source.link_selector or source.link_xpath:
        extractor = LinkExtractor(
            restrict_css=source.link_selector or (),
            restrict_xpaths=source.link_xpath or (),
            unique=False,
        )
        trusted = True
    else:
        extractor = LinkExtractor(restrict_xpaths=CONTENT_LINKS, unique=False)
        trusted = False
    found: dict[str, tuple[str, str]] = {}
    for link in extractor.extract_links(response):
        key = canonical_url(link.url)
        if key in found:
            continue
        if accept.accepts(link.url, response.url, link.text.strip(), trust=trusted):
            found[key] = (link.url, link.text.strip())
    return list(found.values())


def next_pages(response: TextResponse, accept: LinkFilter) -> list[str]:
    """Pagination links of a listing page: rel=next or a 'volgende' link, else ?page=N links.

    Following "next" one page at a time keeps the max_pages bound meaningful."""
    urls = response.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " next ")]/@href')
    urls += response.xpath('//link[@rel="next"]/@href')
    pages = [response.urljoin(u.get().strip()) for u in urls]
    for anchor in response.xpath("//a[@href]"):
        text = " ".join(anchor.xpath(".//text()").getall()).strip()
        label = anchor.attrib.get("aria-label", "")
        if NEXT_TEXT.match(text) or NEXT_TEXT.match(label):
            pages.append(response.urljoin(anchor.attrib["href"].strip()))
    if not pages:
        # No "next" link: numbered page links on the same path (?page=2, ?pagina=3).
        here = urlsplit(response.url)
        for anchor in response.xpath('//a[contains(@href, "page") or contains(@href, "pagina")]'):
            url = response.urljoin(anchor.attrib["href"].strip())
            parts = urlsplit(url)
            params = [k.lower() for k, _ in parse_qsl(parts.query)]
            if parts.path == here.path and any(k in PAGE_PARAMS for k in params):
                pages.append(url)
    seen, result = {canonical_url(response.url)}, []
    for url in pages:
        key = canonical_url(url)
        if key not in seen and any(same_site(url, site) for site in accept.sites):
            seen.add(key)
            result.append(url)
    return result


def news_links(response: TextResponse) -> list[str]:
    """Links on a homepage that lead to a news overview (/nieuws, /actueel, ...)."""
    result = []
    for href in response.xpath("//a/@href").getall():
        url = response.urljoin(href.strip())
        path = urlsplit(url).path.rstrip("/").lower()
        if same_site(url, response.url) and path in NEWS_PATHS and url not in result:
            result.append(url)
    return result


def body_hash(body: bytes) -> str:
    """A listing page's fingerprint: the same bytes as last time mean the same links."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()
