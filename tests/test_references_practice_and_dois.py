"""Reference-list findings on the default study (examiner items 22-23): the practice sources in a list of their own in
the order of their register ids, in both styles; DOIs of Dijkstra & Henseler (2015) and Hair et al. (2011)."""
import pandas as pd

from kamlib import literature
from kamlib.workbench.report import _listed


def test_practice_sources_follow_the_works_in_id_order_in_both_styles():
    sources = literature.load_sources("data/literature/sources.csv")
    text = "as S002 and S000 say (Hu & Bentler 1999); S004; S001"
    for language in ("en", "zh"):
        listed = _listed(text, language, sources)
        practice = [r["key"] for r in listed if r.get("practice")]
        assert practice == ["S000", "S001", "S002", "S004"]
        assert not listed[0].get("practice")  # the works first


def test_the_two_pls_sources_carry_their_verified_dois():
    for key, doi in (("dijkstra2015", "10.25300/MISQ/2015/39.2.02"), ("hair2011", "10.2753/MTP1069-6679190202")):
        apa = literature.format_references([key], style="apa")[0]["text"]
        assert apa.endswith(f"https://doi.org/{doi}")
