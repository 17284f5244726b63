"""`pip install .` gives a kamlib that works: every import is a declared dependency, the wheel holds every module and
data file, and every module imports from the wheel alone (not from the working tree)."""

import ast
import importlib.metadata as md
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
OPTIONAL = {"pyspark": "spark"}  # imported only on the cluster path, from the extra of that name


def _norm(name):
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", name, maxsplit=1)[0]).lower()


def _imports():
    """Top-level modules imported anywhere in kamlib (module level or inside functions), with a file that does."""
    found = {}
    for path in sorted((ROOT / "kamlib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for n in names:
                found.setdefault(n.split(".")[0], path.relative_to(ROOT))
    return found


def test_every_imported_library_is_a_declared_dependency():
    declared = {_norm(d) for d in PYPROJECT["project"]["dependencies"]}
    extras = {k: {_norm(d) for d in v} for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    dists = md.packages_distributions()
    missing = []
    for module, where in _imports().items():
        if module in sys.stdlib_module_names or module == "kamlib":
            continue
        if module in OPTIONAL:
            assert _norm(module) in extras[OPTIONAL[module]], f"{module} ({where}) is not in the {OPTIONAL[module]} extra"
            continue
        names = {_norm(d) for d in dists.get(module, [module])}
        if not names & declared:
            missing.append(f"{module} (imported in {where}; distribution {', '.join(sorted(names))})")
    assert not missing, "add to [project] dependencies in pyproject.toml: " + "; ".join(missing)


def test_every_declared_dependency_is_pinned_in_the_lock():
    lock = {_norm(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    unpinned = [d for d in PYPROJECT["project"]["dependencies"] if _norm(d) not in lock]
    assert not unpinned, f"run `make lock` after adding {unpinned} to requirements.in"


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_imports_on_its_own(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("kamlib-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        requires = [line.split(":", 1)[1].strip() for line in
                    z.read(next(n for n in names if n.endswith("METADATA"))).decode().splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
        z.extractall(tmp_path / "site")
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "kamlib").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    assert sources <= names, f"missing from the wheel: {sorted(sources - names)}"
    assert sorted(map(_norm, requires)) == sorted(map(_norm, PYPROJECT["project"]["dependencies"]))
    modules = sorted(".".join(p.relative_to(tmp_path / "site").with_suffix("").parts).removesuffix(".__init__")
                     for p in (tmp_path / "site" / "kamlib").rglob("*.py") if p.name != "__main__.py")
    code = ("import importlib, sys\n"
            f"sys.path.insert(0, {str(tmp_path / 'site')!r})\n"
            f"for m in {modules!r}:\n"
            "    mod = importlib.import_module(m)\n"
            f"    assert mod.__file__.startswith({str(tmp_path / 'site')!r}), mod.__file__\n"
            "from kamlib.i18n import gettext\n"
            "assert gettext('Key account', 'label') == '大客户'  # the catalogue ships in the wheel\n"
            "print(len(sys.modules))\n")
    out = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
