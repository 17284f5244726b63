"""Calibration/holdout validation of purchase models, as tidy tables for the standard figures.

The figures follow Fader, Hardie and Lee (2005): the calibration-period histogram of
repeat purchases, the weekly and cumulative repeat transactions through the holdout
period, and the conditional expectation of holdout purchases by calibration frequency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .clv import LABELS, Fitted
from .errors import require_columns
from .rfm import UNIT_DAYS

__all__ = ["PUBLISHED_CDNOW", "comparison", "conditional_expectation", "frequency_histogram", "published_comparison",
           "tracking"]

#: Published estimates on the CDNOW sample (2,357 customers, calibration 1997-01-01 to 1997-09-30, in weeks):
#: (model, parameter, value, source).
PUBLISHED_CDNOW = [
    *[("bgnbd", k, v, "Fader, Hardie & Lee (2005), BG/NBD") for k, v in
      (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426))],
    *[("paretonbd", k, v, "Fader, Hardie & Lee (2005), Pareto/NBD") for k, v in
      (("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669))],
    *[("gamma_gamma", k, v, "Fader & Hardie (2013), Gamma-Gamma") for k, v in (("p", 6.25), ("q", 3.74), ("v", 15.44))],
]


def frequency_histogram(summary: pd.DataFrame, models: dict[str, Fitted], max_x: int = 7) -> pd.DataFrame:
    """Customers by number of calibration repeat purchases: actual and expected by each model.

    The expected count of customers with ``x`` repeats is the sum over customers of P(X(T_i) = x);
    Pareto/NBD is omitted (lifetimes has no closed form for it).

    Parameters
    ----------
    summary : DataFrame
        Calibration summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    max_x : int
        The last bar counts "max_x or more".

    Returns
    -------
    DataFrame
        ``repeat_purchases``, ``actual`` and one column per model.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 3)

    Examples
    --------
    >>> frequency_histogram(cal, {"bgnbd": bgnbd}).round(1).head(3)
      repeat_purchases  actual  BG/NBD
    0                0    1411  1407.7
    1                1     439   460.3
    2                2     214   192.5
    """
    xs = np.arange(max_x + 1)
    out = pd.DataFrame({"repeat_purchases": [str(x) for x in xs[:-1]] + [f"{max_x}+"]})
    out["actual"] = [int((summary["frequency"] == x).sum()) for x in xs[:-1]] + [int((summary["frequency"] >= max_x).sum())]
    Ts = summary["T"].value_counts()
    for name, m in models.items():
        if not hasattr(m.fitter, "probability_of_n_purchases_up_to_time"):
            continue
        probs = np.array([[m.fitter.probability_of_n_purchases_up_to_time(t, x) for x in xs[:-1]] for t in Ts.index])
        expected = (probs * Ts.to_numpy()[:, None]).sum(axis=0)
        out[LABELS[name]] = list(expected) + [len(summary) - expected.sum()]
    return out


def tracking(transactions: pd.DataFrame, summary: pd.DataFrame, models: dict[str, Fitted], *, start, calibration_end,
             holdout_end, unit: str = "W") -> pd.DataFrame:
    """Repeat transactions per period (and cumulative), actual and expected, over calibration and holdout.

    Only the calibration cohort (customers in ``summary``) is tracked; a transaction is a customer's purchase
    day after their first one.

    Parameters
    ----------
    transactions : DataFrame
        The log.
    summary : DataFrame
        Calibration summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    start, calibration_end, holdout_end : date-like
        The periods.
    unit : {"D", "W", "M"}
        Length of a tracking period.

    Returns
    -------
    DataFrame
        ``period``, ``period_end``, ``actual`` and one column per model, each with a ``_cumulative`` column,
        and ``holdout`` (True after the calibration end).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 4)

    Examples
    --------
    >>> track = tracking(tx, cal, {"bgnbd": bgnbd}, start="1997-01-01", calibration_end="1997-09-30",
    ...                  holdout_end="1998-06-30")
    >>> len(track), int(track["holdout"].sum())
    (78, 39)
    """
    require_columns(transactions, ["customer_id", "date"], where="the transactions")
    start, cal_end, hold_end = (pd.Timestamp(d) for d in (start, calibration_end, holdout_end))
    from .transactions import purchase_days

    days = purchase_days(transactions[transactions["customer_id"].isin(summary.index)]).rename(columns={"date": "day"})
    first = days.groupby("customer_id")["day"].transform("min")
    repeat = days.loc[(days["day"] > first) & (days["day"] <= hold_end), "day"]
    step = UNIT_DAYS[unit]
    n_periods = int(np.ceil(((hold_end - start).days + 1) / step))
    edges = np.arange(1, n_periods + 1) * step  # days since start at each period end
    period_of = np.floor((repeat - start).dt.days / step).astype(int)
    actual = np.bincount(period_of, minlength=n_periods)[:n_periods]
    out = pd.DataFrame({"period": np.arange(1, n_periods + 1),
                        "period_end": start + pd.to_timedelta(edges - 1, unit="D"),
                        "actual": actual})
    cohort = ((summary["first_day"] - start).dt.days).value_counts()
    for name, m in models.items():
        cum = np.zeros(n_periods)
        for d0, count in cohort.items():
            t = np.clip(edges - d0, 0, None) / step
            cum += count * m.unconditional_purchases(t)
        out[LABELS[name]] = np.diff(np.concatenate([[0.0], cum]))
    for col in [c for c in out.columns if c not in ("period", "period_end")]:
        out[f"{col}_cumulative"] = out[col].cumsum()
    out["holdout"] = out["period_end"] > cal_end
    return out


def conditional_expectation(cal_hold: pd.DataFrame, models: dict[str, Fitted], max_x: int = 7) -> pd.DataFrame:
    """Mean holdout purchases by calibration repeat purchases: actual and each model's conditional expectation.

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.
    max_x : int
        The last group is "max_x or more".

    Returns
    -------
    DataFrame
        ``calibration_repeat_purchases``, ``customers``, ``actual`` and one column per model.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. (Figure 5)

    Examples
    --------
    >>> conditional_expectation(cal, {"bgnbd": bgnbd}).round(2).head(3)
      calibration_repeat_purchases  customers  actual  BG/NBD
    0                            0       1411    0.24    0.23
    1                            1        439    0.70    0.52
    2                            2        214    1.39    1.04
    """
    require_columns(cal_hold, ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"],
                    where="the calibration/holdout table")
    x = cal_hold["frequency"].clip(upper=max_x)
    out = cal_hold.assign(group=x).groupby("group").agg(customers=("frequency", "size"),
                                                        actual=("frequency_holdout", "mean"))
    t = float(cal_hold["duration_holdout"].iloc[0])
    for name, m in models.items():
        pred = pd.Series(m.expected_purchases(t, cal_hold), index=cal_hold.index)
        out[LABELS[name]] = pred.groupby(x).mean()
    out = out.reset_index()
    out["calibration_repeat_purchases"] = [str(g) if g < max_x else f"{max_x}+" for g in out.pop("group")]
    return out[["calibration_repeat_purchases"] + [c for c in out.columns if c != "calibration_repeat_purchases"]]


def comparison(cal_hold: pd.DataFrame, models: dict[str, Fitted]) -> pd.DataFrame:
    """Model comparison: log-likelihood, AIC, BIC and holdout errors per customer and in total.

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary.
    models : dict
        Model name to :class:`kamlib.clv.Fitted`.

    Returns
    -------
    DataFrame
        ``model``, ``loglik``, ``parameters``, ``aic``, ``bic``, ``holdout_mae``, ``holdout_rmse``,
        ``holdout_predicted``, ``holdout_actual``, ``holdout_total_error_pct`` and ``degenerate`` (the parameters
    at a bound, empty for a regular fit).

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative
    to the Pareto/NBD model. *Marketing Science*, 24(2), 275-284.
    Akaike, H. (1974). A new look at the statistical model identification. *IEEE TAC*, 19(6), 716-723.

    Examples
    --------
    >>> comparison(cal, {"bgnbd": bgnbd, "mbgnbd": clv.fit(cal, "mbgnbd")})[["model", "loglik"]].round(1)
         model  loglik
    0   BG/NBD -9582.4
    1  MBG/NBD -9582.1
    """
    t = float(cal_hold["duration_holdout"].iloc[0])
    actual = cal_hold["frequency_holdout"].to_numpy(float)
    rows = []
    for name, m in models.items():
        pred = m.expected_purchases(t, cal_hold)
        rows.append({"model": LABELS[name], "loglik": m.loglik, "parameters": len(m.params), "aic": m.aic,
                     "bic": m.bic, "holdout_mae": float(np.mean(np.abs(pred - actual))),
                     "holdout_rmse": float(np.sqrt(np.mean((pred - actual) ** 2))),
                     "holdout_predicted": float(pred.sum()), "holdout_actual": float(actual.sum()),
                     "holdout_total_error_pct": float(100 * (pred.sum() - actual.sum()) / actual.sum()),
                     "degenerate": ", ".join(m.at_bound) if m.at_bound else ""})
    return pd.DataFrame(rows)


def published_comparison(models: dict[str, Fitted], published=PUBLISHED_CDNOW) -> pd.DataFrame:
    """Published estimates beside the fitted ones, for the models that were fitted.

    Parameters
    ----------
    models : dict
        Model name to :class:`kamlib.clv.Fitted` (fitted on the data the publication used).
    published : list of tuple
        ``(model, parameter, value, source)``; default :data:`PUBLISHED_CDNOW`.

    Returns
    -------
    DataFrame
        ``model``, ``parameter``, ``published``, ``estimate``, ``difference`` (estimate minus published, at
        the published number of decimals) and ``source``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). Counting your customers the easy way: an alternative to
    the Pareto/NBD model. *Marketing Science*, 24(2), 275-284. Fader, P. S. & Hardie, B. G. S. (2013). The
    Gamma-Gamma model of monetary value. Note 025.

    Examples
    --------
    >>> published_comparison({})
    Empty DataFrame
    Columns: [model, parameter, published, estimate, difference, source]
    Index: []
    """
    rows = []
    for model, param, value, source in published:
        if model in models:
            decimals = len(f"{value}".split(".")[1]) if "." in f"{value}" else 0
            est = float(models[model].params[param])
            rows.append({"model": LABELS[model], "parameter": param, "published": value, "estimate": est,
                         "difference": round(round(est, decimals) - value, decimals), "source": source})
    return pd.DataFrame(rows, columns=["model", "parameter", "published", "estimate", "difference", "source"])
