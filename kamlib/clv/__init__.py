"""Customer-lifetime-value models fitted on sufficient statistics, with lifetimes' prediction formulas: the CLV
family as a subpackage.

Its models are registered in one place, :class:`kamlib.clv.base.Model` (:func:`get`, :func:`names`); each lives with
its likelihood. ``from kamlib import clv`` gives the fitting functions (``clv.fit``, ``clv.bootstrap``,
``clv.customer_base``, ...) and the modules of the family: :mod:`~kamlib.clv.regular` (regular buyers),
:mod:`~kamlib.clv.covariates`, :mod:`~kamlib.clv.holdout` (choosing a model on a holdout) and
:mod:`~kamlib.clv.validation` (fit tables against the data and the literature).

Purchase models (BG/NBD, Pareto/NBD, MBG/NBD) depend on a customer only through
``(frequency, recency, T)``, the regular-buyer models (MBG/CNBD-k, BG/CNBD-k) also through the sum of log
inter-purchase times, and the Gamma-Gamma spend model only through ``(frequency, monetary_value)``. :func:`fit`
therefore fits on the unique rows with their counts as weights: the same likelihood, evaluated on about a thousand
rows instead of a million customers.

Every model is fitted the same way: its log-likelihood (lifetimes' and CLVTools' for the BG/NBD, MBG/NBD,
Pareto/NBD and Gamma-Gamma; BTYDplus's for the CNBD-k models) and its analytic gradient in log-parameters,
minimised by BFGS. The Pareto/NBD's Gauss hypergeometric term is evaluated in logs with its derivatives
(:func:`kamlib._kernels.pnbd_j`), finite for any recency and T where lifetimes' hyp2f1 gives NaN, so no model
needs Nelder-Mead over every row (lifetimes' took minutes for a Pareto/NBD on 25,000 distinct rows, see
``benchmarks/fit_models.py``).
kamlib adds what ``lifetimes`` 0.11.3 lacks or gets wrong here: a fixed start for Pareto/NBD (lifetimes starts it
from random values), the total log-likelihood in the original time unit, standard errors from the Hessian of that
total log-likelihood (central differences of the analytic gradient; lifetimes divides Pareto/NBD's likelihood by the
mean weight, which scales its standard errors), bootstrap intervals whose refits start from the full sample's
estimates, and CLV that works with pandas 3.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). Counting your customers the easy way:
    An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
Schmittlein, D. C., Morrison, D. G., & Colombo, R. (1987). Counting your customers: Who are
    they and what will they do next? Management Science, 33(1), 1-24.
Batislam, E. P., Denizel, M., & Filiztekin, A. (2007). Empirical validation and comparison
    of models for customer base analysis. Int. J. Research in Marketing, 24(3), 201-209.
Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://www.brucehardie.com/notes/025/gamma_gamma.pdf
"""

from __future__ import annotations

import warnings

# lifetimes 0.11.3 sets pandas' chained_assignment option on import, which pandas 3 deprecates: its warning is about
# lifetimes, not the user's data, and would otherwise print in the first notebook cell that fits a model
warnings.filterwarnings("ignore", message="The 'mode.chained_assignment' option is deprecated", module=r"lifetimes\.")

from . import _bgnbd, _gamma_gamma, _paretonbd, regular  # noqa: F401  (each registers its models)
from . import covariates, evidence, holdout, profit, validation  # noqa: F401  (the family's modules, as clv.holdout, ...)
from .base import BOUNDS, get, label, Model, ModelName, names, parse
from .fitted import common_dropout, Fitted, NotIdentified
from .fitting import (
    bootstrap, clv, customer_base, CustomerBase, fit, fit_models, Fits, sensitivity, Sensitivity, sufficient,
)

__all__ = ["BOUNDS", "CustomerBase", "Fits", "Fitted", "Model", "ModelName", "NotIdentified", "Sensitivity", "bootstrap", "clv", "common_dropout", "covariates",
           "customer_base", "evidence", "fit", "fit_models", "get", "holdout", "label", "names", "parse", "profit", "regular", "sensitivity",
           "sufficient", "validation"]
