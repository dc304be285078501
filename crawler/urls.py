"""Canonical article URLs: the key that makes every write idempotent and every crawl incremental."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "piwik_", "matomo_", "hsa_", "mc_", "_hs")
TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "_ga", "_gl",
    "mc_cid", "mc_eid", "ref", "ref_src", "referrer", "cmpid", "wt_mc", "at_medium",
    "at_campaign", "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "vero_id", "spm",
}  # fmt: skip


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, no fragment, no trackers.

    Query parameters that are not tracking are kept in their order (some CMSs need it).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = parts.path or "/"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, host, path, query, ""))


def url_hash(url: str) -> str:
    """The stable key of a canonical URL (first 128 bits of SHA-256, hex)."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on the same registrable host (www. ignored)."""

    def host(u: str) -> str:
        h = (urlsplit(u).hostname or "").lower()
        return h[4:] if h.startswith("www.") else h

    return host(a) == host(b)
