"""PLS-SEM (partial least squares path modelling): Lohmoeller's algorithm with modes A and B, the path,
centroid and factorial inner schemes, two-stage higher-order constructs, reliability, HTMT, VIF, f2, effects
and bootstrap intervals (percentile and BCa).

Written by hand because no maintained Python library does PLS-SEM on our stack: plspm 0.5.7 (the only
one on PyPI) fails on pandas 3, and semopy is covariance-based. The algorithm follows R seminr's
``simplePLS`` (standardised indicators, construct scores standardised with the n - 1 standard
deviation, outer weights standardised so that each score has unit variance, stop when the summed
absolute change of the weights falls below ``tol``) and is checked against seminr's published outputs on
the ECSI ``mobi`` data (tests, to 1e-5).

Paths are (from, to) pairs; blocks map each construct to its indicators; mode "A" (reflective,
correlation weights) or "B" (formative, regression weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import verdicts
from .._results import Result
from ..errors import ArgumentError
from ..i18n import Message, join
from ._shared import Interval, total_effects

__all__ = ["CBSEMComparison", "PLSModel", "assessment", "bca_interval", "compare_with_cbsem", "fit", "hypothesis_rows"]

SCHEMES = ("path", "centroid", "factorial")


def _standardise(a: np.ndarray) -> np.ndarray:
    return (a - a.mean(axis=0)) / a.std(axis=0, ddof=1)


def _corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Correlations between the columns of two standardised matrices."""
    return a.T @ b / (len(a) - 1)


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.solve(x.T @ x, x.T @ y)


def _order(paths, blocks) -> list[str]:
    seen = []
    for c in [c for p in paths for c in p] + list(blocks):
        if c not in seen:
            seen.append(c)
    return seen


def _estimate(X: np.ndarray, constructs: list[str], idx: dict, P: np.ndarray, modes: dict, scheme: str,
              max_iter: int, tol: float, start: np.ndarray | None = None):
    """Outer weights (indicators x constructs) by Lohmoeller's iteration on standardised data X."""
    W0 = np.zeros((X.shape[1], len(constructs)))
    for j, c in enumerate(constructs):
        W0[idx[c], j] = 1.0
    mask = W0 > 0
    W = W0.copy() if start is None else start.copy()
    W /= (X @ W).std(axis=0, ddof=1)
    adjacent = (P + P.T) > 0
    preds = [np.flatnonzero(P[:, j]) for j in range(len(constructs))]
    diff, it = np.inf, 0
    for it in range(max_iter + 1):
        Y = _standardise(X @ W)
        R = _corr(Y, Y)
        if scheme == "path":
            E = R * P.T
            for j, pj in enumerate(preds):
                if len(pj):
                    E[pj, j] = _ols(Y[:, pj], Y[:, j])
        elif scheme == "factorial":
            E = R * adjacent
        else:
            E = np.sign(R) * adjacent
        Z = _standardise(Y @ E)
        last = W
        W = np.zeros_like(W0)
        for j, c in enumerate(constructs):
            Xb = X[:, idx[c]]
            if modes[c] == "B" and len(idx[c]) > 1:
                W[idx[c], j] = np.linalg.solve(_corr(Xb, Xb), _corr(Xb, Z[:, [j]])).ravel()
            else:
                W[idx[c], j] = _corr(Xb, Z[:, [j]]).ravel()
        W /= (X @ W).std(axis=0, ddof=1)
        diff = np.abs(W - last).sum()
        if diff < tol:
            break
    return W, mask, it, diff < tol


