import numpy as np
import pandas as pd
import pytest

from kamlib import concentration
from kamlib.errors import KamError


def _gini_bruteforce(x):
    x = np.asarray(x, float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())


def test_gini_against_mean_absolute_difference():
    rng = np.random.default_rng(3)
    for x in (rng.lognormal(size=300), rng.exponential(size=50), [1, 1, 1, 1], [0, 0, 0, 10]):
        assert concentration.gini(x) == pytest.approx(_gini_bruteforce(x))
    assert concentration.gini([5, 5, 5]) == 0
    assert concentration.gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n - 1) / n


def test_pareto_table_and_lorenz():
    v = np.arange(1, 11)  # 1..10, total 55
    p = concentration.pareto_table(v, shares=(0.1, 0.2, 0.5))
    assert list(p["value"]) == [10, 19, 40]
    assert p["value_share"].iloc[1] == pytest.approx(19 / 55)
    lz = concentration.lorenz(v)
    assert lz.iloc[0].tolist() == [0, 0] and lz.iloc[-1].tolist() == [1, 1]
    assert lz["value_share"].iloc[5] == pytest.approx(15 / 55)


def test_abc_classes():
    v = pd.Series([50, 30, 10, 5, 3, 2], index=list("abcdef"))
    cls = concentration.abc_classes(v)
    assert cls.to_dict() == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C", "f": "C"}
    t = concentration.abc_table(v)
    assert t["value_share"].sum() == pytest.approx(1)


def test_bad_values():
    with pytest.raises(KamError):
        concentration.gini([1, -2])
    with pytest.raises(KamError):
        concentration.abc_classes(pd.Series([1.0]), a=0.9, b=0.8)
