"""Every CLV model, a machine-learning benchmark and the naive rules compared on the holdout, and the model for
the value tiers chosen by a stated rule.

A purchase model earns its place in key-account identification only by predicting the holdout better than what a
manager does without it: sort customers by past revenue, or by recency (Wübben & von Wangenheim 2008 found such
heuristics often as good). :func:`compare` puts each forecast on one table (customer-level error, rank correlation,
the holdout revenue its top share of customers capture with a bootstrap interval, aggregate bias, degenerate fits)
and :func:`choose` applies the rule (:func:`rule`).

Written by hand: the comparison is a table of standard metrics (scipy's Spearman correlation, the selection and
bootstrap of :func:`kamlib.act.strategy.capture`); no library compares BTYD models with heuristics.

References
----------
Wübben, M. & von Wangenheim, F. (2008). Instant customer base analysis: managerial heuristics often "get it right".
*Journal of Marketing*, 72(3), 82-93.
Malthouse, E. C. & Blattberg, R. C. (2005). Can we predict customer lifetime value? *Journal of Interactive
Marketing*, 19(1), 2-16.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError, require_columns
from ..i18n import Message

__all__ = ["Choice", "Forecast", "RULE", "Selection", "choose", "compare", "features", "ml_forecast",
           "model_forecasts", "naive_forecasts", "rule", "select"]


def rule(share: float = 0.2) -> Message:
    """The model-choice rule as the report states it, with the study's top share (``tiers.key_share``).

    Parameters
    ----------
    share : float
        The share of customers whose captured holdout revenue is compared.

    Returns
    -------
    Message
        Catalogue context ``phrase``.

    Examples
    --------
    >>> str(rule(0.1)).split(" capture ")[0][-33:]
    'is not degenerate and its top 10%'
    """
    return Message("a purchase model values the customers only when its fit is not degenerate and its top {share:.0%} "
                   "capture at least as much holdout revenue as the top {share:.0%} by past revenue; among those, the "
                   "lowest customer-level error of holdout revenue (MAE) wins (Wübben & von Wangenheim 2008)", "phrase",
                   share=share)


#: The model-choice rule at the default share of 20% (:func:`rule` words another share)
RULE = rule(0.2)

PAST_REVENUE, RECENCY = "Past revenue (naive rule)", "Recency (naive rule)"


@dataclass(frozen=True)
class Forecast(Result):
    """One forecast of the holdout: ``label``, ``kind`` (``"model"``, ``"machine learning"``, ``"naive rule"``),
    ``score`` (ranks customers; higher = more holdout revenue expected), ``revenue`` (predicted holdout revenue per
    customer, None for a pure ranking), ``degenerate`` (why the fit is degenerate; empty when it is not),
    ``model`` (the :func:`kamlib.clv.fit` name, for models)."""

    label: str
    kind: str
    score: np.ndarray
    revenue: np.ndarray | None = None
    degenerate: str = ""
    model: str = ""


def model_forecasts(cal_hold: pd.DataFrame, purchase_models: dict, spend) -> list[Forecast]:
    """Each purchase model's holdout revenue: expected purchases over the holdout times the Gamma-Gamma expected
    spend per purchase.

    Expected purchases come from :func:`kamlib.clv.validation.expected_purchases` (finite where the models' closed
    forms overflow); a model whose forecast is still not a finite number for every customer is left out, and
    :func:`select` says so in a note.

    Parameters
    ----------
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout` (``duration_holdout``).
    purchase_models : dict
        Name (as :func:`kamlib.clv.label` reads it) -> :class:`kamlib.clv.Fitted`.
    spend : Fitted or None
        Gamma-Gamma; without it the forecasts are purchases times the customer's mean calibration spend.

    Returns
    -------
    list of Forecast

    Examples
    --------
    >>> [f.label for f in model_forecasts(cal, {"bgnbd": bgnbd}, gg)]
    ['BG/NBD']
    """
    return _model_forecasts(cal_hold, purchase_models, spend)[0]


def _model_forecasts(cal_hold: pd.DataFrame, purchase_models: dict, spend) -> tuple[list[Forecast], list]:
    """:func:`model_forecasts` and one sentence per model left out because its forecast is not finite."""
    from .base import label
    from .validation import expected_purchases, quiet

    require_columns(cal_hold, ["duration_holdout", "frequency", "revenue"], where="the calibration/holdout summary",
                    fix="build it with kamlib.rfm.calibration_holdout")
    t = float(cal_hold["duration_holdout"].iloc[0])
    with quiet():
        per = (spend.expected_spend(cal_hold) if spend is not None else
               cal_hold["revenue"].to_numpy(float) / (cal_hold["frequency"].to_numpy(float) + 1))
    out, notes = [], []
    for name, m in purchase_models.items():
        with quiet():
            revenue = expected_purchases(m, t, cal_hold) * per
        bad = int((~np.isfinite(revenue)).sum())
        if bad:
            notes.append(Message("{model} is left out of the holdout comparison: its forecast of holdout revenue is "
                                 "not a finite number for {bad} of {n} customers at its fitted parameters, where the "
                                 "model's closed form overflows.", model=label(name), bad=bad, n=len(revenue)))
            continue
        out.append(Forecast(label(name), "model", revenue, revenue, ", ".join(m.at_bound), name))
    return out, notes

def naive_forecasts(cal_hold: pd.DataFrame, *, seed: int = 0) -> list[Forecast]:
    """The manager's rules: past revenue (forecast: the calibration revenue rate over the customer's age, times the
    holdout length) and recency (a ranking only: the most recent buyers first). Ties are broken at random, seeded.

    Parameters
    ----------
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout`.
    seed : int

    Returns
    -------
    list of Forecast

    Examples
    --------
    >>> [f.label for f in naive_forecasts(cal)]
    ['Past revenue (naive rule)', 'Recency (naive rule)']
    """
    require_columns(cal_hold, ["revenue", "recency", "T", "duration_holdout"], where="the calibration/holdout summary",
                    fix="build it with kamlib.rfm.calibration_holdout")
    rng = np.random.default_rng(seed)
    jitter = rng.random(len(cal_hold)) * 1e-9
    t = float(cal_hold["duration_holdout"].iloc[0])
    revenue = cal_hold["revenue"].to_numpy(float).clip(min=0)
    age = np.maximum(cal_hold["T"].to_numpy(float), 1.0)  # a customer seen for less than one unit: one unit
    rate = revenue / age * t
    silence = cal_hold["T"].to_numpy(float) - cal_hold["recency"].to_numpy(float)
    return [Forecast(PAST_REVENUE, "naive rule", revenue + jitter * max(revenue.max(), 1), rate),
            Forecast(RECENCY, "naive rule", -silence + jitter)]


def features(transactions: pd.DataFrame, *, end, unit: str = "W", start=None,
             covariates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Calibration features of each customer for the machine-learning benchmark: RFM (frequency, recency, T, the
    silence since the last purchase, monetary value, revenue), purchase regularity (mean log inter-purchase time),
    when the log has them the distinct products bought and the share of lines returned, and the customer's
    covariates (a text covariate as 0/1 columns).

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``, ``amount``; ``product`` and ``quantity`` used when present).
    end : date-like
        Last day of the feature window.
    unit : {"D", "W", "M"}
    start : date-like, optional
    covariates : DataFrame, optional
        :func:`kamlib.clv.covariates.customer_covariates` (a customer without a value gets none of the 0/1 columns).

    Returns
    -------
    DataFrame
        Indexed by customer.

    Examples
    --------
    >>> features(tx, end="1997-09-30").columns.tolist()[:4]
    ['frequency', 'recency', 'T', 'silence']
    """
    from .. import rfm
    from .regular import interpurchase

    s = rfm.summary(transactions, end=end, unit=unit, start=start)
    out = pd.DataFrame({"frequency": s["frequency"].to_numpy(float), "recency": s["recency"].to_numpy(float),
                        "T": s["T"].to_numpy(float)}, index=s.index)
    out["silence"] = out["T"] - out["recency"]
    for c in ("monetary_value", "revenue"):
        if c in s:
            out[c] = s[c].to_numpy(float)
    ip = interpurchase(transactions, end=end, unit=unit, start=start).reindex(out.index)
    out["mean_log_itt"] = np.where(ip["n_itt"] > 0, ip["litt"] / ip["n_itt"].clip(lower=1), np.nan)
    days = pd.to_datetime(transactions["date"]).dt.normalize()  # the end day is in the window, whatever the hour
    keep = (days <= pd.Timestamp(end)) & ((days >= pd.Timestamp(start)) if start is not None else True)
    window = transactions[keep.to_numpy()]
    g = window.groupby("customer_id")
    if "product" in window:
        out["products"] = g["product"].nunique().reindex(out.index).to_numpy(float)
    if "quantity" in window:
        # the share of a customer's lines that are returns, as a mean of a boolean column: vectorised
        returned = (window["quantity"] < 0).astype(float).groupby(window["customer_id"]).mean()
        out["returned_share"] = returned.reindex(out.index).to_numpy(float)
    if covariates is not None and len(covariates.columns):
        dummies = pd.get_dummies(covariates, prefix_sep="=", dtype=float).reindex(out.index).fillna(0.0)
        out = out.join(dummies.add_prefix("covariate."))
    return out


