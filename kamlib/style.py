"""The one place that owns the look of every figure.

Okabe-Ito colour-blind-safe palette, sizes readable when printed at column
width, a non-interactive backend for batch runs, deterministic SVG output, and
a CJK font when the report language is Chinese.
"""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")  # batch runs never open windows

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette (black moved last).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DIVERGING = "RdBu"  # colour-blind-safe diverging map for heatmaps
SEQUENTIAL = "viridis"

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC"]


def cjk_font() -> str | None:
    """Name of an installed CJK font, registering fonts installed after matplotlib built its cache.

    Returns
    -------
    str or None
        E.g. ``"Noto Sans CJK SC"``; None without a CJK font.

    Examples
    --------
    >>> cjk_font()  # doctest: +SKIP
    """
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
    if font is not None:  # a fallback for the Chinese version of every figure (Artefacts.figure saves both)
        plt.rcParams["font.sans-serif"] = ["DejaVu Sans", font]
        plt.rcParams["font.family"] = "sans-serif"
    if language == "zh":
        if font is None:
            warnings.warn(
                "No CJK font is installed, so Chinese labels would print as empty boxes; "
                "install one with `make browser-deps` (Debian fonts-noto-cjk).",
                stacklevel=2,
            )
        else:
            plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
            plt.rcParams["font.family"] = "sans-serif"
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
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); mark_simulated(fig); plt.close(fig)
    """
    text = gettext("Simulated data", "stamp", language) or "Simulated data"
    fig.text(0.99, 0.01, text, ha="right", va="bottom", fontsize=8, color="#D55E00",
             fontweight="bold", alpha=0.9)


from .i18n import gettext, glossary as _glossary  # noqa: E402

__all__ = ["CJK_FONTS", "DIVERGING", "PALETTE", "SEQUENTIAL", "apply", "cjk_font", "mark_simulated",
           "translate_figure"]


def translate_figure(fig, glossary: dict[str, str] | None = None) -> int:
    """Replace every figure text (titles, axis labels, legends, ticks) that the glossary knows.

    Parameters
    ----------
    fig : Figure
        The figure.
    glossary : dict, optional
        English to Chinese (default: the catalogue's ``figure`` and ``label`` entries, :mod:`kamlib.i18n`).

    Returns
    -------
    int
        Number of texts replaced.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_xlabel("Customers")
    >>> translate_figure(fig); plt.close(fig)
    1
    """
    from matplotlib.text import Text

    glossary = _glossary("figure", "label") if glossary is None else glossary

    def tr(text: str) -> str | None:  # "Revenue (GBP)": the words translated, the unit kept
        if text in glossary:
            return glossary[text]
        words, _, unit = text.rpartition(" (")
        return f"{glossary[words]} ({unit}" if unit.endswith(")") and len(unit) <= 9 and words in glossary else None

    n = 0
    fig.canvas.draw()  # tick labels exist only once drawn
    for ax in fig.axes:  # category ticks: fix the translated labels (a redraw would regenerate them)
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            if any(t in glossary for t in labels):
                axis.set_ticks(axis.get_ticklocs(), [glossary.get(t, t) for t in labels])
                n += sum(t in glossary for t in labels)
    for t in fig.findobj(Text):
        new = tr(t.get_text())
        if new is not None:
            t.set_text(new)
            n += 1
    return n
