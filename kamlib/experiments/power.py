"""How many customers a campaign needs: sample size, detectable lift, power, and what peeking does.

* :func:`sample_size`, :func:`detectable_lift`, :func:`sample_size_plan` and :func:`power_curve`
  (statsmodels.stats.power, Cohen's h);
* :func:`peeking` shows what checking an A/A test at every look does to the false-positive rate.

References
----------
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.
Armitage, P., McPherson, C. K. & Rowe, B. C. (1969). Repeated significance tests on accumulating data. *Journal of
the Royal Statistical Society A*, 132(2), 235-244.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from scipy import stats

from ..errors import KamError

__all__ = ["detectable_lift", "peeking", "power_curve", "sample_size", "sample_size_plan"]


def sample_size(p_control: float, p_treatment: float, *, alpha: float = 0.05, power: float = 0.8,
                ratio: float = 1.0) -> int:
    """Customers per arm to detect ``p_control`` against ``p_treatment`` with a two-sided test.

    Parameters
    ----------
    p_control, p_treatment : float
        Conversion rates, strictly between 0 and 1 and different.
    alpha : float
        Two-sided significance level.
    power : float
        Power.
    ratio : float
        Treatment arm size relative to control.

    Returns
    -------
    int
        Customers in the control arm (rounded up).

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6 (effect size h).

    Examples
    --------
    >>> from kamlib.experiments import sample_size
    >>> sample_size(0.5, 0.6) > 300
    True
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for name, v in (("p_control", p_control), ("p_treatment", p_treatment)):
        if not 0 < v < 1:
            raise KamError(f"{name} is a conversion rate between 0 and 1, got {v}.")
    if p_control == p_treatment:
        raise KamError("p_control and p_treatment are equal: no sample size detects a zero effect.")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise KamError(f"alpha and power must be between 0 and 1, got {alpha} and {power}.")
    h = abs(proportion_effectsize(p_treatment, p_control))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=ratio, alternative="two-sided")
    return int(np.ceil(n))


def detectable_lift(p_control: float, n_per_arm: int, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest relative lift of a conversion rate that a two-arm test of ``n_per_arm`` customers per arm
    detects with ``power`` (two-sided, level ``alpha``): the inverse of :func:`sample_size`.

    Parameters
    ----------
    p_control : float
        Control conversion rate, strictly between 0 and 1.
    n_per_arm : int
        Customers per arm (at least 2).
    alpha, power : float
        As for :func:`sample_size`.

    Returns
    -------
    float
        Relative lift (0.25 = +25%); ``inf`` when even a conversion of 1 in the treatment arm is not detectable.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6 (effect size h).

    Examples
    --------
    >>> from kamlib.experiments import detectable_lift, sample_size
    >>> lift = detectable_lift(0.08, 2181)
    >>> round(lift, 2)
    0.31
    >>> sample_size(0.08, 0.08 * (1 + lift)) <= 2181
    True
    """
    from statsmodels.stats.power import NormalIndPower

    if not 0 < p_control < 1:
        raise KamError(f"p_control is a conversion rate between 0 and 1, got {p_control}.")
    if n_per_arm < 2:
        raise KamError(f"a test needs at least 2 customers per arm, got {n_per_arm}.")
    h = NormalIndPower().solve_power(nobs1=n_per_arm, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
    angle = np.arcsin(np.sqrt(p_control)) + h / 2  # Cohen's h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))
    if angle >= np.pi / 2:
        return float("inf")
    return float(np.sin(angle) ** 2 / p_control - 1)


def sample_size_plan(p_control: float, lifts=(0.05, 0.10, 0.20, 0.30), *, alpha: float = 0.05,
                     power: float = 0.8) -> pd.DataFrame:
    """Customers per arm needed to detect each relative lift of a conversion rate.

    Parameters
    ----------
    p_control : float
        Conversion rate of the control arm.
    lifts : sequence of float
        Relative lifts to plan for (0.2 = +20%).
    alpha, power : float
        Two-sided significance level and power.

    Returns
    -------
    DataFrame
        ``relative_lift``, ``p_control``, ``p_treatment``, ``n_per_arm``.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.

    Examples
    --------
    >>> from kamlib.experiments import sample_size_plan
    >>> bool(sample_size_plan(0.08, [0.2])["n_per_arm"].iloc[0] > 1000)
    True
    """
    return pd.DataFrame([{"relative_lift": lift, "p_control": p_control, "p_treatment": p_control * (1 + lift),
                          "n_per_arm": sample_size(p_control, p_control * (1 + lift), alpha=alpha, power=power)}
                         for lift in lifts])


def power_curve(p_control: float, lifts, n_per_arm, *, alpha: float = 0.05) -> pd.DataFrame:
    """Power for each relative lift and sample size per arm.

    Parameters
    ----------
    p_control : float
        Control conversion rate.
    lifts : sequence of float
        Relative lifts (0.1 = +10%).
    n_per_arm : sequence of int
        Sample sizes per arm.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    DataFrame
        Long table: ``relative_lift``, ``n_per_arm``, ``power``.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.

    Examples
    --------
    >>> from kamlib.experiments import power_curve
    >>> power_curve(0.1, [0.2], [100, 100000])["power"].round(2).tolist()[-1]
    1.0
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    rows = []
    for lift in lifts:
        h = abs(proportion_effectsize(min(p_control * (1 + lift), 0.999), p_control))
        for n in n_per_arm:
            rows.append({"relative_lift": lift, "n_per_arm": int(n),
                         "power": NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=1.0)})
    return pd.DataFrame(rows)


