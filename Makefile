# kam-workbook. `make help` lists the targets.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STUDIES ?= studies/default.yaml studies/cdnow.yaml
STUDY  ?= studies/default.yaml

.DEFAULT_GOAL := help
.PHONY: help report quick lab test test-fast docs nbval lock bench browser-deps spark-deps r-deps screenshots clean

help: ## list the targets
	@grep -E '^[a-zA-Z_.-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/kam: requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(BIN)/kam

report: $(BIN)/kam ## build the report of every study (default, cdnow; STUDIES=... for others): HTML, Word and PDF, en and zh
	@for s in $(STUDIES); do echo "== $$s"; $(BIN)/kam run --study $$s && $(BIN)/kam report --study $$s --format html,docx,pdf || exit 1; done

quick: $(BIN)/kam ## the report with the study's quick sizes (reports/<study>-quick/)
	$(BIN)/kam run --study $(STUDY) --quick

lab: $(BIN)/kam ## open JupyterLab on the notebooks, bound to a study (STUDY=studies/NAME.yaml; its data, not the parameters cell's)
	$(BIN)/kam lab --study $(STUDY)

test: $(BIN)/kam ## run every test on two workers: unit tests, doctests, the documentation build (-W), and each notebook once per study at quick size
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-fast: $(BIN)/kam ## the unit tests only (no notebook runs, no slow tests), on two workers: under a minute
	$(BIN)/python -m pytest -q -n 2 -m "not notebook and not slow"

docs: $(BIN)/kam ## build the documentation (docs/_build/html/index.html): guide pages and the API reference, warnings as errors
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html

nbval: $(BIN)/kam ## for authors: execute the notebooks as stored, at full size, with nbval (slow)
	$(BIN)/python -m pytest -q --nbval-lax -p no:randomly notebooks

lock: ## re-resolve requirements.in into requirements.lock and environment.yml
	rm -rf /tmp/kam-lock && $(PYTHON) -m venv /tmp/kam-lock
	/tmp/kam-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions for Python 3.11, resolved from requirements.in by \`make lock\`. Do not edit by hand."; \
	  /tmp/kam-lock/bin/pip freeze --all --exclude-editable | grep -v -e "^pip==" -e "^kamlib"; } > requirements.lock
	$(BIN)/python -m kamlib.workbench.envfile > environment.yml

bench: $(BIN)/kam ## speed and memory benchmark against lifetimes, and the whole study on a generated shop log (writes reports/benchmarks/)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/study.py

browser-deps: ## install headless Chromium and a CJK font from Debian (for the tests that open the HTML page in a browser)
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  echo "chromium and a CJK font are already installed"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null \
	  && echo "installed chromium and fonts-noto-cjk"; \
	else echo "no apt-get: install Chromium and a CJK font (Noto Sans CJK) yourself; the browser tests skip without them"; fi

spark-deps: $(BIN)/kam ## install a Java runtime (Debian) and the spark extra, for the Spark test and the cluster path
	@if command -v java >/dev/null 2>&1; then echo "java is already installed"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null \
	  && echo "installed default-jre-headless"; \
	else echo "no apt-get: install a Java runtime (17 or newer) yourself"; exit 2; fi
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-spark.lock

r-deps: ## install R, lavaan, psych and semTools from Debian (the reference implementations the survey tests compare with)
	@if command -v Rscript >/dev/null 2>&1 && Rscript -e 'for (p in c("lavaan", "psych", "semTools")) library(p, character.only = TRUE)' >/dev/null 2>&1; then \
	  echo "R, lavaan, psych and semTools are already installed"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends r-base-core r-cran-lavaan r-cran-psych r-cran-semtools >/dev/null \
	  && echo "installed r-base-core r-cran-lavaan r-cran-psych r-cran-semtools"; \
	else echo "no apt-get: install R with the packages lavaan, psych and semTools yourself"; exit 2; fi

screenshots: $(BIN)/kam ## for authors: refresh the README's screenshots (docs/report.png, docs/report_zh.png) from a quick run
	KAM_SCREENSHOTS=$(CURDIR)/docs $(BIN)/python -m pytest -q -p no:randomly tests/test_report.py -k chromium_as_a_reader

clean: ## remove generated reports (keeps .venv)
	rm -rf reports/default reports/default-quick reports/cdnow reports/cdnow-quick reports/scratch reports/index.html
