"""Every notebook of the default study, run once through papermill with the quick parameters.

The values asserted are independent references: published estimates or counts of
the raw data, never numbers copied from a previous run.
"""

import json

import pytest

from kamlib.artefacts import sha256
from kamlib.study import load

pytestmark = pytest.mark.notebook


def test_every_notebook_ran_and_registered_its_artefacts(quick_report):
    manifest = json.loads((quick_report / "manifest.json").read_text())
    notebooks = {a["notebook"] for a in manifest["artefacts"]}
    assert notebooks == set(load(quick=True).notebooks)
    for a in manifest["artefacts"]:
        for f in a["files"]:
            assert (quick_report / f).exists(), f
        assert sha256(quick_report / a["path"]) == a["sha256"]
        assert a["caption"]["en"]
        assert (quick_report / "notebooks" / f"{a['notebook']}.html").exists()


def test_data_overview_counts_the_raw_sample(values):
    v = values("01_data_overview")
    assert v["n_customers"] == 2357 and v["n_rows"] == 6919


def test_key_accounts_reproduce_published_estimates(values):
    v = values("10_key_accounts")
    # Fader, Hardie & Lee (2005) on the CDNOW sample
    assert [round(v[f"bgnbd_{k}"], 3) for k in ("r", "alpha", "a", "b")] == [0.243, 4.414, 0.793, 2.426]
    assert round(v["bgnbd_loglik"], 1) == -9582.4
    assert [round(v[f"paretonbd_{k}"], 3) for k in ("r", "alpha", "s", "beta")] == [0.553, 10.578, 0.606, 11.669]
    # Fader & Hardie (2013) Gamma-Gamma
    assert [round(v[f"gamma_gamma_{k}"], 2) for k in ("p", "q", "v")] == [6.25, 3.74, 15.44]
    assert v["n_calibration_customers"] == 2357
    assert 0 < v["gini"] < 1 and v["key_accounts"] > 0
