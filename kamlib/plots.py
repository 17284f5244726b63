"""Plot functions: ``plot_x(data, ..., ax=None) -> Axes``; they validate their input first.

Every chart of the notebooks is one of these (a test forbids raw matplotlib in notebooks), so a
figure in the report names the function that drew it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .errors import require_columns
from .i18n import Message

__all__ = ["STAGE_COLORS", "money_label", "plot_aspects_beside_drivers", "plot_barh", "plot_bars", "plot_calibration", "plot_cohort_retention", "plot_conditional",
           "plot_event_study", "plot_frequency_histogram", "plot_gains", "plot_grouped_bars", "plot_heatmap",
           "plot_hist", "plot_importance_performance", "plot_intervals", "plot_k_choice", "plot_lift", "plot_likert", "plot_lines", "plot_lorenz",
           "plot_model_evaluation", "plot_monthly", "plot_network", "plot_path_diagram", "plot_projection", "plot_roc", "plot_rule_network",
           "plot_scree", "plot_snake", "plot_tiers", "plot_tornado", "plot_tracking"]


def money_label(text: str, currency: str | None) -> str:
    """An axis label for an amount: ``"Revenue (GBP)"``, or ``"Revenue"`` when the currency is not known.

    Parameters
    ----------
    text : str
        The label.
    currency : str or None
        ISO code or symbol.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.plots import money_label
    >>> money_label("Revenue", "£")
    'Revenue (£)'
    """
    return f"{text} ({currency})" if currency else text


def _date_axis(ax):
    import matplotlib.dates as mdates

    # minticks=3: four years would otherwise ask for five yearly ticks, fall to months, find no interval of at most
    # eight ticks and warn (matplotlib's AutoDateLocator); no library warning reaches the reader
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    # ISO dates, as the tables write them ("2011-03"), not month names ("Mar", "2011-Dec"): read in both editions,
    # so the Chinese copy of a figure has no English month left; each tick carries its year, so there is no offset
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
        locator, formats=["%Y", "%Y-%m", "%Y-%m-%d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%H:%M", "%H:%M"], show_offset=False))


def _axes(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_monthly(monthly: pd.DataFrame, *, currency: str | None = None, axes=None):
    """Three stacked panels: revenue, orders and active customers per month.

    Parameters
    ----------
    monthly : DataFrame
        From :func:`kamlib.describe.monthly`; months marked ``partial`` are drawn hollow.
    currency : str, optional
        ISO code or symbol of the amounts, shown in the revenue label.
    axes : sequence of Axes, optional
        Three axes to draw on.

    Returns
    -------
    ndarray of Axes

    Examples
    --------
    >>> from kamlib.plots import plot_monthly
    >>> from kamlib import describe
    >>> axes = plot_monthly(describe.monthly(tx))  # revenue, orders, active customers
    >>> len(axes)
    3
    """
    require_columns(monthly, ["month", "orders", "active_customers"], where="plot_monthly's data")
    panels = [(c, l) for c, l in (("revenue", money_label("Revenue", currency)), ("orders", "Orders (purchase days)"),
                                  ("active_customers", "Active customers")) if c in monthly]  # no revenue: 2 panels
    if axes is None:
        _, axes = plt.subplots(len(panels), 1, figsize=(6.4, 2.0 * len(panels)), sharex=True)
    partial = monthly["partial"] if "partial" in monthly else pd.Series(False, index=monthly.index)
    for ax, (col, label) in zip(axes, panels):
        ax.plot(monthly["month"], monthly[col], marker="o", markersize=3)
        if partial.any():  # months the log covers only in part: hollow markers, not read as a collapse
            ax.plot(monthly.loc[partial, "month"], monthly.loc[partial, col], "o", markersize=7, mfc="white",
                    color="#D55E00", label="Partial month")
        ax.set_ylabel(label)
    if partial.any():
        axes[0].legend(fontsize=8)
    axes[-1].set_xlabel("Month")
    _date_axis(axes[-1])
    return axes


def _model_columns(df, exclude):
    return [c for c in df.columns if c not in exclude and not c.endswith("_cumulative") and c != "holdout"]


def plot_frequency_histogram(hist: pd.DataFrame, *, ax=None):
    """Grouped bars: customers by calibration repeat purchases, actual and per model.

    Parameters
    ----------
    hist : DataFrame
        From :func:`kamlib.clv.validation.frequency_histogram`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_frequency_histogram
    >>> from kamlib.clv import validation
    >>> ax = plot_frequency_histogram(validation.frequency_histogram(cal, {"bgnbd": bgnbd}).table)
    >>> ax.get_ylabel()
    'Customers'
    """
    require_columns(hist, ["repeat_purchases", "actual"], where="plot_frequency_histogram's data")
    ax = _axes(ax)
    cols = ["actual"] + _model_columns(hist, {"repeat_purchases", "actual"})
    width = 0.8 / len(cols)
    x = range(len(hist))
    for i, col in enumerate(cols):
        ax.bar([v + (i - (len(cols) - 1) / 2) * width for v in x], hist[col], width=width, label=col.capitalize() if col == "actual" else col)
    ax.set_xticks(list(x), hist["repeat_purchases"])
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel("Customers")
    ax.legend()
    return ax


def plot_tracking(track: pd.DataFrame, *, cumulative: bool = False, calibration_end=None, unit: str = "W", ax=None):
    """Repeat transactions per period (or cumulative), actual against each model.

    Parameters
    ----------
    track : DataFrame
        From :func:`kamlib.clv.validation.tracking`.
    cumulative : bool
        Cumulative counts.
    calibration_end : date-like, optional
        Draws the end of calibration.
    unit : {"D", "W", "M"}
        The tracking period (as :func:`kamlib.clv.validation.tracking`'s), named on the axes.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_tracking
    >>> from kamlib.clv import validation
    >>> track = validation.tracking(tx, cal, {"bgnbd": bgnbd}, start="1997-01-01", calibration_end="1997-09-30",
    ...                             holdout_end="1998-06-30").table
    >>> ax = plot_tracking(track, cumulative=True, calibration_end="1997-09-30")
    >>> len(ax.get_lines()) >= 2
    True
    """
    require_columns(track, ["period_end", "actual"], where="plot_tracking's data")
    ax = _axes(ax)
    suffix = "_cumulative" if cumulative else ""
    models = _model_columns(track, {"period", "period_end", "actual"})
    ax.plot(track["period_end"], track["actual" + suffix], color="black", label="Actual", linewidth=1.6)
    for m in models:
        ax.plot(track["period_end"], track[m + suffix], linestyle="--", label=m)
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":", linewidth=1)
        ax.annotate("holdout period", (pd.Timestamp(calibration_end), ax.get_ylim()[1] * 0.97), xytext=(3, 0),
                    textcoords="offset points", va="top", fontsize=8, color="grey")
    ax.set_ylabel("Cumulative repeat transactions" if cumulative else
                  {"D": "Repeat transactions per day", "M": "Repeat transactions per month"}.get(unit,
                                                                                               "Repeat transactions per week"))
    ax.set_xlabel({"D": "Day", "M": "Month ending"}.get(unit, "Week ending"))
    _date_axis(ax)
    ax.legend()
    return ax


def plot_conditional(cond: pd.DataFrame, *, ax=None):
    """Mean holdout purchases by calibration repeat purchases, actual against each model.

    Parameters
    ----------
    cond : DataFrame
        From :func:`kamlib.clv.validation.conditional_expectation`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_conditional
    >>> from kamlib.clv import validation
    >>> ax = plot_conditional(validation.conditional_expectation(cal, {"bgnbd": bgnbd}).table)
    >>> ax.get_xlabel()
    'Repeat purchases in the calibration period'
    """
    require_columns(cond, ["calibration_repeat_purchases", "actual"], where="plot_conditional's data")
    ax = _axes(ax)
    x = range(len(cond))
    ax.plot(list(x), cond["actual"], color="black", marker="o", label="Actual")
    for m in _model_columns(cond, {"calibration_repeat_purchases", "actual", "customers"}):
        ax.plot(list(x), cond[m], linestyle="--", marker=".", label=m)
    ax.set_xticks(list(x), cond["calibration_repeat_purchases"])
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel("Mean purchases in the holdout period")
    ax.legend()
    return ax


def plot_lorenz(curve: pd.DataFrame, *, gini: float | None = None, ax=None):
    """Lorenz curve of customer value with the line of equality.

    Parameters
    ----------
    curve : DataFrame
        From :func:`kamlib.concentration.lorenz`.
    gini : float, optional
        Shown in the legend.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_lorenz
    >>> from kamlib import concentration
    >>> ax = plot_lorenz(concentration.lorenz([1, 2, 7]), gini=0.4)
    """
    require_columns(curve, ["customer_share", "value_share"], where="plot_lorenz's data")
    ax = _axes(ax, figsize=(4.8, 4.4))
    ax.plot(curve["customer_share"], curve["value_share"], label="Lorenz curve")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="Equality")
    ax.set_xlabel("Cumulative share of customers (lowest value first)")
    ax.set_ylabel("Cumulative share of revenue")
    if gini is not None:
        ax.set_title(Message("Gini = {gini:.3f}", "figure", gini=gini))
    ax.legend(loc="upper left")
    return ax


def plot_bars(table: pd.DataFrame, x: str, y: str, *, xlabel=None, ylabel=None, ax=None, percent=False, hline=None):
    """A plain bar chart of one column against another.

    Parameters
    ----------
    table : DataFrame
        The data.
    x, y : str
        Category and value columns.
    xlabel, ylabel : str, optional
        Axis labels.
    ax : Axes, optional
        Where to draw (default: a new figure).
    percent : bool
        Show ``y`` x 100.
    hline : float, optional
        A dashed reference line, in the plotted units.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_bars
    >>> ax = plot_bars(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}), "k", "v")
    """
    require_columns(table, [x, y], where="plot_bars' data")
    own = ax is None
    ax = _axes(ax)
    vals = table[y] * (100 if percent else 1)
    names = table[x].astype(str).tolist()
    ax.bar(range(len(names)), vals)
    if hline is not None:
        ax.axhline(hline, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or (f"{y} (%)" if percent else y))
    _side_by_side(ax, names, resize=own)
    return ax


#: Characters per line of a wrapped category label under a bar.
_WRAP = 12


def _side_by_side(ax, names, *, resize=True, fontsize=9.0):
    """Category labels under bars, level and wrapped at spaces (:data:`_WRAP` characters a line), so that
    neighbours never run into each other (a tilted label's box covers its neighbour's); on a figure of its own,
    the figure is widened until each bar's slot holds its widest label in English and in the Chinese edition
    (the glossary's words, one line, about one em a character)."""
    import textwrap

    from .style import chinese

    wrapped = [textwrap.fill(n, _WRAP, break_long_words=False, break_on_hyphens=False) for n in names]
    ax.set_xticks(range(len(names)), wrapped)
    ax.tick_params(axis="x", rotation=0, labelsize=fontsize)
    if not resize or not names:
        return
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    english = max(t.get_window_extent(renderer).width for t in ax.get_xticklabels()) / fig.dpi
    zh = max(len(chinese(n) or "") for n in names) * fontsize / 72
    slot = 1.15 * max(english, zh)  # inches a bar's label needs, with a gap to the next
    share = ax.get_position().width  # of the figure's width
    width = len(names) * slot / share
    if width > fig.get_figwidth():
        fig.set_figwidth(width)


def plot_barh(table: pd.DataFrame, label: str, value: str, *, xlabel=None, percent=False, sort=True, ax=None,
              figsize=None):
    """Horizontal bars, largest at the top (theme frequencies, driver importance).

    Parameters
    ----------
    table : DataFrame
        The data.
    label, value : str
        Label and value columns.
    xlabel : str, optional
        Axis label.
    percent : bool
        Show ``value`` x 100.
    sort : bool
        Sort by value (False keeps the table's order).
    ax : Axes, optional
        Where to draw (default: a new figure).
    figsize : tuple, optional
        Size of a new figure.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_barh
    >>> ax = plot_barh(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}), "k", "v")
    """
    require_columns(table, [label, value], where="plot_barh's data")
    ax = _axes(ax, figsize)
    d = table.sort_values(value) if sort else table
    ax.barh(d[label].astype(str), d[value] * (100 if percent else 1))
    ax.set_xlabel(xlabel or (f"{value} (%)" if percent else value))
    return ax


def plot_importance_performance(table: pd.DataFrame, label: str, *, importance="importance",
                                performance="performance", xlabel="Importance", ylabel="Performance (0-100)",
                                ax=None, figsize=None):
    """An importance-performance map: one point per driver, the crosshair at the means, the quadrants named (with
    :data:`kamlib.survey.importance.MIN_DRIVERS` or more drivers); the performance axis spans at least 20 points.

    Parameters
    ----------
    table : DataFrame
        One row per driver.
    label : str
        The column of the drivers' names.
    importance, performance : str
        The columns on the x and y axes.
    xlabel, ylabel : str
        Axis labels.
    ax : Axes, optional
        Where to draw (default: a new figure).
    figsize : tuple, optional
        Size of a new figure.

    Returns
    -------
    Axes

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77-79.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_importance_performance
    >>> ax = plot_importance_performance(pd.DataFrame({"k": ["a", "b"], "importance": [0.2, 0.5],
    ...                                                "performance": [70, 60]}), "k")
    """
    require_columns(table, [label, importance, performance], where="plot_importance_performance's data")
    ax = _axes(ax, figsize)
    x, y = table[importance].to_numpy(float), table[performance].to_numpy(float)
    ax.scatter(x, y, zorder=3)
    for name, a, b in zip(table[label].astype(str), x, y):
        ax.annotate(name, (a, b), xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.axvline(x.mean(), color="grey", lw=0.8, ls="--")
    ax.axhline(y.mean(), color="grey", lw=0.8, ls="--")
    pad_x, pad_y = 0.15 * (np.ptp(x) or abs(x.mean()) or 1), 0.15 * (np.ptp(y) or 5)
    ax.set_xlim(min(x.min(), x.mean()) - pad_x, max(x.max(), x.mean()) + pad_x)
    low, high = min(y.min(), y.mean()) - pad_y, max(y.max(), y.mean()) + pad_y
    if high - low < 20:  # performance is on 0-100: a gap of a point or two is not drawn across the whole axis
        low, high = (low + high) / 2 - 10, (low + high) / 2 + 10
    ax.set_ylim(low, high)
    from .survey.importance import MIN_DRIVERS, QUADRANTS  # the quadrants' names, as the table names them

    for (hx, hy), text in QUADRANTS.items() if len(table) >= MIN_DRIVERS else ():  # (above the mean in importance, performance)
        ax.text(0.98 if hx else 0.02, 0.97 if hy else 0.03, text, transform=ax.transAxes, fontsize=8, color="grey",
                ha="right" if hx else "left", va="top" if hy else "bottom")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_grouped_bars(table: pd.DataFrame, x: str, columns: dict[str, str], *, ylabel="", percent=False, ax=None):
    """Bars side by side for several columns per category.

    Parameters
    ----------
    table : DataFrame
        The data.
    x : str
        Category column.
    columns : dict
        Column to its legend label.
    ylabel : str
        Axis label.
    percent : bool
        Show values x 100.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_grouped_bars
    >>> ax = plot_grouped_bars(pd.DataFrame({"t": ["a"], "p": [0.2], "q": [0.5]}), "t", {"p": "P", "q": "Q"})
    """
    require_columns(table, [x, *columns], where="plot_grouped_bars' data")
    ax = _axes(ax)
    n = len(columns)
    width = 0.8 / n
    pos = np.arange(len(table))
    for i, (col, name) in enumerate(columns.items()):
        ax.bar(pos + (i - (n - 1) / 2) * width, table[col] * (100 if percent else 1), width=width, label=name)
    ax.set_xticks(list(pos), table[x].astype(str), rotation=15)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_tiers(table: pd.DataFrame, columns: dict[str, str], *, ylabel="", percent=True, ax=None):
    """The key-account tiers as grouped bars, drawing only the tiers that have customers: a tier with none would be
    a bar of height zero (or a legend entry) that reads as a finding. The tiers left out are
    :func:`kamlib.tiers.empty_tiers`, the list the caption names.

    Parameters
    ----------
    table : DataFrame
        :func:`kamlib.tiers.table` (``tier``, ``customers`` and the columns drawn).
    columns : dict
        Column to its legend label.
    ylabel : str
        Axis label.
    percent : bool
        Show values x 100.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_tiers
    >>> t = pd.DataFrame({"tier": ["Key account", "Potential key account", "Maintain"], "customers": [2, 0, 8],
    ...                   "customer_share": [0.2, 0.0, 0.8]})
    >>> [x.get_text() for x in plot_tiers(t, {"customer_share": "Customers"}).get_xticklabels()]
    ['Key account', 'Maintain']
    """
    from .tiers import empty_tiers  # the one list of empty tiers, which the caption names too

    require_columns(table, ["tier", "customers"], where="plot_tiers' data", fix="pass kamlib.tiers.table(...)")
    drawn = table[~table["tier"].astype(str).isin(empty_tiers(table))]
    return plot_grouped_bars(drawn, "tier", columns, ylabel=ylabel, percent=percent, ax=ax)


def plot_scree(pa: pd.DataFrame, *, ax=None):
    """Scree plot with parallel analysis: observed eigenvalues against a quantile of random data's (the legend says
    which: the ``quantile`` the analysis used).

    Parameters
    ----------
    pa : DataFrame
        From :func:`kamlib.survey.parallel_analysis`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. *Psychometrika*, 30(2), 179-185.

    Examples
    --------
    >>> from kamlib import survey
    >>> from kamlib.plots import plot_scree
    >>> ax = plot_scree(survey.parallel_analysis(data[inst.items], n_sims=20, seed=1, quantile=0.9))
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('Factor', ['Observed', 'Random data (0.9 quantile)'])
    """
    require_columns(pa, ["factor", "observed", "random_quantile", "quantile", "retain"], where="plot_scree's data",
                    fix="pass kamlib.survey.parallel_analysis(...)")
    ax = _axes(ax)
    ax.plot(pa["factor"], pa["observed"], marker="o", label="Observed")
    ax.plot(pa["factor"], pa["random_quantile"], linestyle="--",
            label=Message("Random data ({quantile:g} quantile)", "figure", quantile=float(pa["quantile"].iloc[0])))
    ax.set_xlabel("Factor")
    ax.set_ylabel("Eigenvalue")
    ax.set_title(Message("Parallel analysis: retain {n} factors", "figure", n=int(pa["retain"].sum())))
    ax.legend()
    return ax


def plot_hist(values, *, bins=30, xlabel="", ylabel="Customers", ax=None):
    """A histogram of values.

    Parameters
    ----------
    values : array-like
        The values.
    bins : int
        Number of bins.
    xlabel, ylabel : str
        Axis labels.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_hist
    >>> ax = plot_hist([1, 2, 2, 3], bins=3)
    """
    ax = _axes(ax)
    ax.hist(values, bins=bins)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_likert(shares: pd.DataFrame, labels: list[str], *, items: dict | None = None, ax=None):
    """Diverging stacked bars: disagreement to the left of zero, agreement to the right, neutral centred.

    Parameters
    ----------
    shares : DataFrame
        From :func:`kamlib.survey.likert_shares`.
    labels : list of str
        Scale labels, lowest first.
    items : dict, optional
        Item id -> the label a reader sees, the item's statement (:meth:`kamlib.survey.instrument.Instrument.item_labels`);
        long labels wrap onto a second line. Without it the rows show the ids.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    References
    ----------
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for Likert scales and other applications. *J. Statistical Software*, 57(5).

    Examples
    --------
    >>> from kamlib import survey
    >>> from kamlib.plots import plot_likert
    >>> shares = survey.likert_shares(data, inst.items, inst.points)
    >>> ax = plot_likert(shares, inst.labels("en"), items=inst.item_labels("en"))
    >>> len(ax.get_yticklabels()), ax.get_yticklabels()[0].get_text().replace("\\n", " ")
    (24, 'PQ1: The products I receive match their online description.')
    """
    import textwrap

    k = shares.shape[1]
    if len(labels) != k:
        raise ValueError(f"plot_likert needs {k} labels, got {len(labels)}.")
    missing = [i for i in shares.index if items is not None and i not in items]
    if missing:
        raise ValueError(f"plot_likert's items has no label for {', '.join(map(str, missing))}; pass one per row "
                         "of shares (Instrument.item_labels gives them).")
    import numpy as np
    from matplotlib import colormaps

    rows = [textwrap.fill(str(items[i]), 48) if items is not None else str(i) for i in shares.index]
    lines = max(r.count("\n") + 1 for r in rows) if rows else 1
    ax = _axes(ax, figsize=(7.0 if items is None else 9.0, (0.32 if lines == 1 else 0.5) * len(shares) + 1.5))
    colors = colormaps["RdBu"](np.linspace(0.1, 0.9, k))
    mid = k // 2
    vals = shares.to_numpy() * 100
    left = -(vals[:, :mid].sum(axis=1) + (vals[:, mid] / 2 if k % 2 else 0))
    y = np.arange(len(shares))[::-1]
    for j in range(k):
        ax.barh(y, vals[:, j], left=left, color=colors[j], label=labels[j], height=0.75)
        left = left + vals[:, j]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, rows)
    if items is not None:
        ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("Share of answers (%), disagree left of 0, agree right")
    ax.legend(ncol=min(k, 4), fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(shares)))
    ax.grid(axis="y", visible=False)
    return ax