@dataclass(frozen=True)
class PLSModel(Result):
    """A fitted PLS path model.

    ``paths`` (from, to, estimate: standardised path coefficients), ``outer`` (construct, indicator, weight,
    loading), ``r2`` (by endogenous construct), ``scores`` (respondents x constructs, standardised),
    ``iterations`` and ``converged``. Methods: :meth:`effects`, :meth:`reliability`, :meth:`htmt`,
    :meth:`vif`, :meth:`f2`, :meth:`bootstrap`.
    """

    paths: pd.DataFrame
    outer: pd.DataFrame
    r2: pd.Series
    scores: pd.DataFrame
    n: int
    iterations: int
    converged: bool
    scheme: str
    spec: dict = field(repr=False)
    data: pd.DataFrame = field(repr=False)

    def _path_matrix(self, paths: pd.DataFrame | None = None) -> pd.DataFrame:
        names = list(self.scores.columns)
        B = pd.DataFrame(0.0, index=names, columns=names)
        for r in (self.paths if paths is None else paths).itertuples(index=False):
            B.loc[r[0], r[1]] = r[2]
        return B

    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects between constructs (``total = (I - B)^-1 - I``).

        Returns
        -------
        DataFrame
            ``from``, ``to``, ``direct``, ``indirect``, ``total`` for every pair with a total effect.

        References
        ----------
        Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares
        Structural Equation Modeling (PLS-SEM)*, 3rd ed., Sage, ch. 6.

        Examples
        --------
        >>> model.effects().shape[1]
        5
        """
        B = self._path_matrix()
        T = total_effects(B.to_numpy())
        rows = []
        for i, a in enumerate(B.index):
            for j, b in enumerate(B.columns):
                if abs(T[i, j]) > 1e-15 or B.iloc[i, j] != 0:
                    rows.append((a, b, float(B.iloc[i, j]), float(T[i, j] - B.iloc[i, j]), float(T[i, j])))
        return pd.DataFrame(rows, columns=["from", "to", "direct", "indirect", "total"])

    def _blocks(self, reflective_only: bool = False) -> dict:
        blocks = {**self.spec["blocks"], **self.spec["higher_order"]}
        return {c: items for c, items in blocks.items() if c in self.scores.columns
                and not (reflective_only and self.spec["modes"][c] == "B")}

    def _items(self) -> pd.DataFrame:
        """The indicators, with the lower-order scores that measure higher-order constructs."""
        dims = [d for ds in self.spec["higher_order"].values() for d in ds]
        return self.data.join(self.scores[dims]) if dims else self.data

    def reliability(self) -> pd.DataFrame:
        """Cronbach's alpha, rho_A, composite reliability rho_c and AVE of each reflective construct.

        Returns
        -------
        DataFrame
            Index construct; ``alpha`` (standardised items), ``rho_a``, ``rho_c``, ``ave``. Formative (mode B)
            constructs are left out: internal consistency does not apply to them.

        Notes
        -----
        With standardised loadings :math:`\\lambda`, :math:`\\rho_c = (\\sum\\lambda)^2 / ((\\sum\\lambda)^2 +
        \\sum(1-\\lambda^2))`, AVE = mean of :math:`\\lambda^2`; :math:`\\rho_A = (w'w)^2 \\, w'(S-\\mathrm{diag}
        S)w / w'(ww'-\\mathrm{diag}\\,ww')w` with the outer weights :math:`w` and the item correlations S.

        References
        ----------
        Dijkstra, T. K. & Henseler, J. (2015). Consistent partial least squares path modeling. *MIS Quarterly*,
        39(2), 297-316. Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with
        unobservable variables and measurement error. *Journal of Marketing Research*, 18(1), 39-50.

        Examples
        --------
        >>> model.reliability().round(2).iloc[:2, :2]
                     alpha  rho_a
        construct                
        Image         0.83   0.86
        Expectation   0.85   0.85
        """
        rows = {}
        outer = self.outer.set_index(["construct", "indicator"])
        for c, items in self._blocks(reflective_only=True).items():
            lam = outer.loc[c].loc[items, "loading"].to_numpy()
            w = outer.loc[c].loc[items, "weight"].to_numpy()
            if len(items) == 1:
                rows[c] = (1.0, 1.0, 1.0, 1.0)
                continue
            S = self._items()[items].corr().to_numpy()
            if not self.spec["standardize"]:  # weights of the centred items: as weights of standardised ones
                w = w * self._items()[items].std(ddof=0).to_numpy()
            w = w / np.sqrt(w @ S @ w)  # a composite of unit variance (Dijkstra & Henseler 2015)
            k = len(items)
            alpha = k / (k - 1) * (1 - k / S.sum())
            ww = np.outer(w, w)
            rho_a = (w @ w) ** 2 * (w @ (S - np.diag(np.diag(S))) @ w) / (w @ (ww - np.diag(np.diag(ww))) @ w)
            rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())
            rows[c] = (alpha, rho_a, rho_c, float((lam ** 2).mean()))
        return pd.DataFrame.from_dict(rows, orient="index", columns=["alpha", "rho_a", "rho_c", "ave"]) \
            .rename_axis("construct")

    def htmt(self) -> pd.DataFrame:
        """Heterotrait-monotrait ratios between the reflective constructs with two or more items.

        Returns
        -------
        DataFrame
            Constructs x constructs, lower triangle (see :func:`kamlib.survey.htmt`).

        References
        ----------
        Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity
        in variance-based structural equation modeling. *JAMS*, 43(1), 115-135.

        Examples
        --------
        >>> round(float(model.htmt().max().max()), 2)
        0.98
        """
        from . import htmt

        return htmt(self._items(), {c: i for c, i in self._blocks(reflective_only=True).items() if len(i) > 1})

    def vif(self) -> pd.DataFrame:
        """Collinearity: the VIF of each predictor of each endogenous construct, and of each formative indicator.

        Returns
        -------
        DataFrame
            ``kind`` ("structural" or "indicator"), ``of`` (the endogenous or formative construct), ``variable``,
            ``vif`` (the diagonal of the inverse correlation matrix of the predictors).

        References
        ----------
        Hair, J. F. et al. (2022). *A Primer on PLS-SEM*, 3rd ed., Sage, ch. 5-6 (VIF above 5 signals
        collinearity; above 3 deserves a look).

        Examples
        --------
        >>> model.vif().columns.tolist()
        ['kind', 'of', 'variable', 'vif']
        """
        rows = []
        for to, group in self.paths.groupby("to", sort=False):
            preds = list(group["from"])
            v = np.diag(np.linalg.inv(np.atleast_2d(self.scores[preds].corr().to_numpy())))
            rows += [("structural", to, p, float(x)) for p, x in zip(preds, v)]
        for c, items in self._blocks().items():
            if self.spec["modes"][c] == "B" and len(items) > 1:
                v = np.diag(np.linalg.inv(self._items()[items].corr().to_numpy()))
                rows += [("indicator", c, i, float(x)) for i, x in zip(items, v)]
        return pd.DataFrame(rows, columns=["kind", "of", "variable", "vif"])

    def f2(self) -> pd.DataFrame:
        """Cohen's effect size of each path: ``(R2 with - R2 without the path) / (1 - R2 with)``.

        As seminr and SmartPLS do, the model is estimated again without the path (a construct left without
        any path drops out), so the weights of the reduced model are its own.

        Returns
        -------
        DataFrame
            ``from``, ``to``, ``f2`` (0.02 small, 0.15 medium, 0.35 large: Cohen 1988).

        References
        ----------
        Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed., Erlbaum. Hair, J. F.
        et al. (2022). *A Primer on PLS-SEM*, 3rd ed., Sage, ch. 6.

        Examples
        --------
        >>> model.f2().columns.tolist()
        ['from', 'to', 'f2']
        """
        rows = []
        s = self.spec
        for a, b in s["paths"]:
            rest = [p for p in s["paths"] if p != (a, b)]
            r2_all = self.r2[b]
            r2_without = 0.0
            if any(t == b for _, t in rest):
                reduced = fit(self.data, paths=rest, blocks=s["blocks"], modes=s["modes"], scheme=s["scheme"],
                              standardize=s["standardize"], max_iter=s["max_iter"], tol=s["tol"],
                              higher_order={h: d for h, d in s["higher_order"].items()
                                            if any(h in p for p in rest)})
                r2_without = reduced.r2[b]
            rows.append((a, b, (r2_all - r2_without) / (1 - r2_all)))
        return pd.DataFrame(rows, columns=["from", "to", "f2"])

    def bootstrap(self, n_boot: int = 5000, seed: int = 0, *, level: float = 0.95, n_jobs: int = 1) -> pd.DataFrame:
        """Bootstrap the path coefficients and total effects: standard errors, t values, percentile and BCa
        intervals.

        Parameters
        ----------
        n_boot : int
            Resamples of respondents (with replacement); each refits the whole model.
        seed : int
            Seed of the resampling.
        level : float
            Confidence level.
        n_jobs : int
            Worker processes (joblib).

        Returns
        -------
        DataFrame
            ``from``, ``to``, ``effect`` ("direct" path or "total"), ``estimate``, ``boot_mean``, ``se``, ``t``,
            ``pct_lower``, ``pct_upper``, ``bca_lower``, ``bca_upper``, ``draws`` (resamples that converged).

        References
        ----------
        Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, Chapman & Hall, ch. 14
        (BCa). Streukens, S. & Leroi-Werelds, S. (2016). Bootstrapping and PLS-SEM: a step-by-step guide to
        get more out of your bootstrap results. *European Management Journal*, 34(6), 618-632.

        Examples
        --------
        >>> boot = model.bootstrap(50, seed=1)
        >>> sorted(boot["effect"].unique())
        ['direct', 'total']
        """
        if n_boot < 10:
            raise ArgumentError(f"n_boot = {n_boot} resamples is too few for an interval; use 1000 or more.",
                                argument="n_boot")
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, self.n, size=(n_boot, self.n))
        est = self._effect_vector(self)
        refit = self._vector_function()
        if n_jobs == 1:
            boot = [refit(d) for d in draws]
        else:
            from joblib import Parallel, delayed

            boot = Parallel(n_jobs=n_jobs)(delayed(refit)(d) for d in draws)
        ok = [b for b in boot if b is not None]
        if len(ok) < n_boot / 2:
            raise ArgumentError(f"only {len(ok)} of {n_boot} resamples converged; the model is unstable on these data "
                                "(check constructs with one or two weak indicators).", argument="n_boot")
        boot = np.vstack(ok)
        everyone = np.arange(self.n)
        jack = np.vstack([v for v in (refit(np.delete(everyone, i)) for i in range(self.n)) if v is not None])
        alpha = 1 - level
        pct = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=0)
        bca = np.array([tuple(bca_interval(boot[:, j], jack[:, j], est[j], level)) for j in range(len(est))])
        sd = boot.std(axis=0, ddof=1)
        labels = self._effect_labels()
        out = pd.DataFrame(labels, columns=["from", "to", "effect"])
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(sd > 0, est / sd, np.nan)
        return out.assign(estimate=est, boot_mean=boot.mean(axis=0), se=sd, t=t, pct_lower=pct[0],
                          pct_upper=pct[1], bca_lower=bca[:, 0], bca_upper=bca[:, 1], draws=len(boot))

    def _effect_labels(self):
        eff = self.effects()
        direct = [(r["from"], r["to"], "direct") for _, r in self.paths.iterrows()]
        total = [(r["from"], r["to"], "total") for _, r in eff.iterrows() if r["indirect"] != 0]
        return direct + total

    def _effect_vector(self, model) -> np.ndarray:
        eff = model.effects().set_index(["from", "to"])
        labels = self._effect_labels()
        direct = model.paths.set_index(["from", "to"])["estimate"]
        return np.array([direct[(a, b)] if kind == "direct" else (eff["total"].get((a, b), 0.0))
                         for a, b, kind in labels])

    def _vector_function(self):
        """A function of row indices -> the effect vector of the model refitted on those rows (None if it fails).

        Without higher-order constructs the refit works on arrays (no tables), which makes 5,000 draws quick.
        """
        s = self.spec
        labels = self._effect_labels()
        if s["higher_order"]:
            def refit_tables(rows):
                try:
                    m = fit(self.data.iloc[rows].reset_index(drop=True), paths=s["paths"], blocks=s["blocks"],
                            modes=s["modes"], scheme=s["scheme"], standardize=s["standardize"],
                            max_iter=s["max_iter"], tol=s["tol"], higher_order=s["higher_order"])
                except (ArgumentError, np.linalg.LinAlgError):
                    return None
                return self._effect_vector(m) if m.converged else None
            return refit_tables
        constructs = _order(s["paths"], {})
        items = [i for c in constructs for i in s["blocks"][c]]
        pos = {i: k for k, i in enumerate(items)}
        idx = {c: [pos[i] for i in s["blocks"][c]] for c in constructs}
        P = _adjacency(constructs, s["paths"])
        A = self.data[items].to_numpy(dtype=float)
        where = [(constructs.index(a), constructs.index(b), kind) for a, b, kind in labels]

        def refit_arrays(rows):
            R = A[rows]
            sd = R.std(axis=0, ddof=1)
            if (sd == 0).any():
                return None
            X = (R - R.mean(axis=0)) / (sd if s["standardize"] else 1.0)
            try:
                W, _, _, ok = _estimate(X, constructs, idx, P, s["modes"], s["scheme"], s["max_iter"], s["tol"])
                B = _path_coefficients(_standardise(X @ W), P)
                T = total_effects(B)
            except np.linalg.LinAlgError:
                return None
            if not ok:
                return None
            return np.array([B[i, j] if kind == "direct" else T[i, j] for i, j, kind in where])
        return refit_arrays


def _adjacency(constructs: list[str], paths) -> np.ndarray:
    P = np.zeros((len(constructs), len(constructs)))
    for a, b in paths:
        P[constructs.index(a), constructs.index(b)] = 1.0
    return P


def _path_coefficients(Ys: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Standardised path coefficients: each endogenous score regressed on its predecessors (OLS)."""
    B = np.zeros_like(P)
    for j in range(P.shape[1]):
        pj = np.flatnonzero(P[:, j])
        if len(pj):
            B[pj, j] = _ols(Ys[:, pj], Ys[:, j])
    return B


