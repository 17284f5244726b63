"""Figures a reader can read, in both editions (issue 49, items 7 and 9).

The labels of the path diagram and the co-occurrence network are checked from their text bounding boxes
(matplotlib's ``Text.get_window_extent`` after a draw), in English and again after the Chinese edition's translation;
each coefficient of the path diagram sits on its own arrow. The Chinese version of a figure keeps no label the
workbook wrote in English: its text objects are read after :func:`kamlib.style.translate_figure` (here on figures
drawn by the plot functions; on every figure of a quick run, as ``untranslated_zh`` in the manifest, by
``tests/test_report.py::test_every_chinese_figure_has_chinese_titles_axes_and_legends``).
"""

from __future__ import annotations

import pytest
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kamlib import plots, style

#: The ECSI model of the real survey (Tenenhaus et al. 2005) with the estimates of the report's path diagram: ten
#: paths, three of them skipping a layer (Image -> Satisfaction, Image -> Loyalty, Expectation -> Satisfaction)
ECSI = pd.DataFrame(
    [("Image", "Expectation", 0.56), ("Image", "Satisfaction", 0.19), ("Image", "Loyalty", 0.29),
     ("Expectation", "Quality", 0.85), ("Expectation", "Value", 0.12), ("Expectation", "Satisfaction", 0.05),
     ("Quality", "Value", 0.66), ("Quality", "Satisfaction", 0.14), ("Value", "Satisfaction", 0.58),
     ("Satisfaction", "Loyalty", 0.47)], columns=["from", "to", "estimate"]).assign(
    significant=lambda d: d["estimate"] > 0.15)
R2 = pd.Series({"Expectation": 0.31, "Quality": 0.71, "Value": 0.58, "Satisfaction": 0.70, "Loyalty": 0.49})


def _overlaps(texts) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts whose drawn boxes overlap."""
    fig = texts[0].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shown = [t for t in texts if t.get_visible() and t.get_text().strip()]
    boxes = [t.get_window_extent(renderer) for t in shown]
    found = []
    for i in range(len(shown)):
        for j in range(i + 1, len(shown)):
            a, b = boxes[i], boxes[j]
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5:
                found.append((shown[i].get_text(), shown[j].get_text()))
    return found


def _points(path, ax):
    """Points along a path's curves (its Bezier segments evaluated, not their control points), display coordinates."""
    t = np.linspace(0, 1, 30)
    points = np.vstack([segment.point_at_t(t) if hasattr(segment, "point_at_t") else segment(t)
                        for segment, _ in path.iter_bezier()])
    return ax.transData.transform(points)


def _both_editions(fig):
    """The overlaps of the figure's axes texts in English, then in Chinese (translated as the run does)."""
    ax = fig.axes[0]
    english = _overlaps(ax.texts)
    style.translate_figure(fig)
    return english, _overlaps(ax.texts)


def test_the_path_diagram_labels_do_not_overlap_in_either_edition():
    style.apply("en")
    fig = plots.plot_path_diagram(ECSI, R2)
    english, chinese = _both_editions(fig)
    plt.close(fig)
    assert not english and not chinese, (english, chinese)


def test_each_coefficient_sits_on_its_own_arrow():
    """The label of a path is nearer its own arrow than any other arrow (the examiner found one by the wrong
    construct): its centre lies on its own curve."""
    from matplotlib.patches import FancyArrowPatch

    style.apply("en")
    fig = plots.plot_path_diagram(ECSI, R2)
    ax = fig.axes[0]
    fig.canvas.draw()
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == len(ECSI)
    paths = [_points(a.get_path(), ax) for a in arrows]  # in the paths' order
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("path:")]
    assert [t.get_text() for t in labels] == [f"{e:.2f}" for e in ECSI["estimate"]]
    for i, t in enumerate(labels):
        centre = ax.transData.transform(t.get_position())
        distance = [np.hypot(*(p - centre).T).min() for p in paths]
        assert int(np.argmin(distance)) == i, (t.get_gid(), distance)
        assert distance[i] < 10, t.get_gid()  # on the curve itself (within a few pixels)
    plt.close(fig)


@pytest.mark.slow
def test_the_cooccurrence_network_labels_do_not_overlap_in_either_edition():
    from kamlib import literature as lit

    style.apply("en")
    codebook = lit.load_codebook()
    co = lit.cooccurrence(lit.matrix(lit.load_coding(codebook=codebook), codebook))
    used = co.index[co.to_numpy().diagonal() > 0]
    fig = plots.plot_network(co.loc[used, used], {t: codebook[t]["stage"] for t in used}, min_weight=1,
                             labels={t: codebook[t]["en"] for t in used}, max_labels=30)
    labelled = [t for t in fig.axes[0].texts if t.get_text().strip()]
    assert len(labelled) >= 15
    english, chinese = _both_editions(fig)
    plt.close(fig)
    assert not english and not chinese, (english, chinese)


def test_the_overlap_check_finds_labels_printed_over_each_other():
    fig, ax = plt.subplots()
    texts = [ax.text(0.5, 0.5, "Customer satisfaction"), ax.text(0.52, 0.5, "Customer loyalty"),
             ax.text(0.1, 0.1, "far away")]
    assert _overlaps(texts) == [("Customer satisfaction", "Customer loyalty")]
    plt.close(fig)


