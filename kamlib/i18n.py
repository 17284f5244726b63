"""The workbook's words in other languages: one gettext catalogue, ``kamlib/locale/zh.po``, read with babel.

Every string the report, its figures, tables and notes show in Chinese comes from that catalogue. Its
``msgctxt`` says where a string appears:

* ``label``: names the analyses give to groups, rules and methods (tiers, segments, stages);
* ``value``: other words in table cells; ``header``: column headers; ``figure``: axis labels, titles, legends;
* ``report``: the report's headings and sentences; ``caption``: artefact captions by artefact id;
* ``hypothesis``, ``key_number``, ``stamp``;
* ``note``, ``phrase`` and ``finding``: templates with named parameters (``{month}``, ``{share:.1%}``).

A sentence with numbers or names in it is a :class:`Message`: English text that keeps its message id and
parameters, so that the Chinese is the catalogue's template filled with the same parameters (names translated
through the glossary). Nothing is translated by parsing an English sentence. Numbers that the report shows on
their own (key numbers, findings) are formatted per locale by :func:`number` (babel's CLDR formats).

Written on babel, the library gettext tools and Sphinx use; the only code here is the lookup and the
:class:`Message` type, which babel leaves to its users.

References
----------
Free Software Foundation. *GNU gettext manual*, ch. 3 ("Preparing program sources") and 11.2.5 (contexts).
"""

from __future__ import annotations

import re

from functools import lru_cache

__all__ = ["DATA_COLUMNS", "LANGUAGES", "Message", "catalogue", "codebook_zh", "gettext", "glossary",
           "header_en", "header_zh", "in_language", "join", "made", "name_zh", "number", "translate", "value_zh"]

#: The report's languages; English is the source language of the catalogue.
LANGUAGES = ("en", "zh")
_LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}


@lru_cache(maxsize=None)
def catalogue(language: str = "zh") -> dict:
    """The catalogue of ``language`` as ``{(context, msgid): text}`` (``kamlib/locale/<language>.po``, installed
    with the package; read once).

    Parameters
    ----------
    language : str
        ``"zh"``; English has no catalogue (it is the source).

    Returns
    -------
    dict

    Examples
    --------
    >>> catalogue("zh")[("label", "Key account")]
    '大客户'
    """
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent / "locale" / f"{language}.po"
    with open(path, "rb") as f:
        cat = read_po(f, locale=_LOCALES.get(language))
    return {(m.context, m.id): m.string for m in cat if m.id and m.string}


def gettext(msgid: str, context: str, language: str = "zh") -> str | None:
    """The catalogue's text for ``msgid`` in ``context``; the msgid itself in English; None when the catalogue
    has none.

    Parameters
    ----------
    msgid : str
        The English text (or, for captions and report headings, the artefact id or heading key).
    context : str
        The catalogue's msgctxt (``"label"``, ``"value"``, ``"header"``, ``"caption"``, ...).
    language : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> gettext("Loyal", "label"), gettext("Loyal", "label", "en"), gettext("no such words", "label")
    ('忠诚客户', 'Loyal', None)
    """
    if language == "en":
        return msgid
    return catalogue(language).get((context, msgid))


@lru_cache(maxsize=None)
def glossary(*contexts: str, language: str = "zh") -> dict:
    """``{msgid: text}`` of one or more contexts (later contexts win), e.g. the figure words and labels that
    :func:`kamlib.style.translate_figure` replaces.

    Examples
    --------
    >>> glossary("figure", "label")["Lorenz curve"]
    '洛伦兹曲线'
    """
    out = {}
    for ctx in contexts:
        out.update({mid: text for (c, mid), text in catalogue(language).items() if c == ctx})
    return out


def _english(v):
    if isinstance(v, (list, tuple)):
        return ", ".join(_english(x) for x in v)
    return str(v) if isinstance(v, Message) else v


#: The messages this process made, by their English text: a table cell that pandas stored as a plain string
#: (pandas 3 keeps text in string columns, not the Message object) is found again by its exact text.
_MADE: dict = {}
_MADE_MAX = 100_000


def made(text: str) -> Message | None:
    """The :class:`Message` this process made whose English is exactly ``text`` (None when there is none):
    how the Chinese of a generated table cell is found after pandas stored it as a plain string.

    Parameters
    ----------
    text : str
        A cell or sentence.

    Returns
    -------
    Message or None

    Examples
    --------
    >>> _ = Message("uplift: {tier}", "phrase", tier="Key account")
    >>> made("uplift: Key account").translate("zh")
    '提升:大客户'
    """
    return text if isinstance(text, Message) else _MADE.get(text)


