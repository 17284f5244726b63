"""A research model declared in a study file: its structural paths, defined effects and hypotheses, and their tests.

The study owns the design (``survey.model``: the structural part in lavaan syntax; ``survey.hypotheses``: what each
hypothesis claims and how it is tested); this module holds only the methods: reading and checking the declaration
against the instrument, and one test per kind of hypothesis:

* ``path: "SAT ~ SQ"``: the structural path of the SEM (unstandardised estimate with its Wald interval);
* ``defined: ind``: an effect the model defines with ``:=`` (an indirect effect ``a*b``), by the delta-method
  interval of the SEM (``test: delta``) or, for a simple mediation chain, by a percentile bootstrap of the indirect
  effect on construct scores (``test: bootstrap``; Preacher & Hayes 2008), with ``a`` and ``b`` estimated in
  exactly the equations the model declares for the mediator and the outcome (:func:`declared_mediation`), so it
  estimates the SEM's own defined effect;
* ``interaction: {path, moderator, level}``: the product term of an OLS regression on construct scores with HC3
  errors (Aiken & West 1991); the moderator is a construct or an answer column (``level`` makes it 0/1);
* ``moderation: {path, group, focal, reference}``: the same path fitted in two groups and their difference by a z
  test (Paternoster et al. 1998), only where measurement invariance across the groups holds at least at the metric
  level (Vandenberg & Lance 2000).

Every test on construct scores uses the respondents the SEM uses, the complete cases (every item of the constructs
answered), so one n stands for every row of a study's hypotheses.

A hypothesis may also name a test on the real survey the study analyses beside its own (``real: {path, effect}``).

Written by hand: no maintained Python library reads a hypothesis list beside a lavaan model; the estimators it
calls are the package's SEM, OLS and bootstrap functions, each checked against lavaan and published tables.

References
----------
Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *Journal of Statistical Software*,
48(2), 1-36. Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares
Structural Equation Modeling* (3rd ed.). Sage (reporting structural hypotheses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import KamError
from ..i18n import Given, Message, join
from ._shared import total_effects

__all__ = ["DeclaredMediation", "Hypothesis", "HypothesisTests", "MediationLimitation", "ResearchModel", "StructuralPath",
           "basis_text", "declare", "declared_mediation", "hypothesis_tests", "mediation_limitations", "not_detected",
           "qualify", "real_tests"]

_NAME = r"[A-Za-z_][\w.]*"
_KINDS = ("path", "defined", "interaction", "moderation")


class StructuralPath(NamedTuple):
    """A structural path in reading order, predictor first (the order of :attr:`ResearchModel.paths`).

    Examples
    --------
    >>> from kamlib.survey.research_model import StructuralPath
    >>> p = StructuralPath("TR", "CM")  # CM ~ TR: trust predicts commitment
    >>> p.predictor, p.outcome, p == ("TR", "CM")
    ('TR', 'CM', True)
    """

    predictor: str
    outcome: str


@dataclass(frozen=True)
class Hypothesis(Result):
    """One declared hypothesis.

    Attributes
    ----------
    id : str
        Its label (``"H1"``).
    statement : Given
        What it claims, in the author's languages.
    kinds : tuple of str
        ``path``, ``defined``, ``interaction`` and/or ``moderation`` (interaction and moderation may be declared
        together: two rows of the table, the multi-group one marked).
    path : StructuralPath or None
        ``(predictor, outcome)`` of a path, an interaction or a moderation (named fields ``predictor`` and
        ``outcome``; ``"CM ~ TR"`` is ``("TR", "CM")``).
    defined : str or None
        The ``:=`` name of a defined effect.
    test : str
        ``delta`` or ``bootstrap`` for a defined effect.
    moderator, level : str or None
        The interaction's moderator (a construct or an answer column) and, for an answer column, the level coded 1.
    group, focal, reference : str or None
        The multi-group comparison's answer column and its two groups (difference: focal minus reference).
    sign : str
        ``positive`` or ``negative``: the direction the hypothesis states.
    basis : tuple of str
        Reference keys the hypothesis is developed from.
    real : dict or None
        ``{path: "Loyalty ~ Satisfaction", effect: direct|total}``: its test on the real survey.
    """

    id: str
    statement: Given
    kinds: tuple
    path: tuple | None = None
    defined: str | None = None
    test: str = "delta"
    moderator: str | None = None
    level: str | None = None
    group: str | None = None
    focal: str | None = None
    reference: str | None = None
    sign: str = "positive"
    basis: tuple = ()
    real: dict | None = None


@dataclass(frozen=True)
class ResearchModel(Result):
    """The structural model and its hypotheses, as a study declares them (:func:`declare`).

    Attributes
    ----------
    structural : str
        The structural lines (regressions, covariances, ``:=``) in lavaan syntax.
    paths : list of (str, str)
        ``(predictor, outcome)`` of every regression, in the order written.
    labels : dict
        Path label -> ``(predictor, outcome)``.
    defined : dict
        ``:=`` name -> expression.
    hypotheses : tuple of Hypothesis
    where : str
        The study key the model is declared under (``survey``), which the errors of its tests name.
    """

    structural: str
    paths: list
    labels: dict
    defined: dict
    hypotheses: tuple = field(default_factory=tuple)
    where: str = "survey"

    def example(self) -> str:
        """A path of this model in lavaan syntax (``CM ~ TR``), for the examples errors give."""
        return f"{self.paths[0][1]} ~ {self.paths[0][0]}" if self.paths else "Y ~ X"

    def syntax(self, constructs: dict) -> str:
        """The full lavaan model: the instrument's measurement model, then the structural lines."""
        from .cbsem import measurement_model

        return measurement_model(constructs) + "\n" + self.structural

    def predictors(self, outcome: str) -> list[str]:
        """The predictors of ``outcome`` in the model, in the order written."""
        return [a for a, b in self.paths if b == outcome]

    @property
    def driver_outcome(self) -> str | None:
        """The construct with the most predictors (the first written among equals): the outcome of the key-driver
        analysis; None when no construct has two predictors."""
        counts = pd.Series([b for _, b in self.paths]).value_counts(sort=False) if self.paths else pd.Series(dtype=int)
        return None if counts.empty or counts.max() < 2 else str(counts.idxmax())

    def key_outcome(self, chosen: str | None = None) -> str | None:
        """The outcome of the key-driver analysis and the importance-performance map: ``chosen`` (the study's
        ``survey.driver_outcome``, such as the model's final outcome) when given, else :attr:`driver_outcome`.

        Parameters
        ----------
        chosen : str, optional
            A construct the model predicts (the left of one of its paths).

        Returns
        -------
        str or None

        Raises
        ------
        KamError
            ``chosen`` is not predicted by any path of the model: names the key and the constructs it may name.

        Examples
        --------
        >>> from kamlib.survey.research_model import declare
        >>> rm = declare("CM ~ TR\\nSAT ~ TR + CM\\nLOY ~ SAT + CM")
        >>> rm.key_outcome(), rm.key_outcome("LOY")
        ('SAT', 'LOY')
        """
        if chosen is None:
            return self.driver_outcome
        outcomes = list(dict.fromkeys(b for _, b in self.paths))
        if chosen not in outcomes:
            raise KamError(f"{self.where}.driver_outcome is {chosen!r}, which no path of {self.where}.model predicts; "
                           f"name one of {', '.join(outcomes) or 'its outcomes'}, or leave the key out to map the "
                           "construct with the most predictors.")
        return chosen

    @property
    def groups(self) -> list[str]:
        """The answer columns that multi-group hypotheses compare groups by (each once)."""
        return list(dict.fromkeys(h.group for h in self.hypotheses if "moderation" in h.kinds))

    def grouped_by(self, column: str) -> list[str]:
        """Ids of the hypotheses that compare across the groups of the answer ``column``: a multi-group moderation
        by it or an interaction with it as the moderator (none: a comparison by ``column`` is exploratory)."""
        return [h.id for h in self.hypotheses if column in (h.group, h.moderator)]

    def chain(self, name: str) -> tuple[str, str, str] | None:
        """``(x, m, y)`` when the defined effect ``name`` is the product of two labelled paths x -> m -> y."""
        factors = [f.strip() for f in self.defined[name].split("*")]
        if len(factors) != 2 or not all(f in self.labels for f in factors):
            return None
        (x, m1), (m2, y) = (self.labels[f] for f in factors)
        return (x, m1, y) if m1 == m2 else None

    def total_effects(self, structural, outcome: str) -> pd.Series:
        """Each construct's standardised total effect on ``outcome`` in a fitted SEM of this model (direct plus
        every path through mediators: ``(I - B)^-1 - I`` of the standardised paths); constructs without one are
        left out.

        Examples
        --------
        >>> from kamlib import survey
        >>> from kamlib.survey.research_model import declare
        >>> rm = declare("SAT ~ SQ\\nLOY ~ SAT + SQ")
        >>> fit = survey.sem(data, rm.syntax(inst.constructs))
        >>> p = fit.paths().set_index(["lval", "rval"])["std_estimate"]
        >>> t = rm.total_effects(fit, "LOY")
        >>> bool(abs(t["SQ"] - (p[("LOY", "SQ")] + p[("SAT", "SQ")] * p[("LOY", "SAT")])) < 1e-12)
        True
        """
        names = list(dict.fromkeys(v for pair in self.paths for v in pair))
        index = {c: k for k, c in enumerate(names)}
        B = np.zeros((len(names), len(names)))
        for r in structural.paths().itertuples(index=False):
            if r.rval in index and r.lval in index:
                B[index[r.rval], index[r.lval]] = r.std_estimate
        total = total_effects(B)
        out = pd.Series(total[:, index[outcome]], index=names)
        return out[(out.abs() > 1e-12) & (out.index != outcome)]

    def constructs_of(self, h: Hypothesis) -> set:
        """The constructs a hypothesis rests on (its path, or every construct its defined effect's paths touch)."""
        if h.defined:
            names = set(re.findall(_NAME, self.defined[h.defined]))
            return {v for label in names & set(self.labels) for v in self.labels[label]}
        return set(h.path or ())


