"""The package's layout stays what docs/DESIGN.md says: every module in the map, no import circles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "translate"


def _modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.endswith("/__init__.py") and rel.count("/") >= 1 and not rel.startswith("mt/backends/") \
                and not rel.startswith("formats/schemas/"):
            continue  # subpackage markers: a docstring only
        if rel.startswith("cli/commands/") and rel != "cli/commands/__init__.py":
            rel = "cli/commands/*.py"
        found.add(rel)
    found.discard("cli/commands/__init__.py")
    return found


def test_every_module_is_in_the_design_map_and_nothing_else():
    design = (ROOT / "docs" / "DESIGN.md").read_text("utf-8")
    section = design[design.index("## The package"):design.index("## The commands")]
    mapped = set(re.findall(r"^\| `([^`]+\.py)` \|", section, re.M))
    assert mapped == _modules(), (f"missing from the map: {sorted(_modules() - mapped)}; "
                                  f"in the map but not in the package: {sorted(mapped - _modules())}")


def test_every_python_file_design_names_exists():
    # Prose goes stale when modules move: a file named in DESIGN.md must be a file we have.
    design = (ROOT / "docs" / "DESIGN.md").read_text("utf-8")
    named = set(re.findall(r"`([\w./*]+\.py)`", design))
    known = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py") if ".venv" not in p.parts}
    stale = sorted(n for n in named if "*" not in n
                   and not any(k == n or k.endswith("/" + n) for k in known))
    assert not stale, f"docs/DESIGN.md names files that do not exist: {stale}"


def _top_imports(path: Path) -> set[str]:
    deps = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("translate"):
            deps.add(node.module)
        elif isinstance(node, ast.Import):
            deps.update(a.name for a in node.names if a.name.startswith("translate"))
    return deps


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_circles():
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: {d for d in _top_imports(p) if d in modules and d != m} for m, p in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in graph[m]:
            if state.get(d) == 1:
                raise AssertionError("import circle: " + " -> ".join(path[path.index(d):] + [d]))
            if d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)


def test_our_own_modules_are_imported_at_the_top():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue  # commands import the library when they run, so `translate --help` stays instant
        for fn in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("translate"):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "import these at the top of the module: " + ", ".join(offenders)


def test_one_public_definition_per_name():
    """A public class or function name is defined once in the package, so a name means one thing.
    Two kinds of module share a name by design: each command module's click functions (found by
    click's names, never imported by name) and each QA family's ``check`` entry point (called as
    ``module.check`` by translate/qa/runner.py)."""
    places: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[:2] == ("cli", "commands"):
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
                if rel.parts[0] == "qa" and rel.name.startswith("check_") and node.name == "check":
                    continue
                places.setdefault(node.name, []).append(str(rel))
    twice = {name: where for name, where in places.items() if len(where) > 1}
    assert not twice, f"defined more than once: {twice}"


# Heavy libraries a function imports locally without saying why: everyone knows (seconds to import).
HEAVY = {"torch", "transformers", "ctranslate2", "spacy", "ray", "sentencepiece", "huggingface_hub"}


def test_function_local_imports_are_heavy_or_say_why():
    """Outside cli/, a third-party or standard-library import inside a function is a heavy library,
    or carries a `# lazy: why` comment (on its line or the line above); else it belongs at the top."""
    offenders = set()
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        text = path.read_text("utf-8")
        lines = text.splitlines()
        for fn in ast.walk(ast.parse(text)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                else:
                    continue
                if all(n.split(".")[0] in HEAVY for n in names):
                    continue
                said = lines[node.lineno - 1] + (lines[node.lineno - 2] if node.lineno > 1 else "")
                if "# lazy:" not in said:
                    offenders.add(f"{path.relative_to(ROOT)}:{node.lineno} ({', '.join(names)})")
    assert not offenders, ("import at the top of the module, or say why not with `# lazy: ...`: "
                           + ", ".join(sorted(offenders)))
