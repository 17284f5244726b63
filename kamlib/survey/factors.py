"""Validity and factor analysis: KMO, Bartlett, Harman's single factor, parallel analysis, EFA with psych/SPSS
rotations, HTMT and the Fornell-Larcker criterion.

References
----------
Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39(1), 31-36. Horn, J. L. (1965). A
rationale and test for the number of factors in factor analysis. *Psychometrika*, 30(2), 179-185. Henseler, J.,
Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in variance-based SEM.
*JAMS*, 43(1), 115-135.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from ..errors import KamError
from ..i18n import Message
from ._shared import complete_items

__all__ = ["EFA", "EFAAgreement", "Harman", "KMO", "PARALLEL_QUANTILE", "Rotation", "TestResult", "bartlett", "efa",
           "efa_structure", "fornell_larcker", "harman", "htmt", "kmo", "parallel_analysis", "rotate", "scale_note"]


@dataclass(frozen=True)
class TestResult(Result):
    """A test statistic with its degrees of freedom and p-value (e.g. Bartlett's sphericity test)."""

    chi2: float
    df: int
    pvalue: float


@dataclass(frozen=True)
class KMO(Result):
    """:func:`kmo`'s result; unpacks as ``overall, per_item``.

    Attributes
    ----------
    overall : float
        KMO of all items.
    per_item : Series
        KMO per item (measure of sampling adequacy, MSA).
    """

    overall: float
    per_item: pd.Series
    unpack = ("overall", "per_item")


def kmo(data: pd.DataFrame) -> KMO:
    """Kaiser-Meyer-Olkin measure of sampling adequacy: overall and per item.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (complete cases used).

    Returns
    -------
    KMO
        ``overall`` (KMO of all items, float) and ``per_item`` (KMO per item, Series); unpacks as
        ``overall, per_item``.

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39(1), 31-36.

    Examples
    --------
    >>> from kamlib.survey.factors import kmo
    >>> result = kmo(data[inst.items])
    >>> round(result.overall, 2)
    0.86
    """
    r = complete_items(data).corr().to_numpy().copy()
    inv = np.linalg.inv(r)
    partial = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    np.fill_diagonal(r, 0)
    np.fill_diagonal(partial, 0)
    r2, p2 = r ** 2, partial ** 2
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    return KMO(float(overall), pd.Series(per_item, index=data.columns))


@dataclass(frozen=True)
class Harman(Result):
    """Harman's single-factor test: the variance share of the first unrotated component of all items."""

    first_share: float
    components_above_one: int
    items: int
    verdict: str


def harman(data: pd.DataFrame, *, threshold: float | None = None) -> Harman:
    """Harman's single-factor test for common-method bias.

    All items enter one unrotated principal-component analysis of their correlations; when the first component
    takes most of the variance (at least ``threshold``), a common method may drive the answers.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (all constructs).
    threshold : float, optional
        Share of variance of the first component that signals a problem (the ``harman`` rule of
        :mod:`kamlib.verdicts`, 0.5 by convention).

    Returns
    -------
    Harman
        ``first_share``, ``components_above_one`` (eigenvalues above 1), ``items``, and a one-sentence
        ``verdict`` (a :class:`~kamlib.i18n.Message`) that also says the test is weak evidence either way.

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
    research. *Journal of Applied Psychology*, 88(5), 879-903.

    Examples
    --------
    >>> from kamlib.survey.factors import harman
    >>> round(harman(data[inst.items]).first_share, 3)
    0.284
    """
    from .. import verdicts

    threshold = verdicts.RULES["harman"].threshold if threshold is None else threshold
    d = complete_items(data)
    eig = np.sort(np.linalg.eigvalsh(d.corr().to_numpy()))[::-1]
    share = float(eig[0] / eig.sum())
    big = share >= threshold
    conclusion = (Message("a common method may drive the answers; add a marker variable or a common latent factor "
                          "model.") if big else
                  Message("no single factor dominates, although the test cannot rule common-method bias out."))
    verdict = Message("The first unrotated component explains {share:.1%} of the variance of {n} items ({side} the "
                      "{threshold:.0%} rule of Podsakoff et al. 2003): {conclusion}", share=share, n=d.shape[1],
                      side="at or above" if big else "below", threshold=threshold, conclusion=conclusion)
    return Harman(share, int((eig > 1).sum()), d.shape[1], verdict)


@dataclass(frozen=True)
class EFAAgreement(Result):
    """Whether an exploratory solution recovers the instrument's constructs (:func:`efa_structure`).

    Attributes
    ----------
    n_factors, n_constructs : int
        The solution's factors and the instrument's constructs.
    merged : tuple of tuple of str
        The groups of constructs whose items load most on one factor, each group in the instrument's order.
    split : tuple of str
        The constructs whose items spread over several factors.
    note : Message or None
        The sentence that says so (None when factors and constructs match one to one); the body's note.
    """

    n_factors: int
    n_constructs: int
    merged: tuple = ()
    split: tuple = ()
    note: Message | None = None

    @property
    def groups(self) -> str:
        """The merged constructs as the note writes them (``"TR + SAT"``, groups apart by " / "); "" when none."""
        return " / ".join(" + ".join(cs) for cs in self.merged)


def efa_structure(loadings: pd.DataFrame, constructs: dict[str, list[str]]) -> EFAAgreement:
    """Whether an exploratory solution recovers the instrument's constructs: each construct's items assigned to
    the factor on which most of them load most (absolute pattern loading); the constructs that share a factor, those
    that split over several, and one sentence when the factors and the constructs do not match one to one.

    Parameters
    ----------
    loadings : DataFrame
        ``EFA.loadings`` (``item``, one column per factor, ``communality``).
    constructs : dict
        Construct -> its items.

    Returns
    -------
    EFAAgreement
        Its ``note`` names the constructs that share a factor, with their items' loadings on it (this solution does
        not separate them; whether the answers do is HTMT's question, not the EFA's), or that split over several
        factors, with the numbers of factors and constructs; ``merged`` and ``groups`` are the constructs it names,
        for any other sentence that names them (the parallel analysis's limitation).

    References
    ----------
    Fabrigar, L. R., Wegener, D. T., MacCallum, R. C. & Strahan, E. J. (1999). Evaluating the use of exploratory
    factor analysis in psychological research. *Psychological Methods*, 4(3), 272-299.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.factors import efa_structure
    >>> L = pd.DataFrame({"item": ["a1", "a2", "b1", "b2"], "F1": [0.8, 0.7, 0.75, 0.6], "F2": [0.1, 0.0, 0.2, 0.1]})
    >>> found = efa_structure(L, {"A": ["a1", "a2"], "B": ["b1", "b2"]})
    >>> found.merged, found.groups, str(found.note)[:60]
    ((('A', 'B'),), 'A + B', 'The exploratory factor analysis finds 2 factors for 2 constr')
    """
    factors = [c for c in loadings.columns if c not in ("item", "communality")]
    top = loadings.set_index("item")[factors].abs().idxmax(axis=1)
    assigned = {c: top.reindex(items).dropna().value_counts().idxmax() for c, items in constructs.items()
                if len(top.reindex(items).dropna())}
    split = [c for c, items in constructs.items() if top.reindex(items).dropna().nunique() > 1]
    shared = {}
    for c, f in assigned.items():
        shared.setdefault(f, []).append(c)
    merged = [cs for cs in shared.values() if len(cs) > 1]
    found = EFAAgreement(len(factors), len(constructs), tuple(tuple(cs) for cs in merged), tuple(split))
    if not merged and not split and len(factors) == len(constructs):
        return found
    parts = []
    if merged:  # what the numbers show: the items' loadings on the factor they share, per construct
        pattern = loadings.set_index("item")[factors].abs()
        def span(c, f):
            lo, hi = pattern.loc[constructs[c], f].min(), pattern.loc[constructs[c], f].max()
            return f"{c} {lo:.2f}-{hi:.2f}" if hi - lo >= 0.005 else f"{c} {hi:.2f}"

        ranges = "; ".join(", ".join(span(c, f) for c in cs) for f, cs in shared.items() if len(cs) > 1)
        parts.append(Message("the items of {groups} load most on one factor (absolute pattern loadings {loadings}), "
                             "so this solution does not separate these constructs", "phrase",
                             groups=found.groups, loadings=ranges))
    if split:
        parts.append(Message("the items of {split} spread over several factors", "phrase", split=split))
    from ..i18n import join

    note = Message("The exploratory factor analysis finds {k} factors for {c} constructs: {what}; the confirmatory "
                   "model below keeps the instrument's {c} constructs, and HTMT tests whether they are distinct "
                   "(Fabrigar et al. 1999).", k=len(factors), c=len(constructs),
                   what=join(parts) if parts else Message("the number of factors differs from the constructs",
                                                            "phrase"))
    return EFAAgreement(found.n_factors, found.n_constructs, found.merged, found.split, note)


def scale_note(points: int) -> dict:
    """One sentence (en, zh) on whether Likert answers with ``points`` categories may be treated as continuous.

    Parameters
    ----------
    points : int
        Number of answer categories.

    Returns
    -------
    dict
        ``{"en": ..., "zh": ..., "ordinal": bool}``; ``ordinal`` is True at 5 points or fewer.

    References
    ----------
    Rhemtulla, M., Brosseau-Liard, P. E. & Savalei, V. (2012). When can categorical variables be treated as
    continuous? *Psychological Methods*, 17(3), 354-373.

    Examples
    --------
    >>> from kamlib.survey.factors import scale_note
    >>> scale_note(7)["ordinal"]
    False
    """
    if points > 5:
        return {"ordinal": False,
                "en": f"The items have {points} answer categories: with more than five, maximum likelihood on the "
                      "answers as numbers is close to an ordinal estimator (Rhemtulla et al. 2012), so the CFA and SEM "
                      "treat them as continuous.",
                "zh": f"题项有 {points} 个选项:多于五个时,把回答当作连续变量的极大似然估计与有序估计相差很小"
                      "(Rhemtulla 等 2012),因此 CFA 与 SEM 按连续变量处理。"}
    return {"ordinal": True,
            "en": f"The items have only {points} answer categories: maximum likelihood on them as numbers biases loadings "
                  "and fit (Rhemtulla et al. 2012), so the CFA and the structural model are estimated by WLSMV on "
                  "polychoric correlations, as lavaan's ordered = TRUE (robust standard errors, scaled and shifted "
                  "chi-square), and so is each group's model in the comparison of paths; the mediation and "
                  "interaction tests use construct scores and the invariance tests maximum likelihood on the answers "
                  "as numbers: read those as approximate.",
            "zh": f"题项只有 {points} 个选项:按连续变量做极大似然估计会使载荷与拟合指标有偏(Rhemtulla 等 2012),因此 CFA 与结构模型"
                  "改用基于多分格相关的 WLSMV 估计,与 lavaan 的 ordered = TRUE 相同(稳健标准误、均值与方差调整的卡方);"
                  "分组路径比较中每组的模型同样如此;中介与交互作用检验基于构念得分,测量不变性检验按连续变量做极大似然估计,"
                  "这些只宜作近似参考。"}


def bartlett(data: pd.DataFrame) -> TestResult:
    """Bartlett's test of sphericity: chi2 = -(n - 1 - (2p + 5)/6) ln|R|, df = p(p - 1)/2.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.

    Returns
    -------
    TestResult
        ``chi2``, ``df``, ``pvalue``.

    References
    ----------
    Bartlett, M. S. (1950). Tests of significance in factor analysis. *British J. Psychology*, 3, 77-85.

    Examples
    --------
    >>> from kamlib.survey.factors import bartlett
    >>> bartlett(data[inst.items]).df
    276
    """
    d = complete_items(data)
    n, p = d.shape
    _, logdet = np.linalg.slogdet(d.corr().to_numpy())
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) / 2
    return TestResult(float(chi2), int(df), float(stats.chi2.sf(chi2, df)))