def hypothesis_rows(boot: pd.DataFrame, tests: dict, *, evidence: str, alpha: float = 0.05,
                    assessment: pd.DataFrame | None = None, qualifiers: list | None = None) -> pd.DataFrame:
    """Hypothesis rows from a PLS bootstrap: estimate, BCa interval, p-value and a one-directional verdict.

    Parameters
    ----------
    boot : DataFrame
        From :meth:`PLSModel.bootstrap`.
    tests : dict
        Hypothesis -> (statement, from, to, effect) with effect "direct" (a path) or "total" (all paths from
        ``from`` to ``to``; with no direct path, the mediated effect).
    evidence : str
        What the rows rest on (e.g. "real answers: ECSI satisfaction survey, n = 250").
    alpha : float
        Significance level (two-sided p from the bootstrap t value with n - 1 degrees of freedom, as seminr).
    assessment : DataFrame, optional
        From :func:`assessment`: a reliability or validity criterion that fails for a construct a hypothesis names
        (its alpha, rho_A, rho_c or AVE, or an HTMT with any construct) qualifies that hypothesis.
    qualifiers : list of Message, optional
        Qualifications of every row (e.g. a likely common-method bias, :func:`kamlib.survey.common_method_factor`).

    Returns
    -------
    DataFrame
        ``hypothesis``, ``statement`` (its Chinese from the catalogue's ``hypothesis`` entries), ``method``,
        ``estimate``, ``std_estimate``, ``ci_lower``, ``ci_upper`` (BCa), ``pvalue``, ``supported`` ("yes" when the
        interval lies above 0 and p < alpha; "not tested" for an indirect effect without its direct path in the
        model, where full mediation is assumed: rule ``mediation_tested``), ``qualification`` (what limits the verdict, each with its statistic
        and cut-off; empty when nothing does), ``evidence``.

    Notes
    -----
    A "total" effect between constructs with no direct path in the model is the indirect effect alone: the model
    assumes full mediation, so a significant effect supports an indirect effect but cannot tell full from partial
    mediation (Zhao, Lynch & Chen 2010); the row says so in its qualification.

    References
    ----------
    Hair, J. F. et al. (2022). *A Primer on PLS-SEM*, 3rd ed., Sage, ch. 6-7 (bootstrap tests of paths and
    mediated effects). Zhao, X., Lynch, J. G. & Chen, Q. (2010). Reconsidering Baron and Kenny: myths and truths
    about mediation analysis. *Journal of Consumer Research*, 37(2), 197-206.

    Examples
    --------
    >>> from kamlib.survey.pls import hypothesis_rows
    >>> boot = model.bootstrap(50, seed=1)
    >>> rows = hypothesis_rows(boot, {"H6": ("Satisfaction raises loyalty", "Satisfaction", "Loyalty", "direct")},
    ...                        evidence="real answers")
    >>> rows[["hypothesis", "supported"]].to_numpy().tolist()
    [['H6', 'yes']]
    """
    from scipy.stats import t as t_dist

    rows = []
    table = boot.set_index(["from", "to", "effect"])
    for h, (statement, a, b, effect) in tests.items():
        key = (a, b, effect)
        if key not in table.index and effect == "total":
            key = (a, b, "direct")  # a total effect without an indirect part is the path itself
        if key not in table.index:
            raise ArgumentError(f"the model has no {effect} effect of {a} on {b}; check the hypothesis {h}.",
                                argument="tests")
        r = table.loc[key]
        p = 2 * t_dist.sf(abs(r["t"]), r["draws"] - 1) if np.isfinite(r["t"]) else np.nan
        indirect_only = key[2] == "total" and (a, b, "direct") not in table.index
        method = Message("PLS-SEM path {a} -> {b}, BCa bootstrap (n={n})" if key[2] == "direct" else
                         "PLS-SEM indirect effect {a} -> {b} (no direct path in the model), BCa bootstrap (n={n})"
                         if indirect_only else
                         "PLS-SEM total (mediated) effect {a} -> {b}, BCa bootstrap (n={n})", "phrase",
                         a=a, b=b, n=int(r["draws"]))
        found = []
        if indirect_only:
            found.append(Message("the model has no direct path {a} -> {b}, so full mediation is assumed, not tested "
                                 "(Zhao, Lynch & Chen 2010)", "phrase", a=a, b=b))
        found += _failed_criteria(assessment, {a, b})
        found += list(qualifiers or [])
        rows.append({"hypothesis": h, "statement": statement if isinstance(statement, Message) else
                     Message(str(statement), "hypothesis"), "method": method, "estimate": r["estimate"],
                     "std_estimate": r["estimate"], "ci_lower": r["bca_lower"], "ci_upper": r["bca_upper"],
                     "pvalue": p, "supported": "not tested" if not verdicts.met("mediation_tested", not indirect_only)
                     else "yes" if verdicts.supported(r["bca_lower"], p, alpha) else "no",
                     "qualification": join(found), "evidence": evidence})
    return pd.DataFrame(rows)


