"""One owner of total effects (issue 48 follow-up, item 1): the SEM's, the PLS model's and the IPMA's total effects
are :func:`kamlib.survey._shared.total_effects`; the IPMA keeps its seminr values (tests/test_importance.py)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib.survey._shared import total_effects

ROOT = Path(__file__).resolve().parents[1]


def _by_enumeration(B: np.ndarray) -> np.ndarray:
    """Sum over every directed path i -> ... -> j of the product of its coefficients (the definition)."""
    k = len(B)
    T = np.zeros_like(B)
    for i, j in itertools.product(range(k), range(k)):
        for length in range(1, k):
            for middle in itertools.permutations([v for v in range(k) if v not in (i, j)], length - 1):
                walk = (i, *middle, j)
                T[i, j] += np.prod([B[a, b] for a, b in zip(walk, walk[1:])])
    return T


@pytest.mark.parametrize("seed", range(5))
def test_total_effects_are_the_sum_over_every_path(seed):
    rng = np.random.default_rng(seed)
    k = 5
    B = np.triu(rng.normal(0, 0.5, (k, k)), 1) * (rng.random((k, k)) < 0.7)  # a random recursive model
    order = rng.permutation(k)
    B = B[np.ix_(order, order)]  # not written in causal order
    assert np.allclose(total_effects(B), _by_enumeration(B), atol=1e-12)
    labelled = total_effects(pd.DataFrame(B, index=list("abcde"), columns=list("abcde")))
    assert list(labelled.index) == list("abcde") and np.allclose(labelled.to_numpy(), _by_enumeration(B))


def test_no_survey_module_computes_total_effects_itself():
    """(I - B)^-1 - I written anywhere but _shared is a second owner."""
    pattern = re.compile(r"inv\(\s*(np\.)?eye\(.*?\)\s*-\s*[\w.()]+\)\s*-\s*(np\.)?eye|inv\(eye\s*-")
    for path in sorted((ROOT / "kamlib" / "survey").glob("*.py")):
        if path.name == "_shared.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), f"{path.name} computes total effects itself; call _shared.total_effects"
    for name in ("research_model.py", "pls.py", "importance.py"):
        assert "total_effects(" in (ROOT / "kamlib" / "survey" / name).read_text(encoding="utf-8"), name


def test_the_three_callers_agree_with_the_owner():
    """The PLS model's effects table and the research model's SEM total effects are the owner's numbers."""
    from kamlib.survey.research_model import declare

    rm = declare("M ~ X\nY ~ M + X")

    class Fit:  # the two columns total_effects reads from a fitted SEM's paths
        @staticmethod
        def paths():
            return pd.DataFrame({"lval": ["M", "Y", "Y"], "rval": ["X", "M", "X"], "std_estimate": [0.5, 0.4, 0.2]})

    t = rm.total_effects(Fit, "Y")
    assert t["X"] == pytest.approx(0.2 + 0.5 * 0.4) and t["M"] == pytest.approx(0.4)