def plot_intervals(table: pd.DataFrame, label: str, estimate: str, lower: str, upper: str, *, xlabel="", ref=None,
                   percent=False, ax=None):
    """Point estimates with interval whiskers, one row per label (forest-plot style).

    Parameters
    ----------
    table : DataFrame
        The estimates.
    label, estimate, lower, upper : str
        Columns of the label, estimate and interval.
    xlabel : str
        Axis label.
    ref : float, optional
        A reference line (e.g. 0 or the random share).
    percent : bool
        Show values x 100.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_intervals
    >>> t = pd.DataFrame({"rule": ["CLV", "Random"], "share": [0.66, 0.21], "lo": [0.6, 0.17], "hi": [0.71, 0.25]})
    >>> ax = plot_intervals(t, "rule", "share", "lo", "hi", percent=True)
    >>> [tick.get_text() for tick in ax.get_yticklabels()]
    ['CLV', 'Random']
    """
    require_columns(table, [label, estimate, lower, upper], where="plot_intervals' data")
    ax = _axes(ax, figsize=(6.4, 0.45 * len(table) + 1.4))
    k = 100 if percent else 1
    y = range(len(table))[::-1]
    est = table[estimate] * k
    # the interval is drawn from its own ends, not as distances from the estimate: a percentile bootstrap interval
    # need not contain the estimate (few draws, a skewed statistic), and an errorbar cannot draw that
    lo, hi = table[lower] * k, table[upper] * k
    color = "C0"
    ax.hlines(list(y), lo, hi, color=color)
    for cap_at in (lo, hi):
        ax.plot(cap_at, list(y), "|", color=color, markersize=8)
    ax.plot(est, list(y), "o", color=color)
    ax.set_yticks(list(y), table[label].astype(str))
    if ref is not None:
        ax.axvline(ref * k, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return ax


def plot_gains(g: pd.DataFrame, *, ax=None):
    """Gains curves: share of holdout revenue captured by the top x of customers, per rule.

    Parameters
    ----------
    g : DataFrame
        From :func:`kamlib.act.strategy.gains`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_gains
    >>> from kamlib.act import strategy
    >>> ax = plot_gains(strategy.gains(base, strategy.rule_scores(base)))
    >>> len(ax.get_legend().get_texts()) >= 5
    True
    """
    ax = _axes(ax)
    for col in g.columns[1:]:
        ax.plot(g["customer_share"] * 100, g[col] * 100, label=col)
    ax.plot([0, 100], [0, 100], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("Customers selected, ranked by the rule (%)")
    ax.set_ylabel("Holdout revenue captured (%)")
    ax.legend(fontsize=8)
    return ax


def plot_event_study(ev, *, ax=None):
    """Event-study coefficients with confidence intervals; period -1 is the reference.

    Parameters
    ----------
    ev : kamlib.experiments.panel.EventStudy or DataFrame
        From :func:`kamlib.experiments.event_study` (its pre-trend p-value becomes the title) or its coefficients.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_event_study
    >>> from kamlib import experiments
    >>> sim = experiments.simulate_programme(60, seed=1)
    >>> ev = experiments.event_study(sim.data, outcome="revenue", entity="account", time="period",
    ...                              first_treated="first_treated")
    >>> plot_event_study(ev).get_title().startswith("Pre-trends joint test")
    True
    """
    pvalue = getattr(ev, "pretrend_pvalue", None)
    ev = getattr(ev, "coefficients", ev)
    ax = _axes(ax)
    ref = ev["reference"].astype(bool) if "reference" in ev else ev["ci_lower"].isna()
    est = ev[~ref]
    ax.errorbar(est["relative_period"], est["estimate"], yerr=[est["estimate"] - est["ci_lower"],
                                                               est["ci_upper"] - est["estimate"]], fmt="o", capsize=3)
    ax.plot(ev.loc[ref, "relative_period"], ev.loc[ref, "estimate"], "o", mfc="white", color="#0072B2",
            label="Reference period (0 by normalisation)")
    if ref.any():
        ax.legend(loc="upper left", frameon=False)
    ax.axhline(0, color="grey", linewidth=1)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("Periods relative to the start of the programme")
    ax.set_ylabel("Effect on revenue per account")
    if pvalue is not None and pvalue == pvalue:
        ax.set_title(Message("Pre-trends joint test p = {p:.3f}", "figure", p=pvalue))
    return ax


def plot_tornado(t: pd.DataFrame, *, xlabel="", ax=None):
    """Tornado chart: the outcome at the low and high value of each assumption around the base case.

    Parameters
    ----------
    t : DataFrame
        From :func:`kamlib.act.strategy.tornado`.
    xlabel : str
        Axis label.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_tornado
    >>> from kamlib.act import strategy
    >>> ax = plot_tornado(strategy.tornado(base, tier, 10_000))
    >>> ax.get_yticklabels()[-1].get_text()
    'CLV level'
    """
    require_columns(t, ["assumption", "low", "high", "base"], where="plot_tornado's data")
    ax = _axes(ax, figsize=(6.4, 0.45 * len(t) + 1.4))
    base = float(t["base"].iloc[0])
    y = range(len(t))
    ax.barh(list(y), t["low"] - base, left=base, label="assumption -50%")
    ax.barh(list(y), t["high"] - base, left=base, label="assumption +50%")
    ax.axvline(base, color="black", linewidth=1)
    ax.set_yticks(list(y), t["assumption"])
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8)
    ax.grid(axis="y", visible=False)
    return ax


def plot_lines(table: pd.DataFrame, x: str, y: str, hue: str, *, xlabel=None, ylabel=None, hline=None, logx=False,
               ax=None):
    """One line per value of ``hue``.

    Parameters
    ----------
    table : DataFrame
        Long table.
    x, y, hue : str
        Columns of the x values, y values and line groups.
    xlabel, ylabel : str, optional
        Axis labels.
    hline : float, optional
        A dashed reference line.
    logx : bool
        Logarithmic x axis.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_lines
    >>> from kamlib import experiments
    >>> curve = experiments.power_curve(0.1, [0.1, 0.2], [1_000, 10_000, 100_000])
    >>> ax = plot_lines(curve, "n_per_arm", "power", "relative_lift", logx=True)
    >>> ax.get_xscale(), len(ax.get_lines())
    ('log', 2)
    """
    require_columns(table, [x, y, hue], where="plot_lines' data")
    ax = _axes(ax)
    from .i18n import Given, header_en, header_zh

    # the hue's words from the glossary of headers, in both languages ("Relative lift = 0.1", not relative_lift)
    named = Given({"en": header_en(hue, kind=None), "zh": header_zh(hue, kind=None) or header_en(hue, kind=None)})
    for key, sub in table.groupby(hue, sort=True):
        ax.plot(sub[x], sub[y], marker="o", markersize=3, label=Message("{name} = {value}", "figure", name=named,
                                                                       value=key))
    if hline is not None:
        ax.axhline(hline, color="grey", linestyle="--", linewidth=1)
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or y)
    ax.legend(fontsize=8)
    return ax


