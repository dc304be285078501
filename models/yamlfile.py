"""Located YAML: the line of every mapping key and list item, for precise errors."""

from __future__ import annotations

from typing import Any

import yaml

from models.errors import Problem

Loc = tuple[str | int, ...]


class LocatedYaml:
    """Parsed YAML data plus a map from each location (key path) to its 1-based line."""

    def __init__(self, path: str, data: Any, lines: dict[Loc, int]):
        self.path = path
        self.data = data
        self.lines = lines

    def line_of(self, loc: Loc) -> int | None:
        """Line of the deepest known prefix of `loc` (pydantic error locations are key paths)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def locate(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], path: str):
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    Problem(path, line, None, f"duplicate key {key!r} (first at line {seen[key]})")
                )
            seen[key] = line
            lines[(*loc, key)] = line
            locate(value_node, (*loc, key), lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            locate(item, (*loc, index), lines, problems, path)
