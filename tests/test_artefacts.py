import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kamlib.workbench.artefacts import Artefacts, sha256
from kamlib.errors import KamError


def _write(folder):
    art = Artefacts("99_test", {"a": 1, "when": "1997-09-30"}, output_dir=folder)
    df = pd.DataFrame({"x": [1, 2, 3], "y": [0.1234567891, 2 / 3, float("nan")]})
    art.table(df, "t_demo", "A demo table.", simulated=True)
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    art.figure(fig, "f_demo", {"en": "A demo figure.", "zh": "示例图"})
    art.record("answer", 42)
    art.close()
    return json.loads((folder / "manifest.part.json").read_text())


def test_artefacts_are_written_and_registered(tmp_path):
    part = _write(tmp_path)
    ids = {a["id"]: a for a in part["artefacts"]}
    assert set(ids) == {"t_demo", "f_demo"}
    for suffix in ("csv", "md", "tex"):
        assert (tmp_path / "tables" / f"t_demo.{suffix}").exists()
    assert (tmp_path / "figures" / "f_demo.png").exists() and (tmp_path / "figures" / "f_demo.svg").exists()
    t = ids["t_demo"]
    assert t["sha256"] == sha256(tmp_path / t["path"])
    assert t["simulated"] is True and "Simulated data" in (tmp_path / "tables/t_demo.md").read_text()
    assert "\\toprule" in (tmp_path / "tables/t_demo.tex").read_text()
    assert ids["f_demo"]["caption"]["zh"] == "示例图"
    assert t["versions"]["pandas"] == pd.__version__
    assert json.loads((tmp_path / "values.json").read_text()) == {"answer": 42}


def test_same_inputs_give_identical_files_and_entries(tmp_path):
    a, b = _write(tmp_path / "a"), _write(tmp_path / "b")
    for name in ["tables/t_demo.csv", "tables/t_demo.md", "tables/t_demo.tex", "figures/f_demo.svg", "figures/f_demo.png"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    strip = lambda p: [{k: v for k, v in e.items() if k != "created"} for e in p["artefacts"]]  # noqa: E731
    assert strip(a) == strip(b)


def test_duplicate_and_bad_ids_are_refused(tmp_path):
    art = Artefacts("99_test", {}, output_dir=tmp_path)
    art.table(pd.DataFrame({"x": [1]}), "one", "x")
    with pytest.raises(KamError, match="used twice"):
        art.table(pd.DataFrame({"x": [1]}), "one", "x")
    with pytest.raises(KamError, match="lower-case"):
        art.table(pd.DataFrame({"x": [1]}), "Bad Id", "x")


def test_a_finding_names_recorded_values_and_every_field(tmp_path):
    art = Artefacts("10_key_accounts", output_dir=tmp_path)
    art.record("gini", 0.66, kind="estimate", label="Gini of revenue")
    art.finding("concentration", "Revenue is concentrated (Gini {gini}; {who}).", evidence="ka_lorenz", priority=10,
                gini=("gini", "estimate"), who=["Key account", "Develop"])
    [f] = art.findings
    assert f["numbers"]["gini"] == {"key": "gini", "kind": "estimate"} and f["priority"] == 10
    assert f["numbers"]["who"] == {"text": "Key account, Develop", "text_zh": "大客户、培育客户"}
    with pytest.raises(KamError, match="was not recorded"):
        art.finding("x", "{share}", share=("top20_revenue_share", "share"))
    with pytest.raises(KamError, match="one number per field"):
        art.recommendation("x", "Contact {n} accounts.", priority=1)
    with pytest.raises(KamError, match="kind"):
        art.limitation("x", "{gini}", gini=("gini", "percent"))


def test_figure_resolution_follows_the_study_and_a_quick_run_previews(tmp_path):
    """PNG pixels are inches x figure_dpi (the other language's copy the same size, at the same dpi); a quick run draws at 100 dpi
    unless the study's quick section sets figure_dpi."""
    from PIL import Image

    from kamlib.workbench.study import QUICK_FIGURE_DPI, load

    widths = {}
    for dpi in (300, 90):
        art = Artefacts("nb", output_dir=tmp_path / str(dpi), figure_dpi=dpi)
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.plot([0, 1])
        art.figure(fig, "f", "caption")
        widths[dpi] = [Image.open(tmp_path / str(dpi) / "figures" / name).size[0] for name in ("f.png", "f.zh.png")]
    assert 3 * 300 < widths[300][0] < 5 * 300  # a 4-inch figure, trimmed to its tight box
    assert widths[300][0] / widths[90][0] == pytest.approx(300 / 90, rel=0.01)
    assert all(zh == pytest.approx(en, rel=0.01) for en, zh in widths.values())  # the Chinese tick labels as legible
    assert Image.open(tmp_path / "90" / "figures" / "f.zh.png").info["dpi"] == pytest.approx((90, 90), rel=0.01)
    assert load().figure_dpi == 300 and load(quick=True).figure_dpi == QUICK_FIGURE_DPI == 100
    study = tmp_path / "s.yaml"
    study.write_text("figure_dpi: 150\nquick: {figure_dpi: 120}\n")
    assert (load(study).figure_dpi, load(study, quick=True).figure_dpi) == (150, 120)
