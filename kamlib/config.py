"""Path constants of the workbook, built from the project root."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
RAW = DATA / "raw"
STUDIES = ROOT / "studies"
DEFAULT_STUDY = STUDIES / "default.yaml"
SHARED = ROOT.parent / "shared"


def reports_root() -> Path:
    """Where reports are written: ``reports/`` or ``$KAM_REPORTS_DIR``."""
    return Path(os.environ.get("KAM_REPORTS_DIR", ROOT / "reports"))


def project_path(path: str | Path) -> Path:
    """A path as written in a study or notebook: relative to the working directory if it exists
    there, else to the project root (notebooks run with ``notebooks/`` as working directory)."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return ROOT / p