# -- the Chinese edition's words --------------------------------------------------------------------------------


def test_category_labels_the_workbook_makes_are_chinese():
    """Theme labels of the codebook and column names on a category axis (the examiner's Figure 1 kept its 30 theme
    labels in English, Figure 2 showed them as snake_case ids, the snake plot's axis the column names)."""
    from kamlib import literature as lit

    codebook = lit.load_codebook()
    themes = list(codebook)[:8]
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    axes[0].barh([codebook[t]["en"] for t in themes], range(8))
    axes[1].bar(themes, range(8))  # theme ids, as a co-occurrence heatmap writes them
    axes[2].plot(["orders", "revenue", "avg_order", "recency_days", "tenure_days", "ipt_days"], range(6))
    assert len(style.untranslated(fig)) >= 8 + 8 + 4  # before: every label is English
    style.translate_figure(fig)
    assert style.untranslated(fig) == []
    ticks = [t.get_text() for ax in axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert not [t for t in ticks if re.search(r"[a-z]{3,}", t)], ticks
    plt.close(fig)


def test_data_values_stay_as_they_are():
    """Product names and countries from the log, and model names, are data: not reported, not translated."""
    fig, ax = plt.subplots()
    ax.bar(["WHITE HANGING HEART T-LIGHT HOLDER", "United Kingdom", "BG/NBD"], [1, 2, 3])
    style.translate_figure(fig)
    assert style.untranslated(fig, data=["United Kingdom"]) == []
    assert style.untranslated(fig) == ["United Kingdom"]  # a title-case label is reported unless named as data
    plt.close(fig)


def test_a_legend_of_lines_names_its_column_in_words_in_both_languages():
    """The power curves' legend said "relative_lift = 0.1" in both editions."""
    style.apply("en")
    table = pd.DataFrame({"n_per_arm": [100, 1000] * 2, "power": [0.1, 0.5, 0.3, 0.9],
                          "relative_lift": [0.05, 0.05, 0.1, 0.1]})
    ax = plots.plot_lines(table, "n_per_arm", "power", "relative_lift", logx=True, xlabel="Customers per arm",
                          ylabel="Power")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Relative lift = 0.05", "Relative lift = 0.1"]
    style.translate_figure(ax.figure)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["相对提升 = 0.05", "相对提升 = 0.1"]
    assert style.untranslated(ax.figure) == []  # a log axis' ticks ($10^{2}$) are no words
    plt.close(ax.figure)


def test_the_snake_plot_names_its_features_in_words():
    """The examiner found the snake plot's axis labelled with column names (avg_order, recency_days)."""
    style.apply("en")
    features = ["orders", "revenue", "avg_order", "recency_days", "tenure_days", "ipt_days"]
    snake = pd.DataFrame([(seg, f, 0.1 * i) for seg in ("Champions", "Loyal") for i, f in enumerate(features)],
                         columns=["segment", "feature", "mean_z"])
    ax = plots.plot_snake(snake)
    ax.figure.canvas.draw()
    english = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]  # long names wrap onto two lines
    assert "Days since last purchase" in english and not [t for t in english if "_" in t], english
    style.translate_figure(ax.figure)
    assert style.untranslated(ax.figure) == []
    assert all(re.search(r"[\u4e00-\u9fff]", t.get_text()) for t in ax.get_xticklabels())
    plt.close(ax.figure)


def test_the_rfm_segment_bar_labels_do_not_overlap_in_either_edition():
    """The examiner's RFM chart tilted its eight segment names by 20 degrees and printed them over each other
    ('Lapsed occasional buyers' over 'Lapsed one-timers'); the labels stand level, wrapped, side by side."""
    from kamlib.segments import NAMES

    style.apply("en")
    names = [name for name, _ in NAMES] + ["Other customers"]
    seg = pd.DataFrame({"segment": names, "revenue_share": np.linspace(0.4, 0.01, len(names))})
    ax = plots.plot_bars(seg, "segment", "revenue_share", xlabel="RFM segment", ylabel="Share of revenue (%)",
                         percent=True)
    ticks = ax.get_xticklabels()
    assert [t.get_text().replace("\n", " ") for t in ticks] == names  # every name, whole
    assert {t.get_rotation() for t in ticks} == {0.0}
    english = _overlaps(ticks)
    style.translate_figure(ax.figure)
    chinese = _overlaps(ax.get_xticklabels())
    assert "沉睡的偶购客户" in [t.get_text() for t in ax.get_xticklabels()]
    plt.close(ax.figure)
    assert not english and not chinese, (english, chinese)


def test_bar_labels_on_a_given_axes_are_level_and_wrapped():
    fig, ax = plt.subplots(figsize=(3, 2))
    plots.plot_bars(pd.DataFrame({"k": ["Lapsed occasional buyers", "b"], "v": [1, 2]}), "k", "v", ax=ax)
    assert fig.get_figwidth() == 3  # a figure the caller made keeps its size
    assert ax.get_xticklabels()[0].get_text() == "Lapsed\noccasional\nbuyers"
    plt.close(fig)
