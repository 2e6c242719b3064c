"""Safe YAML loading that keeps the line and column of every key and value.

Staff edit rules.yaml by hand, so every problem must point at a line. The loader also
closes the traps YAML sets for non-programmers:
- only plain data: Python tags are refused by SafeLoader;
- no anchors or aliases, so an alias bomb is refused at its first '*' in no time;
- `yes`, `no`, `on` and `off` stay words (YAML 1.1 would turn them into true/false,
  and `equals: yes` must mean the answer "yes");
- a key written twice is reported rather than silently keeping the last one.

libyaml's parser (PyYAML's C loader) reads a file many times faster than the Python one and keeps the same
line and column marks, so it is used whenever it is there and the text cannot hold an anchor or an alias.
Any other text, and any text the C parser finds wrong, goes through the Python loader, whose messages and
alias check are the ones staff see.
"""
from __future__ import annotations

import gc
import re
from typing import Any, NamedTuple

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


class Mark(NamedTuple):
    # A tuple rather than a dataclass: a 10,000-rule file has half a million of them.
    line: int
    col: int


class LocDict(dict):
    """A mapping that remembers where each key and each value was written."""

    mark: Mark
    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]
    duplicates: list[tuple[Any, Mark]]


class LocList(list):
    mark: Mark
    item_marks: list[Mark]


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