#: lavaan's operators, longest first (a statement without one continues the one before, as lavaan reads it).
_OPERATORS = (":=", "=~", "~~", "<~", "~*~", "==", "<", ">", "|", "%", "~")


def _statements(model: str) -> list[tuple[int, str]]:
    """The model's statements with the line each starts on, as lavaan splits them: comments (``#``, ``!``) cut,
    ``;`` a separator like a new line, and a line without an operator (``+ CM`` or the rest after ``LOY ~ SAT +``)
    continuing the statement before."""
    out: list[list] = []
    for number, raw in enumerate(str(model).splitlines(), 1):
        text = re.split(r"[#!]", raw, maxsplit=1)[0]
        for part in text.split(";"):
            part = part.strip()
            if not part:
                continue
            if out and not any(op in part for op in _OPERATORS):
                out[-1][1] += " " + part
            else:
                out.append([number, part])
    return [(n, t) for n, t in out]


def _operator(statement: str) -> str | None:
    """The statement's operator (the first found among :data:`_OPERATORS`, longest first)."""
    found = [(statement.find(op), -len(op), op) for op in _OPERATORS if op in statement]
    return min(found)[2] if found else None


def _regression(statement: str, number: int, where: str) -> tuple[list[str], list[tuple[str | None, str]]]:
    """A regression's outcomes (lavaan allows several: ``SAT + LOY ~ CM``) and its ``(label, predictor)`` terms;
    intercepts (``1``, ``a*1``) left out: they carry no path. One sentence naming the line for what lavaan accepts
    but a recursive structural model of free paths cannot hold (fixed values, start values, interactions)."""
    lhs, rhs = (part.strip() for part in statement.split("~", 1))
    say = f"{where}.model line {number} ({statement!r})"
    outcomes = [v.strip() for v in lhs.split("+")]
    for v in outcomes:
        if not re.fullmatch(_NAME, v):
            raise KamError(f"{say}: {v!r} left of '~' is not a construct name; write 'outcome ~ predictor'.")
    terms = []
    for term in rhs.split("+"):
        term = term.strip()
        if not term:
            raise KamError(f"{say} has an empty term (a '+' with nothing after it); remove the '+' or write the "
                           "predictor.")
        *modifiers, var = (t.strip() for t in term.split("*"))
        if var == "1":
            continue  # an intercept: lavaan's mean structure, no structural path
        if ":" in var:
            raise KamError(f"{say}: the product term {var!r} is an interaction, which the model's paths cannot "
                           "hold; declare it as a hypothesis (interaction: {path, moderator}).")
        if not re.fullmatch(_NAME, var):
            raise KamError(f"{say}: {var!r} is not a construct name.")
        label = None
        for modifier in modifiers:
            if modifier == "NA":
                continue  # lavaan's 'free', as every path here is
            if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", modifier):
                raise KamError(f"{say} fixes the path {var} -> {', '.join(outcomes)} at {modifier}; the workbook "
                               "estimates every structural path, so write it without a value or leave the path out.")
            if not modifier.isidentifier():
                raise KamError(f"{say}: the modifier {modifier!r} of {var} is not a label; only plain labels "
                               "(a*X) name a path here (no start(), equal(), c() or label()).")
            label = modifier
        terms.append((label, var))
    return outcomes, terms


def declare(model: str | None, hypotheses: list | None = None, *, constructs: dict | None = None,
            where: str = "survey") -> ResearchModel | None:
    """Read and check a study's research model: the structural lines and the hypotheses.

    Parameters
    ----------
    model : str or None
        The structural part in lavaan syntax (``SAT ~ PQ + a*SQ``, ``LOY ~ b*SAT``, ``ind := a*b``; covariances
        ``~~`` too); the measurement part comes from the instrument, so ``=~`` lines are refused. None: no model.
    hypotheses : list of dict, optional
        Each ``{id, statement: {en, zh}, basis, sign}`` with ``path: "Y ~ X"``, ``defined: name`` (and ``test:
        delta | bootstrap``), ``interaction: {path, moderator, level}`` and/or ``moderation: {path, group, focal,
        reference}``, and optionally ``real: {path, effect}``.
    constructs : dict, optional
        The instrument's constructs: every construct the model names must be one of them.
    where : str
        The study key, for the errors.

    Returns
    -------
    ResearchModel or None

    Raises
    ------
    KamError
        One sentence naming the key and the fix: an unknown construct, a hypothesis whose path the model does not
        have, a defined effect it does not define, a bootstrap test of an effect that is not a simple chain, ...

    References
    ----------
    Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *Journal of Statistical Software*,
    48(2), 1-36.

    Examples
    --------
    >>> from kamlib.survey.research_model import declare
    >>> rm = declare("CM ~ a*TR\\nLOY ~ b*CM + TR\\nind := a*b",
    ...              [{"id": "H1", "path": "CM ~ TR", "statement": {"en": "Trust raises commitment", "zh": "信任提升承诺"}},
    ...               {"id": "H2", "defined": "ind", "test": "bootstrap", "statement": {"en": "Commitment mediates"}}])
    >>> rm.paths, rm.chain("ind"), [h.id for h in rm.hypotheses]
    ([('TR', 'CM'), ('CM', 'LOY'), ('TR', 'LOY')], ('TR', 'CM', 'LOY'), ['H1', 'H2'])
    """
    if model is None or not str(model).strip():
        if hypotheses:
            names = list(constructs or [])
            example = f"{names[-1]} ~ {' + '.join(names[:-1][:2])}" if len(names) > 1 else "Y ~ X1 + X2"
            raise KamError(f"{where}.hypotheses are declared but {where}.model is empty; write the structural model "
                           f"in lavaan syntax (for example '{example}').")
        return None
    paths, labels, defined, kept = [], {}, {}, []
    for number, line in _statements(model):
        op = _operator(line)
        if op == ":=":
            name, expr = (p.strip() for p in line.split(":=", 1))
            if not name.isidentifier():
                raise KamError(f"{where}.model line {number} ({line!r}) needs a name left of ':=' (e.g. 'ind := a*b').")
            defined[name] = expr
            kept.append(f"{name} := {expr}")
        elif op == "=~":
            raise KamError(f"{where}.model line {number} ({line!r}) is a measurement line; the constructs and their "
                           f"items come from the instrument file ({where}.instrument), so write only the structural "
                           "paths here.")
        elif op == "~~":
            kept.append(line)
        elif op == "~":
            outcomes, terms = _regression(line, number, where)
            for outcome in outcomes:
                written = []
                for label, var in terms:
                    if (var, outcome) in paths:
                        raise KamError(f"{where}.model line {number} ({line!r}) writes the path {var} -> {outcome} "
                                       "a second time; write each path once.")
                    if label is not None:
                        if label in labels:
                            a, b = labels[label]
                            raise KamError(f"{where}.model line {number} ({line!r}) gives {var} -> {outcome} "
                                           f"the label {label}, which {a} -> {b} has too (lavaan reads that as a "
                                           "constraint that the two are equal); give each path its own label.")
                        labels[label] = (var, outcome)
                    paths.append((var, outcome))
                    written.append(f"{label}*{var}" if label else var)
                if written:
                    kept.append(f"{outcome} ~ {' + '.join(written)}")
        else:
            what = {None: "has no lavaan operator", "<~": "is a formative (composite) definition",
                    "|": "is a threshold", "~*~": "is a scaling factor", "%": "is a block modifier"}.get(
                op, f"is a constraint ({op})")
            raise KamError(f"{where}.model line {number} ({line!r}) {what}; a structural model here holds "
                           "regressions (Y ~ X), covariances (Y ~~ X) and defined effects (name := expression).")
    if paths:
        from ._shared import causal_order

        causal_order(paths, where=f"{where}.model")  # a loop is refused: one sentence naming its constructs
    if constructs is not None:
        named = {v for pair in paths for v in pair}
        unknown = sorted(named - set(constructs))
        if unknown:
            raise KamError(f"{where}.model names {', '.join(unknown)}, which the instrument does not define (it has "
                           f"{', '.join(constructs)}); add the construct to the instrument or correct the model.")
    for name, expr in defined.items():
        missing = sorted(set(re.findall(_NAME, expr)) - set(labels))
        if missing:
            x, y = paths[0] if paths else ("X", "Y")
            raise KamError(f"{where}.model defines {name} := {expr}, but no path is labelled {', '.join(missing)}; "
                           f"label the paths (for example '{y} ~ {missing[0]}*{x}').")
    out = ResearchModel("\n".join(kept), paths, labels, defined, where=where)
    declared = tuple(_hypothesis(h, i, out, where) for i, h in enumerate(hypotheses or []))
    ids = [h.id for h in declared]
    if len(set(ids)) < len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise KamError(f"{where}.hypotheses declares {', '.join(twice)} more than once; give each hypothesis one "
                       "entry (interaction and moderation may share one).")
    _name_effects(out)
    return ResearchModel(out.structural, paths, labels, defined, declared, where)


