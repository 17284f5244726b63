"""Helpers shared by the survey modules: complete item data, lavaan's defined parameters (their expressions
and delta-method standard errors), the causal order of a recursive structural model, the total effects of a path
matrix (:func:`total_effects`: the one computation behind the SEM's, the PLS model's and the IPMA's total effects),
and the interval result of :func:`~kamlib.survey.cbsem.rmsea_ci`,
:func:`~kamlib.survey.reliability.alpha_ci` and :func:`~kamlib.survey.pls.bca_interval`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError

__all__ = ["Interval", "causal_order", "complete_items", "delta_method", "evaluate_expression", "total_effects"]


@dataclass(frozen=True)
class Interval(Result):
    """A confidence interval's bounds; unpacks as ``lower, upper`` (the tuple it replaces).

    Attributes
    ----------
    lower : float
        The lower bound (NaN when the interval is not defined).
    upper : float
        The upper bound (NaN when the interval is not defined).
    level : float
        The confidence level (0.95 for 95%).

    Examples
    --------
    >>> from kamlib.survey._shared import Interval
    >>> lower, upper = Interval(0.2, 0.5, 0.95)
    >>> upper, Interval(0.2, 0.5, 0.95).level
    (0.5, 0.95)
    """

    lower: float
    upper: float
    level: float
    unpack = ("lower", "upper")


_FUNCTIONS = {"sqrt": np.sqrt, "exp": np.exp, "log": np.log, "abs": np.abs}


def complete_items(items: pd.DataFrame, listwise: bool = True) -> pd.DataFrame:
    """Item columns as numbers (text that is no number becomes missing), respondents with a missing answer dropped
    when ``listwise``; a one-sentence error when there are fewer than two items."""
    if not isinstance(items, pd.DataFrame) or items.shape[1] < 2:
        raise KamError("Reliability needs a DataFrame with at least two item columns.")
    data = items.apply(pd.to_numeric, errors="coerce")
    return data.dropna() if listwise else data

def delta_method(expr: str, where: dict, theta: np.ndarray, cov: np.ndarray) -> tuple[float, float]:
    """A defined parameter's value and delta-method standard error (NaN when 0), as lavaan: ``where`` maps each
    label to its position in ``theta``, whose covariance is ``cov``; the gradient is a central difference."""
    def at(vector):
        return evaluate_expression(expr, {label: float(vector[i]) for label, i in where.items()})

    grad = np.zeros(len(theta))
    for i in set(where.values()):  # the expression reads only the labelled parameters
        h = 1e-6 * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (at(up) - at(down)) / (2 * h)
    se = float(np.sqrt(grad @ cov @ grad))
    return at(theta), se if se > 0 else math.nan


def evaluate_expression(expr: str, values: dict) -> float:
    """A lavaan defined-parameter expression: numbers, labels, + - * / ^ ** and sqrt, exp, log, abs."""
    import ast

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise KamError(f"the defined parameter expression {expr!r} uses {node.id!r}, which labels no parameter "
                               f"of the model; label it as lavaan does (for example 'y ~ {node.id}*x').")
            return values[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            a, b = walk(node.left), walk(node.right)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Div: a / b if b else math.nan,
                    ast.Pow: a ** b}[type(node.op)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS \
                and len(node.args) == 1:
            return float(_FUNCTIONS[node.func.id](walk(node.args[0])))
        raise KamError(f"the defined parameter expression {expr!r} has a part kamlib does not evaluate; use labels, "
                       "numbers, + - * / ^ and sqrt, exp, log or abs.")

    try:
        tree = ast.parse(expr.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise KamError(f"the defined parameter expression {expr!r} cannot be read; write it as lavaan does, for "
                       "example 'a*b'.") from None
    return walk(tree)


def causal_order(paths, *, outcomes=None, among=None, where: str = "the structural model") -> list[str]:
    """The endogenous constructs of a recursive model, each after every construct that predicts it.

    Parameters
    ----------
    paths : iterable of (predictor, outcome)
        The structural paths.
    outcomes : list of str, optional
        The endogenous constructs (default: every outcome of ``paths``, in order of first appearance); one without
        a path counts as ready at once.
    among : list of str, optional
        The order among constructs that are ready together (default: ``outcomes``' order).
    where : str
        What the model is, for the error.

    Returns
    -------
    list of str

    Raises
    ------
    KamError
        A loop (a construct that predicts itself through others): one sentence naming its constructs.

    Examples
    --------
    >>> from kamlib.survey._shared import causal_order
    >>> causal_order([("SAT", "LOY"), ("PQ", "SAT"), ("SQ", "LOY")])
    ['SAT', 'LOY']
    """
    paths = list(paths)
    outcomes = list(dict.fromkeys(b for _, b in paths)) if outcomes is None else list(outcomes)
    among = [c for c in (among or outcomes) if c in outcomes]
    preds = {c: {a for a, b in paths if b == c} for c in outcomes}
    done = {a for a, _ in paths} - set(outcomes)
    order: list[str] = []
    while len(order) < len(outcomes):
        ready = [c for c in among if c not in done and preds[c] <= done]
        if not ready:
            raise KamError(f"{where} has a loop ({', '.join(c for c in outcomes if c not in done)}); only recursive "
                           "models (no construct predicting itself through others) are drawn or predicted.")
        done.add(ready[0])
        order.append(ready[0])
    return order


def total_effects(paths):
    """The total effects of a recursive path model: direct plus every path through mediators, ``(I - B)^-1 - I``.

    The one computation of total effects in the package: the SEM's
    (:meth:`~kamlib.survey.research_model.ResearchModel.total_effects`), the PLS model's
    (:meth:`~kamlib.survey.pls.PLSModel.effects` and its bootstrap) and the IPMA's importance
    (:func:`~kamlib.survey.importance.ipma`) call it.

    Parameters
    ----------
    paths : ndarray or DataFrame
        Square path matrix ``B``: ``B[i, j]`` is the direct effect of construct ``i`` on construct ``j`` (rows
        predictors, columns outcomes); a DataFrame keeps its labels.

    Returns
    -------
    ndarray or DataFrame
        ``T[i, j]``: the total effect of ``i`` on ``j``, the same type and labels as ``paths``.

    Raises
    ------
    numpy.linalg.LinAlgError
        When ``I - B`` is singular (a non-recursive model with a unit loop).

    References
    ----------
    Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares
    Structural Equation Modeling (PLS-SEM)*, 3rd ed., Sage, ch. 6.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.survey._shared import total_effects
    >>> B = np.array([[0, 0.5, 0.2], [0, 0, 0.4], [0, 0, 0]])  # x -> m -> y and x -> y
    >>> float(round(total_effects(B)[0, 2], 10))  # 0.2 + 0.5 * 0.4
    0.4
    """
    B = paths.to_numpy(dtype=float) if isinstance(paths, pd.DataFrame) else np.asarray(paths, dtype=float)
    eye = np.eye(len(B))
    T = np.linalg.inv(eye - B) - eye
    return pd.DataFrame(T, index=paths.index, columns=paths.columns) if isinstance(paths, pd.DataFrame) else T
