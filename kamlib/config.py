"""Path constants of the workbook, built from the project root."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA", "DEFAULT_STUDY", "NOTEBOOKS", "RAW", "ROOT", "SHARED", "STUDIES", "project_path", "reports_root"]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
RAW = DATA / "raw"
STUDIES = ROOT / "studies"
DEFAULT_STUDY = STUDIES / "default.yaml"
SHARED = ROOT.parent / "shared"


def reports_root() -> Path:
    """Where reports are written.

    Returns
    -------
    Path
        ``$KAM_REPORTS_DIR`` if set, else ``reports/`` in the project root.
    """
    return Path(os.environ.get("KAM_REPORTS_DIR", ROOT / "reports"))


def project_path(path: str | Path) -> Path:
    """A path as written in a study or notebook, made usable.

    Parameters
    ----------
    path : str or Path
        Absolute, relative to the working directory, or relative to the project root.

    Returns
    -------
    Path
        The path itself if absolute or existing from the working directory, else under the project root.

    Examples
    --------
    >>> project_path("data/survey/instrument.yaml").name
    'instrument.yaml'
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return ROOT / p
