"""Tagging throughput: articles per second on one core for ~3 KB Dutch news texts.

Run: .venv/bin/python bench/tagging.py [--articles 5000] [--size 3000] [--mix topic|dense]
Texts are built from the evaluation items (real-looking Dutch government news), shuffled and
joined to the requested size, so every article differs; the Tagger is built once, as in a retag.

Side by side, in the same rounds over the same texts, a reference: one bare Aho-Corasick pass
(pyahocorasick, every theme key and region name in one automaton) over the folded title and
text, counting hits. The ratio tagger/reference shows how much work tagging adds to the least
a dictionary tagger must do, and stays meaningful when other jobs slow the machine down.

--against DIR: instead, this checkout's tagger against the one of another checkout (for example
`git worktree add /tmp/hh_old <commit>`), both in this process: DIR's tagging package is copied
to a temporary directory under the name tagging_other, and the two tag the same articles in
alternating chunks of 20 (which goes first alternates too). Prints each one's articles per
CPU-second and the median of the per-chunk CPU ratios, which a busy machine moves least.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ahocorasick  # noqa: E402

from models.taxonomy import load_taxonomy  # noqa: E402
from tagging import Tagger, load_regions  # noqa: E402
from tagging.evaluate import load_items  # noqa: E402
from tagging.text import fold  # noqa: E402


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


def reference_automaton(taxonomy) -> ahocorasick.Automaton:
    """Every term of the taxonomy and every region name and alias, folded, in one automaton:
    the least a dictionary tagger must look for, with no checks or scoring behind it. Built from
    the editorial data, not the tagger's internals, so it stays the same as the matcher changes."""
    automaton = ahocorasick.Automaton()
    for theme in taxonomy.themes:
        for term in [*theme.terms, *theme.context_terms, *theme.negative_terms]:
            automaton.add_word(fold(term), 1)
    for region in load_regions():
        for name in (region.name, *region.aliases):
            automaton.add_word(fold(name.lstrip("?")), 1)
    automaton.make_automaton()
    return automaton


def other_tagging(checkout: Path, into: Path):
    """The tagging package of another checkout, importable beside this one as tagging_other."""
    shutil.copytree(checkout / "tagging", into / "tagging_other")
    for path in (into / "tagging_other").rglob("*.py"):
        path.write_text(re.sub(r"\btagging\.", "tagging_other.", path.read_text()))
    sys.path.insert(0, str(into))
    import tagging_other  # noqa: PLC0415

    return tagging_other


def against(checkout: Path, taxonomy, articles: list[tuple[str, str]], rounds: int) -> None:
    """This tagger and another checkout's, interleaved in chunks of 20 over the same articles."""
    with tempfile.TemporaryDirectory() as tmp:
        other = other_tagging(checkout, Path(tmp))
        taggers = {
            "this": Tagger.from_taxonomy(taxonomy),
            "other": other.Tagger.from_taxonomy(taxonomy),
        }
        for tagger in taggers.values():
            for title, text in articles[:300]:  # warm the stem caches
                tagger.tag(title, text, source_region="gemeente-utrecht")
        cpu = {"this": 0.0, "other": 0.0}
        ratios = []
        for round_number in range(rounds):
            for number, start in enumerate(range(0, len(articles), 20)):
                names = ["this", "other"] if (number + round_number) % 2 else ["other", "this"]
                chunk = {}
                for name in names:
                    began = time.process_time()
                    for title, text in articles[start : start + 20]:
                        taggers[name].tag(title, text, source_region="gemeente-utrecht")
                    chunk[name] = time.process_time() - began
                for name in names:
                    cpu[name] += chunk[name]
                if chunk["other"] > 0:
                    ratios.append(chunk["this"] / chunk["other"])
    count = len(articles) * rounds
    print(f"against {checkout}: {len(articles)} articles x {rounds} rounds, chunks of 20")
    for name, seconds in cpu.items():
        print(f"{name:<6} cpu {seconds:6.2f} s = {count / seconds:8,.0f} articles/s")
    print(
        f"this/other CPU: total {cpu['this'] / cpu['other']:.3f}, "
        f"median of {len(ratios)} chunks {statistics.median(ratios):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--size", type=int, default=3000, help="characters of text per article")
    parser.add_argument("--mix", choices=["topic", "dense"], default="topic")
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two passes")
    parser.add_argument("--against", type=Path, help="another checkout to compare taggers with")
    args = parser.parse_args()
    if args.against:
        articles = make_articles(args.articles, args.size, args.mix)
        against(args.against, load_taxonomy(ROOT / "themes.yaml"), articles, args.rounds)
        return
    started = time.perf_counter()
    taxonomy = load_taxonomy(ROOT / "themes.yaml")
    tagger = Tagger.from_taxonomy(taxonomy)
    build = time.perf_counter() - started
    reference = reference_automaton(taxonomy)
    articles = make_articles(args.articles, args.size, args.mix)
    for title, text in articles[:200]:
        tagger.tag(title, text)  # warm the stem cache as a long retag would

    def run_reference(chunk: list[tuple[str, str]]) -> int:
        hits = 0
        for title, text in chunk:
            for _ in reference.iter(fold(title) + " " + fold(text)):
                hits += 1
        return hits

    def run_tagger(chunk: list[tuple[str, str]]) -> int:
        tags = 0
        for title, text in chunk:
            tagging = tagger.tag(title, text)
            tags += len(tagging.themes) + len(tagging.regions)
        return tags

    # Alternate the two passes in small rounds so both see the same machine conditions.
    size = max(1, len(articles) // args.rounds)
    totals = {"reference": [0.0, 0.0], "tagger": [0.0, 0.0]}
    for start in range(0, len(articles), size):
        chunk = articles[start : start + size]
        for name, run in (("reference", run_reference), ("tagger", run_tagger)):
            wall, cpu = time.perf_counter(), time.process_time()
            run(chunk)
            totals[name][0] += time.perf_counter() - wall
            totals[name][1] += time.process_time() - cpu
    count = len(articles)
    print(f"tagger build: {build * 1000:.0f} ms")
    print(f"articles: {count} x {args.size} chars ({args.mix}), one thread, {args.rounds} rounds")
    for name, (wall, cpu) in totals.items():
        print(
            f"{name:<9}  wall {wall:6.2f} s = {count / wall:8,.0f} articles/s"
            f"   cpu {cpu:6.2f} s = {count / cpu:8,.0f} articles/s"
        )
    ref_wall, ref_cpu = totals["reference"]
    tag_wall, tag_cpu = totals["tagger"]
    print(
        f"tagger/reference time ratio: wall {tag_wall / ref_wall:.2f}, cpu {tag_cpu / ref_cpu:.2f}"
    )
    themes = regions = 0
    for title, text in articles[:1000]:
        tagging = tagger.tag(title, text)
        themes += len(tagging.themes)
        regions += len(tagging.regions)
    per = min(count, 1000)
    print(f"avg themes/article {themes / per:.2f}, regions/article {regions / per:.2f}")


if __name__ == "__main__":
    main()
