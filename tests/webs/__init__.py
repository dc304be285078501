"""Fake webs for the test suite (served by fakeweb.server in a subprocess)."""

from __future__ import annotations


def feed_sources_yaml(bases: dict[str, str], keys: list[str], feeds: dict | None = None,
                      name: str = "Testbron") -> str:  # fmt: skip
    """A sources.yaml naming one feed per site: `feeds` maps a key to its feed path."""
    lines = ["sources:"]
    for key in keys:
        lines += [
            f"  - id: {key}",
            f"    name: {name} {key}",
            f"    url: {bases[key]}/",
            f"    feeds: [{bases[key]}{(feeds or {}).get(key, '/nieuws.rss')}]",
        ]
    return "\n".join(lines) + "\n"
