"""`kam lab`: JupyterLab on the notebooks, bound to a study.

A notebook opened in JupyterLab runs its ``parameters`` cell, whose values are the default study's.
``kam lab --study FILE`` validates the study, sets ``KAM_STUDY`` (and ``KAM_QUICK``) in the environment of
the Lab server and its kernels, and starts JupyterLab in ``notebooks/``. The first call of every notebook,
:func:`kamlib.workbench.notebook.start`, then replaces the parameters cell's values with the study's for the
sections the notebook declares (as the runner would pass them), so a student runs a notebook top to bottom
on their own data, changes a value in a cell and reruns. The runner's own runs are never rebound (they
pass ``output_dir``). Artefacts of such a session go to ``reports/scratch/<notebook>/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..config import ROOT
from ..errors import KamError

__all__ = ["ENV_QUICK", "ENV_STUDY", "bind", "open_lab"]

#: The environment variable that names the study a Lab session is bound to.
ENV_STUDY = "KAM_STUDY"
#: Set to 1 to bind the study's quick: sizes.
ENV_QUICK = "KAM_QUICK"


def bind(namespace: dict) -> str | None:
    """Replace a notebook's parameters with the bound study's (``$KAM_STUDY``), when it is not run by the runner.

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()`` (its ``notebook`` name and parameter values).

    Returns
    -------
    str or None
        A sentence saying which study the notebook runs on, or None when nothing was bound.
    """
    path = os.environ.get(ENV_STUDY)
    if not path or namespace.get("output_dir") or not namespace.get("notebook"):
        return None
    from . import study as study_mod
    from .runner import notebook_parameters

    quick = os.environ.get(ENV_QUICK) == "1"
    study = study_mod.load(Path(path), quick=quick)
    params = notebook_parameters(namespace["notebook"], study, Path(path).resolve().parent)
    namespace.update(params)
    return (f"Bound to the study {study.name!r} ({path}{', quick sizes' if quick else ''}): the parameters cell's "
            f"values are replaced by the study's ({len(params)} parameters).")


def open_lab(study_file: str | None = None, *, quick: bool = False, browser: bool = True) -> int:
    """Validate the study and start JupyterLab in ``notebooks/`` bound to it; returns Lab's exit code.

    Parameters
    ----------
    study_file : str, optional
        The study YAML (default: ``studies/default.yaml``).
    quick : bool
        Bind the study's ``quick:`` sizes.
    browser : bool
        Open a browser (False: print the address only).

    Returns
    -------
    int
    """
    from . import study as study_mod
    from ..config import DEFAULT_STUDY

    path = Path(study_file).resolve() if study_file else DEFAULT_STUDY
    study = study_mod.load(path, quick=quick)
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        raise KamError("JupyterLab is not installed in this environment; run `make lab` (it installs the "
                       "project's environment first).") from None
    env = dict(os.environ, **{ENV_STUDY: str(path), ENV_QUICK: "1" if quick else "0"})
    print(f"JupyterLab on {ROOT / 'notebooks'}, bound to the study {study.name!r} ({path}); open a notebook and "
          "run it top to bottom (Ctrl-C here stops the server).")
    args = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={ROOT / 'notebooks'}"]
    if not browser:
        args.append("--no-browser")
    return subprocess.call(args, env=env, cwd=str(ROOT))
