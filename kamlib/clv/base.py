"""The models of the CLV family and their one registry, :class:`Model`.

Each model is a subclass of :class:`Model` in the module of its likelihood (:mod:`kamlib.clv._bgnbd`,
:mod:`kamlib.clv._paretonbd`, :mod:`kamlib.clv.regular`, :mod:`kamlib.clv._gamma_gamma`): it declares its name, its
label in tables, its parameters in the order its likelihood takes them, the sufficient statistics it needs, which
parameters describe dropout, and its objective. Subclassing registers it, so a name, a label or a parameter list is
written once; :func:`get` finds a model by name with a one-sentence error naming the known ones.

Written by hand: a registry of a few class attributes, which no library provides for these models (lifetimes keeps
one fitter class per model without a registry; its likelihoods are reused where they are right, see
:mod:`kamlib.clv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._results import Result
from ..errors import KamError
from ..i18n import Message

__all__ = ["BOUNDS", "Model", "ModelName", "get", "label", "names", "parse"]

#: A positive shape or scale estimate outside these limits is at a bound of the (open) parameter space:
#: the optimiser has driven it towards 0 or infinity, and the likelihood is flat there.
BOUNDS = (1e-4, 1e6)


class Model:
    """A model of the CLV family; subclassing registers it by its :attr:`name`.

    Attributes
    ----------
    name : str
        The name a study file and :func:`kamlib.clv.fit` use (``"bgnbd"``).
    label : str
        The name in tables (``"BG/NBD"``).
    params : tuple of str
        Parameters in the order the objective takes them (``k`` first for the regular-buyer models).
    columns : tuple of str
        The summary columns the likelihood depends on (its sufficient statistics).
    kind : {"purchase", "spend"}
    dropout : tuple of str
        The parameters that describe dropout: at a bound, the model reduces to the NBD.
    ridge : str or None
        The dropout parameter whose limit 0 is the model without dropout: moving it there and losing no
        likelihood means the optimiser stopped on the flat ridge towards that limit.
    dropout_at_zero : bool
        A customer may drop out right after the first purchase (the MBG models).
    one_timers_drop_out : bool
        A customer who never bought again can have dropped out (the Pareto/NBD and the MBG models; in the BG/NBD and
        the BG/CNBD-k such a customer's P(alive) is 1), so the model can judge a one-time buyer's risk.
    closed_form : bool
        P(alive), expectations and purchase probabilities have closed forms (:mod:`kamlib.clv.validation`).
    takes_covariates : bool
        Time-invariant covariates can shift its mixing distributions (:mod:`kamlib.clv.covariates`).
    order : int
        Position in model lists and tables.
    warm_start_rows : int
        Distinct rows beyond which BFGS starts from the optimum of a subsample (every n-th row, about half as many).

    Examples
    --------
    >>> from kamlib import clv
    >>> clv.get("paretonbd").params, clv.get("bgcnbd").columns[-1]
    (('r', 'alpha', 's', 'beta'), 'litt')
    """

    registry: ClassVar[dict[str, type[Model]]] = {}
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    params: ClassVar[tuple[str, ...]] = ()
    columns: ClassVar[tuple[str, ...]] = ("frequency", "recency", "T")
    kind: ClassVar[str] = "purchase"
    dropout: ClassVar[tuple[str, ...]] = ()
    ridge: ClassVar[str | None] = None
    dropout_at_zero: ClassVar[bool] = False
    one_timers_drop_out: ClassVar[bool] = False
    closed_form: ClassVar[bool] = False
    takes_covariates: ClassVar[bool] = False
    order: ClassVar[int] = 0
    warm_start_rows: ClassVar[int] = 200_000

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name"):
            known = Model.registry.get(cls.name)
            if known is not None and known.__qualname__ != cls.__qualname__:
                raise TypeError(f"a CLV model named {cls.name!r} is registered already ({known.__qualname__})")
            Model.registry[cls.name] = cls

    @classmethod
    def regular(cls) -> bool:
        """True for the regular-buyer models, whose likelihood needs the sum of log inter-purchase times.

        Returns
        -------
        bool
        """
        return "litt" in cls.columns

    @classmethod
    def args(cls, suff) -> tuple:
        """The data arguments of :meth:`objective` on the sufficient rows (:func:`kamlib.clv.sufficient`).

        Parameters
        ----------
        suff : DataFrame
            Distinct rows of :attr:`columns` with their ``weight``.

        Returns
        -------
        tuple
        """
        raise NotImplementedError

    @classmethod
    def objective(cls, k: int | None = None):
        """The negative log-likelihood per unit weight and its gradient in log-parameters, as
        ``f(log_params, *args, weights, penalizer)`` (the regular-buyer models at the regularity ``k``).

        Parameters
        ----------
        k : int, optional
            The regularity of the regular-buyer models.

        Returns
        -------
        callable
        """
        raise NotImplementedError

    @classmethod
    def start(cls, suff) -> list | None:
        """Natural-scale start of the optimiser on ``suff``; None is every parameter 1 (lifetimes' start).

        Parameters
        ----------
        suff : DataFrame
            The sufficient rows.

        Returns
        -------
        list or None
        """
        return None

    @classmethod
    def fitter(cls, penalizer: float = 0.0):
        """lifetimes' fitter of this model, whose prediction methods a :class:`kamlib.clv.Fitted` uses once kamlib
        has set its parameters (None for the models lifetimes lacks).

        Parameters
        ----------
        penalizer : float
            Recorded with the fitter, as lifetimes' ``penalizer_coef``.

        Returns
        -------
        object or None
        """
        return None


def get(name: str) -> type[Model]:
    """The model registered under ``name``.

    Parameters
    ----------
    name : str
        ``"bgnbd"``, ``"paretonbd"``, ``"mbgnbd"``, ``"mbgcnbd"``, ``"bgcnbd"`` or ``"gamma_gamma"``.

    Returns
    -------
    type
        The :class:`Model` subclass.

    Examples
    --------
    >>> from kamlib import clv
    >>> clv.get("mbgnbd").label
    'MBG/NBD'
    """
    try:
        return Model.registry[name]
    except KeyError:
        raise KamError(f"Unknown model {name!r}; choose one of {', '.join(names('purchase') + names('spend'))}."
                       ) from None


def names(kind: str = "purchase") -> tuple[str, ...]:
    """The registered models of one kind, in their table order.

    Parameters
    ----------
    kind : {"purchase", "spend"}

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> from kamlib import clv
    >>> clv.names()
    ('bgnbd', 'paretonbd', 'mbgnbd', 'mbgcnbd', 'bgcnbd')
    """
    return tuple(m.name for m in sorted(Model.registry.values(), key=lambda m: m.order) if m.kind == kind)


@dataclass(frozen=True)
class ModelName(Result):
    """:func:`parse`'s result; unpacks as ``model, covariates``.

    Attributes
    ----------
    model : str
        The registered model's name.
    covariates : list of str
        The covariates on both of its processes.
    """

    model: str
    covariates: list
    unpack = ("model", "covariates")


def parse(name: str) -> ModelName:
    """A model name and its covariates: ``"paretonbd+country"`` is the Pareto/NBD with the covariate ``country`` on
    both processes (the names :func:`kamlib.clv.holdout.select` gives the covariate fits).

    Parameters
    ----------
    name : str

    Returns
    -------
    ModelName
        ``model`` and ``covariates``; unpacks as ``model, covariates``.

    Examples
    --------
    >>> from kamlib.clv import parse
    >>> tuple(parse("paretonbd+country")), tuple(parse("bgnbd"))
    (('paretonbd', ['country']), ('bgnbd', []))
    """
    model, *columns = str(name).split("+")
    return ModelName(model, columns)


def label(name: str) -> str:
    """The model's name in tables: ``"paretonbd+country"`` is ``Pareto/NBD + country``.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.clv import label
    >>> str(label("paretonbd+country")), label("paretonbd+country").translate("zh")
    ('Pareto/NBD + country', 'Pareto/NBD + 国家')
    """
    model, columns = parse(name)
    known = Model.registry.get(model)
    text = known.label if known else model
    if not columns:
        return text
    return Message("{model} + {covariates}", "phrase", model=text, covariates=columns)
