"""Default assumptions shared by the analysis modules and the study schema.

Kept free of imports so that validating a study file does not import the analyses
(:mod:`kamlib.workbench.study` reads these; :mod:`kamlib.experiments` and
:mod:`kamlib.act.strategy` use them as their defaults).

The campaign assumptions (:data:`CAMPAIGN_ASSUMPTIONS`) are the workbook's stated values, not any case's sources: a
study declares its own in its ``strategy`` section, with where each comes from in ``strategy.basis`` (the default
study anchors its relative lift on a fact of its own sources, which 45_personalisation then sets its held-out lift
against); an assumption a study leaves undeclared takes the value here, and the run says so in the report.
:data:`CAMPAIGN_ASSUMPTIONS` owns their keys: the schema's ``strategy.basis`` and 40_strategy derive theirs from it.
"""

__all__ = ["BASELINE_CONVERSION", "CAMPAIGN_ASSUMPTIONS", "DEFAULT_UPLIFT", "FIGURE_DPI", "KEY_EXTRA_LIFT",
           "RELATIVE_LIFT"]

#: Conversion rate of the generic offer in the simulated campaign (the workbook's stated assumption).
BASELINE_CONVERSION = 0.08
#: Relative lift of the personalised offer (the workbook's stated assumption; a study names its own source).
RELATIVE_LIFT = 0.20
#: Extra relative lift for key accounts in the simulated campaign (the workbook's stated assumption).
KEY_EXTRA_LIFT = 0.15

#: Largest share of a tier's CLV that spending can add (budget allocation, :mod:`kamlib.act.strategy`; the
#: workbook's stated assumption).
DEFAULT_UPLIFT = {"Key account": 0.04, "At-risk key account": 0.15, "Potential key account": 0.10,
                  "Develop": 0.06, "Maintain": 0.02}

#: The campaign assumptions a study may declare (``strategy.<key>``, its source in ``strategy.basis``) and the
#: workbook's stated value of each, used where the study declares none.
CAMPAIGN_ASSUMPTIONS = {"baseline_conversion": BASELINE_CONVERSION, "relative_lift": RELATIVE_LIFT,
                        "key_extra_lift": KEY_EXTRA_LIFT, "uplift": DEFAULT_UPLIFT}

#: Resolution of a report's PNG figures (the study key ``figure_dpi``; :class:`kamlib.workbench.artefacts.Artefacts`).
FIGURE_DPI = 300
