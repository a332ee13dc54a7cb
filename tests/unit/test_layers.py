"""The house keeps its shape: imports go one way, between the layers and between the domain's groups.

Read from the source with ``ast``, so that a forbidden import fails here even on a line no other test
runs. The order of the groups is the one ``recipes/__init__.py`` gives.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The domain's groups, lowest first: a group may import the ground and the groups before it.
GROUPS = (
    "licences",
    "community",
    "journal",
    "history",
    "lineage",
    "moderation",
    "events",
    "search",
    "exchange",
    "demo",
)
GROUND = -1  # the modules directly in recipes/


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules a file imports, relative imports resolved."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def source_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def group_rank(module: str) -> int | None:
    """The rank of the group a ``recipes`` module belongs to; GROUND for the ground modules."""
    parts = module.split(".")
    if parts[0] != "recipes" or len(parts) < 2:
        return None
    return GROUPS.index(parts[1]) if parts[1] in GROUPS else GROUND


@pytest.mark.parametrize("path", source_files("recipes"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_imports_neither_flask_nor_the_web_layer(path):
    forbidden = {
        name for name in imported_modules(path) if name.split(".")[0] in {"flask", "flask_login", "wiki"}
    }
    assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


@pytest.mark.parametrize("path", source_files("recipes"), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_group_imports_only_the_ground_and_the_groups_before_it(path):
    own = group_rank(".".join(path.relative_to(ROOT).with_suffix("").parts))
    upward = sorted(
        name
        for name in imported_modules(path)
        if (rank := group_rank(name)) is not None and rank > own and rank != GROUND
    )
    assert not upward, f"{path.relative_to(ROOT)} (rank {own}) imports a later group: {upward}"


def test_every_group_of_the_domain_is_ranked():
    groups = {path.parent.name for path in (ROOT / "recipes").glob("*/__init__.py")}
    assert groups <= set(GROUPS), f"unranked groups: {sorted(groups - set(GROUPS))}"


def test_every_group_says_what_it_holds_and_what_it_may_import():
    for init in (ROOT / "recipes").glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in docstring, f"{init.relative_to(ROOT)} does not say what it may import"


@pytest.mark.parametrize("path", source_files("wiki"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_command_line_is_registered_in_one_direction(path):
    """Only the CLI's entry module gathers the commands; a command module never imports it back."""
    if path.parent.name != "cli" or path.name == "__init__.py":
        return
    assert "wiki.cli" not in imported_modules(path), f"{path.relative_to(ROOT)} imports wiki.cli"
