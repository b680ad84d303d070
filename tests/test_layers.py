"""The packages of bot/ form layers that only import downward, with no cycle between them.

The order below is the folder list read top to bottom: entry points, then the channels and
adapters, the composition root, the engine, and the layers it stands on.
"""

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
LAYERS = (
    ("__main__", "cli"),
    ("channels", "rasa", "report"),
    ("app",),
    ("engine",),
    ("risk",),
    ("nlu",),
    ("desk",),
    ("storage",),
    ("content",),
    ("common",),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    """bot.engine.turn -> engine; bot.app -> app."""
    return module.split(".")[1]


def imports(path: Path) -> set[str]:
    """Every bot.* module this file imports, at any depth (also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bot.")}
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): imports(p) for p in sorted(BOT.rglob("*.py"))}


def test_every_unit_has_a_layer() -> None:
    units = {unit_of(m) for m in MODULES if m != "bot"}
    assert units <= RANK.keys(), f"not in LAYERS: {sorted(units - RANK.keys())}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "bot"))
def test_imports_point_down(module: str) -> None:
    mine = RANK[unit_of(module)]
    upward = [t for t in MODULES[module] if RANK.get(unit_of(t), len(LAYERS)) < mine]
    assert not upward, f"{module} imports upward: {upward}"


def test_no_cycle_between_packages() -> None:
    edges = {
        (unit_of(m), unit_of(t))
        for m, ts in MODULES.items()
        if m != "bot"
        for t in ts
        if unit_of(m) != unit_of(t)
    }
    reachable = {u: {b for a, b in edges if a == u} for u in RANK}
    changed = True
    while changed:
        changed = False
        for seen in reachable.values():
            more = set().union(*(reachable[v] for v in seen)) - seen if seen else set()
            if more:
                seen |= more
                changed = True
    assert not [u for u, seen in reachable.items() if u in seen]


@pytest.mark.parametrize("init", sorted(BOT.rglob("__init__.py")), ids=lambda p: module_name(p))
def test_every_package_says_what_it_holds(init: Path) -> None:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{init} has no docstring"
    names = [
        t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
    ]
    assert "__all__" in names or init.parent == BOT, f"{init} has no __all__"
