"""Survey statistics: reliability, validity, CFA/SEM, key drivers, mediation, moderation, groups, NPS.

A subpackage by topic (``reliability``, ``factors``, ``cbsem``, ``invariance``, ``ordinal``, ``drivers``,
``groups``, ``research_model``); ``from kamlib import survey`` gives every public name, as before. The research
model and its hypotheses are the study's (``survey.model``, ``survey.hypotheses``): :mod:`.research_model` reads and
tests them, and holds none of its own.

Functions take tidy DataFrames (respondents in rows, reverse-coded items or
construct scores in columns) and return floats, DataFrames or small result objects.

References
----------
Cronbach (1951); Feldt (1965) for the alpha interval; McDonald (1999) omega;
Fornell & Larcker (1981); Henseler, Ringle & Sarstedt (2015) HTMT; Kaiser (1974) KMO;
Bartlett (1950); Horn (1965) parallel analysis; Lindeman, Merenda & Gold (1980) LMG;
Hayes (2018) bootstrap mediation; Reichheld (2003) NPS.
"""

from __future__ import annotations

from .reliability import (
    alpha_ci, ave, composite_reliability, cronbach_alpha, item_analysis, omega, one_factor_loadings, reliability_table,
)
from .factors import (
    bartlett, EFA, efa, EFAAgreement, efa_structure, fornell_larcker, Harman, harman, htmt, kmo, KMO, parallel_analysis, rotate,
    Rotation, scale_note, TestResult,
)
from .cbsem import (
    cfa, fit_verdicts, group_paths, measurement_cfa, measurement_model, model_syntax, rmsea_ci, sem, SEMResult, structural_model,
)
from .invariance import common_method_factor, CommonMethod, Invariance, invariance
from ._shared import Interval
from .ordinal import MergedAnswers, Polychoric, polychoric
from .drivers import Interaction, key_drivers, KeyDrivers, Mediation, mediation, moderation, relative_importance
from .groups import compare_many, compare_two, group_differences, likert_shares, NPS, nps
from .importance import IPMA, ipa, ipma
from .plspredict import PLSPredict, plspredict
from .research_model import declare, Hypothesis, hypothesis_tests, HypothesisTests, qualify, real_tests, ResearchModel

__all__ = ["CommonMethod", "EFA", "EFAAgreement", "Harman", "Hypothesis", "HypothesisTests", "IPMA", "Interaction", "Interval",
           "Invariance", "KMO", "KeyDrivers", "Mediation", "MergedAnswers", "NPS", "PLSPredict", "Polychoric",
           "ResearchModel", "Rotation", "SEMResult", "TestResult", "alpha_ci", "ave", "bartlett", "cfa",
           "common_method_factor", "compare_many", "compare_two", "composite_reliability", "cronbach_alpha",
           "declare", "efa", "efa_structure", "fit_verdicts", "fornell_larcker", "group_differences", "group_paths", "harman", "htmt",
           "hypothesis_tests", "invariance", "ipa", "ipma", "item_analysis", "key_drivers", "kmo", "likert_shares",
           "measurement_cfa", "measurement_model", "mediation", "model_syntax", "moderation", "nps", "omega",
           "one_factor_loadings", "parallel_analysis", "plspredict", "polychoric", "qualify", "real_tests",
           "relative_importance", "reliability_table", "rmsea_ci", "rotate", "scale_note", "sem", "structural_model"]
