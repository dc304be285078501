"""Extraction quality against gold data: the article-extraction-benchmark's text F1, date accuracy.

The text metric is the benchmark's own: 4-gram shingles of \\w+ tokens, true/false positives per
page normalised to sum to one, precision and recall averaged over pages, F1 of the two averages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from urllib.parse import urlsplit

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    gold, got = _shingles(true), _shingles(pred)
    tp = sum((gold & got).values())
    fp = sum((got - gold).values())
    fn = sum((gold - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1(pairs: list[tuple[str, str]]) -> float:
    """F1 over (gold, predicted) texts, as the benchmark computes it."""
    scores = [shingle_match(gold, pred) for gold, pred in pairs]

    def ratio(a: float, b: float, other: float) -> float:
        if b == other == 0:
            return 1.0
        return 0.0 if a == b == 0 else a / (a + b)

    precision = statistics.mean(ratio(tp, fp, fn) for tp, fp, fn in scores if tp + fp > 0)
    recall = statistics.mean(ratio(tp, fn, fp) for tp, fp, fn in scores if tp + fn > 0)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def score(urls: dict, stored: dict[str, tuple[str, str | None]], alone: dict) -> dict:
    """Quality of the stored articles and of trafilatura alone over the same gold pages.

    `urls` maps article URL -> bench.realweb.Page; `stored` and `alone` map URL -> (text, date).
    Text F1 runs over every gold page (one not stored counts as an empty text). Date accuracy runs
    over the gold-dated pages that were stored, and for trafilatura alone over the same pages and
    over all of them.
    """
    by_key = {_key(url): value for url, value in stored.items()}
    text_pairs, alone_pairs = [], []
    dated = correct = correct_alone = correct_alone_all = total_dated = 0
    for url, page in urls.items():
        mine = by_key.get(_key(url))
        base_text, base_date = alone.get(url, ("", None))
        if page.gold_text is not None:
            text_pairs.append((page.gold_text, mine[0] if mine else ""))
            alone_pairs.append((page.gold_text, base_text))
        if page.gold_date is not None:
            total_dated += 1
            correct_alone_all += base_date == page.gold_date
            if mine is not None:
                dated += 1
                correct += mine[1] == page.gold_date
                correct_alone += base_date == page.gold_date
    return {
        "f1_stored": f1(text_pairs),
        "f1_alone": f1(alone_pairs),
        "f1_pages": len(text_pairs),
        "f1_missing": sum(1 for _, pred in text_pairs if not pred),
        "date_acc_stored": correct / dated if dated else 0.0,
        "date_acc_alone": correct_alone / dated if dated else 0.0,
        "date_acc_alone_all": correct_alone_all / total_dated if total_dated else 0.0,
        "date_pages": dated,
        "date_pages_all": total_dated,
    }
