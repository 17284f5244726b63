"""The one place that owns the look of every figure.

Okabe-Ito colour-blind-safe palette, sizes readable when printed at column
width, a non-interactive backend for batch runs, deterministic SVG output, and
a CJK font when the report language is Chinese.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")  # batch runs never open windows

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette (black moved last).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu"  # colour-blind-safe diverging map for heatmaps
SEQUENTIAL = "viridis"

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC"]


def cjk_font() -> str | None:
    """Name of an installed CJK font, or ``None``; registers fonts installed after matplotlib's cache."""
    for path in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/wqy"):
        try:
            for f in font_manager.findSystemFonts(fontpaths=[path]):
                if "CJK" in f or "wqy" in f.lower():
                    font_manager.fontManager.addfont(f)
        except Exception:  # pragma: no cover - font folders differ by system
            pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def apply(language: str = "en") -> None:
    """Set the workbook style for all following figures."""
    rc = {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "image.cmap": SEQUENTIAL,
        "svg.hashsalt": "kam-workbook",  # stable ids inside SVG files
        "svg.fonttype": "none",
    }
    plt.rcParams.update(rc)
    if language == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "No CJK font is installed, so Chinese labels would print as empty boxes; "
                "install one with `make browser-deps` (Debian fonts-noto-cjk).",
                stacklevel=2,
            )
        else:
            plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
            plt.rcParams["font.family"] = "sans-serif"
            plt.rcParams["axes.unicode_minus"] = False


def mark_simulated(fig, language: str = "en") -> None:
    """Stamp a figure as made from simulated data (bottom-right corner)."""
    text = "模拟数据 (simulated)" if language == "zh" else "Simulated data"
    fig.text(0.99, 0.01, text, ha="right", va="bottom", fontsize=8, color="#D55E00",
             fontweight="bold", alpha=0.9)


#: Figure texts of the Chinese report: exact strings used by kamlib's plots and the notebooks.
GLOSSARY_ZH = {
    "Actual": "实际", "Answers per item (after reverse-coding)": "各题项作答分布(反向计分后)",
    "Calibration repeat purchases: actual vs model": "校准期重复购买:实际与模型",
    "Churners captured (%)": "捕获的流失客户 (%)", "Conditional expectation in the holdout period": "验证期条件期望",
    "Cumulative repeat transactions": "累计重复交易", "Cumulative share of customers (lowest value first)": "客户累计占比(价值由低到高)",
    "Cumulative share of revenue": "收入累计占比", "Customers per arm": "每组客户数",
    "Customers selected, ranked by the rule (%)": "按规则排序选出的客户 (%)", "Customers targeted, highest risk first (%)": "按风险从高到低触达的客户 (%)",
    "Customers": "客户数", "Effect on conversion (percentage points)": "对转化率的效应(百分点)",
    "Effect on revenue per account": "对单个客户收入的效应", "Eigenvalue": "特征值", "Equality": "完全平等线",
    "Factor": "因子", "False positives (%)": "假阳性 (%)", "False-positive rate": "假阳性率", "First-purchase month": "首购月份",
    "Holdout revenue captured (%)": "捕获的验证期收入 (%)", "Incremental CLV of the optimal allocation": "最优分配的增量 CLV",
    "Key-account tiers": "大客户层级", "Looks at the data": "查看数据的次数", "Lorenz curve": "洛伦兹曲线",
    "Mean (standardised)": "均值(标准化)", "Mean purchases in the holdout period": "验证期平均购买次数", "Month": "月份",
    "Monthly revenue, orders and active customers": "月度收入、订单与活跃客户", "Months since first purchase": "首购后月数",
    "Observed churn rate": "实际流失率", "Observed": "实际值", "P(alive) (BG/NBD)": "存活概率 (BG/NBD)",
    "P(alive) at the end of the log": "期末存活概率", "Periods relative to the start of the programme": "相对项目开始的期数",
    "Power": "检验功效", "Predicted churn probability (decile mean)": "预测流失概率(十分位均值)",
    "RFM segment": "RFM 细分", "Random (95th percentile)": "随机数据(95% 分位)", "Relative importance of satisfaction drivers": "满意度驱动因素的相对重要性",
    "Repeat purchases in the calibration period": "校准期重复购买次数", "Revenue share by RFM segment": "各 RFM 细分的收入占比",
    "Sections or slides coded": "编码的章节或幻灯片数", "Share (%)": "占比 (%)",
    "Share of answers (%), disagree left of 0, agree right": "作答占比 (%),左侧不同意、右侧同意",
    "Share of explained variance (LMG, %)": "解释方差占比 (LMG, %)", "Share of revenue (%)": "收入占比 (%)", "Spend": "投入",
    "True-positive rate": "真阳性率", "Week ending": "周末日期", "Weekly repeat transactions": "每周重复交易",
    "assumption +50%": "假设 +50%", "assumption -50%": "假设 -50%", "Simulated data": "模拟数据",
}


from .i18n import LABELS_ZH  # noqa: E402

GLOSSARY_ZH.update(LABELS_ZH)


def translate_figure(fig, glossary: dict[str, str] = GLOSSARY_ZH) -> int:
    """Replace every figure text (titles, axis labels, legends, ticks) that the glossary knows; returns the count."""
    from matplotlib.text import Text

    n = 0
    fig.canvas.draw()  # tick labels exist only once drawn
    for ax in fig.axes:  # category ticks: fix the translated labels (a redraw would regenerate them)
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            if any(t in glossary for t in labels):
                axis.set_ticks(axis.get_ticklocs(), [glossary.get(t, t) for t in labels])
                n += sum(t in glossary for t in labels)
    for t in fig.findobj(Text):
        s = t.get_text()
        if s in glossary:
            t.set_text(glossary[s])
            n += 1
    return n
