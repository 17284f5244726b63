"""The literature as data: source register, codebook, coding matrix, auto-coder, agreement, facts.

* ``data/literature/sources.csv``: the source register (round-trips to BibTeX);
* ``data/literature/codebook.yaml``: themes with labels, definitions, keywords, stage
  and the notebooks/artefacts that test them (``evidence``);
* ``data/literature/coding.csv``: the manual coding (source, unit, theme, coder, note),
  made by reading the sources; notes are our own words, never their sentences;
* ``data/literature/facts.csv``: numbers stated by the sources, cited by fact id.

:func:`autocode` codes any text with the codebook's keywords after Chinese word
segmentation (jieba) and conversion to simplified characters (OpenCC);
:func:`cohen_kappa` and :func:`fleiss_kappa` measure agreement (statsmodels).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .config import DATA, project_path
from ._results import Result
from .errors import KamError, require_columns, rows_preview

__all__ = ["AutoCoding", "BIB_TYPES", "FACT_COLUMNS", "LIT", "REGISTER_COLUMNS", "SOURCE_COLUMNS", "STAGES", "STYLES",
           "STYLE_OF_LANGUAGE", "TYPES", "UNIT_RULES", "agreement", "apa_citations", "autocode", "chinese_csl",
           "citations", "cite_as", "clean_text", "cohen_kappa", "compare_by_source", "cooccurrence",
           "data_set_citations", "doi_urls", "fact", "fleiss_kappa", "format_references", "frequency", "from_bibtex",
           "gaps", "load_codebook", "load_coding", "load_facts", "load_register", "load_sources", "matrix",
           "number_citations", "references", "seed_body", "seed_units", "sources_csl", "themes_table", "to_bibtex",
           "tokenize", "traceability", "work_keys"]

LIT = DATA / "literature"
STAGES = ["identify", "segment", "understand", "act", "evaluate"]
SOURCE_COLUMNS = ["id", "title", "title_en", "authors", "year", "date", "type", "language", "origin"]
TYPES = {"report", "slides", "paper", "book", "article", "thesis", "web"}

# ----------------------------------------------------------------------------- register and BibTeX


def load_sources(path) -> pd.DataFrame:
    """The study's source register, checked: unique ids, known types, four-digit years.

    Parameters
    ----------
    path : str, Path or None
        The study's register (its ``literature.sources``). None: the study declares none, and it has no sources
        (an empty register); kamlib never lends a study another study's register.

    Returns
    -------
    DataFrame
        One row per source: ``id``, ``type``, ``title``, ``author``, ``year``, ... (every column of the file); no rows
        for None.

    Examples
    --------
    >>> from kamlib.literature import load_sources
    >>> load_sources("data/literature/sources.csv")["id"].tolist()[:1]  # the default study's register
    ['S000']
    >>> len(load_sources(None))  # a study that declares none has none
    0
    """
    if path is None:
        return pd.DataFrame(columns=SOURCE_COLUMNS, dtype=str)
    path = project_path(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(df, SOURCE_COLUMNS, where=str(path), fix="see data/literature/sources.csv for the columns")
    dup = df["id"].duplicated(keep=False)
    if dup.any():
        raise KamError(f"{path}: column 'id' repeats {sorted(set(df.loc[dup, 'id']))} in {rows_preview(df.index[dup] + 2)}; "
                       "give every source its own id.")
    bad = ~df["type"].isin(TYPES)
    if bad.any():
        raise KamError(f"{path}: column 'type' has {sorted(set(df.loc[bad, 'type']))} in {rows_preview(df.index[bad] + 2)}; "
                       f"use one of {', '.join(sorted(TYPES))}.")
    bad = (df["year"] != "") & ~df["year"].str.fullmatch(r"\d{4}")
    if bad.any():
        raise KamError(f"{path}: column 'year' must be four digits or empty, not {df.loc[bad, 'year'].tolist()[:3]} "
                       f"in {rows_preview(df.index[bad] + 2)}.")
    return df


BIB_TYPES = {"report": "techreport", "slides": "misc", "paper": "article", "book": "book", "article": "article",
             "thesis": "phdthesis", "web": "misc"}


def to_bibtex(sources: pd.DataFrame) -> str:
    """BibTeX entries (bibtexparser), one per source; every register column is kept as a field.

    Parameters
    ----------
    sources : DataFrame
        The register (:func:`load_sources`).

    Returns
    -------
    str
        The BibTeX text.

    Examples
    --------
    >>> from kamlib.literature import load_sources, to_bibtex
    >>> "@" in to_bibtex(load_sources("data/literature/sources.csv"))
    True
    """
    from bibtexparser.bibdatabase import BibDatabase
    from bibtexparser.bwriter import BibTexWriter

    db = BibDatabase()
    for _, row in sources.iterrows():
        entry = {"ENTRYTYPE": BIB_TYPES.get(row["type"], "misc"), "ID": row["id"]}
        for col, value in row.items():
            if col != "id" and value != "":
                entry[{"type": "kamtype"}.get(col, col)] = str(value)
        db.entries.append(entry)
    writer = BibTexWriter()
    writer.order_entries_by = None
    writer.display_order = list(sources.columns)
    return writer.write(db)


#: A citation in running text: "Podsakoff et al. 2003", "Hu & Bentler (1999)", "Henseler, Ringle & Sarstedt (2015)",
#: "Kline (2016)", and the Chinese edition's forms: "Fabrigar 等 1999", "Kelley(1939)" (full-width brackets),
#: "吴明隆(2010)" (a Chinese author's name, the entry's ``namezh``); group 1 is the first author's surname, group 2 the
#: year.
_NAME = r"[A-Z][A-Za-zÀ-ÿ'\-]+"
#: A surname's particle as the bibliography spells it ("{von Wangenheim}"): part of a second or later author's
#: citation form, "Wübben & von Wangenheim (2008)" (APA 7, 9.8: a particle is kept as the author's name has it)
_PARTICLE = r"(?:(?:von|van|de|der|den|du|da|di|del|della|le|la|ter|zu) )*"
CITATION = re.compile(rf"(?<![A-Za-zÀ-ÿ])({_NAME}|[\u4e00-\u9fff]{{2,4}})(?:(?: et al\.| ?等| (?:&|and) {_PARTICLE}{_NAME}| ?和 ?{_PARTICLE}{_NAME}|"
                      rf"(?:, {_PARTICLE}{_NAME})+,? (?:&|and) {_PARTICLE}[A-Z][A-Za-z'\-]+),? ?[(（]?|,? ?[(（])"
                      rf"((?:19|20)\d{{2}})\b")
#: One author and a bare year right after an opening bracket, "(Satorra 2000)", "(Cohen 1988;", or after a comma or
#: semicolon inside brackets, "(power 0.8, Cohen 1988)" (a name there has a lower-case second letter and is no
#: month, season or holiday); a bare "March 2020" outside brackets is not a citation. The comma form (group
#: ``comma``) is weak evidence: it counts only where its year ends the bracket or a list item (")" or ";" follows,
#: :func:`_scan`), and in a reference list only where it names a work of the bibliography (:func:`references`), so
#: "(UK, Christmas 2010)" or "(orders, Germany 2011 to 2012)" is not a citation.
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Spring|Summer|"
          r"Autumn|Fall|Winter|Christmas|Easter|Halloween|Thanksgiving)\b")
CITATION_OPEN = re.compile(rf"(?:[(（](?!{_MONTH})|(?P<comma>[(（][^()（）]*?[,;，；] ?)(?!{_MONTH})(?=[A-Z][a-zà-ÿ]))({_NAME}),? "
                           rf"((?:19|20)\d{{2}})\b")
#: The weak comma form of :data:`CITATION_OPEN` after a bracket closed inside the open one, "(AHP ..., the author's
#: assumptions (no panel), with Saaty's ratio; Saaty 1980; entropy ...)": one author and a bare year after a comma
#: or semicolon, counted by :func:`_scan` only where a bracket is open at it and the year ends a list item
CITATION_INNER = re.compile(rf"(?P<comma>[,;，；] ?)(?!{_MONTH})(?=[A-Z][a-zà-ÿ])({_NAME}),? ((?:19|20)\d{{2}})\b")
#: The next work of a list that a citation opens: "Hubert & Arabie 1985, Cramér 1946" (after a year, a comma or
#: semicolon, one surname and a year with no parenthesis); matched only right after a citation.
CITATION_NEXT = re.compile(rf"[,;，；] ?({_NAME})(?: et al\.| ?等)? ((?:19|20)\d{{2}})\b")
#: A further year of the same authors: "Hu & Bentler (1999, 2001)", "(Hu & Bentler 1999; 2001)"; matched only right
#: after a citation, and only where the year ends the item (a comma, semicolon or closing bracket follows).
CITATION_YEAR = re.compile(r"[,;，；] ?((?:19|20)\d{2})\b(?=\s*[,;，；)）])")


def _depth(text: str, at: int) -> int:
    """How many brackets (half- or full-width) are open at position ``at`` of ``text``."""
    depth = 0
    for ch in text[:at]:
        depth += ch in "(（"
        depth -= ch in ")）" and depth > 0
    return depth


def _scan(text: str):
    """Each citation of ``text`` as ``(start, end, surname, year, lead, weak)``, in order, ``end`` after a closing
    bracket that belongs to it; ``lead`` is the start of the citation whose authors a further year repeats ("2001" of
    "Hu & Bentler (1999, 2001)"), else ``start``; ``weak`` marks the comma form of :data:`CITATION_OPEN` (one owner
    of where a citation is, for :func:`citations` and :func:`number_citations`)."""
    found = []
    matches = [(m, False) for m in CITATION.finditer(text)]
    matches += [(m, m.group("comma") is not None) for m in CITATION_OPEN.finditer(text)]
    matches += [(m, True) for m in CITATION_INNER.finditer(text) if _depth(text, m.start()) > 0]
    for m, weak in matches:
        g = 2 if m.re is not CITATION else 1
        name, year, first = m.group(g), m.group(g + 1), m.start(g)
        end, head = m.end(), text[m.start():m.end()]
        opened = max(head.rfind("("), head.rfind("（")) > max(head.rfind(")"), head.rfind("）"))
        close = opened and end < len(text) and text[end] in ")）"
        if any(f[0] <= first < f[1] for f in found):  # "(Podsakoff et al. 2003": read by CITATION already
            continue
        if weak and not re.match(r"\s*[)）;；]", text[end:]):
            continue
        found.append((first, end + close, name, year, first, weak))
        nxt_end = end
        while True:
            if (more := CITATION_YEAR.match(text, nxt_end)) is not None:
                found.append((more.start(1), more.end(), name, more.group(1), first, weak))
            elif (more := CITATION_NEXT.match(text, nxt_end)) is not None:
                name, first, weak = more.group(1), more.start(1), False
                found.append((first, more.end(), name, more.group(2), first, weak))
            else:
                break
            nxt_end = more.end()
    return sorted(found)


def citations(text: str) -> list[tuple[str, str]]:
    """The author-year citations in ``text``: ``[(first author's surname, year)]``, each once, in order; a single
    author with a bare year counts when it continues a list of citations (:data:`CITATION_NEXT`).

    Parameters
    ----------
    text : str
        Running text (captions, verdicts, notes), in English or in the Chinese edition's forms.

    Returns
    -------
    list of tuple
        ``(surname, year)`` of each citation (:data:`CITATION`).

    Examples
    --------
    >>> from kamlib.literature import citations
    >>> citations("HTMT below 0.90 (Henseler, Ringle & Sarstedt (2015)); Podsakoff et al. 2003; Kline (2016); On 2011")
    [('Henseler', '2015'), ('Podsakoff', '2003'), ('Kline', '2016')]
    >>> citations("adjusted Rand index and Cramér's V (Hubert & Arabie 1985, Cramér 1946); in 2019, March 2020")
    [('Hubert', '1985'), ('Cramér', '1946')]
    >>> citations("(Fabrigar 等 1999)、Kelley(1939) 与 吴明隆(2010)")
    [('Fabrigar', '1999'), ('Kelley', '1939'), ('吴明隆', '2010')]
    >>> citations("(power 0.8, Cohen 1988); (检验力 0.8，Cohen 1988); (UK, December 2010); (GBP, EUR 2010)")
    [('Cohen', '1988')]
    >>> citations("about 200 (Kline, 2016); (Horn, 1965), which; (March, 2020); (sizes, 2019)")
    [('Kline', '2016'), ('Horn', '1965')]
    """
    return [(surname, year) for surname, year, _ in _cited(text)]


def _cited(text: str) -> list[tuple[str, str, bool]]:
    """:func:`citations` with whether each is only of the weak comma form (:data:`CITATION_OPEN`)."""
    out = {}
    for _, _, surname, year, _, weak in _scan(text):
        out[(surname, year)] = out.get((surname, year), True) and weak
    return [(surname, year, weak) for (surname, year), weak in out.items()]


#: The citation style of each edition: APA 7 (author-date) in English, GB/T 7714-2015 (numeric) in Chinese; each an
#: official CSL style shipped in ``kamlib/resources`` (see its ``CSL.PROVENANCE.md``).
STYLES = {"apa": "apa.csl", "gbt7714": "gb-t-7714-2015-numeric.csl"}
STYLE_OF_LANGUAGE = {"en": "apa", "zh": "gbt7714"}


def number_citations(text: str, numbers: dict, template: str = "[{n}]", *, language: str = "en") -> str:
    """The text with each author-year citation followed by its work's number (GB/T 7714-2015, numeric system: the
    number of a work in the reference list, which numbers works in order of first citation).

    Parameters
    ----------
    text : str
    numbers : dict
        ``{(first author's surname, year): n}``, as :func:`references` labels them.
    template : str
        How a number is written (``"<sup>[{n}]</sup>"`` in HTML).
    language : {"en", "zh"}
        In Chinese each numbered citation takes the standard's author-number form (:func:`_author_number`): the
        authors as Chinese prose names them, without the year, then the number ("Homburg 等[1]", "Hu 和 Bentler[3]");
        every year of the same authors is numbered ("Hu 和 Bentler[3][4]"), and what else the citation's bracket holds
        stays in a bracket closed after the numbers ("Hair 等[2] (p. 5)"); in English the citation is kept as written
        and each number follows its year.

    Returns
    -------
    str
        A citation of a work without a number is left as it is.

    References
    ----------
    GB/T 7714-2015 (信息与文献 参考文献著录规则), 10.1: in the numeric system each citation carries the number of its
    work in the reference list, in square brackets; where the text names the author, the number follows the name.

    Examples
    --------
    >>> from kamlib.literature import number_citations
    >>> number_citations("cut-offs of Hu & Bentler (1999) and Kline (2016)", {("Hu", "1999"): 3, ("Kline", "2016"): 1})
    'cut-offs of Hu & Bentler (1999)[3] and Kline (2016)[1]'
    >>> number_citations("按 Hu & Bentler (1999) 和 Kline (2016) 的临界值", {("Hu", "1999"): 3, ("Kline", "2016"): 1},
    ...                  language="zh")
    '按 Hu 和 Bentler[3] 和 Kline[1] 的临界值'
    >>> number_citations("Homburg et al. (2002) 发现；(Satorra 2000)", {("Homburg", "2002"): 1, ("Satorra", "2000"): 2},
    ...                  language="zh")
    'Homburg 等[1] 发现；(Satorra[2])'
    >>> number_citations("Hair et al. (2022, p. 5); Hu & Bentler (1999, 2001)",
    ...                  {("Hair", "2022"): 2, ("Hu", "1999"): 3, ("Hu", "2001"): 4}, language="zh")
    'Hair 等[2] (p. 5); Hu 和 Bentler[3][4]'
    """
    groups = {}  # a citation and the further years of its authors ("Hu & Bentler (1999, 2001)")
    for item in _scan(text):
        groups.setdefault(item[4], []).append(item)
    for group in reversed(list(groups.values())):
        if not any((s, y) in numbers for _, _, s, y, _, _ in group):
            continue
        if language != "zh":  # the citation as written, each numbered year followed by its number
            for _, end, surname, year, _, _ in reversed(group):
                if (surname, year) in numbers:
                    text = text[:end] + template.format(n=numbers[(surname, year)]) + text[end:]
            continue
        start, head_end = group[0][0], group[0][1]
        cut = group[-1][1]
        names, after = _author_number(text[start:head_end])
        nums = "".join(template.format(n=numbers[(s, y)]) for _, _, s, y, _, _ in group if (s, y) in numbers)
        rest = [y for _, _, s, y, _, _ in group if (s, y) not in numbers]  # a year with no entry stays, bracketed
        own = _CITED.match(text[start:head_end].strip())
        opening = own["open"].strip(" ,") if own is not None and own["open"] and not own["close"] else ""
        if opening:  # "Hair et al. (2022, p. 5)": the bracket's remaining text stays, closed after the numbers
            shut = min((i for i in (text.find(")", cut), text.find("）", cut)) if i >= 0), default=-1)
            if shut >= 0:
                inner = re.sub(r"^[\s,;，；]+", "", text[cut:shut]).strip()
                rest, cut = rest + ([inner] if inner else []), shut + 1
        if rest:
            bracket = ("（", "）") if (opening or "(") == "（" else (" (", ")")
            after = bracket[0] + ", ".join(rest) + bracket[1] + after
        text = text[:start] + names + nums + after + text[cut:]
    return text


#: A citation as :func:`_scan` delimits it: the names, the year (in brackets of its own or bare), and a closing
#: bracket that closes a parenthesis opened before the names ("(Satorra 2000)")
_CITED = re.compile(r"^(?P<names>.*?)(?P<open>,? ?[(（])?(?:19|20)\d{2}(?P<close>[)）]?)$", flags=re.S)
#: How the names of two authors and of three or more are joined in a citation (English and Chinese forms)
_AND = re.compile(r"\s*(?:,\s*)?(?:&|\band\b|和)\s*")


def _author_number(cited: str) -> tuple[str, str]:
    """A citation in the author-number form of GB/T 7714-2015 in Chinese prose: the author, two authors joined by
    "和", or the first author and "等" for three or more, without the year; the number goes between the two parts
    returned (the second is a bracket closing a parenthesis the citation sits in, or empty).

    Parameters
    ----------
    cited : str
        One citation as the text writes it ("Homburg et al. (2002)", "Hu & Bentler (1999)", "Henseler, Ringle &
        Sarstedt 2015", "吴明隆(2010)", "Satorra 2000)").

    Returns
    -------
    tuple of str
        ``(names, after)``: what precedes the number and what follows it.

    References
    ----------
    GB/T 7714-2015 (信息与文献 参考文献著录规则), 10.1.2 and 10.2.2: a cited author's name in the text is followed by
    the work's number; a work of three or more authors is named by its first author and "等".

    Examples
    --------
    >>> from kamlib.literature import _author_number
    >>> _author_number("Homburg et al. (2002)"), _author_number("Hu & Bentler (1999)")
    (('Homburg 等', ''), ('Hu 和 Bentler', ''))
    >>> _author_number("Henseler, Ringle & Sarstedt 2015"), _author_number("Satorra 2000)"), _author_number("吴明隆(2010)")
    (('Henseler 等', ''), ('Satorra', ')'), ('吴明隆', ''))
    """
    m = _CITED.match(cited.strip())
    if m is None:  # not a citation of :func:`_scan`'s forms: kept as written
        return cited, ""
    names = m["names"].strip().rstrip(",，").strip()
    after = m["close"] if m["close"] and not m["open"] else ""  # a bracket of its own around the year goes with it
    if re.search(r"\bet al\.|等", names):
        return re.split(r"\s*(?:\bet al\.|等)", names)[0].strip() + " 等", after
    people = [p for p in re.split(r"\s*,\s*|" + _AND.pattern, names) if p.strip()]
    if len(people) >= 3:
        return f"{people[0]} 等", after
    return " 和 ".join(people), after


#: A character of Chinese text (Han characters, CJK punctuation and full-width forms): a citation next to one is in
#: Chinese prose, which :func:`apa_citations` leaves as it is.
_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def apa_citations(text: str, known=None) -> str:
    """The text with each author-year citation in the form of APA 7: a work of three or more authors cited by its
    first author and "et al.", two authors joined by "&" inside parentheses and by "and" in running text, and a
    comma before the year inside parentheses; a further year of the same authors, a page and the words around are
    kept, and works in one bracket are separated by semicolons.

    The report writes citations author-year without a comma ("(Hu & Bentler 1999)", "Kline (2016)"), the form
    :func:`citations` reads and the Chinese edition numbers (:func:`number_citations`); the English edition passes
    its text through this function when it is rendered. The result is still read by :func:`citations` as the same
    works.

    Parameters
    ----------
    text : str
        Running text, a caption or a table cell of the English edition (not a reference list, not code).
    known : set of tuple, optional
        ``{(surname, year)}`` of the works of the reference list: a citation of the weak comma form of
        :data:`CITATION_OPEN` ("(power 0.8, Cohen 1988)") is rewritten only when it names one of them (None: every
        citation :func:`_scan` finds is rewritten).

    Returns
    -------
    str
        A citation in Chinese prose (a Han character or full-width bracket next to it, or a text mostly in
        Chinese) is left as written.

    References
    ----------
    American Psychological Association (2020). *Publication Manual of the American Psychological Association*
    (7th ed.), 8.10-8.12 (parenthetical and narrative citations, "&" and "and") and 8.17 (one, two, and three or
    more authors: "et al." from the first citation).

    Examples
    --------
    >>> from kamlib.literature import apa_citations
    >>> apa_citations("(Schmittlein, Morrison & Colombo 1987; Fader, Hardie & Lee 2005)")
    '(Schmittlein et al., 1987; Fader et al., 2005)'
    >>> apa_citations("as Hu & Bentler (1999) and Podsakoff, MacKenzie, Lee & Podsakoff (2003) advise (Kline 2016)")
    'as Hu and Bentler (1999) and Podsakoff et al. (2003) advise (Kline, 2016)'
    >>> apa_citations("(Hosmer, Lemeshow & Sturdivant 2013, p. 177); (Hu & Bentler 1999; 2001); Hu & Bentler 1999, 2001")
    '(Hosmer et al., 2013, p. 177); (Hu & Bentler, 1999, 2001); Hu and Bentler (1999, 2001)'
    >>> apa_citations("(Hubert & Arabie 1985, Cramér 1946); (DERL, Fader and Hardie 2010)")
    '(Hubert & Arabie, 1985; Cramér, 1946); (DERL, Fader & Hardie, 2010)'
    >>> apa_citations("按 Hu & Bentler (1999) 的临界值 (检验力 0.8，Cohen 1988)")
    '按 Hu & Bentler (1999) 的临界值 (检验力 0.8，Cohen 1988)'
    """
    if not isinstance(text, str) or not text or \
            len(_HAN.findall(text)) > len(re.findall(r"[A-Za-z]", text)):  # Chinese text: as written
        return text
    groups = {}  # a citation and the further years of its authors ("Hu & Bentler (1999, 2001)")
    for item in _scan(text):
        groups.setdefault(item[4], []).append(item)
    edits, previous_end = [], None
    for group in sorted(groups.values()):
        start, end, surname, year, _, weak = group[0]
        after_previous, previous_end = previous_end, group[-1][1]
        head = text[start:end]
        if _HAN.search(text[max(0, start - 2):start] + head + text[end:end + 1]) or "等" in head:
            continue
        if weak and known is not None and (surname, year) not in known:
            continue
        m = _CITED.match(head)
        if m is None:
            continue
        names = m["names"].strip().rstrip(",").strip()
        if re.search(r"\bet al\.", names):
            people = [re.split(r"\s*\bet al\.", names)[0].strip(), "", ""]
        else:
            people = [p for p in re.split(r"\s*,\s*|" + _AND.pattern, names) if p.strip()]
        lead_in = ""  # an abbreviation the scanner read as a first author ("DERL, Fader and Hardie 2010"): kept
        while len(people) > 1 and people[0].isupper() and len(people[0]) > 1:
            people = people[1:]
            lead_in = head[:head.index(people[0], len(lead_in))]
        if not people:
            continue
        depth = 0  # the brackets open where the citation starts: inside them it is parenthetical
        for ch in text[:start]:
            depth += ch == "("
            depth -= ch == ")" and depth > 0
        tail = head[len(head) - len(m["close"]) - 4:]  # the year and a bracket that closes after it
        narrative = bool(m["open"]) or depth == 0
        joined = " and " if narrative else " & "
        who = people[0] if len(people) == 1 else joined.join(people) if len(people) == 2 else f"{people[0]} et al."
        if m["open"]:
            new = f"{who} ({tail}"
        elif narrative:  # a bare year in running text: the year and the further years of the authors in brackets
            last = group[-1][1] + re.match(r"(?:[,;] ?(?:19|20)\d{2}\b(?![.,]\d))*", text[group[-1][1]:]).end()
            new, end = f"{who} ({tail}{text[end:last]})", last
        else:
            new = f"{who}, {tail}"
        edits.append((start, end, lead_in + new))
        for (_, before, *_), (after, *_) in zip(group, group[1:]):  # "(Hu & Bentler 1999; 2001)": one work's years
            if not narrative and re.fullmatch(r"\s*;\s*", text[before:after]):
                edits.append((before, after, ", "))
        if after_previous is not None and depth and re.fullmatch(r"\s*,\s*", text[after_previous:start]):
            edits.append((after_previous, start, "; "))  # works in one bracket: separated by semicolons
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text



def references(text: str, bibtex: str | None = None, *, style: str = "apa") -> list[dict]:
    """The reference list of a text: every work it cites, formatted in a citation style by pandoc's citeproc from
    the bibliography (``data/literature/methods.bib``).

    Parameters
    ----------
    text : str
        The report's text (any language; citations are author-year, as the verdicts write them).
    bibtex : str, optional
        BibTeX to draw from (default: ``methods.bib``).
    style : {"apa", "gbt7714"}
        APA 7 (entries in author order) or GB/T 7714-2015 numeric (entries numbered in order of first citation).

    Returns
    -------
    list of dict
        One per cited work, in the style's order: ``key``, ``author`` (first surname as cited), ``year``,
        ``cited_as`` (every ``(surname, year)`` the text cites it by),
        ``label`` (``"[3]"`` in a numeric style, else None), ``runs`` (``[(text, italic)]``, the formatted entry
        with its emphasis) and ``text`` (the same as plain text); a citation with no entry comes last, with
        ``key`` and ``text`` None, so the report and the tests can name it.

    References
    ----------
    Citation Style Language 1.0.2 specification, https://docs.citationstyles.org; pandoc's citeproc,
    https://pandoc.org/MANUAL.html#citations. Styles: ``apa.csl`` and
    ``china-national-standard-gb-t-7714-2015-numeric.csl`` of https://github.com/citation-style-language/styles.

    Examples
    --------
    >>> from kamlib.literature import references
    >>> references("fit cut-offs of Hu & Bentler (1999)")[0]["text"][:60]
    'Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit ind'
    >>> references("Hu & Bentler (1999)", style="gbt7714")[0]["label"]
    '[1]'
    """
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    by = _keys(bibtex)
    cited = [(surname, year, by.get((_plain(surname), year)) or by.get((surname, year)), weak)
             for surname, year, weak in _cited(text)]
    cited = [(s, y, k) for s, y, k, weak in cited if k or not weak]  # "(UK, Christmas 2010)" names no work
    cited = [c for c in cited if c[2] or not re.match(r"[\u4e00-\u9fff]", c[0])]  # a Chinese phrase, not a name
    aliases = {}  # each work's citations in order of first appearance: its keys' order and its first form
    for surname, year, k in cited:
        if k:
            aliases.setdefault(k, []).append((surname, year))
    out = []
    for entry in format_references(list(aliases), style=style, bibtex=bibtex):
        surname, year = aliases[entry["key"]][0]
        out.append({**entry, "author": surname, "year": year, "cited_as": aliases[entry["key"]]})
    out += [{"key": None, "author": s, "year": y, "label": None, "runs": [], "text": None, "cited_as": [(s, y)]}
            for s, y, k in cited if k is None]
    return out


def format_references(keys, *, style: str = "apa", bibtex: str | None = None, csl_items: list[dict] | None = None,
                      ) -> list[dict]:
    """Entries formatted by pandoc's citeproc in an official CSL style, in the style's order.

    Written here because no maintained Python library runs full CSL (citeproc-py lacks the year-suffix
    disambiguation and number collapsing these styles need); pandoc does, and the ``pypandoc-binary`` wheel
    carries it. This function only feeds it the keys and reads its output (the JSON document tree).

    Parameters
    ----------
    keys : sequence of str
        The works in order of first citation (this order numbers a numeric style).
    style : {"apa", "gbt7714"}
    bibtex : str, optional
        BibTeX holding the keys (default: ``methods.bib``).
    csl_items : list of dict, optional
        Further entries as CSL JSON items (for example the source register, :func:`sources_csl`).

    Returns
    -------
    list of dict
        ``key``, ``label`` (``"[n]"`` in a numeric style), ``runs`` (``[(text, italic)]``) and ``text``.

    References
    ----------
    MacFarlane, J. Pandoc User's Guide, https://pandoc.org/MANUAL.html (citeproc, CSL JSON bibliographies).

    Examples
    --------
    >>> from kamlib.literature import format_references
    >>> [r["label"] for r in format_references(["kaiser1974", "cohen1988"], style="gbt7714")]
    ['[1]', '[2]']
    """
    if style not in STYLES:
        raise KamError(f"citation style {style!r} is not known; use one of {sorted(STYLES)}.")
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    if style == "gbt7714":  # a work in Chinese is listed in Chinese: its item (read after the BibTeX) replaces it
        csl_items = [*chinese_csl(bibtex, keys), *(csl_items or [])]
        bibtex = doi_urls(bibtex)  # an online work's [J/OL] entry names its URL and access date
    out = _pandoc(tuple(keys), style, bibtex, _json(csl_items), None)
    if style == "gbt7714":
        # The style prints each work in its own language ("et al.", "2nd ed." for a work in English) only under
        # CSL-M's per-locale layouts, which pandoc does not run: format the list again in an English locale (the
        # numbering follows the same citation order) and take each work from the run of its language.
        chinese = _languages(bibtex) | {i["id"] for i in csl_items or [] if str(i.get("language", "")).startswith("zh")}
        english = {r["key"]: r for r in _pandoc(tuple(keys), style, bibtex, _json(csl_items), "en-US")}
        out = [r if r["key"] in chinese else english[r["key"]] for r in out]
    missing = [k for k in keys if k not in {r["key"] for r in out}]
    if missing:
        raise KamError(f"the bibliography has no entry for {missing}; add them to data/literature/methods.bib.")
    return out


def doi_urls(bibtex: str) -> str:
    """The bibliography with each DOI's URL (``https://doi.org/`` and the DOI) as the entry's ``url`` where it has
    none, for the GB/T 7714-2015 list: an entry with a DOI is an online work ([J/OL], [M/OL]), and the standard
    describes one by its access date (the entry's ``urldate``, the day its DOI was checked) and its URL, then its DOI.

    Parameters
    ----------
    bibtex : str

    Returns
    -------
    str
        The same BibTeX with a ``url`` field after each ``doi`` field of an entry that has no ``url``.

    References
    ----------
    GB/T 7714-2015 (信息与文献 参考文献著录规则), 4.2.2 and 8.8: the access date in brackets, then the access
    path (URL), then the DOI, of an online work.

    Examples
    --------
    >>> from kamlib.literature import doi_urls
    >>> print(doi_urls("@article{a,\\n  doi = {10.1/x},\\n  urldate = {2026-12-07}\\n}"))
    @article{a,
      doi = {10.1/x},
      url = {https://doi.org/10.1/x},
      urldate = {2026-12-07}
    }
    """
    def entry(m):
        text = m.group(0)
        if re.search(r"(?mi)^\s*url\s*=", text):
            return text
        return re.sub(r"(?mi)^(\s*)doi\s*=\s*\{([^}]*)\}(,?)",
                      lambda d: f"{d.group(1)}doi = {{{d.group(2)}}},\n{d.group(1)}url = {{https://doi.org/{d.group(2)}}}"
                                f"{d.group(3)}", text)

    return re.sub(r"(?ms)^@\w+\{.*?^\}", entry, bibtex)


#: CSL types of the BibTeX entries a work in Chinese may be (:func:`chinese_csl`)
_CSL_TYPES = {"book": "book", "article": "article-journal", "incollection": "chapter", "thesis": "thesis",
              "phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report", "misc": "document"}


def chinese_csl(bibtex: str | None = None, keys=None) -> list[dict]:
    """The bibliography's works in Chinese (``langid = {chinese}``) as CSL JSON items in Chinese, for the GB/T
    7714-2015 list: the author as written in Chinese (``namezh``, a literal name, so it is neither inverted nor
    initialled), and the title, publisher and place in Chinese (``titlezh``, ``publisherzh``, ``addresszh``; the
    entry's own field where it has none). The BibTeX entry itself stays as the English edition cites it (a romanised
    name, a translated title in brackets, APA 7, 9.38).

    Parameters
    ----------
    bibtex : str, optional
        The bibliography (default ``methods.bib``).
    keys : iterable of str, optional
        Only these works (all by default).

    Returns
    -------
    list of dict
        One CSL JSON item per work in Chinese, ``language`` ``zh-CN``.

    References
    ----------
    GB/T 7714-2015 (信息与文献 参考文献著录规则), 8.1.1 and 8.1.2: a work is described in the language it was
    published in, a Chinese author by the full name.

    Examples
    --------
    >>> from kamlib.literature import chinese_csl
    >>> item = chinese_csl(keys=["wu2010"])[0]
    >>> item["author"], item["title"], item["publisher-place"]
    ([{'literal': '吴明隆'}], '问卷统计分析实务: SPSS 操作与应用', '重庆')
    """
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    wanted = None if keys is None else set(keys)
    items = []
    for key, entry in _parsed(bibtex).entries.items():
        f = entry.fields
        if f.get("langid") != "chinese" or (wanted is not None and key not in wanted):
            continue

        def field(name):
            return re.sub(r"[{}]", "", f.get(f"{name}zh") or f.get(name) or "").strip()

        item = {"id": key, "type": _CSL_TYPES.get(entry.type.lower(), "document"), "language": "zh-CN",
                "title": field("title"), "issued": {"date-parts": [[int(f["year"])]]}}
        if "namezh" in f:
            item["author"] = [{"literal": n.strip()} for n in f["namezh"].split(";")]
        else:
            item["author"] = [{"literal": re.sub(r"[{}\\]", "", " ".join(p.last_names + p.first_names))}
                              for p in entry.persons.get("author", [])]
        for csl, name in (("publisher", "publisher"), ("publisher-place", "address"), ("container-title", "journal"),
                          ("volume", "volume"), ("issue", "number"), ("page", "pages"), ("DOI", "doi")):
            if field(name):
                item[csl] = field(name)
        if field("doi"):  # an online work: its URL and access date, as doi_urls gives a work in English
            item["URL"] = field("url") or f"https://doi.org/{field('doi')}"
        if field("urldate"):
            item["accessed"] = {"date-parts": [[int(x) for x in field("urldate").split("-")]]}
        items.append(item)
    return items


def _json(items) -> str | None:
    import json

    return json.dumps(items, ensure_ascii=False, sort_keys=True) if items else None


def _languages(bibtex: str) -> frozenset:
    """The keys of the works in Chinese (``langid = {chinese}``)."""
    return frozenset(k for k, e in _parsed(bibtex).entries.items() if e.fields.get("langid") == "chinese")


@functools.lru_cache(maxsize=32)
def _pandoc(keys: tuple, style: str, bibtex: str, csl_json: str | None, lang: str | None) -> list[dict]:
    """One run of pandoc's citeproc over ``keys``: the entries as ``key``, ``label``, ``runs``, ``text``."""
    import json
    import os
    import subprocess
    import tempfile

    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "works.bib"
        bib.write_text(bibtex, encoding="utf-8")
        args = [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "json", "--citeproc", "--quiet",
                "--bibliography", str(bib), "--csl", str(Path(__file__).parent / "resources" / STYLES[style])]
        if lang:
            args += ["--metadata", f"lang={lang}"]
        if csl_json:
            items = Path(tmp) / "more.json"
            items.write_text(csl_json, encoding="utf-8")
            args += ["--bibliography", str(items)]
        text = " ".join(f"[@{k}]" for k in keys) + "\n"
        done = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=120,
                              env={**os.environ, "LANG": "C.UTF-8"})
    if done.returncode != 0:
        raise KamError(f"pandoc could not format the references ({done.stderr.decode(errors='replace')[:300]}); "
                       f"check the bibliography entries of {list(keys)}.")
    doc = json.loads(done.stdout)
    refs = next((b for b in doc["blocks"] if b["t"] == "Div" and b["c"][0][0] == "refs"), None)
    out = []
    for div in (refs["c"][1] if refs else []):
        key = div["c"][0][0].removeprefix("ref-")
        label, runs = None, []
        for block in div["c"][1]:
            for node in (block["c"] if block["t"] in ("Para", "Plain") else [block]):
                if node["t"] == "Span" and "csl-left-margin" in node["c"][0][1]:
                    label = _plain_runs(node["c"][1]).strip()
                else:
                    runs += _runs([node])
        runs = _merge(runs)
        out.append({"key": key, "label": label, "runs": runs, "text": "".join(t for t, _ in runs)})
    return out


def _runs(nodes, italic: bool = False) -> list[tuple[str, bool]]:
    """Pandoc inline (or block) nodes as ``(text, italic)`` runs."""
    out = []
    for n in nodes:
        t, c = n["t"], n.get("c")
        if t == "Str":
            out.append((c, italic))
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append((" ", italic))
        elif t == "Emph":
            out += _runs(c, not italic)
        elif t in ("Strong", "SmallCaps", "Span", "Superscript", "Subscript", "Underline", "Strikeout"):
            out += _runs(c[1] if t == "Span" else c, italic)
        elif t == "Link":
            out += _runs(c[1], italic)
        elif t == "Quoted":
            q = "\u201c\u201d" if c[0]["t"] == "DoubleQuote" else "\u2018\u2019"
            out += [(q[0], italic)] + _runs(c[1], italic) + [(q[1], italic)]
        elif t in ("Para", "Plain"):
            out += _runs(c, italic)
        elif t == "Code":
            out.append((c[1], italic))
    return out


def _plain_runs(nodes) -> str:
    return "".join(t for t, _ in _runs(nodes))


def _merge(runs):
    out = []
    for text, italic in runs:
        if out and out[-1][1] == italic:
            out[-1] = (out[-1][0] + text, italic)
        else:
            out.append((text, italic))
    if out:
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
        out[0] = (out[0][0].lstrip(), out[0][1])
    return [r for r in out if r[0]]


def sources_csl(sources: pd.DataFrame, *, language: str = "en") -> list[dict]:
    """The study's source register as CSL JSON items (keyed by source id), for :func:`format_references`.

    Parameters
    ----------
    sources : DataFrame
        The study's register (:func:`load_sources`; no rows: no items).
    language : {"en", "zh"}
        In English the Chinese title is followed by its translation in square brackets (APA 7, 9.38).

    Returns
    -------
    list of dict

    Examples
    --------
    >>> from kamlib.literature import load_sources, sources_csl
    >>> sources_csl(load_sources("data/literature/sources.csv"))[0]["id"]
    'S000'
    """
    kinds = {"report": "report", "slides": "speech", "paper": "manuscript", "book": "book", "article": "article-journal",
             "thesis": "thesis", "web": "webpage"}
    items = []
    for _, row in sources.iterrows():
        title = row["title"]
        if language == "en" and str(row.get("title_en", "")).strip():
            title = f"{title} [{row['title_en']}]"
        item = {"id": row["id"], "type": kinds.get(row["type"], "document"), "title": title,
                "language": "zh-CN" if row.get("language") == "zh" else "en-US",
                "publisher": str(row.get("origin", "")).split(" (")[0]}
        if str(row.get("type")) == "slides":
            item["genre"] = "演示文稿" if language == "zh" else "Slides"
        date = str(row.get("date", "") or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            item["issued"] = {"date-parts": [[int(x) for x in date.split("-")]]}
        elif str(row.get("year", "")).isdigit():
            item["issued"] = {"date-parts": [[int(row["year"])]]}
        if str(row.get("authors", "")).strip():
            item["author"] = [{"literal": a.strip()} for a in str(row["authors"]).split(";")]
        items.append(item)
    return items


REGISTER_COLUMNS = ["key", "topic", "topic_zh", "finding_en", "finding_zh", "used_by"]


def load_register(path=None, bibtex: str | None = None) -> pd.DataFrame:
    """The literature register: peer-reviewed works the hypotheses and the discussion rest on, with what each found,
    in our own words in both languages, and how the report cites it.

    Parameters
    ----------
    path : str or Path, optional
        ``data/literature/register.csv`` by default (``key``, ``topic``, ``topic_zh``, ``finding_en``,
        ``finding_zh``, ``used_by``).
    bibtex : str, optional
        The bibliography holding every key (default ``methods.bib``, where each entry says where it was verified).

    Returns
    -------
    DataFrame
        The register with ``cite`` (the in-text citation, :func:`cite_as`), in file order.

    Examples
    --------
    >>> from kamlib.literature import load_register
    >>> load_register().set_index("key").loc["morgan1994", "cite"]
    'Morgan & Hunt (1994)'
    """
    path = Path(path) if path is not None else LIT / "register.csv"
    reg = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(reg, REGISTER_COLUMNS, where=str(path), fix="the register needs one row per work with these columns")
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    known = set(_keys(bibtex).values())
    missing = [k for k in reg["key"] if k not in known]
    if missing:
        raise KamError(f"{path} names works that data/literature/methods.bib does not hold ({', '.join(missing)}); add "
                       "each with a '% verified:' line naming the public record that confirms it.")
    empty = reg.loc[(reg["finding_en"].str.strip() == "") | (reg["finding_zh"].str.strip() == ""), "key"].tolist()
    if empty:
        raise KamError(f"{path}: the works {empty} have no finding in English or Chinese; write what each found.")
    return reg.assign(cite=[cite_as(k, bibtex) for k in reg["key"]])


def cite_as(key: str, bibtex: str | None = None) -> str:
    """A work's in-text citation as the report writes it (author-year, which :func:`citations` reads back): one or
    two authors by surname, three or more as the first "et al." (APA 7, 8.17).

    Parameters
    ----------
    key : str
        The work's BibTeX key.
    bibtex : str, optional
        The bibliography (default ``methods.bib``).

    Returns
    -------
    str

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.), 8.17 (author-date citations).

    Examples
    --------
    >>> from kamlib.literature import cite_as
    >>> cite_as("hu1999"), cite_as("fornell1996"), cite_as("wubben2008")
    ('Hu & Bentler (1999)', 'Fornell et al. (1996)', 'Wübben & von Wangenheim (2008)')
    """
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    entry = _parsed(bibtex).entries[key]
    from pybtex.richtext import Text

    # LaTeX accents and braces decoded ("W{\\"u}bben" is Wübben), a braced particle kept ("{von Wangenheim}")
    names = [Text.from_latex(" ".join(p.last_names)).render_as("text") for p in entry.persons["author"]]
    who = names[0] if len(names) == 1 else f"{names[0]} & {names[1]}" if len(names) == 2 else f"{names[0]} et al."
    return f"{who} ({entry.fields['year']})"


#: A reference-style citation in a data set's provenance note: "Chen, D., Sain, S. L. & Guo, K. (2012)", "Wang, R.
#: (2013-2017)": the first author's surname and the year
_REFERENCE_START = re.compile(r"(?:^|(?<=[.;]\s))([A-Z][A-Za-zÀ-ÿ'\-]+), [A-Z]\.[^()]*?\(((?:19|20)\d{2})")


def data_set_citations(citation: str, bibtex: str | None = None) -> str:
    """The in-text citations of the bibliography's works that a data set's provenance note names, for the report's
    data table (so that the reference lists hold them): a work its note cites in reference style (first author and
    year: "Chen, D., Sain, S. L. & Guo, K. (2012). ...") and a ``@dataset`` entry whose title and publisher the note
    names ("UCI Machine Learning Repository, \"Online Retail\""), listed as APA 7 data sets ("[Data set]") and GB/T
    7714-2015 [DS].

    Parameters
    ----------
    citation : str
        The provenance note's citation (``citation`` of a data-source table).
    bibtex : str, optional
        The bibliography (default ``methods.bib``).

    Returns
    -------
    str
        ``"(Chen et al. 2012; Chen 2015)"``, the form :func:`citations` reads; ``""`` when the note names no work of
        the bibliography.

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.), 10.9 (data sets). GB/T 7714-2015,
    4.1 and Table B.1 (document type code DS for a data set).

    Examples
    --------
    >>> from kamlib.literature import data_set_citations
    >>> data_set_citations('Chen, D., Sain, S. L. & Guo, K. (2012). Data mining for the online retail industry. '
    ...                    'Data set: UCI Machine Learning Repository, "Online Retail" (donor Daqing Chen).')
    '(Chen et al. 2012; Chen 2015)'
    >>> data_set_citations("drawn by kamlib from a documented model with seed 1")
    ''
    """
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    by = _keys(bibtex)
    keys = [by[(_plain(name), year)] for name, year in _REFERENCE_START.findall(citation or "")
            if (_plain(name), year) in by]
    low = (citation or "").lower()
    for key, entry in _parsed(bibtex).entries.items():
        if entry.type.lower() == "dataset" and key not in keys:
            title = re.sub(r"[{}]", "", entry.fields.get("title", "")).lower()
            publisher = re.sub(r"[{}]", "", entry.fields.get("publisher", "")).lower()
            if title and title in low and (not publisher or publisher in low):
                keys.append(key)
    forms = [re.sub(r" \((\d{4})\)$", r" \1", cite_as(k, bibtex)) for k in keys]
    return f"({'; '.join(forms)})" if forms else ""


@functools.lru_cache(maxsize=4)
def _parsed(bibtex: str):
    from pybtex.database import parse_string

    return parse_string(bibtex, "bibtex")


def work_keys(bibtex: str | None = None) -> frozenset:
    """The keys of the bibliography's works (``methods.bib`` by default).

    Parameters
    ----------
    bibtex : str, optional

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> from kamlib.literature import work_keys
    >>> "hu1999" in work_keys()
    True
    """
    bibtex = bibtex if bibtex is not None else (LIT / "methods.bib").read_text(encoding="utf-8")
    return frozenset(_keys(bibtex).values())


@functools.lru_cache(maxsize=8)
def _keys(bibtex: str) -> dict:
    """(first author's surname, year) -> BibTeX key, with the Chinese name (``namezh``) of a work in Chinese as a
    second way to cite it; two works under one (surname, year) are refused, since a citation could not tell them
    apart."""
    by = {}
    for key, entry in _parsed(bibtex).entries.items():
        first = _plain(re.sub(r"[{}\\\"]", "", entry.persons["author"][0].last_names[-1]))
        names = [(first, entry.fields["year"])] + ([(entry.fields["namezh"], entry.fields["year"])]
                                                   if "namezh" in entry.fields else [])
        for name in names:
            if name in by:
                raise KamError(f"data/literature/methods.bib holds two works cited as {name[0]} ({name[1]}): "
                               f"{by[name]} and {key}; a citation cannot tell them apart (add a year suffix).")
            by[name] = key
    return by


def _plain(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def from_bibtex(text: str, columns: list[str] | None = None) -> pd.DataFrame:
    """The register back from :func:`to_bibtex` output (or any BibTeX with these fields).

    Parameters
    ----------
    text : str
        BibTeX.
    columns : list of str, optional
        Columns to return, in order (default: every field).

    Returns
    -------
    DataFrame
        One row per entry.

    Examples
    --------
    >>> from kamlib.literature import from_bibtex, load_sources, to_bibtex
    >>> s = load_sources("data/literature/sources.csv")
    >>> from_bibtex(to_bibtex(s), list(s.columns)).shape == s.shape
    True
    """
    import bibtexparser
    from bibtexparser.bparser import BibTexParser

    parser = BibTexParser(common_strings=False)
    parser.ignore_nonstandard_types = False
    db = bibtexparser.loads(text, parser=parser)
    rows = []
    for e in db.entries:
        row = {"id": e["ID"], "type": e.get("kamtype", {v: k for k, v in BIB_TYPES.items()}.get(e["ENTRYTYPE"], "web"))}
        row.update({k: v for k, v in e.items() if k not in {"ID", "ENTRYTYPE", "kamtype"}})
        rows.append(row)
    df = pd.DataFrame(rows).fillna("")
    cols = columns or SOURCE_COLUMNS + [c for c in df.columns if c not in SOURCE_COLUMNS]
    return df.reindex(columns=cols, fill_value="")


# ----------------------------------------------------------------------------- codebook and coding


def load_codebook(path=None) -> dict:
    """The codebook: themes keyed by id, checked (stage, keywords, evidence).

    Parameters
    ----------
    path : str or Path, optional
        The file (default: the one shipped in ``data/literature/``).

    Returns
    -------
    dict
        Theme id to ``en``, ``zh``, ``definition``, ``stage``, ``keywords`` ({en, zh}) and ``evidence``.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage. (codebooks, ch. 7)

    Examples
    --------
    >>> from kamlib.literature import load_codebook
    >>> cb = load_codebook()
    >>> all("stage" in t for t in cb.values())
    True
    """
    path = project_path(path or LIT / "codebook.yaml")
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    themes = raw.get("themes")
    if not isinstance(themes, dict) or not themes:
        raise KamError(f"{path} needs a 'themes:' mapping; see data/literature/codebook.yaml.")
    for tid, t in themes.items():
        missing = [k for k in ("en", "zh", "definition", "stage", "keywords") if k not in t]
        if missing:
            raise KamError(f"{path}: theme '{tid}' has no '{missing[0]}:'; add it.")
        if t["stage"] not in STAGES:
            raise KamError(f"{path}: theme '{tid}' has stage '{t['stage']}'; use one of {', '.join(STAGES)}.")
        t.setdefault("evidence", [])
    return themes


def themes_table(codebook: dict) -> pd.DataFrame:
    """The codebook as a table, one row per theme.

    Parameters
    ----------
    codebook : dict
        From :func:`load_codebook`.

    Returns
    -------
    DataFrame
        ``theme``, ``en``, ``zh``, ``stage``, ``definition``, ``definition_zh``, ``keywords_en``, ``keywords_zh``.

    Examples
    --------
    >>> from kamlib.literature import load_codebook, themes_table
    >>> len(themes_table(load_codebook())) == len(load_codebook())
    True
    """
    return pd.DataFrame([{"theme": k, "en": t["en"], "zh": t["zh"], "stage": t["stage"], "definition": t["definition"],
                          "definition_zh": t.get("definition_zh"), "keywords_en": ", ".join(t["keywords"].get("en", [])), "keywords_zh": "、".join(t["keywords"].get("zh", []))}
                         for k, t in codebook.items()])


def load_coding(path=None, codebook: dict | None = None, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The manual coding matrix in long form, with themes and sources checked.

    Parameters
    ----------
    path : str or Path, optional
        The file (default: the one shipped in ``data/literature/``).
    codebook : dict, optional
        Themes to check against.
    sources : DataFrame, optional
        Sources to check against.

    Returns
    -------
    DataFrame
        ``source``, ``unit``, ``theme``, ``coder``, ``note``.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.

    Examples
    --------
    >>> from kamlib.literature import load_coding
    >>> load_coding().columns[:3].tolist()
    ['source', 'unit', 'theme']
    """
    path = project_path(path or LIT / "coding.csv")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(df, ["source", "unit", "theme", "coder"], where=str(path))
    if codebook is not None:
        bad = ~df["theme"].isin(list(codebook) + ["none"])
        if bad.any():
            raise KamError(f"{path}: column 'theme' has {sorted(set(df.loc[bad, 'theme']))[:3]} in {rows_preview(df.index[bad] + 2)}, "
                           "which the codebook does not define; add the theme to codebook.yaml or fix the spelling.")
    if sources is not None:
        bad = ~df["source"].isin(sources["id"])
        if bad.any():
            raise KamError(f"{path}: column 'source' has {sorted(set(df.loc[bad, 'source']))[:3]} in {rows_preview(df.index[bad] + 2)}, "
                           "which is not in the source register; add it to sources.csv.")
    return df


def matrix(coding: pd.DataFrame, codebook: dict, by=("source", "unit")) -> pd.DataFrame:
    """0/1 matrix of coding units (rows) by themes (columns, in codebook order).

    Theme ``none`` marks a unit that was read and given no theme (an all-zero row).

    Parameters
    ----------
    coding : DataFrame
        From :func:`load_coding`.
    codebook : dict
        From :func:`load_codebook`.
    by : tuple of str
        Columns that identify a unit.

    Returns
    -------
    DataFrame
        Units x themes.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.

    Examples
    --------
    >>> from kamlib.literature import load_codebook, load_coding, matrix
    >>> codebook = load_codebook()
    >>> m = matrix(load_coding(codebook=codebook), codebook)
    >>> m.shape[1] == len(codebook)
    True
    """
    m = pd.crosstab([coding[c] for c in by], coding["theme"]).clip(upper=1)
    return m.reindex(columns=list(codebook), fill_value=0)


def frequency(coding: pd.DataFrame, codebook: dict) -> pd.DataFrame:
    """Per theme: stage, number of sources and of units coded, and the sources.

    Parameters
    ----------
    coding : DataFrame
        From :func:`load_coding`.
    codebook : dict
        From :func:`load_codebook`.

    Returns
    -------
    DataFrame
        ``theme``, ``label``, ``stage``, ``sources``, ``units``, ``source_ids``.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage.

    Examples
    --------
    >>> from kamlib.literature import frequency, load_codebook, load_coding
    >>> codebook = load_codebook()
    >>> frequency(load_coding(codebook=codebook), codebook).columns.tolist()
    ['theme', 'label', 'stage', 'sources', 'units', 'source_ids']
    """
    rows = []
    for tid, t in codebook.items():
        sub = coding[coding["theme"] == tid]
        rows.append({"theme": tid, "label": t["en"], "stage": t["stage"], "sources": sub["source"].nunique(),
                     "units": len(sub[["source", "unit"]].drop_duplicates()), "source_ids": ", ".join(sorted(sub["source"].unique()))})
    return pd.DataFrame(rows)


def cooccurrence(unit_matrix: pd.DataFrame) -> pd.DataFrame:
    """Number of units in which two themes are both coded (diagonal: units per theme).

    Parameters
    ----------
    unit_matrix : DataFrame
        From :func:`matrix`.

    Returns
    -------
    DataFrame
        Themes x themes, integer counts.

    References
    ----------
    Leydesdorff, L. & Vaughan, L. (2006). Co-occurrence matrices and their applications in information science. *JASIST*, 57(12), 1616-1628.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.literature import cooccurrence
    >>> int(cooccurrence(pd.DataFrame({"a": [1, 1], "b": [1, 0]})).loc["a", "b"])
    1
    """
    m = unit_matrix.to_numpy(int)
    return pd.DataFrame(m.T @ m, index=unit_matrix.columns, columns=unit_matrix.columns)


def gaps(codebook: dict, coding: pd.DataFrame, min_sources: int = 2) -> pd.DataFrame:
    """Themes coded in at least ``min_sources`` sources that no notebook tests quantitatively.

    Parameters
    ----------
    codebook : dict
        From :func:`load_codebook` (``evidence`` says what tests a theme).
    coding : DataFrame
        From :func:`load_coding`.
    min_sources : int
        Sources that must stress a theme.

    Returns
    -------
    DataFrame
        The rows of :func:`frequency` for those themes, most sources first.

    Examples
    --------
    >>> from kamlib.literature import gaps, load_codebook, load_coding
    >>> codebook = load_codebook()
    >>> gaps(codebook, load_coding(codebook=codebook))["theme"].tolist()
    ['loyalty_programme', 'multichannel', 'information', 'kpi']
    """
    freq = frequency(coding, codebook)
    freq["tested"] = [bool(codebook[t]["evidence"]) for t in freq["theme"]]
    out = freq[(freq["sources"] >= min_sources) & ~freq["tested"]]
    return out.drop(columns="tested").sort_values(["sources", "units"], ascending=False).reset_index(drop=True)


def traceability(codebook: dict) -> pd.DataFrame:
    """Theme -> analysis (hypothesis) -> notebook -> artefact id, one row per artefact.

    Parameters
    ----------
    codebook : dict
        From :func:`load_codebook`.

    Returns
    -------
    DataFrame
        ``theme``, ``stage``, ``analysis``, ``analysis_zh``, ``notebook``, ``artefact``.

    Examples
    --------
    >>> from kamlib.literature import load_codebook, traceability
    >>> {"theme", "artefact"} <= set(traceability(load_codebook()).columns)
    True
    """
    rows = []
    for tid, t in codebook.items():
        for ev in t["evidence"]:
            for art in ev.get("artefacts", []):
                rows.append({"theme": tid, "stage": t["stage"], "analysis": ev["analysis"],
                             "analysis_zh": ev.get("analysis_zh"), "notebook": ev["notebook"], "artefact": art})
    return pd.DataFrame(rows, columns=["theme", "stage", "analysis", "analysis_zh", "notebook", "artefact"])


#: The columns of a facts table (:func:`load_facts`)
FACT_COLUMNS = ["id", "source", "location", "subject", "measure", "value", "unit"]


def load_facts(path, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Numbers stated by the study's sources, with source, location and what they measure.

    Parameters
    ----------
    path : str, Path or None
        The study's facts (its ``literature.facts``). None: the study declares none, and it has no facts (an empty
        table); kamlib never lends a study another study's facts.
    sources : DataFrame, optional
        Sources the facts must cite.

    Returns
    -------
    DataFrame
        ``id``, ``source``, ``location``, ``subject``, ``measure``, ``value``, ``unit``, ...; no rows for None.

    Examples
    --------
    >>> from kamlib.literature import load_facts
    >>> load_facts("data/literature/facts.csv").loc[0, "id"]  # the default study's facts
    'F001'
    >>> len(load_facts(None))
    0
    """
    if path is None:
        return pd.DataFrame(columns=FACT_COLUMNS)
    path = project_path(path)
    df = pd.read_csv(path, dtype={"id": str, "source": str, "location": str}, keep_default_na=False)
    require_columns(df, FACT_COLUMNS, where=str(path))
    if sources is not None and not df["source"].isin(sources["id"]).all():
        bad = ~df["source"].isin(sources["id"])
        raise KamError(f"{path}: column 'source' has {sorted(set(df.loc[bad, 'source']))} in {rows_preview(df.index[bad] + 2)}, "
                       "which is not in the source register.")
    return df


def fact(fact_id: str, facts: pd.DataFrame) -> dict:
    """One fact of the study's facts by id.

    Parameters
    ----------
    fact_id : str
        E.g. ``"F001"``.
    facts : DataFrame
        The study's facts (:func:`load_facts` of its ``literature.facts``); required: kamlib holds no study's facts.

    Returns
    -------
    dict
        The fact's fields.

    Examples
    --------
    >>> from kamlib.literature import fact, load_facts
    >>> float(fact("F001", load_facts("data/literature/facts.csv"))["value"])
    20.0
    """
    if facts is None:
        raise KamError(f"fact {fact_id!r} needs the study's facts: pass load_facts(<its literature.facts>).")
    hit = facts[facts["id"] == fact_id]
    if hit.empty:
        known = ", ".join(facts["id"])
        raise KamError(f"No fact {fact_id!r} among the study's facts (literature.facts); "
                       + (f"known: {known}." if known else "the study declares none; add the fact to its facts file "
                                                          "and name the file in literature.facts."))
    return hit.iloc[0].to_dict()


# ----------------------------------------------------------------------------- texts and the auto-coder

_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def clean_text(text: str) -> str:
    """Simplified characters (OpenCC), without the pinyin annotations that some extracted pages carry.

    Parameters
    ----------
    text : str
        Chinese text.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.literature import clean_text
    >>> clean_text("客戶")
    '客户'
    """
    return _t2s().convert(_PINYIN.sub("", text))


@lru_cache(maxsize=8)
def _tokenizer(words: tuple[str, ...]):
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for w in words:
        tok.add_word(w, freq=2000)
    return tok


def tokenize(text: str, extra_words=()) -> list[str]:
    """Chinese word segmentation with jieba; the codebook's keywords are added to its dictionary.

    Parameters
    ----------
    text : str
        The text.
    extra_words : iterable of str
        Words jieba must keep whole.

    Returns
    -------
    list of str
        Tokens without punctuation and whitespace.

    References
    ----------
    Sun, J. jieba: Chinese text segmentation (software).

    Examples
    --------
    >>> from kamlib.literature import tokenize
    >>> "大客户" in tokenize("大客户管理", ["大客户"])
    True
    """
    tok = _tokenizer(tuple(sorted(set(extra_words))))
    return [w for w in tok.lcut(clean_text(text)) if w.strip()]


@dataclass(frozen=True)
class AutoCoding(Result):
    """Keyword hits and the 0/1 codes they give, per unit (rows) and theme (columns).

    Attributes
    ----------
    hits : DataFrame
        Keyword hits.
    codes : DataFrame
        1 where hits >= the threshold, else 0.
    """

    hits: pd.DataFrame
    codes: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        """Units coded with each theme."""
        return self.codes.sum().rename("units").rename_axis("theme").reset_index()


def autocode(texts: dict[str, str], codebook: dict, *, min_hits: int = 1) -> AutoCoding:
    """Code texts with the codebook's keywords after Chinese word segmentation.

    Parameters
    ----------
    texts : dict
        Unit name to text.
    codebook : dict
        Themes from :func:`load_codebook` (``keywords`` in ``zh`` and ``en``).
    min_hits : int
        Hits needed to code a theme.

    Returns
    -------
    AutoCoding
        Hits and 0/1 codes per unit and theme. Chinese keywords match a jieba token that equals or
        contains them; English keywords match whole words, case-insensitively.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.), ch. 11
    (dictionary-based coding); Sun, J. jieba: Chinese word segmentation (software).

    Examples
    --------
    >>> from kamlib.literature import autocode
    >>> cb = {"crm": {"keywords": {"zh": ["客户关系"], "en": ["CRM"]}}}
    >>> int(autocode({"u1": "客户关系管理 (CRM)"}, cb).codes.loc["u1", "crm"])
    1
    """
    zh_words = [k for t in codebook.values() for k in t["keywords"].get("zh", []) if re.search(r"[\u4e00-\u9fff]", k)]
    rows = {}
    for unit, text in texts.items():
        tokens = tokenize(text, zh_words)
        lower = clean_text(text).lower()
        hits = {}
        for tid, t in codebook.items():
            n = 0
            for kw in t["keywords"].get("zh", []):
                if re.search(r"[\u4e00-\u9fff]", kw):
                    n += sum(1 for w in tokens if w == kw or (len(kw) >= 2 and kw in w))
                else:
                    n += len(re.findall(rf"(?<![a-z]){re.escape(kw.lower())}(?![a-z])", lower))
            for kw in t["keywords"].get("en", []):
                n += len(re.findall(rf"(?<![a-z]){re.escape(kw.lower())}(?![a-z])", lower))
            hits[tid] = n
        rows[unit] = hits
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(codebook)).fillna(0).astype(int)
    out.index.name = "unit"
    return AutoCoding(out, (out >= min_hits).astype(int))


_BODY = [("文档简介", "温馨提示"), ("常见问题", "点击阅读更多内容")]


def seed_body(path) -> str:
    """The body of a saved document-sharing page, without site boilerplate and document lists.

    Parameters
    ----------
    path : str or Path
        A source text in the seeds folder.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.literature import seed_body
    >>> seed_body("../shared/seeds/S004.txt")  # doctest: +SKIP
    """
    text = clean_text(Path(path).read_text(encoding="utf-8", errors="replace"))
    for start, end in _BODY:
        i, j = text.find(start), text.find(end)
        if i >= 0 and j > i:
            return text[i + len(start):j].strip()
    return text


#: How a source's text is cut into coding units, by its register's ``coding_units`` column: ``sections`` splits it
#: at its section numbers (1.1, 1.2, ... 9.9, as a paper numbers them); ``whole`` (or empty, or no such column)
#: keeps it one unit, ``all``
UNIT_RULES = ("sections", "whole")
_SECTION = re.compile(r"(?<![\d.])([1-9]\.[1-9])(?=\D)")


def seed_units(seeds_dir, sources: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Texts of the study's sources in ``seeds_dir`` as coding units, cut as each source's register row says.

    The register's ``coding_units`` column names the rule (:data:`UNIT_RULES`): ``sections`` splits the text at its
    section numbers into units ``§1.1``, ``§1.2``, ... (a text with fewer than two numbered sections stays whole);
    ``whole``, an empty cell or a register without the column keeps the source one unit, ``all``. No source id is
    special.

    Parameters
    ----------
    seeds_dir : str or Path
        The folder of source texts.
    sources : DataFrame
        The study's source register (:func:`load_sources` of its ``literature.sources``), naming each text
        (``seed_file``) and how to cut it (``coding_units``).

    Returns
    -------
    dict
        (source, unit) to text; empty if the folder is absent.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.literature import seed_units
    >>> seed_units("/nowhere", pd.DataFrame(columns=["id", "seed_file", "coding_units"]))
    {}
    """
    rules = sources["coding_units"] if "coding_units" in sources.columns else pd.Series("", index=sources.index)
    bad = ~rules.fillna("").isin(("", *UNIT_RULES))
    if bad.any():
        raise KamError(f"the source register's column 'coding_units' has {sorted(set(rules[bad]))} for "
                       f"{', '.join(sources.loc[bad, 'id'])}; write 'sections' (split at numbered sections) or "
                       f"'whole', or leave it empty.")
    seeds_dir = project_path(seeds_dir)
    units: dict[tuple[str, str], str] = {}
    if not seeds_dir.is_dir():
        return units
    for (_, s), rule in zip(sources.iterrows(), rules.fillna("")):
        f = seeds_dir / s.get("seed_file", "")
        if not s.get("seed_file") or not f.exists():
            continue
        body = seed_body(f)
        parts = _SECTION.split(body) if rule == "sections" else [body]
        if len(parts) > 3:
            for k in range(1, len(parts) - 1, 2):
                units.setdefault((s["id"], f"§{parts[k]}"), parts[k + 1])
        else:
            units[(s["id"], "all")] = body
    return units


# ----------------------------------------------------------------------------- agreement


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two coders' labels for the same units (statsmodels).

    Parameters
    ----------
    a, b : array-like
        Labels of the two coders, same length.

    Returns
    -------
    float
        NaN when undefined (neither coder varies).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educ. Psychol. Meas.*, 20(1), 37-46.

    Examples
    --------
    >>> from kamlib.literature import cohen_kappa
    >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    # True/False and 1/0 are the same codes: compare them as numbers (a bool Categorical would not match ints)
    as_code = lambda v: int(v) if isinstance(v, (bool, np.bool_)) else v  # noqa: E731
    a, b = pd.Series([as_code(v) for v in a], dtype=object), pd.Series([as_code(v) for v in b], dtype=object)
    if len(a) != len(b) or len(a) == 0:
        raise KamError("Cohen's kappa needs two codings of the same, non-empty list of units.")
    try:
        cats = sorted(set(a) | set(b))
    except TypeError:
        raise KamError("the two codings use labels of different kinds (for example text and numbers); code both "
                       "coders' answers the same way before computing kappa.") from None
    table = pd.crosstab(pd.Categorical(a, cats), pd.Categorical(b, cats), dropna=False).to_numpy()
    if len(cats) == 1:
        return float("nan")  # both coders used one category throughout: kappa is undefined
    return float(cohens_kappa(table, return_results=False))


def fleiss_kappa(ratings) -> float:
    """Fleiss' kappa for several coders.

    Parameters
    ----------
    ratings : array-like
        Units x coders, category labels.

    Returns
    -------
    float

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychol. Bulletin*, 76(5), 378-382.

    Examples
    --------
    >>> from kamlib.literature import fleiss_kappa
    >>> fleiss_kappa([[1, 1], [0, 0]])
    1.0
    """
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa as fk

    table, _ = aggregate_raters(np.asarray(ratings))
    return float(fk(table, method="fleiss"))


def agreement(manual: pd.DataFrame, auto: pd.DataFrame) -> pd.DataFrame:
    """Per theme over the shared units: percentage agreement, Cohen's kappa and each coder's count.

    Parameters
    ----------
    manual, auto : DataFrame
        0/1 codes, units x themes (rows aligned by index).

    Returns
    -------
    DataFrame
        ``theme``, ``units``, ``manual``, ``auto`` (units each coder coded), ``agreement``, ``kappa``.

    References
    ----------
    Cohen (1960); Krippendorff, K. (2018). *Content Analysis: An Introduction to Its Methodology* (4th ed.). Sage. (ch. 12, reliability)

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.literature import agreement
    >>> manual = pd.DataFrame({"crm": [1, 0, 1, 1], "clv": [0, 0, 1, 1]}, index=list("abcd"))
    >>> auto = pd.DataFrame({"crm": [1, 0, 1, 0], "clv": [0, 0, 1, 1]}, index=list("abcd"))
    >>> agreement(manual, auto)
      theme  units  manual  auto  agreement  kappa
    0   crm      4       3     2       0.75    0.5
    1   clv      4       2     2       1.00    1.0
    """
    units = manual.index.intersection(auto.index)
    if len(units) == 0:
        raise KamError("The manual and automatic codings share no units; code the same units twice.")
    rows = []
    for theme in manual.columns:
        m, a = manual.loc[units, theme].to_numpy(), auto.loc[units, theme].to_numpy()
        rows.append({"theme": theme, "units": len(units), "manual": int(m.sum()), "auto": int(a.sum()),
                     "agreement": float((m == a).mean()), "kappa": cohen_kappa(m, a)})
    return pd.DataFrame(rows)


def compare_by_source(manual: pd.DataFrame, auto: pd.DataFrame) -> pd.DataFrame:
    """Themes per source found by manual coding, by the auto-coder, and by both.

    Parameters
    ----------
    manual, auto : DataFrame
        0/1 codes, one row per source and one column per theme (rows of ``manual`` are aligned to ``auto``'s).

    Returns
    -------
    DataFrame
        ``source``, ``manual_themes``, ``auto_themes``, ``both``.

    References
    ----------
    Krippendorff, K. (2018). *Content Analysis* (4th ed.), ch. 12 (comparing coders).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.literature import compare_by_source
    >>> m = pd.DataFrame({"a": [1], "b": [0]}, index=["S1"]); a = pd.DataFrame({"a": [1], "b": [1]}, index=["S1"])
    >>> compare_by_source(m, a)[["manual_themes", "auto_themes", "both"]].iloc[0].tolist()
    [1, 2, 1]
    """
    manual = manual.reindex(index=auto.index, columns=auto.columns).fillna(0).astype(int)
    return pd.DataFrame({"manual_themes": manual.sum(axis=1), "auto_themes": auto.sum(axis=1),
                         "both": (manual & auto).sum(axis=1)}).rename_axis("source").reset_index()