def _name_effects(model: ResearchModel) -> None:
    """Name each defined indirect effect a*b of a chain x -> m -> y, and its expression, for the tables
    (:func:`kamlib.i18n.name_codes`): "indirect effect of Trust on Loyalty through Commitment (via_commitment)"."""
    from ..i18n import name_codes, named

    for name, expr in model.defined.items():
        chain = model.chain(name)
        if chain is None:
            continue
        x, m, y = ({"en": c, "zh": c} | (named(c) or {}) for c in chain)
        name_codes({name: {"en": f"indirect effect of {x['en']} on {y['en']} through {m['en']}",
                           "zh": f"{x['zh']}经由{m['zh']}对{y['zh']}的间接效应"},
                    expr: {"en": f"product of the paths {chain[0]} -> {chain[1]} and {chain[1]} -> {chain[2]}",
                           "zh": f"路径 {chain[0]} -> {chain[1]} 与 {chain[1]} -> {chain[2]} 之积"}})


def _path(text, key: str, model: ResearchModel) -> StructuralPath:
    m = re.fullmatch(rf"\s*({_NAME})\s*~\s*({_NAME})\s*", str(text or ""))
    if not m:
        raise KamError(f"{key} must be a path 'outcome ~ predictor' (for example '{model.example()}'), not {text!r}.")
    if (m.group(2), m.group(1)) not in model.paths:
        raise KamError(f"{key} is {text!r}, a path the model does not have; add '{m.group(1)} ~ {m.group(2)}' to the "
                       "model or correct the hypothesis.")
    return StructuralPath(predictor=m.group(2), outcome=m.group(1))


def _hypothesis(spec, i: int, model: ResearchModel, where: str) -> Hypothesis:
    spec = spec if isinstance(spec, dict) else getattr(spec, "model_dump", lambda: {})()
    key = f"{where}.hypotheses[{i}]"
    hid = str(spec.get("id") or "").strip()
    if not hid:
        raise KamError(f"{key} has no id; give it one, such as H{i + 1}.")
    key = f"{where}.hypotheses.{hid}"
    kinds = tuple(k for k in _KINDS if spec.get(k))
    if not kinds or ("path" in kinds and len(kinds) > 1) or ("defined" in kinds and len(kinds) > 1):
        raise KamError(f"{key} needs exactly one of path, defined, or interaction and/or moderation; it has "
                       f"{', '.join(kinds) or 'none'}.")
    sign = spec.get("sign") or "positive"
    if sign not in ("positive", "negative"):
        raise KamError(f"{key}.sign is {sign!r}; write positive or negative.")
    fields = dict(id=hid, statement=Given(spec.get("statement") or {}, f"{key}.statement"), kinds=kinds, sign=sign,
                  basis=tuple(spec.get("basis") or ()), real=dict(spec["real"]) if spec.get("real") else None)
    if "path" in kinds:
        fields["path"] = _path(spec["path"], f"{key}.path", model)
    if "defined" in kinds:
        name = str(spec["defined"])
        if name not in model.defined:
            raise KamError(f"{key}.defined is {name!r}, which the model does not define; add '{name} := ...' to the "
                           f"model (it defines {', '.join(model.defined) or 'nothing'}).")
        fields.update(defined=name, test=spec.get("test") or "delta")
        if fields["test"] not in ("delta", "bootstrap"):
            raise KamError(f"{key}.test is {fields['test']!r}; write delta (the SEM's delta-method interval) or "
                           "bootstrap (a percentile bootstrap on construct scores).")
        if fields["test"] == "bootstrap" and model.chain(name) is None:
            raise KamError(f"{key}.test is bootstrap, which tests a simple mediation a*b along x -> m -> y; "
                           f"{name} := {model.defined[name]} is not one, so use test: delta.")
    for kind in ("interaction", "moderation"):
        if kind in kinds:
            part = dict(spec[kind])
            path = _path(part.get("path"), f"{key}.{kind}.path", model)
            if fields.get("path") not in (None, path):
                raise KamError(f"{key}: its interaction and moderation name different paths; a hypothesis tests one.")
            fields["path"] = path
            if kind == "interaction":
                if not part.get("moderator"):
                    raise KamError(f"{key}.interaction needs a moderator: a construct, or an answer column with the "
                                   "level coded 1 (moderator: <answer column>, level: <the answer coded 1>).")
                fields.update(moderator=str(part["moderator"]),
                              level=None if part.get("level") is None else str(part["level"]))
            else:
                if not part.get("group") or part.get("focal") is None:
                    raise KamError(f"{key}.moderation needs group (an answer column) and focal (the group whose path "
                                   "the hypothesis says differs; reference: the other).")
                fields.update(group=str(part["group"]), focal=str(part["focal"]),
                              reference=None if part.get("reference") is None else str(part["reference"]))
    if fields["real"] is not None:
        real = fields["real"]
        m = re.fullmatch(r"\s*(.+?)\s*~\s*(.+?)\s*", str(real.get("path") or ""))
        if not m or real.get("effect", "direct") not in ("direct", "total"):
            raise KamError(f"{key}.real needs path 'outcome ~ predictor' of the real survey's model and effect "
                           "direct or total.")
        fields["real"] = {"outcome": m.group(1), "predictor": m.group(2), "effect": real.get("effect", "direct"),
                          "statement": Given(real["statement"], f"{key}.real.statement") if real.get("statement")
                          else None}
    return Hypothesis(**fields)


