"""The package's layout shows the flow, and no module imports another that imports it back.

Requirement (issue 6, "The layout shows the flow"): catalogue -> conditions -> questionnaire -> rules ->
records -> staff views and exports; the catalogue, the condition language and the rules engine import
nothing from Flask or the database; no import circle anywhere.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screening"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Modules imported by `path` (inside functions too), as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in imports_of(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_there_is_no_import_circle():
    def package_of(name):  # a package's __init__ importing its own modules is not a circle
        return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]

    state: dict[str, str] = {}
    circles: list[list[str]] = []

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(GRAPH[name]):
            if MODULES[name].name == "__init__.py" and target.startswith(name + "."):
                continue
            if MODULES[target].name == "__init__.py" and name.startswith(target + "."):
                continue
            if state.get(target) == "open":
                circles.append(trail[trail.index(target):] + [target] if target in trail else [name, target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert circles == [], f"import circles: {circles}"


@pytest.mark.parametrize("folder", ["catalogue", "conditions", "rules"])
def test_the_logic_imports_neither_flask_nor_the_database(folder):
    for path in (PACKAGE / folder).rglob("*.py"):
        banned = {m for m in imports_of(path) if m.split(".")[0] in ("flask", "sqlalchemy", "werkzeug")
                  or m.startswith(("screening.records", "screening.staff", "screening.wizard"))}
        assert not banned, f"{path.relative_to(PACKAGE.parent)} imports {sorted(banned)}"


def test_the_condition_language_imports_neither_the_rules_nor_the_catalogue_builder():
    for path in (PACKAGE / "conditions").rglob("*.py"):
        banned = {m for m in imports_of(path) if m.startswith("screening.rules") or m in (
            "screening.catalogue", "screening.catalogue.CATALOGUE", "screening.questionnaire")}
        assert not banned, f"{path.relative_to(PACKAGE.parent)} imports {sorted(banned)}"


def test_the_database_module_imports_no_models():
    assert "screening.records.models" not in imports_of(PACKAGE / "records" / "database.py")


def test_no_loose_module_holds_what_belongs_in_a_folder():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "assets.py", "clock.py", "commands.py", "errors.py", "extensions.py", "filters.py",
                     "headers.py", "kept.py", "questionnaire.py", "readability.py", "request_log.py", "settings.py", "typed.py"]
