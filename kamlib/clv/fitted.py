"""A fitted model of the CLV family (:class:`Fitted`) and the error of a model the data cannot identify."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError
from ..i18n import Message
from . import _bgnbd
from .base import BOUNDS, get, label

__all__ = ["Fitted", "NotIdentified", "common_dropout"]


class NotIdentified(KamError):
    """A model whose likelihood the optimiser could not maximise on this data (one sentence with the fix)."""


def common_dropout(m) -> bool:
    """Whether a fit is a Pareto/NBD whose s and beta both ran to the upper bound: the gamma mixing of the dropout
    rate has collapsed to its mean s / beta (every customer the same exponential lifetime), so dropout is identified,
    but not its spread between customers.

    Parameters
    ----------
    m : Fitted
        A fitted purchase model.

    Returns
    -------
    bool

    Examples
    --------
    >>> from kamlib import clv, datasets, rfm
    >>> clv.common_dropout(clv.fit(rfm.summary(datasets.cdnow(sample=True), end="1997-09-30"), "paretonbd"))
    False
    """
    return (m.model == "paretonbd" and {"s", "beta"} <= set(m.at_bound) and m.params["s"] > BOUNDS[1]
            and m.params["beta"] > BOUNDS[1] and np.isfinite(m.params["s"] / m.params["beta"]))


@dataclass(frozen=True)
class Fitted(Result):
    """A fitted CLV model.

    Attributes
    ----------
    model : str
        The registered name (:func:`kamlib.clv.get`): ``"bgnbd"``, ``"paretonbd"``, ``"mbgnbd"``, ``"mbgcnbd"``,
        ``"bgcnbd"`` or ``"gamma_gamma"``.
    params, se : dict
        Estimates and standard errors by parameter name; a standard error that the Hessian cannot give (a
        parameter at a bound, a singular or negative curvature) is NaN, never 0.
    at_bound : tuple of str
        Parameters at a bound of the parameter space (:data:`BOUNDS`).
    loglik : float
        Total log-likelihood.
    """

    model: str
    fitter: object
    params: dict
    loglik: float
    n_customers: int
    n_rows: int
    se: dict = field(default_factory=dict)
    unit: str = "W"
    at_bound: tuple = ()
    covariates: tuple = ()

    @property
    def label(self) -> str:
        """The model's name in tables, with its covariates (``Pareto/NBD + country``)."""
        return label("+".join([self.model, *self.covariates]))

    @property
    def degenerate(self) -> bool:
        """True when a parameter is at a bound (the estimates do not describe an identified model)."""
        return bool(self.at_bound)

    @property
    def dropout_unidentified(self) -> tuple:
        """The dropout parameters at a bound of the parameter space when they do not describe a dropout rate common
        to all customers (:func:`common_dropout`): a fit that identifies no dropout. Empty otherwise.

        Returns
        -------
        tuple of str
        """
        if common_dropout(self):
            return ()
        return tuple(k for k in self.at_bound if k in get(self.model).dropout)

    def diagnosis(self) -> str | None:
        """A degenerate fit in a few sentences, the first naming the parameters at a bound, then what it means and
        what to try (None when the fit is regular)."""
        if not self.at_bound:
            return None
        label = self.label
        values = ", ".join(f"{k} = {self.params[k]:.3g}" for k in self.at_bound)
        if common_dropout(self):
            # a short first sentence, the warning a repeated note is known by (the report points back to it), then
            # its explanation
            return Message("{model}: s and beta are at a bound ({values}). Every customer drops out at about the same "
                           "rate (s / beta = {rate:.3g} in the model's time unit), and how that rate differs between "
                           "customers cannot be identified in this window. P(alive) follows the common rate, but s "
                           "and beta are no estimates to read (standard errors omitted).",
                           model=label, values=values, rate=self.params["s"] / self.params["beta"])
        if self.dropout_unidentified:
            return Message("{model}: the dropout parameters are at a bound ({values}): no dropout can be identified in "
                           "this window, so the model reduces to the NBD and its P(alive) is about 1 for everyone and "
                           "carries no information; use a longer calibration period or judge risk by recency.",
                           model=label, values=values)
        return Message("{model}: {values} at a bound of the parameter space; the estimates are not identified in this "
                       "window (standard errors omitted); try a longer calibration period or a penalizer.",
                       model=label, values=values)

    @property
    def aic(self) -> float:
        return 2 * len(self.params) - 2 * self.loglik

    @property
    def bic(self) -> float:
        return len(self.params) * np.log(self.n_customers) - 2 * self.loglik

    def summary_frame(self, ci: pd.DataFrame | None = None) -> pd.DataFrame:
        """Parameters with ``_se``, an ``at_bound`` flag (and bootstrap ``_ci_lower``/``_ci_upper`` when given)."""
        out = pd.DataFrame({"model": self.label, "parameter": list(self.params),
                            "estimate": list(self.params.values()),
                            "estimate_se": [self.se.get(k, np.nan) for k in self.params],
                            "at_bound": [k in self.at_bound for k in self.params]})
        if ci is not None:
            out = out.merge(ci, on="parameter", how="left")
        return out

    # -- purchase models ---------------------------------------------------
    def _need_purchase(self):
        if get(self.model).kind != "purchase":
            raise KamError("This is the Gamma-Gamma spend model; use a purchase model (bgnbd, paretonbd, mbgnbd).")

    def _fitter(self, summary: pd.DataFrame):
        """The fitter, bound to the customers of ``summary`` when each has its own parameters (covariates)."""
        bind = getattr(self.fitter, "bind", None)
        return bind(summary) if bind is not None else self.fitter

    def p_alive(self, summary: pd.DataFrame) -> np.ndarray:
        """P(alive) at the end of the calibration period."""
        self._need_purchase()
        return np.asarray(self._fitter(summary).conditional_probability_alive(
            summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float), summary["T"].to_numpy(float)))

    def expected_purchases(self, t, summary: pd.DataFrame) -> np.ndarray:
        """Expected repeat purchases in the next ``t`` time units, per customer."""
        self._need_purchase()
        if self.model == "bgnbd" and np.isscalar(t) and not hasattr(self.fitter, "bind"):
            return next(_bgnbd.expected([float(t)], self.params, summary["frequency"].to_numpy(float),
                                        summary["recency"].to_numpy(float), summary["T"].to_numpy(float)))
        return np.asarray(self._fitter(summary).conditional_expected_number_of_purchases_up_to_time(
            t, summary["frequency"].to_numpy(float), summary["recency"].to_numpy(float),
            summary["T"].to_numpy(float)))

    def unconditional_purchases(self, t) -> np.ndarray:
        """Expected repeat purchases by time ``t`` since a random customer's first purchase."""
        self._need_purchase()
        if hasattr(self.fitter, "bind"):
            raise KamError(f"{self.label}: the expectation of a random customer depends on the covariates; use "
                           "expected_purchases for given customers.")
        return np.asarray(self.fitter.expected_number_of_purchases_up_to_time(np.asarray(t, float)))

    # -- spend model -------------------------------------------------------
    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Gamma-Gamma conditional expected spend per transaction (population mean for 0 repeats)."""
        if get(self.model).kind != "spend":
            raise KamError("expected_spend needs the Gamma-Gamma model (fit(summary, model='gamma_gamma')).")
        p, q, v = (self.params[k] for k in ("p", "q", "v"))
        x = summary["frequency"].to_numpy(float)
        m = summary["monetary_value"].to_numpy(float)
        population_mean = v * p / (q - 1)
        weight = (q - 1) / (p * x + q - 1)
        return weight * population_mean + (1 - weight) * m
