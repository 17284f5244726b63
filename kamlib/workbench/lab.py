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

__all__ = ["ENV_QUICK", "ENV_STUDY", "bind", "lab_arguments", "open_lab"]

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


def open_lab(study_file: str | None = None, *, quick: bool = False, browser: bool = True,
             port: int | None = None) -> int:
    """Validate the study and start JupyterLab in ``notebooks/`` bound to it; returns Lab's exit code.

    Run as root (a container, a cloud notebook host), Jupyter refuses to start unless told
    ``--allow-root``; :func:`lab_arguments` passes it then, and the start says so in one sentence.

    Parameters
    ----------
    study_file : str, optional
        The study YAML (default: ``studies/default.yaml``).
    quick : bool
        Bind the study's ``quick:`` sizes.
    browser : bool
        Open a browser (False: print the address only).
    port : int, optional
        The server's port (default: Jupyter's, 8888 or the next free one).

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
    args = lab_arguments(browser=browser, port=port)
    if "--allow-root" in args:
        print("Running as root (a container or a notebook host): JupyterLab is started with --allow-root.")
    return subprocess.call([sys.executable, "-m", "jupyterlab", *args], env=env, cwd=str(ROOT))


def lab_arguments(*, browser: bool = True, port: int | None = None, root: bool | None = None) -> list[str]:
    """The command-line options ``kam lab`` gives JupyterLab.

    Parameters
    ----------
    browser : bool
        Open a browser (False adds ``--no-browser``).
    port : int, optional
        The server's port.
    root : bool, optional
        Whether the process runs as root (default: the effective user id is 0); Jupyter stops a root
        server unless it is given ``--allow-root``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from kamlib.workbench.lab import lab_arguments
    >>> lab_arguments(browser=False, port=8890, root=True)[1:]
    ['--no-browser', '--port=8890', '--allow-root']
    >>> lab_arguments(root=False)[1:]
    []
    """
    if root is None:
        root = hasattr(os, "geteuid") and os.geteuid() == 0
    args = [f"--notebook-dir={ROOT / 'notebooks'}"]
    if not browser:
        args.append("--no-browser")
    if port is not None:
        args.append(f"--port={int(port)}")
    if root:
        args.append("--allow-root")
    return args
