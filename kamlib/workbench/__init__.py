"""The workbench: the machinery that turns a study file into a report.

Study schema and validation (:mod:`~kamlib.workbench.study`), the papermill runner
(:mod:`~kamlib.workbench.runner`), the artefact registry (:mod:`~kamlib.workbench.artefacts`),
notebook helpers (:mod:`~kamlib.workbench.notebook`), the report (:mod:`~kamlib.workbench.report`),
the ``kam`` command (:mod:`~kamlib.workbench.cli`) and case scaffolding (:mod:`~kamlib.workbench.cases`).
It knows notebooks, parameters and the manifest, and nothing about marketing; the analysis
modules in :mod:`kamlib` never import it.
"""

__all__: list[str] = []