def ml_forecast(transactions: pd.DataFrame, cal_hold: pd.DataFrame, *, calibration_end, unit: str = "W",
                start=None, seed: int = 0, min_customers: int = 50,
                covariates: pd.DataFrame | None = None) -> Forecast | str:
    """Gradient-boosted trees (scikit-learn, Poisson loss) predicting each customer's holdout revenue from
    calibration features: trained on the same features one holdout-length earlier, with the revenue of the last
    holdout-length of the calibration period as the label, then applied at the calibration end.

    Parameters
    ----------
    transactions : DataFrame
        The log.
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout` (its customers are predicted; ``duration_holdout``).
    calibration_end : date-like
    unit : {"D", "W", "M"}
    start : date-like, optional
    seed : int
        ``random_state`` of the trees.
    min_customers : int
        Fewest customers in the training window.
    covariates : DataFrame, optional
        The customers' time-invariant covariates, as features (:func:`features`).

    Returns
    -------
    Forecast or str
        The forecast, or one sentence saying why the calibration period cannot train it.

    References
    ----------
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting machine. *Annals of Statistics*,
    29(5), 1189-1232, https://doi.org/10.1214/aos/1013203451. Pedregosa, F. et al. (2011). Scikit-learn: machine
    learning in Python. *JMLR*, 12, 2825-2830.

    Examples
    --------
    >>> from kamlib import rfm
    >>> short = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1997-12-31")
    >>> ml_forecast(tx, short, calibration_end="1997-09-30").label
    'Gradient-boosted trees (machine learning)'
    >>> ml_forecast(tx, cal, calibration_end="1997-09-30")[:60]  # a 39-week holdout after 39 weeks of calibration
    'The machine-learning benchmark needs a calibration period lo'
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    from ..rfm import UNIT_DAYS

    h = float(cal_hold["duration_holdout"].iloc[0])
    cut = pd.Timestamp(calibration_end) - pd.Timedelta(days=round(h * UNIT_DAYS[unit]))
    days = pd.to_datetime(transactions["date"]).dt.normalize()
    first = days.min() if start is None else max(days.min(), pd.Timestamp(start))
    if cut <= first:
        return Message("The machine-learning benchmark needs a calibration period longer than the holdout ({h:.0f} "
                       "{unit}): it trains on the features one holdout-length before the calibration end; choose an "
                       "earlier calibration start or a shorter holdout.", h=h, unit=unit)
    train_x = features(transactions, end=cut, unit=unit, start=start, covariates=covariates)
    label_window = transactions[((days > cut) & (days <= pd.Timestamp(calibration_end))).to_numpy()]
    label = label_window.groupby("customer_id")["amount"].sum().clip(lower=0).reindex(train_x.index).fillna(0.0)
    if len(train_x) < min_customers or label.sum() <= 0:
        return Message("The machine-learning benchmark has {n} customers and a revenue of {rev:,.0f} in its training "
                       "window; it needs at least {m} customers with some revenue: use a longer calibration period.",
                       n=len(train_x), rev=float(label.sum()), m=min_customers)
    trees = HistGradientBoostingRegressor(loss="poisson", max_iter=200, learning_rate=0.05,
                                          random_state=seed).fit(train_x, label.to_numpy(float))
    now = features(transactions, end=calibration_end, unit=unit, start=start, covariates=covariates
                   ).reindex(cal_hold.index)
    pred = np.clip(trees.predict(now[train_x.columns]), 0, None)
    return Forecast("Gradient-boosted trees (machine learning)", "machine learning", pred, pred)


def compare(cal_hold: pd.DataFrame, forecasts: list[Forecast], *, share: float = 0.2, n_boot: int = 200,
            seed: int = 0) -> pd.DataFrame:
    """One row per forecast: how well it predicts each customer's holdout revenue and how much of it its top
    ``share`` capture.

    Parameters
    ----------
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout` (``revenue_holdout``, ``frequency_holdout``).
    forecasts : list of Forecast
    share : float
        Share of customers selected (0.2: the key-account cut).
    n_boot : int
        Bootstrap resamples of the capture interval (customers resampled, selection redone).
    seed : int

    Returns
    -------
    DataFrame
        ``forecast``, ``kind``, ``revenue_mae``, ``revenue_rmse`` (NaN for a ranking only), ``rank_correlation``
        (Spearman, score vs holdout revenue), ``capture`` (share of holdout revenue in the top ``share``),
        ``capture_ci_lower``, ``capture_ci_upper``, ``aggregate_bias`` (predicted over actual total holdout revenue,
        minus 1), ``degenerate``.

    References
    ----------
    Wübben, M. & von Wangenheim, F. (2008). *Journal of Marketing*, 72(3), 82-93.

    Examples
    --------
    >>> table = compare(cal, model_forecasts(cal, {"bgnbd": bgnbd}, gg) + naive_forecasts(cal), n_boot=0)
    >>> table["forecast"].tolist()
    ['BG/NBD', 'Past revenue (naive rule)', 'Recency (naive rule)']
    """
    from scipy.stats import spearmanr

    from ..act.strategy import capture

    require_columns(cal_hold, ["revenue_holdout", "frequency_holdout"], where="the calibration/holdout summary",
                    fix="build it with kamlib.rfm.calibration_holdout")
    if not forecasts:
        raise KamError("compare() needs at least one forecast.")
    actual = cal_hold["revenue_holdout"].to_numpy(float)
    scores = pd.DataFrame({f.label: np.asarray(f.score, float) for f in forecasts})
    cap = capture(cal_hold, scores, share=share, n_boot=n_boot, seed=seed).set_index("rule")
    rows = []
    for f in forecasts:
        pred = None if f.revenue is None else np.asarray(f.revenue, float)
        rho = (spearmanr(_significant(f.score), _significant(actual)).statistic
               if np.std(actual) > 0 and np.std(f.score) > 0 else np.nan)
        rows.append({"forecast": f.label, "kind": f.kind,
                     "revenue_mae": float(np.mean(np.abs(pred - actual))) if pred is not None else np.nan,
                     "revenue_rmse": float(np.sqrt(np.mean((pred - actual) ** 2))) if pred is not None else np.nan,
                     "rank_correlation": float(rho), "capture": float(cap.loc[f.label, "holdout_revenue_share"]),
                     "capture_ci_lower": float(cap.loc[f.label, "revenue_ci_lower"]) if n_boot else np.nan,
                     "capture_ci_upper": float(cap.loc[f.label, "revenue_ci_upper"]) if n_boot else np.nan,
                     "aggregate_bias": float(pred.sum() / actual.sum() - 1) if pred is not None and actual.sum() > 0
                     else np.nan,
                     "degenerate": f.degenerate})
    return pd.DataFrame(rows)


def _significant(values, digits: int = 12) -> np.ndarray:
    """``values`` to ``digits`` significant digits before ranking: sums of the same amounts in another order (a
    multi-threaded aggregation) differ in the last bits, which would break ties differently from run to run."""
    v = np.asarray(values, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(v)))
    scale = 10.0 ** np.where(np.isfinite(exponent), digits - 1 - exponent, 0)
    return np.round(v * scale) / scale


def _identified(table: pd.DataFrame) -> pd.DataFrame:
    """The purchase models of a :func:`compare` table whose fit is not degenerate, indexed by forecast, best first
    (most holdout revenue captured, then the lower error)."""
    t = table.set_index("forecast") if "forecast" in table.columns else table
    fine = t[(t["kind"] == "model") & (t["degenerate"].fillna("").astype(str) == "")]
    return fine.sort_values(["capture", "revenue_mae"], ascending=[False, True])


@dataclass(frozen=True)
class Choice(Result):
    """The model :func:`choose` picked (``model``: its :func:`kamlib.clv.fit` name, empty for none; ``label``),
    the ``sentence`` that says why, with the numbers, and how many models ``qualified`` by :func:`rule` (0 when none
    was chosen; 1: the chosen model is the only one, and no error was compared)."""

    model: str
    label: str
    sentence: str
    qualified: int = 0


def choose(table: pd.DataFrame, forecasts: list[Forecast], *, share: float = 0.2) -> Choice:
    """The purchase model that values the customers, by :func:`rule`; none when no model qualifies.

    Parameters
    ----------
    table : DataFrame
        :func:`compare` (with the row :data:`PAST_REVENUE`).
    forecasts : list of Forecast
        The forecasts the table compares (for the models' names).
    share : float
        The top share the table's captures are of (the ``share`` given to :func:`compare`), for the sentence.

    Returns
    -------
    Choice

    Examples
    --------
    >>> t = pd.DataFrame({"forecast": ["BG/NBD", PAST_REVENUE], "kind": ["model", "naive rule"],
    ...                   "revenue_mae": [90.0, 80.0], "capture": [0.62, 0.64], "degenerate": ["", ""]})
    >>> f = [Forecast("BG/NBD", "model", np.zeros(1), model="bgnbd")]
    >>> c = choose(t, f)
    >>> c.model, str(c.sentence)[:62]
    ('', 'No purchase model beats past revenue on the holdout (the best,')
    >>> one = choose(t.assign(capture=[0.66, 0.64]), f)  # one model qualifies: the only one, not "the lowest error"
    >>> one.model, one.qualified, str(one.sentence)[:60]
    ('bgnbd', 1, 'BG/NBD values the customers as the only purchase model that ')
    """
    names = {f.label: f.model for f in forecasts if f.kind == "model"}
    share = float(share)
    t = table.set_index("forecast")
    if PAST_REVENUE not in t.index:
        raise KamError("choose() needs the past-revenue rule in the table (holdout.naive_forecasts).")
    naive = float(t.loc[PAST_REVENUE, "capture"])
    models = t[t["kind"] == "model"]
    if models.empty:
        return Choice("", "", Message("No purchase model was fitted, so the tiers rest on value and recency.",
                                      "finding"))
    fine = _identified(t)
    qualified = fine[fine["capture"] >= naive]
    if qualified.empty:
        why = (Message("all fits are degenerate", "phrase") if fine.empty else
               Message("the best, {model}, captures {capture:.1%} of holdout revenue in its top {share:.0%} against "
                       "{naive:.1%} by past revenue", "phrase", model=fine.index[0],
                       capture=float(fine.iloc[0]["capture"]), share=share, naive=naive))
        # what the tiers then rank by is the tiers' to say (kamlib.tiers.measure_of), not the selection's
        return Choice("", "", Message("No purchase model beats past revenue on the holdout ({why}), so no CLV "
                                      "values the customers.", "finding", why=why))
    best = qualified.sort_values(["revenue_mae", "capture"], ascending=[True, False])
    label = best.index[0]
    row = best.iloc[0]
    if len(qualified) == 1:  # a set of one: no error was compared, so "the lowest" would say nothing
        return Choice(names.get(label, ""), label, Message(
            "{model} values the customers as the only purchase model that qualifies (a fit that is not degenerate "
            "and whose top {share:.0%} capture at least as much holdout revenue as past revenue's): {capture:.1%} of "
            "holdout revenue against {naive:.1%} by past revenue (MAE {mae:,.1f}).", "finding", model=label,
            share=share, capture=float(row["capture"]), naive=naive, mae=float(row["revenue_mae"])), 1)
    return Choice(names.get(label, ""), label, Message(
        "{model} values the customers: its top {share:.0%} capture {capture:.1%} of holdout revenue against "
        "{naive:.1%} by past revenue, with the lowest customer-level error of the qualifying models (MAE {mae:,.1f}).", "finding",
        model=label, share=share, capture=float(row["capture"]), naive=naive, mae=float(row["revenue_mae"])),
        len(qualified))


@dataclass(frozen=True)
class Selection(Result):
    """:func:`select`'s result: the comparison ``table`` (main table), the ``choice``, the ``best`` non-degenerate
    model by captured holdout revenue (its name as :func:`kamlib.clv.parse` reads it; empty when every fit is
    degenerate), the ``notes`` (why the machine-learning benchmark or a covariate model could not be fitted) and the
    ``covariate_fits`` (name -> :class:`kamlib.clv.Fitted` of the models fitted with covariates) with the
    ``covariates`` they used."""

    table: pd.DataFrame
    choice: Choice
    best: str
    notes: tuple = ()
    covariate_fits: dict = field(default_factory=dict)
    covariates: pd.DataFrame | None = None

    def summary_frame(self) -> pd.DataFrame:
        return self.table


def select(cal_hold: pd.DataFrame, transactions: pd.DataFrame, models: dict, spend, *, calibration_end,
           unit: str = "W", start=None, share: float = 0.2, n_boot: int = 200, seed: int = 0,
           covariates: pd.DataFrame | None = None, evidence=None) -> Selection:
    """The whole comparison in one call, as both the identification and the strategy notebooks need it: the
    models' forecasts, the machine-learning benchmark, the naive rules, :func:`compare` and :func:`choose`.

    Parameters
    ----------
    cal_hold : DataFrame
        :func:`kamlib.rfm.calibration_holdout`.
    transactions : DataFrame
        The log (for the machine-learning features).
    models : dict
        Purchase models (name -> :class:`kamlib.clv.Fitted`).
    spend : Fitted or None
        Gamma-Gamma.
    calibration_end, unit, start
        As the summary was made.
    share, n_boot, seed
        As :func:`compare`.
    covariates : DataFrame, optional
        The customers' time-invariant covariates (:func:`kamlib.clv.covariates.customer_covariates`): each of the
        Pareto/NBD and BG/NBD among ``models`` is fitted again with all of them on both processes (named
        ``"paretonbd+country"``), and the machine-learning benchmark takes them as features.
    evidence : Evidence, optional
        :func:`kamlib.clv.evidence.evidence`: when the log is too small to identify dropout, no model is chosen,
        whatever the comparison shows, and the choice's sentence says why and what would be needed.

    Returns
    -------
    Selection

    Examples
    --------
    >>> sel = select(cal, tx, {"bgnbd": bgnbd}, gg, calibration_end="1997-09-30", n_boot=0)
    >>> sel.best, sel.table["forecast"].tolist()[0]
    ('bgnbd', 'BG/NBD')
    """
    from .base import get, names as model_names
    from .covariates import fit as covariates_fit

    notes, fits = [], {}
    columns = list(covariates.columns) if covariates is not None else []
    for name in (m for m in model_names() if m in models and columns and get(m).takes_covariates):
        try:
            # from the plain fit on this same summary (its estimates are the start): not fitted again
            fits["+".join([name, *columns])] = covariates_fit(cal_hold, covariates, plain=models[name], life=columns,
                                                              trans=columns)
        except KamError as exc:
            notes.append(Message("{model} with covariates could not be fitted: {why}", model=models[name].label,
                                 why=str(exc)))
    forecasts, left_out = _model_forecasts(cal_hold, {**models, **fits}, spend)
    notes += left_out
    ml = ml_forecast(transactions, cal_hold, calibration_end=calibration_end, unit=unit, start=start, seed=seed,
                     covariates=covariates if columns else None)
    if isinstance(ml, Forecast):
        forecasts.append(ml)
    else:
        notes.append(ml)
    forecasts += naive_forecasts(cal_hold, seed=seed)
    table = compare(cal_hold, forecasts, share=share, n_boot=n_boot, seed=seed)
    names = {f.label: f.model for f in forecasts if f.kind == "model"}
    fine = _identified(table)
    best = names[fine.index[0]] if len(fine) else ""
    choice = choose(table, forecasts, share=share)
    if evidence is not None and not evidence.adequate:  # thin evidence: the comparison is shown, nothing is chosen
        choice, best = Choice("", "", evidence.sentence), ""  # nor called the best model that identifies dropout
    return Selection(table, choice, best, tuple(notes), fits, covariates)
