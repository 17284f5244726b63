"""What a notebook calls first: its parameters and its artefact registry."""

from __future__ import annotations

from .artefacts import Artefacts
from .config import NOTEBOOKS


def start(notebook: str, namespace: dict) -> Artefacts:
    """Create the notebook's :class:`Artefacts` from the values of its ``parameters`` cell.

    ``namespace`` is the notebook's ``globals()``; only the names declared in
    the parameters cell are taken (``output_dir`` is where to write, not a parameter).
    """
    from .runner import declared_parameters

    declared = declared_parameters(NOTEBOOKS / f"{notebook}.ipynb")
    params = {k: namespace[k] for k in declared if k in namespace and k != "output_dir"}
    return Artefacts(notebook, params, output_dir=namespace.get("output_dir"),
                     language=namespace.get("language", "en"))
