"""Survey responses: the simulator, readers for CSV / Qualtrics / 问卷星 (Wenjuanxing) exports, cleaning.

Every reader returns one row per respondent, indexed by the row number the file
shows (header = row 1, or the first data row of a Qualtrics export), with columns:
the instrument's item ids (numbers 1..points, not yet reverse-coded), ``ATT``,
``NPS`` (0-10), the profile questions (option keys such as ``key``/``regular``) and
``duration_seconds``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..config import project_path
from .._results import Result
from ..i18n import Message
from ..errors import ArgumentError, KamError, rows_preview
from ._shared import causal_order
from .instrument import Instrument
from .._io import read_table

__all__ = ["ALL_RULES", "CROSS_SECTIONAL", "Cleaned", "CleaningLimitation", "LISTWISE", "SET_TO_MISSING",
           "TIME_POINTS", "clean", "construct_scores", "mapping_template", "read",
           "simulate", "true_model", "write_example", "write_export"]

# ----------------------------------------------------------------------------- simulator


def true_model(inst: Instrument) -> dict:
    """The documented structural model of the simulation (paths per group, loadings).

    The instrument's ``simulation:`` section gives ``paths`` (outcome -> {predictor: standardised coefficient}, a
    recursive model over the instrument's constructs), ``loading`` (and ``loadings`` per item), the correlation of
    the exogenous constructs (``driver_correlation``), and optionally ``groups``: a profile question whose focal
    group has other paths (``{question, focal, reference, share, extra: {outcome: {predictor: added}}}``).

    Parameters
    ----------
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.

    Returns
    -------
    dict
        ``paths`` (the reference group), ``paths_focal`` (the focal group), ``loadings``, ``driver_correlation``
        and ``groups`` (None without groups).

    Examples
    --------
    >>> from kamlib.survey.responses import true_model
    >>> sorted(true_model(inst))
    ['driver_correlation', 'groups', 'loadings', 'paths', 'paths_focal']
    >>> true_model(inst)["paths_focal"]["SAT"]["SQ"]
    0.5
    """
    sim = inst.simulation
    if not sim.get("paths"):
        raise KamError(f"{inst.path}: the instrument has no simulation.paths, so no answers can be simulated; add "
                       "the simulation section (see data/survey/instrument.yaml) or set survey.source to your answers.")
    paths = {k: dict(v) for k, v in sim["paths"].items()}
    unknown = sorted({c for eq, ps in paths.items() for c in [eq, *ps]} - set(inst.constructs))
    if unknown:
        raise KamError(f"{inst.path}: simulation.paths names {', '.join(unknown)}, which are not constructs of the "
                       "instrument; correct the names.")
    groups = dict(sim["groups"]) if sim.get("groups") else None
    focal_paths = {k: dict(v) for k, v in paths.items()}
    for eq, extra in (groups or {}).get("extra", {}).items():
        for var, add in extra.items():
            focal_paths.setdefault(eq, {})[var] = focal_paths.get(eq, {}).get(var, 0.0) + add
    if groups is not None:
        question = groups.get("question")
        options = list(inst.profile.get(question, {}).get("options", {}))
        if question not in inst.profile or not {groups.get("focal"), groups.get("reference")} <= set(options):
            raise KamError(f"{inst.path}: simulation.groups needs question (a profile question) with focal and "
                           f"reference among its options; it has question {question!r} (options "
                           f"{', '.join(map(str, options)) or 'none'}).")
    _check_simulation(inst, groups)
    loadings = {i: sim.get("loadings", {}).get(i, sim["loading"]) for i in inst.items}
    return {"paths": paths, "paths_focal": focal_paths, "loadings": loadings,
            "driver_correlation": sim["driver_correlation"], "groups": groups}


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _shares(values, options: list, where: str) -> None:
    """One sentence unless ``values`` are one non-negative share per option summing to 1."""
    numbers = [_number(v) for v in values] if isinstance(values, (list, tuple)) else None
    if numbers is None or len(numbers) != len(options) or any(v is None or v < 0 for v in numbers):
        raise KamError(f"{where} needs one share (a number from 0 to 1) per option ({', '.join(map(str, options))}); "
                       f"it has {values!r}.")
    if abs(sum(numbers) - 1) > 1e-6:
        raise KamError(f"{where} has shares summing to {sum(numbers):g}; they must sum to 1, one per option "
                       f"({', '.join(map(str, options))}).")


def _check_simulation(inst: Instrument, groups: dict | None) -> None:
    """The simulation section's inputs, each refused in one sentence naming the file and key: loadings within
    [-1, 1] on known items, thresholds increasing, the groups' share and added paths, the profile shares (one per
    option, summing to 1, per group where given), the NPS construct and spread, the defect rates."""
    sim, where = inst.simulation, f"{inst.path}: simulation"
    constructs = set(inst.constructs)
    for key, value in [("loading", sim.get("loading")), *((f"loadings.{i}", v) for i, v in
                                                           (sim.get("loadings") or {}).items())]:
        if key.startswith("loadings.") and key[9:] not in inst.items:
            raise KamError(f"{where}.{key} names an item the instrument does not have; correct the item id.")
        v = _number(value)
        if v is None or not -1 <= v <= 1:
            raise KamError(f"{where}.{key} is {value!r}; a standardised loading lies between -1 and 1.")
    rho = _number(sim.get("driver_correlation"))
    if rho is None or not -1 < rho < 1:
        raise KamError(f"{where}.driver_correlation is {sim.get('driver_correlation')!r}; give a correlation "
                       "between -1 and 1.")
    k = len([c for c in inst.constructs if c not in (sim.get("paths") or {})])
    if k > 1 and rho <= -1 / (k - 1):
        raise KamError(f"{where}.driver_correlation is {rho:g}, too negative for {k} exogenous constructs to be "
                       f"correlated equally; give a value above {-1 / (k - 1):.3g}.")
    cuts = [_number(v) for v in sim.get("thresholds") or []]
    if not cuts or any(v is None for v in cuts):
        raise KamError(f"{where}.thresholds is {sim.get('thresholds')!r}; give {inst.points - 1} numbers, the cut "
                       "points between the answer categories.")
    if any(b <= a for a, b in zip(cuts, cuts[1:])):
        raise KamError(f"{where}.thresholds is {sim['thresholds']}, which does not increase; each cut point must "
                       "lie above the one before (for example [-1.6, -0.7, 0.2, 1.2]).")
    if groups is not None:
        share = _number(groups.get("share", 0.0))
        if share is None or not 0 <= share <= 1:
            raise KamError(f"{where}.groups.share is {groups.get('share')!r}; give the focal group's share of "
                           "respondents, from 0 to 1.")
        for outcome, extra in (groups.get("extra") or {}).items():
            unknown = sorted({outcome, *(extra or {})} - constructs)
            if unknown:
                raise KamError(f"{where}.groups.extra names {', '.join(unknown)}, which are not constructs of the "
                               f"instrument ({', '.join(inst.constructs)}); correct the names.")
    for question, shares in (sim.get("profile") or {}).items():
        if question not in inst.profile:
            raise KamError(f"{where}.profile.{question} is not a profile question of the instrument (it has "
                           f"{', '.join(inst.profile) or 'none'}); correct the name.")
        options = list(inst.profile[question].get("options", {}))
        if isinstance(shares, dict):
            for group, values in shares.items():
                _shares(values, options, f"{where}.profile.{question}.{group}")
        else:
            _shares(shares, options, f"{where}.profile.{question}")
    nps = sim.get("nps") or {}
    unknown = sorted(set(nps) - {"construct", "mean", "slope", "sd"})
    if unknown:
        raise KamError(f"{where}.nps has {', '.join(unknown)}; it takes construct, mean, slope and sd.")
    if "construct" in nps and nps["construct"] not in constructs:
        raise KamError(f"{where}.nps.construct is {nps['construct']!r}, which is not a construct of the instrument "
                       f"({', '.join(inst.constructs)}); name the construct NPS answers follow.")
    for key in ("mean", "slope", "sd"):
        if key in nps and (_number(nps[key]) is None or (key == "sd" and _number(nps[key]) < 0)):
            raise KamError(f"{where}.nps.{key} is {nps[key]!r}; give a number" + (" of at least 0." if key == "sd"
                                                                                  else "."))
    for key, rate in (sim.get("defects") or {}).items():
        v = _number(rate)
        if v is None or not 0 <= v <= 1:
            raise KamError(f"{where}.defects.{key} is {rate!r}; give a share of respondents from 0 to 1.")


def _causal_order(paths: dict, constructs: list[str], where) -> list[str]:
    """The endogenous constructs in an order in which each comes after its predictors (instrument order among
    equals)."""
    return causal_order([(p, c) for c, ps in paths.items() for p in ps], outcomes=list(paths), among=constructs,
                        where=f"{where}: simulation.paths")


def simulate(inst: Instrument, n: int = 800, *, seed: int = 0, defects: bool = True, likert: bool = True,
             focal_share: float | None = None) -> pd.DataFrame:
    """Draw ``n`` simulated respondents from the instrument's documented structural model.

    The exogenous constructs (those no path leads to) are standard normal with equal correlations
    (``driver_correlation``); each other construct, in causal order, is its ``paths`` times its predictors plus a
    normal residual whose variance makes it standardised in the reference group (the focal group of
    ``simulation.groups`` adds its ``extra`` paths). Items are ``loading * factor + noise`` with unit variance, cut
    into categories at ``thresholds``; a reverse-keyed item is answered on the mirrored scale (``points + 1 -
    answer``), as a respondent who agrees with the construct disagrees with its negative wording, so that after
    reverse-coding it agrees with its construct as in real data (the thresholds are not symmetric, so a negative
    loading alone would leave it skewed the wrong way). NPS answers follow one construct (``simulation.nps``:
    ``construct``, ``mean``, ``slope``, ``sd``; default the last construct in causal order, 7.2 + 2.0 x construct
    + N(0, 1), rounded into 0-10); profile answers are drawn with the shares ``simulation.profile`` gives (a list,
    or one list per group of ``groups``), else uniformly. With ``defects``, missing answers, straight-liners,
    speeders and failed attention checks are added at the documented rates.

    Parameters
    ----------
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    n : int
        Respondents.
    seed : int
        Random seed.
    defects : bool
        Add the documented defects.
    likert : bool
        Cut items into scale points (False keeps continuous values, for tests).
    focal_share : float, optional
        Share of the focal group of ``simulation.groups`` (default: the instrument's ``share``).

    Returns
    -------
    DataFrame
        One row per respondent: ``respondent_id``, the items, ``ATT``, ``NPS``, the profile answers and
        ``duration_seconds``.

    References
    ----------
    Muthén, L. K. & Muthén, B. O. (2002). How to use a Monte Carlo study to decide on sample size and determine power. *SEM*, 9(4), 599-620.

    Examples
    --------
    >>> from kamlib.survey.responses import simulate
    >>> simulate(inst, 100, seed=1).shape[0]
    100
    """
    sim = inst.simulation
    truth = true_model(inst)
    rng = np.random.default_rng(seed)
    constructs = list(inst.constructs)
    groups = truth["groups"]
    share = (groups or {}).get("share", 0.0) if focal_share is None else focal_share
    focal = rng.random(n) < share if groups else np.zeros(n, bool)
    exogenous = [c for c in constructs if c not in truth["paths"]]
    k = len(exogenous)
    rho = truth["driver_correlation"]
    phi = np.full((k, k), rho) + np.eye(k) * (1 - rho)
    # Cholesky, not numpy's default SVD: the SVD's signs and rotation follow the CPU's BLAS kernels, so the same
    # seed gave other answers on a machine with AVX-512; the Cholesky factor is unique
    xi = rng.multivariate_normal(np.zeros(k), phi, size=n, method="cholesky")
    lat = pd.DataFrame(xi, columns=exogenous)
    cov = pd.DataFrame(phi, index=exogenous, columns=exogenous)
    for c in _causal_order(truth["paths"], constructs, inst.path):
        preds = list(dict.fromkeys([*truth["paths"][c], *truth["paths_focal"].get(c, {})]))
        b = np.array([truth["paths"][c].get(p, 0.0) for p in preds])
        b_focal = np.array([truth["paths_focal"][c].get(p, 0.0) for p in preds])
        s = cov.loc[preds, preds].to_numpy()
        explained = float(b @ s @ b)
        if explained >= 1:
            raise KamError(f"{inst.path}: simulation.paths of {c} explain {explained:.2f} of its standardised "
                           "variance (at most just under 1); lower its coefficients.")
        x = lat[preds].to_numpy()
        lat[c] = np.where(focal, x @ b_focal, x @ b) + rng.normal(0, np.sqrt(1 - explained), n)
        row = cov.loc[:, preds].to_numpy() @ b
        cov.loc[c] = row
        cov[c] = np.append(row, 1.0)

    out = pd.DataFrame(index=pd.RangeIndex(2, n + 2))
    cuts = np.array(sim["thresholds"], float)
    if likert and len(cuts) != inst.points - 1:
        raise KamError(f"{inst.path}: simulation.thresholds has {len(cuts)} cut points; a {inst.points}-point "
                       f"scale needs {inst.points - 1}.")
    for c, items in inst.constructs.items():
        for item in items:
            lam = truth["loadings"][item]
            x = lam * lat[c].to_numpy() + rng.normal(0, np.sqrt(1 - lam ** 2), n)
            answer = (1 + (x[:, None] > cuts[None, :]).sum(axis=1)) if likert else x
            if item in inst.reverse_items:  # worded against the construct: answered on the mirrored scale, so that
                answer = (inst.points + 1 - answer) if likert else -answer  # reverse-coding restores the construct
            out[item] = answer
    out["ATT"] = inst.attention["expected"]
    nps = {"construct": _causal_order(truth["paths"], constructs, inst.path)[-1], "mean": 7.2, "slope": 2.0,
           "sd": 1.0, **sim.get("nps", {})}
    out["NPS"] = np.clip(np.round(nps["mean"] + nps["slope"] * lat[nps["construct"]].to_numpy()
                                  + rng.normal(0, nps["sd"], n)), 0, 10).astype(int)
    shares = sim.get("profile", {})
    for question, spec in inst.profile.items():
        options = list(spec["options"])
        if groups and question == groups["question"]:
            out[question] = np.where(focal, groups["focal"], groups["reference"])
        elif isinstance(shares.get(question), dict):
            by_group = shares[question]
            if not groups or set(by_group) != {groups["focal"], groups["reference"]}:
                raise KamError(f"{inst.path}: simulation.profile.{question} gives shares per group, which needs "
                               "simulation.groups and one list for its focal and reference groups.")
            out[question] = np.where(focal, rng.choice(options, n, p=by_group[groups["focal"]]),
                                     rng.choice(options, n, p=by_group[groups["reference"]]))
        else:
            out[question] = rng.choice(options, size=n, p=shares.get(question))
    out["duration_seconds"] = np.round(sim["median_seconds"] * np.exp(rng.normal(0, 0.35, n))).astype(int)
    out.insert(0, "respondent_id", [f"R{i:05d}" for i in range(1, n + 1)])
    if defects and likert:
        d = sim["defects"]
        items = inst.items
        rows = rng.permutation(n)
        n_str, n_spd, n_att = (int(round(d[k_] * n)) for k_ in ("straightliners", "speeders", "attention_fail"))
        idx = out.index
        straight = idx[rows[:n_str]]
        speed = idx[rows[n_str:n_str + n_spd]]
        att = idx[rows[n_str + n_spd:n_str + n_spd + n_att]]
        out.loc[straight, items] = np.repeat(rng.integers(4, inst.points + 1, len(straight))[:, None], len(items), axis=1)
        out.loc[speed, items] = rng.integers(1, inst.points + 1, (len(speed), len(items)))
        out.loc[speed, "duration_seconds"] = rng.integers(25, sim["speeder_seconds"], len(speed))
        wrong = [v for v in range(1, inst.points + 1) if v != inst.attention["expected"]]
        out.loc[att, "ATT"] = rng.choice(wrong, len(att))
        mask = rng.random((n, len(items))) < d["missing"]
        out[items] = out[items].astype(float).mask(mask)
    return out


# ----------------------------------------------------------------------------- platform formats


def _qualtrics_codes(inst: Instrument) -> dict[str, str]:
    codes = {}
    for k, items in enumerate(inst.constructs.values(), 1):
        for j, item in enumerate(items, 1):
            codes[item] = f"Q{k}_{j}"
    codes.update({"ATT": "Q_ATT", "NPS": "Q_NPS", **{p: f"Q_{p}" for p in inst.profile}})
    return codes


def _wjx_headers(inst: Instrument) -> dict[str, str]:
    heads, n = {}, 0
    for item in inst.items + ["ATT"]:
        n += 1
        heads[item] = f"{n}、{inst.item_text(item, 'zh')}"
    heads["NPS"] = f"{n + 1}、{inst.nps['zh']}"
    for k, (p, q) in enumerate(inst.profile.items(), n + 2):
        heads[p] = f"{k}、{q['zh']}"
    return heads


def mapping_template(inst: Instrument, fmt: str) -> dict:
    """A mapping file for an export of format ``"qualtrics"`` or ``"wjx"`` made from this instrument.

    Parameters
    ----------
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    fmt : {"qualtrics", "wjx"}
        The platform.

    Returns
    -------
    dict
        ``columns`` (export header to item) and answer labels.

    Examples
    --------
    >>> from kamlib.survey.responses import mapping_template
    >>> sorted(mapping_template(inst, "wjx"))
    ['columns', 'duration_column', 'format', 'id_column']
    """
    if fmt == "qualtrics":
        cols = {v: k for k, v in _qualtrics_codes(inst).items()}
        return {"format": "qualtrics", "id_column": "ResponseId", "duration_column": "Duration (in seconds)",
                "columns": cols}
    if fmt == "wjx":
        cols = {v: k for k, v in _wjx_headers(inst).items()}
        return {"format": "wjx", "id_column": "序号", "duration_column": "所用时间", "columns": cols}
    raise KamError(f"Unknown survey format {fmt!r}; use csv, qualtrics or wjx.")


def write_export(df: pd.DataFrame, path: str | Path, inst: Instrument, fmt: str, *, encoding: str | None = None) -> Path:
    """Write responses as a Qualtrics CSV (three header rows) or a 问卷星 export (Chinese headers, text answers).

    Parameters
    ----------
    df : DataFrame
        Responses (as :func:`simulate` gives).
    path : str or Path
        Output file.
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    fmt : {"csv", "qualtrics", "wjx"}
        The format.
    encoding : str, optional
        Codec (default: UTF-8 with BOM; 问卷星 exports GBK).

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.survey.responses import simulate, write_export
    >>> path = write_export(simulate(inst, 20, seed=1), Path(tempfile.mkdtemp()) / "wjx.csv", inst, "wjx")
    >>> path.name
    'wjx.csv'
    """
    path = Path(path)
    labels_zh = inst.labels("zh")
    if fmt == "qualtrics":
        codes = _qualtrics_codes(inst)
        body = pd.DataFrame({"StartDate": "2024-03-01 10:00:00", "EndDate": "2024-03-01 10:07:00",
                             "Duration (in seconds)": df["duration_seconds"].to_numpy(),
                             "ResponseId": df["respondent_id"].to_numpy()})
        for item, code in codes.items():
            col = df[item]
            if item in inst.profile:
                col = col.map({k: v["en"] for k, v in inst.profile[item]["options"].items()})
            else:
                col = col.astype("Int64")
            body[code] = col.to_numpy()
        text = ["Start Date", "End Date", "Duration (in seconds)", "Response ID"] + [
            inst.nps["en"] if i == "NPS" else inst.profile[i]["en"] if i in inst.profile else inst.item_text(i, "en")
            for i in codes]
        imports = ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"duration"}',
                   '{"ImportId":"_recordId"}'] + [json.dumps({"ImportId": f"QID{c[1:]}"}) for c in codes.values()]
        header = pd.DataFrame([text, imports], columns=body.columns)
        pd.concat([header, body.astype(object)], ignore_index=True).to_csv(
            path, index=False, encoding=encoding or "utf-8", lineterminator="\n")
        return path
    if fmt == "wjx":
        heads = _wjx_headers(inst)
        body = pd.DataFrame({"序号": range(1, len(df) + 1), "提交答卷时间": "2024/3/1 10:07:00",
                             "所用时间": [f"{int(s)}秒" for s in df["duration_seconds"]]})
        for item, head in heads.items():
            col = df[item]
            if item in inst.items or item == "ATT":
                col = col.map(lambda v: labels_zh[int(v) - 1] if pd.notna(v) else "")
            elif item in inst.profile:
                col = col.map({k: v["zh"] for k, v in inst.profile[item]["options"].items()})
            body[head] = col.to_numpy()
        body.to_csv(path, index=False, encoding=encoding or "utf-8-sig", lineterminator="\n")
        return path
    raise KamError(f"Unknown survey format {fmt!r}; use qualtrics or wjx.")


def write_example(inst: Instrument, fmt: str, path: str | Path, *, n: int = 800, seed: int = 0) -> Path:
    """Simulated respondents (with defects) written as a plain CSV or a platform export: a file to try the readers on.

    Parameters
    ----------
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    fmt : {"csv", "qualtrics", "wjx"}
        The format.
    path : str or Path
        Output file.
    n : int
        Respondents.
    seed : int
        Random seed.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.survey.responses import write_example
    >>> write_example(inst, "qualtrics", Path(tempfile.mkdtemp()) / "example.csv", n=50).suffix
    '.csv'
    """
    df = simulate(inst, n, seed=seed)
    if fmt == "csv":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n")
        return Path(path)
    return write_export(df, path, inst, fmt)


def _answer_codes(inst: Instrument) -> dict[str, int]:
    codes = {}
    for lang in ("en", "zh"):
        for k, label in enumerate(inst.labels(lang), 1):
            codes[label] = k
    return codes


def read(path: str | Path, inst: Instrument, *, fmt: str = "csv", mapping: str | Path | dict | None = None,
         encoding: str = "auto") -> pd.DataFrame:
    """Read survey responses from a plain CSV, a Qualtrics CSV or a 问卷星 export.

    Text answers (e.g. "非常同意" or "Strongly agree") become numbers through the instrument's scale labels;
    profile answers become option keys. An answer that matches no label stays as text and is caught by
    :func:`clean`.

    Parameters
    ----------
    path : str or Path
        The export.
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    fmt : {"csv", "qualtrics", "wjx"}
        The format.
    mapping : str, Path or dict, optional
        Export column to item (default: :func:`mapping_template`).
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.

    Returns
    -------
    DataFrame
        One row per respondent with the instrument's item names.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.survey.responses import read, write_example
    >>> path = write_example(inst, "wjx", Path(tempfile.mkdtemp()) / "wjx.csv", n=30)
    >>> len(read(path, inst, fmt="wjx"))
    30
    """
    path = Path(path)
    raw = read_table(path, encoding=encoding)
    if fmt == "qualtrics":
        raw = raw.iloc[2:]  # question text and ImportId rows
        raw.index = pd.RangeIndex(4, len(raw) + 4)
    else:
        raw.index = pd.RangeIndex(2, len(raw) + 2)
    if fmt == "csv" and mapping is None:
        m = {"columns": {c: c for c in raw.columns}, "id_column": "respondent_id", "duration_column": "duration_seconds"}
    else:
        if mapping is None:
            m = mapping_template(inst, fmt)
        elif isinstance(mapping, dict):
            m = mapping
        else:
            mpath = project_path(mapping)
            if not mpath.exists():
                raise ArgumentError(f"Survey mapping file {mapping} does not exist; check the path passed as mapping "
                                    "(templates: data/survey/qualtrics_mapping.yaml, data/survey/wjx_mapping.yaml).",
                                    argument="mapping")
            try:
                m = yaml.safe_load(mpath.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                raise ArgumentError(f"Survey mapping file {mapping} is not valid YAML"
                                    f"{f' at line {mark.line + 1}' if mark else ''}; fix the quoting or brackets there "
                                    "(compare data/survey/wjx_mapping.yaml).", argument="mapping") from None
            except UnicodeDecodeError:
                raise ArgumentError(f"Survey mapping file {mapping} is not UTF-8 text; save it as UTF-8.",
                                    argument="mapping") from None
    if not isinstance(m, dict) or not isinstance(m.get("columns"), dict):
        raise ArgumentError(f"Survey mapping {mapping or '(template)'} has no 'columns:' mapping of export headers to "
                            "items; start from data/survey/wjx_mapping.yaml or qualtrics_mapping.yaml.",
                            argument="mapping")
    cols = m["columns"]
    needed = inst.items + ["ATT"]
    present = {v: k for k, v in cols.items() if k in raw.columns}
    missing = [i for i in needed if i not in present]
    if missing:
        raise KamError(f"{path} has no column for item {missing[0]}"
                       f"{' (' + str(len(missing)) + ' items missing)' if len(missing) > 1 else ''}; "
                       f"map it in the survey mapping file (columns: '<header in the file>': {missing[0]}).")
    out = pd.DataFrame(index=raw.index)
    idc = m.get("id_column")
    out["respondent_id"] = raw[idc].astype(str) if idc in raw.columns else [f"row{i}" for i in raw.index]
    codes = _answer_codes(inst)
    for target, source in present.items():
        col = raw[source]
        if target in needed or target == "NPS":
            num = pd.to_numeric(col, errors="coerce")
            text = col.astype("string").str.strip()
            mapped = pd.to_numeric(text.map(codes), errors="coerce").astype(float)
            value = num.astype(float).where(num.notna(), mapped)
            bad = col.notna() & value.isna()
            if bad.any():  # unmapped text stays visible for clean(), which names it
                value = value.astype(object)
                value[bad] = text[bad].astype(object)
            out[target] = value
        elif target in inst.profile:
            opts = {v[lang]: k for k, v in inst.profile[target]["options"].items() for lang in ("en", "zh")}
            opts.update({k: k for k in inst.profile[target]["options"]})
            out[target] = col.map(lambda v: opts.get(str(v).strip(), v) if pd.notna(v) else v)
    dcol = m.get("duration_column")
    if dcol in raw.columns:
        out["duration_seconds"] = pd.to_numeric(raw[dcol].astype(str).str.extract(r"(\d+(?:\.\d+)?)")[0], errors="coerce")
    return out


# ----------------------------------------------------------------------------- cleaning


@dataclass(frozen=True)
class Cleaned(Result):
    """The cleaned answers (:func:`clean`) and what the cleaning did.

    Attributes
    ----------
    data : DataFrame
        The respondents kept, items reverse-coded.
    report : DataFrame
        Respondents removed per rule (``rule``, ``removed``, ``remaining``, ``flagged_answers``), in the order the
        rules apply, and a last row for all rules.
    missing_items : DataFrame
        Share of missing answers per item after cleaning.
    n_read : int
        Respondents read, before any rule (count).
    n_complete : int
        Of the respondents kept, those who answered every item (count): the factor and structural models use them.
    items : tuple of str
        The instrument's items (the columns a complete case answers).
    """

    data: pd.DataFrame
    report: pd.DataFrame
    missing_items: pd.DataFrame
    n_read: int = 0
    n_complete: int = 0
    items: tuple = ()

    @property
    def complete(self) -> pd.DataFrame:
        """The kept respondents who answered every item (:attr:`n_complete` rows): the factor models' cases, which
        the reliability table also uses so that every statistic has one n."""
        return self.data[self.data[list(self.items)].notna().all(axis=1)] if self.items else self.data

    @property
    def n_removed(self) -> int:
        """Respondents the cleaning rules removed (count): :attr:`n_read` minus those kept."""
        return self.n_read - len(self.data)

    def removed_by(self):
        """Which rules removed how many respondents, as one phrase (a :class:`~kamlib.i18n.Message`; "" when none
        did), so a report never shows the counts read and analysed unexplained. The rules are the report's rows that
        remove respondents: not the row that sets invalid answers to missing (:data:`SET_TO_MISSING`), nor the row of
        all rules (:data:`ALL_RULES`), wherever they stand.

        Examples
        --------
        >>> from kamlib.survey.responses import clean, simulate
        >>> cleaned = clean(simulate(inst, 200, seed=1), inst, min_seconds=90)
        >>> cleaned.n_read, len(cleaned.data) + cleaned.n_removed
        (200, 200)
        >>> str(cleaned.removed_by()).startswith("6 by the rule 'failed attention check'")
        True
        """
        from ..i18n import Message, join, made

        not_rules = {SET_TO_MISSING, str(Message(ALL_RULES, "phrase", n=self.n_read))}
        rules = self.report[~self.report["rule"].astype(str).isin(not_rules)]
        # a rule with a number (the speeders' seconds) is a Message, found again by its text (pandas keeps str)
        return join([Message("{n} by the rule '{rule}'", "phrase", n=int(r["removed"]),
                             rule=made(str(r["rule"])) or Message(str(r["rule"]), "value"))
                     for _, r in rules.iterrows() if int(r["removed"])])

    def limitation(self, **numbers) -> CleaningLimitation | None:
        """The cleaning's limitation sentence, when the counts read, analysed and modelled differ: its template (the
        rules removed respondents, some of those kept did not answer every item, or both) and, of ``numbers``, the
        ones its fields name; None when every respondent read is analysed and answered every item. The rules that
        removed respondents (``{rules}``) are :meth:`removed_by`'s.

        Parameters
        ----------
        **numbers
            One value per field a template may name, as :meth:`kamlib.workbench.artefacts.Artefacts.limitation`
            takes them: ``read`` (:attr:`n_read`), ``kept`` (the respondents analysed), ``removed``
            (:attr:`n_removed`), ``complete`` (:attr:`n_complete`) and ``source``.

        Returns
        -------
        CleaningLimitation or None
            Unpacks as ``template, numbers``: ``art.limitation("survey_cleaning", template, **numbers)`` declares it.

        Examples
        --------
        >>> from kamlib.survey.responses import clean, simulate
        >>> cleaned = clean(simulate(inst, 200, seed=1), inst, min_seconds=90)
        >>> template, fields = cleaned.limitation(read=200, kept=len(cleaned.data), removed=cleaned.n_removed,
        ...                                       complete=cleaned.n_complete, source="simulated responses")
        >>> template.startswith("Of the {read} survey respondents read"), sorted(fields)
        (True, ['complete', 'kept', 'read', 'removed', 'rules', 'source'])
        """
        partial = self.n_complete < len(self.data)
        if self.n_removed and partial:
            template = ("Of the {read} survey respondents read ({source}), {kept} are analysed: the cleaning rules "
                        "removed {removed} ({rules}); the factor and structural models use the {complete} who "
                        "answered every item.")
        elif self.n_removed:
            template = ("Of the {read} survey respondents read ({source}), {kept} are analysed: the cleaning rules "
                        "removed {removed} ({rules}).")
        elif partial:
            template = ("All {read} survey respondents read ({source}) are analysed ({kept}); the factor and "
                        "structural models use the {complete} who answered every item.")
        else:
            return None
        given = dict(numbers, rules=self.removed_by())
        return CleaningLimitation(template, {k: given[k] for k in ("read", "source", "kept", "removed", "rules",
                                                                   "complete") if "{" + k + "}" in template})

    @property
    def incomplete_share(self) -> float:
        """Of the respondents kept, the share who left at least one item unanswered (a fraction): the models' listwise
        deletion leaves them out (:attr:`n_complete` are kept). 0 when nobody is kept."""
        return 1 - self.n_complete / len(self.data) if len(self.data) else 0.0

    def listwise_limitation(self, **numbers) -> CleaningLimitation | None:
        """The limitation of listwise deletion, when some respondents analysed left an item unanswered: the share
        the factor and structural models leave out, the assumption that makes this harmless (answers missing
        completely at random) and what would avoid it; None when every respondent analysed answered every item.

        Parameters
        ----------
        **numbers
            As :meth:`limitation`: ``share`` (:attr:`incomplete_share`), ``complete`` (:attr:`n_complete`),
            ``kept`` (the respondents analysed) and ``source``.

        Returns
        -------
        CleaningLimitation or None
            Unpacks as ``template, numbers``: ``art.limitation("survey_listwise", template, **numbers)``.

        References
        ----------
        Rubin, D. B. (1976). Inference and missing data. *Biometrika*, 63(3), 581-592 (missing completely at random).

        Examples
        --------
        >>> from kamlib.survey.responses import clean, simulate
        >>> cleaned = clean(simulate(inst, 200, seed=1), inst, min_seconds=90)
        >>> template, fields = cleaned.listwise_limitation(share=cleaned.incomplete_share, complete=cleaned.n_complete,
        ...                                                kept=len(cleaned.data), source="simulated responses")
        >>> "missing completely at random" in template, sorted(fields)
        (True, ['complete', 'kept', 'share', 'source'])
        """
        if self.n_complete >= len(self.data):
            return None
        return CleaningLimitation(LISTWISE, {k: numbers[k] for k in ("share", "complete", "kept", "source")})

    @property
    def cross_sectional(self) -> bool:
        """Whether the answers are cross-sectional: one answer per respondent (no respondent id twice) and no time
        point (no ``wave`` column and no column of dates). Every reader of this module returns such answers."""
        ids = self.data["respondent_id"] if "respondent_id" in self.data else None
        dated = [c for c in self.data.columns
                 if str(c).lower() in TIME_POINTS or pd.api.types.is_datetime64_any_dtype(self.data[c])]
        return (ids is None or ids.dropna().is_unique) and not dated

    def design_limitation(self, **numbers) -> CleaningLimitation | None:
        """The limitation of a cross-sectional survey (:attr:`cross_sectional`) with one informant per account: its
        paths are associations, not causal effects, and its design cannot rule out common-method variance; None
        when the answers have time points or several answers per respondent.

        Parameters
        ----------
        **numbers
            ``source`` (where the answers come from).

        Returns
        -------
        CleaningLimitation or None
            Unpacks as ``template, numbers``: ``art.limitation("survey_design", template, **numbers)``.

        References
        ----------
        Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
        research. *Journal of Applied Psychology*, 88(5), 879-903.

        Examples
        --------
        >>> from kamlib.survey.responses import clean, simulate
        >>> cleaned = clean(simulate(inst, 200, seed=1), inst, min_seconds=90)
        >>> template, fields = cleaned.design_limitation(source="simulated responses")
        >>> cleaned.cross_sectional, template.startswith("The survey is cross-sectional"), sorted(fields)
        (True, True, ['source'])
        """
        if not self.cross_sectional:
            return None
        return CleaningLimitation(CROSS_SECTIONAL, {"source": numbers["source"]})


@dataclass(frozen=True)
class CleaningLimitation(Result):
    """:meth:`Cleaned.limitation`'s result; unpacks as ``template, numbers``.

    Attributes
    ----------
    template : str
        The sentence's English template (its Chinese: the catalogue's ``finding`` entry).
    numbers : dict
        One value per field of the template.
    """

    template: str
    numbers: dict
    unpack = ("template", "numbers")


#: The columns that would make answers a panel (time points): a survey wave, a date (:attr:`Cleaned.cross_sectional`).
TIME_POINTS = ("wave", "time_point", "date")
#: The limitation of listwise deletion (:meth:`Cleaned.listwise_limitation`; its Chinese: the catalogue's ``finding``).
LISTWISE = ("The factor and structural models and the hypothesis tests on construct scores use only the {complete} "
            "complete cases of the {kept} respondents analysed ({source}): listwise deletion leaves out the {share} "
            "who skipped an item, which is harmless only if the answers are missing completely at random (Rubin 1976); "
            "full-information maximum likelihood or multiple imputation would use every answer, or a questionnaire "
            "that leaves fewer answers missing would keep them.")
#: The limitation of a cross-sectional survey with one informant per account (:meth:`Cleaned.design_limitation`).
CROSS_SECTIONAL = ("The survey is cross-sectional ({source}): each respondent answers once, at no second time point, "
                   "and one informant answers for each account, both the drivers and the outcomes; the structural "
                   "paths are therefore associations, not causal effects, and the design cannot rule out "
                   "common-method variance (Podsakoff et al. 2003); a second wave of the same accounts, or outcomes "
                   "taken from another source such as the accounts' purchases, would address both.")
#: The first row of a cleaning report (:attr:`Cleaned.report`): invalid answers set to missing, nobody removed.
SET_TO_MISSING = "out-of-range or unmapped answers set to missing"
#: The last row of a cleaning report: every rule together (a phrase with the respondents read, ``n``).
ALL_RULES = "all rules (of {n} respondents)"


def clean(df: pd.DataFrame, inst: Instrument, *, min_seconds: float = 120, on_invalid: str = "error",
          max_missing: float = 0.2, where: str = "the survey data", min_respondents: int | None = None) -> Cleaned:
    """Apply the cleaning rules in order and reverse-code; the report says what each rule removed.

    1. out-of-range or unmapped answers: an error naming the item, rows and values (``on_invalid="error"``),
       or set to missing and counted (``"flag"``); 2. failed attention check; 3. speeders
       (``duration_seconds < min_seconds``); 4. straight-liners (the same answer to every item, reverse-coded
       ones included); 5. more than ``max_missing`` of the items unanswered.

    The run stops (one sentence naming the rule that removed most) when fewer than
    ``min_respondents`` are left, and when an item has one answer from everyone left (a constant
    item has no variance: reliability, factor analysis and SEM cannot use it).

    Parameters
    ----------
    df : DataFrame
        Responses from :func:`read` or :func:`simulate`.
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.
    min_seconds : float
        Speeder threshold.
    on_invalid : {"error", "flag"}
        What an invalid answer does.
    max_missing : float
        Largest share of unanswered items kept.
    where : str
        Names the data in errors.
    min_respondents : int, optional
        Fewest respondents the analyses need (default: 30, or one more than the items if that is more).

    Returns
    -------
    Cleaned
        ``data`` (reverse-coded), ``report`` (respondents removed per rule) and ``missing_items``.

    References
    ----------
    Meade, A. W. & Craig, S. B. (2012). Identifying careless responses in survey data. *Psychological Methods*, 17(3), 437-455.

    Examples
    --------
    >>> from kamlib.survey.responses import clean, simulate
    >>> cleaned = clean(simulate(inst, 200, seed=1), inst)
    >>> len(cleaned.data) < 200  # the simulated defects (speeders, failed attention checks) are removed
    True
    """
    if on_invalid not in {"error", "flag"}:
        raise KamError(f"survey.on_invalid must be 'error' or 'flag', not {on_invalid!r}.")
    items = inst.items
    data = df.copy()
    rows = []
    flagged = 0
    for col, lo, hi in [(i, 1, inst.points) for i in items + ["ATT"]] + [("NPS", 0, 10)]:
        if col not in data:
            continue
        num = pd.to_numeric(data[col], errors="coerce")
        bad = data[col].notna() & (num.isna() | (num < lo) | (num > hi) | (num != np.round(num)))
        if bad.any():
            vals = ", ".join(sorted({str(v) for v in data.loc[bad, col]})[:5])
            if on_invalid == "error":
                raise KamError(f"{where}: item {col} has answers outside {lo}-{hi} or not on the scale ({vals}) "
                               f"in {rows_preview(data.index[bad])}; correct them, map the text in the mapping "
                               "file, or set survey.on_invalid: flag to treat them as missing.")
            flagged += int(bad.sum())
            num = num.mask(bad)
        data[col] = num
    rows.append({"rule": SET_TO_MISSING, "removed": 0,
                 "remaining": len(data), "flagged_answers": flagged})

    def remove(mask, rule):
        nonlocal data
        data = data.loc[~mask]
        rows.append({"rule": rule, "removed": int(mask.sum()), "remaining": len(data), "flagged_answers": 0})

    n0 = len(data)
    remove(data["ATT"] != inst.attention["expected"], "failed attention check")
    if "duration_seconds" in data:
        remove(data["duration_seconds"] < min_seconds, Message("speeder (under {seconds:g} seconds)", "phrase", seconds=min_seconds))
    answered = data[items].notna().sum(axis=1)
    remove((data[items].nunique(axis=1) == 1) & (answered >= len(items) * 0.8), "straight-lining")
    remove(data[items].isna().mean(axis=1) > max_missing, Message("more than {share:.0%} of items missing", "phrase", share=max_missing))
    rows.append({"rule": Message(ALL_RULES, "phrase", n=n0), "removed": n0 - len(data),
                 "remaining": len(data),
                 "flagged_answers": flagged})
    need = min_respondents if min_respondents is not None else max(30, len(items) + 1)
    if len(data) < need:
        worst = max(rows[1:-1], key=lambda r: r["removed"], default=None)
        why = f"; the rule '{worst['rule']}' removed {worst['removed']}" if worst and worst["removed"] else ""
        raise KamError(f"{where}: only {len(data)} of {n0} respondents are left after cleaning{why}, and the analyses "
                       f"need at least {need}; check survey.min_seconds and the attention-check answer, or collect "
                       "more responses.")
    constant = [c for c in items if data[c].nunique(dropna=True) <= 1]
    if constant:
        value = data[constant[0]].dropna().iloc[0] if data[constant[0]].notna().any() else "no answer"
        raise KamError(f"{where}: item {constant[0]} has the same answer ({value}) from every respondent left"
                       f"{' (also ' + ', '.join(constant[1:4]) + ')' if len(constant) > 1 else ''}, so reliability, "
                       "factor analysis and SEM cannot use it; check its column in the mapping file, or remove the "
                       "item from the instrument.")
    missing_items = data[items].isna().mean().rename("missing_share").rename_axis("item").reset_index()
    for item in inst.reverse_items:
        data[item] = inst.points + 1 - data[item]
    complete = int(data[items].notna().all(axis=1).sum())
    return Cleaned(data, pd.DataFrame(rows), missing_items, n_read=n0, n_complete=complete, items=tuple(items))


def construct_scores(data: pd.DataFrame, inst: Instrument) -> pd.DataFrame:
    """Mean of each construct's (reverse-coded) items per respondent.

    Parameters
    ----------
    data : DataFrame
        Cleaned responses.
    inst : Instrument
        From :func:`kamlib.survey.instrument.load`.

    Returns
    -------
    DataFrame
        Respondents x constructs.

    Examples
    --------
    >>> from kamlib.survey.responses import construct_scores
    >>> construct_scores(data, inst).columns.tolist()
    ['PQ', 'SQ', 'PF', 'LG', 'PC', 'SAT', 'LOY']
    """
    return pd.DataFrame({c: data[items].mean(axis=1) for c, items in inst.constructs.items()}, index=data.index)
