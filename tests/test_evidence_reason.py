"""One reason why no purchase model is identified (the examiner's B2B report said "the log is too small" beside
"even 12,800 customers would not be enough: the customers buy too rarely"): kamlib.clv.evidence.Evidence.reason is
the one clause, its sentence and the identification's note read it."""

import json

import pytest

from kamlib.clv.evidence import SCALES, Evidence
from kamlib.config import ROOT


def test_the_reason_is_the_size_only_when_a_larger_log_would_do():
    rare = Evidence(800, 633, 20, 0.05, False, None, "", searched=True).reason
    assert "buy too rarely" in str(rare) and "too small" not in str(rare)
    assert f"{SCALES[-1] * 800:,}" in str(rare)
    small = Evidence(800, 633, 20, 0.05, False, 3200, "").reason
    assert "too small" in str(small) and "3,200" in str(small) and "rarely" not in str(small)
    assert Evidence(800, 633, 20, 0.9, True, None, "").reason is None
    assert "(英文原文)" not in rare.translate("zh") and "12,800" in rare.translate("zh")


def test_the_identification_note_reads_the_reason_not_its_own_words():
    nb = json.loads((ROOT / "notebooks" / "10_key_accounts.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "the log is too small to identify dropout" not in code
    # the tiers' one reason (kamlib.tiers.unvalued_reason reads the evidence's), which the note and captions read
    assert "evidence=proof" in code and "reason=unvalued" in code


@pytest.mark.slow
def test_an_inconclusive_check_asks_for_more_draws_only_when_they_could_show_identification():
    """Examiner: at 60% recovered against the rule's 80%, more simulated logs would most likely confirm that the log
    cannot identify dropout; the fix then names more data. At 85% (above the cut-off, interval still spanning it)
    more draws could decide for identification, and the fix asks for them."""
    from kamlib.clv.evidence import Evidence

    below = Evidence(800, 633, 20, 0.6, False, None, "")
    above = Evidence(800, 633, 12, 10 / 12, False, None, "")
    assert below.inconclusive and above.inconclusive
    assert str(below.fix).startswith("a larger log or a longer calibration period")
    assert "would most likely confirm that this log cannot identify dropout" in str(below.fix)
    assert str(above.fix).startswith("more simulated logs, so that the interval decides")
    assert below.fix.translate("zh") != str(below.fix)  # a Chinese sentence exists
