"""The questionnaire instrument: constructs, items (Chinese and English), scale, checks, profile.

Loaded from a YAML file (``data/survey/instrument.yaml``) and rendered to a printable
questionnaire in either language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..config import project_path
from ..errors import ArgumentError, KamError

__all__ = ["Instrument", "REVERSE_CODED", "load"]

#: What a chart of answers after reverse-coding says after a reverse item's statement (:meth:`Instrument.item_labels`;
#: its Chinese: the catalogue's ``label`` entry).
REVERSE_CODED = "(reverse-coded)"


@dataclass
class Instrument:
    raw: dict
    path: str

    @property
    def points(self) -> int:
        return int(self.raw["scale"]["points"])

    def labels(self, language: str = "en") -> list[str]:
        return list(self.raw["scale"]["labels"][language])

    @property
    def constructs(self) -> dict[str, list[str]]:
        """Construct id -> item ids, in questionnaire order."""
        return {c: [i["id"] for i in spec["items"]] for c, spec in self.raw["constructs"].items()}

    def construct_label(self, construct: str, language: str = "en") -> str:
        return self.raw["constructs"][construct]["label"][language]

    def construct_name(self, construct: str):
        """The construct's label in every language the instrument gives, as one text for a sentence or caption
        (:class:`~kamlib.i18n.Given`).

        Examples
        --------
        >>> name = inst.construct_name("SAT")
        >>> str(name), name.translate("zh")
        ('Satisfaction', '满意度')
        """
        from ..i18n import Given

        return Given(self.raw["constructs"][construct]["label"], f"{self.path}: constructs.{construct}.label")

    def answer_name(self, code: str):
        """A profile question's or answer's label (``label: {en, zh}`` in the instrument) as one text for a sentence
        or caption (:class:`~kamlib.i18n.Given`); the code itself when the instrument gives no label.

        Examples
        --------
        >>> from kamlib.survey.instrument import load
        >>> rq = load("data/survey/relationship_quality.yaml")
        >>> str(rq.answer_name("SIZE")), rq.answer_name("large").translate("zh"), rq.answer_name("AGE")
        ('Account size', '大客户', 'AGE')
        """
        from ..i18n import Given

        for q, spec in self.profile.items():
            if q == code and isinstance(spec.get("label"), dict):
                return Given(spec["label"], f"{self.path}: profile.{q}.label")
            opt = spec.get("options", {}).get(code)
            if isinstance(opt, dict) and isinstance(opt.get("label"), dict):
                return Given(opt["label"], f"{self.path}: profile.{q}.options.{code}.label")
        return code

    @property
    def items(self) -> list[str]:
        return [i for items in self.constructs.values() for i in items]

    @property
    def reverse_items(self) -> list[str]:
        return [i["id"] for spec in self.raw["constructs"].values() for i in spec["items"] if i.get("reverse")]

    def item_text(self, item: str, language: str = "en") -> str:
        for spec in self.raw["constructs"].values():
            for i in spec["items"]:
                if i["id"] == item:
                    return i[language]
        if item == self.attention["id"]:
            return self.attention[language]
        raise KamError(f"{self.path} has no item {item!r}.")

    def item_labels(self, language: str = "en", *, reverse_coded: bool = False) -> dict[str, str]:
        """Item id -> the label a chart shows for it: the id and the item's statement in ``language``
        (``"SAT1: Overall, we are satisfied with this supplier."``), in English where the instrument has no
        statement in that language, the id alone where it has none at all.

        Parameters
        ----------
        language : {"en", "zh"}
        reverse_coded : bool
            The chart shows the answers after reverse-coding (:func:`kamlib.survey.responses.clean`): a reverse
            item's label says so after its statement, "(reverse-coded)" (in Chinese "（反向计分）"), as its bars
            agree with the opposite of the statement's wording.

        Returns
        -------
        dict

        Examples
        --------
        >>> inst.item_labels("zh")["PQ1"]
        'PQ1:收到的商品与网页描述相符。'
        >>> inst.item_labels("en", reverse_coded=True)["PQ4"]
        'PQ4: I often receive products with defects. (reverse-coded)'
        """
        from ..i18n import gettext

        sep = ":" if language == "zh" else ": "
        mark = (gettext(REVERSE_CODED, "label", language) or REVERSE_CODED) if language != "en" else REVERSE_CODED
        mark = mark if language == "zh" else f" {mark}"
        out = {}
        for spec in self.raw["constructs"].values():
            for i in spec["items"]:
                text = i.get(language) or i.get("en")
                out[i["id"]] = f"{i['id']}{sep}{text}" if text else i["id"]
                if reverse_coded and i.get("reverse"):
                    out[i["id"]] += mark
        return out

    def figure_terms(self, language: str = "zh", *, reverse_coded: bool = False) -> dict[str, str]:
        """The instrument's English words on a chart -> their ``language`` version (the scale labels and
        :meth:`item_labels`), for the other edition of a figure (``art.figure(..., terms=...)``); an item without
        a statement in ``language`` keeps its English.

        Parameters
        ----------
        language : str
        reverse_coded : bool
            As for :meth:`item_labels`.

        Returns
        -------
        dict

        Examples
        --------
        >>> terms = inst.figure_terms("zh")
        >>> terms["Strongly agree"], terms[inst.item_labels("en")["PQ1"]]
        ('非常同意', 'PQ1:收到的商品与网页描述相符。')
        """
        terms = dict(zip(self.labels("en"), self.labels(language)))
        other = self.item_labels(language, reverse_coded=reverse_coded)
        terms.update({en: other[i] for i, en in self.item_labels("en", reverse_coded=reverse_coded).items()})
        return terms

    @property
    def attention(self) -> dict:
        return self.raw["attention_check"]

    @property
    def nps(self) -> dict:
        return self.raw["nps"]

    @property
    def profile(self) -> dict:
        return self.raw["profile"]

    @property
    def simulation(self) -> dict:
        return self.raw.get("simulation", {})

    def describe(self, language: str = "en") -> str:
        """The questionnaire in one sentence, counted from the instrument file (never typed in a notebook).

        Parameters
        ----------
        language : {"en", "zh"}

        Returns
        -------
        str

        Examples
        --------
        >>> inst.describe().startswith("7 constructs with 3-4 items each (24 items, 2 reverse-coded), a 7-point scale")
        True
        """
        sizes = [len(v) for v in self.constructs.values()]
        span = f"{min(sizes)}-{max(sizes)}" if min(sizes) != max(sizes) else f"{min(sizes)}"
        n_items, n_rev, n_prof = len(self.items), len(self.reverse_items), len(self.profile)
        if language == "zh":
            return (f"{len(sizes)} 个构念,每个 {span} 个题项(共 {n_items} 个题项,其中 {n_rev} 个反向计分),"
                    f"{self.points} 点量表,一道注意力检测题、一道 NPS 题和 {n_prof} 道背景题。")
        return (f"{len(sizes)} constructs with {span} items each ({n_items} items, {n_rev} reverse-coded), a "
                f"{self.points}-point scale, an attention check, an NPS question and {n_prof} profile questions.")

    def render(self, language: str = "en") -> str:
        """A printable questionnaire in Markdown."""
        lab = self.labels(language)
        head = "| | " + " | ".join(f"{k + 1} {t}" for k, t in enumerate(lab)) + " |"
        lines = [f"# {self.raw['title'][language]}", "", self.raw["intro"][language], ""]
        scale_note = {"en": f"Please rate each statement from 1 ({lab[0]}) to {self.points} ({lab[-1]}).",
                      "zh": f"请对每项陈述打分:1 表示“{lab[0]}”,{self.points} 表示“{lab[-1]}”。"}[language]
        lines += [scale_note, ""]
        n = 0
        part = {"en": "Part", "zh": "第"}[language]
        for k, (c, spec) in enumerate(self.raw["constructs"].items(), 1):
            title = f"## {part} {k}: {spec['label'][language]}" if language == "en" else f"## 第{k}部分 {spec['label'][language]}"
            lines += [title, "", head, "|" + "---|" * (self.points + 1)]
            for item in spec["items"]:
                n += 1
                lines.append(f"| {n}. {item[language]} |" + " ☐ |" * self.points)
            if k == 3:  # the attention check sits in the middle of the questionnaire
                n += 1
                lines.append(f"| {n}. {self.attention[language]} |" + " ☐ |" * self.points)
            lines.append("")
        lines += [f"## {'Recommendation' if language == 'en' else '推荐意愿'}", "",
                  f"{n + 1}. {self.nps[language]}", "", "0 ☐  1 ☐  2 ☐  3 ☐  4 ☐  5 ☐  6 ☐  7 ☐  8 ☐  9 ☐  10 ☐", ""]
        lines += [f"## {'About you' if language == 'en' else '基本信息'}", ""]
        for q in self.profile.values():
            n += 1
            opts = "  ".join(f"☐ {o[language]}" for o in q["options"].values())
            lines += [f"{n + 1}. {q[language]}", "", opts, ""]
        return "\n".join(lines)


def load(path: str | Path) -> Instrument:
    """Read and check an instrument YAML file (scale, constructs and items, attention check, NPS, profile).

    Parameters
    ----------
    path : str or Path
        The instrument file, e.g. ``data/survey/instrument.yaml``.

    Returns
    -------
    Instrument
        Constructs, items (with reverse coding), labels in both languages and the simulation model.

    Examples
    --------
    >>> from kamlib.survey.instrument import load
    >>> load("data/survey/instrument.yaml").points
    7
    """
    path = project_path(path)
    if not path.exists():
        raise ArgumentError(f"Instrument file {path} does not exist; check the path passed as instrument.",
                            argument="instrument")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("scale", "constructs", "attention_check", "nps", "profile"):
        if key not in raw:
            raise KamError(f"{path} has no '{key}:' section; see data/survey/instrument.yaml for the layout.")
    pts = raw["scale"].get("points")
    if pts not in (5, 7):
        raise KamError(f"{path}: scale.points must be 5 or 7, not {pts!r}.")
    for lang in ("en", "zh"):
        if len(raw["scale"]["labels"].get(lang, [])) != pts:
            raise KamError(f"{path}: scale.labels.{lang} needs {pts} labels.")
    for c, spec in raw["constructs"].items():
        label = spec.get("label") if isinstance(spec, dict) else None
        if not (isinstance(label, dict) and all(isinstance(label.get(lang), str) and label[lang].strip()
                                                  for lang in ("en", "zh"))):
            found = "has no label" if label is None else f"label is {label!r}"
            raise KamError(f"{path}: constructs.{c} {found}; give the construct's name in English and Chinese, "
                           f"e.g. label: {{en: Trust, zh: 信任}} (the tables show it beside the code {c}).")
        n = len(spec.get("items", []))
        if not 3 <= n <= 5:
            raise KamError(f"{path}: construct {c} has {n} items; use 3 to 5.")
    expected = raw["attention_check"].get("expected")
    if expected not in range(1, pts + 1):
        raise KamError(f"{path}: attention_check.expected is {expected!r}, which is not an answer of the {pts}-point "
                       f"scale; give the point the statement asks for (1 to {pts}).")
    from ..i18n import name_codes

    name_codes({c: spec["label"] for c, spec in raw["constructs"].items()})  # tables show "Trust (TR)"
    # a profile question's and its answers' labels, where the instrument gives them: "Account size (SIZE)"
    name_codes({q: spec["label"] for q, spec in raw["profile"].items() if isinstance(spec.get("label"), dict)})
    name_codes({o: opt["label"] for spec in raw["profile"].values() for o, opt in spec.get("options", {}).items()
                if isinstance(opt, dict) and isinstance(opt.get("label"), dict)})
    return Instrument(raw, str(path))
