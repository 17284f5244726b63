from kamlib.workbench import envfile
from kamlib.config import ROOT


def test_environment_yml_matches_lockfile():
    assert (ROOT / "environment.yml").read_text() == envfile.render(), "run `make lock` to regenerate environment.yml"


def test_lockfile_pins_every_direct_dependency():
    pinned = {p.split("==")[0].lower().replace("_", "-") for p in envfile.pins()}
    for line in (ROOT / "requirements.in").read_text().splitlines():
        name = line.split("#")[0].strip()
        if name:
            base = name.split("<")[0].split(">")[0].split("=")[0].strip().lower().replace("_", "-")
            assert base in pinned, f"{base} is in requirements.in but not pinned in requirements.lock"
    assert all("==" in p for p in envfile.pins())


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci.splitlines()[-1]
    assert "make test" in readme.split("\n## ")[0]


def test_ci_runs_the_spark_test_every_time():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make spark-deps" in ci and "KAM_REQUIRE_SPARK=1" in ci
    pins = (ROOT / "requirements-spark.lock").read_text()
    assert "pyspark==" in pins and "py4j==" in pins