def peeking(looks=(1, 2, 3, 5, 10, 20), *, n_per_look: int = 500, p: float = 0.1, alpha: float = 0.05,
            n_sims: int = 2000, seed: int = 0) -> pd.DataFrame:
    """False-positive rate of an A/A test checked at every look and stopped at the first p < alpha.

    With one look the rate is ``alpha``; Armitage, McPherson & Rowe (1969) give 0.142 for five looks and
    0.193 for ten at alpha = 0.05.

    Parameters
    ----------
    looks : sequence of int
        Numbers of equally spaced looks to simulate.
    n_per_look : int
        Customers per arm added between looks.
    p : float
        Conversion rate of both arms.
    alpha : float
        Significance level of each look.
    n_sims : int
        Simulated tests.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        ``looks``, ``false_positive_rate``, ``se`` (simulation error), ``nominal_alpha``.

    References
    ----------
    Armitage, P., McPherson, C. K. & Rowe, B. C. (1969). Repeated significance tests on accumulating data.
    *JRSS A*, 132(2), 235-244.

    Examples
    --------
    >>> from kamlib.experiments import peeking
    >>> peeking((1,), n_per_look=100, n_sims=200, seed=1)["looks"].tolist()
    [1]
    """
    if n_sims < 1 or n_per_look < 1:
        raise KamError("peeking needs n_sims >= 1 and n_per_look >= 1.")
    rng = np.random.default_rng(seed)
    kmax = max(looks)
    za = stats.norm.ppf(1 - alpha / 2)
    rows = []
    a = rng.binomial(n_per_look, p, (n_sims, kmax)).cumsum(axis=1)
    b = rng.binomial(n_per_look, p, (n_sims, kmax)).cumsum(axis=1)
    for k in looks:
        at = np.round(np.linspace(kmax / k, kmax, k)).astype(int) - 1  # k equally spaced looks over the same data
        n = (at + 1) * n_per_look
        pa, pb = a[:, at] / n, b[:, at] / n
        pool = (pa + pb) / 2
        se = np.sqrt(pool * (1 - pool) * 2 / n)
        z = np.divide(pa - pb, se, out=np.zeros_like(pa), where=se > 0)
        rate = (np.abs(z) > za).any(axis=1).mean()
        rows.append({"looks": k, "false_positive_rate": rate,
                     "se": np.sqrt(rate * (1 - rate) / n_sims), "nominal_alpha": alpha})
    return pd.DataFrame(rows)