def _failed_criteria(assessment: pd.DataFrame | None, constructs: set) -> list:
    """The failed reliability and validity criteria (from :func:`assessment`) of ``constructs``, each a Message
    with its value, cut-off and source."""
    if assessment is None:
        return []
    out = []
    for _, r in assessment[~assessment["met"].astype(bool)].iterrows():
        if r["criterion"] == "htmt":
            involved = set(str(r["of"]).split(" / "))
        elif r["criterion"] in ("alpha", "rho_a", "rho_c", "ave"):
            involved = {str(r["of"])}
        else:
            continue
        if involved & constructs:
            out.append(verdicts.shortfall(r["criterion"].upper() if r["criterion"] == "htmt" else r["criterion"],
                                          str(r["of"]), r["value"], r["cut_off"], r["source"]))
    return out


def assessment(model: PLSModel) -> pd.DataFrame:
    """Each reliability, validity, collinearity and R² result against its cut-off, with a verdict in English
    and Chinese and the source of the cut-off.

    Parameters
    ----------
    model : PLSModel

    Returns
    -------
    DataFrame
        ``criterion``, ``of``, ``value``, ``cut_off``, ``source``, ``met`` (bool), ``verdict`` (a :class:`~kamlib.i18n.Message`: the catalogue gives its Chinese).

    Notes
    -----
    Alpha, rho_A and rho_c at least 0.70 (rho_c above 0.95 suggests redundant items); AVE at least 0.50; HTMT
    below 0.90 (0.85 for conceptually distinct constructs); VIF below 5; R² of 0.25, 0.50 and 0.75 read as
    weak, moderate and substantial (Hair, Ringle & Sarstedt 2011).

    References
    ----------
    Hair, J. F., Ringle, C. M. & Sarstedt, M. (2011). PLS-SEM: indeed a silver bullet. *Journal of Marketing
    Theory and Practice*, 19(2), 139-152. Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). *JAMS*, 43(1),
    115-135. Fornell, C. & Larcker, D. F. (1981). *JMR*, 18(1), 39-50. Nunnally, J. C. & Bernstein, I. H.
    (1994). *Psychometric Theory*, 3rd ed., McGraw-Hill.

    Examples
    --------
    >>> from kamlib.survey.pls import assessment
    >>> assessment(model).columns.tolist()
    ['criterion', 'of', 'value', 'cut_off', 'source', 'met', 'verdict']
    """
    rows = []
    for c, r in model.reliability().iterrows():
        if len(model._blocks()[c]) < 2:
            continue
        for k in ("alpha", "rho_a", "rho_c", "ave"):
            rule = verdicts.RULES[k]
            cut, src = rule.threshold, rule.source
            ok = rule.met(r[k])
            high = k == "rho_c" and not verdicts.met("rho_c_max", r[k])
            text = (Message("above 0.95: the items may be near-duplicates") if high else
                    Message("meets the {cut:.2f} cut-off" if ok else "below the {cut:.2f} cut-off", cut=cut))
            rows.append((k, c, r[k], cut, src, ok and not high,
                         Message("{criterion} of {construct} is {value:.2f}: {text}", criterion=k, construct=c,
                                 value=r[k], text=text)))
    ht = model.htmt()
    rule = verdicts.RULES["htmt"]
    cut, src = rule.threshold, rule.source
    for a in ht.index:
        for b in ht.columns:
            v = ht.loc[a, b]
            if np.isfinite(v):
                ok = rule.met(v)
                verdict = ("HTMT of {a} and {b} is {value:.2f}: discriminant validity holds (cut-off {cut:.2f})" if ok
                           else "HTMT of {a} and {b} is {value:.2f}: the two constructs are not distinct (cut-off {cut:.2f})")
                rows.append(("htmt", Message("{a} / {b}", "phrase", a=b, b=a), v, cut, src, ok,
                             Message(verdict, a=b, b=a, value=v, cut=cut)))
    rule = verdicts.RULES["vif"]
    cut, src = rule.threshold, rule.source
    for _, r in model.vif().iterrows():
        ok = rule.met(r["vif"])
        verdict = ("VIF of {a} for {b} is {value:.2f}: no collinearity problem (cut-off {cut:.0f})" if ok else
                   "VIF of {a} for {b} is {value:.2f}: collinear (cut-off {cut:.0f})")
        rows.append(("vif", Message("{a} -> {b}", "phrase", a=r["variable"], b=r["of"]), r["vif"], cut, src, ok,
                     Message(verdict, a=r["variable"], b=r["of"], value=r["vif"], cut=cut)))
    for c, v in model.r2.items():
        level = ("substantial" if v >= 0.75 else "moderate" if v >= 0.50 else "weak" if v >= 0.25 else "very weak")
        rule = verdicts.RULES["r2"]
        rows.append(("r2", c, v, rule.threshold, rule.source, rule.met(v),
                     Message("R² of {construct} is {value:.2f}: {level} explanatory power", construct=c, value=v,
                             level=level)))
    return pd.DataFrame(rows, columns=["criterion", "of", "value", "cut_off", "source", "met", "verdict"])


