"""The workbook's words in other languages: one gettext catalogue, ``kamlib/locale/zh.po``, read with babel.

Every string the report, its figures, tables and notes show in Chinese comes from that catalogue. Its
``msgctxt`` says where a string appears:

* ``label``: names the analyses give to groups, rules and methods (tiers, segments, stages);
* ``value``: other words in table cells; ``header``: column headers, keyed by the column name (the glossary of
  headers: its English words are in ``kamlib/locale/en.po``, the one other catalogue, so that every edition heads a
  column alike in both languages; :func:`glossary_words`); ``figure``: axis labels, titles, legends;
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
import string

from functools import lru_cache

__all__ = ["COLUMN_KINDS", "DATA_COLUMNS", "Given", "LANGUAGES", "Message", "TAG", "WORD", "catalogue", "cell_words",
           "codebook_zh", "column_kind", "decimals", "gettext", "glossary", "glossary_words", "header_en", "header_zh",
           "in_language", "join", "made", "name_codes", "name_zh", "named", "number", "snug", "time_unit", "translate",
           "unit_of", "value_en", "value_zh", "with_name", "with_unit", "zh_punctuation"]

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
    >>> from kamlib.i18n import catalogue
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
    >>> from kamlib.i18n import gettext
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
    >>> from kamlib.i18n import glossary
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
    >>> from kamlib.i18n import Message, made
    >>> _ = Message("uplift: {tier}", "phrase", tier="Key account")
    >>> made("uplift: Key account").translate("zh")
    '提升:大客户'
    """
    return text if isinstance(text, Message) else _MADE.get(text)


#: Codes a loaded file gives names to (a construct's code and its label in each language), by code: how a table
#: cell or header that is such a code is shown with its name (:func:`name_codes`, :func:`named`).
_NAMES: dict = {}


def name_codes(names: dict) -> None:
    """Register names for codes this process read from a file (a questionnaire's construct ``TR`` is "Trust",
    信任), so the report shows a table's code with its name: "Trust (TR)". Called by the loader of the file
    (:func:`kamlib.survey.instrument.load`); the table's manifest entry keeps the names of the codes it holds.

    Parameters
    ----------
    names : dict
        Code to a :class:`Given` (its text in each language) or a ``{language: text}`` dict.

    Returns
    -------
    None

    Examples
    --------
    >>> from kamlib.i18n import name_codes, named
    >>> name_codes({"TR": {"en": "Trust", "zh": "信任"}})
    >>> named("TR")
    {'en': 'Trust', 'zh': '信任'}
    """
    for code, name in names.items():
        texts = dict(name.texts) if isinstance(name, Given) else dict(name)
        if isinstance(texts.get("en"), str) and texts["en"] != code:
            _NAMES[str(code)] = texts


def named(code) -> dict | None:
    """The name registered for ``code`` (:func:`name_codes`) as ``{language: text}``; None when there is none.

    Parameters
    ----------
    code : str

    Returns
    -------
    dict or None
    """
    return _NAMES.get(code) if isinstance(code, str) else None


def with_name(code: str, names: dict | None, language: str = "en") -> str:
    """``code`` with its name in ``language`` when ``names`` (a table's, :func:`name_codes`) has one: "Trust (TR)",
    "信任(TR)"; else ``code`` as it is.

    Parameters
    ----------
    code : str
        A cell or a column name.
    names : dict or None
        Code to ``{language: text}``.
    language : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.i18n import with_name
    >>> names = {"TR": {"en": "Trust", "zh": "信任"}}
    >>> with_name("TR", names), with_name("TR", names, "zh"), with_name("CM", names)
    ('Trust (TR)', '信任(TR)', 'CM')
    """
    texts = (names or {}).get(code) if isinstance(code, str) else None
    if not texts:
        return code
    name = texts.get(language) or texts.get("en")
    return f"{name}({code})" if language == "zh" else f"{name} ({code})"


def _restore(msgid, context, params):
    return Message(msgid, context, **params)


def _unsigned_zero(text: str, value, again) -> str:
    """``text``, a number formatted, or ``again(abs(value))`` when it is a negative number that rounds to zero in its
    format ("-0.00", "-0.0%"): a value that prints as zero prints as 0.00, without a sign (an adjusted Rand index of
    -0.001 is no negative agreement)."""
    import numbers

    if (isinstance(value, numbers.Real) and text.lstrip().startswith("-") and re.search(r"\d", text)
            and not re.search(r"[1-9]", text)):
        return again(abs(value))
    return text


class _Template(string.Formatter):
    """:meth:`str.format` for a :class:`Message`'s template in every language, except that a number which rounds to
    zero in its field's format prints without a sign (:func:`_unsigned_zero`)."""

    def format_field(self, value, format_spec):
        return _unsigned_zero(super().format_field(value, format_spec), value,
                              lambda v: super(_Template, self).format_field(v, format_spec))


_TEMPLATE = _Template()


def _fill(template: str, params: dict) -> str:
    """``template.format(**params)``, through :class:`_Template` when a parameter is a negative number (the only
    case it changes; :meth:`str.format` is faster)."""
    import numbers

    if any(isinstance(v, numbers.Real) and v < 0 for v in params.values()):
        return _TEMPLATE.format(template, **params)
    return template.format(**params)


_IDEOGRAPH = "[\u3400-\u4dbf\u4e00-\u9fff]"


