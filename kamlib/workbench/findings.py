"""The report's words about results: executive-summary findings, recommendations and limitations, each a sentence
generated from the values the notebooks recorded (``reports/<study>/values/*.json``), never typed in.

A finding is a rule: which recorded values it needs, an English and a Chinese template, the framework stage it
belongs to and the artefact that is its evidence. A rule whose values were not recorded (a notebook that did not
run for this study, a model that could not be fitted) is left out, so the summary of any study says only what its
run found. Every number in a sentence carries its notebook, key and recorded value, so that the report marks it
up (``data-value``) and a test checks it against the values file.

Written by hand: turning a project's own recorded values into sentences is specific to this workbook; the
templates are plain :meth:`str.format` strings.

References
----------
American Psychological Association (2020). *Publication Manual* (7th ed.), ch. 6: numbers, percentages and
statistics in text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

__all__ = ["Finding", "Number", "findings", "limitations", "not_run", "recommendations", "skipped_stages"]


@dataclass(frozen=True)
class Number:
    """One number in a sentence: where it was recorded, its value, and how the sentence shows it (``notebook``
    None: a count of recorded values, such as the hypotheses supported)."""

    notebook: str | None
    key: str
    value: object
    shown: str


@dataclass(frozen=True)
class Finding:
    """A sentence of the report: its stage, text template, the numbers in it and the artefact behind it."""

    key: str
    stage: str
    template: str
    numbers: dict = field(default_factory=dict)
    evidence: str | None = None
    simulated: bool = False

    def text(self) -> str:
        """The sentence as plain text (Word edition, notebooks)."""
        return self.template.format(**{k: n.shown for k, n in self.numbers.items()})

    def html(self) -> str:
        """The sentence as HTML, each number in ``<span class='v' data-value-key=... data-value=...>``."""
        import json

        spans = {k: (f"<span class='v' data-value-key='{html.escape(n.notebook)}.{html.escape(n.key)}' "
                     f"data-value='{html.escape(json.dumps(n.value))}'>{html.escape(n.shown)}</span>"
                     if n.notebook else f"<span class='v'>{html.escape(n.shown)}</span>")
                 for k, n in self.numbers.items()}
        return html.escape(self.template).format(**spans)


def pct(v: float, digits: int = 1) -> str:
    """A share as a percentage (0.6939 -> ``69.4%``; one decimal, so that close shares stay apart)."""
    return f"{100 * v:.{digits}f}%"


def count(v) -> str:
    """A count with thousands separators (17363 -> ``17,363``)."""
    return f"{v:,}"


def two(v) -> str:
    """An estimate to two decimals."""
    return f"{v:.2f}"


class Missing(Exception):
    """A value a rule needs was not recorded in this run: the rule is left out (nothing else is caught)."""


def _get(values: dict, nb: str, key: str, index: int | None = None):
    v = values.get(nb, {}).get(key)
    if v is None:
        raise Missing(f"{nb}.{key}")
    return v if index is None else v[index]


class _Builder:
    """Collects the numbers of one sentence: ``b.n("10_key_accounts", "gini", fmt)`` returns a placeholder."""

    def __init__(self, values: dict):
        self.values = values
        self.numbers: dict[str, Number] = {}

    def n(self, nb: str, key: str, fmt=str, index: int | None = None) -> str:
        value = _get(self.values, nb, key, index)
        name = f"n{len(self.numbers)}"
        self.numbers[name] = Number(nb, key if index is None else f"{key}[{index}]", value, fmt(value))
        return "{" + name + "}"


# --- the rules -------------------------------------------------------------------------------------------------
# Each takes (values, language, context) and returns (key, stage, template, builder, evidence) or raises Missing
# when a value it needs was not recorded. Templates are str.format strings; literal braces are doubled.

def _concentration(b, zh, ctx):
    t = (f"收入高度集中:前 20% 的客户贡献了 {b.n('10_key_accounts', 'top20_revenue_share', pct)} 的收入"
         f"(基尼系数 {b.n('10_key_accounts', 'gini', two)})。") if zh else (
        f"Revenue is concentrated: the top 20% of customers brought "
        f"{b.n('10_key_accounts', 'top20_revenue_share', pct)} of revenue (Gini "
        f"{b.n('10_key_accounts', 'gini', two)}).")
    return "concentration", "identify", t, "ka_lorenz"


def _key_accounts(b, zh, ctx):
    n = b.n('10_key_accounts', 'key_accounts', count)
    s = b.n('10_key_accounts', 'key_accounts_revenue_share', pct)
    r = b.n('10_key_accounts', 'at_risk_key_accounts', count)
    t = (f"按价值、潜力与风险识别出 {n} 个大客户,贡献了 {s} 的收入;另有 {r} 个高价值客户处于流失风险中。") if zh else (
        f"{n} customers are key accounts by value, potential and risk; they brought {s} of revenue, and {r} more "
        f"top customers are at risk of leaving.")
    return "key_accounts", "identify", t, "ka_tiers"


def _selection(b, zh, ctx):
    top = ctx.get("top", "20%")
    clv = b.n('40_strategy', 'capture_clv', pct)
    lo, hi = b.n('40_strategy', 'capture_clv_ci', pct, 0), b.n('40_strategy', 'capture_clv_ci', pct, 1)
    mon = b.n('40_strategy', 'capture_monetary', pct)
    rnd = b.n('40_strategy', 'capture_random', pct)
    t = (f"按 CLV 选出的前 {top} 客户在验证期贡献了 {clv} 的收入(95% 置信区间 {lo}-{hi}),"
         f"按历史收入选择为 {mon},随机选择为 {rnd}。") if zh else (
        f"The top {top} of customers by CLV captured {clv} of holdout revenue (95% CI {lo} to {hi}), against "
        f"{mon} for the top {top} by past revenue and {rnd} for a random {top}.")
    return "selection", "evaluate", t, "strategy_selection_rules_chart"


def _satisfaction(b, zh, ctx):
    n = b.n('20_survey', 'real_survey_n', count)
    est = b.n('20_survey', 'H6_real_estimate', two)
    verdict = _get(b.values, '20_survey', 'H6_real_supported')
    if zh:
        t = (f"在 {n} 名真实受访者(ECSI 问卷)中,满意度对忠诚度的路径系数为 {est},"
             + ("H6 得到支持。" if verdict == "yes" else "H6 未得到支持。"))
    else:
        t = (f"On {n} real respondents (ECSI survey), the path from satisfaction to loyalty is {est}: H6 is "
             + ("supported." if verdict == "yes" else "not supported."))
    return "satisfaction", "understand", t, "survey_real_path_diagram"


def _hypotheses(b, zh, ctx):
    survey = b.values.get("20_survey", {})
    keys = sorted(k for k in survey if k.endswith("_supported") and k[1].isdigit() and "_real" not in k
                  and "_multigroup" not in k)
    if not keys:
        raise Missing("20_survey.H*_supported")
    yes = [k.split("_")[0] for k in keys if survey[k] == "yes"]
    b.numbers["n0"] = Number(None, "supported", len(yes), str(len(yes)))
    b.numbers["n1"] = Number(None, "hypotheses", len(keys), str(len(keys)))
    listed = ", ".join(yes) if yes else ("无" if zh else "none")
    t = (f"在模拟问卷中,{{n1}} 个假设里有 {{n0}} 个得到支持({listed});这些结果只说明分析流程,"
         f"不构成对真实客户的结论。") if zh else (
        f"On the simulated survey, {{n0}} of {{n1}} hypotheses are supported ({listed}); these rows show the "
        f"method, not facts about real customers.")
    return "hypotheses", "understand", t, "survey_hypotheses"


def _reviews(b, zh, ctx):
    acc = b.n('25_reviews', 'classifier_accuracy', pct)
    maj = b.n('25_reviews', 'majority_accuracy', pct)
    n = b.n('25_reviews', 'n_reviews', count)
    t = (f"训练的情感分类器在留出的评论上准确率为 {acc}(多数类基准 {maj};共 {n} 条中文评论)。") if zh else (
        f"A trained sentiment classifier labels held-out reviews with {acc} accuracy (majority class: {maj}; "
        f"{n} Chinese reviews).")
    return "reviews", "understand", t, "reviews_calibration"


def _segments(b, zh, ctx):
    k = b.n('30_segments', 'k_chosen')
    shares = {key: v for key, v in b.values.get("30_segments", {}).items() if key.endswith("_revenue_share")}
    if not shares:
        raise Missing("30_segments.*_revenue_share")
    top_key = max(shares, key=shares.get)
    s = b.n('30_segments', top_key, pct)
    t = (f"客户可分为 {k} 个细分群,其中最大的收入群贡献了 {s} 的收入。") if zh else (
        f"Customers fall into {k} segments; the segment with the most revenue brought {s} of it.")
    return "segments", "segment", t, "seg_snake"


def _churn(b, zh, ctx):
    auc = b.n('35_churn', 'auc_logit', two)
    t = (f"基于交易记录的流失模型区分流失与留存客户的 AUC 为 {auc}(0.5 相当于随机)。") if zh else (
        f"A churn model on the transactions separates churners from stayers with an AUC of {auc} (0.5 is chance).")
    return "churn", "segment", t, "churn_tx_roc"


def _personalisation(b, zh, ctx):
    lift = b.n('45_personalisation', 'f001_new_lift', pct)
    lo = b.n('45_personalisation', 'f001_new_lift_ci', pct, 0)
    hi = b.n('45_personalisation', 'f001_new_lift_ci', pct, 1)
    claim = b.n('00_literature', 'F001_value', lambda v: f"{v:.0f}%") if "F001_value" in b.values.get(
        "00_literature", {}) else None
    if zh:
        t = f"对新商品,个性化推荐的命中率比热门推荐高 {lift}(95% 置信区间 {lo}-{hi})" + (
            f";文献称至少提高 {claim}。" if claim else "。")
    else:
        t = f"For new products, personalised recommendations hit {lift} more often than popular ones (95% CI {lo} to {hi})" + (
            f"; the sources claim at least {claim}." if claim else ".")
    return "personalisation", "act", t, "rec_hit_rates"


def _budget(b, zh, ctx):
    opt = b.n('40_strategy', 'budget_optimal_incremental_clv', lambda v: f"{v:,.0f}")
    eq = b.n('40_strategy', 'budget_equal_incremental_clv', lambda v: f"{v:,.0f}")
    cur = ctx.get("currency") or ""
    t = (f"在假设的响应曲线下,最优预算分配带来 {opt} {cur} 的增量 CLV,平均分配为 {eq} {cur}。") if zh else (
        f"Under the assumed response curves, the optimal budget split adds {opt} {cur} of CLV against {eq} {cur} "
        f"for an equal split.")
    return "budget", "evaluate", t.replace("  ", " "), "strategy_budget_split_chart"


#: In the order of the summary: what most changes a decision first (at most eight are shown).
RULES = (_concentration, _key_accounts, _selection, _satisfaction, _personalisation, _churn, _reviews, _segments,
         _hypotheses, _budget)


def findings(values: dict, language: str = "en", *, simulated: set | None = None, context: dict | None = None,
             limit: int = 8) -> list[Finding]:
    """The executive summary: up to ``limit`` findings whose values this run recorded.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}`` as read from ``values/*.json``.
    language : {"en", "zh"}
    simulated : set of str, optional
        Ids of artefacts made from simulated data; a finding whose evidence is one of them is marked.
    context : dict, optional
        ``top`` (the selected share as text, e.g. ``"20%"``) and ``currency``.
    limit : int
        At most this many findings (the report asks for 5-8).

    Returns
    -------
    list of Finding
        In the order of :data:`RULES`, each with its numbers and evidence.

    References
    ----------
    Minto, B. (2009). *The Pyramid Principle*. Pearson: the answer first, then the support.

    Examples
    --------
    >>> f = findings({"10_key_accounts": {"top20_revenue_share": 0.69, "gini": 0.657}})
    >>> f[0].text()
    'Revenue is concentrated: the top 20% of customers brought 69.0% of revenue (Gini 0.66).'
    """
    out = []
    for rule in RULES:
        b = _Builder(values)
        try:
            key, stage, template, evidence = rule(b, language == "zh", context or {})
        except Missing:  # only a value this run did not record; a bug in a rule is raised
            continue
        out.append(Finding(key, stage, template, dict(b.numbers), evidence, evidence in (simulated or set())))
    return out[:limit]


def recommendations(values: dict, language: str = "en") -> list[str]:
    """What the results suggest doing, one sentence each, from the recorded values (empty when nothing was run).

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}``.
    language : {"en", "zh"}

    Returns
    -------
    list of str

    References
    ----------
    Fader, P. (2020). *Customer Centricity* (2nd ed.). Wharton School Press: select and treat customers by
    their predicted future value.

    Examples
    --------
    >>> recommendations({"40_strategy": {"capture_clv": 0.62, "capture_monetary": 0.60}})[0][:40]
    'Select key accounts by predicted CLV: it'
    """
    zh = language == "zh"
    out = []
    st = values.get("40_strategy", {})
    if {"capture_clv", "capture_monetary"} <= set(st):
        c, m = st["capture_clv"], st["capture_monetary"]
        lo = st.get("capture_clv_ci", [None])[0]
        close = lo is not None and lo <= m
        if c > m and not close:
            out.append("按预测 CLV 选择大客户:在验证期它比按历史收入选择捕获了更多收入。" if zh else
                       "Select key accounts by predicted CLV: it captured more holdout revenue than past revenue did.")
        else:
            out.append("按历史收入选择与按 CLV 选择在验证期表现相近:可先用简单的历史收入规则,并随数据积累复核 CLV 模型。"
                       if zh else "Past revenue selects about as well as CLV here: start with the simpler rule and "
                       "check the CLV model again as the log grows.")
    ka = values.get("10_key_accounts", {})
    if ka.get("at_risk_key_accounts"):
        n = ka["at_risk_key_accounts"]
        out.append(f"优先联系 {n:,} 个有流失风险的大客户(见大客户层级表)。" if zh else
                   f"Contact the {n:,} at-risk key accounts first (see the key-account tiers).")
    pe = values.get("45_personalisation", {})
    if "f001_new_verdict" in pe:
        good = pe["f001_new_verdict"] == "supports the claim"
        out.append(("对新商品使用个性化推荐:留出检验支持其提升效果。" if good else
                    "在扩大个性化推荐之前先做对照实验:留出检验未能确认所称的提升。") if zh else
                   ("Use personalised recommendations for new products: the held-out test supports the lift."
                    if good else "Test personalised recommendations in a controlled experiment before scaling them: "
                    "the held-out test did not confirm the claimed lift."))
    rv = values.get("25_reviews", {})
    if rv.get("negative_aspects"):
        from ..i18n import VALUES_ZH

        names = [VALUES_ZH.get(a, a) if zh else a for a in rv["negative_aspects"]]
        out.append(f"改进评论中最常被负面提及的方面:{'、'.join(names)}。" if zh else
                   f"Improve what reviews most often criticise: {', '.join(names)}.")
    if "n_per_arm_planned_lift" in st:
        n = st["n_per_arm_planned_lift"]
        out.append(f"检验新的营销活动时,每组至少安排 {n:,} 名客户,并只在预定样本量时查看结果。" if zh else
                   f"Test a new campaign with at least {n:,} customers per arm, and look at the result only at the "
                   "planned size.")
    return out


def not_run(manifest: dict, language: str = "en") -> Finding | None:
    """One summary sentence naming the notebooks and stages that did not run on this data (None when all ran);
    the limitations give each one's reason.

    Parameters
    ----------
    manifest : dict
        The report's manifest.
    language : {"en", "zh"}

    Returns
    -------
    Finding or None

    Examples
    --------
    >>> not_run({"not_run": {"45_personalisation": {"status": "skipped", "reason": "No products."}}}).text()
    'Not every analysis applies to this data: notebook 45_personalisation did not run (see Limitations for why).'
    """
    zh = language == "zh"
    notebooks = sorted(manifest.get("not_run", {}))
    stages = [f"{stage} ({nb})" for nb, stage, _ in skipped_stages(manifest)]
    if not notebooks and not stages:
        return None
    parts = []
    if notebooks:
        parts.append(("笔记本 " + "、".join(notebooks) + " 未运行") if zh else
                     f"notebook{'s' if len(notebooks) > 1 else ''} {', '.join(notebooks)} did not run")
    if stages:
        parts.append(("以下分析步骤被跳过:" + "、".join(stages)) if zh else
                     f"{'these stages were' if len(stages) > 1 else 'this stage was'} skipped: {', '.join(stages)}")
    text = ("并非所有分析都适用于本数据:" + ";".join(parts) + "(原因见局限性)。") if zh else \
        ("Not every analysis applies to this data: " + "; ".join(parts) + " (see Limitations for why).")
    return Finding("not_run", "other", text.replace("{", "{{").replace("}", "}}"))


def skipped_stages(manifest: dict) -> list[tuple[str, str, str]]:
    """The stages that did not run because the data could not support them: ``(notebook, stage, reason)``
    (a stage skipped only because an earlier one was is left out: its cause is listed).

    Parameters
    ----------
    manifest : dict
        The report's manifest (``notebooks.<id>.stages``).

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> skipped_stages({"notebooks": {"10_key_accounts": {"stages": [
    ...     {"stage": "purchase models", "ran": False, "reason": "Too few repeat buyers."},
    ...     {"stage": "CLV", "ran": False, "reason": "It needs the purchase models, which did not run."}]}}})
    [('10_key_accounts', 'purchase models', 'Too few repeat buyers.')]
    """
    return [(nb, s["stage"], s["reason"]) for nb, rec in sorted(manifest.get("notebooks", {}).items())
            for s in rec.get("stages", []) if not s.get("ran") and not s.get("reason", "").startswith("It needs")]


def limitations(values: dict, manifest: dict, language: str = "en", *, quick: bool = False) -> list[str]:
    """What limits the conclusions of this run, one sentence each: a quick run, simulated parts, degenerate
    models, small samples, failed criteria, notebooks and stages that did not run (with their sentences), and
    which notebooks made notes.

    Parameters
    ----------
    values : dict
        ``{notebook: {key: value}}``.
    manifest : dict
        The report's manifest (artefacts and notebook notes).
    language : {"en", "zh"}
    quick : bool
        Whether the run used the study's quick sizes.

    Returns
    -------
    list of str

    References
    ----------
    Kline, R. B. (2016). *Principles and Practice of Structural Equation Modeling* (4th ed.). Guilford: about 200
    cases for a structural equation model.

    Examples
    --------
    >>> limitations({}, {"artefacts": []}, quick=True)
    ['This is a quick run on reduced sizes: rebuild with `make report` before quoting any number.']
    """
    zh = language == "zh"
    out = []
    if quick:
        out.append("这是缩小样本量的快速运行:引用任何数字之前请用 `make report` 重新生成。" if zh else
                   "This is a quick run on reduced sizes: rebuild with `make report` before quoting any number.")
    arts = manifest.get("artefacts", [])
    sim = sorted({a["notebook"] for a in arts if a.get("simulated")})
    if sim:
        n = sum(bool(a.get("simulated")) for a in arts)
        out.append(f"{n} 个图表来自模拟数据(笔记本 {'、'.join(sim)}):它们展示方法,不是关于真实客户的结论。" if zh else
                   f"{n} figures and tables rest on simulated data (notebooks {', '.join(sim)}): they show the "
                   "method, not facts about real customers.")
    ka = values.get("10_key_accounts", {})
    if ka.get("degenerate_models"):
        names = ", ".join(ka["degenerate_models"])
        out.append(f"以下模型的估计处于参数边界(退化):{names};其参数不可按常规解读。" if zh else
                   f"These models reached a bound of their parameters (degenerate): {names}; do not read their "
                   "parameters as ordinary estimates.")
    sv = values.get("20_survey", {})
    if "real_survey_n" in sv and sv["real_survey_n"] < 200:
        out.append(f"真实问卷只有 {sv['real_survey_n']} 名受访者,少于结构方程模型通常要求的约 200 人。" if zh else
                   f"The real survey has {sv['real_survey_n']} respondents, fewer than the about 200 usually asked "
                   "for a structural equation model (Kline, 2016).")
    if sv.get("real_criteria_failed"):
        out.append(f"真实问卷的信度与效度检验中有 {sv['real_criteria_failed']} 项未达到临界值。" if zh else
                   f"{sv['real_criteria_failed']} reliability and validity criteria are not met on the real survey.")
    if sv.get("real_cbsem_degenerate"):
        out.append("真实问卷上 CB-SEM 的部分标准化路径超出 ±1(因子近乎共线,共同因子模型无法区分),结论以 PLS-SEM 为准。"
                   if zh else "Some standardised CB-SEM paths on the real survey lie beyond ±1 (nearly collinear "
                   "factors the common-factor model cannot separate); the survey's conclusions rest on PLS-SEM.")
    for nb, mark in sorted(manifest.get("not_run", {}).items()):
        out.append(f"笔记本 {nb} 不适用于本研究的数据,未运行:{mark.get('reason', '')}" if zh else
                   f"Notebook {nb} did not run on this study's data: {mark.get('reason', '')}")
    for nb, stage, reason in skipped_stages(manifest):
        out.append(f"{nb} 中的「{stage}」未运行:{reason}" if zh else f"{nb}, {stage}, did not run: {reason}")
    noted = sorted(nb for nb, rec in manifest.get("notebooks", {}).items() if rec.get("notes"))
    if noted:
        out.append(f"笔记本 {'、'.join(noted)} 对本次运行作了说明,见各自章节开头的提示框。" if zh else
                   f"Notebooks {', '.join(noted)} made notes about this run; they open their sections.")
    return out
