"""Safe YAML loading that keeps the line and column of every key and value.

Staff edit rules.yaml by hand, so every problem must point at a line. The loader also
closes the traps YAML sets for non-programmers:
- only plain data: Python tags are refused by SafeLoader;
- no anchors or aliases, so an alias bomb is refused at its first '*' in no time;
- `yes`, `no`, `on` and `off` stay words (YAML 1.1 would turn them into true/false,
  and `equals: yes` must mean the answer "yes");
- a key written twice is reported rather than silently keeping the last one.

libyaml's parser (PyYAML's C loader) reads a file many times faster than the Python one and keeps the same
line and column marks, so it is used whenever it is there. A text it finds wrong, or one holding anything
beyond plain text, numbers, maps and lists (an anchor, an alias, a tag), goes through the Python loader,
whose messages and alias check are the ones staff see.
"""
from __future__ import annotations

import contextlib
import gc
import re
from typing import Any, Iterator, NamedTuple

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


class Mark(NamedTuple):
    line: int
    col: int


def _at(start: yaml.Mark) -> Mark:
    """YAML's own mark (counted from 0) as a line and column counted from 1."""
    return Mark(start.line + 1, start.column + 1)


class LocDict(dict):
    """A mapping that remembers where each key and each value was written.

    It keeps YAML's own marks and makes a Mark only when one is asked for (mark_of): a 10,000-rule file has
    half a million places, and a check asks for a few of them."""

    start: yaml.Mark
    key_starts: dict[Any, yaml.Mark]
    value_starts: dict[Any, yaml.Mark]
    duplicates: list[tuple[Any, Mark]]

    @property
    def mark(self) -> Mark:
        return _at(self.start)


class LocList(list):
    start: yaml.Mark
    item_starts: list[yaml.Mark]

    @property
    def mark(self) -> Mark:
        return _at(self.start)


def _mark(node: yaml.Node) -> Mark:
    return _at(node.start_mark)


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
        result.start = node.start_mark
        result.key_starts = {}
        result.value_starts = {}
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
            result.key_starts[key] = key_node.start_mark
            result.value_starts[key] = value_node.start_mark
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LocList:  # type: ignore[override]
        result = LocList(self.construct_object(child, deep=True) for child in node.value)
        result.start = node.start_mark
        result.item_starts = [child.start_mark for child in node.value]
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


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # Written like a date but not one (2024-02-30): Python's ValueError would carry no line.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise ConstructorError(None, None, f"a date that does not exist ({node.value})", node.start_mark) from None


_only_true_false_are_booleans()
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)

_STR = "tag:yaml.org,2002:str"
_CSafeLoader = getattr(yaml, "CSafeLoader", None)
if _CSafeLoader is not None:
    class _CLoader(_CSafeLoader):  # type: ignore[misc, valid-type]
        """The same reading as _Loader (resolvers and constructors), built straight from libyaml's events.

        libyaml's own composer would make a node for each value, ask the Python resolver about each and leave
        a tree to walk again; one pass over the events makes the LocDicts and LocLists at once. Anything this
        pass does not read the plain way (an anchor, an alias, an explicit tag, a list or map as a key, more
        than one document) raises YamlError, and load() leaves that text to the Python loader, whose messages
        staff see."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors

        def get_single_data(self) -> Any:  # type: ignore[override]
            get_event = self.get_event
            get_event()  # the stream's start
            if self.check_event(StreamEndEvent):
                return None
            get_event()  # the document's start
            self._tags: dict[str, str] = {}  # each plain text's tag, worked out once per load
            event = get_event()
            data = self._scalar(event) if event.__class__ is ScalarEvent else self._collection(event)
            get_event()  # the document's end
            if not self.check_event(StreamEndEvent):
                raise YamlError(None, "more than one document")
            return data

        def _scalar(self, event: ScalarEvent) -> Any:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise YamlError(None, "an anchor or a tag")
            value = event.value
            if not event.implicit[0]:
                return value  # quoted, or a block of text
            tag = self._tags.get(value)
            if tag is None:
                tag = _STR
                resolvers = self.yaml_implicit_resolvers
                for candidate, pattern in resolvers.get(value[:1], []) + resolvers.get(None, []):
                    if pattern.match(value):
                        tag = candidate
                        break
                self._tags[value] = tag
            if tag == _STR:
                return value
            return self.construct_object(ScalarNode(tag, value, event.start_mark, event.end_mark, event.style),
                                         deep=True)

        def _collection(self, event: Any) -> LocDict | LocList:
            kind = event.__class__
            if kind is not MappingStartEvent and kind is not SequenceStartEvent:
                # An alias: libyaml would hand back the node it names; the Python loader refuses it by name.
                raise YamlError(None, "an alias")
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise YamlError(None, "an anchor or a tag")
            return self._map(event) if kind is MappingStartEvent else self._list(event)

        def _map(self, opening: MappingStartEvent) -> LocDict:
            get_event = self.get_event
            result = LocDict()
            result.start = opening.start_mark
            result.key_starts = key_starts = {}
            result.value_starts = value_starts = {}
            result.duplicates = []
            while True:
                event = get_event()
                if event.__class__ is not ScalarEvent:
                    if event.__class__ is MappingEndEvent:
                        return result
                    raise YamlError(_at(event.start_mark), "a key must be a plain word")
                key = self._scalar(event)
                if key in result:
                    result.duplicates.append((key, _at(event.start_mark)))
                key_starts[key] = event.start_mark
                event = get_event()
                value = self._scalar(event) if event.__class__ is ScalarEvent else self._collection(event)
                result[key] = value
                value_starts[key] = event.start_mark

        def _list(self, opening: SequenceStartEvent) -> LocList:
            get_event = self.get_event
            result = LocList()
            result.start = opening.start_mark
            result.item_starts = starts = []
            while True:
                event = get_event()
                if event.__class__ is ScalarEvent:
                    value = self._scalar(event)
                elif event.__class__ is SequenceEndEvent:
                    return result
                else:
                    value = self._collection(event)
                result.append(value)
                starts.append(event.start_mark)
else:
    _CLoader = None


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused while a loaded tree is built and read. The tree holds no cycles, so the
    collector has nothing to find in it; left on, it walks the growing tree again and again (a 10,000-rule
    file makes millions of objects). Once the tree is dropped, freed by reference counts, the collector
    has only what was kept to look at. The pause is the whole process's: in a threaded server, other requests
    go without the cycle collector for the second or two of a large check, still freed by reference counts."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load(text: str) -> Any:
    """Parse text; raise YamlError with the line of the first syntax problem."""
    if _CLoader is not None:
        try:
            with no_cycle_collection():
                return yaml.load(text, Loader=_CLoader)  # noqa: S506 - a SafeLoader on libyaml
        except (yaml.YAMLError, YamlError, ValueError):
            pass  # told again below, in the Python loader's words
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
        start = (node.key_starts if of_key else node.value_starts).get(key)
        return node.mark if start is None else _at(start)
    if isinstance(node, LocList) and isinstance(key, int) and 0 <= key < len(node.item_starts):
        return _at(node.item_starts[key])
    return getattr(node, "mark", None)
