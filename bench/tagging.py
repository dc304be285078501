"""Tagging throughput: articles per second on one core for ~3 KB Dutch news texts.

Run: .venv/bin/python bench/tagging.py [--articles 5000] [--size 3000]
Texts are built from the evaluation items (real-looking Dutch government news), shuffled and
joined to the requested size, so every article differs; the Tagger is built once, as in a retag.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.taxonomy import load_taxonomy  # noqa: E402
from tagging import Tagger  # noqa: E402
from tagging.evaluate import load_items  # noqa: E402


def make_articles(count: int, size: int, mix: str, seed: int = 7) -> list[tuple[str, str]]:
    """mix="topic": one news item padded with theme-less prose (an article about one subject);
    mix="dense": random items of any theme joined (worst case: every paragraph another topic)."""
    items = load_items(ROOT / "tagging" / "eval" / "items.jsonl")
    items += load_items(ROOT / "tagging" / "eval" / "holdout.jsonl")
    plain = [i for i in items if not i["themes"]]
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        lead = rng.choice(items)
        parts = [lead["text"]]
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(items if mix == "dense" else plain)["text"])
        articles.append((lead["title"], " ".join(parts)[:size]))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--size", type=int, default=3000, help="characters of text per article")
    parser.add_argument("--mix", choices=["topic", "dense"], default="topic")
    args = parser.parse_args()
    started = time.perf_counter()
    tagger = Tagger.from_taxonomy(load_taxonomy(ROOT / "themes.yaml"))
    build = time.perf_counter() - started
    articles = make_articles(args.articles, args.size, args.mix)
    tagger.tag(*articles[0])  # warm the stem cache as a long retag would
    started = time.perf_counter()
    cpu_started = time.process_time()
    themes = regions = 0
    for title, text in articles:
        tagging = tagger.tag(title, text)
        themes += len(tagging.themes)
        regions += len(tagging.regions)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(f"tagger build: {build * 1000:.0f} ms")
    print(f"articles: {len(articles)} x {args.size} chars ({args.mix}), one core")
    print(f"wall {elapsed:.2f} s: {len(articles) / elapsed:,.0f} articles/s")
    # CPU time of this process: the figure that holds on a busy machine (one core, one thread).
    print(f"cpu  {cpu:.2f} s: {len(articles) / cpu:,.0f} articles/s")
    per = len(articles)
    print(f"avg themes/article {themes / per:.2f}, regions/article {regions / per:.2f}")


if __name__ == "__main__":
    main()