def plot_heatmap(table: pd.DataFrame, *, fmt=".0%", cmap="Blues", xlabel="", ylabel="", ax=None, annot=True):
    """A heatmap of a numeric table (seaborn), annotated with the values.

    Parameters
    ----------
    table : DataFrame
        Numeric table.
    fmt : str
        Format of the annotations.
    cmap : str
        Colour map.
    xlabel, ylabel : str
        Axis labels.
    ax : Axes, optional
        Where to draw (default: a new figure).
    annot : bool
        Write the values (tables of at most 400 cells).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_heatmap
    >>> ax = plot_heatmap(pd.DataFrame([[0.1, 0.9]]))
    """
    import seaborn as sns

    ax = _axes(ax, figsize=(max(5.0, 0.5 * table.shape[1] + 2), max(3.5, 0.32 * table.shape[0] + 1.5)))
    values = table.astype(float)  # the colours; the annotations are the values in ``fmt``, "d" for counts too
    shown = annot and table.size <= 400
    cells = values.map(lambda v: "" if v != v else format(round(v) if fmt.endswith("d") else v, fmt)).to_numpy() if shown else False
    sns.heatmap(values, annot=cells if shown else False, fmt="", cmap=cmap, cbar=True, ax=ax, annot_kws={"fontsize": 7})
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_cohort_retention(coh: pd.DataFrame, *, ax=None):
    """Cohort retention heatmap: one row per first-purchase month, labelled with its number of customers
    (``2011-03 (n = 12)``), so that a reader sees how many customers a share rests on.

    Parameters
    ----------
    coh : DataFrame
        From :func:`kamlib.lifecycle.cohort_retention`: ``customers`` and one share column per month since the
        first purchase, indexed by cohort.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting: the perils of
    ignoring heterogeneity. *Marketing Science*, 29(1), 85-93 (cohort retention curves).

    Examples
    --------
    >>> from kamlib.lifecycle import cohort_retention
    >>> from kamlib.plots import plot_cohort_retention
    >>> ax = plot_cohort_retention(cohort_retention(tx, periods=6))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1997-01 (n = 781)', '1997-02 (n = 857)', '1997-03 (n = 719)']
    """
    require_columns(coh, ["customers"], where="plot_cohort_retention's data",
                    fix="pass kamlib.lifecycle.cohort_retention(...)")
    shares = coh.drop(columns="customers")
    shares.index = [f"{cohort} (n = {int(n):,})" for cohort, n in zip(coh.index, coh["customers"])]
    return plot_heatmap(shares, xlabel="Months since first purchase",
                        ylabel="First-purchase month (customers in the cohort)", ax=ax)


