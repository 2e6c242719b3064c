"""The YAML loader: libyaml's fast reading gives what the Python loader gives, marks and all, and leaves every
text it does not read the plain way to the Python loader."""
import pytest
import yaml

from screening.conditions import yamlload
from screening.conditions.yamlload import LocDict, LocList, mark_of

from tests.conftest import ROOT

PLAIN_TEXTS = [
    "",
    "just a word",
    "---\n",
    "a: 1\na: 2\nb: 3\n",
    "x: [1, 2.5, true, yes, no, on, off, ~, null, '', 2026-01-02, 0x1F, 1_000, .inf, -0, 1e3, 12:30:00]\n",
    "- a\n- {b: c, d: [e, f]}\n- - nested\n  - list\n",
    "k:\n  - 1\n  -\n  - x:\n    y: 'z'\n",
    "? complex key\n: value\n",
    "a: |\n  block\n  text\nb: >\n  folded\n  text\n",
    "'single': \"double\"\n1: one\n2.0: two\ntrue: t\n",
    "k: v # a comment with & and * in it\n",
]


def tree(value):
    """Everything a check reads from a loaded value: each value with its type, and where each was written."""
    if isinstance(value, LocDict):
        return ("map", value.mark, value.duplicates,
                [(k, type(k), tree(v), mark_of(value, k), mark_of(value, k, of_key=True)) for k, v in value.items()])
    if isinstance(value, LocList):
        return ("list", value.mark, [(tree(v), mark_of(value, i)) for i, v in enumerate(value)])
    return (type(value), value)


def python_loader(text):
    return yaml.load(text, Loader=yamlload._Loader)  # noqa: S506 - a SafeLoader


needs_libyaml = pytest.mark.skipif(yamlload._CLoader is None, reason="PyYAML built without libyaml")


@needs_libyaml
@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_libyaml_reading_matches_the_python_loader(text):
    assert tree(yaml.load(text, Loader=yamlload._CLoader)) == tree(python_loader(text))  # noqa: S506


@needs_libyaml
def test_libyaml_reading_of_the_shipped_rules_matches_the_python_loader():
    text = (ROOT / "rules.yaml").read_text(encoding="utf-8")
    assert tree(yaml.load(text, Loader=yamlload._CLoader)) == tree(python_loader(text))  # noqa: S506


@needs_libyaml
@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: !!str 1\n", "[a, b]: c\n", "a: b\n---\nc: d\n"])
def test_libyaml_reading_leaves_anything_beyond_plain_data_to_the_python_loader(text):
    with pytest.raises(yamlload.YamlError):
        yaml.load(text, Loader=yamlload._CLoader)  # noqa: S506


def test_an_explicit_tag_reads_as_the_python_loader_reads_it():
    assert tree(yamlload.load("a: !!str 1\n")) == tree(python_loader("a: !!str 1\n"))


def test_an_anchor_is_refused_at_its_line():
    with pytest.raises(yamlload.YamlError) as refused:
        yamlload.load("a: 1\nb: &x 2\nc: *x\n")
    assert refused.value.mark.line == 2 and "anchors ('&x') are not allowed" in refused.value.message


def test_a_list_as_a_key_is_refused_at_its_line():
    with pytest.raises(yamlload.YamlError) as refused:
        yamlload.load("a: 1\n[b, c]: d\n")
    assert refused.value.mark.line == 2 and "a key must be a plain word" in refused.value.message