#: The quantile of the random data's eigenvalues an observed one must beat in :func:`parallel_analysis`: its
#: default, and the number a sentence about its result quotes.
PARALLEL_QUANTILE = 0.95


def parallel_analysis(data: pd.DataFrame, *, n_sims: int = 100, seed: int = 0,
                      quantile: float = PARALLEL_QUANTILE) -> pd.DataFrame:
    """Horn's parallel analysis on correlation-matrix eigenvalues: observed against random normal data.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    n_sims : int
        Random data sets.
    seed : int
        Random seed.
    quantile : float
        Quantile of the random eigenvalues to beat.

    Returns
    -------
    DataFrame
        ``factor``, ``observed``, ``random_mean``, ``random_quantile`` (the ``quantile`` of the random
        eigenvalues), ``quantile`` (the quantile used, on every row, so that a caption or legend quotes it from
        the result) and ``retain``.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. *Psychometrika*, 30(2), 179-185.

    Examples
    --------
    >>> from kamlib.survey.factors import parallel_analysis
    >>> pa = parallel_analysis(data[inst.items], seed=1)
    >>> int(pa["retain"].sum()), float(pa["quantile"].iloc[0])
    (5, 0.95)
    """
    d = complete_items(data)
    n, p = d.shape
    obs = np.sort(np.linalg.eigvalsh(d.corr().to_numpy()))[::-1]
    rng = np.random.default_rng(seed)
    rand = np.array([np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))[::-1]
                     for _ in range(n_sims)])
    out = pd.DataFrame({"factor": np.arange(1, p + 1), "observed": obs,
                        "random_mean": rand.mean(axis=0), "random_quantile": np.quantile(rand, quantile, axis=0),
                        "quantile": float(quantile)})
    out["retain"] = (out["observed"] > out["random_quantile"]).cummin()
    return out