def plot_k_choice(ch):
    """Elbow (inertia), silhouette, gap statistic and stability against k, in four panels, with the chosen k marked
    in each (and the gap rule's k and the best silhouette's k where they differ from it), named in a legend below.

    Parameters
    ----------
    ch : KChoice or DataFrame
        From :func:`kamlib.segments.choose_k` (its k are marked), or its table (nothing marked).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from kamlib.plots import plot_k_choice
    >>> from kamlib import segments
    >>> choice = segments.choose_k(segments.matrix(segments.features(tx)), range(2, 5), n_init=2, gap_refs=2, seed=1)
    >>> fig = plot_k_choice(choice)
    >>> len(fig.axes), [t.get_text() for t in fig.legends[0].get_texts()]
    (4, ['Chosen k = 3', 'Gap rule k = 4', 'Best silhouette k = 2'])
    """
    from .i18n import Message

    marks = {}  # k -> its label: the chosen k, then the gap rule's and the best silhouette's where they differ
    if hasattr(ch, "k_chosen"):
        chosen, gap, best = int(ch.k_chosen), int(ch.k_gap), int(ch.k_silhouette)
        marks[chosen] = Message("Chosen k = {k}", "figure", k=chosen)
        if gap != chosen and gap == best:
            marks[gap] = Message("Gap rule and best silhouette k = {k}", "figure", k=gap)
        else:
            if gap != chosen:
                marks[gap] = Message("Gap rule k = {k}", "figure", k=gap)
            if best not in (chosen, gap):
                marks[best] = Message("Best silhouette k = {k}", "figure", k=best)
    ch = getattr(ch, "table", ch)
    fig, axes = plt.subplots(1, 4, figsize=(11, 3.4 if marks else 3))
    for ax, col, title in zip(axes, ["inertia", "silhouette", "gap", "stability_ari"],
                              ["Elbow: within-cluster SS", "Silhouette", "Gap statistic", "Stability (mean ARI)"]):
        if col == "gap":
            ax.errorbar(ch["k"], ch["gap"], yerr=ch["gap_se"], marker="o", capsize=2)
        else:
            ax.plot(ch["k"], ch[col], marker="o")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("k")
        lines = [ax.axvline(k, color=f"C{3 + i}", linestyle=("-", "--", ":")[i], linewidth=1.2)
                 for i, k in enumerate(marks)]
    if marks:  # one legend for the four panels, below them
        fig.legend(lines, list(marks.values()), loc="lower center", ncol=len(marks),
                   fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0.08, 1, 1))
    else:
        fig.tight_layout()
    return fig