@dataclass(frozen=True)
class HypothesisTests(Result):
    """The tests of a research model's hypotheses (:func:`hypothesis_tests`).

    Attributes
    ----------
    table : DataFrame
        One row per test: ``hypothesis``, ``statement``, ``method``, ``estimate``, ``std_estimate``, ``ci_lower``,
        ``ci_upper``, ``pvalue``, ``supported`` ("yes"; "not detected": a test that does not reject does not show
        the effect absent; "contrary": the interval excludes zero on the other side), ``verdict`` (a phrase: "supported", or :func:`not_detected` with the interval's
        half-width and the smallest effect detectable with 80% power; for a hypothesis tested twice, how the two
        tests combine), ``multigroup`` (True on a multi-group row).
    mediations : dict
        Hypothesis id -> :class:`DeclaredMediation` of each bootstrap-tested effect.
    interactions : dict
        Hypothesis id -> :class:`~kamlib.survey.drivers.Interaction`.
    group_paths : dict
        Hypothesis id -> :func:`~kamlib.survey.cbsem.group_paths` table.
    notes : list of Message
        Tests not run, each with its reason.
    level : float
        The confidence level of every interval of the table (``1 - alpha``), which its captions state.
    """

    table: pd.DataFrame
    mediations: dict
    interactions: dict
    group_paths: dict
    notes: list
    level: float = 0.95


@dataclass(frozen=True)
class DeclaredMediation(Result):
    """A defined indirect effect ``a*b`` estimated on the equations the research model declares
    (:func:`declared_mediation`).

    Attributes
    ----------
    name : str
        The ``:=`` name of the effect.
    x, m, y : str
        Cause, mediator and outcome of the chain.
    a_equation, b_equation : str
        The declared equations of the mediator and the outcome (``CM ~ TR``, ``LOY ~ SAT + CM``), each estimated by
        OLS with an intercept.
    a, b : float
        The coefficient of ``x`` in the mediator's equation and of ``m`` in the outcome's.
    indirect : float
        ``a * b``.
    indirect_ci_lower, indirect_ci_upper : float
        Percentile bootstrap interval at ``level``.
    indirect_pvalue : float
        Two-sided bootstrap p-value, ``2 * (1 + min(#{ab* <= 0}, #{ab* >= 0})) / (B + 1)``: never below the floor
        ``2 / (B + 1)``, which says only that no resample crossed zero.
    n : int
        Respondents used (the complete cases given).
    bootstrap_n : int
        Bootstrap resamples ``B``.
    level : float
        Confidence level of the interval.
    """

    name: str
    x: str
    m: str
    y: str
    a_equation: str
    b_equation: str
    a: float
    b: float
    indirect: float
    indirect_ci_lower: float
    indirect_ci_upper: float
    indirect_pvalue: float
    n: int
    bootstrap_n: int
    level: float = 0.95

    @property
    def p_floor(self) -> float:
        """The least two-sided p-value ``B`` resamples can show: ``2 / (B + 1)``."""
        return 2 / (self.bootstrap_n + 1) if self.bootstrap_n else np.nan

    @property
    def at_floor(self) -> bool:
        """Whether the p-value is the floor (no resample on the other side of zero): a bound, not an estimate."""
        return bool(self.bootstrap_n) and bool(np.isclose(self.indirect_pvalue, self.p_floor, rtol=0, atol=1e-12))

    @property
    def shown_p(self) -> Message:
        """The p-value as a report prints it, with ``B``: ``p = 0.012 (B = 500)`` or, at the floor, ``p <= 0.039
        (B = 50)``."""
        if self.at_floor:
            return Message("p <= {p:.3f} (B = {B})", "phrase", p=self.p_floor, B=self.bootstrap_n)
        return Message("p = {p:.3f} (B = {B})", "phrase", p=self.indirect_pvalue, B=self.bootstrap_n)

    @property
    def method(self) -> Message:
        """The hypothesis table's method: the chain, the declared equations, the respondents, and the p with ``B``."""
        return Message("indirect effect of {x} on {y} through {m}: the product of the declared equations' "
                       "coefficients ({a_eq}; {b_eq}), each by OLS on construct scores (item means) of the {n} "
                       "complete cases, percentile bootstrap of the respondents; {p}", "phrase", x=_named(self.x), m=_named(self.m), y=_named(self.y),
                       a_eq=self.a_equation, b_eq=self.b_equation, n=self.n, p=self.shown_p)

    def summary_frame(self) -> pd.DataFrame:
        """One row: the equations, ``a``, ``b``, the indirect effect with its interval, the p-value (as text when
        it is the floor: ``<= 0.039``), ``n`` and ``bootstrap_n``."""
        row = self.as_dict()
        row.pop("level")
        if self.at_floor:
            row["indirect_pvalue"] = f"<= {self.p_floor:.3f}"
        return pd.DataFrame([row])


def declared_mediation(model: ResearchModel, name: str, scores: pd.DataFrame, *, n_boot: int = 500, seed: int = 0,
                       level: float = 0.95) -> DeclaredMediation:
    """The defined indirect effect ``name := a*b`` of a simple chain x -> m -> y, with ``a`` and ``b`` estimated in
    exactly the equations the model declares, with a percentile bootstrap interval.

    ``a`` is the coefficient of ``x`` in the OLS regression of ``m`` on its declared predictors, ``b`` that of ``m``
    in the regression of ``y`` on its declared predictors (intercepts added); nothing the model does not declare
    enters either equation, so the estimate is the SEM's defined effect computed on construct scores (smaller than
    the latent one by the scores' measurement error). Respondents are resampled together; a resample that leaves
    an equation singular is drawn again.

    Parameters
    ----------
    model : ResearchModel
        From :func:`declare`; ``name`` must be a chain (:meth:`ResearchModel.chain`).
    name : str
        The ``:=`` name.
    scores : DataFrame
        Construct scores of the respondents to use (the complete cases); rows missing a construct of the two
        equations are left out.
    n_boot : int
        Bootstrap resamples ``B``.
    seed : int
        Random seed.
    level : float
        Confidence level of the percentile interval.

    Returns
    -------
    DeclaredMediation

    Raises
    ------
    KamError
        ``name`` is not a simple chain, or a construct of the equations is not a column of ``scores``.

    References
    ----------
    Preacher, K. J. & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and comparing indirect
    effects in multiple mediator models. *Behavior Research Methods*, 40(3), 879-891. Rosseel, Y. (2012). lavaan: an
    R package for structural equation modeling. *Journal of Statistical Software*, 48(2), 1-36 (``:=``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from kamlib.survey.research_model import declare, declared_mediation
    >>> rng = np.random.default_rng(0)
    >>> tr = rng.normal(size=400); cm = 0.5 * tr + rng.normal(size=400)
    >>> sat = 0.4 * tr + 0.3 * cm + rng.normal(size=400); loy = 0.4 * sat + 0.3 * cm + rng.normal(size=400)
    >>> s = pd.DataFrame({"TR": tr, "CM": cm, "SAT": sat, "LOY": loy})
    >>> rm = declare("CM ~ a*TR\\nSAT ~ TR + CM\\nLOY ~ SAT + b*CM\\nind := a*b")
    >>> med = declared_mediation(rm, "ind", s, n_boot=200, seed=1)
    >>> med.a_equation, med.b_equation, med.n
    ('CM ~ TR', 'LOY ~ SAT + CM', 400)
    >>> bool(np.isclose(med.indirect, med.a * med.b)), med.indirect_ci_lower < med.indirect < med.indirect_ci_upper
    (True, True)
    >>> str(med.shown_p)
    'p <= 0.010 (B = 200)'
    """
    chain = model.chain(name) if name in model.defined else None
    if chain is None:
        raise KamError(f"{model.where}.model: {name!r} is not a defined effect a*b along a chain x -> m -> y, so it "
                       "has no declared mediation to bootstrap; test it with test: delta.")
    x, m, y = chain
    a_rhs, b_rhs = model.predictors(m), model.predictors(y)
    names = list(dict.fromkeys([m, *a_rhs, y, *b_rhs]))
    missing = [c for c in names if c not in scores.columns]
    if missing:
        raise KamError(f"the construct scores have no column {', '.join(missing)}, which the equations of {name} "
                       "name; give the scores of every construct of the model.")
    d = scores[names].dropna().to_numpy(float)
    col = {c: k for k, c in enumerate(names)}
    xa = [col[c] for c in a_rhs]
    xb = [col[c] for c in b_rhs]
    ia, ib = a_rhs.index(x) + 1, b_rhs.index(m) + 1  # +1: the intercept comes first

    def ab(arr):
        ones = np.ones((len(arr), 1))
        ca = np.linalg.lstsq(np.column_stack([ones, arr[:, xa]]), arr[:, col[m]], rcond=None)
        cb = np.linalg.lstsq(np.column_stack([ones, arr[:, xb]]), arr[:, col[y]], rcond=None)
        full = ca[2] == len(xa) + 1 and cb[2] == len(xb) + 1
        return ca[0][ia], cb[0][ib], full

    n = len(d)
    a, b, _ = ab(d)
    rng = np.random.default_rng(seed)
    boots = []
    while len(boots) < n_boot:
        ra, rb, full = ab(d[rng.integers(0, n, n)])
        if full:
            boots.append(ra * rb)
    boots = np.asarray(boots)
    q = (1 - level) / 2
    lo, hi = np.quantile(boots, [q, 1 - q]) if n_boot else (np.nan, np.nan)
    # two-sided, never below 2/(B+1): a finite bootstrap cannot show p = 0
    p = min(1.0, 2 * (min((boots <= 0).sum(), (boots >= 0).sum()) + 1) / (n_boot + 1)) if n_boot else np.nan
    return DeclaredMediation(name, x, m, y, f"{m} ~ {' + '.join(a_rhs)}", f"{y} ~ {' + '.join(b_rhs)}", float(a),
                             float(b), float(a * b), float(lo), float(hi), float(p), int(n), int(n_boot), level)