@dataclass(frozen=True)
class CBSEMComparison(Result):
    """PLS-SEM paths beside the covariance-based (CB-SEM) standardised estimates, and a note when CB-SEM degenerates."""

    table: pd.DataFrame
    note: str
    degenerate: bool


def compare_with_cbsem(model: PLSModel, cbsem_paths: pd.DataFrame) -> CBSEMComparison:
    """Set the PLS-SEM path coefficients beside CB-SEM's standardised estimates of the same model.

    Parameters
    ----------
    model : PLSModel
    cbsem_paths : DataFrame
        ``paths()`` of a :func:`kamlib.survey.sem` result (``lval`` outcome, ``rval`` predictor, ``std_estimate``).

    Returns
    -------
    CBSEMComparison
        ``table`` (from, to, pls, cbsem_std, difference); ``note``: one sentence, naming the paths whose
        standardised CB-SEM estimate lies beyond ±1 (nearly collinear factors: the common-factor model cannot
        separate them) and what to do; empty when nothing is degenerate.

    References
    ----------
    Sarstedt, M., Hair, J. F., Ringle, C. M., Thiele, K. O. & Gudergan, S. P. (2016). Estimation issues with PLS
    and CBSEM: where the bias lies! *Journal of Business Research*, 69(10), 3998-4010.

    Examples
    --------
    >>> from kamlib import datasets, survey
    >>> from kamlib.survey.pls import compare_with_cbsem
    >>> blocks = {c: i for c, i in datasets.ECSI_BLOCKS["satisfaction"].items() if len(i) > 1}
    >>> cb = survey.sem(ecsi, survey.model_syntax(blocks, datasets.ECSI_PATHS["satisfaction"]))
    >>> compare_with_cbsem(model, cb.paths()).table.shape[0] == len(model.paths)
    True
    """
    cb = cbsem_paths.set_index(["rval", "lval"])["std_estimate"]
    table = model.paths.rename(columns={"estimate": "pls"})
    table["cbsem_std"] = [cb.get((a, b), np.nan) for a, b in zip(table["from"], table["to"])]
    table["difference"] = table["cbsem_std"] - table["pls"]
    bad = table[table["cbsem_std"].abs() > 1]
    if bad.empty:
        return CBSEMComparison(table, "", False)
    names = ", ".join(f"{a} -> {b} ({v:.2f})" for a, b, v in zip(bad["from"], bad["to"], bad["cbsem_std"]))
    preds = sorted(set(bad["from"]))
    corr = model.scores[preds + sorted(set(bad["to"]) - set(preds))].corr().abs()
    corr = corr.where(~np.eye(len(corr), dtype=bool), 0.0)
    a, b = corr.stack().idxmax()
    note = Message("CB-SEM gives standardised estimates beyond ±1 on {names}: the factors behind them are nearly "
                   "collinear ({a} and {b} correlate {r:.2f} even as PLS composites), so the covariance-based model "
                   "cannot separate their effects on these answers; read the PLS-SEM paths, or merge or drop one of "
                   "the constructs.", names=names, a=a, b=b, r=corr.loc[a, b])
    return CBSEMComparison(table, note, True)


