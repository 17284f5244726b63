"""What an examiner found unsaid in the reports of two studies unlike the default (issue 48, examiner's read): the
relationship-quality study (studies/relationship_quality.yaml: a declared model TR, CM, SAT, LOY, account size as a
moderator) and a B2B export without a survey (tests/exports.py ``superstore``).

Unit tests first (fast); the notebook tests share one module-scoped quick run of the relationship-quality study."""

from __future__ import annotations

import pandas as pd
import pytest

from kamlib import stage_results as sr
from kamlib.errors import KamError


# ------------------------------------------------------------------------ the claims check is named by what it checks

def test_the_personalisation_claim_check_is_named_by_what_it_checks(tmp_path):
    assert "f001" not in sr.CHECKS and "personalised_lift" in sr.CHECKS
    claims = sr.load_claims("data/literature/claims.csv")
    assert "personalised_lift" in set(claims["check"]) and "f001" not in set(claims["check"])
    act = sr.Act(personalised_lift=0.3, personalised_lift_ci=(0.1, 0.5), personalised_verdict="supports the claim",
                 personalised_method="itemcf", personalised_claim_measure="hit rate")
    [c4] = [c for c in sr.confront(sr.StageResults(act=act), claims) if c.id == "C4"]
    assert c4.verdict == sr.AGREES and "raises the holdout hit rate" in str(c4.evidence)  # behaviour kept
    old = tmp_path / "claims.csv"
    claims.assign(check=claims["check"].replace({"personalised_lift": "f001"})).to_csv(old, index=False)
    with pytest.raises(KamError, match="'f001', which is now called 'personalised_lift'"):
        sr.load_claims(old)