def _named(code):
    """A code with the name a file read in this process gives it (:func:`kamlib.i18n.name_codes`: a construct,
    a profile question or answer) as a text in both languages; the code itself when none does."""
    from ..i18n import named

    names = named(code)
    return Given(names) if names else code


#: the power at which a test's smallest detectable effect is stated (Bloom 1995)
POWER = 0.80


def not_detected(lo: float, hi: float, sign: str, alpha: float, sizes: Message | str) -> Message:
    """The verdict of a hypothesis test that does not reject: not detected by this test (never "not supported",
    which would claim the effect is absent), with the interval's half-width and the smallest effect the test would
    detect with 80% power at these sample sizes; or, when the interval excludes zero on the other side, that the
    effect runs against the hypothesis.

    The smallest detectable effect is ``(z_{1-alpha/2} + z_{0.80}) * SE`` (Bloom 1995), the standard error being
    the interval's half-width over ``z_{1-alpha/2}`` (a percentile bootstrap interval is read the same way, as an
    approximation).

    Parameters
    ----------
    lo, hi : float
        The interval at level ``1 - alpha``.
    sign : str
        ``positive`` or ``negative``: the direction the hypothesis states.
    alpha : float
        The test's level.
    sizes : str or Message
        The respondents the test rests on, as the sentence names them ("groups of 165 and 107").

    Returns
    -------
    Message

    References
    ----------
    Bloom, H. S. (1995). Minimum detectable effects: a simple way to report the statistical power of experimental
    designs. *Evaluation Review*, 19(5), 547-556.

    Examples
    --------
    >>> from kamlib.survey.research_model import not_detected
    >>> str(not_detected(-0.051, 0.402, "positive", 0.05, "246 complete cases"))[:72]
    'not detected by this test: the 95% interval -0.051 to 0.402 (± 0.227) in'
    >>> str(not_detected(-0.5, -0.1, "positive", 0.05, "n = 50"))[:40]
    'contrary: the 95% interval -0.500 to -0.'
    """
    from scipy.stats import norm

    if (sign == "positive" and hi < 0) or (sign == "negative" and lo > 0):
        return Message("contrary: the {level:.0%} interval {lo:.3f} to {hi:.3f} excludes zero on the side the "
                       "hypothesis does not state", "phrase", level=1 - alpha, lo=lo, hi=hi)
    z = float(norm.ppf(1 - alpha / 2))
    half = (hi - lo) / 2
    detectable = (z + float(norm.ppf(POWER))) * half / z
    return Message("not detected by this test: the {level:.0%} interval {lo:.3f} to {hi:.3f} (± {half:.3f}) includes "
                   "zero; with {sizes} the test detects with {power:.0%} power only an effect of about {mde:.3f} or "
                   "more (Bloom 1995), so it has low power for smaller effects and does not show that there is none",
                   "phrase", level=1 - alpha, lo=lo, hi=hi, half=half, sizes=sizes, power=POWER, mde=detectable)


def _supported(lo, hi, p, sign: str, alpha: float) -> bool:
    from .. import verdicts

    return verdicts.supported(lo if sign == "positive" else -hi, p, alpha)


def _two_groups(column: pd.Series, h: Hypothesis, where: str) -> tuple[str, str]:
    levels = [str(v) for v in pd.unique(column.dropna().astype(str))]
    if h.focal not in levels:
        raise KamError(f"{where}.hypotheses.{h.id}.moderation.focal is {h.focal!r}, which no respondent answers in "
                       f"{h.group} (answers: {', '.join(levels)}); correct the group name.")
    others = [v for v in levels if v != h.focal] if h.reference is None else [h.reference]
    if len(others) != 1 or others[0] not in levels:
        raise KamError(f"{where}.hypotheses.{h.id}.moderation compares two groups of {h.group}, which has "
                       f"{', '.join(levels)}; name the reference group (reference: ...).")
    return others[0], h.focal


