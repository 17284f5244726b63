"""Plot functions: ``plot_x(data, ..., ax=None) -> Axes``; they validate their input first."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .errors import require_columns


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
    return axes
