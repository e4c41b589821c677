"""The rules of the layers that import-linter cannot check (docs/architecture.md): a project
import inside a function says why in a comment, and a private `_name` stays in its package."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aux", "artists", "brands", "campaigns", "payments")


def _sources() -> Iterator[tuple[Path, str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                text = path.read_text()
                yield path, text, ast.parse(text)


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_module(path: Path, node: ast.ImportFrom) -> str:
    """The absolute name of the module a `from … import` reads."""
    if not node.level:
        return node.module or ""
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join(package + ([node.module] if node.module else []))


def _is_project(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _has_why(lines: list[str], node: ast.stmt, body: list[ast.stmt]) -> bool:
    """A comment on the import, or above it or above the run of imports it belongs to."""
    own = lines[node.lineno - 1 : node.end_lineno]
    if any("#" in line for line in own):
        return True
    first = node
    index = body.index(node) if node in body else -1
    while index > 0 and isinstance(body[index - 1], (ast.Import, ast.ImportFrom)):
        index -= 1
        first = body[index]
        if any("#" in line for line in lines[first.lineno - 1 : first.end_lineno]):
            return True
    above = first.lineno - 2
    while above >= 0 and not lines[above].strip():
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def _function_imports(tree: ast.Module) -> Iterator[tuple[ast.stmt, list[ast.stmt]]]:
    """Each import statement inside a function, with the statement list that holds it."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for block in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(block, field, None)
                if not isinstance(statements, list):
                    continue
                for statement in statements:
                    if isinstance(statement, ast.Import | ast.ImportFrom):
                        yield statement, statements


def test_project_imports_inside_functions_say_why():
    """An import inside a function hides a cycle or an upward dependency from import-linter's
    reader; each must say why it is there (a task module and its services, an AppConfig.ready())."""
    silent = []
    for path, text, tree in _sources():
        lines = text.splitlines()
        for node, body in _function_imports(tree):
            if isinstance(node, ast.ImportFrom):
                project = node.level > 0 or _is_project(node.module or "")
            else:
                project = any(_is_project(alias.name) for alias in node.names)
            if project and not _has_why(lines, node, body):
                silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not silent, "function-level project imports without a comment saying why:\n" + "\n".join(
        silent
    )


def test_private_names_stay_in_their_package():
    """A `_name` is shared only between the modules of one folder (a services package and its
    `_common`, the engine's modules): another package reads a public name."""
    crossing = []
    for path, _text, tree in _sources():
        module = _module_of(path)
        here = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _imported_module(path, node)
            if not _is_project(source):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                # `from package import _module` reads inside that package
                folder = source if (ROOT / source.replace(".", "/")).is_dir() else None
                folder = folder or source.rpartition(".")[0]
                if private and folder != here:
                    crossing.append(f"{path.relative_to(ROOT)}:{node.lineno} {source}.{alias.name}")
    assert not crossing, "private names read from another package:\n" + "\n".join(crossing)