def _varimax(x: np.ndarray, *, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """Kaiser's varimax by the SVD iteration and stopping rule of R's ``stats::varimax`` (rotation matrix)."""
    p, k = x.shape
    rot, crit = np.eye(k), 0.0
    for _ in range(max_iter):
        z = x @ rot
        u, s, vt = np.linalg.svd(x.T @ (z ** 3 - z * (z ** 2).sum(axis=0) / p))
        rot, previous, crit = u @ vt, crit, s.sum()
        if crit < previous * (1 + eps):
            break
    return rot


@dataclass(frozen=True)
class Rotation(Result):
    """:func:`rotate`'s result; unpacks as ``loadings, factor_correlations``.

    Attributes
    ----------
    loadings : DataFrame
        Rotated (pattern) loadings, items x factors.
    factor_correlations : DataFrame
        Factor correlations (identity for an orthogonal rotation).
    """

    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    unpack = ("loadings", "factor_correlations")

    def summary_frame(self) -> pd.DataFrame:
        """The rotated loadings."""
        return self.loadings


def rotate(loadings, method: str = "promax", *, power: int = 4) -> Rotation:
    """Rotate a factor solution as R psych and SPSS do (Kaiser-normalised varimax; promax with power 4).

    Written here because neither maintained Python library does it on our stack: statsmodels' ``promax`` uses
    power 2 without Kaiser normalisation and its varimax is not row-normalised (pattern loadings differ from
    psych and SPSS by up to 1.2 on the psych reference in ``tests/reference/psych``), and factor_analyzer 0.5.1
    (whose rotator matches psych) fails to fit on scikit-learn >= 1.6.

    Parameters
    ----------
    loadings : DataFrame or array
        Items x factors, unrotated.
    method : str
        ``"promax"`` (oblique) or ``"varimax"`` (orthogonal).
    power : int
        Promax power *k* of the target (4 in psych, SPSS and R's ``promax``).

    Returns
    -------
    Rotation
        ``loadings``, the rotated (pattern) loadings, and ``factor_correlations`` (identity for varimax), columns
        ordered as given; unpacks as ``loadings, factor_correlations``.

    References
    ----------
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis. *Psychometrika*, 23(3),
    187-200.
    Hendrickson, A. E. & White, P. O. (1964). Promax: a quick method for rotation to oblique simple structure.
    *British Journal of Statistical Psychology*, 17(1), 65-70.
    Revelle, W. (2024). psych: Procedures for psychological, psychometric, and personality research (R package),
    ``fa(..., rotate = "promax")``.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.survey.factors import rotate
    >>> rotated = rotate(np.array([[.8, .3], [.7, .4], [.3, .8], [.2, .7]]))
    >>> rotated.loadings.shape, rotated.factor_correlations.shape
    ((4, 2), (2, 2))
    """
    frame = pd.DataFrame(loadings)
    a = frame.to_numpy(dtype=float)
    if method not in ("promax", "varimax"):
        raise KamError(f"rotation {method!r} is not offered; use 'promax', 'varimax' or None.")
    k = a.shape[1]
    phi = np.eye(k)
    if k > 1:
        h = np.sqrt((a ** 2).sum(axis=1))[:, None]
        h[h == 0] = 1.0
        v = (a / h) @ _varimax(a / h)
        if method == "promax":
            target = v * np.abs(v) ** (power - 1)
            u = np.linalg.lstsq(v, target, rcond=None)[0]
            u = u @ np.diag(np.sqrt(np.diag(np.linalg.inv(u.T @ u))))
            v = v @ u
            inv = np.linalg.inv(u)
            phi = inv @ inv.T
        a = v * h
    return Rotation(pd.DataFrame(a, index=frame.index, columns=frame.columns),
                    pd.DataFrame(phi, index=frame.columns, columns=frame.columns))


@dataclass(frozen=True)
class EFA(Result):
    """An exploratory factor solution (:func:`efa`): pattern loadings with communalities, factor correlations."""

    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame


def efa(data: pd.DataFrame, n_factors: int, *, rotation: str | None = "promax", seed: int = 0) -> EFA:
    """Exploratory factor analysis: maximum likelihood extraction (statsmodels), psych/SPSS rotation.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    n_factors : int
        Factors to extract.
    rotation : str
        ``"promax"`` (Kaiser-normalised, power 4), ``"varimax"`` (Kaiser-normalised) or None; see :func:`rotate`.
    seed : int
        Seed of the optimiser's random starting values (same data, same loadings).

    Returns
    -------
    EFA
        ``loadings``: ``item``, one pattern-loading column per factor (ordered by variance explained, signed so
        that each column sums positive, as psych does) and ``communality``; ``factor_correlations`` (identity
        unless oblique).

    References
    ----------
    Fabrigar, L. R., Wegener, D. T., MacCallum, R. C. & Strahan, E. J. (1999). Evaluating the use of exploratory factor analysis in psychological research. *Psychological Methods*, 4(3), 272-299.
    Revelle, W. (2024). psych (R package), ``fa``.

    Examples
    --------
    >>> from kamlib.survey.factors import efa
    >>> efa(data[inst.items], 7).loadings.shape
    (24, 9)
    """
    from statsmodels.multivariate.factor import Factor

    d = complete_items(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(d.to_numpy(), n_factor=n_factors, method="ml").fit(rng=seed)
    names = [f"F{i + 1}" for i in range(n_factors)]
    load = pd.DataFrame(res.loadings, index=d.columns, columns=names)
    phi = pd.DataFrame(np.eye(n_factors), index=names, columns=names)
    if rotation and n_factors > 1:
        load, phi = rotate(load, rotation)
    order = (load ** 2).sum(axis=0).sort_values(ascending=False, kind="stable").index
    sign = np.sign(load[order].sum(axis=0)).replace(0, 1)
    load = load[order] * sign
    phi = phi.loc[order, order] * np.outer(sign, sign)
    load.columns = phi.index = phi.columns = names
    load["communality"] = res.communality
    return EFA(load.rename_axis("item").reset_index(), phi.rename_axis("factor"))


def htmt(data: pd.DataFrame, constructs: dict[str, list[str]], *, method: str = "htmt") -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations, lower triangle, on absolute correlations (as Henseler et al.
    define it, and semTools, seminr and SmartPLS compute it), so that a reverse-worded item does not lower it.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    constructs : dict
        Construct to its items.
    method : {"htmt", "htmt2"}
        ``htmt``: arithmetic means of the correlations (Henseler et al. 2015); ``htmt2``: geometric means (Roemer,
        Schuberth & Henseler 2021), which does not assume tau-equivalent items.

    Returns
    -------
    DataFrame
        Constructs x constructs (NaN on and above the diagonal).

    References
    ----------
    Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in variance-based SEM. *J. Academy of Marketing Science*, 43(1), 115-135.
    Roemer, E., Schuberth, F. & Henseler, J. (2021). HTMT2 - an improved criterion for assessing discriminant validity in structural equation modeling. *Industrial Management & Data Systems*, 121(12), 2637-2650.

    Examples
    --------
    >>> from kamlib.survey.factors import htmt
    >>> round(float(htmt(data, inst.constructs).max().max()), 2)
    0.64
    """
    if method not in ("htmt", "htmt2"):
        raise KamError(f"htmt method {method!r} is not one of 'htmt', 'htmt2'.")
    r = complete_items(data[[i for items in constructs.values() for i in items]]).corr().abs()
    names = list(constructs)
    out = pd.DataFrame(np.nan, index=names, columns=names)

    def mean(values):
        values = np.asarray(values, float).ravel()
        return float(np.exp(np.log(values).mean())) if method == "htmt2" else float(values.mean())

    def mono(items):
        sub = r.loc[items, items].to_numpy()
        return mean(sub[np.triu_indices(len(items), 1)])

    for a, b in itertools.combinations(names, 2):
        hetero = mean(r.loc[constructs[a], constructs[b]].to_numpy())
        out.loc[b, a] = hetero / np.sqrt(mono(constructs[a]) * mono(constructs[b]))
    return out


def fornell_larcker(factor_corr: pd.DataFrame, ave_by_construct: pd.Series) -> pd.DataFrame:
    """Square root of AVE on the diagonal, factor correlations below it.

    Parameters
    ----------
    factor_corr : DataFrame
        Latent correlations (:meth:`SEMResult.factor_correlations`).
    ave_by_construct : Series
        AVE per construct.

    Returns
    -------
    DataFrame
        Constructs x constructs.

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39-50.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import survey
    >>> from kamlib.survey.factors import fornell_larcker
    >>> res = survey.cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6")
    >>> ave = pd.Series({"visual": 0.37, "textual": 0.72})
    >>> fornell_larcker(res.factor_correlations(), ave).round(2)
             visual  textual
    visual     0.61      NaN
    textual    0.46     0.85
    """
    out = factor_corr.copy().astype(float)
    for c in out.index:
        out.loc[c, c] = np.sqrt(ave_by_construct[c])
    mask = np.triu(np.ones(out.shape, bool), 1)
    return out.mask(mask)
