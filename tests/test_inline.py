"""Inline codes: round trips through the pair file, and placement in any MT output, well-formed."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from translate.cli import main
from translate.core.inline import FLAG_CODES_PLACED, InlineBuilder, place_codes, render, well_formed
from translate.formats.schemas import validate_xliff21
from translate.formats.xliff import read_pair_file
from translate.core.xmlsafe import read_xml_file

ARTICLES = Path(__file__).parent / "data" / "articles"
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"


def build(parts) -> tuple[str, list]:
    """parts: str (text), ("open", data, end), "close", ("ph", data)."""
    builder = InlineBuilder()
    stack = []
    for part in parts:
        if isinstance(part, str) and part != "close":
            builder.text(part)
        elif part == "close":
            if stack:
                builder.close(stack.pop())
        elif part[0] == "open":
            stack.append(builder.open(part[1], part[2]))
        else:
            builder.point(part[1])
    text, codes = builder.result()
    for i, code in enumerate(codes, 1):
        code.id = f"c{i}"
    return text, codes


def test_a_found_name_is_wrapped_exactly():
    text, codes = build(["Talks with ", ("open", "[", "](http://x)"), "Biden", "close", " went well."])
    placed, exact = place_codes(text, codes, "Les pourparlers avec Biden se sont bien passés.")
    assert exact and render("Les pourparlers avec Biden se sont bien passés.", placed) == \
        "Les pourparlers avec [Biden](http://x) se sont bien passés."


parts = st.lists(st.one_of(
    st.sampled_from(["Putin ", "met ", "Biden", " in Geneva", ". ", "x"]),
    st.just("close"),
    st.tuples(st.just("open"), st.sampled_from(["*", "**", "["]), st.sampled_from(["*", "**", "](u)"])),
    st.tuples(st.just("ph"), st.sampled_from(["`c`", "<br/>", "![a](b)"])),
), max_size=14)


@settings(max_examples=200, deadline=None)
@given(parts, st.text(max_size=60))
def test_every_code_is_placed_once_and_well_formed_whatever_the_target(spec, target):
    text, codes = build(spec)
    assert well_formed(text, codes)
    placed, _ = place_codes(text, codes, target)
    assert [c.id for c in placed] == [c.id for c in codes]
    assert [(c.kind, c.data, c.data_end) for c in placed] == [(c.kind, c.data, c.data_end) for c in codes]
    assert well_formed(target, placed)


def test_html_and_markdown_markup_survive_mt_as_inline_codes(test_model_dir, tmp_path):
    sources = []
    for name, copy in (("summit.html", "summit-page.html"), ("summit.md", "summit-cms.md")):
        sources.append(tmp_path / copy)
        shutil.copy(ARTICLES / name, sources[-1])
    workdir = tmp_path / "work"
    # One run for both articles: their segments go through the model in one pooled batch.
    result = CliRunner().invoke(main, ["run", "--model", str(test_model_dir), "--beam-size", "1",
                                       "--workdir", str(workdir), *map(str, sources)])
    assert result.exit_code == 0, result.output
    for source in sources:
        pair = workdir / f"{source.stem}.xlf"
        root = read_xml_file(pair)
        assert validate_xliff21(root) == []
        # The markup is in the pair file as <pc>/<ph> with its original data, in source and target.
        assert root.findall(f".//{XLF}originalData/{XLF}data")
        for seg_el in root.iter(f"{XLF}segment"):
            src, tgt = seg_el.find(f"{XLF}source"), seg_el.find(f"{XLF}target")
            ids = lambda el: sorted(c.get("id") for c in el.iter(f"{XLF}pc", f"{XLF}ph"))  # noqa: E731
            assert ids(src) == ids(tgt)
        article, _ = read_pair_file(pair)
        with_codes = [s for s in article.segments if s.codes]
        assert with_codes
        for seg in with_codes:
            assert well_formed(seg.target, seg.target_codes)
            assert [(c.id, c.data, c.data_end) for c in seg.target_codes] == [(c.id, c.data, c.data_end) for c in seg.codes]
            assert FLAG_CODES_PLACED in seg.flags or all(c.kind == "pc" for c in seg.codes)
        links = [c for s in article.segments for c in s.target_codes if c.type == "link"]
        assert any("https://example.com/pc" in c.data + c.data_end for c in links)


xml_text = st.sampled_from(["Putin ", "met ", "Biden", " in Geneva", ". ", "The talks ended. ", "“Yes,” he said. ",
                            "& <x> ", "é", "\n", "Why? ", "x"])
spec_parts = st.lists(st.one_of(
    xml_text,
    st.just("close"),
    st.tuples(st.just("open"), st.sampled_from(["*", "<em>", "["]), st.sampled_from(["*", "</em>", "](http://a.b?c=1&d=2)"])),
    st.tuples(st.just("ph"), st.sampled_from(["`c`", "<br/>", "![a](b)", "<span class='x'>"])),
), min_size=1, max_size=16)


@settings(max_examples=80, deadline=None)
@given(spec_parts, st.text(st.sampled_from(list("abc éà«»&<> .")), max_size=40))
def test_codes_round_trip_through_the_pair_file(spec, draft):
    from translate.core.article import Article, IdAllocator
    from translate.ingest.reader import make_block
    from translate.core.inline import place_target_codes
    from translate.formats.xliff import article_to_xliff, xliff_to_article
    from translate.core.xmlsafe import parse_xml

    text, codes = build(spec)
    if not text.strip():
        return
    block = make_block("paragraph", text, IdAllocator("u"), IdAllocator("s"), codes)
    for seg in block.segments:
        seg.target, seg.mt, seg.state, seg.origin = draft, draft, "translated", "mt"
    place_target_codes(block.segments)
    article = Article(slug="a", blocks=[block])
    root = parse_xml(article_to_xliff(article), "t")
    assert validate_xliff21(root) == []
    back, _ = xliff_to_article(root)
    assert back.blocks[0].text == block.text
    for old, new in zip(block.segments, back.segments):
        assert (new.source, new.target) == (old.source, old.target)
        key = lambda cs: [(c.id, c.kind, c.start, c.end, c.data, c.data_end) for c in cs]  # noqa: E731
        assert key(new.codes) == key(old.codes)
        assert key(new.target_codes) == key(old.target_codes)
        assert well_formed(new.target, new.target_codes)
