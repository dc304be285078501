"""Load YAML while remembering the line of every mapping key and list item, for precise errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from models.errors import ConfigError, Problem

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


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], path: str):
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
            _walk(value_node, (*loc, key), lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, path)


def load_located_yaml(path: str | Path) -> LocatedYaml:
    """Parse a YAML file; syntax errors and duplicate keys become a ConfigError with the line."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(name, None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(name, None, None, f"not UTF-8 text: {exc}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {exc.problem or exc}"
        if (
            "\t" in text.splitlines()[line - 1]
            if line and line <= len(text.splitlines())
            else False
        ):
            message += " (tab characters are not allowed for indentation; use spaces)"
        raise ConfigError([Problem(name, line, None, message)]) from None
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, problems, name)
    if problems:
        raise ConfigError(problems)
    return LocatedYaml(name, data, lines)
