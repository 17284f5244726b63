"""The shape of the library (docs/architecture.md): two rooms, one result convention, documented API."""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import kamlib
from kamlib.config import NOTEBOOKS, ROOT

#: The analysis modules, subpackages' modules included ("survey.reliability"), by their name under kamlib.
ANALYSIS = sorted(m.name.removeprefix("kamlib.") for m in pkgutil.walk_packages(kamlib.__path__, "kamlib.")
                  if not m.name.startswith("kamlib.workbench") and m.name != "kamlib.__main__")
PUBLIC = [m for m in ANALYSIS if not any(part.startswith("_") for part in m.split("."))]


def _path(module: str) -> Path:
    """The file of an analysis module (a package's ``__init__.py``)."""
    base = ROOT / "kamlib" / Path(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _imports(path: Path) -> set[str]:
    """Modules a file imports, as absolute names (relative imports resolved within kamlib)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("module", ANALYSIS)
def test_analysis_modules_never_import_the_workbench(module):
    path = _path(module)
    bad = sorted(i for i in _imports(path) if i.startswith("kamlib.workbench"))
    assert not bad, f"kamlib/{module}.py imports the workbench: {bad}"


def test_the_study_schema_imports_no_analysis_module():
    """Validating a study file does not import the analyses (their defaults live in kamlib.defaults)."""
    light = {"kamlib.config", "kamlib.errors", "kamlib.defaults", "kamlib"}
    for name in ("study", "notebooks"):
        mods = {i for i in _imports(ROOT / "kamlib" / "workbench" / f"{name}.py") if i.startswith("kamlib.")}
        heavy = sorted(m for m in mods if m.removeprefix("kamlib.") in ANALYSIS
                       and not any(m.startswith(x) for x in light))
        assert not heavy, f"workbench/{name}.py imports {heavy}"


def test_nothing_travels_in_dataframe_attrs():
    pattern = re.compile(r"\.attrs\b")
    files = list((ROOT / "kamlib").rglob("*.py")) + list(NOTEBOOKS.glob("*.ipynb"))
    found = [f"{p.relative_to(ROOT)}:{i}" for p in files
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not found, f"results must be named fields of a result object, not DataFrame.attrs: {found}"


def test_notebooks_draw_no_chart_with_raw_matplotlib():
    for nb in NOTEBOOKS.glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        assert not re.search(r"\bplt\.|matplotlib", text), f"{nb.name}: draw charts with kamlib.plots.plot_*"


def _public_callables(module):
    mod = importlib.import_module(f"kamlib.{module}")
    return mod, [(n, o) for n, o in vars(mod).items() if not n.startswith("_")
                 and (inspect.isfunction(o) or inspect.isclass(o)) and o.__module__ == mod.__name__]


@pytest.mark.parametrize("module", PUBLIC)
def test_each_public_module_declares_its_api(module):
    mod, members = _public_callables(module)
    assert hasattr(mod, "__all__"), f"kamlib/{module}.py has no __all__"
    missing = sorted(n for n, _ in members if n not in mod.__all__)
    assert not missing, f"kamlib.{module}.__all__ leaves out {missing}"
    assert list(mod.__all__) == sorted(mod.__all__), f"kamlib.{module}.__all__ is not sorted"


@pytest.mark.parametrize("module", PUBLIC)
def test_public_functions_have_numpydoc_docstrings(module):
    """Parameters and Returns on every public function; References where the module estimates."""
    _, members = _public_callables(module)
    lacking = []
    for name, obj in members:
        if not inspect.isfunction(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        params = [p for p in inspect.signature(obj).parameters if p not in ("self",) and not p.startswith("_")]
        need = (["Parameters"] if params else []) + ["Returns"]
        if [s for s in need if f"\n{s}\n" not in f"\n{doc}\n"]:
            lacking.append(name)
    assert not lacking, f"kamlib.{module}: numpydoc Parameters/Returns missing in {lacking}"


#: Retired spellings and the name the naming table (docs/architecture.md) uses for the concept instead.
RETIRED = {"n_iter": "n_sims", "n_resamples": "n_boot", "seeds": "n_init", "adjust": "correction",
           "multiple_testing": "correction"}


def _signatures():
    """(qualified name, signature) of every public function and public method of the analysis modules."""
    for module in PUBLIC:
        _, members = _public_callables(module)
        for name, obj in members:
            funcs = [(name, obj)] if inspect.isfunction(obj) else [
                (f"{name}.{m}", f) for m, f in vars(obj).items() if inspect.isfunction(f) and not m.startswith("_")]
            for qual, f in funcs:
                yield f"kamlib.{module}.{qual}", inspect.signature(f)


def test_the_same_concept_has_the_same_name():
    """The naming table of docs/architecture.md: one word per concept across modules."""
    wrong = []
    for qual, sig in _signatures():
        params = sig.parameters
        for p in params:
            if p in RETIRED:
                wrong.append(f"{qual}({p}=...): call it {RETIRED[p]}")
            if p.startswith("_"):
                wrong.append(f"{qual}({p}=...): a private hook in a public signature")
        # a resample count is n_boot: a method or function named bootstrap takes no bare `n`
        if qual.rsplit(".", 1)[-1] == "bootstrap" and "n" in params:
            wrong.append(f"{qual}(n=...): call it n_boot")
        # `unit` is only ever a time unit ("D", "W", "M")
        if "unit" in params and params["unit"].default not in ("D", "W", "M", None):
            wrong.append(f"{qual}(unit=...): `unit` is a time unit; a panel's id column is `entity`")
        if "unit" in params and params["unit"].default is inspect.Parameter.empty:
            wrong.append(f"{qual}(unit): `unit` is a time unit with a default; a panel's id column is `entity`")
    assert not wrong, "; ".join(wrong)


#: Dataclasses that are inputs (a model's assumptions, a questionnaire), not results.
INPUTS = {"kamlib.experiments.campaign.CampaignModel", "kamlib.survey.instrument.Instrument", "kamlib.verdicts.Rule"}


def test_every_result_class_follows_the_result_convention():
    """as_dict(), summary_frame() and summary() on every result object (docs/architecture.md, "Results")."""
    import dataclasses

    from kamlib._results import Result

    outside = []
    for module in PUBLIC:
        _, members = _public_callables(module)
        for name, obj in members:
            qual = f"kamlib.{module}.{name}"
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and qual not in INPUTS:
                if not issubclass(obj, Result):
                    outside.append(qual)
    assert not outside, f"derive these from kamlib._results.Result: {outside}"


def _artefact_ids():
    """Every artefact id a notebook registers (the second argument of art.figure/table/document)."""
    import json

    ids = set()
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        src = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
        ids |= set(re.findall(r"art\.(?:figure|table|document|text_file)\([^,]+,\s*f?\"([a-z0-9_]+)\"", src))
    return ids


@pytest.mark.parametrize("name", ["report.py", "editions.py", "runner.py", "artefacts.py", "notebook.py", "findings.py"])
def test_the_report_machinery_names_no_notebook_and_no_artefact(name):
    """Roles, key numbers, findings, recommendations and limitations are declared by the notebooks
    (docs/architecture.md); the machinery renders them."""
    tree = ast.parse((ROOT / "kamlib" / "workbench" / name).read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and id(n) not in docstrings]
    ids = _artefact_ids()
    assert len(ids) > 100  # the pattern finds the notebooks' artefacts
    named = sorted({s for s in strings if re.fullmatch(r"\d\d_[a-z_]+", s) or s in ids})
    assert not named, f"kamlib/workbench/{name} names {named}"


def _private_uses(path: Path) -> list[str]:
    """Private names of other kamlib modules that ``path`` imports or reads (``from .x import _f``, ``x._f``); a
    private *module* (``kamlib._io``, ``kamlib.clv._paretonbd``) is its package's internal module, which that package
    and its subpackages may import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("kamlib")):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            owner = base.rsplit(".", 1)[0]
            if base.rsplit(".", 1)[-1].startswith("_") and not (package + ".").startswith(owner + "."):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports from {owner}'s private module {base}")
            for a in node.names:
                full = f"{base}.{a.name}"
                is_module = (ROOT / Path(*full.split("."))).with_suffix(".py").exists() or \
                    (ROOT / Path(*full.split("."))).is_dir()
                parent = full.rsplit(".", 1)[0]
                if is_module and a.name.startswith("_") and not (package + ".").startswith(parent + "."):
                    # a private module is its package's: kamlib._io serves all of kamlib, clv._paretonbd only clv
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {parent}'s private module {a.name}")
                if is_module:
                    modules.add(a.asname or a.name)
                elif a.name.startswith("_"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {base}.{a.name}")
        elif isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("kamlib")}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    """Issue 47, item 7: a name another module needs is public (documented), or the two modules are one."""
    found = [use for p in sorted((ROOT / "kamlib").rglob("*.py")) for use in _private_uses(p)]
    assert not found, "; ".join(found)