def plot_snake(snake_df: pd.DataFrame, *, ax=None):
    """Snake plot: mean standardised value of each feature per segment.

    Parameters
    ----------
    snake_df : DataFrame
        From :func:`kamlib.segments.snake`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_snake
    >>> from kamlib import segments
    >>> X = segments.matrix(segments.features(tx))
    >>> ax = plot_snake(segments.snake(X, segments.cluster(X, 3, seed=1)))
    >>> len(ax.get_lines()), bool(ax.get_legend().get_bbox_to_anchor().x0 > ax.get_window_extent().x1)
    (4, True)
    """
    import textwrap

    from .i18n import header_en

    own = ax is None
    ax = _axes(ax, figsize=(9, 4.2))
    for seg, sub in snake_df.groupby("segment", sort=True):  # features named by the glossary of headers, not as
        # the columns are called (recency_days: "Days since last purchase")
        # long names wrapped onto two lines, so that neighbours do not run into each other
        ax.plot([textwrap.fill(header_en(f, kind=None), 15) for f in sub["feature"]], sub["mean_z"], marker="o",
                label=str(seg))
    ax.axhline(0, color="grey", linewidth=1)
    ax.set_ylabel("Mean (standardised)")
    ax.tick_params(axis="x", labelsize=8)
    # the legend outside the axes, so it covers no line
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, frameon=False)
    if own:  # on a figure of its own: room for the legend (a tight bounding box keeps it when saved)
        ax.figure.tight_layout()
    return ax


def plot_projection(proj: pd.DataFrame, labels: pd.Series, *, explained=None, max_points: int = 5000, seed: int = 0, ax=None):
    """Customers on the first two principal components, coloured by segment.

    Parameters
    ----------
    proj : DataFrame
        From :func:`kamlib.segments.projection`.
    labels : Series
        Segment name per customer.
    explained : array-like, optional
        Explained variance ratios, shown in the axis labels.
    max_points : int
        Points drawn (a seeded sample).
    seed : int
        Random seed of the sample.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_projection
    >>> from kamlib import segments
    >>> X = segments.matrix(segments.features(tx))
    >>> proj, explained = segments.projection(X)
    >>> ax = plot_projection(proj, segments.cluster(X, 3, seed=1), explained=explained)
    >>> ax.get_xlabel().startswith("PC1")
    True
    """
    ax = _axes(ax)
    d = proj.assign(segment=labels.reindex(proj.index).astype(str))
    if len(d) > max_points:
        d = d.sample(max_points, random_state=seed)
    for seg, sub in d.groupby("segment", sort=True):
        ax.scatter(sub["pc1"], sub["pc2"], s=4, alpha=0.5, label=seg)
    ev = explained if explained is not None else [np.nan, np.nan]
    ax.set_xlabel(Message("PC{n} ({share:.0%} of variance)", "figure", n=1, share=ev[0]))
    ax.set_ylabel(Message("PC{n} ({share:.0%} of variance)", "figure", n=2, share=ev[1]))
    ax.legend(fontsize=8, markerscale=3)
    return ax


def plot_roc(curves: dict, *, ax=None):
    """ROC curves, one per score, with their AUC in the legend.

    Parameters
    ----------
    curves : dict
        Score name to ``(roc_frame, auc)`` from :func:`kamlib.churn.evaluate`.
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_roc
    >>> from kamlib import churn
    >>> ev = churn.evaluate([1, 0, 1, 0, 1, 0], [0.9, 0.2, 0.7, 0.4, 0.3, 0.1])
    >>> plot_roc({"logit": (ev.roc, ev.auc)}).get_legend().get_texts()[0].get_text()
    'logit (AUC 0.889)'
    """
    ax = _axes(ax)
    for name, (roc, auc) in curves.items():
        ax.plot(roc["fpr"], roc["tpr"], label=Message("{name} (AUC {auc:.3f})", "figure", name=name, auc=auc))
    return _diagonal_chart(ax, 1, "False-positive rate", "True-positive rate")


def plot_calibration(tables: dict, *, ax=None, xlabel="Predicted churn probability (decile mean)",
                     ylabel="Observed churn rate"):
    """Observed rate against mean predicted probability per bin (a reliability diagram).

    Parameters
    ----------
    tables : dict
        Score name to calibration table with ``mean_predicted`` and ``observed_rate``
        (:func:`kamlib.churn.evaluate`; :func:`kamlib.text.reviews.calibration` renamed).
    ax : Axes, optional
        Where to draw (default: a new figure).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_calibration
    >>> from kamlib import churn
    >>> ev = churn.evaluate([1, 0, 1, 0, 1, 0], [0.9, 0.2, 0.7, 0.4, 0.3, 0.1], bins=2)
    >>> ax = plot_calibration({"logit": ev.calibration})
    >>> ax.get_xlabel()
    'Predicted churn probability (decile mean)'
    """
    ax = _axes(ax)
    for name, cal in tables.items():
        ax.plot(cal["mean_predicted"], cal["observed_rate"], marker="o", label=name)
    return _diagonal_chart(ax, 1, xlabel, ylabel)


