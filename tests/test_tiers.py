import pandas as pd
import pytest

from kamlib import tiers
from kamlib.errors import KamError


def test_tier_rule_on_a_hand_made_base():
    base = pd.DataFrame({
        "revenue": [100, 90, 10, 5, 4, 3, 2, 1, 1, 1],
        "clv":     [50, 1, 60, 20, 15, 1, 1, 1, 1, 1],
        "p_alive": [0.9, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    }, index=list("abcdefghij"))
    t = tiers.assign(base, key_clv_share=0.2, growth_clv_share=0.5, min_p_alive=0.5)
    assert t["a"] == "Key account"            # top revenue, alive
    assert t["b"] == "At-risk key account"    # top revenue, P(alive) 0.1
    assert t["c"] == "Potential key account"  # not top revenue, top-2 CLV
    assert t["d"] == "Develop" and t["e"] == "Develop"
    assert t["j"] == "Maintain"
    tab = tiers.table(base, t)
    assert tab["customers"].sum() == 10 and tab["clv_share"].sum() == pytest.approx(1)


def test_bad_thresholds():
    base = pd.DataFrame({"revenue": [1], "clv": [1], "p_alive": [1]})
    with pytest.raises(KamError, match="key_clv_share"):
        tiers.assign(base, key_clv_share=0.6, growth_clv_share=0.5)
