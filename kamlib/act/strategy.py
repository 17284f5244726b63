"""Evaluating key-account strategies: selection rules on holdout data and budget allocation.

* :func:`rule_scores` scores customers by each selection rule (monetary, frequency, RFM,
  CLV = BG/NBD x Gamma-Gamma, random); :func:`capture` compares the top ``share`` of each
  rule by the share of *holdout* revenue and repeat purchases it captures, with bootstrap
  intervals; :func:`gains` gives the gains curve.
* :func:`optimal` splits a budget across segments by expected incremental CLV with
  diminishing returns, ``gain_i(x) = a_i (1 - exp(-x / b_i))`` where ``a_i = uplift_i x CLV_i``
  (the most the programme can add) and ``b_i = cost_per_customer x customers_i`` (the spend
  that reaches 63% of it). The optimum equalises marginal returns (water-filling);
  :func:`compare_allocations` sets it against an equal and a revenue-proportional split and
  :func:`tornado` shows how the result moves with each assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..i18n import Message
from ..concentration import top_count
from ..defaults import DEFAULT_UPLIFT
from ..errors import ArgumentError, KamError, require_columns

__all__ = ["Allocations", "INDEX_RULE", "PROFIT_RULE", "RULES", "capture", "compare_allocations", "gains", "optimal", "response", "rule_scores",
           "rule_verdicts",
           "segment_inputs", "tornado"]

RULES = ["Monetary (past revenue)", "Frequency", "RFM score", "CLV (BG/NBD x Gamma-Gamma)", "Random"]


#: The rule of past gross profit, scored when a study ranks its key accounts by gross profit (``tiers.rank_by:
#: profit``), so that the rule the identification uses is tested on the holdout beside the others
PROFIT_RULE = "Profit (past gross profit)"

#: The rule of the study's customer-value index (:mod:`kamlib.value_index`), when it declares one
INDEX_RULE = "Value index (TOPSIS)"


def rule_scores(cal: pd.DataFrame, *, seed: int = 0, clv_label: str | None = None,
                index: pd.Series | None = None, profit: pd.Series | None = None) -> pd.DataFrame:
    """One score column per selection rule (higher = more likely a key account).

    Ties are broken at random (seeded), so that a rule with many ties (frequency) selects exactly the
    requested share.

    Parameters
    ----------
    cal : DataFrame
        Calibration summary with ``revenue``, ``frequency``, ``recency``, ``T``, ``monetary_value`` and ``clv``.
    seed : int
        Random seed of the tie-breaking.
    clv_label : str, optional
        Name of the CLV rule (the purchase model behind ``clv``, e.g. "CLV (BG/CNBD-k x Gamma-Gamma)"); RULES[3]
        by default. A ``clv`` column of NaN (no model) leaves the rule out.
    index : Series, optional
        Customer -> the study's customer-value index (:attr:`kamlib.value_index.ValueIndex.closeness`), computed on
        the same calibration period: the rule :data:`INDEX_RULE` (a customer it does not score ranks last).
    profit : Series, optional
        Customer id -> gross profit over the same calibration period (:func:`kamlib.tiers.customer_profit`): the rule
        :data:`PROFIT_RULE`, for a study that ranks its key accounts by gross profit (a customer without a line
        counts 0).

    Returns
    -------
    DataFrame
        One column per rule in :data:`RULES` (monetary, frequency, RFM score, CLV, random), with
        :data:`PROFIT_RULE` and :data:`INDEX_RULE` before the random rule when given.

    References
    ----------
    Malthouse, E. C. & Blattberg, R. C. (2005). Can we predict customer lifetime value? *J. Interactive
    Marketing*, 19(1), 2-16.

    Examples
    --------
    >>> from kamlib.act.strategy import rule_scores
    >>> rule_scores(base, seed=1).columns.tolist()
    ['Monetary (past revenue)', 'Frequency', 'RFM score', 'CLV (BG/NBD x Gamma-Gamma)', 'Random']
    >>> rule_scores(base, seed=1, profit=base["revenue"] * 0.3).columns[-2]  # a study ranking by gross profit
    'Profit (past gross profit)'
    """
    from .. import rfm

    require_columns(cal, ["revenue", "frequency", "recency", "T", "monetary_value", "clv"], where="the calibration summary",
                    fix="compute clv with kamlib.clv.customer_base")
    rng = np.random.default_rng(seed)
    s = rfm.scores(cal)
    rfm_score = s["R"].astype(float) + s["F"].astype(float) + s["M"].astype(float)
    out = pd.DataFrame({
        RULES[0]: cal["revenue"].to_numpy(float),
        RULES[1]: cal["frequency"].to_numpy(float),
        RULES[2]: rfm_score.to_numpy(float),
        clv_label or RULES[3]: cal["clv"].to_numpy(float),
        RULES[4]: rng.random(len(cal)),
    }, index=cal.index)
    # ranks plus a random fraction below 0.5: ties are broken at random, distinct values keep their order
    jitter = rng.random(len(cal)) * 0.4
    for c in list(out.columns[:4]):
        out[c] = out[c].rank(method="average") + jitter
    if cal["clv"].isna().all():  # no purchase model: no CLV rule
        out = out.drop(columns=[clv_label or RULES[3]])
    if profit is not None:  # the key accounts' own rule when the study ranks them by gross profit
        margin = pd.Series(profit.to_numpy(float), index=profit.index.astype(str))
        scored = margin.reindex(cal.index.astype(str)).fillna(0.0).to_numpy(float)
        out.insert(len(out.columns) - 1, PROFIT_RULE, pd.Series(scored).rank(method="average").to_numpy() + jitter)
    if index is not None:
        scored = index.reindex(cal.index).fillna(-np.inf)
        out.insert(len(out.columns) - 1, INDEX_RULE, scored.rank(method="average").to_numpy() + jitter)
    return out


def _top_mask(scores: np.ndarray, share: float) -> np.ndarray:
    k = top_count(len(scores), share)
    idx = np.argpartition(-scores, k - 1)[:k]
    mask = np.zeros(len(scores), bool)
    mask[idx] = True
    return mask


def capture(cal_hold: pd.DataFrame, scores: pd.DataFrame, *, share: float = 0.2, n_boot: int = 200,
            seed: int = 0, level: float = 0.95, against: str | None = None,
            profit: pd.Series | None = None) -> pd.DataFrame:
    """Share of holdout revenue and of holdout repeat purchases captured by each rule's top ``share`` (and of holdout
    gross profit, when the log has it).

    Intervals: percentile bootstrap over customers (the selection is redone in every resample).

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary (``revenue_holdout``, ``frequency_holdout``).
    scores : DataFrame
        From :func:`rule_scores`.
    share : float
        Share of customers each rule selects.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Random seed.
    level : float
        Confidence level.
    against : str, optional
        A rule (a column of ``scores``) every other rule is compared with: the difference of their revenue shares
        and its paired percentile interval (both selections redone in the same resamples), which is what says
        whether one rule beats the other; two separate intervals that overlap do not.
    profit : Series, optional
        Customer id -> gross profit in the holdout period (:func:`kamlib.tiers.customer_profit` from the day after
        the calibration end; a customer without a line counts 0): each rule is judged also on the holdout gross
        profit its top customers bring, the value a study that ranks by profit manages. Left out when the holdout's
        total gross profit is not above zero (no share of it can be read).

    Returns
    -------
    DataFrame
        ``rule``, ``selected``, ``holdout_revenue_share``, ``holdout_purchases_share``, ``lift`` (revenue share
        over ``share``) and, with ``n_boot``, ``revenue_ci_lower``/``_upper`` and ``purchases_ci_lower``/``_upper``;
        with ``against``, ``revenue_share_difference`` (revenue share minus the ``against`` rule's) and, with
        ``n_boot``, ``revenue_share_difference_ci_lower``/``_upper``. With ``profit``, likewise ``holdout_profit_share``,
        ``profit_ci_lower``/``_upper``, ``profit_share_difference`` and ``profit_share_difference_ci_lower``/``_upper``
        (from the same resamples).

    References
    ----------
    Malthouse & Blattberg (2005), see :func:`rule_scores`; Efron & Tibshirani (1993), *An Introduction to
    the Bootstrap*.

    Examples
    --------
    >>> from kamlib.act.strategy import capture, rule_scores
    >>> capture(base, rule_scores(base), share=0.2, n_boot=0)[["rule", "holdout_revenue_share"]].round(2)
                             rule  holdout_revenue_share
    0     Monetary (past revenue)                   0.66
    1                   Frequency                   0.63
    2                   RFM score                   0.67
    3  CLV (BG/NBD x Gamma-Gamma)                   0.67
    4                      Random                   0.21
    >>> import pandas as pd
    >>> gp = pd.Series(base["revenue_holdout"].to_numpy() * 0.3, index=base.index.astype(str))
    >>> c = capture(base, rule_scores(base), n_boot=20, against="Monetary (past revenue)", profit=gp)
    >>> c["holdout_profit_share"].round(2).tolist()[:2], "profit_share_difference_ci_lower" in c
    ([0.66, 0.63], True)
    """
    require_columns(cal_hold, ["revenue_holdout", "frequency_holdout"], where="the calibration/holdout summary",
                    fix="build it with kamlib.rfm.calibration_holdout")
    if not 0 < share < 1:
        raise KamError(f"share must be between 0 and 1, got {share}.")
    rev = cal_hold["revenue_holdout"].to_numpy(float)
    buys = cal_hold["frequency_holdout"].to_numpy(float)
    if rev.sum() <= 0:
        raise KamError("No holdout revenue in cal_hold['revenue_holdout']: the holdout period holds no purchase; "
                       "choose a later holdout end when summarising the log.")
    if against is not None and against not in scores.columns:
        raise KamError(f"against={against!r} is not a rule of the scores; choose one of {', '.join(scores.columns)}.")
    gp = None
    if profit is not None:  # the holdout's gross profit per customer, in the summary's order
        margin = pd.Series(profit.to_numpy(float), index=profit.index.astype(str))
        gp = margin.reindex(cal_hold.index.astype(str)).fillna(0.0).to_numpy(float)
        if not gp.sum() > 0:  # no share of a total that is not a gain
            gp = None
    rng = np.random.default_rng(seed)
    boots_idx = [rng.integers(0, len(rev), len(rev)) for _ in range(n_boot)]
    q = (1 - level) / 2
    rows, draws, gp_draws = [], {}, {}
    for rule in scores.columns:
        sc = scores[rule].to_numpy(float)
        m = _top_mask(sc, share)
        row = {"rule": rule, "selected": int(m.sum()), "holdout_revenue_share": rev[m].sum() / rev.sum(),
               "holdout_purchases_share": buys[m].sum() / buys.sum(),
               "lift": (rev[m].sum() / rev.sum()) / share}
        if gp is not None:
            row["holdout_profit_share"] = gp[m].sum() / gp.sum()
        if n_boot:
            r_s, b_s, p_s = [], [], []
            for idx in boots_idx:
                mb = _top_mask(sc[idx], share)
                r_s.append(rev[idx][mb].sum() / rev[idx].sum())
                b_s.append(buys[idx][mb].sum() / max(buys[idx].sum(), 1))
                if gp is not None:  # a resample whose total is no gain reads no share
                    total = gp[idx].sum()
                    p_s.append(gp[idx][mb].sum() / total if total > 0 else np.nan)
            row["revenue_ci_lower"], row["revenue_ci_upper"] = np.quantile(r_s, [q, 1 - q])
            row["purchases_ci_lower"], row["purchases_ci_upper"] = np.quantile(b_s, [q, 1 - q])
            draws[rule] = np.asarray(r_s)
            if gp is not None:
                gp_draws[rule] = np.asarray(p_s)
                row["profit_ci_lower"], row["profit_ci_upper"] = np.nanquantile(p_s, [q, 1 - q])
        rows.append(row)
    out = pd.DataFrame(rows)
    if against is not None:
        base = out.set_index("rule")["holdout_revenue_share"][against]
        out["revenue_share_difference"] = out["holdout_revenue_share"] - base
        if n_boot:
            bounds = {rule: np.quantile(d - draws[against], [q, 1 - q]) for rule, d in draws.items()}
            out["revenue_share_difference_ci_lower"] = [bounds[r][0] for r in out["rule"]]
            out["revenue_share_difference_ci_upper"] = [bounds[r][1] for r in out["rule"]]
        if gp is not None:
            out["profit_share_difference"] = out["holdout_profit_share"] - out.set_index("rule")[
                "holdout_profit_share"][against]
            if n_boot:
                bounds = {rule: np.nanquantile(d - gp_draws[against], [q, 1 - q]) for rule, d in gp_draws.items()}
                out["profit_share_difference_ci_lower"] = [bounds[r][0] for r in out["rule"]]
                out["profit_share_difference_ci_upper"] = [bounds[r][1] for r in out["rule"]]
    return out


def rule_verdicts(captured: pd.DataFrame, *, against: str = RULES[0], benchmark: str = RULES[4],
                  on: str = "revenue") -> pd.DataFrame:
    """Which selection rules pay: each scored rule's difference from ``against`` in holdout revenue share (or, with
    ``on="profit"``, in holdout gross profit share), with its
    paired 95% interval and the verdict by the interval (a gain only when it lies above zero, a loss only below;
    :func:`kamlib.verdicts.effect`). The compared rule and the benchmark (a random selection) are not scored rules.

    Parameters
    ----------
    captured : DataFrame
        From :func:`capture` with ``against`` and ``n_boot`` (``revenue_share_difference`` and its
        ``_ci_lower``/``_ci_upper``).
    against : str
        The rule every other was compared with (past revenue).
    benchmark : str
        The rule that selects no one in particular (random), left out.
    on : {"revenue", "profit"}
        The holdout share judged: revenue, or gross profit (:func:`capture` with ``profit``).

    Returns
    -------
    DataFrame
        ``rule``, ``difference``, ``ci_lower``, ``ci_upper``, ``verdict`` ("gain", "loss", "inconclusive").

    References
    ----------
    Gardner, M. J. & Altman, D. G. (1986). Confidence intervals rather than P values. *BMJ*, 292, 746-750.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.strategy import rule_verdicts
    >>> cap = pd.DataFrame({"rule": ["Monetary (past revenue)", "RFM score", "Random"],
    ...                     "revenue_share_difference": [0.0, 0.04, -0.2],
    ...                     "revenue_share_difference_ci_lower": [0.0, -0.013, -0.29],
    ...                     "revenue_share_difference_ci_upper": [0.0, 0.118, -0.07]})
    >>> rule_verdicts(cap)[["rule", "verdict"]].values.tolist()
    [['RFM score', 'inconclusive']]
    """
    from .. import verdicts

    if on not in ("revenue", "profit"):
        raise KamError(f"on={on!r} is not a holdout share capture judges; choose 'revenue' or 'profit'.")
    col = f"{on}_share_difference"
    require_columns(captured, ["rule", col, f"{col}_ci_lower", f"{col}_ci_upper"], where="the captured shares",
                    fix="call capture with against= and n_boot > 0" + (" and profit=" if on == "profit" else ""))
    rows = captured[~captured["rule"].isin([against, benchmark])]
    out = pd.DataFrame({"rule": rows["rule"].to_numpy(), "difference": rows[col].to_numpy(float),
                        "ci_lower": rows[f"{col}_ci_lower"].to_numpy(float),
                        "ci_upper": rows[f"{col}_ci_upper"].to_numpy(float)})
    out["verdict"] = [verdicts.effect(lo, hi) for lo, hi in zip(out["ci_lower"], out["ci_upper"])]
    return out


def gains(cal_hold: pd.DataFrame, scores: pd.DataFrame, points: int = 101) -> pd.DataFrame:
    """Gains curve per rule: share of holdout revenue captured by the top x of customers.

    Parameters
    ----------
    cal_hold : DataFrame
        Calibration/holdout summary.
    scores : DataFrame
        From :func:`rule_scores`.
    points : int
        Points on the curve.

    Returns
    -------
    DataFrame
        ``customer_share`` (0 to 1) and one column per rule: the share of holdout revenue captured.

    Examples
    --------
    >>> from kamlib.act.strategy import gains, rule_scores
    >>> g = gains(base, rule_scores(base)).set_index("customer_share")
    >>> g.loc[0.2].round(2).to_dict()
    {'Monetary (past revenue)': 0.66, 'Frequency': 0.63, 'RFM score': 0.67, 'CLV (BG/NBD x Gamma-Gamma)': 0.67, 'Random': 0.21}
    """
    rev = cal_hold["revenue_holdout"].to_numpy(float)
    grid = np.linspace(0, 1, points)
    out = {"customer_share": grid}
    for rule in scores.columns:
        order = np.argsort(-scores[rule].to_numpy(float), kind="stable")
        cum = np.r_[0, np.cumsum(rev[order])] / rev.sum()
        out[rule] = cum[np.round(grid * len(rev)).astype(int)]
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------- budget allocation




def segment_inputs(base: pd.DataFrame, tier: pd.Series, *, uplift: dict[str, float] | None = None,
                   cost_per_customer: float = 2.0) -> pd.DataFrame:
    """Per segment: customers, past revenue, CLV and the response-curve parameters.

    The response of a segment to spending x is ``a (1 - exp(-x / b))`` with ``a = uplift x CLV`` (the most
    spending can add) and ``b = cost_per_customer x customers`` (spend that reaches 63% of it).

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` and ``clv``.
    tier : Series
        Segment (tier) per customer.
    uplift : dict, optional
        Largest share of CLV that spending can add, per segment (defaults: :data:`kamlib.defaults.DEFAULT_UPLIFT`).
    cost_per_customer : float
        Spend per customer that reaches 63% of the uplift.

    Returns
    -------
    DataFrame
        ``segment``, ``customers``, ``revenue``, ``clv``, ``uplift``, ``a``, ``b``.

    References
    ----------
    Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test. *Harvard Business
    Review*, 74(4), 136-144.

    Examples
    --------
    >>> from kamlib.act.strategy import segment_inputs
    >>> segment_inputs(base, tier)[["segment", "customers", "uplift"]]
                     segment  customers  uplift
    0    At-risk key account        137    0.15
    1                Develop        644    0.06
    2            Key account        334    0.04
    3               Maintain       1120    0.02
    4  Potential key account        122    0.10
    """
    uplift = {**DEFAULT_UPLIFT, **(uplift or {})}
    g = base.assign(segment=tier.astype(str)).groupby("segment")
    seg = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(), "clv": g["clv"].sum()})
    missing = [s for s in seg.index if s not in uplift]
    if missing:
        raise ArgumentError(f"No uplift assumption for segment '{missing[0]}'; add it to the uplift mapping.",
                            argument="uplift")
    seg["uplift"] = [uplift[s] for s in seg.index]
    seg["a"] = seg["uplift"] * seg["clv"].clip(lower=0)
    seg["b"] = cost_per_customer * seg["customers"]
    return seg.rename_axis("segment").reset_index()


def response(x, a, b):
    """Incremental CLV from spending ``x`` on a segment: ``a (1 - exp(-x / b))``.

    Parameters
    ----------
    x : float or ndarray
        Spend.
    a : float or ndarray
        The most spending can add.
    b : float or ndarray
        Spend scale.

    Returns
    -------
    float or ndarray

    References
    ----------
    Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test. *Harvard Business
    Review*, 74(4), 136-144.

    Examples
    --------
    >>> from kamlib.act.strategy import response
    >>> round(float(response(1.0, 10.0, 1.0)), 3)
    6.321
    """
    return np.asarray(a) * (1 - np.exp(-np.asarray(x, float) / np.asarray(b, float)))


def optimal(a: np.ndarray, b: np.ndarray, budget: float) -> np.ndarray:
    """The allocation that maximises ``sum a_i (1 - exp(-x_i / b_i))`` with ``sum x_i = budget``, ``x_i >= 0``.

    KKT: the marginal return ``(a_i / b_i) exp(-x_i / b_i)`` equals a common lambda wherever ``x_i > 0``, so
    ``x_i = b_i max(0, ln(a_i / (b_i lambda)))``; lambda is found by bisection on the budget.

    Parameters
    ----------
    a, b : ndarray
        Response parameters per segment.
    budget : float
        Total spend.

    Returns
    -------
    ndarray
        Spend per segment.

    References
    ----------
    Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test. *Harvard Business
    Review*, 74(4), 136-144.
    Boyd, S. & Vandenberghe, L. (2004). *Convex Optimization*, sec. 5.5.3 (KKT conditions).

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.act.strategy import optimal
    >>> optimal(np.array([1.0, 1.0]), np.array([1.0, 1.0]), 2.0).round(6).tolist()
    [1.0, 1.0]
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if budget <= 0:
        raise KamError(f"The budget must be positive, got {budget}.")
    if (b <= 0).any():
        raise KamError("Every segment needs a positive cost scale b (customers x cost per customer).")
    active = a > 0
    if not active.any():
        return np.zeros_like(a)
    m0 = a[active] / b[active]

    def spend(lam):
        x = np.zeros_like(a)
        x[active] = b[active] * np.maximum(0.0, np.log(m0 / lam))
        return x

    lo, hi = 1e-300, m0.max()
    for _ in range(200):
        mid = np.sqrt(lo * hi)
        if spend(mid).sum() > budget:
            lo = mid
        else:
            hi = mid
    x = spend(hi)
    return x * budget / x.sum() if x.sum() > 0 else x


@dataclass(frozen=True)
class Allocations(Result):
    """Budget splits across segments and what each brings.

    Attributes
    ----------
    spend : DataFrame
        Long table: ``allocation``, ``segment``, ``spend``, ``incremental_clv``.
    totals : DataFrame
        One row per allocation: ``allocation``, ``spend``, ``incremental_clv``, ``roi``.
    """

    spend: pd.DataFrame
    totals: pd.DataFrame

    def wide(self) -> pd.DataFrame:
        """Spend per segment (rows) and allocation (columns)."""
        return self.spend.pivot(index="segment", columns="allocation", values="spend")

    def summary_frame(self) -> pd.DataFrame:
        """The totals, one row per allocation."""
        return self.totals.copy()


def compare_allocations(seg: pd.DataFrame, budget: float) -> Allocations:
    """Optimal, equal and revenue-proportional splits: spend and incremental CLV per segment.

    Parameters
    ----------
    seg : DataFrame
        Segment inputs from :func:`segment_inputs` (``segment``, ``a``, ``b``, ``revenue``).
    budget : float
        The budget to split.

    Returns
    -------
    Allocations
        Spend and incremental CLV per segment under each split, and the totals with ROI.

    References
    ----------
    Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test. *Harvard Business
    Review*, 74(4), 136-144 (allocation by equal marginal returns on a concave response curve).

    Examples
    --------
    >>> from kamlib.act.strategy import compare_allocations, segment_inputs
    >>> alloc = compare_allocations(segment_inputs(base, tier), 10_000)
    >>> alloc.totals[["allocation", "incremental_clv"]].round(0)
                 allocation  incremental_clv
    0               optimal           3532.0
    1                 equal           3426.0
    2  revenue-proportional           3359.0
    """
    require_columns(seg, ["segment", "a", "b", "revenue"], where="the segment inputs")
    a, b = seg["a"].to_numpy(float), seg["b"].to_numpy(float)
    splits = {
        "optimal": optimal(a, b, budget),
        "equal": np.full(len(seg), budget / len(seg)),
        "revenue-proportional": budget * seg["revenue"].to_numpy(float) / seg["revenue"].sum(),
    }
    rows = []
    for name, x in splits.items():
        gain = response(x, a, b)
        for s, xi, gi in zip(seg["segment"], x, gain):
            rows.append({"allocation": name, "segment": s, "spend": xi, "incremental_clv": gi})
    out = pd.DataFrame(rows)
    tot = out.groupby("allocation", sort=False)[["spend", "incremental_clv"]].sum()
    tot["roi"] = tot["incremental_clv"] / tot["spend"] - 1
    return Allocations(out, tot.reset_index())


def tornado(base: pd.DataFrame, tier: pd.Series, budget: float, *, uplift: dict | None = None,
            cost_per_customer: float = 2.0, swing: float = 0.5) -> pd.DataFrame:
    """Incremental CLV of the optimal allocation when each assumption moves by -/+ ``swing``.

    Assumptions: the uplift of each segment, the cost per customer, the CLV level and the budget.

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` and ``clv``.
    tier : Series
        Segment per customer.
    budget : float
        Total spend.
    uplift : dict, optional
        As in :func:`segment_inputs`.
    cost_per_customer : float
        As in :func:`segment_inputs`.
    swing : float
        Relative move of each assumption.

    Returns
    -------
    DataFrame
        ``assumption``, ``low``, ``high``, ``base``, ``range``, smallest range first (the top bar of a tornado chart).

    References
    ----------
    Eschenbach, T. G. (1992). Spiderplots versus tornado diagrams for sensitivity analysis. *Interfaces*,
    22(6), 40-46.

    Examples
    --------
    >>> from kamlib.act.strategy import tornado
    >>> tornado(base, tier, 10_000)["assumption"].iloc[-1]  # the largest swing
    'CLV level'
    """
    def value(up=None, cost=cost_per_customer, clv_mult=1.0, bud=budget):
        seg = segment_inputs(base.assign(clv=base["clv"] * clv_mult), tier, uplift=up or uplift, cost_per_customer=cost)
        return float(response(optimal(seg["a"], seg["b"], bud), seg["a"], seg["b"]).sum())

    up0 = {**DEFAULT_UPLIFT, **(uplift or {})}
    center = value()
    rows = []
    for s in sorted(tier.astype(str).unique()):
        lo = value(up={**up0, s: up0[s] * (1 - swing)})
        hi = value(up={**up0, s: up0[s] * (1 + swing)})
        rows.append({"assumption": Message("uplift: {tier}", "phrase", tier=s), "low": lo, "high": hi})
    rows.append({"assumption": "cost per customer", "low": value(cost=cost_per_customer * (1 + swing)),
                 "high": value(cost=cost_per_customer * (1 - swing))})
    rows.append({"assumption": "CLV level", "low": value(clv_mult=1 - swing), "high": value(clv_mult=1 + swing)})
    rows.append({"assumption": "budget", "low": value(bud=budget * (1 - swing)), "high": value(bud=budget * (1 + swing))})
    out = pd.DataFrame(rows)
    out["base"] = center
    out["range"] = (out["high"] - out["low"]).abs()
    return out.sort_values("range", ascending=True).reset_index(drop=True)