def hypothesis_tests(model: ResearchModel, *, structural, scores: pd.DataFrame, data: pd.DataFrame, constructs: dict,
         invariance: dict | None = None, ordered=None, n_boot: int = 500, seed: int = 0, alpha: float = 0.05) -> HypothesisTests:
    """Test each declared hypothesis by the method its kind names.

    Parameters
    ----------
    model : ResearchModel
        From :func:`declare`.
    structural : SEMResult
        The SEM of ``model.syntax(...)`` on the answers.
    scores : DataFrame
        Construct scores (item means) of the same respondents, indexed as ``data``; the interaction and bootstrap
        tests use the complete cases, the respondents who answered every item of ``constructs`` (the SEM's).
    data : DataFrame
        The answers, with the answer columns that moderators and groups name.
    constructs : dict
        The instrument's constructs and their items (the measurement model of the multi-group SEMs).
    invariance : dict, optional
        Group column -> :class:`~kamlib.survey.invariance.Invariance`: a multi-group comparison runs only where
        the loadings are equal (metric or scalar level).
    ordered : bool or list, optional
        The ordinal items, for the multi-group SEMs (as :func:`~kamlib.survey.cbsem.sem`).
    n_boot, seed : int
        Bootstrap draws and seed of a bootstrap-tested effect (:func:`declared_mediation`; a p-value at the
        bootstrap's floor, ``2 / (n_boot + 1)``, is left out of the ``pvalue`` column and said as the bound it is in
        the row's method).
    alpha : float
        Significance level; every interval of the table is at the level ``1 - alpha`` (Wald intervals of the SEM's
        paths, defined effects and group differences from their standard errors, the bootstrap's percentiles, the
        interaction's OLS interval), so an interval excludes zero exactly when its test rejects at ``alpha``.

    Returns
    -------
    HypothesisTests
        With ``level`` = ``1 - alpha``, for the captions.

    References
    ----------
    Preacher, K. J. & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and comparing indirect
    effects in multiple mediator models. *Behavior Research Methods*, 40(3), 879-891. Zhao, X., Lynch, J. G. &
    Chen, Q. (2010). Reconsidering Baron and Kenny: myths and truths about mediation analysis. *Journal of Consumer
    Research*, 37(2), 197-206 (an indirect effect without a direct path assumes none). Bloom, H. S. (1995). Minimum
    detectable effects. *Evaluation Review*, 19(5), 547-556. Aiken, L. S. & West, S. G.
    (1991). *Multiple Regression: Testing and Interpreting Interactions*. Sage. Paternoster, R., Brame, R.,
    Mazerolle, P. & Piquero, A. (1998). Using the correct statistical test for the equality of regression
    coefficients. *Criminology*, 36(4), 859-866. Vandenberg, R. J. & Lance, C. E. (2000). A review and synthesis of
    the measurement invariance literature. *Organizational Research Methods*, 3(1), 4-70.

    Examples
    --------
    >>> from kamlib import survey
    >>> from kamlib.survey.research_model import declare, hypothesis_tests
    >>> rm = declare("SAT ~ PQ + a*SQ\\nLOY ~ b*SAT\\nind := a*b",
    ...              [{"id": "H1", "path": "SAT ~ SQ", "statement": {"en": "Service raises satisfaction"}},
    ...               {"id": "H2", "defined": "ind", "statement": {"en": "Satisfaction mediates"}},
    ...               {"id": "H3", "interaction": {"path": "SAT ~ SQ", "moderator": "TIER", "level": "key"},
    ...                "statement": {"en": "Stronger for key accounts"}}], constructs=inst.constructs)
    >>> structural = survey.sem(data, rm.syntax(inst.constructs))
    >>> t = hypothesis_tests(rm, structural=structural, scores=scores, data=data, constructs=inst.constructs)
    >>> t.table[["hypothesis", "supported"]].to_numpy().tolist()  # H3 on the 231 complete cases: p = 0.053
    [['H1', 'yes'], ['H2', 'yes'], ['H3', 'not detected']]
    """
    from scipy.stats import norm

    from .cbsem import group_paths
    from .drivers import moderation

    if not 0 < alpha < 1:
        raise KamError(f"alpha is {alpha}; give a significance level between 0 and 1 (0.05 for 95% intervals).")
    confidence = 1 - alpha  # (not "level": the invariance level below has that name)
    z = float(norm.ppf(1 - alpha / 2))  # the Wald intervals at the level used
    estimates = structural.estimates
    paths = structural.paths().set_index(["lval", "rval"])
    rows, mediations, interactions, compared, notes = [], {}, {}, {}, []

    def row(h, method, estimate, std, lo, hi, p, multigroup=False, shown_p=None, sizes=None):
        yes = _supported(lo, hi, p, h.sign, alpha)
        contrary = (hi < 0) if h.sign == "positive" else (lo > 0)  # rejected, the other way round
        rows.append({"hypothesis": h.id, "statement": h.statement, "basis": basis_text(h.basis), "method": method,
                     "estimate": float(estimate),
                     "std_estimate": float(std), "ci_lower": float(lo), "ci_upper": float(hi),
                     "pvalue": float(p if shown_p is None else shown_p),
                     "supported": "yes" if yes else "contrary" if contrary else "not detected",
                     "verdict": Message("supported", "phrase") if yes else
                     not_detected(lo, hi, h.sign, alpha, sizes or Message("{n} complete cases", "phrase", n=n_complete)),
                     "multigroup": multigroup})

    # the tests on construct scores use the SEM's respondents: the complete cases of the constructs' items
    items = [i for c in constructs.values() for i in c if i in data.columns]
    answered = data[items].notna().all(axis=1) if items else pd.Series(True, index=data.index)
    complete = scores.loc[scores.index.isin(answered.index[answered])]
    n_complete = len(complete)

    for h in model.hypotheses:
        if "path" in h.kinds:
            p = paths.loc[(h.path.outcome, h.path.predictor)]
            row(h, Message("SEM path {a} -> {b}", "phrase", a=h.path.predictor, b=h.path.outcome), p["estimate"],
                p["std_estimate"], p["estimate"] - z * p["estimate_se"], p["estimate"] + z * p["estimate_se"],
                p["pvalue"])
        if "defined" in h.kinds:
            if h.test == "bootstrap":
                med = declared_mediation(model, h.defined, complete, n_boot=n_boot, seed=seed, level=confidence)
                mediations[h.id] = med
                # a p at the bootstrap's floor is a bound, said as one in the method; the p column leaves it out
                row(h, med.method, med.indirect, np.nan, med.indirect_ci_lower, med.indirect_ci_upper,
                    med.indirect_pvalue, shown_p=np.nan if med.at_floor else med.indirect_pvalue)
                notes.append(Message("{h} is decided by the percentile bootstrap of the indirect effect a*b, each "
                                     "coefficient estimated by OLS on construct scores (item means); the SEM's defined "
                                     "effect {name} "
                                     "(delta method, {estimator}) is reported beside it in the table of defined "
                                     "effects and does not decide.", h=h.id, name=_named(h.defined),
                                     estimator=structural.fit["estimator"]))
                if (med.x, med.y) not in model.paths:  # the model leaves the direct path out: it assumes none
                    notes.append(Message("{h} tests the indirect effect of {x} on {y} through {m}: the model has no "
                                         "direct path {x} -> {y}, so it assumes that there is no direct effect, and "
                                         "whether {m} carries the whole effect is imposed by the model, not tested "
                                         "(Zhao, Lynch & Chen 2010).", h=h.id, x=_named(med.x), y=_named(med.y),
                                         m=_named(med.m)))
            else:
                r = estimates[(estimates["op"] == ":=") & (estimates["lval"] == h.defined)].iloc[0]
                row(h, Message("defined effect {name} := {expr}, delta method ({estimator})", "phrase",
                               name=h.defined, expr=model.defined[h.defined], estimator=structural.fit["estimator"]),
                    r["estimate"], r["std_estimate"], r["estimate"] - z * r["estimate_se"],
                    r["estimate"] + z * r["estimate_se"], r["pvalue"])
        predictor, outcome = h.path or (None, None)
        if "interaction" in h.kinds:
            column, frame = h.moderator, complete
            if h.moderator not in scores.columns:
                if h.moderator not in data.columns:
                    raise KamError(f"{model.where}.hypotheses.{h.id}.interaction.moderator is {h.moderator!r}, which "
                                   f"is neither a construct ({', '.join(constructs)}) nor an answer column; name one "
                                   "of them.")
                answers = data[h.moderator]
                if h.level is not None:
                    if not (answers.astype(str) == h.level).any():
                        raise KamError(f"{model.where}.hypotheses.{h.id}.interaction.level is {h.level!r}, which no "
                                       f"respondent answers in {h.moderator}; correct the level.")
                    coded = (answers.astype(str) == h.level).astype(int).where(answers.notna())
                    column = f"{h.moderator}_{h.level}"
                else:
                    coded = pd.to_numeric(answers, errors="coerce")
                    if coded.notna().sum() < answers.notna().sum():
                        raise KamError(f"{model.where}.hypotheses.{h.id}.interaction.moderator {h.moderator} has "
                                       "answers that are not numbers; name the level coded 1 (level: ...).")
                column = re.sub(r"\W", "_", column)
                frame = complete.assign(**{column: coded.reindex(complete.index).to_numpy()})
            drivers = model.predictors(outcome)
            inter = moderation(frame, outcome, drivers, column, predictor, level=confidence)
            interactions[h.id] = inter
            # the term in words, not the regression's name for it (CM:SIZE_large)
            # a level against the one other group of a two-group answer is named (Large against Small accounts)
            others = (sorted(set(data[h.moderator].dropna().astype(str)) - {h.level}) if h.level is not None and
                      h.moderator not in scores.columns else [])
            said = (Message("interaction of {predictor} with {moderator}: {level} against {other} (OLS, HC3)",
                            "phrase", predictor=_named(predictor), moderator=_named(h.moderator),
                            level=_named(h.level), other=_named(others[0])) if len(others) == 1 else
                    Message("interaction of {predictor} with {moderator}: {level} against the others (OLS, HC3)",
                            "phrase", predictor=_named(predictor), moderator=_named(h.moderator),
                            level=_named(h.level)) if others else
                    Message("interaction {predictor} × {moderator} (OLS, HC3)", "phrase",
                            predictor=_named(predictor), moderator=_named(h.moderator)))
            row(h, said, inter.estimate, np.nan,
                inter.estimate_ci_lower, inter.estimate_ci_upper, inter.pvalue)
        if "moderation" in h.kinds:
            if h.group not in data.columns:
                raise KamError(f"{model.where}.hypotheses.{h.id}.moderation.group is {h.group!r}, which is not an "
                               "answer column; name a profile question of the instrument.")
            reference, focal = _two_groups(data[h.group], h, model.where)
            level = getattr((invariance or {}).get(h.group), "level", None)
            if level not in ("metric", "scalar"):
                notes.append(Message("{h} is not compared across the groups of {group}: paths may be compared only "
                                     "when the loadings are equal (metric invariance), and invariance holds at the "
                                     "{level} level (Vandenberg & Lance 2000).", h=h.id, group=h.group,
                                     level=Message(level or "untested", "invariance_level")))
                continue
            gp = group_paths(data[data[h.group].astype(str).isin([reference, focal])], model.syntax(constructs),
                             data[h.group].astype(str), groups=[reference, focal], ordered=ordered)
            compared[h.id] = gp
            r = gp.set_index(["outcome", "predictor"]).loc[(outcome, predictor)]
            sizes = [int((answered & (data[h.group].astype(str) == g)).sum()) for g in (reference, focal)]
            row(h, Message("multi-group SEM: path {predictor} -> {outcome}, the difference {focal} minus {reference} "
                           "(z test)", "phrase", predictor=_named(predictor), outcome=_named(outcome),
                           focal=_named(focal), reference=_named(reference)),
                r["difference"], np.nan, r["difference"] - z * r["se_difference"],
                r["difference"] + z * r["se_difference"], r["pvalue"], multigroup=True,
                sizes=Message("groups of {n1} ({g1}) and {n2} ({g2}) complete cases", "phrase", n1=sizes[0],
                              g1=_named(reference), n2=sizes[1], g2=_named(focal)))
    _combine(rows, model)
    columns = ["hypothesis", "statement", "basis", "method", "estimate", "std_estimate", "ci_lower", "ci_upper",
               "pvalue", "supported", "verdict", "multigroup"]
    return HypothesisTests(pd.DataFrame(rows, columns=columns), mediations, interactions, compared, notes, confidence)


