"""Words on figures and in sentences that follow the numbers they describe (issue 49, items 7 and 9; the examiner's
reading of a B2B export and of the relationship-quality study).

Each test reads the figure's own text objects (tick labels, legend texts) or the sentence a function returns, so it
fails when the words stop following the data: the parallel analysis' quantile, a cohort's customers, the
instrument's item statements in each edition, the complete cases an evidence column names, a value that rounds
to zero.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlib import plots, style  # noqa: E402
from kamlib.i18n import Message, number  # noqa: E402

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


@pytest.fixture(autouse=True)
def _close():
    style.apply("en")
    yield
    plt.close("all")


def _source(notebook: str) -> str:
    nb = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def _answers(n=120, items=6, seed=0):
    """Answers to two blocks of three correlated items (two factors over random data)."""
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((n, 2))
    cols = {f"I{j + 1}": f[:, j // 3] + 0.6 * rng.standard_normal(n) for j in range(items)}
    return pd.DataFrame(cols)


@pytest.mark.parametrize("quantile", [0.9, 0.95, 0.99])
def test_the_scree_legend_and_the_table_quote_the_quantile_used(quantile):
    """'95th percentile' was written in the scree legend and the table's caption whatever the quantile."""
    from kamlib.survey import factors

    pa = factors.parallel_analysis(_answers(), n_sims=20, seed=1, quantile=quantile)
    assert "random_q95" not in pa.columns and set(pa["quantile"]) == {quantile}
    ax = plots.plot_scree(pa)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Observed", f"Random data ({quantile:g} quantile)"]
    style.translate_figure(ax.figure)
    assert [t.get_text() for t in ax.get_legend().get_texts()][1] == f"随机数据（{quantile:g} 分位数）"  # full width in a PNG too


def test_each_cohort_row_names_its_customers():
    """A 100% cell on 3 customers looked like a 100% cell on 3,000: each row now says its n."""
    coh = pd.DataFrame({"customers": [1200, 3], 0: [1.0, 1.0], 1: [0.12, 1.0], 2: [0.1, np.nan]},
                       index=pd.Index(["2020-06", "2020-07"], name="cohort"))
    ax = plots.plot_cohort_retention(coh)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2020-06 (n = 1,200)", "2020-07 (n = 3)"]
    assert "customers in the cohort" in ax.get_ylabel()
    assert len(ax.texts) == 5  # the shares written in the cells, the month not yet observed left blank
    style.translate_figure(ax.figure)
    assert ax.get_ylabel() == "首购月份（同期群客户数）"
    assert style.untranslated(ax.figure) == []


@pytest.mark.notebook
def test_the_segments_notebook_draws_the_cohorts_with_their_n(quick_report):
    """The quick run's cohort chart is drawn by the plot that writes each row's n (above): the report links the figure
    to the kamlib functions of the cell that made it (the manifest)."""
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    [chart] = [a for a in manifest["artefacts"] if a["id"] == "cohort_retention_chart"]
    assert "kamlib.plots.plot_cohort_retention" in chart["functions"]


def test_the_likert_rows_show_the_items_statements_in_each_edition():
    """The Likert chart showed item codes only (TR1, CM2, ...); the rows now carry the instrument's statements,
    and the Chinese edition its Chinese wording."""
    from kamlib import survey
    from kamlib.survey import instrument

    inst = instrument.load("data/survey/relationship_quality.yaml")
    answers = pd.DataFrame({i: [1, 3, 5, 4] for i in inst.items})
    shares = survey.likert_shares(answers, inst.items, inst.points)
    ax = plots.plot_likert(shares, inst.labels("en"), items=inst.item_labels("en"))
    rows = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert rows[0] == "TR1: " + inst.item_text("TR1", "en") and len(rows) == len(inst.items)
    style.translate_figure(ax.figure, terms=inst.figure_terms("zh"))
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0] == "TR1：" + inst.item_text("TR1", "zh")  # full-width colon before Chinese
    assert [t.get_text() for t in ax.get_legend().get_texts()] == inst.labels("zh")
    assert style.untranslated(ax.figure) == []
    with pytest.raises(ValueError, match="no label for TR1"):
        plots.plot_likert(shares, inst.labels("en"), items={})


def test_an_item_without_a_statement_in_a_language_keeps_its_english():
    from kamlib.survey.instrument import Instrument

    raw = {"scale": {"points": 5, "labels": {"en": list("abcde"), "zh": list("甲乙丙丁戊")}},
           "constructs": {"X": {"label": {"en": "X"}, "items": [{"id": "X1", "en": "I like it."}, {"id": "X2"}]}}}
    inst = Instrument(raw, "mine.yaml")
    assert inst.item_labels("zh") == {"X1": "X1:I like it.", "X2": "X2"}
    assert inst.figure_terms("zh")["X1: I like it."] == "X1:I like it."


def test_the_survey_evidence_says_what_its_n_is():
    """'simulated answers (n = 246)' named the complete cases the tests used as if they were all the answers."""
    source = _source("20_survey.ipynb")
    assert "(n = {n})" not in source and "notna().all(axis=1)" not in source
    assert "complete=cleaned.n_complete, n=len(data)" in source
    said = Message("{source}: {complete:,} complete cases of {n:,} answers", "phrase", source="simulated responses",
                   complete=246, n=272)
    assert str(said) == "simulated responses: 246 complete cases of 272 answers"
    assert said.translate("zh") == "模拟回答:272 份回答中的 246 份完整个案"


@pytest.mark.parametrize("value", [-0.001, -0.004, -1e-12])
def test_a_value_that_rounds_to_zero_prints_without_a_sign(value):
    """An adjusted Rand index of -0.001 printed as '-0.00' in the segments' sentence."""
    said = Message("adjusted Rand index {ari:.2f}, Cramér's V {v:.2f}, share {s:.1%}", "note", ari=value, v=0.23,
                   s=value / 10)
    assert str(said) == "adjusted Rand index 0.00, Cramér's V 0.23, share 0.0%"
    assert number(value / 100, "share") == "0.0%"  # an estimate below 0.01 keeps two significant digits instead
    # a negative value that does not round to zero keeps its sign
    assert str(Message("{x:.2f} {y:.0f}", "note", x=-0.006, y=-3.2)) == "-0.01 -3"
    assert str(Message("{x:.2f}", "note", x=float("-inf"))) == "-inf"