def bca_interval(boot: np.ndarray, jack: np.ndarray, estimate: float, level: float = 0.95) -> Interval:
    """Bias-corrected and accelerated bootstrap interval from bootstrap and jackknife replicates.

    Parameters
    ----------
    boot : array
        Bootstrap replicates of the statistic.
    jack : array
        Leave-one-out (jackknife) replicates, for the acceleration.
    estimate : float
        The statistic on the full sample.
    level : float
        Confidence level.

    Returns
    -------
    Interval
        ``lower`` and ``upper`` limit (NaN when every replicate equals the estimate) and the ``level``; unpacks as
        ``lower, upper``.

    Notes
    -----
    :math:`z_0 = \\Phi^{-1}(\\#\\{\\theta^* < \\hat\\theta\\}/B)`, :math:`a = \\sum (\\bar\\theta_J - \\theta_{(i)})^3 /
    (6 [\\sum (\\bar\\theta_J - \\theta_{(i)})^2]^{3/2})`, and the limits are the bootstrap quantiles at
    :math:`\\Phi(z_0 + (z_0 + z_\\alpha) / (1 - a (z_0 + z_\\alpha)))`. One set of replicates serves both the
    percentile and the BCa interval (``scipy.stats.bootstrap`` computes one method per call and would refit
    the model again).

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. *JASA*, 82(397), 171-185.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.survey.pls import bca_interval
    >>> rng = np.random.default_rng(0)
    >>> x = rng.exponential(size=50)
    >>> boot = np.array([rng.choice(x, 50).mean() for _ in range(2000)])
    >>> jack = np.array([np.delete(x, i).mean() for i in range(50)])
    >>> lo, hi = bca_interval(boot, jack, x.mean())
    >>> bool(lo < x.mean() < hi)
    True
    """
    from scipy.stats import norm

    boot = np.asarray(boot, dtype=float)
    if np.all(boot == estimate):
        return Interval(np.nan, np.nan, level)
    share = np.clip((boot < estimate).mean() + 0.5 * (boot == estimate).mean(), 1 / (2 * len(boot)),
                    1 - 1 / (2 * len(boot)))
    z0 = norm.ppf(share)
    d = np.mean(jack) - np.asarray(jack, dtype=float)
    denom = 6 * (d ** 2).sum() ** 1.5
    a = (d ** 3).sum() / denom if denom > 0 else 0.0
    z = norm.ppf([(1 - level) / 2, (1 + level) / 2])
    q = norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    lower, upper = (float(v) for v in np.quantile(boot, q))
    return Interval(lower, upper, level)


