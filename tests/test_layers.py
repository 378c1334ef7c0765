"""The codebase's layers: no import cycles, imports at the top of modules, modules a
reader can hold in mind (docs/architecture.md)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "quiz"
# SQLite's engine set-up is imported only when the database is SQLite.
INNER_IMPORTS_ALLOWED = {("database.py", "init_app")}
MAX_LINES = 400


def modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["quiz", *path.relative_to(PACKAGE).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imported(name: str, is_package: bool, tree: ast.Module, known) -> set[str]:
    """The modules of the package that ``tree`` imports, by name."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = name.split(".") if is_package else name.split(".")[:-1]
            if node.level:
                base = base[:len(base) - node.level + 1] + ([node.module] if node.module else [])
                module = ".".join(base)
            else:
                module = node.module or ""
            for alias in node.names:
                whole = f"{module}.{alias.name}"
                found.add(whole if whole in known else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name}


def test_no_module_imports_itself_through_others():
    known = modules()
    graph = {name: imported(name, is_package, ast.parse(path.read_text()), known)
             for name, (path, is_package) in known.items()}
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert cycles == []


def test_imports_are_at_the_top_of_modules():
    inner = []
    for path, _ in modules().values():
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and \
                    (path.name, function.name) not in INNER_IMPORTS_ALLOWED:
                inner += [f"{path.relative_to(PACKAGE)}:{node.lineno} in {function.name}"
                          for node in ast.walk(function)
                          if isinstance(node, ast.Import | ast.ImportFrom)]
    assert inner == []


def test_modules_stay_under_400_lines():
    long = [f"{path.relative_to(PACKAGE)}: {lines}" for path, _ in modules().values()
            if (lines := len(path.read_text().splitlines())) > MAX_LINES]
    assert long == []
