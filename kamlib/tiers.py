"""Key-account tiers from value, potential and risk (S001: value = current value + potential + risk).

Rule, applied in order (the arguments of :func:`assign`; a study sets them in its ``tiers`` section):

1. **Key account**: among the top ``key_clv_share`` of customers by past revenue
   (current value) *and* P(alive) >= ``min_p_alive``.
2. **At-risk key account**: top by past revenue, but P(alive) < ``min_p_alive``.
3. **Potential key account**: not top by past revenue, but in the top
   ``key_clv_share`` by predicted CLV (potential).
4. **Develop**: in the top ``growth_clv_share`` by predicted CLV.
5. **Maintain**: everyone else.
"""

from __future__ import annotations

import pandas as pd

from .errors import KamError, require_columns

__all__ = ["ORDER", "assign", "empty_tiers", "table"]

ORDER = ["Key account", "At-risk key account", "Potential key account", "Develop", "Maintain"]


def assign(base: pd.DataFrame, *, key_clv_share: float = 0.2, growth_clv_share: float = 0.5,
           min_p_alive: float = 0.5, max_inactive: float | None = None) -> pd.Series:
    """Key-account tier per customer from value, potential and risk (rule in the module docstring).

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue`` (current value), ``clv`` (potential) and ``p_alive`` (risk).
    key_clv_share : float
        Top share of customers by revenue (key accounts) and by CLV (potential key accounts).
    growth_clv_share : float
        Top share by CLV that is worth developing (above ``key_clv_share``).
    min_p_alive : float
        P(alive) below which a top customer is at risk.
    max_inactive : float, optional
        Judge risk by recency instead: a top customer is at risk when ``T - recency`` (time since the last
        purchase, in the summary's unit) exceeds this. For when P(alive) carries no information (a degenerate
        purchase model, :attr:`kamlib.clv.Fitted.degenerate`).

    Returns
    -------
    Series
        Ordered categorical tier per customer (:data:`ORDER`).

    References
    ----------
    Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and serving profitable
    customers. *California Management Review*, 43(4), 118-142.

    Examples
    --------
    >>> b = pd.DataFrame({"revenue": [10, 1], "clv": [5, 1], "p_alive": [0.9, 0.9]})
    >>> assign(b, key_clv_share=0.5, growth_clv_share=0.9).astype(str).tolist()
    ['Key account', 'Maintain']
    """
    risk_cols = ["recency", "T"] if max_inactive is not None else ["p_alive"]
    require_columns(base, ["revenue", "clv", *risk_cols], where="the tier input",
                    fix="compute them with kamlib.clv.customer_base")
    if not 0 < key_clv_share < growth_clv_share < 1:
        raise KamError(f"tiers need 0 < key_clv_share < growth_clv_share < 1, got {key_clv_share} and {growth_clv_share}.")
    n = len(base)
    top_revenue = base["revenue"].rank(method="first", ascending=False) <= key_clv_share * n
    clv_rank = base["clv"].rank(method="first", ascending=False)
    alive = (base["T"] - base["recency"] <= max_inactive) if max_inactive is not None else base["p_alive"] >= min_p_alive
    tier = pd.Series("Maintain", index=base.index)
    tier[clv_rank <= growth_clv_share * n] = "Develop"
    tier[(clv_rank <= key_clv_share * n) & ~top_revenue] = "Potential key account"
    tier[top_revenue & ~alive] = "At-risk key account"
    tier[top_revenue & alive] = "Key account"
    return pd.Series(pd.Categorical(tier, categories=ORDER, ordered=True), index=base.index, name="tier")


def table(base: pd.DataFrame, tier: pd.Series) -> pd.DataFrame:
    """Tier sizes and their shares of customers, past revenue and CLV.

    Parameters
    ----------
    base : DataFrame
        Per customer ``revenue``, ``clv`` and ``p_alive``.
    tier : Series
        From :func:`assign`.

    Returns
    -------
    DataFrame
        ``tier``, ``customers``, ``revenue``, ``clv``, ``mean_p_alive``, ``customer_share``, ``revenue_share``,
        ``clv_share``; every tier appears, empty ones with 0 customers.

    Examples
    --------
    >>> table(base, assign(base))  # doctest: +SKIP
    """
    g = base.assign(tier=tier).groupby("tier", observed=False)
    out = pd.DataFrame({"customers": g.size(), "revenue": g["revenue"].sum(), "clv": g["clv"].sum(),
                        "mean_p_alive": g["p_alive"].mean()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["clv_share"] = out["clv"] / out["clv"].sum()
    return out.reset_index()


def empty_tiers(table_df: pd.DataFrame) -> str | None:
    """One sentence naming the tiers no customer falls in (None when every tier has customers).

    Parameters
    ----------
    table_df : DataFrame
        From :func:`table`.

    Returns
    -------
    str or None

    Examples
    --------
    >>> empty_tiers(pd.DataFrame({"tier": ["Key account", "Develop"], "customers": [3, 0]}))
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    """
    empty = [str(t) for t, n in zip(table_df["tier"], table_df["customers"]) if n == 0]
    if not empty:
        return None
    return (f"No customer falls in the tier{'s' if len(empty) > 1 else ''} {', '.join(empty)}; check the tier "
            "thresholds (tiers.* in a study) against the data.")