#: Why a hypothesis's interaction and multi-group comparison give different numbers (:func:`_combine`)
DIFFERENT_ESTIMATORS = ("the interaction ({interaction:.3f}) and the multi-group difference ({difference:.3f}) are "
                        "different estimators, so they need not agree: the interaction is OLS with HC3 on composite "
                        "scores (item means, with their measurement error), only the slope of {predictor} differing "
                        "between the groups; the multi-group comparison fits the latent SEM in each group, every path "
                        "free")


def _combine(rows: list, model: ResearchModel) -> None:
    """A hypothesis tested twice (an interaction and a multi-group comparison): each row's verdict says how the two
    combine, and why their estimates differ (:data:`DIFFERENT_ESTIMATORS`: composite-score OLS with HC3 against a
    latent multi-group SEM). The study declares no deciding test, so both are reported and the hypothesis holds only
    when both detect it; the verdict says "neither test detects it" or which one does."""
    for h in model.hypotheses:
        mine = [r for r in rows if r["hypothesis"] == h.id]
        if len(mine) < 2:
            continue
        found = [r["supported"] == "yes" for r in mine]
        combined = (Message("both tests detect it", "phrase") if all(found) else
                    Message("neither test detects it; both are reported, as the study declares no deciding test",
                            "phrase") if not any(found) else
                    Message("only the {which} detects it; the study declares no deciding test, so the two tests "
                            "disagree and the hypothesis is not settled", "phrase",
                            which=Message("multi-group comparison" if mine[found.index(True)]["multigroup"] else
                                          "interaction", "phrase")))
        inter = next((r for r in mine if not r["multigroup"]), None)
        multi = next((r for r in mine if r["multigroup"]), None)
        if inter is not None and multi is not None and h.path is not None:
            combined = Message("{verdict}; {combined}", "phrase", verdict=combined, combined=Message(
                DIFFERENT_ESTIMATORS, "phrase", interaction=inter["estimate"], difference=multi["estimate"],
                predictor=_named(h.path.predictor)))
        for r in mine:
            r["verdict"] = Message("{verdict}; {combined}", "phrase", verdict=r["verdict"], combined=combined)


def basis_text(basis) -> str:
    """What a hypothesis is developed from, as the report cites it: a work of the bibliography by author and year
    (:func:`kamlib.literature.cite_as`), a practice source by its register id, ``assumption`` as the study author's
    own.

    Parameters
    ----------
    basis : sequence of str
        The hypothesis's ``basis`` (study file).

    Returns
    -------
    str
        A :class:`~kamlib.i18n.Message` when the study author's assumption is among the bases (its Chinese in the
        catalogue).

    Examples
    --------
    >>> from kamlib.survey.research_model import basis_text
    >>> basis_text(["S002", "fornell1996"]), basis_text(["assumption"])
    ('S002; Fornell et al. (1996)', "the study author's assumption")
    """
    from .. import literature

    keys = literature.work_keys()
    works = [literature.cite_as(b) if b in keys else b for b in basis or () if b != "assumption"]
    if "assumption" not in (basis or ()):
        return "; ".join(works)
    if not works:  # a phrase, so that the Chinese edition says it in Chinese (the table's cells_zh)
        return Message("the study author's assumption", "phrase")
    return Message("{works}; the study author's assumption", "phrase", works="; ".join(works))


def real_tests(model: ResearchModel) -> dict:
    """The hypotheses tested on the real survey, as :func:`kamlib.survey.pls.hypothesis_rows` takes them:
    id -> ``(statement, predictor, outcome, effect)``.

    Parameters
    ----------
    model : ResearchModel
        From :func:`declare`; a hypothesis with ``real: {path, effect, statement}`` is tested there too.

    Returns
    -------
    dict
        Hypothesis id -> ``(statement, predictor, outcome, effect)``; the statement is the ``real`` one when given.

    References
    ----------
    Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares Structural
    Equation Modeling* (3rd ed.). Sage.

    Examples
    --------
    >>> from kamlib.survey.research_model import declare, real_tests
    >>> rm = declare("LOY ~ SAT", [{"id": "H6", "path": "LOY ~ SAT", "statement": {"en": "Satisfaction raises loyalty"},
    ...                             "real": {"path": "Loyalty ~ Satisfaction"}}])
    >>> real_tests(rm)
    {'H6': ('Satisfaction raises loyalty', 'Satisfaction', 'Loyalty', 'direct')}
    """
    return {h.id: (h.real["statement"] or h.statement, h.real["predictor"], h.real["outcome"], h.real["effect"])
            for h in model.hypotheses if h.real}


