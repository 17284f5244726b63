"""Path constants of the workbook, built from the project root, and where an installed kamlib finds its data.

In a checkout of the workbook, :data:`ROOT` is the project folder and :data:`DATA` its ``data/`` folder. A kamlib
installed from a wheel carries the data it reads (``data/raw``, ``data/literature``, ``data/lexicon``,
``data/survey``) inside the package, as ``kamlib/data/``, and :data:`DATA` points there; the notebooks and
studies belong to the workbook and are not in the wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CHECKOUT", "DATA", "DEFAULT_STUDY", "NOTEBOOKS", "RAW", "ROOT", "SHARED", "STUDIES", "project_path",
           "reports_root"]

_PACKAGE = Path(__file__).resolve().parent
_SHIPPED = _PACKAGE / "data"  # the wheel's copy of data/ (pyproject.toml: package-dir "kamlib.data" = "data")

#: The folder above the package: the project folder in a checkout (site-packages in an installed wheel).
ROOT = _PACKAGE.parent
#: True in a checkout of the workbook, False when kamlib is an installed wheel carrying its data.
CHECKOUT = not _SHIPPED.is_dir()
NOTEBOOKS = ROOT / "notebooks"
#: The shipped data: ``data/`` of the checkout, or the wheel's ``kamlib/data/``.
DATA = ROOT / "data" if CHECKOUT else _SHIPPED
RAW = DATA / "raw"
STUDIES = ROOT / "studies"
DEFAULT_STUDY = STUDIES / "default.yaml"
SHARED = ROOT.parent / "shared"


def reports_root() -> Path:
    """Where reports are written.

    Returns
    -------
    Path
        ``$KAM_REPORTS_DIR`` if set, else ``reports/`` in the project root (in the working directory when
        kamlib is an installed wheel, never inside site-packages).
    """
    return Path(os.environ.get("KAM_REPORTS_DIR", (ROOT if CHECKOUT else Path.cwd()) / "reports"))


def project_path(path: str | Path) -> Path:
    """A path as written in a study or notebook, made usable.

    Parameters
    ----------
    path : str or Path
        Absolute, relative to the working directory, or relative to the project root.

    Returns
    -------
    Path
        The path itself if absolute or existing from the working directory, else under the project root; a path
        under ``data/`` is under :data:`DATA`, so ``data/survey/instrument.yaml`` is found in a wheel as well.

    Examples
    --------
    >>> from kamlib.config import project_path
    >>> project_path("data/survey/instrument.yaml").is_file()
    True
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    if p.parts[:1] == ("data",):
        return DATA.joinpath(*p.parts[1:])
    return ROOT / p
