"""Default assumptions shared by the analysis modules and the study schema.

Kept free of imports so that validating a study file does not import the analyses
(:mod:`kamlib.workbench.study` reads these; :mod:`kamlib.experiments` and
:mod:`kamlib.act.strategy` use them as their defaults).
"""

__all__ = ["BASELINE_CONVERSION", "DEFAULT_UPLIFT", "FIGURE_DPI", "KEY_EXTRA_LIFT", "RELATIVE_LIFT"]

#: Conversion rate of the generic offer in the simulated campaign.
BASELINE_CONVERSION = 0.08
#: Relative lift of the personalised offer: 20%, anchored on S004 §4.1 (fact F001).
RELATIVE_LIFT = 0.20
#: Extra relative lift for key accounts in the simulated campaign.
KEY_EXTRA_LIFT = 0.15

#: Largest share of a tier's CLV that spending can add (budget allocation, :mod:`kamlib.act.strategy`).
DEFAULT_UPLIFT = {"Key account": 0.04, "At-risk key account": 0.15, "Potential key account": 0.10,
                  "Develop": 0.06, "Maintain": 0.02}

#: Resolution of a report's PNG figures (the study key ``figure_dpi``; :class:`kamlib.workbench.artefacts.Artefacts`).
FIGURE_DPI = 300
