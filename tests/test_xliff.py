"""Pair files: schema validity and exact round trips of articles through XLIFF 2.1."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from translate.core.article import Article, Block, IdAllocator, Segment
from translate.ingest.reader import make_block
from translate.formats.schemas import validate_xliff21
from translate.formats.xliff import article_to_xliff, xliff_to_article
from translate.core.xmlsafe import parse_xml

# Text an article can hold: XML-safe characters, including the awkward ones for XML and spacing.
xml_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from(
    ["\n", "\t", " ", "&", "<", ">", '"', "'", "é", "«", "»", "\u00a0", "\u202f", "."]
)
paragraphs = st.lists(st.text(xml_chars, min_size=1, max_size=80).filter(lambda t: t.strip()), min_size=1, max_size=5)


def build(paras: list[str]) -> Article:
    units, segs = IdAllocator("u"), IdAllocator("s")
    blocks = [make_block("paragraph", p.strip(), units, segs) for p in paras]
    blocks = [b for b in blocks if b.segments]
    for i, seg in enumerate(s for b in blocks for s in b.segments):
        if i % 2:
            seg.target, seg.mt, seg.state, seg.origin, seg.flags = f"cible {i} & <x>", f"mt {i}", "translated", "mt", ["length-capped"]
            seg.notes = ["note for the post-editor"]
    return Article(slug="a-slug", blocks=blocks, source_sha256="abc")


@settings(max_examples=60, deadline=None)
@given(paragraphs)
def test_round_trip_is_exact_and_valid(paras):
    article = build(paras)
    if not article.blocks:
        return
    data = article_to_xliff(article, {"model": "m", "beam-size": "1"})
    root = parse_xml(data, "test")
    assert validate_xliff21(root) == []
    back, stamp = xliff_to_article(root)
    assert stamp == {"model": "m", "beam-size": "1"}
    assert [b.text for b in back.blocks] == [b.text for b in article.blocks]
    for old, new in zip(article.segments, back.segments):
        assert (new.id, new.source, new.start, new.end, new.target, new.mt, new.state, new.origin, new.flags, new.notes) == (
            old.id, old.source, old.start, old.end, old.target, old.mt, old.state, old.origin, old.flags, old.notes)


def test_repeated_sentences_get_distinct_stable_ids():
    units, segs = IdAllocator("u"), IdAllocator("s")
    block = make_block("paragraph", "Yes. Yes. No.", units, segs)
    ids = [s.id for s in block.segments]
    assert len(set(ids)) == 3 and ids[1] == ids[0] + "-2"
    units2, segs2 = IdAllocator("u"), IdAllocator("s")
    assert [s.id for s in make_block("paragraph", "Yes. Yes. No.", units2, segs2).segments] == ids


def test_validator_catches_spec_rules_xsd_cannot():
    article = Article(slug="x", blocks=[Block(id="u1", kind="paragraph", text="A.", segments=[
        Segment(id="s1", source="A.", start=0, end=2, target="B.", state="final", origin="human")])])
    data = article_to_xliff(article).replace(b'version="2.1"', b'version="2.0"')
    problems = validate_xliff21(parse_xml(data, "t"))
    assert any("version" in p for p in problems)