def plot_aspects_beside_drivers(summary: pd.DataFrame, weights: pd.DataFrame | None = None, *,
                                labels: dict | None = None, weights_title: str | None = None):
    """Aspect sentiment in reviews beside the survey's driver weights, one row per aspect.

    Parameters
    ----------
    summary : DataFrame
        From :func:`kamlib.text.reviews.aspect_summary`: ``aspect``, ``driver``, ``mention_share``, ``net_sentiment``.
    weights : DataFrame, optional
        ``driver`` and ``lmg_share`` (:func:`kamlib.survey.key_drivers`); None draws the reviews only.
    labels : dict, optional
        Display label of each aspect.
    weights_title : str, optional
        Title over the weights panel (say where the weights come from, e.g. "simulated survey").

    Returns
    -------
    Figure

    References
    ----------
    Grömping, U. (2006). Relative importance for linear regression in R: the package relaimpo. *Journal of
    Statistical Software*, 17(1).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_aspects_beside_drivers
    >>> s = pd.DataFrame({"aspect": ["price"], "driver": ["PF"], "mention_share": [0.2], "net_sentiment": [0.1]})
    >>> fig = plot_aspects_beside_drivers(s, pd.DataFrame({"driver": ["PF"], "lmg_share": [0.3]}))
    """
    import matplotlib.pyplot as plt

    require_columns(summary, ["aspect", "driver", "mention_share", "net_sentiment"], where="the aspect summary")
    d = summary.sort_values("mention_share").reset_index(drop=True)
    names = [str((labels or {}).get(a, a)) for a in d["aspect"]]
    panels = 3 if weights is not None else 2
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels + 1, 0.5 * len(d) + 1.6), sharey=True)
    axes[0].barh(names, d["mention_share"] * 100, color="#4c72b0")
    axes[0].set_xlabel("Reviews mentioning (%)")
    colours = np.where(d["net_sentiment"] >= 0, "#55a868", "#c44e52")
    axes[1].barh(names, d["net_sentiment"] * 100, color=colours)
    axes[1].axvline(0, color="0.3", lw=0.8)
    axes[1].set_xlabel("Net sentiment (% positive - % negative)")
    if weights is not None:
        w = d["driver"].map(weights.set_index("driver")["lmg_share"])
        axes[2].barh(names, w.fillna(0) * 100, color="#8172b2")
        axes[2].set_xlabel("Survey driver weight (% of R², LMG)")
        if weights_title:
            axes[2].set_title(weights_title, fontsize=10)
        for i, (v, drv) in enumerate(zip(w, d["driver"])):
            if pd.isna(v):
                axes[2].text(0, i, f" no {drv} in the survey", va="center", fontsize=8, color="0.4")
    fig.tight_layout()
    return fig


def plot_lift(tables: dict, *, ax=None):
    """Cumulative gains by decile for several scores.

    Parameters
    ----------
    tables : dict
        Score name to lift table (:func:`kamlib.churn.lift_table`).
    ax : Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.plots import plot_lift
    >>> from kamlib import churn
    >>> ev = churn.evaluate([1, 0, 1, 0, 1, 0], [0.9, 0.2, 0.7, 0.4, 0.3, 0.1], bins=2)
    >>> ax = plot_lift({"logit": ev.lift})
    >>> ax.get_ylabel()
    'Churners captured (%)'
    """
    ax = _axes(ax)
    for name, lt in tables.items():
        ax.plot(np.r_[0, lt["cumulative_share"]] * 100, np.r_[0, lt["cumulative_capture"]] * 100, marker="o", label=name)
    return _diagonal_chart(ax, 100, "Customers targeted, highest risk first (%)", "Churners captured (%)")


