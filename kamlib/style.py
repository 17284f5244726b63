"""The one place that owns the look of every figure.

Okabe-Ito colour-blind-safe palette, sizes readable when printed at column
width, a non-interactive backend for batch runs, deterministic SVG output, and
a CJK font when the report language is Chinese.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # batch runs never open windows

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette (black moved last).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu"  # colour-blind-safe diverging map for heatmaps
SEQUENTIAL = "viridis"

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC"]


def packaged_cjk_font() -> Path | None:
    """Path of the Noto Sans CJK SC font shipped by the ``mplfonts`` package (SIL Open Font License 1.1).

    It comes from the lockfile, so every machine draws the Chinese figures with the same font, whether or not the
    system has one (byte-identical figures across machines).

    Returns
    -------
    Path or None
        The ``.otf`` file; None if ``mplfonts`` is not installed.

    References
    ----------
    Google and Adobe, Noto Sans CJK, https://github.com/notofonts/noto-cjk (SIL OFL 1.1); packaged for matplotlib by
    mplfonts, https://pypi.org/project/mplfonts/.

    Examples
    --------
    >>> from kamlib.style import packaged_cjk_font
    >>> packaged_cjk_font().name  # doctest: +SKIP
    'NotoSansCJKsc-Regular.otf'
    """
    import importlib.util

    spec = importlib.util.find_spec("mplfonts")  # located, not imported (its import sets matplotlib's rcParams)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / "NotoSansCJKsc-Regular.otf"
    return path if path.exists() else None


def cjk_font() -> str | None:
    """Name of a CJK font for Chinese figures, registered with matplotlib.

    The font shipped in the lockfile (:func:`packaged_cjk_font`) comes first; a system font (Debian's
    fonts-noto-cjk, WenQuanYi) is used only without it.

    Returns
    -------
    str or None
        E.g. ``"Noto Sans CJK SC"``; None without a CJK font.

    Examples
    --------
    >>> from kamlib.style import cjk_font
    >>> cjk_font()
    'Noto Sans CJK SC'
    """
    packaged = packaged_cjk_font()
    if packaged is not None:
        if not any(f.fname == str(packaged) for f in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(str(packaged))
        return font_manager.FontProperties(fname=str(packaged)).get_name()
    for path in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/wqy"):
        try:
            for f in font_manager.findSystemFonts(fontpaths=[path]):
                if "CJK" in f or "wqy" in f.lower():
                    font_manager.fontManager.addfont(f)
        except Exception:  # pragma: no cover - font folders differ by system
            pass
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def apply(language: str = "en") -> None:
    """Set the workbook style (seaborn, Okabe-Ito colours, fonts) for all following figures.

    Parameters
    ----------
    language : {"en", "zh"}
        ``"zh"`` selects a CJK font.

    Returns
    -------
    None

    Examples
    --------
    >>> from kamlib.style import apply
    >>> apply("en")
    """
    rc = {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "image.cmap": SEQUENTIAL,
        "svg.hashsalt": "kam-workbook",  # stable ids inside SVG files
        "svg.fonttype": "none",
    }
    plt.rcParams.update(rc)
    font = cjk_font()
    if font is not None:  # a per-glyph fallback for the Chinese version of every figure (Artefacts.figure saves
        # both). matplotlib falls back only across the fonts named in font.family, not across a generic family's
        # list (font.sans-serif), so the fonts are named there.
        plt.rcParams["font.sans-serif"] = ["DejaVu Sans", font]
        plt.rcParams["font.family"] = ["DejaVu Sans", font]
    if language == "zh":
        if font is None:
            warnings.warn(
                "No CJK font is installed, so Chinese labels would print as empty boxes; "
                "reinstall the locked requirements (make report installs mplfonts, which carries Noto Sans CJK SC).",
                stacklevel=2,
            )
        else:
            plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
            plt.rcParams["font.family"] = [font, "DejaVu Sans"]
            plt.rcParams["axes.unicode_minus"] = False


def mark_simulated(fig, language: str = "en") -> None:
    """Stamp a figure as made from simulated data (bottom-right corner).

    Parameters
    ----------
    fig : Figure
        The figure.
    language : {"en", "zh"}
        Language of the stamp.

    Returns
    -------
    None

    Examples
    --------
    >>> from kamlib.style import mark_simulated
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); mark_simulated(fig); plt.close(fig)
    """
    text = gettext("Simulated data", "stamp", language) or "Simulated data"
    fig.text(0.99, 0.01, text, ha="right", va="bottom", fontsize=8, color="#D55E00",
             fontweight="bold", alpha=0.9)


from .i18n import gettext, glossary as _glossary

__all__ = ["CJK_FONTS", "DIVERGING", "PALETTE", "SEQUENTIAL", "apply", "chinese", "cjk_font", "figure_glossary",
           "mark_simulated", "packaged_cjk_font", "translate_figure", "untranslated"]


#: an English word in a figure text: three or more letters with a lower-case letter (AUC, GBP, RFM, BG/NBD are
#: abbreviations and stay; a product or customer name in a label is data, not a word of the figure)
_ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]{2,}\b")
#: model names, which stay in English in both editions (BG/NBD, Pareto/NBD, Gamma-Gamma)
_CJK = re.compile(r"[\u3400-\u9fff]")  # a text with Chinese in it was translated (names inside stay as they are)
_MODEL_NAME = re.compile(r"\b[A-Z][A-Za-z]*/[A-Z][A-Za-z-]*\b|\bGamma-Gamma\b")


#: a field name written by the workbook (``recency_days``, ``data_driven``): never data, never a word of a figure
_FIELD_NAME = re.compile(r"\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b")


def _is_english(text: str) -> bool:
    if re.fullmatch(r"\$.*\$", text.strip()):  # mathtext: a tick of a log axis ($\mathdefault{10^{2}}$)
        return False
    english = _ENGLISH_WORD.search(_MODEL_NAME.sub("", text)) or _FIELD_NAME.search(text)
    return bool(english) and not _CJK.search(text)


def untranslated(fig, *, data=()) -> list[str]:
    """The texts of ``fig`` that the workbook wrote and that are still in English: titles, axis labels, legend
    entries and the figure's other texts with English words, and category labels (ticks) that are field names
    (``recency_days``) or sentence-case English words (a theme's "Customer satisfaction").

    Run after :func:`translate_figure`: what is left is text the catalogue does not know (a new label to add to
    ``kamlib/locale/zh.po``). Data stay as they are and are not reported: numbers, dates, codes, model names
    (BG/NBD), upper-case product descriptions of a log, and the values given in ``data`` (e.g. the log's product
    names and countries, node labels of a product network).

    Parameters
    ----------
    fig : Figure
        The figure.
    data : iterable of str, optional
        Texts that are data values from the log, left as they are.

    Returns
    -------
    list of str
        The texts, each once, in drawing order.

    Examples
    --------
    >>> from kamlib.style import untranslated
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Spend by month"); _ = ax.set_ylabel("AUC")
    >>> _ = ax.bar(["recency_days", "United Kingdom", "WHITE HEART"], [1, 2, 3])
    >>> untranslated(fig, data=["United Kingdom"]); plt.close(fig)
    ['Spend by month', 'recency_days']
    """
    from matplotlib.text import Text

    data = {str(d) for d in data}
    fig.canvas.draw()  # tick labels exist only once drawn
    texts = [fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        legend = ax.get_legend()
        if legend is not None:
            texts += [legend.get_title(), *legend.get_texts()]
    for legend in fig.legends:
        texts += [legend.get_title(), *legend.get_texts()]
    ticks = []
    for ax in fig.axes:
        ticks += [*ax.xaxis.get_ticklabels(), *ax.yaxis.get_ticklabels()]
    others = [t for t in fig.findobj(Text) if t not in texts and t not in ticks]
    out = []
    for t in texts + ticks + others:
        text = t.get_text() if t.get_visible() else ""
        if not text or text in out or text in data or not _is_english(text):
            continue
        if t in ticks or t in others:  # a label on a category or a node: data unless the workbook's words
            lines = [line for line in text.split("\n") if line.strip()]
            if all(line in data for line in lines):
                continue
            words = not _FIELD_NAME.search(text) and not re.search(r"[a-z]{3,}", text)  # upper case: a product name
            if words:
                continue
        out.append(text)
    return out


def figure_glossary() -> dict:
    """English to Chinese of the words a figure shows: the catalogue's ``value``, ``label`` and ``figure`` entries,
    the literature codebook's theme ids and labels (category names the workbook makes) and the glossary of headers
    by its English words (a column named in a figure); read once.

    Returns
    -------
    dict

    Examples
    --------
    >>> from kamlib.style import figure_glossary
    >>> figure_glossary()["Customers"]
    '客户数'
    """
    global _FIGURE_GLOSSARY
    if _FIGURE_GLOSSARY is None:
        from .i18n import codebook_zh

        from .i18n import glossary_words

        # the glossary of headers by its English words ("Days since last purchase"), for a column named in a figure
        headers = {}
        for name in _glossary("header", language="en"):
            en, zh = glossary_words(name, "en"), glossary_words(name, "zh")
            if en and zh:
                headers.setdefault(en, zh)
        _FIGURE_GLOSSARY = {**headers, **codebook_zh(), **_glossary("value", "label", "figure")}
    return _FIGURE_GLOSSARY


_FIGURE_GLOSSARY = None


def chinese(text: str, glossary: dict | None = None) -> str | None:
    """The Chinese of one figure text (None when the glossary does not know it): the glossary's entry, a field
    name's header words (:func:`kamlib.i18n.glossary_words`), a :class:`kamlib.i18n.Message`'s template, a wrapped
    label whole or line by line, names joined by " · ", or words with a unit in brackets ("Revenue (GBP)").

    Parameters
    ----------
    text : str
        The English text.
    glossary : dict, optional
        English to Chinese (default: :func:`figure_glossary`).

    Returns
    -------
    str or None

    Examples
    --------
    >>> from kamlib.style import chinese
    >>> chinese("Customers"), chinese("recency_days"), chinese("Revenue (GBP)"), chinese("no such words")
    ('客户数', '距上次购买天数', '收入 (GBP)', None)
    """
    from .i18n import glossary_words, made

    glossary = figure_glossary() if glossary is None else glossary
    if text in glossary:
        return glossary[text]
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", text) and glossary_words(text, "zh"):  # a column's name
        return glossary_words(text, "zh")
    message = made(text)  # a text with numbers in it, drawn from a Message ("Top 30 rules by lift")
    if message is not None and message.translate("zh"):
        return message.translate("zh")
    if "\n" in text:  # a wrapped label "Key-account\nidentification" whole, else "Quality\nR² 0.71" by line
        if " ".join(text.split("\n")) in glossary:
            return glossary[" ".join(text.split("\n"))]
        lines = text.split("\n")
        new = [chinese(line, glossary) for line in lines]
        return "\n".join(n if n is not None else o for n, o in zip(new, lines)) if any(new) else None
    parts = text.split(" · ")  # "item-based · exclude bought": a category label joined from names
    if len(parts) > 1 and all(p in glossary for p in parts):
        return " · ".join(glossary[p] for p in parts)
    words, _, unit = text.rpartition(" (")
    return f"{glossary[words]} ({unit}" if unit.endswith(")") and len(unit) <= 9 and words in glossary else None


def translate_figure(fig, glossary: dict[str, str] | None = None, *, terms: dict[str, str] | None = None) -> int:
    """Replace every figure text (titles, axis labels, legends, ticks) that the glossary knows, with full-width
    punctuation in its Chinese (:func:`kamlib.i18n.zh_punctuation`: a PNG is not converted as the report's text is).

    Parameters
    ----------
    fig : Figure
        The figure.
    glossary : dict, optional
        English to Chinese (default: :func:`figure_glossary`); each text is translated by :func:`chinese`.
    terms : dict, optional
        More English to Chinese for this figure, taking precedence (e.g. the answer labels of a questionnaire,
        which the instrument file carries in both languages).

    Returns
    -------
    int
        Number of texts replaced.

    Examples
    --------
    >>> from kamlib.style import translate_figure
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_xlabel("Customers")
    >>> translate_figure(fig); plt.close(fig)
    1
    """
    from matplotlib.text import Text

    from .i18n import zh_punctuation

    glossary = figure_glossary() if glossary is None else glossary
    if terms:
        glossary = {**glossary, **terms}

    n = 0
    fig.canvas.draw()  # tick labels exist only once drawn
    for ax in fig.axes:  # category ticks: fix the translated labels (a redraw would regenerate them)
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            new = [None if (z := chinese(t, glossary)) is None else zh_punctuation(z) for t in labels]
            if any(t is not None for t in new):
                axis.set_ticks(axis.get_ticklocs(), [t if t is not None else old for t, old in zip(new, labels)])
                n += sum(t is not None for t in new)
    for t in fig.findobj(Text):
        new = chinese(t.get_text(), glossary)
        if new is not None:
            t.set_text(zh_punctuation(new))
            n += 1
    return n