def _check(data: pd.DataFrame, paths, blocks, modes, scheme, higher_order):
    if scheme not in SCHEMES:
        raise ArgumentError(f"unknown inner weighting scheme {scheme!r}; choose path, centroid or factorial.",
                            argument="scheme")
    paths = [tuple(p) for p in paths]
    if not paths:
        raise ArgumentError("a PLS path model needs at least one path (from, to).", argument="paths")
    hoc = dict(higher_order or {})
    for c in {c for p in paths for c in p}:
        if c not in blocks and c not in hoc:
            raise ArgumentError(f"the construct '{c}' in paths has no block of indicators; add it to blocks.",
                                argument="blocks")
    for h, dims in hoc.items():
        missing = [d for d in dims if d not in blocks]
        if missing:
            raise ArgumentError(f"the higher-order construct '{h}' is built from '{missing[0]}', which has no "
                                "block of indicators.", argument="higher_order")
    items = [i for c, its in blocks.items() for i in its]
    absent = [i for i in items if i not in data.columns]
    if absent:
        raise ArgumentError(f"the data have no column '{absent[0]}' (named in blocks); check the item names.",
                            argument="blocks")
    bad = {m for m in (modes or {}).values()} - {"A", "B"}
    if bad:
        raise ArgumentError(f"unknown measurement mode {sorted(bad)[0]!r}; use 'A' (reflective) or 'B' "
                            "(formative).", argument="modes")
    return paths, hoc


def fit(data: pd.DataFrame, *, paths, blocks: dict, modes: dict | None = None, scheme: str = "path",
        standardize: bool = True, max_iter: int = 300, tol: float = 1e-7, higher_order: dict | None = None
        ) -> PLSModel:
    """Estimate a PLS path model (PLS-SEM) with Lohmoeller's algorithm.

    Parameters
    ----------
    data : DataFrame
        Respondents x indicators (numbers, no missing values).
    paths : list of (from, to)
        The structural model.
    blocks : dict
        Construct -> list of indicator columns (a single item gives weight and loading 1).
    modes : dict, optional
        Construct -> "A" (reflective: correlation weights) or "B" (formative: regression weights); default A.
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme.
    standardize : bool
        True (the default, as seminr and SmartPLS): indicators are standardised. False: indicators are only
        centred, as R plspm's ``scaled = FALSE`` (indicators on a common scale); the algorithm then uses
        covariances, and the scores use the ``score_weight`` (weights on the raw items that sum to 1 per construct) so that they keep
        the indicators' scale.
    max_iter, tol : optional
        Iteration limit; stop when the summed absolute change of the outer weights is below ``tol``.
    higher_order : dict, optional
        Higher-order construct -> its lower-order constructs (two-stage approach): the lower-order constructs
        first take the higher-order construct's place in the paths; their scores then become its indicators.

    Returns
    -------
    PLSModel

    Raises
    ------
    ArgumentError
        A construct without indicators, an unknown column, mode or scheme, missing values, a constant
        indicator, or a model whose weights do not converge within ``max_iter``.

    References
    ----------
    Lohmoeller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least Squares*, Physica. Tenenhaus,
    M., Esposito Vinzi, V., Chatelin, Y.-M. & Lauro, C. (2005). PLS path modeling. *Computational Statistics &
    Data Analysis*, 48(1), 159-205. Ray, S., Danks, N. P. & Calero Valdez, A. (2022). *seminr: Building and
    Estimating Structural Equation Models*, R package. Becker, J.-M., Klein, K. & Wetzels, M. (2012).
    Hierarchical latent variable models in PLS-SEM: guidelines for using reflective-formative type models.
    *Long Range Planning*, 45(5-6), 359-394.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from kamlib.survey.pls import fit
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 1))
    >>> d = pd.DataFrame(f + rng.normal(size=(200, 3)), columns=["x1", "x2", "x3"])
    >>> d[["y1", "y2"]] = 0.6 * f + rng.normal(size=(200, 2))
    >>> m = fit(d, paths=[("X", "Y")], blocks={"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]})
    >>> m.paths.round(2).to_dict("records")
    [{'from': 'X', 'to': 'Y', 'estimate': 0.62}]
    """
    paths, hoc = _check(data, paths, blocks, modes, scheme, higher_order)
    modes = {c: (modes or {}).get(c, "A") for c in list(blocks) + list(hoc)}
    spec = dict(paths=paths, blocks=dict(blocks), modes=modes, scheme=scheme, standardize=standardize,
                max_iter=max_iter, tol=tol, higher_order=hoc)
    if hoc:
        return _fit_two_stage(data, spec)
    return _fit(data, spec)