def snug(template: str, params: dict) -> str:
    """A Chinese template without the space it keeps beside a field whose value is in Chinese where the template's
    own word beside it is Chinese too; a space beside a number or a Latin word stays.

    Parameters
    ----------
    template : str
        A catalogue template (:meth:`str.format` fields).
    params : dict
        The values it will be filled with, in Chinese.

    Returns
    -------
    str
        The template, to be filled with ``params``.

    References
    ----------
    W3C (2020). *Requirements for Chinese Text Layout* (clreq), 3.3: no space between Han characters; the space
    between Han and Western text is a matter of style.

    Examples
    --------
    >>> from kamlib.i18n import snug
    >>> snug("共 {n} 位，缺少 {stages} 的结果", {"n": 3, "stages": "评估"}).format(n=3, stages="评估")
    '共 3 位，缺少评估的结果'
    """
    for k, v in params.items():
        text = str(v)
        if not text or "{" + k not in template:
            continue
        if re.match(_IDEOGRAPH, text):
            template = re.sub(rf"(?<={_IDEOGRAPH}) (?=\{{{k}[}}:!])", "", template)
        if re.search(_IDEOGRAPH + "$", text):
            template = re.sub(rf"(\{{{k}(?:[:!][^}}]*)?\}}) (?={_IDEOGRAPH})", r"\1", template)
    return template


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
    >>> from kamlib.i18n import Message
    >>> m = Message("No customer falls in the tier {tiers}; check the tier thresholds (tiers.* in a study) "
    ...             "against the data.", tiers="Develop")
    >>> str(m)
    'No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.'
    >>> m.translate("zh")
    '没有客户属于层级培育客户;请对照数据检查层级阈值(研究文件中的 tiers.*)。'
    """

    def __new__(cls, msgid: str, context: str = "note", /, **params):
        self = super().__new__(cls, _fill(msgid, {k: _english(v) for k, v in params.items()}))
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
        if language == "zh":
            template = snug(template, params)
        return _fill(template, params)


class Given(Message):
    """A text its author wrote in each language (a hypothesis's statement in a study file, ``{en: ..., zh: ...}``):
    a :class:`Message` whose other languages come from the author, not from the catalogue.

    Parameters
    ----------
    texts : dict or str
        Language code to text; English is required. A plain string is English only.
    where : str
        Where the text comes from, for the error when English is missing (e.g. ``"survey.hypotheses[0].statement"``).

    Examples
    --------
    >>> from kamlib.i18n import Given, Message, made
    >>> g = Given({"en": "Trust raises commitment", "zh": "信任提升承诺"})
    >>> str(g), g.translate("zh"), made("Trust raises commitment").translate("zh")
    ('Trust raises commitment', '信任提升承诺', '信任提升承诺')
    >>> Message("{h}: {s}", "phrase", h="H1", s=g).translate("en")
    'H1: Trust raises commitment'
    """

    def __new__(cls, texts, where: str = "the text"):
        texts = {"en": texts} if isinstance(texts, str) else dict(texts or {})
        english = texts.get("en")
        if not isinstance(english, str) or not english.strip():
            from .errors import KamError

            raise KamError(f"{where} has no English text; write it as {{en: ..., zh: ...}}.")
        self = str.__new__(cls, english)
        self.msgid, self.context, self.params, self.texts = english, "given", {}, texts
        if len(_MADE) < _MADE_MAX:
            _MADE[english] = self  # the author's words win over a catalogue message with the same English
        return self

    def __reduce__(self):
        return Given, (self.texts,)

    def translate(self, language: str) -> str | None:
        """The author's text in ``language`` (None when they wrote none)."""
        return self.texts.get(language)


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
    >>> from kamlib.i18n import name_zh
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
        Any number: beyond eight, the eighth field holds the rest, joined the same way (the catalogue's templates
        have at most eight fields).

    Returns
    -------
    Message or str

    Examples
    --------
    >>> from kamlib.i18n import Message, join
    >>> m = join([Message("no customer repeats"), "BG/NBD"])
    >>> str(m)
    'no customer repeats; BG/NBD'
    >>> long = join(["BG/NBD"] * 10)  # more parts than a catalogue template has fields
    >>> long.translate("zh").count(";"), str(long).count(";")
    (9, 9)
    """
    if not parts:
        return ""
    if len(parts) > 8:
        parts = list(parts[:7]) + [join(list(parts[7:]))]
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
    >>> from kamlib.i18n import in_language
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
    >>> from kamlib.i18n import Message, translate
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
    >>> from kamlib.i18n import value_zh
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


def value_en(text: str) -> str | None:
    """The English words of a code the workbook writes in a table cell (a method, a stage, a lifecycle state:
    ``itemcf``, ``churned``), None when the catalogue has none: ``kamlib/locale/en.po``'s ``value`` and ``label``
    entries, the English beside the Chinese that :func:`value_zh` gives for the same code.

    Parameters
    ----------
    text : str
        The cell.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.i18n import value_en
    >>> value_en("itemcf"), value_en("churned"), value_en("const"), value_en("Corporate")
    ('Item-based collaborative filtering', 'Churned', 'Intercept', None)
    """
    cat = catalogue("en")
    return cat.get(("value", text)) or cat.get(("label", text))


def time_unit(code):
    """The words of a purchase-model time unit (the study's ``clv.unit``: ``D``, ``W``, ``M``) as a :class:`Message`
    ("days", "weeks", "months"; in Chinese the catalogue's ``unit`` entry); any other value as it is.

    Parameters
    ----------
    code : str or None

    Returns
    -------
    Message or the value unchanged

    Examples
    --------
    >>> from kamlib.i18n import time_unit
    >>> str(time_unit("W")), time_unit("W").translate("zh"), time_unit("fortnight")
    ('weeks', '周', 'fortnight')
    """
    words = _TIME_UNITS.get(code) if isinstance(code, str) else None
    return Message(words, "unit") if words else code


#: Columns whose cells are the purchase models' time units (``D``, ``W``, ``M``): :func:`cell_words` says them in words
_UNIT_COLUMNS = frozenset({"unit", "clv_unit", "time_unit"})
#: A lower-case field name (``between_sd``, ``log_frequency``) or code word (``itemcf``)
_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def cell_words(value, language: str = "en", *, column: str | None = None, extra: dict | None = None):
    """What a report table shows for a cell the workbook made, in ``language``: a boolean as yes/no, a time unit code
    as its words, a generated phrase (:class:`Message`) in the language, a code (``itemcf``, ``churned``,
    ``log_frequency``) as the words of the catalogue (:func:`value_en`/:func:`value_zh`, else the glossary of headers,
    :func:`glossary_words`); anything else (numbers, data from the log, names) as it is. The one rule both editions'
    tables follow; the columns of data (:data:`DATA_COLUMNS`) are the caller's to leave out.

    Parameters
    ----------
    value : object
        The cell.
    language : str
        ``"en"`` or ``"zh"``.
    column : str, optional
        The column's name (a ``unit`` column holds time units).
    extra : dict, optional
        More exact entries, English to the language's text (a table's own generated phrases, ``cells_zh``).

    Returns
    -------
    object
        The words, or ``value`` unchanged.

    Examples
    --------
    >>> from kamlib.i18n import cell_words
    >>> cell_words(True), cell_words(False, "zh"), cell_words("W", column="unit"), cell_words("W", "zh", column="unit")
    ('yes', '否', 'weeks', '周')
    >>> cell_words("log_frequency"), cell_words("itemcf", "zh"), cell_words("Office Supplies"), cell_words(0.5)
    ('log(1 + repeat purchases)', '基于物品的协同过滤', 'Office Supplies', 0.5)
    """
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        value = Message("yes" if value else "no", "value")
        return str(value) if language == "en" else value.translate(language) or str(value)
    if not isinstance(value, str):
        return value
    if column in _UNIT_COLUMNS and value in _TIME_UNITS:
        words = time_unit(value)
        return str(words) if language == "en" else words.translate(language) or value
    if language == "en":
        if made(value) is not None:
            return str(value)
        return value_en(value) or (_CODE.fullmatch(value) and glossary_words(value, "en")) or value
    if extra and value in extra:
        return extra[value]
    return value_zh(value) or (_CODE.fullmatch(value) and glossary_words(value, language)) or value


def number(value, kind: str = "estimate", language: str = "en", *, currency: str | None = None) -> str:
    """A number as the report shows it in ``language`` (babel's CLDR formats): ``share`` as a percentage with
    one decimal, ``count`` (things counted, and integer quantities such as the k of the BG/CNBD-k) with grouping and
    no decimals, ``money`` without decimals (and the currency code when known), ``cutoff`` (a rule's threshold,
    :data:`kamlib.verdicts.RULES`) as the rule writes it (``{threshold:g}``: 0.95, 0.06, 0.5), ``estimate`` with
    the decimals of its size (:func:`decimals`: three below 10), as a table's column of estimates, except that a
    nonzero estimate below 0.01 in absolute value keeps two significant digits (0.00042, not 0.000; zero is 0.000).

    Parameters
    ----------
    value : float or int
        The number.
    kind : {"share", "count", "money", "cutoff", "estimate"}
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
    >>> from kamlib.i18n import number
    >>> number(0.6939, "share"), number(17363, "count", "zh"), number(12345.6, "money", currency="GBP")
    ('69.4%', '17,363', '12,346 GBP')
    >>> number(0.5951), number(1.5), number(-15153.2)
    ('0.595', '1.500', '-15,153')
    >>> number(0.00042), number(-0.0031), number(0.0), number(3.0, "count"), number(0.95, "cutoff")
    ('0.00042', '-0.0031', '0.000', '3', '0.95')
    """
    import math
    import numbers

    from babel.numbers import format_decimal, format_percent

    if not isinstance(value, numbers.Real):
        raise TypeError(f"number() needs a real number, got {value!r} ({type(value).__name__}).")
    locale = _LOCALES.get(language, "en_GB")
    if kind == "share":
        return _unsigned_zero(format_percent(value, "#,##0.0%", locale=locale), value,
                              lambda v: format_percent(v, "#,##0.0%", locale=locale))
    if kind == "count":
        return format_decimal(value, "#,##0", locale=locale)
    if kind == "money":
        shown = format_decimal(value, "#,##0", locale=locale)
        return f"{shown} {currency}" if currency else shown
    if kind == "cutoff":  # as the rule writes it ({threshold:g}), in the locale's symbols
        return format_decimal(value, "0.#####", locale=locale)
    size = abs(value)
    if 0 < size < 0.01:  # a small nonzero estimate keeps two significant digits: a parameter of 0.00042 is no 0.000
        size = float(f"{size:.2g}")  # 0.00999 rounds to 0.010, shown with the three decimals of its size
    places = decimals(size) if not 0 < size < 0.01 else 1 - math.floor(math.log10(size))
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return _unsigned_zero(format_decimal(value, pattern, locale=locale), value,
                          lambda v: format_decimal(v, pattern, locale=locale))


def decimals(size: float) -> int:
    """The decimals of an estimate of this (typical) size, wherever the report shows it: three below 10, two below
    100, one below 1,000, none from 1,000 up. The one rule of a table's column of estimates
    (:func:`kamlib.workbench.report.decimals`, by the column's median size) and of an estimate in a sentence or a key
    number (:func:`number`), so a statistic reads alike in each (a Gini of 0.595, an AUC of 0.757). A single nonzero
    value below 0.01 in a sentence or a key number keeps two significant digits instead (:func:`number`: 0.00042); a
    table's column shows it as "< 0.001" beside the column's decimals.

    Parameters
    ----------
    size : float
        The absolute size of the value (of a column: its median).

    Returns
    -------
    int

    Examples
    --------
    >>> from kamlib.i18n import decimals
    >>> decimals(0.5951), decimals(27.5), decimals(475.3), decimals(15153.2)
    (3, 2, 1, 0)
    """
    return 3 if size < 10 else 2 if size < 100 else 1 if size < 1000 else 0


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
    "ka": "key-account", "en": "(en)", "zh": "(zh)", "ndcg": "nDCG", "ece": "ECE", "anova": "ANOVA",
    "holm": "Holm", "pls": "PLS", "lm": "LM", "derl": "DERL", "sbg": "sBG", "bdw": "BdW", "ipa": "IPA",
    "ipma": "IPMA",
}


#: A last field-name token that is a unit, shown in brackets (``recency_days`` -> "Recency (days)")
_EN_UNITS = {"days": "days", "weeks": "weeks", "months": "months", "seconds": "seconds", "pct": "%",
             "percent": "%", "gbp": "GBP", "usd": "USD", "cny": "CNY", "eur": "EUR"}


#: What the values of a report column are, by the column's name: the glossary from which a table's header gets its
#: unit and its cells their format (:func:`column_kind`; the words of a header come from the field name, from
#: the glossary of headers, :func:`glossary_words`). The kinds:
#:
#: * ``money``: an amount in the log's currency (the header carries the currency code);
#: * ``share``: a part of a whole (of the customers, revenue, purchases, reviews, products or answers) held as a
#:   fraction and shown as a percentage, ``(%)`` in the header;
#: * ``percent``: a number already in percent (``(%)`` in the header);
#: * ``probability``: a probability, or a score between 0 and 1 read as one (P(alive), support, confidence,
#:   precision, AUC): three decimals, no unit;
#: * ``change``: a relative change over a baseline (a hit-rate lift over popularity, a campaign's relative lift:
#:   (treatment - baseline) / baseline), held as a fraction and shown as a percentage, ``(%)`` in the header, with
#:   no bound at 100% (the text says "a lift of 47.8%");
#: * ``points``: a difference of two shares, in percentage points (the report decides it by the table, not by the
#:   name: :func:`kamlib.workbench.report.table_cells`);
#: * ``ratio``: a lift of association rules, a top-decile lift (a multiple of the base rate), an odds ratio or a
#:   return on spend (no unit);
#: * ``count``: things counted (customers, purchase days, repeat purchases);
#: * ``days``: a time in days; ``model_time``: a time in the purchase models' unit (the study's ``clv.unit``);
#: * ``p``: a p-value.
#:
#: A name that is not listed takes the kind of its parts (:func:`column_kind`): ``mean_X``, ``X_ci_lower``,
#: ``holdout_X`` the kind of ``X``; ``X_share``, ``X_rate`` and ``capture_X`` are shares, ``X_days`` days, ``X_pct``
#: percent; another name with revenue, CLV, spend, amount, budget or profit in it is money.
COLUMN_KINDS = {
    **dict.fromkeys((
        "revenue", "clv", "spend", "incremental_clv", "monetary_value", "avg_order", "budget", "amount_dropped",
        "revenue_mae", "revenue_rmse", "value", "pre_spend"), "money"),
    **dict.fromkeys((
        # of the customers
        "customer_share", "top_customer_share", "repeat_buyers_share", "repeat_share", "one_time_share",
        "key_account_share", "targeted_share", "churn_rate", "observed_rate", "false_positive_rate", "hit_rate",
        "baseline_hit_rate", "best_hit_rate", "conversion", "conversion_control", "p_control", "p_treatment",
        # of the revenue, CLV, purchases (the holdout capture of a selection rule and its interval)
        "revenue_share", "clv_share", "orders_share", "value_share", "top20_revenue_share", "holdout_revenue_share",
        "holdout_purchases_share", "revenue_ci_lower", "revenue_ci_upper", "purchases_ci_lower",
        "purchases_ci_upper", "capture", "cumulative_capture", "cumulative_share", "top_decile_capture",
        "returned_share",
        # of the reviews, products, answers, coded units, variance
        "mention_share", "positive_share", "negative_share", "share_in_negative", "share_in_positive",
        "missing_share", "coverage", "agreement", "lmg_share", "first_share", "clf_share",
        "promoters", "detractors",
        # of the top customers that stay on top when a judgement moves (the value index's sensitivity)
        "top_overlap"), "share"),
    **dict.fromkeys((
        "p_alive", "mean_predicted", "support", "confidence", "precision", "recall", "accuracy", "auc", "f1",
        "ndcg", "kappa", "brier", "ece"), "probability"),
    **dict.fromkeys((
        "lift", "top_decile_lift", "odds_ratio", "or", "roi", "conviction"), "ratio"),
    **dict.fromkeys(("hit_rate_lift", "relative_lift", "detectable_lift"), "change"),
    **dict.fromkeys((
        "customers", "frequency", "orders", "repeat_purchases", "calibration_repeat_purchases", "active_customers",
        "reviews", "baskets", "selected", "n", "count", "n_per_arm", "per_arm", "n_control", "n_treatment",
        "test_customers", "customers_with_two_intervals", "rows_dropped", "rows_flagged", "events", "reached"),
        "count"),
    **dict.fromkeys(("recency_days", "tenure_days", "ipt_days", "days_covered"), "days"),
    **dict.fromkeys(("recency", "T", "duration_holdout"), "model_time"),
    "holdout_total_error_pct": "percent",
    "nps": "percent",  # the Net Promoter Score: % promoters minus % detractors, -100 to 100 (Reichheld 2003)
    **dict.fromkeys(("pvalue", "pvalue_adjusted", "pvalue_holm", "likelihood_ratio_p"), "p"),
}

#: The parts a column name is made of, whose kind it takes (``mean_recency_days``: days; ``hit_rate_ci_lower``: a share)
_KIND_PREFIXES = ("mean_", "median_", "holdout_", "true_", "baseline_", "best_", "random_")
_KIND_SUFFIXES = ("_ci_lower", "_ci_upper", "_lower", "_upper", "_se", "_key", "_regular", "_control", "_treatment",
                  "_holdout", "_difference")
_MONEY_WORDS = re.compile(r"(^|_)(revenue|clv|spend|monetary|amount|budget|profit)($|_)")


def column_kind(name: str) -> str | None:
    """What a report column's values are, by its name (:data:`COLUMN_KINDS`, else the kind of its parts); None when
    the name does not say (the report then goes by the values: counts or estimates).

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.

    Returns
    -------
    str or None
        ``money``, ``share``, ``change``, ``percent``, ``probability``, ``ratio``, ``count``, ``days``,
        ``model_time`` or ``p``.

    Examples
    --------
    >>> from kamlib.i18n import column_kind
    >>> column_kind("revenue"), column_kind("revenue_ci_lower"), column_kind("mean_revenue")
    ('money', 'share', 'money')
    >>> column_kind("hit_rate_lift_ci_upper"), column_kind("mean_recency"), column_kind("estimate")
    ('change', 'model_time', None)
    >>> column_kind("lift"), column_kind("true_relative_lift"), column_kind("top_overlap")
    ('ratio', 'change', 'share')
    """
    name = str(name)
    if name in COLUMN_KINDS:
        return COLUMN_KINDS[name]
    if re.search(r"(^|_)pvalue(_adjusted|_holm)?$", name):
        return "p"
    if name.endswith("_share") or name.startswith("share_"):
        return "share"
    for prefix in _KIND_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) and column_kind(name[len(prefix):]):
            return column_kind(name[len(prefix):])
    for suffix in _KIND_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) and column_kind(name[: -len(suffix)]):
            return column_kind(name[: -len(suffix)])
    if name.endswith("_rate") or re.search(r"(^|_)capture($|_)", name):  # capture_clv: the CLV rule's capture
        return "share"
    if name.endswith("_days"):
        return "days"
    if name.endswith("_pct"):
        return "percent"
    return "money" if _MONEY_WORDS.search(name) else None


#: The purchase models' time units (the study's ``clv.unit``), as a header names them.
_TIME_UNITS = {"D": "days", "W": "weeks", "M": "months"}
#: Said when a header cannot know the study's time unit.
_MODEL_TIME = "model's time unit"


def unit_of(kind: str | None, language: str = "en", *, currency: str | None = None,
            time_unit: str | None = None) -> str | None:
    """The unit a header of a column of ``kind`` shows (None: no unit): the currency of money (when known), % of a
    share or percentage, days, or the purchase models' time unit (``D``, ``W`` or ``M``; when unknown: "model's
    time unit"), in ``language`` (the Chinese words from the catalogue, context ``unit``).

    Parameters
    ----------
    kind : str or None
        A kind of :data:`COLUMN_KINDS`.
    language : str
        ``"en"`` or ``"zh"``.
    currency : str, optional
        The study's currency (``transactions.currency``).
    time_unit : str, optional
        The study's ``clv.unit``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.i18n import unit_of
    >>> unit_of("money", currency="USD"), unit_of("share", "zh"), unit_of("model_time", "zh", time_unit="W")
    ('USD', '%', '周')
    >>> unit_of("model_time"), unit_of("money"), unit_of("ratio"), unit_of("change"), unit_of("points", "zh")
    ("model's time unit", None, None, '%', '百分点')
    """
    if kind == "money":
        return currency or None
    if kind in ("share", "percent", "change"):
        return "%"
    words = {"days": "days", "model_time": _TIME_UNITS.get(time_unit or "", _MODEL_TIME),
             "points": "percentage points"}.get(kind or "")
    if words is None:
        return None
    return words if language == "en" else gettext(words, "unit", language) or words


def with_unit(words: str, symbol: str | None, language: str = "en") -> str:
    """``words`` with the unit ``symbol`` in brackets (full-width in Chinese), unless the words already say it (a %
    only in brackets: "前 10% 捕获率" is no unit).

    Parameters
    ----------
    words : str
        A header's words.
    symbol : str or None
        The unit as :func:`unit_of` gives it (None: none).
    language : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.i18n import with_unit
    >>> with_unit("Revenue share", "%"), with_unit("收入", "GBP", "zh"), with_unit("Days since last purchase", "days")
    ('Revenue share (%)', '收入(GBP)', 'Days since last purchase')
    >>> with_unit("前 10% 捕获率", "%", "zh"), with_unit("验证期总误差 (%)", "%", "zh")
    ('前 10% 捕获率(%)', '验证期总误差 (%)')
    """
    said = r"[((]\s*%\s*[))]" if symbol == "%" else re.escape(symbol or "")
    if not symbol or re.search(said, words, re.IGNORECASE):
        return words
    return f"{words}({symbol})" if language == "zh" else f"{words} ({symbol})"


def glossary_words(name: str, language: str = "en") -> str | None:
    """The words of a report column's header in ``language`` from the glossary of headers alone, without the unit
    (None when the glossary has none): the catalogue's ``header`` entry for the column name (``kamlib/locale/en.po``
    for English, ``zh.po`` for Chinese), else composed from the entry of a part (``X_ci_lower``, ``mean_X``,
    ``X_share``, ``X_key``). Every header of the report comes from here; :func:`header_en` falls back to the field
    name's words only for a column the glossary lacks, and a test keeps the report's columns in the glossary.

    The purchase models' inputs are not the RFM features of the same names: ``recency`` is BTYD's t_x (first to
    last purchase; higher is more recent) and ``frequency`` the repeat purchases x, beside ``recency_days`` (days
    since the last purchase; lower is more recent); ``orders`` counts purchase days
    (:data:`kamlib.segments.FEATURES_SQL`, :func:`kamlib.describe.monthly`).

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.
    language : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.i18n import glossary_words
    >>> glossary_words("loglik"), glossary_words("loglik", "zh"), glossary_words("wheat_morrison_k")
    ('Log-likelihood', '对数似然', 'Wheat-Morrison regularity k')
    >>> glossary_words("odds_ratio_ci_lower"), glossary_words("mean_key"), glossary_words("brand_new_column")
    ('Odds ratio CI lower', 'Mean (key accounts)', None)
    """
    return _words_en(str(name)) if language == "en" else _words_zh(str(name))


def _en_headers() -> dict:
    return glossary("header", language="en")


#: How an English header is composed of the words of its parts, when a part has words of its own (:func:`glossary_words`)
_EN_SUFFIXES = (("_ci_lower", "{} CI lower"), ("_ci_upper", "{} CI upper"), ("_lower", "{} lower"),
                ("_upper", "{} upper"), ("_se", "{} SE"), ("_share", "{} share"), ("_key", "{} (key accounts)"),
                ("_regular", "{} (regular customers)"), ("_control", "{} (control)"), ("_treatment", "{} (treatment)"))
_EN_PREFIXES = (("mean_", "Mean {}"), ("holdout_", "Holdout {}"), ("true_", "True {}"))

#: ``kind`` of :func:`header_en` and :func:`header_zh` when not given: the glossary's kind of the column name
_BY_NAME = "by name"


def _lower_first(words: str) -> str:
    return words[0].lower() + words[1:] if len(words) > 1 and words[1].islower() else words


def _words_en(name: str) -> str | None:
    """The English words of a column with words of its own or made of such a part (None: none)."""
    if name in _en_headers():
        return _en_headers()[name]
    for suffix, fmt in _EN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) and (base := _words_en(name[: -len(suffix)])):
            return fmt.format(base)
    for prefix, fmt in _EN_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) and (base := _words_en(name[len(prefix):])):
            return fmt.format(_lower_first(base))
    return None


def header_en(name: str, *, kind: str | None = _BY_NAME, currency: str | None = None,
              time_unit: str | None = None) -> str:
    """The English header of a report column: the glossary's words (:func:`glossary_words`: ``revenue_share`` ->
    "Revenue share", ``loglik`` -> "Log-likelihood"), with the unit of its values; for a column the glossary lacks,
    the field name's words (abbreviations as :data:`_EN_TOKENS` writes them, a unit token in brackets:
    ``tenure_days`` -> "Tenure (days)"). The unit follows the values (:func:`column_kind`, :func:`unit_of`): the
    currency of money, (%) of a share, the purchase models' time unit. A name that is not a lower-case field name
    (``Key account``, ``PQ1``) stays as it is.

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.
    kind : str or None, optional
        The kind of its values (default: the glossary's, :func:`column_kind`; None: no unit).
    currency : str, optional
        The study's currency, shown with money.
    time_unit : str, optional
        The study's ``clv.unit`` (``D``, ``W``, ``M``), shown with times in the purchase models' unit.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.i18n import header_en
    >>> header_en("revenue_share"), header_en("bca_lower"), header_en("pvalue"), header_en("PQ1")
    ('Revenue share (%)', 'BCa CI lower', 'p-value', 'PQ1')
    >>> header_en("mean_recency_days"), header_en("duration_seconds")
    ('Mean days since last purchase', 'Duration (seconds)')
    >>> header_en("revenue", currency="USD"), header_en("revenue_ci_lower", currency="USD")
    ('Revenue (USD)', 'Holdout revenue share CI lower (%)')
    >>> header_en("recency", time_unit="W"), header_en("T"), header_en("frequency")
    ('Time from first to last purchase (weeks)', "Customer age: first purchase to end of period (model's time unit)", 'Repeat purchases')
    """
    name = str(name)
    kind = column_kind(name) if kind == _BY_NAME else kind
    words = _words_en(name)
    if words is None and not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name):
        return name
    if words is None:
        tokens = name.split("_")
        unit = tokens.pop() if len(tokens) > 1 and tokens[-1] in _EN_UNITS else None  # tenure_days: "Tenure (days)"
        text = " ".join(_EN_TOKENS.get(w, w) for w in tokens)
        text = text[0].upper() + text[1:] if _EN_TOKENS.get(tokens[0], tokens[0]) == tokens[0] else text
        words = f"{text} ({_EN_UNITS[unit]})" if unit else text
    return with_unit(words, unit_of(kind, "en", currency=currency, time_unit=time_unit))


def _words_zh(name: str) -> str | None:
    """The Chinese words of a column (without the unit its kind adds), None when the catalogue has none."""
    own = _en_headers().get(name)
    if own is not None and own.lower() == name.replace("_", " ").lower():
        own = None  # "Value" is the column value's word, not the construct's (header "Value": 感知价值)
    cat = catalogue("zh")
    found = ((own and _headers().get(own)) or _headers().get(name) or cat.get(("label", name))
             or cat.get(("value", name)))
    if found:
        return found
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = _words_zh(name[: -len(suffix)])
            if base:
                return fmt.format(base)
    for prefix, fmt in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            base = _words_zh(name[len(prefix):])
            if base:
                return fmt.format(base)
    return None


def header_zh(name: str, *, kind: str | None = _BY_NAME, currency: str | None = None,
              time_unit: str | None = None) -> str | None:
    """The Chinese header of a report column: from the glossary of headers (:func:`glossary_words`: the catalogue's
    ``header`` entry for its English words, then for the name, then ``label`` and ``value``), else by its suffix or prefix
    (``X_ci_lower``, ``mean_X``) with ``X`` from the catalogue, with the unit of its kind as :func:`header_en` has
    it; None when there is none (an abbreviation stays as it is).

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.
    kind, currency, time_unit
        As for :func:`header_en`.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.i18n import header_zh
    >>> header_zh("revenue_share"), header_zh("relative_lift_ci_upper"), header_zh("mean_recency_days")
    ('收入占比(%)', '相对提升 置信区间上限(%)', '平均距上次购买天数')
    >>> header_zh("revenue", currency="CNY"), header_zh("recency", time_unit="D")
    ('收入(CNY)', '首次到末次购买的时长(天)')
    """
    name = str(name)
    kind = column_kind(name) if kind == _BY_NAME else kind
    words = _words_zh(name)
    return with_unit(words, unit_of(kind, "zh", currency=currency, time_unit=time_unit), "zh") if words else None


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
    "used_in", "parameter", "degenerate", "at_bound",
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


#: Characters of Chinese text: the CJK unified ideographs and the full-width forms and punctuation.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_IDEOGRAPHS = re.compile(_IDEOGRAPH)
#: Stands for markup between runs of text (an HTML tag): :func:`zh_punctuation` reads through it and keeps it.
TAG = "\ue000"
#: Stands for text kept as it is (code): :func:`zh_punctuation` reads it as an ASCII word and keeps it.
WORD = "\ue001"


def _bracketed(text: str, i: int) -> tuple[str, str] | None:
    """The text between the bracket opening at ``text[i]`` and its closing bracket, and the character right after
    that (markup aside); None when the bracket does not close within the next 2,000 characters of ``text``."""
    depth = 0
    for j in range(i, min(len(text), i + 2000)):
        depth += {"(": 1, ")": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j], text[j + 1:j + 8].replace(TAG, "")[:1]
    return None


#: What a mark's script is read through: numbers, their signs and units, spaces and markup
_NUMBERY = set("0123456789.%+-−=<>≥≤ ") | {TAG, "\x00"}


def _next(text: str, i: int) -> str:
    """The first character of ``text`` from ``i`` on that is neither a space nor markup (empty at the end)."""
    for ch in text[i:i + 200]:
        if ch not in (" ", TAG):
            return "a" if ch == WORD else ch
    return ""


def zh_punctuation(text: str) -> str:
    """``text`` with full-width punctuation (，；：（）？！) where it sits in Chinese.

    A comma, semicolon or colon is made full width when the clause before it is Chinese (the last character that
    is not part of a number, a space or a citation's number: "为 0.765;", "等[2]:") or the next character after
    spaces is, and a comma or semicolon inside full-width brackets unless it separates two words ("Corporate, Home
    Office"), but never a thousands separator or a colon between digits (12,800; 12:30); a full stop ends a Chinese
    sentence as 。 when the clause before it is Chinese and a space, Chinese or the end follows ("表 13."). An opening bracket is
    made full width when the character before it (spaces aside), the text it encloses or the character right
    after its closing bracket is Chinese (the spaces before it then go), unless it follows a word's last letter and
    encloses no Chinese ("P(alive)、") and no Chinese character follows it ("k(2)和"); its closing bracket goes with
    it. A question or exclamation mark after
    Chinese is made full width. ASCII text keeps its punctuation ("Corporate, Home Office", "12:30", "k = 5").
    Markup between runs of one document stands as :data:`TAG`, which the rules read through, and code as
    :data:`WORD`. Written here because the
    maintained formatter for CJK text, autocorrect-py (2.14), keeps ASCII brackets in Chinese text (adding spaces
    around them) and keeps a colon before a number ("客户:73.9%").

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    References
    ----------
    GB/T 15834-2011 《标点符号用法》 (General rules for punctuation), 4 (the full-width marks of Chinese text).

    Examples
    --------
    >>> from kamlib.i18n import zh_punctuation
    >>> zh_punctuation("按 Podsakoff 等(2003)的规则: 前 20% 客户:73.9%")
    '按 Podsakoff 等（2003）的规则：前 20% 客户：73.9%'
    >>> zh_punctuation("渠道:Corporate, Home Office (12,800 位客户, 60%)? P(alive)、k(2)和 (共 3 位)")
    '渠道：Corporate, Home Office（12,800 位客户，60%）？P(alive)、k（2）和（共 3 位）'
    """
    out: list[str] = []
    opened: list[bool] = []  # per open bracket: made full width

    def last(spaces: bool = False) -> str:
        for ch in reversed(out):
            if ch not in (TAG, "\x00") and not (spaces and ch == " "):
                return "a" if ch == WORD else ch
        return ""

    def context() -> str:
        """The last character before the mark that says which script the clause is in: numbers, their signs and
        spaces, markup and a citation's number ("等[2]") read through."""
        j, depth = len(out) - 1, 0
        while j >= 0:
            ch = out[j]
            if ch == "]" and not depth:  # a citation's number ("等[2]") reads through; other brackets do not
                opening = "".join(out[:j]).rfind("[")
                if opening < 0 or not re.fullmatch(r"[\d,\s–-]+", "".join(out[opening + 1:j])):
                    return ch
                depth = 1
            elif ch == "[" and depth:
                depth = 0
            elif not depth and ch not in _NUMBERY:
                return "a" if ch == WORD else ch
            j -= 1
        return ""

    for i, ch in enumerate(text):
        before = last()
        if ch == "(":
            inside, after_close = _bracketed(text, i) or ("", "")  # an unclosed bracket: its neighbours decide
            after = text[i + 1:i + 2]
            word = before.isascii() and before.isalnum() and not _CJK.search(inside)  # P(alive), f(x)
            full = (not word and bool(_CJK.match(last(spaces=True)) or _CJK.match(after) or _CJK.search(inside))
                    or bool(_IDEOGRAPHS.match(after_close)))  # "(2)和": before a character
            opened.append(full)
            if full:  # no space before a full-width bracket, also when markup stands between them
                j = len(out) - 1
                while j >= 0 and out[j] in (TAG, " "):
                    if out[j] == " ":
                        del out[j]
                    j -= 1
            out.append(_FULL_WIDTH[ch] if full else ch)
        elif ch == ")":
            out.append(_FULL_WIDTH[ch] if (opened.pop() if opened else _CJK.match(before)) else ch)
        elif ch in "（）":  # a bracket already in full width: what is inside it is Chinese text
            if ch == "（":
                opened.append(True)
            elif opened:
                opened.pop()
            out.append(ch)
        elif ch in ",;:":
            rest = _next(text, i + 1)
            if before.isdigit() and (re.match(r"\d{3}(?!\d)", text[i + 1:i + 5]) if ch == "," else
                                     text[i + 1:i + 2].isdigit()):  # 12,800 or 12:30: a number
                out.append(ch)
            elif (_CJK.match(context()) or (rest and _CJK.match(rest[0]))
                  or (ch != ":" and opened and opened[-1]  # inside Chinese brackets, but not in "A, B"
                      and not (ch == "," and text[i + 1:i + 2] == " " and before.isascii() and before.isalpha()
                               and rest[:1].isalpha()))):
                out.extend((_FULL_WIDTH[ch], "\x00"))  # no space after a full-width mark
            else:
                out.append(ch)
        elif ch in "?!" and _CJK.match(context()):
            out.extend((_FULL_WIDTH[ch], "\x00"))
        elif (ch == "." and _CJK.match(context()) and not text[i + 1:i + 2].isdigit()
              and not text[i + 1:i + 2] == "." and (i + 1 == len(text) or text[i + 1] in (" ", TAG)
                                                   or _CJK.match(text[i + 1]))):  # a Chinese sentence's full stop
            out.extend(("。", "\x00"))
        elif ch == " " and out and (out[-1] == "\x00" or (out[-1] == "）" and _IDEOGRAPHS.match(text[i + 1:i + 2]))):
            continue  # no space after a full-width mark, nor between a full-width bracket and Chinese
        else:
            out.append(ch)
    return "".join(out).replace("\x00", "")
