"""Campaign experiments, power, peeking, and difference-in-differences: a subpackage by design
(``campaign``, ``power``, ``panel``, ``files``); ``from kamlib import experiments`` gives every public name.

* :func:`simulate_campaign` draws a randomised campaign (treatment vs control) from
  :class:`CampaignModel`, whose documented true effects the tests recover;
* :func:`conversion_test`, :func:`revenue_test` (Welch t, bootstrap, CUPED) and
  :func:`heterogeneous_effects` (treatment x segment interactions, Holm correction);
* :func:`sample_size` and :func:`power_curve` (statsmodels.stats.power, Cohen's h);
* :func:`peeking` shows what checking an A/A test at every look does to the
  false-positive rate (Armitage, McPherson & Rowe 1969);
* :func:`did` (two groups x two periods), :func:`did_twfe` and :func:`event_study`
  (two-way fixed effects, cluster-robust SEs), with :func:`simulate_programme`;
* :func:`load_campaign` and :func:`load_programme` read a user's own campaign and programme
  files (CSV or Parquet, any column names) into the shapes the simulators produce.

References: Cohen (1988) ch. 6; Deng, Xu, Kohavi & Walker (2013) CUPED; Armitage,
McPherson & Rowe (1969); Wooldridge, *Introductory Econometrics*, ch. 13 (DiD).
"""

from __future__ import annotations

from .campaign import (
    BOOTSTRAP_FOR_INTERVALS, CampaignModel, conversion_test, ConversionTest, cuped, Cuped, heterogeneous_effects,
    interval_disagreement, revenue_test, simulate_campaign, Simulation,
)
from .panel import did, did_twfe, DiDResult, event_study, EventStudy, simulate_programme
from .files import CAMPAIGN_ROLES, load_campaign, load_programme, Programme, PROGRAMME_ROLES
from .power import detectable_lift, peeking, power_curve, sample_size, sample_size_plan

__all__ = ["BOOTSTRAP_FOR_INTERVALS", "CAMPAIGN_ROLES", "CampaignModel", "ConversionTest", "Cuped", "DiDResult", "EventStudy", "PROGRAMME_ROLES",
           "Programme", "Simulation", "conversion_test", "cuped", "detectable_lift", "did", "did_twfe", "event_study",
           "heterogeneous_effects", "interval_disagreement", "load_campaign", "load_programme", "peeking", "power_curve", "revenue_test",
           "sample_size", "sample_size_plan", "simulate_campaign", "simulate_programme"]
