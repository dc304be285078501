"""Multi-pattern search: every key's every occurrence in one pass, compiled once, picklable.

ahocorasick_rs (Rust) returns all overlapping matches of a text as one list of
(key index, start, end), with no Python object per step or per match until then. Its automaton
cannot be pickled, and the crawler sends its Tagger to worker processes pickled, so the keys
travel and each process compiles them again (~30 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import ahocorasick_rs

V = TypeVar("V")


class Automaton(Generic[V]):
    """Keys (ASCII strings) with a value each; find() lists (value index, start, end)."""

    def __init__(self, items: Iterable[tuple[str, V]]):
        pairs = list(items)
        self.keys = [key for key, _ in pairs]
        self.values = [value for _, value in pairs]
        self._compile()

    def _compile(self) -> None:
        self.find: Callable[[str], list[tuple[int, int, int]]]
        if not self.keys:
            self.find = lambda text: []
            return
        search = ahocorasick_rs.AhoCorasick(
            self.keys,
            matchkind=ahocorasick_rs.MatchKind.Standard,  # every match, overlapping ones too
            # The contiguous NFA is a fraction of the DFA's size: on a busy machine, where the
            # automaton falls out of the CPU caches between two articles, it was the faster
            # (tag() 0.85 of the pyahocorasick time, against 0.90 with the DFA).
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        ).find_matches_as_indexes
        self.find = lambda text: search(text, overlapping=True)

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> dict:
        return {"keys": self.keys, "values": self.values}

    def __setstate__(self, state: dict) -> None:
        self.keys = state["keys"]
        self.values = state["values"]
        self._compile()
