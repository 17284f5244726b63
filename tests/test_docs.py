"""The repository explains itself: the README is a newcomer's page that links to the documentation, and the
documentation (docs/, Sphinx: Markdown pages and an API reference from kamlib's docstrings) builds with every
warning an error, without downloading anything, and covers every module."""

import ast
import builtins
import doctest
import importlib
import pkgutil
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = sorted(p for p in DOCS.glob("*.md") if p.name != "index.md")
API_INDEX = DOCS / "api" / "index.rst"

#: Data an example may use without building it: the root conftest.py makes them once per session (see its docstring
#: and docs/architecture.md, "Examples that run"). Functions and modules are imported by the example itself.
EXAMPLE_DATA = {"tx", "cal", "bgnbd", "gg", "base", "tier", "inst", "data", "scores", "items", "hs", "ecsi", "model"}
#: Modules whose examples still call names they do not import (issue 47, item 9): this list only shrinks. A module
#: not listed here (kamlib.datasets, kamlib.config, every new module) fails the test when an example does.
EXAMPLES_WITHOUT_IMPORTS = {
    "kamlib.clv.fitting", "kamlib.clv.covariates", "kamlib.clv.holdout", "kamlib.parsing", "kamlib.clv.regular", "kamlib.transactions",
    "kamlib.clv.validation",
}


def _modules():
    """Every module of kamlib, its two subpackages included (not the package itself, not ``__main__``)."""
    found = []
    for init in sorted((ROOT / "kamlib").rglob("__init__.py")):
        package = ".".join(init.parent.relative_to(ROOT).parts)
        if package != "kamlib":
            found.append(package)
        found += [m.name for m in pkgutil.iter_modules([str(init.parent)], package + ".")
                  if not m.ispkg and not m.name.endswith("__main__")]
    return sorted(found)


# ----------------------------------------------------------------------------- the README


def test_the_readme_is_a_newcomers_page_of_a_few_hundred_lines():
    lines = README.splitlines()
    assert 80 <= len(lines) <= 400 and len(README) <= 32_000, (len(lines), len(README))
    head = README.split("\n## ")[0]
    assert "make report" in head and "make test" in head, "the two commands come first"
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    for needed in ("own data", "read more"):
        assert any(needed in h.lower() for h in headings), f"no section about {needed!r}: {headings}"
    assert "kam new-case" in README and "kam validate" in README


def test_the_readme_links_every_documentation_page_and_every_link_resolves():
    targets = re.findall(r"\]\(([^)#\s]+)[^)]*\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"the README links to files that do not exist: {missing}"
    unlinked = [p.relative_to(ROOT).as_posix() for p in PAGES if p.relative_to(ROOT).as_posix() not in local]
    assert not unlinked, f"documentation pages the README does not link: {unlinked}"


# ----------------------------------------------------------------------------- the documentation's sources


def test_every_module_is_in_the_api_reference_once():
    listed = re.findall(r"^\s{3}(kamlib[\w.]*)\s*$", API_INDEX.read_text(encoding="utf-8"), flags=re.M)
    assert len(listed) == len(set(listed)), "a module is listed twice in docs/api/index.rst"
    assert sorted(listed) == _modules(), (f"add to docs/api/index.rst: {sorted(set(_modules()) - set(listed))}; "
                                          f"remove: {sorted(set(listed) - set(_modules()))}")


def test_the_build_downloads_nothing():
    conf = runpy.run_path(str(DOCS / "conf.py"))
    assert set(conf["extensions"]) <= {"myst_parser", "sphinx.ext.autodoc", "sphinx.ext.autosummary",
                                       "sphinx.ext.napoleon"}, conf["extensions"]
    assert "intersphinx_mapping" not in conf
    texts = [p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")]
    remote = [m for t in texts for m in re.findall(r"!\[[^\]]*\]\((https?:[^)]*)\)", t)]
    assert not remote, f"remote images: {remote}"


def test_a_hanging_indent_reference_list_becomes_one_paragraph_per_reference():
    """What numpydoc References look like in kamlib (clv.fit): hanging indents, then a one-line reference."""
    hook = runpy.run_path(str(DOCS / "conf.py"))["_references_as_paragraphs"]
    lines = ["Fit a model.", "", "References", "----------",
             "Fader, P. S. (2005). Counting your customers the easy way: an alternative",
             "    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.",
             "Batislam, E. P. (2007). Empirical validation and comparison of models",
             "    for customer base analysis. *IJRM*, 24(3), 201-209.",
             "Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note 025.",
             "", "Examples", "--------", ">>> 1 + 1", "    2"]
    hook(None, "function", "f", None, {}, lines)
    assert lines == ["Fit a model.", "", "References", "----------",
                     "Fader, P. S. (2005). Counting your customers the easy way: an alternative to the Pareto/NBD "
                     "model. *Marketing Science*, 24(2), 275-284.",
                     "",
                     "Batislam, E. P. (2007). Empirical validation and comparison of models for customer base "
                     "analysis. *IJRM*, 24(3), 201-209.",
                     "",
                     "Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note 025.",
                     "", "Examples", "--------", ">>> 1 + 1", "    2"]


def _unimported(examples) -> set[str]:
    """Names an example reads that neither it nor Python defines (the shared example data aside)."""
    bound, used = set(dir(builtins)) | EXAMPLE_DATA, set()
    for ex in examples:
        try:
            tree = ast.parse(ex.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.Name):
                (bound if isinstance(node.ctx, ast.Store) else used).add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
    return used - bound


def test_docstring_examples_import_what_they_use():
    finder, offenders = doctest.DocTestFinder(exclude_empty=True), {}
    for name in _modules():
        if name in EXAMPLES_WITHOUT_IMPORTS:
            continue
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            if missing := _unimported(test.examples):
                offenders[test.name] = sorted(missing)
    assert not offenders, f"examples that use names they do not import: {offenders}"


# ----------------------------------------------------------------------------- the build


@pytest.mark.slow
def test_the_documentation_builds_without_a_warning(tmp_path):
    """``make docs`` as CI runs it: every warning (a broken page, link, docstring or import) fails the build."""
    out = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS),
                          str(tmp_path / "html"), "-d", str(tmp_path / "doctrees")],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, (out.stderr or out.stdout)[-4000:]
    html = tmp_path / "html"
    for page in PAGES:
        assert (html / page.with_suffix(".html").name).is_file(), page.name
    for name in _modules():
        assert (html / "api" / "generated" / f"{name}.html").is_file(), name
    # autodoc documented the members, not just the module's title
    datasets = (html / "api" / "generated" / "kamlib.datasets.html").read_text(encoding="utf-8")
    assert 'id="kamlib.datasets.online_retail"' in datasets and 'id="kamlib.datasets.ecsi"' in datasets