def test_the_clv_family_has_one_registry():
    """The models of the CLV family are declared once, as subclasses of kamlib.clv.Model; the study schema's list of
    purchase models is the registry's (the schema may not import the analyses, so it keeps a copy this test checks)."""
    import typing

    from kamlib import clv
    from kamlib.workbench.study import Study

    field = Study.model_fields["clv"].annotation.model_fields["models"].annotation
    allowed = typing.get_args(typing.get_args(field)[0])
    assert tuple(allowed) == clv.names()
    for name in clv.names() + clv.names("spend"):
        spec = clv.get(name)
        assert spec.label and spec.params and set(spec.dropout) <= set(spec.params)
    dicts = [p for p in (ROOT / "kamlib" / "clv").glob("*.py")
             if re.search(r'^[A-Z_]+ = \{"(bgnbd|paretonbd)"', p.read_text(encoding="utf-8"), flags=re.M)]
    assert not dicts, f"a dict keyed by model name outside the registry: {dicts}"


#: Public functions of the clv family (and tiers) that still return a bare tuple while they move to results (issue 47,
#: item 6, under way): this list only shrinks, and is empty when they return results that unpack as the tuple did.
TUPLE_RETURNS_IN_PROGRESS: set[str] = set()
#: Public functions that may return a bare tuple, with the reason.
TUPLE_RETURNS_ALLOWED: dict[str, str] = {}


