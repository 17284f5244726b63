import pytest

from kamlib import cli, study
from kamlib.config import DEFAULT_STUDY, NOTEBOOKS
from kamlib.errors import KamError
from kamlib.runner import declared_parameters


def test_default_study_is_valid():
    s = study.load()
    assert s.name == "default"
    assert s.clv.calibration_end.isoformat() == "1997-09-30"


def test_quick_overrides_apply():
    assert study.load(quick=True).transactions.source == "cdnow_sample"
    assert study.load(quick=False).transactions.source == "cdnow"


@pytest.mark.parametrize(
    "override, words",
    [
        ({"clv__calibraton_end": "1997-09-30"}, ["unknown key", "clv.calibraton_end"]),
        ({"colour": "red"}, ["unknown key", "colour"]),
        ({"seed": "abc"}, ["seed", "got 'abc'"]),
        ({"clv__bootstrap": -1}, ["clv.bootstrap"]),
        ({"transactions__source": "data/nowhere.csv"}, ["transactions.source", "does not exist"]),
        ({"clv__holdout_end": "1997-06-30"}, ["clv.holdout_end", "ends before the holdout starts"]),
        ({"notebooks": ["99_magic"]}, ["unknown notebook", "99_magic"]),
        ({"strategy__experiment_source": "data/no_campaign.csv"}, ["strategy.experiment_source", "does not exist"]),
        ({"strategy__experiment_columns__arm": "group"}, ["unknown key", "strategy.experiment_columns.arm"]),
        ({"strategy__programme_source": "studies/default.yaml"}, ["strategy.programme_start must name the first period"]),
    ],
)
def test_bad_study_gives_one_sentence(study_file, override, words):
    path = study_file(**override)
    with pytest.raises(KamError) as err:
        study.load(path)
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg
    for w in words:
        assert w in msg


def test_cli_validate_exits_nonzero_with_one_line(study_file, capsys):
    path = study_file(clv__holdout_end="1997-01-31")
    assert cli.main(["validate", "--study", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1 and "holdout_end" in err


def test_invalid_yaml_names_line(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: x\nclv:\n  unit: W\n bad: [\n", encoding="utf-8")
    with pytest.raises(KamError, match="line"):
        study.load(p)


@pytest.mark.parametrize("nb", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_defaults_equal_default_study(nb):
    """A notebook opened by hand computes the default study: its parameters cell matches the study file."""
    flat = study.load(DEFAULT_STUDY).parameters()
    declared = declared_parameters(nb)
    assert "output_dir" in declared
    unknown = [k for k in declared if k not in flat and k != "output_dir"]
    assert not unknown, f"{nb.name} declares parameters the study cannot set: {unknown}"
    for k, v in declared.items():
        if k != "output_dir":
            assert v == flat[k], f"{nb.name}: default of {k} is {v!r}, the default study says {flat[k]!r}"


def test_title_is_one_text_or_one_per_language(study_file):
    both = study.load(study_file(title={"en": "Key accounts", "zh": "大客户"}, language="zh"))
    assert both.title_for() == "大客户" and both.title_for("en") == "Key accounts"
    only_en = study.load(study_file(title={"en": "Key accounts"}, language="zh"))
    assert only_en.title_for() == "Key accounts"
    assert study.load(study_file(title="One title")).title_for("zh") == "One title"
    with pytest.raises(KamError, match="title"):
        study.load(study_file(title={"fr": "Comptes clés"}))