def qualify(rows: pd.DataFrame, model: ResearchModel, *, reliability: pd.DataFrame | None = None,
            htmt: pd.DataFrame | None = None, fit: dict | None = None, harman=None,
            method_factor=None) -> pd.DataFrame:
    """Add to each hypothesis row what limits its verdict: the failed reliability, validity and fit criteria of the
    constructs it rests on, and a likely common-method bias, each with its statistic, cut-off and source.

    Parameters
    ----------
    rows : DataFrame
        :attr:`HypothesisTests.table`.
    model : ResearchModel
        Says which constructs each hypothesis rests on (:meth:`ResearchModel.constructs_of`).
    reliability : DataFrame, optional
        :func:`reliability_table` with loadings: ``construct``, ``alpha``, ``composite_reliability``, ``ave``.
    htmt : DataFrame, optional
        :func:`htmt` (constructs x constructs).
    fit : dict, optional
        The measurement model's fit (``SEMResult.fit``); a missed fit rule qualifies every row.
    harman : Harman, optional
        :func:`harman`; a first factor at or above its rule qualifies every row.
    method_factor : CommonMethod, optional
        :func:`common_method_factor`; its ``qualifier``, when it has one, qualifies every row.

    Returns
    -------
    DataFrame
        ``rows`` with a ``qualification`` column (a :class:`~kamlib.i18n.Message` joining the qualifications; empty
        when nothing limits the row). Rules: :mod:`kamlib.verdicts`.

    References
    ----------
    Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity.
    *JAMS*, 43(1), 115-135. Podsakoff, P. M. et al. (2003). *Journal of Applied Psychology*, 88(5), 879-903.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.research_model import declare, qualify
    >>> rm = declare("SAT ~ PQ\\nLOY ~ SAT", [{"id": "H1", "path": "SAT ~ PQ", "statement": {"en": "a"}},
    ...                                      {"id": "H2", "path": "LOY ~ SAT", "statement": {"en": "b"}}])
    >>> rows = pd.DataFrame({"hypothesis": ["H1", "H2"], "supported": ["yes", "yes"]})
    >>> rel = pd.DataFrame({"construct": ["PQ", "SAT", "LOY"], "alpha": [0.62, 0.8, 0.8],
    ...                     "composite_reliability": [0.8, 0.8, 0.8], "ave": [0.55, 0.6, 0.6]})
    >>> for q in qualify(rows, rm, reliability=rel)["qualification"]:
    ...     print(repr(str(q)))
    'alpha of PQ is 0.62 (cut-off 0.70, Nunnally & Bernstein (1994))'
    ''
    """
    from .. import verdicts

    def phrase(criterion, of, value, rule):
        return verdicts.shortfall(criterion, of, value, rule.threshold, rule.source)

    by_construct: list[tuple[set, Message]] = []
    if reliability is not None:
        for _, r in reliability.iterrows():
            for col, key in (("alpha", "alpha"), ("composite_reliability", "composite_reliability"), ("ave", "ave")):
                if col in r and pd.notna(r[col]) and not verdicts.met(key, r[col]):
                    by_construct.append(({r["construct"]}, phrase(key, r["construct"], r[col], verdicts.RULES[key])))
    if htmt is not None:
        names = list(htmt.index)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                v = htmt.loc[a, b] if b in htmt.columns else np.nan
                v = v if pd.notna(v) else htmt.loc[b, a] if a in htmt.columns and b in htmt.index else np.nan
                if pd.notna(v) and not verdicts.met("htmt", v):
                    by_construct.append(({a, b}, phrase("HTMT", Message("{a} / {b}", "phrase", a=a, b=b), v,
                                                        verdicts.RULES["htmt"])))
    every: list[Message] = []
    if fit and fit.get("df"):
        for key, value in (("cfi", fit.get("cfi")), ("rmsea", fit.get("rmsea")), ("srmr", fit.get("srmr"))):
            rule = verdicts.RULES[key]
            if value is not None and not rule.met(value):
                every.append(Message("the measurement model's {index} is {value:.3f} (rule {op} {cut:g}, {source})",
                                     "phrase", index=key.upper(), value=float(value), op=rule.op, cut=rule.threshold,
                                     source=rule.source))
    if harman is not None and not verdicts.met("harman", harman.first_share):
        rule = verdicts.RULES["harman"]
        every.append(Message("the first unrotated factor explains {share:.1%} of the item variance (rule below "
                             "{cut:.0%}, {source})", "phrase", share=harman.first_share, cut=rule.threshold,
                             source=rule.source))
    if method_factor is not None and getattr(method_factor, "qualifier", ""):  # likely, or possible (kamlib.verdicts.weigh)
        every.append(method_factor.qualifier)
    resting = {h.id: model.constructs_of(h) for h in model.hypotheses}
    out = rows.copy()
    # every qualification is said, however many (a cap would drop some without a word)
    out["qualification"] = [join([m for cs, m in by_construct if cs & resting.get(h, set())] + every)
                            for h in out["hypothesis"]]
    return out


#: A mediation hypothesis decided by a percentile bootstrap with fewer resamples than a percentile interval needs
#: (:func:`mediation_limitations`; its Chinese: the catalogue's ``finding`` entry)
FEW_RESAMPLES = ("{h} is decided by a percentile bootstrap of {n_boot} resamples, fewer than the {enough} that Efron & "
                 "Tibshirani (1993) advise for a percentile interval: its bounds ({lower} to {upper}) are read from the "
                 "few most extreme resamples and move with the seed; set survey.bootstrap to at least {enough}.")
#: The deciding estimate on construct scores is smaller than the SEM's latent one: measurement error attenuates it
ATTENUATED = ("{h} is decided on OLS estimates from construct scores (item means), which ignore the measurement error "
              "that the CFA models: the indirect effect they give, {ols}, is attenuated against the SEM's latent "
              "estimate of the same effect, {sem}.")
#: The deciding estimate is not smaller than the latent one: the scores' measurement error is said without a direction
NOT_ATTENUATED = ("{h} is decided on OLS estimates from construct scores (item means), which ignore the measurement "
                  "error that the CFA models; the indirect effect they give, {ols}, is not smaller than the SEM's "
                  "latent estimate of the same effect, {sem}.")


@dataclass(frozen=True)
class MediationLimitation(Result):
    """One limitation of a bootstrap-decided mediation hypothesis (:func:`mediation_limitations`); unpacks as
    ``key, template, values``.

    Attributes
    ----------
    key : str
        The limitation's key (``mediation_resamples_h6``, ``mediation_scores_h6``), also the prefix of the value keys
        a notebook records its numbers under.
    template : str
        The English template (:data:`FEW_RESAMPLES`, :data:`ATTENUATED` or :data:`NOT_ATTENUATED`); ``{h}`` is the
        hypothesis id, every other field a number.
    values : dict
        Field -> ``(value, kind)``, the kind as ``art.record`` and ``art.limitation`` take it (``count``,
        ``estimate``).
    hypothesis : str
        The hypothesis id (the template's ``{h}``).
    """

    key: str
    template: str
    values: dict
    hypothesis: str
    unpack = ("key", "template", "values")


def mediation_limitations(tests: HypothesisTests, structural=None, *, minimum: int | None = None
                          ) -> list[MediationLimitation]:
    """What limits each mediation hypothesis decided by the percentile bootstrap on construct scores
    (:func:`declared_mediation`): fewer resamples than a percentile interval needs (``minimum``, by default
    :data:`kamlib.experiments.campaign.BOOTSTRAP_FOR_INTERVALS`, Efron & Tibshirani 1993), and the scores'
    measurement error, set beside the SEM's latent estimate of the same defined effect (``structural``'s ``:=`` row;
    left out without it). Attenuation is said only when the scores' estimate is the smaller in size.

    Parameters
    ----------
    tests : HypothesisTests
        :func:`hypothesis_tests`' result.
    structural : SEMResult, optional
        The structural model whose defined effects (``op == ":="``) the hypotheses name.
    minimum : int, optional
        The fewest resamples whose percentile interval is read on its own.

    Returns
    -------
    list of MediationLimitation
        In the hypotheses' order; empty when no hypothesis is decided by the bootstrap.

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall/CRC (the resamples a
    percentile interval needs).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.research_model import DeclaredMediation, HypothesisTests, mediation_limitations
    >>> med = DeclaredMediation("ab", "TR", "CM", "LOY", "CM ~ TR", "LOY ~ CM", 0.4, 0.3, 0.12, 0.06, 0.21, 0.04, 246,
    ...                         50, 0.95)
    >>> tests = HypothesisTests(pd.DataFrame(), {"H6": med}, {}, {}, [])
    >>> [(x.key, x.values["n_boot"]) for x in mediation_limitations(tests)]
    [('mediation_resamples_h6', (50, 'count'))]
    """
    if minimum is None:
        from ..experiments.campaign import BOOTSTRAP_FOR_INTERVALS as minimum
    defined = structural.estimates[structural.estimates["op"] == ":="] if structural is not None else None
    out = []
    for h, med in tests.mediations.items():
        if med.bootstrap_n < minimum:
            out.append(MediationLimitation(f"mediation_resamples_{h.lower()}", FEW_RESAMPLES, {
                "n_boot": (int(med.bootstrap_n), "count"), "enough": (int(minimum), "count"),
                "lower": (round(float(med.indirect_ci_lower), 4), "estimate"),
                "upper": (round(float(med.indirect_ci_upper), 4), "estimate")}, h))
        latent = defined[defined["lval"] == med.name] if defined is not None else ()
        if len(latent):
            sem = float(latent["estimate"].iloc[0])
            out.append(MediationLimitation(
                f"mediation_scores_{h.lower()}", ATTENUATED if abs(med.indirect) < abs(sem) else NOT_ATTENUATED,
                {"ols": (round(float(med.indirect), 4), "estimate"), "sem": (round(sem, 4), "estimate")}, h))
    return out
