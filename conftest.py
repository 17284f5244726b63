"""Test-wide settings: reports written by tests (and by nbval's notebook runs) go to a temporary folder."""

import os
import tempfile

os.environ.setdefault("KAM_REPORTS_DIR", tempfile.mkdtemp(prefix="kam-test-reports-"))
os.environ.setdefault("MPLBACKEND", "Agg")

# `python -m kamlib` runs the CLI on import: not a module for doctest collection.
collect_ignore = ["kamlib/__main__.py"]