def _own_returns(function: ast.FunctionDef):
    """The return statements of a function's own body (not those of the functions and classes it defines)."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def test_public_functions_return_results_not_bare_tuples():
    """Issue 47, item 6 (docs/architecture.md, "Results"): a public function of an analysis module that gives more
    than one thing returns a result object, which may unpack like the tuple it replaces (``unpack``); a bare
    ``return a, b`` in its own body fails here (a sequence of like things, ``tuple(m.name for m in ...)``, is not a
    tuple of results)."""
    allowed = TUPLE_RETURNS_IN_PROGRESS | set(TUPLE_RETURNS_ALLOWED)
    found, checked = [], 0
    for module in PUBLIC:
        tree = ast.parse(_path(module).read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_") or f"{module}.{node.name}" in allowed:
                continue
            checked += 1
            for ret in _own_returns(node):
                if isinstance(ret.value, ast.Tuple):
                    found.append(f"kamlib.{module}.{node.name} (line {ret.lineno})")
    assert checked > 300  # the walk reaches the public functions of every analysis module
    assert not found, f"return a Result subclass with unpack = (...) instead of a bare tuple: {found}"


#: Retired spellings of a statistic and the name the naming table (docs/architecture.md) uses instead.
RETIRED_STATISTICS = {"p_value": "pvalue", "pval": "pvalue", "std_err": "se", "stderr": "se", "ci_low": "ci_lower",
                      "ci_high": "ci_upper"}
#: Files still being moved to the table's names (issue 47, item 6, under way): this list only shrinks.
RETIRED_STATISTICS_IN_PROGRESS: set[str] = set()


def test_statistics_have_one_name_across_kamlib():
    """A result field, dict key, keyword or column literal names a statistic as the naming table does: ``pvalue``,
    ``se``, ``<quantity>_ci_lower``/``_ci_upper``, never ``p_value``, ``pval``, ``std_err``, ``stderr``, ``ci_low``
    or ``ci_high`` (alone or as a part of a name, such as ``coef_p_value``)."""
    part = re.compile(r"(?:^|_)(" + "|".join(RETIRED_STATISTICS) + r")(?:_|$)")
    found = []
    for path in sorted((ROOT / "kamlib").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        if where in RETIRED_STATISTICS_IN_PROGRESS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.append(node.target.id)  # a dataclass field
            elif isinstance(node, ast.keyword) and node.arg:
                names.append(node.arg)  # df.assign(p_value=...), dict(p_value=...), Result(p_value=...)
            for name in names:
                if re.fullmatch(r"\w+", name) and (m := part.search(name)):
                    found.append(f"{where}:{node.lineno} {name!r}: call it {RETIRED_STATISTICS[m.group(1)]}")
    assert not found, "; ".join(found)


def test_every_catalogue_entry_names_its_context():
    """kamlib.i18n looks a text up by (msgctxt, msgid): an entry without msgctxt is never found, and the Chinese
    edition silently shows the English instead."""
    from babel.messages.pofile import read_po

    with open(ROOT / "kamlib" / "locale" / "zh.po", "rb") as f:
        catalogue = read_po(f)
    assert not [m.id for m in catalogue if m.id and m.context is None]
    import re
    from collections import Counter

    text = (ROOT / "kamlib" / "locale" / "zh.po").read_text(encoding="utf-8")
    keys = Counter(re.findall(r'(?:msgctxt "([^"]*)"\n)?msgid "((?:[^"\\]|\\.)*)"\nmsgstr', text))
    assert not [k for k, n in keys.items() if n > 1], "an entry written twice: babel keeps one silently"
