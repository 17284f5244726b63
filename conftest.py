"""Test-wide settings, and the names every docstring example may use, so that the examples run in ``make test`` (pytest --doctest-modules).

An example in a kamlib docstring can use, without defining them (see docs/architecture.md, "Examples"):

=========================  ==============================================================================
``pd``, ``np``             pandas and numpy
``tx``                     the CDNOW sample log (:func:`kamlib.datasets.cdnow`, 2,357 customers, 1997-98)
``cal``                    its calibration (to 1997-09-30) and holdout (to 1998-06-30) RFM summary, in weeks
``bgnbd``, ``gg``          the BG/NBD and Gamma-Gamma models fitted to ``cal`` (:func:`kamlib.clv.fit`)
``base``, ``tier``         ``cal`` with P(alive) and 12-month CLV (:func:`kamlib.clv.customer_base`), and its tiers
``datasets``, ``rfm``,     kamlib modules (where a module defines a function of the same name, the function)
``clv``, ``survey``
``inst``                   the study's questionnaire (data/survey/instrument.yaml)
``data``                   300 simulated, cleaned answers to it (seed 1; simulated, not real respondents)
``scores``                 their construct scores, with ``key`` = 1 for key accounts
``items``                  the answers to the satisfaction items
``hs``                     the Holzinger-Swineford (1939) test scores, as shipped in semopy
``ecsi``, ``model``        the real ECSI satisfaction survey (250 respondents) and its PLS-SEM (:func:`kamlib.survey.pls.fit`)
=========================  ==============================================================================

They are built once per test session, and only when a docstring example runs. A name the module itself defines
keeps the module's meaning.
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
# one BLAS/OpenMP thread per test process: the two xdist workers and the notebook kernels beside them already use
# both cores, and threads that wait for each other on a busy core make small linear algebra many times slower
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# `python -m kamlib` runs the CLI on import: not a module for doctest collection.
collect_ignore = ["kamlib/__main__.py"]

ROOT = Path(__file__).parent


@functools.cache
def _names() -> dict:
    import numpy as np
    import pandas as pd

    from kamlib import clv, datasets, rfm, survey, tiers
    from kamlib.survey import instrument, pls
    from kamlib.survey import responses as sd

    tx = datasets.cdnow(sample=True)
    inst = instrument.load(ROOT / "data" / "survey" / "instrument.yaml")
    data = sd.clean(sd.simulate(inst, 300, seed=1), inst).data
    scores = sd.construct_scores(data, inst)
    scores["key"] = (data["TIER"] == "key").astype(int)
    cal = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30")
    base = clv.customer_base(cal, months=12)[0]
    ecsi = datasets.ecsi("satisfaction")
    return {
        "base": base, "tier": tiers.assign(base).tier,
        "pd": pd, "np": np, "tx": tx, "cal": cal, "bgnbd": clv.fit(cal, "bgnbd"), "gg": clv.fit(cal, "gamma_gamma"),
        "datasets": datasets, "rfm": rfm, "clv": clv, "survey": survey,
        "inst": inst, "data": data, "scores": scores, "items": data[inst.constructs["SAT"]],
        "hs": datasets.holzinger_swineford(), "ecsi": ecsi,
        "model": pls.fit(ecsi, paths=datasets.ECSI_PATHS["satisfaction"], blocks=datasets.ECSI_BLOCKS["satisfaction"]),
    }


@pytest.fixture(autouse=True)
def _doctest_names(request):
    if type(request.node).__name__ == "DoctestItem":
        namespace, own = request.getfixturevalue("doctest_namespace"), request.node.dtest.globs
        for name, value in _names().items():
            namespace.pop(name, None)
            if name not in own:
                namespace[name] = value