def _restore(msgid, context, params):
    return Message(msgid, context, **params)


class Message(str):
    """English text that keeps its message id and parameters, so that other languages fill the catalogue's
    template with the same parameters.

    It is a ``str`` (the English text), so it can be printed, compared and written to a file as it is; the
    report asks it for another language with :meth:`translate`. A parameter that is itself a Message is
    translated in turn; a parameter that is a name the glossary knows (a tier, a segment, a construct) is
    translated too; numbers keep the template's format spec (``{share:.1%}``).

    Parameters
    ----------
    msgid : str
        The English template (:meth:`str.format` with named fields): the catalogue's msgid.
    context : str
        The catalogue's msgctxt: ``"note"`` (a note about a run), ``"phrase"`` (a generated table cell), ...
    **params
        The template's fields.

    Examples
    --------
    >>> m = Message("No customer falls in the tier {tiers}; check the tier thresholds (tiers.* in a study) "
    ...             "against the data.", tiers="Develop")
    >>> str(m)
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    >>> m.translate("zh")
    '没有客户属于层级 培育客户;请对照数据检查层级阈值(研究文件中的 tiers.*)。'
    """

    def __new__(cls, msgid: str, context: str = "note", /, **params):
        self = super().__new__(cls, msgid.format(**{k: _english(v) for k, v in params.items()}))
        self.msgid, self.context, self.params = msgid, context, params
        if len(_MADE) < _MADE_MAX:
            _MADE.setdefault(str(self), self)
        return self

    def __reduce__(self):
        return _restore, (self.msgid, self.context, self.params)

    def translate(self, language: str) -> str | None:
        """The text in ``language`` (None when the catalogue lacks the template or a Message parameter)."""
        if language == "en":
            return str(self)
        template = gettext(self.msgid, self.context, language)
        if template is None:
            return None
        params = {}
        for k, v in self.params.items():
            params[k] = _param(v, language)
            if params[k] is None:
                return None
        return template.format(**params)


def _param(v, language):
    if isinstance(v, Message):
        return v.translate(language)
    if isinstance(v, (list, tuple)):
        parts = [_param(x, language) for x in v]
        return None if any(p is None for p in parts) else "、".join(map(str, parts))
    if isinstance(v, str) and language == "zh":
        return name_zh(v)
    return v


def name_zh(name) -> str:
    """A name (a tier, a segment, a construct, a column) or a list of names in Chinese, each from the catalogue
    (``label``, ``value``, then ``header``) and otherwise as it is (a code, an id); a list is joined with 、.

    Parameters
    ----------
    name : str or list of str

    Returns
    -------
    str

    Examples
    --------
    >>> name_zh(["Key account", "Develop", "SQ"]), name_zh("tier")
    ('大客户、培育客户、SQ', '层级')
    """
    if isinstance(name, (list, tuple)):
        return "、".join(name_zh(n) for n in name)
    return value_zh(name) or glossary("header").get(name) or name


def join(parts: list) -> str:
    """Sentence parts joined with "; " as one :class:`Message` (its Chinese joined with ";"); "" for none.

    Parameters
    ----------
    parts : list of str or Message
        At most eight.

    Returns
    -------
    Message or str

    Examples
    --------
    >>> m = join([Message("no customer repeats"), "BG/NBD"])
    >>> str(m)
    'no customer repeats; BG/NBD'
    """
    if not parts:
        return ""
    fields = {f"p{i}": made(part) or part for i, part in enumerate(parts)}
    return Message("; ".join(f"{{{k}}}" for k in fields), "phrase", **fields)


def in_language(english: str, translated: str | None, language: str) -> str:
    """What a page in ``language`` shows for a text: the translation, or the English marked as such when the
    catalogue had none (so a missing translation is visible, never silent).

    Parameters
    ----------
    english : str
    translated : str or None
    language : str

    Returns
    -------
    str

    Examples
    --------
    >>> in_language("Too few repeat buyers.", None, "zh"), in_language("x", "十", "zh"), in_language("x", None, "en")
    ('(英文原文)Too few repeat buyers.', '十', 'x')
    """
    if language == "en":
        return english
    return translated if translated is not None else f"(英文原文){english}"


