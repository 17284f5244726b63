"""Plot functions: ``plot_x(data, ..., ax=None) -> Axes``; they validate their input first."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .errors import require_columns


def _date_axis(ax):
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _axes(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_monthly(monthly: pd.DataFrame, *, axes=None):
    """Three stacked panels: revenue, orders and active customers per month."""
    require_columns(monthly, ["month", "revenue", "orders", "active_customers"], where="plot_monthly's data")
    if axes is None:
        _, axes = plt.subplots(3, 1, figsize=(6.4, 6.0), sharex=True)
    for ax, col, label in zip(axes, ["revenue", "orders", "active_customers"],
                              ["Revenue ($)", "Orders (customer-days)", "Active customers"]):
        ax.plot(monthly["month"], monthly[col], marker="o", markersize=3)
        ax.set_ylabel(label)
    axes[-1].set_xlabel("Month")
    _date_axis(axes[-1])
    return axes


def _model_columns(df, exclude):
    return [c for c in df.columns if c not in exclude and not c.endswith("_cumulative") and c != "holdout"]


def plot_frequency_histogram(hist: pd.DataFrame, *, ax=None):
    """Grouped bars: customers by calibration repeat purchases, actual and per model."""
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


def plot_tracking(track: pd.DataFrame, *, cumulative: bool = False, calibration_end=None, ax=None):
    """Repeat transactions per period (or cumulative), actual against each model."""
    require_columns(track, ["period_end", "actual"], where="plot_tracking's data")
    ax = _axes(ax)
    suffix = "_cumulative" if cumulative else ""
    models = _model_columns(track, {"period", "period_end", "actual"})
    ax.plot(track["period_end"], track["actual" + suffix], color="black", label="Actual", linewidth=1.6)
    for m in models:
        ax.plot(track["period_end"], track[m + suffix], linestyle="--", label=m)
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":", linewidth=1)
        ax.text(pd.Timestamp(calibration_end), ax.get_ylim()[1] * 0.97, " holdout ", va="top", fontsize=8, color="grey")
    ax.set_ylabel("Cumulative repeat transactions" if cumulative else "Repeat transactions per week")
    ax.set_xlabel("Week ending")
    _date_axis(ax)
    ax.legend()
    return ax


def plot_conditional(cond: pd.DataFrame, *, ax=None):
    """Mean holdout purchases by calibration repeat purchases, actual against each model."""
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
    """Lorenz curve of customer value with the line of equality."""
    require_columns(curve, ["customer_share", "value_share"], where="plot_lorenz's data")
    ax = _axes(ax, figsize=(4.8, 4.4))
    ax.plot(curve["customer_share"], curve["value_share"], label="Lorenz curve")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="Equality")
    ax.set_xlabel("Cumulative share of customers (lowest value first)")
    ax.set_ylabel("Cumulative share of revenue")
    if gini is not None:
        ax.set_title(f"Gini = {gini:.3f}")
    ax.legend(loc="upper left")
    return ax


def plot_bars(table: pd.DataFrame, x: str, y: str, *, xlabel=None, ylabel=None, ax=None, percent=False):
    """A plain bar chart of one column against another."""
    require_columns(table, [x, y], where="plot_bars' data")
    ax = _axes(ax)
    vals = table[y] * (100 if percent else 1)
    ax.bar(table[x].astype(str), vals)
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or (f"{y} (%)" if percent else y))
    ax.tick_params(axis="x", rotation=20)
    return ax


def plot_hist(values, *, bins=30, xlabel="", ylabel="Customers", ax=None):
    ax = _axes(ax)
    ax.hist(values, bins=bins)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
