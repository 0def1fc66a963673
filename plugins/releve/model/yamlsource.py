"""YAML with positions, at C-parser speed.

ruamel.yaml's C parser composes nodes that carry marks; we build plain Python
values from them ourselves so that every key and list item keeps its line,
and so that one bad scalar or a duplicate key becomes a finding at its line
instead of an exception for the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from _ruamel_yaml import CParser
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import implicit_resolvers
from ruamel.yaml.tag import Tag


@dataclass
class YamlProblem:
    line: int  # 1-based, in the file
    column: int
    key: str  # i18n message key
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class YamlDoc:
    data: Any
    positions: dict[str, tuple[int, int]]  # "key", "key[0]", "key[0].sub" -> (line, column)
    problems: list[YamlProblem]


_yaml = YAML(typ="safe", pure=False)
_STR = Tag(suffix="tag:yaml.org,2002:str")
_SEQ = Tag(suffix="tag:yaml.org,2002:seq")
_MAP = Tag(suffix="tag:yaml.org,2002:map")
_IMPLICIT: dict[str | None, list[tuple[Tag, Any]]] = {}
for _versions, _tag, _regexp, _first in implicit_resolvers:
    if (1, 2) in _versions:
        for _ch in _first or [None]:
            _IMPLICIT.setdefault(_ch, []).append((Tag(suffix=_tag), _regexp))


class _Composer(CParser):
    """libyaml's composer with a YAML 1.2 resolver table built once.

    `YAML().compose()` rebuilds its loader classes and resolver tables for every
    call, which dominated the time to read thousands of front-matters; this
    composes the same nodes (same tags, same marks) about twice as fast.
    """

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Tag:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


def _compose(text: str) -> Node | None:
    composer = _Composer(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def _mark_pos(mark: Any, line_offset: int) -> tuple[int, int]:
    if mark is None:
        return (line_offset + 1, 1)
    return (mark.line + 1 + line_offset, mark.column + 1)


MAX_VALUES = 100_000  # far above any real front-matter or team file
# libyaml slows down quadratically on brackets left open inside one another (20,000: 1.4 s),
# not on many closed ones (10,000 flow-style absences in a row parse in linear time): past
# MAX_FLOW_OPENINGS brackets, the deepest nesting is measured, and refused past MAX_FLOW_DEPTH.
MAX_FLOW_OPENINGS = 5_000
MAX_FLOW_DEPTH = 2_000
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _flow_depth(text: str) -> int:
    """The deepest nesting of brackets (quoted ones counted too: a bound, not a parse)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


class _TooBig(Exception):
    pass


class _Builder:
    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.positions: dict[str, tuple[int, int]] = {}
        self.problems: list[YamlProblem] = []
        self.constructor = SafeConstructor(loader=_yaml)
        self.count = 0

    def pos(self, node: Node) -> tuple[int, int]:
        return _mark_pos(node.start_mark, self.offset)

    def build(self, node: Node, path: str) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:  # aliases can expand a few lines into billions of values
            raise _TooBig
        if path:
            self.positions.setdefault(path, self.pos(node))
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else None
                if not isinstance(key, str | int | float | bool) or key is None:
                    self.problems.append(YamlProblem(*self.pos(key_node), "yaml.bad_key"))
                    continue
                key = str(key)
                if key in out:
                    self.problems.append(
                        YamlProblem(*self.pos(key_node), "yaml.duplicate_key", {"key": key})
                    )
                    continue
                child = f"{path}.{key}" if path else key
                self.positions[child] = self.pos(key_node)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, SequenceNode):
            return [self.build(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: Node) -> Any:
        if getattr(node, "ctag", None) is _STR and isinstance(node, ScalarNode):
            return node.value  # plain text: no constructor needed
        try:
            return self.constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, TypeError, OverflowError):
            self.problems.append(
                YamlProblem(*self.pos(node), "yaml.bad_value", {"value": str(node.value)[:40]})
            )
            return None


def load_yaml(text: str, line_offset: int = 0) -> YamlDoc:
    """Parse one YAML document; `line_offset` is the number of file lines before `text`."""
    if text.count("[") + text.count("{") > MAX_FLOW_OPENINGS and _flow_depth(text) > MAX_FLOW_DEPTH:
        return YamlDoc(None, {}, [YamlProblem(line_offset + 1, 1, "yaml.too_deep")])
    try:
        node = _compose(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = _mark_pos(mark, line_offset)
        last = line_offset + max(1, len(text.rstrip("\n").split("\n")))
        if line > last:  # errors found at end of input belong to the last line
            line, column = last, 1
        reason = (err.problem or err.context or "invalid YAML").strip()
        return YamlDoc(None, {}, [YamlProblem(line, column, "yaml.syntax", {"reason": reason})])
    except YAMLError as err:  # e.g. a second document, a reader error
        reason = str(err).splitlines()[0][:120]
        return YamlDoc(
            None, {}, [YamlProblem(line_offset + 1, 1, "yaml.syntax", {"reason": reason})]
        )
    if node is None:
        return YamlDoc(None, {}, [])
    builder = _Builder(line_offset)
    try:
        data = builder.build(node, "")
    except (RecursionError, _TooBig):
        return YamlDoc(None, {}, [YamlProblem(line_offset + 1, 1, "yaml.too_deep")])
    return YamlDoc(data, builder.positions, builder.problems)
