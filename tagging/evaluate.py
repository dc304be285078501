"""Measure a Tagger against labeled items: precision, recall and F1 per theme, plus regions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tagging.tagger import Tagger
from tagging.text import fold


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    """Scores of one evaluation run; `errors` lists the items tagged wrongly, for inspection."""

    items: int
    themes: dict[str, Counts]
    regions: Counts
    errors: list[dict] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.themes.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.themes.values()) / len(self.themes) if self.themes else 0.0

    def format(self) -> str:
        """A plain table: one row per theme, then micro and macro averages and regions."""
        width = max([len(s) for s in self.themes] + [len("regions (named)")])
        head = f"{'prec':>5}  {'rec':>5}  {'f1':>5}  {'tp':>4}  {'fp':>4}  {'fn':>4}"
        lines = [f"{'theme':<{width}}  {head}"]

        def row(name: str, c: Counts) -> str:
            return (
                f"{name:<{width}}  {c.precision:5.3f}  {c.recall:5.3f}  {c.f1:5.3f}  "
                f"{c.tp:4d}  {c.fp:4d}  {c.fn:4d}"
            )

        lines += [row(slug, counts) for slug, counts in self.themes.items()]
        lines.append("-" * len(lines[0]))
        lines.append(row("micro", self.micro))
        lines.append(f"{'macro':<{width}}  {'':>5}  {'':>5}  {self.macro_f1:5.3f}")
        lines.append(row("regions (named)", self.regions))
        lines.append(f"{self.items} items")
        return "\n".join(lines)


def load_items(path: str | Path) -> list[dict]:
    """Labeled items, one JSON object a line: title, text, themes, regions (slugs or names)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _region_keys(tagger: Tagger) -> dict[str, str]:
    """Folded slug, name and alias -> slug, so labels may name regions either way."""
    keys: dict[str, str] = {}
    for region in tagger.region_matcher.regions:
        for alias in region.aliases:
            keys.setdefault(fold(alias.lstrip("?")), region.slug)
    for region in tagger.region_matcher.regions:
        if region.kind != "gemeente":
            keys.setdefault(fold(region.name), region.slug)
    for region in tagger.region_matcher.regions:
        keys[fold(region.name)] = (
            region.slug if region.kind == "gemeente" else keys.get(fold(region.name), region.slug)
        )
        keys[region.slug] = region.slug
    return keys


def evaluate(tagger: Tagger, items: Iterable[dict]) -> EvalReport:
    """Tag every item and compare with its labels (item `region`, if any, is the source's)."""
    themes = {slug: Counts() for slug in tagger.theme_slugs}
    regions = Counts()
    keys = _region_keys(tagger)
    errors = []
    count = 0
    for item in items:
        count += 1
        tagging = tagger.tag(item.get("title", ""), item.get("text", ""), item.get("region"))
        predicted = set(tagging.theme_slugs())
        gold = set(item.get("themes") or [])
        for slug in gold | predicted:
            counts = themes.setdefault(slug, Counts())
            if slug in gold and slug in predicted:
                counts.tp += 1
            elif slug in predicted:
                counts.fp += 1
            else:
                counts.fn += 1
        gold_regions = {keys.get(fold(str(r)), str(r)) for r in item.get("regions") or []}
        found_all = set(tagging.region_slugs())
        named = {r.slug for r in tagging.regions if not r.rolled_up}
        regions.tp += len(gold_regions & found_all)
        regions.fn += len(gold_regions - found_all)
        regions.fp += len(named - gold_regions)
        if predicted != gold or gold_regions - found_all or named - gold_regions:
            errors.append(
                {
                    "id": item.get("id"),
                    "title": item.get("title"),
                    "missed": sorted(gold - predicted),
                    "extra": sorted(predicted - gold),
                    "missed_regions": sorted(gold_regions - found_all),
                    "extra_regions": sorted(named - gold_regions),
                    "scores": {t.slug: t.score for t in tagging.themes},
                }
            )
    return EvalReport(count, themes, regions, errors)
