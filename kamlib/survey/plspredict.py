"""PLSpredict: the out-of-sample predictive power of a PLS path model (Shmueli et al. 2016, 2019).

Each fold's respondents are predicted by the model fitted on the other folds: their indicators standardised by the
training means and standard deviations, construct scores from the training outer weights, the endogenous
constructs' scores from the structural model (direct antecedents, seminr's default, or earliest antecedents, Shmueli
et al. 2016), and the indicators from the loadings. The benchmark is a linear regression of each endogenous
indicator on the exogenous constructs' indicators (Shmueli et al. 2019), fitted on the same training folds
(``benchmark="other"`` takes every indicator outside the construct, as seminr's ``predict_pls``); Q²predict
compares the model's squared errors with those of the training mean.

Written by hand because seminr's ``predict_pls`` has no Python counterpart; the package's PLS estimator is reused
for every fold, and the tests compare the leave-one-out results with seminr's, computed locally from its public
source (``tests/reference/seminr``).

References
----------
Shmueli, G., Ray, S., Velasquez Estrada, J. M. & Chatla, S. B. (2016). The elephant in the room: predictive
performance of PLS models. *Journal of Business Research*, 69(10), 4552-4564. Shmueli, G., Sarstedt, M., Hair, J.
F., Cheah, J.-H., Ting, H., Vaithilingam, S. & Ringle, C. M. (2019). Predictive model assessment in PLS-SEM:
guidelines for using PLSpredict. *European Journal of Marketing*, 53(11), 2322-2347.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import ArgumentError
from ..i18n import Message
from ..verdicts import RULES
from ._shared import causal_order

__all__ = ["PLSPredict", "final_outcome", "plspredict", "predict_items"]

_TECHNIQUES = ("direct", "earliest")


@dataclass(frozen=True)
class PLSPredict(Result):
    """Out-of-sample prediction of the endogenous indicators (:func:`plspredict`).

    Attributes
    ----------
    table : DataFrame
        One row per endogenous indicator: ``construct``, ``indicator``, ``q2_predict``, ``pls_rmse``, ``pls_mae``,
        ``lm_rmse``, ``lm_mae`` and ``pls_below_lm`` (the model's RMSE below the benchmark's).
    power : dict
        Endogenous construct -> ``"high"``, ``"medium"``, ``"low"`` or ``"no"`` (Shmueli et al. 2019's rule on
        the share of its indicators whose RMSE is below the benchmark's, once every Q²predict is above 0).
    folds : int
        Folds of each repetition (the number of respondents for leave-one-out).
    reps : int
        Repetitions averaged.
    technique : str
        ``"direct"`` or ``"earliest"`` antecedents.
    verdict : Message
        The target construct's predictive power with its rule and source.
    """

    table: pd.DataFrame
    power: dict
    folds: int
    reps: int
    technique: str
    verdict: Message


def _endogenous(model) -> list[str]:
    return list(dict.fromkeys(b for _, b in model.spec["paths"]))


def _causal_order(model) -> list[str]:
    """The endogenous constructs, each after its antecedents."""
    return causal_order(model.spec["paths"])


def final_outcome(paths) -> str:
    """The model's final outcome: the last construct, in causal order, that predicts no other.

    Parameters
    ----------
    paths : list of (from, to)
        The structural model.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.survey.plspredict import final_outcome
    >>> final_outcome([("Image", "Satisfaction"), ("Satisfaction", "Loyalty"), ("Image", "Loyalty")])
    'Loyalty'
    """
    sources = {a for a, _ in paths}
    return [c for c in causal_order(paths) if c not in sources][-1]


def predict_items(model, new: pd.DataFrame, technique: str = "direct") -> pd.DataFrame:
    """Predict every indicator of ``new`` respondents from a fitted PLS model (seminr's ``predict``).

    Parameters
    ----------
    model : PLSModel
        From :func:`kamlib.survey.pls.fit` (standardised indicators, no higher-order constructs).
    new : DataFrame
        Respondents x indicators.
    technique : {"direct", "earliest"}
        Endogenous scores from their direct antecedents' indicator-based scores, or built up from the exogenous
        constructs only (earliest antecedents).

    Returns
    -------
    DataFrame
        The predicted indicators, on their own scale.

    References
    ----------
    Shmueli, G., Ray, S., Velasquez Estrada, J. M. & Chatla, S. B. (2016). The elephant in the room: predictive
    performance of PLS models. *Journal of Business Research*, 69(10), 4552-4564.

    Examples
    --------
    >>> from kamlib.survey.plspredict import predict_items
    >>> round(float(predict_items(model, ecsi.head(3))["sat1"].iloc[0]), 2)
    7.07
    """
    if technique not in _TECHNIQUES:
        raise ArgumentError(f"technique is {technique!r}; use direct or earliest.", argument="technique")
    constructs = list(model.scores.columns)
    items = [i for c in constructs for i in model.spec["blocks"][c]]
    train = model.data[items]
    mean, sd = train.mean(), train.std(ddof=1)
    xs = ((new[items] - mean) / sd).to_numpy(float)
    W = np.zeros((len(items), len(constructs)))
    L = np.zeros((len(items), len(constructs)))
    rows = model.outer["indicator"].map({i: k for k, i in enumerate(items)}).to_numpy()
    cols = model.outer["construct"].map({c: j for j, c in enumerate(constructs)}).to_numpy()
    W[rows, cols], L[rows, cols] = model.outer["weight"].to_numpy(), model.outer["loading"].to_numpy()
    B = np.zeros((len(constructs), len(constructs)))
    B[model.paths["from"].map(constructs.index).to_numpy(), model.paths["to"].map(constructs.index).to_numpy()] = \
        model.paths["estimate"].to_numpy()
    scores = xs @ W
    endogenous = [constructs.index(c) for c in _endogenous(model)]
    if technique == "direct":
        out = scores.copy()
        out[:, endogenous] = (scores @ B)[:, endogenous]
    else:
        out = scores.copy()
        out[:, endogenous] = 0.0
        for c in _causal_order(model):
            j = constructs.index(c)
            out[:, j] = out @ B[:, j]
    return pd.DataFrame(out @ L.T * sd.to_numpy() + mean.to_numpy(), index=new.index, columns=items)


def _benchmark(train: pd.DataFrame, test: pd.DataFrame, targets: list[str], others: list[str]) -> np.ndarray:
    x = np.column_stack([np.ones(len(train)), train[others].to_numpy(float)])
    coef = np.linalg.lstsq(x, train[targets].to_numpy(float), rcond=None)[0]
    return np.column_stack([np.ones(len(test)), test[others].to_numpy(float)]) @ coef


def plspredict(model, *, folds: int | None = 10, reps: int = 10, seed: int = 0, technique: str = "direct",
               target: str | None = None, benchmark: str = "exogenous") -> PLSPredict:
    """k-fold cross-validated prediction of the endogenous indicators, against a linear-model benchmark.

    Parameters
    ----------
    model : PLSModel
        From :func:`kamlib.survey.pls.fit` (standardised indicators, no higher-order constructs).
    folds : int or None
        Folds per repetition; None: leave one out (deterministic, ``reps`` ignored).
    reps : int
        Repetitions with other random folds; each indicator's predictions are averaged over them.
    seed : int
        Seed of the folds.
    technique : {"direct", "earliest"}
        As :func:`predict_items`.
    benchmark : {"exogenous", "other"}
        The linear benchmark's predictors: the indicators of the model's exogenous constructs (Shmueli et al. 2019),
        or every indicator outside the predicted construct (as seminr's ``predict_pls``).
    target : str, optional
        The construct the verdict is about (default: the model's final outcome, the last construct in causal order
        that predicts no other).

    Returns
    -------
    PLSPredict

    Notes
    -----
    Q²predict = 1 - SSE(model) / SSE(training mean); above 0, the model predicts better than the mean. For each
    construct, once every Q²predict is above 0: all of its indicators with an RMSE below the benchmark's is high
    predictive power, a majority medium, a minority low, none no predictive power (Shmueli et al. 2019).

    References
    ----------
    Shmueli, G., Sarstedt, M., Hair, J. F., Cheah, J.-H., Ting, H., Vaithilingam, S. & Ringle, C. M. (2019).
    Predictive model assessment in PLS-SEM: guidelines for using PLSpredict. *European Journal of Marketing*,
    53(11), 2322-2347.

    Examples
    --------
    >>> from kamlib.survey.plspredict import plspredict
    >>> p = plspredict(model, folds=5, reps=2, seed=1)
    >>> p.power["Loyalty"] in {"high", "medium", "low", "no"}, len(p.table)
    (True, 22)
    """
    from .pls import fit

    if technique not in _TECHNIQUES:
        raise ArgumentError(f"technique is {technique!r}; use direct or earliest.", argument="technique")
    if model.spec["higher_order"] or not model.spec["standardize"]:
        raise ArgumentError("PLSpredict is defined for models of standardised indicators without higher-order "
                            "constructs (Shmueli et al. 2019); fit the model with standardize=True and first-order "
                            "constructs only.", argument="model")
    data = model.data
    n = len(data)
    k = n if folds is None else int(folds)
    if not 2 <= k <= n:
        raise ArgumentError(f"folds is {folds}; it must be between 2 and the {n} respondents.", argument="folds")
    reps = 1 if folds is None else int(reps)
    if reps < 1:
        raise ArgumentError("reps must be 1 or more.", argument="reps")
    if benchmark not in ("exogenous", "other"):
        raise ArgumentError(f"benchmark is {benchmark!r}; use exogenous or other.", argument="benchmark")
    blocks = model.spec["blocks"]
    endogenous = _endogenous(model)
    exogenous_items = [i for c in model.scores.columns if c not in endogenous for i in blocks[c]]
    targets = [i for c in endogenous for i in blocks[c]]
    all_items = [i for c in model.scores.columns for i in blocks[c]]
    spec = {key: model.spec[key] for key in ("paths", "blocks", "modes", "scheme", "max_iter", "tol")}
    pls_pred = np.zeros((n, len(targets)))
    lm_pred = np.zeros((n, len(targets)))
    naive = np.zeros((n, len(targets)))
    rng = np.random.default_rng(seed)
    for _ in range(reps):
        order = np.arange(n) if folds is None else rng.permutation(n)
        fold_of = np.empty(n, int)
        fold_of[order] = np.arange(n) * k // n  # equal contiguous folds of the shuffled order
        for f in range(k):
            test, train = data.iloc[fold_of == f], data.iloc[fold_of != f]
            fitted = fit(train, **spec)
            rows = np.flatnonzero(fold_of == f)
            pls_pred[rows] += predict_items(fitted, test, technique)[targets].to_numpy(float)
            for c in endogenous:
                cols = [targets.index(i) for i in blocks[c]]
                others = exogenous_items if benchmark == "exogenous" else [i for i in all_items if i not in blocks[c]]
                lm_pred[np.ix_(rows, cols)] += _benchmark(train, test, blocks[c], others)
            naive[rows] += train[targets].mean().to_numpy(float)
    pls_pred, lm_pred, naive = pls_pred / reps, lm_pred / reps, naive / reps
    actual = data[targets].to_numpy(float)
    err, lm_err = actual - pls_pred, actual - lm_pred
    table = pd.DataFrame({
        "construct": [c for c in endogenous for _ in blocks[c]], "indicator": targets,
        "q2_predict": 1 - (err ** 2).sum(axis=0) / ((actual - naive) ** 2).sum(axis=0),
        "pls_rmse": np.sqrt((err ** 2).mean(axis=0)), "pls_mae": np.abs(err).mean(axis=0),
        "lm_rmse": np.sqrt((lm_err ** 2).mean(axis=0)), "lm_mae": np.abs(lm_err).mean(axis=0)})
    table["pls_below_lm"] = [RULES["pls_rmse"].met(d) for d in table["pls_rmse"] - table["lm_rmse"]]
    power = {}
    for c, rows in table.groupby("construct", sort=False):
        below = rows["pls_below_lm"].mean()
        power[c] = ("no" if not all(RULES["q2_predict"].met(q) for q in rows["q2_predict"]) or below == 0 else
                    "high" if below == 1 else "medium" if below > 0.5 else "low")
    target = target or final_outcome(model.spec["paths"])
    if target not in power:
        raise ArgumentError(f"target is {target!r}, which is not an endogenous construct of the model "
                            f"({', '.join(endogenous)}).", argument="target")
    rows = table[table["construct"] == target]
    verdict = Message("PLSpredict ({design}): {target} has {power} predictive power: {below} of its {n} indicators "
                      "predict with a smaller RMSE than the linear benchmark, and {positive} of them have a Q²predict "
                      "above 0 (rule: all smaller is high, a majority medium, a minority low, none or any Q²predict at "
                      "or below 0 no predictive power; Shmueli et al. 2019).",
                      design=Message("leave one out", "phrase") if folds is None else
                      Message("{k}-fold, {reps} repetitions averaged", "phrase", k=k, reps=reps), target=target,
                      power=Message(power[target], "power"), below=int(rows["pls_below_lm"].sum()), n=len(rows),
                      positive=sum(RULES["q2_predict"].met(q) for q in rows["q2_predict"]))
    return PLSPredict(table, power, k, reps, technique, verdict)