class YamlError(Exception):
    def __init__(self, mark: Mark | None, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlError(
                Mark(event.start_mark.line + 1, event.start_mark.column + 1),
                f"aliases ('*{event.anchor}') are not allowed in a rules file: "
                "write the text out in full where it is needed",
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise YamlError(
                Mark(event.start_mark.line + 1, event.start_mark.column + 1),
                f"anchors ('&{event.anchor}') are not allowed in a rules file: "
                "write the text out in full where it is needed",
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> LocDict:  # type: ignore[override]
        result = LocDict()
        result.mark = _mark(node)
        result.key_marks = {}
        result.value_marks = {}
        result.duplicates = []
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlError(_mark(key_node), "a key must be a plain word") from None
            if key in result:
                result.duplicates.append((key, _mark(key_node)))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = _mark(key_node)
            result.value_marks[key] = _mark(value_node)
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocList:  # type: ignore[override]
        result = LocList(self.construct_object(child, deep=True) for child in node.value)
        result.mark = _mark(node)
        result.item_marks = [_mark(child) for child in node.value]
        return result


def _only_true_false_are_booleans() -> None:
    resolvers = {k: list(v) for k, v in _Loader.yaml_implicit_resolvers.items()}
    for first, entries in resolvers.items():
        resolvers[first] = [(tag, rx) for tag, rx in entries if tag != "tag:yaml.org,2002:bool"]
    _Loader.yaml_implicit_resolvers = resolvers
    _Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # Python refuses to read an integer of more than 4,300 digits (a denial-of-service guard); say where it is.
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise ConstructorError(None, None, "a number too long to read", node.start_mark) from None


_only_true_false_are_booleans()
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)

_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_CSafeLoader = getattr(yaml, "CSafeLoader", None)
if _CSafeLoader is not None:
    class _CLoader(_CSafeLoader):  # type: ignore[misc, valid-type]
        """The same reading as _Loader (resolvers and constructors), on libyaml's parser and composer."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors
        construct_mapping = _Loader.construct_mapping
        construct_sequence = _Loader.construct_sequence

        def construct_document(self, node):  # type: ignore[override]
            self._built: set[int] = set()
            return self._build(node)

        def _build(self, node: yaml.Node) -> Any:
            """_Loader's reading of plain text, maps and lists, built straight from the nodes; any other tag
            through the constructors."""
            kind = node.__class__
            if kind is ScalarNode:
                return node.value if node.tag == _STR else self.construct_object(node, deep=True)
            if id(node) in self._built:
                # libyaml's composer hands an alias back as the node it names, met a second time: leave the
                # text to the Python loader, which refuses it by name.
                raise YamlError(_mark(node), "an alias")
            self._built.add(id(node))
            if kind is MappingNode and node.tag == _MAP:
                result = LocDict()
                result.mark = _mark(node)
                key_marks: dict[Any, Mark] = {}
                value_marks: dict[Any, Mark] = {}
                result.duplicates = []
                for key_node, value_node in node.value:
                    key = self._build(key_node)
                    try:
                        hash(key)
                    except TypeError:
                        raise YamlError(_mark(key_node), "a key must be a plain word") from None
                    if key in result:
                        result.duplicates.append((key, _mark(key_node)))
                    result[key] = self._build(value_node)
                    start = key_node.start_mark
                    key_marks[key] = Mark(start.line + 1, start.column + 1)
                    start = value_node.start_mark
                    value_marks[key] = Mark(start.line + 1, start.column + 1)
                result.key_marks = key_marks
                result.value_marks = value_marks
                return result
            if kind is SequenceNode and node.tag == _SEQ:
                items = LocList(self._build(child) for child in node.value)
                items.mark = _mark(node)
                items.item_marks = [Mark(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
                return items
            return self.construct_object(node, deep=True)
else:
    _CLoader = None

# An anchor (&name) or alias (*name) starts a node: after the start of a line, a space or a flow indicator.
_ANCHOR_OR_ALIAS_MARK = re.compile(r"[&*]\S")
_NODE_STARTS_AFTER = frozenset(" \t\r\n[]{},:-")
_COMMENT = re.compile(r"(?:^|\s)#", re.M)


def _may_hold_anchors(text: str) -> bool:
    """False when no '&' or '*' in the text can start an anchor or alias (those in comments cannot)."""
    for match in _ANCHOR_OR_ALIAS_MARK.finditer(text):
        at = match.start()
        if at and text[at - 1] not in _NODE_STARTS_AFTER:
            continue
        line_start = text.rfind("\n", 0, at) + 1
        if not _COMMENT.search(text, line_start, at + 1):
            return True
    return False


def load(text: str) -> Any:
    """Parse text; raise YamlError with the line of the first syntax problem."""
    if _CLoader is not None and not _may_hold_anchors(text):
        # The loaded tree holds no cycles, so the collector has nothing to find while it is built; left on,
        # it walks the growing tree again and again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return yaml.load(text, Loader=_CLoader)  # noqa: S506 - a SafeLoader on libyaml
        except (yaml.YAMLError, YamlError, ValueError):
            pass  # told again below, in the Python loader's words
        finally:
            if collecting:
                gc.enable()
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except YamlError:
        raise
    except ConstructorError as exc:
        mark = exc.problem_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else None
        tag = exc.problem or "an unsupported value"
        raise YamlError(where, f"{tag}: rules files hold plain text, numbers and lists only") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else None
        problem = exc.problem or "the file is not valid YAML"
        hint = _syntax_hint(problem)
        raise YamlError(where, f"YAML syntax: {problem}{hint}") from None
    except yaml.YAMLError as exc:
        raise YamlError(None, f"YAML syntax: {exc}") from None


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a text containing ': ' must be put in quotes)"
    if "found character '\\t'" in problem:
        return " (indent with spaces, not tabs)"
    if "expected <block end>" in problem:
        return " (check that this line is indented like the lines around it)"
    return ""


def mark_of(node: Any, key: Any = None, *, of_key: bool = False) -> Mark | None:
    """Where a value (or, with of_key, a key) inside a loaded mapping or list was written."""
    if key is None:
        return getattr(node, "mark", None)
    if isinstance(node, LocDict):
        marks = node.key_marks if of_key else node.value_marks
        return marks.get(key, node.mark)
    if isinstance(node, LocList) and isinstance(key, int) and 0 <= key < len(node.item_marks):
        return node.item_marks[key]
    return getattr(node, "mark", None)