def _diagonal_chart(ax, top, xlabel, ylabel):
    """Finish a chart whose reference is the diagonal (random ranking, perfect calibration)."""
    ax.plot([0, top], [0, top], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return ax


STAGE_COLORS = {"identify": "#0072B2", "segment": "#009E73", "understand": "#E69F00", "act": "#CC79A7", "evaluate": "#D55E00"}


def _union_extent(text, renderer):
    """The display box of a figure text, as wide and tall as its English or its Chinese (:func:`kamlib.style.chinese`),
    whichever is larger: the Chinese edition translates the figure after the layout, so a label's place must hold
    both."""
    from .style import chinese

    box = text.get_window_extent(renderer)
    zh = chinese(text.get_text())
    if zh is not None and zh != text.get_text():
        import warnings

        english = text.get_text()
        text.set_text(zh)
        with warnings.catch_warnings():  # measured only: a figure drawn without the Chinese font warns of no glyph
            warnings.simplefilter("ignore")
            other = text.get_window_extent(renderer)
        text.set_text(english)
        from matplotlib.transforms import Bbox

        box = Bbox.union([box, other])
    return box.expanded(1.04, 1.08)


def _free(box, placed) -> float:
    """The area of ``box`` that overlaps the boxes ``placed`` (0: free)."""
    total = 0.0
    for other in placed:
        w = min(box.x1, other.x1) - max(box.x0, other.x0)
        h = min(box.y1, other.y1) - max(box.y0, other.y0)
        if w > 0 and h > 0:
            total += w * h
    return total


def _places(gap: float, step: float, rings: int = 12):
    """Offsets (points) and alignments of a label around its anchor, nearest first: below, above, right, left, then
    the four diagonals, on rings ``gap``, ``gap + step``, ... out."""
    out = []
    for k in range(rings):
        r = gap + k * step
        out += [(0, -r, "center", "top"), (0, r, "center", "bottom"), (r + 2, 0, "left", "center"),
                (-(r + 2), 0, "right", "center")]
        d = r / np.sqrt(2)
        out += [(d, -d, "left", "top"), (-d, -d, "right", "top"), (d, d, "left", "bottom"), (-d, d, "right", "bottom")]
    return out


def _place_labels(ax, items, *, placed=(), fontsize=7.0, **text_kw):
    """Put each label at the first place around its anchor where it overlaps no label put before it and none of the
    display boxes ``placed`` (nodes, fixed texts); the place of least overlap when none is free.

    ``items``: ``(anchor, text, gap)`` with the anchor in data coordinates and ``gap`` the distance in points from the
    anchor to the label's nearest edge (a node's radius). The places tried (:func:`_places`): below, above, right and
    left of the anchor, then the diagonals, then each a line further out. A label's box holds its English and its Chinese
    (:func:`_union_extent`). Returns the texts (annotations whose position is an offset in points).
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed = list(placed)
    step = fontsize * 1.25
    out = []
    for anchor, label, gap in items:
        t = ax.annotate(label, anchor, xytext=(0, -gap), textcoords="offset points", ha="center", va="top",
                        fontsize=fontsize, annotation_clip=False, **text_kw)
        best = None
        for dx, dy, ha, va in _places(gap, step):
            t.set_position((dx, dy))
            t.set_ha(ha)
            t.set_va(va)
            box = _union_extent(t, renderer)
            cost = _free(box, placed)
            if best is None or cost < best[0]:
                best = (cost, (dx, dy), ha, va, box)
            if cost == 0:
                break
        _, xy, ha, va, box = best
        if np.hypot(*xy) > gap + 2.5 * step:  # far from its anchor: a thin line leads back to it (a line, not
            # the annotation's arrow, whose box would count as the label's)
            pts = 72 / fig.dpi
            start = ax.transData.transform(anchor)
            unit = np.asarray(xy, float) / np.hypot(*xy)
            ends = ax.transData.inverted().transform([start + unit * gap / pts, start + np.asarray(xy) / pts])
            ax.plot(ends[:, 0], ends[:, 1], lw=0.4, color="#777777", zorder=0.5)
        t.set_position(xy)
        t.set_ha(ha)
        t.set_va(va)
        placed.append(box)
        out.append(t)
    return out


def plot_network(cooc: pd.DataFrame, stages: dict, *, min_weight: int = 1, seed: int = 0, labels: dict | None = None,
                 max_labels: int = 15):
    """Theme co-occurrence network (networkx spring layout), nodes sized by frequency, coloured by stage.

    Parameters
    ----------
    cooc : DataFrame
        From :func:`kamlib.literature.cooccurrence`.
    stages : dict
        Theme to stage.
    min_weight : int
        Edges with at least this many shared units.
    seed : int
        Seed of the layout.
    labels : dict, optional
        Theme to display name (e.g. the codebook's label instead of the theme id).
    max_labels : int
        Only the most frequent themes are labelled, so the labels stay readable; the title says how many.

    Returns
    -------
    Figure
        Themes with no edge of ``min_weight`` are left out, and the title says how many.

    Examples
    --------
    >>> from kamlib.plots import plot_network
    >>> from kamlib import literature as lit
    >>> codebook = lit.load_codebook()
    >>> co = lit.cooccurrence(lit.matrix(lit.load_coding(codebook=codebook), codebook))
    >>> used = co.index[co.to_numpy().diagonal() > 0]
    >>> fig = plot_network(co.loc[used, used], {t: codebook[t]["stage"] for t in used}, min_weight=2)
    >>> len(fig.axes)
    1
    """
    import networkx as nx

    import textwrap

    g = nx.Graph()
    for i, a in enumerate(cooc.index):
        for b in cooc.index[i + 1:]:
            if cooc.loc[a, b] >= min_weight:
                g.add_edge(a, b, weight=int(cooc.loc[a, b]))
    for t in cooc.index:  # sizes; themes without a link are not drawn (the title counts them)
        if t in g:
            g.nodes[t]["size"] = int(cooc.loc[t, t])
    left_out = len(cooc.index) - g.number_of_nodes()
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    if not len(g):
        ax.text(0.5, 0.5, "no two themes coded together", ha="center", va="center")
        ax.set_axis_off()
        return fig
    # inverse weights as distances: themes coded together often sit close, without collapsing into one cluster
    pos = nx.kamada_kawai_layout(g, dist=dict(nx.shortest_path_length(g, weight=lambda a, b, d: 1.0 / d["weight"])))
    widths = [0.4 + 0.4 * g[a][b]["weight"] for a, b in g.edges]
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, alpha=0.3)
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=[40 + 25 * g.nodes[n]["size"] for n in g.nodes],
                           node_color=[STAGE_COLORS.get(stages.get(n), "#999999") for n in g.nodes])
    shown = sorted(g.nodes, key=lambda n: (-g.nodes[n]["size"], str(n)))[:max_labels]
    # wrapped whole (no truncation, no break at hyphens), so the Chinese edition finds the label to translate
    names = {n: "\n".join(textwrap.wrap(str((labels or {}).get(n, n)), 18, break_on_hyphens=False)) for n in shown}
    ax.margins(0.1)
    ax.set_axis_off()
    for stage, color in STAGE_COLORS.items():  # the legend first: its empty scatters would rescale the axes
        ax.scatter([], [], color=color, label=stage)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the network, never over a label
    ax.autoscale_view()
    ax.set_xlim(ax.get_xlim())  # fixed: the labels' places are computed in display coordinates
    ax.set_ylim(ax.get_ylim())
    sizes = {n: 40 + 25 * g.nodes[n]["size"] for n in g.nodes}
    fig.canvas.draw()
    nodes = [_node_box(ax, pos[n], sizes[n]) for n in g.nodes]  # labels keep off the nodes
    # the largest themes first, each at the first free place around its node: no label prints over another
    _place_labels(ax, [(pos[n], names[n], np.sqrt(sizes[n]) / 2 + 1) for n in shown], placed=nodes, fontsize=7)
    ax.set_title(Message("{n} themes coded together in at least {w} units; the {k} most frequent are labelled{rest}",
                         "figure", n=g.number_of_nodes(), w=min_weight, k=len(shown),
                         rest=Message(" ({m} themes without such a link are not drawn)", "figure", m=left_out)
                         if left_out else ""), fontsize=9)
    return fig


def _node_box(ax, xy, size):
    """The display box of a networkx node of ``size`` (points squared, its marker's area) at ``xy``."""
    from matplotlib.transforms import Bbox

    x, y = ax.transData.transform(xy)
    r = np.sqrt(size) / 2 * ax.figure.dpi / 72
    return Bbox.from_extents(x - r, y - r, x + r, y + r)


def plot_rule_network(rules: pd.DataFrame, *, top: int = 30, labels: dict | None = None, seed: int = 0):
    """Product-affinity network of association rules: an arrow from each item of a rule's antecedent to its
    consequent, width by lift; node size by how many of the shown rules an item takes part in.

    Parameters
    ----------
    rules : DataFrame
        From :func:`kamlib.act.baskets.rules` (``antecedents``, ``consequents``, ``lift``); the ``top`` by lift are drawn.
    top : int
        Rules drawn.
    labels : dict, optional
        Item -> display name (e.g. product descriptions instead of codes).
    seed : int
        Seed of the layout.

    Returns
    -------
    Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_rule_network
    >>> r = pd.DataFrame({"antecedents": [("a",), ("b", "c")], "consequents": ["b", "a"], "lift": [3.0, 5.0]})
    >>> fig = plot_rule_network(r)
    """
    import networkx as nx

    require_columns(rules, ["antecedents", "consequents", "lift"], where="plot_rule_network's rules")
    # lift to 9 decimals, stable: a => b and b => a tie exactly whatever order their float noise has
    shown = rules.loc[rules["lift"].round(9).sort_values(ascending=False, kind="stable").index].head(top)
    labels = dict(labels) if labels is not None else {}
    g = nx.DiGraph()
    for _, r in shown.iterrows():
        for a in r["antecedents"]:
            w = max(float(r["lift"]), g.get_edge_data(a, r["consequents"], {}).get("lift", 0))
            g.add_edge(a, r["consequents"], lift=w)
    fig, ax = plt.subplots(figsize=(8, 6.5))
    if not len(g):
        ax.text(0.5, 0.5, "no rule to draw", ha="center", va="center")
        ax.set_axis_off()
        return fig
    import textwrap

    # components side by side on a grid, each laid out on its own: labels of unrelated pairs do not overlap
    comps = sorted(nx.weakly_connected_components(g), key=lambda c: (-len(c), sorted(map(str, c))))
    cols = int(np.ceil(np.sqrt(len(comps))))
    pos = {}
    for i, comp in enumerate(comps):
        part = nx.DiGraph()  # nodes in the graph's order (a subgraph view may iterate a set: hash order per process)
        part.add_nodes_from(n for n in g.nodes if n in comp)
        part.add_edges_from((a, b) for a, b in g.edges if a in comp)
        sub = nx.spring_layout(part, seed=seed, k=1.0, iterations=200) if len(comp) > 1 else \
            {next(iter(comp)): np.zeros(2)}
        xy = np.array(list(sub.values()))
        xy = (xy - xy.mean(axis=0)) / (np.abs(xy - xy.mean(axis=0)).max() or 1) * 0.32
        for node, p in zip(sub, xy):
            pos[node] = p + np.array([i % cols, -(i // cols)])
    lifts = np.array([g[a][b]["lift"] for a, b in g.edges])
    widths = 0.6 + 2.4 * (lifts - lifts.min()) / (np.ptp(lifts) or 1)
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, alpha=0.45, arrowsize=10, edge_color="#0072B2")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=[60 + 40 * g.degree(n) for n in g.nodes], node_color="#E69F00")
    wrapped = {n: textwrap.shorten(str(labels.get(n, n)), 34, placeholder="...") for n in g.nodes}
    wrapped = {n: "\n".join(textwrap.wrap(t, 17)[:2]) for n, t in wrapped.items()}
    below = {n: p - np.array([0, 0.07]) for n, p in pos.items()}
    nx.draw_networkx_labels(g, below, ax=ax, font_family=plt.rcParams["font.family"], labels=wrapped, font_size=6.5,
                            verticalalignment="top")
    ax.set_title(Message("{links} product links from the top {n} rules by lift (arrow: bought with -> also bought)",
                         "figure", links=g.number_of_edges(), n=len(shown)))
    ax.margins(0.12)
    ax.set_axis_off()
    return fig


def plot_path_diagram(paths: pd.DataFrame, r2: pd.Series | None = None, *, title: str = ""):
    """A structural model: constructs in layers from left (exogenous) to right, arrows labelled with the
    standardised estimates, R² under each endogenous construct.

    Parameters
    ----------
    paths : DataFrame
        ``from``, ``to``, ``estimate``; an optional boolean ``significant`` draws the arrow solid (else dashed).
    r2 : Series, optional
        R² by construct.
    title : str
        Figure title.

    Returns
    -------
    Figure

    References
    ----------
    Hair, J. F. et al. (2022). *A Primer on PLS-SEM*, 3rd ed., Sage (path-model diagrams).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.plots import plot_path_diagram
    >>> fig = plot_path_diagram(pd.DataFrame({"from": ["A"], "to": ["B"], "estimate": [0.4]}), pd.Series({"B": 0.16}))
    """
    import networkx as nx

    require_columns(paths, ["from", "to", "estimate"], where="plot_path_diagram's paths")
    g = nx.DiGraph()
    for r in paths.itertuples(index=False):
        g.add_edge(r[0], r[1])
    pos = {}
    for layer, nodes in enumerate(nx.topological_generations(g)):
        for i, n in enumerate(sorted(nodes)):
            # a lone construct zigzags up and down, so that arrows skipping a layer do not run through it
            y = 0.6 * (-1) ** layer if len(nodes) == 1 else 1 - 2 * i / (len(nodes) - 1)
            pos[n] = (layer, y)
    fig, ax = plt.subplots(figsize=(9, 5.2))
    xs = [p[0] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)  # fixed before drawing: the arcs' and labels' places are computed in
    ax.set_ylim(-1.6, 1.6)  # display coordinates, as matplotlib draws them
    ax.set_axis_off()
    node_size = 2600
    significant = paths["significant"] if "significant" in paths else pd.Series(True, index=paths.index)
    edges = list(zip(paths["from"], paths["to"], paths["estimate"], significant))
    nodes = {n: _node_box(ax, pos[n], node_size) for n in g.nodes}
    curves = {}
    for a_, b_, _, _ in edges:
        span = abs(pos[b_][0] - pos[a_][0])
        if span <= 1 and abs(pos[b_][1] - pos[a_][1]) < 1.9:
            curves[(a_, b_)] = (0.0, _arc(ax, pos[a_], pos[b_], 0.0))
            continue
        # an arrow that skips a layer bends to the side where it passes farthest from the other constructs
        options = []
        for rad in (-0.2 - 0.07 * span, 0.2 + 0.07 * span, -0.45 - 0.07 * span, 0.45 + 0.07 * span):
            pts = _arc(ax, pos[a_], pos[b_], rad)
            clear = min((np.hypot(*(pts - ax.transData.transform(pos[n])).T).min() for n in g.nodes
                         if n not in (a_, b_)), default=np.inf)
            options.append((-min(clear, 60 * fig.dpi / 72), abs(rad), rad, pts))
        _, _, rad, pts = min(options, key=lambda o: (o[0], o[1]))
        curves[(a_, b_)] = (rad, pts)
    inv = ax.transData.inverted()
    for _ in range(3):  # the axes hold every arc (a wide arc over the top would run into the title)
        ys = np.concatenate([inv.transform(pts)[:, 1] for _, pts in curves.values()])
        low, high = min(ys.min() - 0.45, -1.6), max(ys.max() + 0.45, 1.6)
        if np.allclose(ax.get_ylim(), (low, high)):
            break
        ax.set_ylim(low, high)
        inv = ax.transData.inverted()
        curves = {k: (rad, _arc(ax, pos[k[0]], pos[k[1]], rad)) for k, (rad, _) in curves.items()}
    nodes = {n: _node_box(ax, pos[n], node_size) for n in g.nodes}
    for a_, b_, est, sig in edges:
        rad = curves[(a_, b_)][0]
        nx.draw_networkx_edges(g, pos, edgelist=[(a_, b_)], ax=ax, width=0.8 + 3 * abs(est),
                               style="solid" if sig else "dashed", edge_color="#0072B2" if est >= 0 else "#D55E00",
                               arrowsize=14, node_size=node_size, connectionstyle=f"arc3,rad={rad:.2f}")
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=node_size, node_color="#F0E442", edgecolors="#333333")
    labels = {n: n if r2 is None or n not in r2 else f"{n}\nR² {r2[n]:.2f}" for n in g.nodes}
    texts = nx.draw_networkx_labels(g, pos, ax=ax, font_family=plt.rcParams["font.family"], labels=labels,
                                    font_size=7.5)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed = list(nodes.values()) + [_union_extent(t, renderer) for t in texts.values()]
    # each coefficient on its own arrow: the first point along it, from the middle outwards, where it overlaps no
    # construct and no other label (so it never sits by another construct's arrow)
    for a_, b_, est, _ in edges:
        pts = curves[(a_, b_)][1]
        t = ax.text(0, 0, f"{est:.2f}", fontsize=8, ha="center", va="center", family=plt.rcParams["font.family"],
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
        best = None
        for f in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8):
            t.set_position(inv.transform(pts[int(round(f * (len(pts) - 1)))]))
            box = _union_extent(t, renderer)
            cost = _free(box, placed)
            if best is None or cost < best[0]:
                best = (cost, t.get_position(), box)
            if cost == 0:
                break
        t.set_position(best[1])
        t.set_gid(f"path:{a_}->{b_}")
        placed.append(best[2])
    ax.set_title(title or "Structural model (standardised estimates; dashed: interval includes 0)")
    return fig


def _arc(ax, start, end, rad, n: int = 101):
    """Points (display coordinates) along matplotlib's ``arc3`` connection from ``start`` to ``end`` (data
    coordinates): the quadratic Bezier curve whose middle control point lies ``rad`` times the chord's length off its
    midpoint (:class:`matplotlib.patches.ConnectionStyle.Arc3`)."""
    p0, p2 = ax.transData.transform(start), ax.transData.transform(end)
    (dx, dy), mid = p2 - p0, (p0 + p2) / 2
    p1 = mid + rad * np.array([dy, -dx])
    u = np.linspace(0, 1, n)[:, None]
    return (1 - u) ** 2 * p0 + 2 * (1 - u) * u * p1 + u ** 2 * p2


def plot_model_evaluation(name: str, ev, *, axes=None):
    """ROC, calibration and gains of one score side by side.

    Parameters
    ----------
    name : str
        The score's name (legend).
    ev : ChurnEvaluation
        From :func:`kamlib.churn.evaluate`.
    axes : sequence of Axes, optional
        Three axes to draw on.

    Returns
    -------
    ndarray of Axes

    Examples
    --------
    >>> from kamlib.plots import plot_model_evaluation
    >>> from kamlib import churn
    >>> ev = churn.evaluate([1, 0, 1, 0, 1, 0], [0.9, 0.2, 0.7, 0.4, 0.3, 0.1], bins=2)
    >>> axes = plot_model_evaluation("Logistic regression", ev)
    >>> len(axes)
    3
    """
    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    plot_roc({name: (ev.roc, ev.auc)}, ax=axes[0])
    plot_calibration({name: ev.calibration}, ax=axes[1])
    plot_lift({name: ev.lift}, ax=axes[2])
    axes[0].figure.tight_layout()
    return axes
