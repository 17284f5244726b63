"""The notebooks of the workbench: what each takes from the study, and its parameters cell.

Each notebook declares, once, in its metadata (``metadata.kam``) the study sections it takes and
its stage of the framework::

    "kam": {"sections": ["transactions", "clv", "tiers"], "stage": "identify", "produces": ["key_accounts"]}

A notebook that records a stage result for later notebooks (``art.keep("key_accounts", ...)``) lists it under
``produces``; one that reads it (:func:`kamlib.workbench.notebook.stage_result`) lists it under ``needs``. The
runner runs the producer first, and a test checks the declarations against the code.

Its cell tagged ``parameters`` is generated from the study schema for those sections
(:func:`parameters_cell`; ``kam sync-parameters`` rewrites it), and a test fails when the two
drift apart. The runner passes the study's values for the same names, plus ``notebook`` (the
file's own name, so that a renamed copy labels its artefacts with its new name) and
``output_dir``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ..config import NOTEBOOKS
from ..errors import KamError

__all__ = ["GLOBAL_PARAMETERS", "NotebookInfo", "STAGES", "available", "info", "parameters_cell", "sync"]

#: Parameters every notebook takes, besides those of its sections.
GLOBAL_PARAMETERS = ("study_name", "language", "seed", "figure_dpi")
#: Names the runner passes that are not study parameters.
RUNNER_PARAMETERS = ("notebook", "output_dir")
#: Stages of the framework (identify, segment, understand, act, evaluate; docs/report.md), in report order.
STAGES = ("literature", "understand", "identify", "segment", "act", "evaluate")


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook's declaration: its name (file stem), study sections, framework stage and title (its first
    Markdown heading without the number: what the report's subsection is called)."""

    name: str
    path: Path
    sections: tuple[str, ...]
    stage: str
    title: str = ""
    produces: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


def _read(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KamError(f"{path} is not a readable notebook ({exc}); restore it from git.") from None


def info(path: str | Path) -> NotebookInfo:
    """Read a notebook's declaration from its metadata (plain JSON: importing nbformat costs seconds)."""
    from .study import Study

    path = Path(path)
    nb = _read(path)
    meta = nb.get("metadata", {}).get("kam")
    if not isinstance(meta, dict) or "sections" not in meta:
        raise KamError(f"{path.name} does not declare the study sections it takes; add to its metadata "
                       '"kam": {"sections": [...], "stage": "..."} and run `kam sync-parameters`.')
    known = [k for k, f in Study.model_fields.items() if isinstance(f.default, BaseModel)]
    bad = [s for s in meta["sections"] if s not in known]
    if bad:
        raise KamError(f"{path.name} declares the unknown study section {bad[0]!r}; choose from {', '.join(known)}.")
    stage = meta.get("stage", "other")
    if stage not in STAGES:
        raise KamError(f"{path.name} declares the unknown stage {stage!r}; choose from {', '.join(STAGES)}.")
    heading = next((line for c in nb.get("cells", []) if c.get("cell_type") == "markdown"
                    for line in "".join(c.get("source", [])).splitlines() if line.startswith("# ")), "")
    title = re.sub(r"^#\s+(\d+\s+)?", "", heading).strip() or path.stem
    return NotebookInfo(path.stem, path, tuple(meta["sections"]), stage, title,
                        tuple(meta.get("produces", ())), tuple(meta.get("needs", ())))


def available(folder: Path = NOTEBOOKS) -> list[str]:
    """Names of the notebooks in ``folder``, in file-name order (the numbers give the order)."""
    return sorted(p.stem for p in Path(folder).glob("*.ipynb"))


def path_of(name: str, folder: Path = NOTEBOOKS) -> Path:
    """The file of notebook ``name``; a one-sentence error naming the choices if there is none."""
    path = Path(folder) / f"{name}.ipynb"
    if not path.exists():
        raise KamError(f"There is no notebook {name!r} in notebooks/; choose from {', '.join(available(folder))}.")
    return path


def _literal(value) -> str:
    """A Python literal for a JSON value, with double-quoted strings (as the cells are written)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(str(k))}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {value!r}")


def parameters_cell(name: str, sections: tuple[str, ...] | list[str]) -> str:
    """The source of the ``parameters`` cell for a notebook taking ``sections``: the schema's
    defaults, one ``section_key = value`` line each."""
    from .study import Study

    flat = Study().parameters(sections)
    lines = [f"# Generated from the study schema (sections: {', '.join(sections) or 'none'}) by `kam sync-parameters`;",
             "# the runner replaces these values with the study file's. Edit the schema, not this cell.",
             f"notebook = {_literal(name)}"]
    lines += [f"{k} = {_literal(v)}" for k, v in flat.items()]
    lines.append("output_dir = None")
    return "\n".join(lines)


def parameters_cell_of(path: str | Path) -> str:
    """The current source of the notebook's cell tagged ``parameters``."""
    nb = _read(Path(path))
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise KamError(f"{Path(path).name} has no cell tagged 'parameters'; tag its first code cell 'parameters'.")
    src = cells[0]["source"]
    return "".join(src) if isinstance(src, list) else src


def sync(path: str | Path) -> bool:
    """Rewrite the notebook's parameters cell from the schema; returns whether it changed."""
    path = Path(path)
    nb_info = info(path)
    nb = _read(path)
    want = parameters_cell(nb_info.name, nb_info.sections)
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    old = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    if old == want:
        return False
    lines = want.split("\n")
    cell["source"] = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return True

