"""Maximum likelihood by BFGS on log-parameters with analytic gradients, shared by every model of the family.

Written by hand around scipy.optimize.minimize: the stopping rules (rounding-level progress, an early stop at a point
that meets the gradient tolerance) and the warm start from a subsample's optimum are what lets a fit on millions of
distinct rows end in a few gradient steps.
"""

from __future__ import annotations

import numpy as np

from .base import BOUNDS

__all__ = ["minimize", "mle", "positive_definite", "weighted"]


def weighted(weights, values):
    """``values @ weights``, the weighted sum over the rows of one array (or of each row of a 2-D array), by numpy's
    own loop rather than BLAS: a multithreaded BLAS dot of 17,000 rows took 3.5 ms instead of 5 microseconds on a
    busy 2-core machine (its threads wait for a core), and its summation order follows the thread count; this one
    does not depend on the threads."""
    return np.einsum("...i,i->...", values, weights)


def positive_definite(matrix):
    """``matrix`` symmetrised when it is finite and positive definite (a usable start for BFGS's inverse Hessian),
    else None."""
    if matrix is None:
        return None
    h = np.asarray(matrix, float)
    h = (h + h.T) / 2
    if not np.all(np.isfinite(h)):
        return None
    try:
        np.linalg.cholesky(h)
    except np.linalg.LinAlgError:
        return None
    return h


class _Converged(Exception):
    """Raised inside :func:`minimize`'s objective at a point that meets the gradient tolerance."""


def minimize(nll, x0, args: tuple, options: dict, early: bool = True):
    """BFGS on ``nll`` (value and analytic gradient), stopping as well when an iteration lowers the objective by
    no more than its rounding (1e-14 relative, some tens of units in the last place of a sum over many rows), and
    (``early``) at the first evaluated point whose gradient meets ``gtol`` without a higher objective than the best
    so far: near the optimum, line searches compare noise and fail after dozens of evaluations (72 instead of 20 for
    a BG/CNBD-k on 62,000 rows), while the estimates no longer move. Without ``early`` the result keeps BFGS's
    inverse Hessian (a subsample's fit passes it on)."""
    from scipy import optimize

    last, best = [np.inf], [np.inf]
    gtol = options.get("gtol", 1e-5)

    def stop(intermediate_result):
        value = intermediate_result.fun
        if last[0] - value <= 1e-14 * max(1.0, abs(value)):
            raise StopIteration
        last[0] = value

    def fun(x, *a):
        value, grad = nll(x, *a)
        if early and np.isfinite(value) and value <= best[0] + 1e-14 * max(1.0, abs(value)) \
                and np.abs(grad).max() <= gtol:
            raise _Converged(x.copy(), value, grad)
        best[0] = min(best[0], value)
        return value, grad

    try:
        return optimize.minimize(fun, x0, args=args, jac=True, method="BFGS", options=options, callback=stop)
    except _Converged as done:
        x, value, grad = done.args
        return optimize.OptimizeResult(x=x, fun=value, jac=grad, success=True, message="gradient below gtol")


def mle(nll, k: int, args: tuple, *, start=None, sub: tuple | None = None, hess_inv=None) -> np.ndarray:
    """Minimise ``nll`` (value and analytic gradient) over log-parameters with BFGS, from ``start`` (natural
    scale; lifetimes' start, every parameter 1, by default), first on the arguments ``sub`` of a subsample when
    given, or with ``hess_inv``, the inverse Hessian of ``nll`` near the optimum (a neighbouring fit's: a bootstrap
    refit starts from the full sample's estimates and curvature, and takes a few Newton-like steps); returns the
    parameters."""
    from lifetimes.utils import ConvergenceError

    start = np.zeros(k) if start is None else np.log(np.asarray(start, float))
    options = {"gtol": 1e-10, "maxiter": 5000}
    curvature = positive_definite(hess_inv)
    if curvature is not None:
        options["hess_inv0"] = curvature
    elif sub is not None:
        # many distinct rows: start from the optimum of every k-th row (a deterministic subsample), so that the
        # full objective needs a few BFGS steps instead of dozens; the optimum is the full data's either way
        n = len(args[-2])
        # on millions of rows the summed gradient carries rounding noise that grows with the rows (1.4e-8 at 3.7
        # million distinct rows on an AVX-512 machine): a target below it ends in dozens of failing line searches
        # (70 evaluations, 28 s), so BFGS stops at 1e-10 x sqrt(rows), at least 1e-8 (2e-7 at 3.7 million rows;
        # the estimates move by about 1e-7, relative)
        options["gtol"] = max(1e-8, 1e-10 * np.sqrt(n))
        first = minimize(nll, start, sub, {"gtol": 1e-6, "maxiter": 5000}, early=False)
        if np.all(np.isfinite(first.x)) and np.isfinite(first.fun):
            start = first.x
            h = positive_definite(first.hess_inv)
            if h is not None:
                options["hess_inv0"] = h  # and its curvature: a few steps remain on the full data
    res = minimize(nll, start, args, options)
    if not np.isfinite(res.fun) or np.abs(res.jac).max() > 1e-6:
        if np.isfinite(res.fun) and np.any((np.exp(res.x) < BOUNDS[0]) | (np.exp(res.x) > BOUNDS[1])):
            # the likelihood rises along a ridge towards a bound of the parameter space: not a failure of the
            # optimiser but a model the data cannot identify; fit() flags it (at_bound) and says so in one sentence
            return np.exp(res.x)
        raise ConvergenceError("The model did not converge; try a positive penalizer (for example penalizer=0.001).")
    return np.exp(res.x)
