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
