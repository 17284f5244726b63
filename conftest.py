"""Test-wide settings, and the names every docstring example may use, so that the examples run in ``make test`` (pytest --doctest-modules).

An example in a kamlib docstring can use, without defining them (see docs/architecture.md, "Examples"):

=========================  ==============================================================================
``pd``, ``np``             pandas and numpy
``tx``                     the CDNOW sample log (:func:`kamlib.datasets.cdnow`, 2,357 customers, 1997-98)
``summary``                its RFM summary up to 1997-09-30, in weeks (:func:`kamlib.rfm.summary`)
``cal``                    its calibration (to 1997-09-30) and holdout (to 1998-06-30) summary
``inst``                   the study's questionnaire (data/survey/instrument.yaml)
``data``                   300 simulated, cleaned answers to it (seed 1; simulated, not real respondents)
``scores``                 their construct scores, with ``key`` = 1 for key accounts
``items``                  the answers to the satisfaction items
``hs``                     the Holzinger-Swineford (1939) test scores, as shipped in semopy
=========================  ==============================================================================

They are built once per test session, and only when a docstring example runs.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest

# reports written by tests (and by nbval's notebook runs) go to a temporary folder
os.environ.setdefault("KAM_REPORTS_DIR", tempfile.mkdtemp(prefix="kam-test-reports-"))
os.environ.setdefault("MPLBACKEND", "Agg")

# `python -m kamlib` runs the CLI on import: not a module for doctest collection.
collect_ignore = ["kamlib/__main__.py"]

ROOT = Path(__file__).parent


@functools.cache
def _names() -> dict:
    import numpy as np
    import pandas as pd

    from kamlib import datasets, instrument, rfm
    from kamlib import survey_data as sd

    tx = datasets.cdnow(sample=True)
    inst = instrument.load(ROOT / "data" / "survey" / "instrument.yaml")
    data = sd.clean(sd.simulate(inst, 300, seed=1), inst).data
    scores = sd.construct_scores(data, inst)
    scores["key"] = (data["TIER"] == "key").astype(int)
    return {
        "pd": pd, "np": np, "tx": tx,
        "summary": rfm.summary(tx, end="1997-09-30"),
        "cal": rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30"),
        "inst": inst, "data": data, "scores": scores, "items": data[inst.constructs["SAT"]],
        "hs": datasets.holzinger_swineford(),
    }


@pytest.fixture(autouse=True)
def _doctest_names(request):
    if type(request.node).__name__ == "DoctestItem":
        request.getfixturevalue("doctest_namespace").update(_names())
