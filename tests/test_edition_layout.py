"""The Word and PDF editions' layout (issue 49, 4 and 5): a figure no taller than about two fifths of the page,
centred, with its caption on the same page; a short table with its caption on one page, a long one free to break."""

from PIL import Image

from kamlib.workbench import editions


def _png(folder, name, size):
    path = folder / name
    Image.new("RGB", size, "white").save(path)
    return path


def test_a_tall_figure_is_scaled_to_the_height_limit_and_keeps_its_caption(tmp_path):
    tall = _png(tmp_path, "tall.png", (800, 1000))
    wide = _png(tmp_path, "wide.png", (2400, 600))
    assert editions.figure_width(tall) == round(editions.FIGURE_HEIGHT_MM * 0.8, 1)  # 84 mm wide, 105 mm tall
    assert editions.figure_width(wide) == editions.TEXT_WIDTH_MM
    t = editions._Typst("en", tmp_path)
    t.figure(tall, "Figure 1.", "Monthly revenue.")
    line = t.lines[-1]
    assert line.startswith("#block(breakable: false)[#align(center)[#image(") and "width: 84.0mm" in line
    assert '"Monthly revenue."' in line  # the caption in the same unbreakable block


def test_a_short_table_stays_with_its_caption_and_a_long_one_may_break(tmp_path):
    t = editions._Typst("en", tmp_path)
    t.table(["a", "b"], [["x", "1"]] * 3, ["text", "number"], "Table 1.", "Short.")
    assert t.lines[-1].startswith("#block(breakable: false)[#text(size: 9pt)") and "#table(" in t.lines[-1]
    n = len(t.lines)
    t.table(["a", "b"], [["x", "1"]] * (editions.KEEP_TOGETHER_ROWS + 1), ["text", "number"], "Table 2.", "Long.")
    assert len(t.lines) == n + 2 and t.lines[-1].startswith("#text(") and '"Long."' in t.lines[-2]
    t.table(["a", "b"], [["x", "1"]], ["text", "number"], None, None)  # no caption: the table alone, nothing popped
    assert len(t.lines) == n + 3 and '"Long."' in t.lines[-3]


def test_the_word_edition_keeps_captions_with_their_figure_and_table(tmp_path):
    w = editions._Word()
    w.figure(_png(tmp_path, "f.png", (800, 1000)), "Figure 1.", "Monthly revenue.")
    picture = w.doc.paragraphs[-2]
    assert picture.paragraph_format.keep_with_next and picture.alignment == 1
    assert round(w.doc.inline_shapes[-1].width.mm) == 84
    w.table(["a", "b"], [["x", "1"]], ["text", "number"], "Table 1.", "Short.")
    assert w.doc.paragraphs[-1].paragraph_format.keep_with_next


def test_a_split_tables_caption_names_its_part_in_the_editions_words():
    """The examiner: the Chinese PDF said '（部分 1/2：列 2-12 of 13）'; each edition words the part in its language."""
    from kamlib.workbench.report import report_text

    parts = editions.table_parts([f"c{i}" for i in range(13)], [["1"] * 13], ["num"] * 13)
    assert [p[3] for p in parts] == [(2, 12, 13), (13, 13, 13)]
    first, last, of = parts[0][3]
    words = {lang: report_text(lang)["table_part_columns"].format(i=1, n=2, first=first, last=last, of=of)
             for lang in ("en", "zh")}
    assert words == {"en": "part 1 of 2: columns 2-12 of 13", "zh": "第 1/2 部分：第 2–12 列，共 13 列"}