def translate(text, language: str = "zh", context: str = "value") -> str | None:
    """``text`` in ``language``: a :class:`Message` by its template, any other string by the catalogue's entry
    for it in ``context`` (None when there is none).

    Parameters
    ----------
    text : str, Message or None
        What to translate.
    language : str
        ``"en"`` or ``"zh"``.
    context : str
        The catalogue's msgctxt for plain text.

    Returns
    -------
    str or None

    Examples
    --------
    >>> translate("Champions", context="label"), translate(Message("{a} -> {b}", "phrase", a="SAT", b="LOY"))
    ('冠军客户', 'SAT → LOY')
    """
    if text is None:
        return None
    message = made(text) if isinstance(text, str) else None
    if message is not None:
        return message.translate(language)
    return gettext(str(text), context, language)


def value_zh(text: str, extra: dict | None = None) -> str | None:
    """The Chinese of a report cell that is a word or a name (None when the catalogue has none): ``extra``
    (e.g. the codebook's theme labels), then the catalogue's ``label`` and ``value`` entries. A generated
    phrase is a :class:`Message` and translates itself.

    Parameters
    ----------
    text : str
        The cell.
    extra : dict, optional
        More exact entries (English to Chinese).

    Returns
    -------
    str or None

    Examples
    --------
    >>> value_zh("Champions"), value_zh("Image"), value_zh("supports the claim")
    ('冠军客户', '企业形象', '支持该说法')
    """
    message = made(text)
    if message is not None:
        return message.translate("zh")
    if extra and text in extra:
        return extra[text]
    cat = catalogue("zh")
    return cat.get(("value", text)) or cat.get(("label", text))


def number(value, kind: str = "estimate", language: str = "en", *, currency: str | None = None) -> str:
    """A number as the report shows it in ``language`` (babel's CLDR formats): ``share`` as a percentage with
    one decimal, ``count`` with grouping, ``money`` without decimals (and the currency code when known),
    ``estimate`` with two decimals.

    Parameters
    ----------
    value : float or int
        The number.
    kind : {"share", "count", "money", "estimate"}
        How it is shown (the kinds of :meth:`kamlib.workbench.artefacts.Artefacts.record`).
    language : str
        ``"en"`` or ``"zh"`` (the locale's symbols and grouping).
    currency : str, optional
        The currency code shown after money.

    Returns
    -------
    str

    References
    ----------
    Unicode Consortium. *Unicode Technical Standard #35 (LDML)*, part 3: number formats (the CLDR data babel uses).

    Examples
    --------
    >>> number(0.6939, "share"), number(17363, "count", "zh"), number(12345.6, "money", currency="GBP")
    ('69.4%', '17,363', '12,346 GBP')
    """
    import numbers

    from babel.numbers import format_decimal, format_percent

    if not isinstance(value, numbers.Real):
        raise TypeError(f"number() needs a real number, got {value!r} ({type(value).__name__}).")
    locale = _LOCALES.get(language, "en_GB")
    if kind == "share":
        return format_percent(value, "#,##0.0%", locale=locale)
    if kind == "count":
        return format_decimal(value, "#,##0", locale=locale)
    if kind == "money":
        shown = format_decimal(value, "#,##0", locale=locale)
        return f"{shown} {currency}" if currency else shown
    return format_decimal(value, "#,##0.00", locale=locale)


def _headers():
    return glossary("header")


#: Abbreviations and symbols an English header keeps as the field writes them (:func:`header_en`)
_EN_TOKENS = {
    "aic": "AIC", "ari": "ARI", "auc": "AUC", "ave": "AVE", "bca": "BCa", "bic": "BIC", "cfi": "CFI", "ci": "CI",
    "clv": "CLV", "cv": "CV", "df": "df", "did": "DiD", "gg": "Gamma-Gamma", "htmt": "HTMT", "id": "ID",
    "kmo": "KMO", "lmg": "LMG", "ll": "log-likelihood", "mae": "MAE", "nps": "NPS", "ols": "OLS", "pc1": "PC1",
    "pc2": "PC2", "pvalue": "p-value", "p": "p", "r2": "R²", "rfm": "RFM", "rmse": "RMSE", "rmsea": "RMSEA",
    "roi": "ROI", "se": "SE", "sd": "SD", "sq": "SQ", "srmr": "SRMR", "ss": "SS", "tli": "TLI", "vif": "VIF",
    "chi2": "χ²", "f2": "f²", "q2": "Q²", "k": "k", "n": "n", "rho": "rho", "std": "std.", "pct": "percentile",
    "ka": "key-account", "en": "(en)", "zh": "(zh)",
}