def _fit(data: pd.DataFrame, spec: dict) -> PLSModel:
    paths, blocks, modes = spec["paths"], spec["blocks"], spec["modes"]
    constructs = _order(paths, {})
    items = [i for c in constructs for i in blocks[c]]
    if len(set(items)) < len(items):
        dup = next(i for i in items if items.count(i) > 1)
        raise ArgumentError(f"the indicator '{dup}' is in two blocks; each indicator measures one construct.",
                            argument="blocks")
    raw = data[items]
    nonnum = [c for c in items if not pd.api.types.is_numeric_dtype(raw[c])]
    if nonnum:
        raise ArgumentError(f"the indicator '{nonnum[0]}' is not numeric; recode its answers as numbers.",
                            argument="data")
    na = raw.isna().any()
    if na.any():
        raise ArgumentError(f"the indicator '{na.idxmax()}' has {int(raw[na.idxmax()].isna().sum())} missing "
                            "answers; drop or impute those respondents before fitting.", argument="data")
    sd = raw.std(ddof=1)
    if (sd == 0).any():
        raise ArgumentError(f"the indicator '{sd.idxmin()}' has the same answer for every respondent; leave it "
                            "out of its block.", argument="data")
    centred = (raw - raw.mean()).to_numpy(dtype=float)
    X = centred / sd.to_numpy() if spec["standardize"] else centred
    pos = {i: k for k, i in enumerate(items)}
    idx = {c: [pos[i] for i in blocks[c]] for c in constructs}
    P = _adjacency(constructs, paths)
    # on centred indicators the same formulas give covariance (mode A) and regression (mode B) weights
    W, mask, it, ok = _estimate(X, constructs, idx, P, modes, spec["scheme"], spec["max_iter"], spec["tol"])
    Y = X @ W
    Ys = _standardise(Y)
    Xs = _standardise(centred)
    L = _corr(Xs, Ys) * mask
    # reported weights give scores of unit variance, as plspm, seminr and SmartPLS report them; score weights are the
    # weights on the raw items that sum to 1, so that a score stays on the items' scale
    spread = (X @ W).std(axis=0)  # standardised indicators: W already gives unit variance (n - 1, as seminr)
    weights = W if spec["standardize"] else W / np.where(spread > 0, spread, 1.0)
    raw_w = W if not spec["standardize"] else W / sd.to_numpy()[:, None]
    score_weights = raw_w / raw_w.sum(axis=0)
    rows = []
    for j, c in enumerate(constructs):
        for k in idx[c]:
            rows.append((c, items[k], float(weights[k, j]), float(L[k, j]), float(score_weights[k, j])))
    outer = pd.DataFrame(rows, columns=["construct", "indicator", "weight", "loading", "score_weight"])
    B = _path_coefficients(Ys, P)
    fitted = Ys @ B
    coef = [(constructs[i], constructs[j], float(B[i, j])) for i, j in zip(*np.nonzero(P))]
    r2 = {c: float(1 - ((Ys[:, j] - fitted[:, j]) ** 2).sum() / (Ys[:, j] ** 2).sum())
          for j, c in enumerate(constructs) if P[:, j].any()}
    order = {p: k for k, p in enumerate(paths)}
    path_table = pd.DataFrame(coef, columns=["from", "to", "estimate"])
    path_table = path_table.iloc[np.argsort([order[(a, b)] for a, b in zip(path_table["from"], path_table["to"])],
                                            kind="stable")].reset_index(drop=True)
    scores = pd.DataFrame(Ys if spec["standardize"] else X @ score_weights + raw.mean().to_numpy() @ score_weights,
                          columns=constructs, index=data.index)
    return PLSModel(path_table, outer, pd.Series(r2, name="r2").rename_axis("construct"), scores, len(data),
                    it, bool(ok), spec["scheme"], spec, data)


def _fit_two_stage(data: pd.DataFrame, spec: dict) -> PLSModel:
    hoc = spec["higher_order"]
    first_paths = []
    for a, b in spec["paths"]:
        froms = hoc.get(a, [a])
        tos = hoc.get(b, [b])
        first_paths += [(f, t) for f in froms for t in tos if (f, t) not in first_paths]
    first = _fit(data, {**spec, "paths": first_paths})
    if not first.converged:
        raise ArgumentError("the first stage of the higher-order model did not converge; raise max_iter or "
                            "check the lower-order blocks.", argument="higher_order")
    dims = [d for ds in hoc.values() for d in ds]
    stage2 = data.join(first.scores[dims])
    blocks2 = {c: items for c, items in spec["blocks"].items() if c not in dims}
    blocks2.update({h: list(ds) for h, ds in hoc.items()})
    second = _fit(stage2, {**spec, "blocks": blocks2, "higher_order": {}})
    lower = first.outer[first.outer["construct"].isin(dims)]
    outer = pd.concat([lower, second.outer], ignore_index=True)
    scores = second.scores.join(first.scores[dims])
    return PLSModel(second.paths, outer, second.r2, scores, second.n, second.iterations, second.converged,
                    second.scheme, {**spec}, data)