#: A last field-name token that is a unit, shown in brackets (``recency_days`` -> "Recency (days)")
_EN_UNITS = {"days": "days", "weeks": "weeks", "months": "months", "seconds": "seconds", "pct": "%",
             "percent": "%", "gbp": "GBP", "usd": "USD", "cny": "CNY", "eur": "EUR"}


def header_en(name: str) -> str:
    """The English header of a report column: words, not the field name (``revenue_share`` -> "Revenue share",
    ``ci_lower`` -> "CI lower", ``pvalue`` -> "p-value", a unit in brackets: ``recency_days`` -> "Recency (days)");
    abbreviations as the field writes them (:data:`_EN_TOKENS`). A name that is not a lower-case field name (``Key account``, ``PQ1``) stays as it is.

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.

    Returns
    -------
    str

    Examples
    --------
    >>> header_en("revenue_share"), header_en("bca_lower"), header_en("pvalue"), header_en("PQ1")
    ('Revenue share', 'BCa lower', 'p-value', 'PQ1')
    >>> header_en("mean_recency_days"), header_en("duration_seconds")
    ('Mean recency (days)', 'Duration (seconds)')
    """
    name = str(name)
    if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name):
        return name
    tokens = name.split("_")
    unit = tokens.pop() if len(tokens) > 1 and tokens[-1] in _EN_UNITS else None  # recency_days: "Recency (days)"
    words = [_EN_TOKENS.get(w, w) for w in tokens]
    text = " ".join(words)
    text = text[0].upper() + text[1:] if words[0] == tokens[0] else text
    return f"{text} ({_EN_UNITS[unit]})" if unit else text


def header_zh(name: str) -> str | None:
    """The Chinese header of a report column: from the catalogue (``header``, then ``label`` and ``value``),
    else by its suffix or prefix (``X_ci_lower``, ``mean_X``) with ``X`` from the catalogue; None when there is
    none (an abbreviation stays as it is).

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> header_zh("revenue_share"), header_zh("relative_lift_ci_upper"), header_zh("mean_recency_days")
    ('收入占比', '相对提升 置信区间上限', '平均距上次购买天数')
    """
    name = str(name)
    found = _headers().get(name) or value_zh(name)
    if found:
        return found
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = header_zh(name[: -len(suffix)])
            if base:
                return fmt.format(base)
    for prefix, fmt in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            base = header_zh(name[len(prefix):])
            if base:
                return fmt.format(base)
    return None


#: How a column name is composed: ``X_ci_lower``, ``mean_X``, ... (the Chinese of ``X`` from the catalogue).
_SUFFIXES = (("_ci_lower", "{} 置信区间下限"), ("_ci_upper", "{} 置信区间上限"), ("_lower", "{}下限"), ("_upper", "{}上限"),
             ("_pvalue", "{} 的 p 值"), ("_se", "{} 标准误"), ("_key", "{}(大客户)"), ("_regular", "{}(普通客户)"),
             ("_control", "{}(对照组)"), ("_treatment", "{}(实验组)"), ("_share", "{}占比"))
_PREFIXES = (("mean_", "平均{}"), ("holdout_", "验证期{}"), ("true_", "真实{}"))


#: Columns whose cells are data, not words: names, codes, ids, citations and file names stay as they are in the
#: Chinese report (not translated; the vocabulary test skips them). Columns that mix data and generated words
#: (``term``, ``source``) are translated where the glossary knows a cell.
DATA_COLUMNS = frozenset({
    "description", "item", "antecedents", "consequents", "because_of", "phrase", "seed_file", "file",
    "citation", "authors", "location", "artefact", "notebook", "indicator", "customer_id",
    "value", "example_rows", "id", "source_ids", "keywords_en", "title_en", "sha256", "date", "month", "cohort",
    "used_in", "parameter",
})


def codebook_zh() -> dict:
    """Theme ids and English theme labels of the literature codebook, to their Chinese labels
    (``data/literature/codebook.yaml``; read once).

    Returns
    -------
    dict
        ``{"rfm": "RFM分析", "RFM analysis": "RFM分析", ...}``.
    """
    global _CODEBOOK
    if _CODEBOOK is None:
        import yaml

        from .config import DATA

        path = DATA / "literature" / "codebook.yaml"
        themes = yaml.safe_load(path.read_text(encoding="utf-8")).get("themes", {}) if path.exists() else {}
        _CODEBOOK = {**{k: t["zh"] for k, t in themes.items()}, **{t["en"]: t["zh"] for t in themes.values()}}
    return _CODEBOOK


_CODEBOOK = None
