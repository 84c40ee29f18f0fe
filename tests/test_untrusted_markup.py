"""Markup from a pair file is never trusted (issue 12): imports cannot add or change inline codes,
oversize targets are refused, the review diff is bounded, and neither writer (HTML, Markdown
rendered by markdown-it with HTML allowed) ever produces executable content."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from translate.cli.group import main
from translate.core.article import InlineCode
from translate.formats.xliff import read_pair_file, write_pair_file

X = "{urn:oasis:names:tc:xliff:document:2.0}"
MARKDOWN = """# The envoys meet in Geneva for talks

The president met [the envoy](https://example.org/envoy) in *Geneva* on Monday. Officials called the `talks` constructive.
"""
# A code span whose text runs over a line break, the next line starting with a script, as a web
# page's <code> brings it into the pair file (Markdown code spans are one line already).
SPAN = "<code>print\n&lt;script&gt;alert(1)&lt;/script&gt;</code>"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ---------------------------------------------------------------------------------------------
# What "executable" means in the checks: a script-like element, an event attribute, or a URL
# with a script scheme, in HTML as a browser would parse it.

_BAD_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "base", "meta", "link", "form", "frame"}


class _Scan(HTMLParser):
    def __init__(self, allowed=frozenset()):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.allowed = allowed

    def handle_starttag(self, tag, attrs):
        if tag in _BAD_TAGS and tag not in self.allowed:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in ("href", "src", "action", "formaction", "xlink:href", "cite", "data") and \
                    re.match(r"(javascript|vbscript|data):", squeezed):
                self.problems.append(f"{tag} {name}={value!r}")

    handle_startendtag = handle_starttag


def executable(html: str, *, page: bool = False) -> list[str]:
    # A whole page from our template has its own head (meta, link, style): those are ours.
    scan = _Scan({"meta", "link", "style"} if page else frozenset())
    scan.feed(html)
    scan.close()
    return scan.problems


def markdown_to_html(md: str) -> str:
    """CommonMark with raw HTML allowed and no link filter, as a permissive CMS renders it."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True})
    renderer.validateLink = lambda url: True  # markdown-it's own filter off: ours must hold alone
    return renderer.render(md)


# ---------------------------------------------------------------------------------------------
# The Markdown writer and a code span over a line break.

def _approved_pair_file(src: Path, work: Path) -> Path:
    from translate.ingest.reader import ingest_file

    article = ingest_file(src)
    article.format = "html"  # the codes' markup below is HTML
    for seg in article.segments:
        for code in seg.codes:
            if code.data == "`talks`":
                code.data, code.equiv = SPAN, "print <script>alert(1)</script>"
            elif code.data == "[":
                code.data, code.data_end = '<a href="https://example.org/envoy">', "</a>"
            elif code.data == "*":
                code.data, code.data_end = "<em>", "</em>"
        seg.target, seg.target_codes, seg.state, seg.origin = seg.source, list(seg.codes), "final", "human"
        seg.approved_by, seg.approved_at = "desk", "2026-01-01T00:00:00+00:00"
    pair = work / f"{article.slug}.xlf"
    write_pair_file(pair, article, {"model": "test"})
    return pair


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_code_span_over_a_line_break_publishes_no_script(tmp_path, fmt):
    from translate.publish.publisher import PublishConfig, publish_pair_file

    src = tmp_path / "envoys.md"
    src.write_text(MARKDOWN, "utf-8")
    pair = _approved_pair_file(src, tmp_path / "work")
    result = publish_pair_file(pair, PublishConfig(out=tmp_path / "fr", fmt=fmt, en_url="https://x.example/{slug}"))
    page = result.path.read_text("utf-8")
    html = markdown_to_html(page) if fmt == "md" else page
    assert "alert(1)" in html  # the code text is published, as text
    assert executable(html, page=fmt == "html") == []


# ---------------------------------------------------------------------------------------------
# Imports: codes in a target must be the source's; source markup cannot change.

@pytest.fixture
def linked(tmp_path) -> tuple[Path, Path]:
    src = tmp_path / "envoys.md"
    src.write_text(MARKDOWN, "utf-8")
    work = tmp_path / "work"
    from translate.ingest.reader import ingest_file

    article = ingest_file(src)
    for seg in article.segments:
        seg.target, seg.target_codes, seg.state, seg.origin, seg.mt = seg.source, list(seg.codes), "translated", "mt", seg.source
    pair = work / f"{article.slug}.xlf"
    write_pair_file(pair, article, {"model": "test"})
    return work, pair


def _linked_segment(root):
    return next(seg for seg in root.iter(f"{X}segment") if seg.find(f"{X}target").find(f"{X}pc") is not None
                and "envoy" in "".join(seg.find(f"{X}source").itertext()))


def _data(root, seg_el, data_id: str):
    unit = seg_el.getparent()
    return next(d for d in unit.iter(f"{X}data") if d.get("id") == data_id)


def _import(work: Path, tree, tmp_path: Path):
    edited = tmp_path / "edited.xlf"
    tree.write(str(edited), xml_declaration=True, encoding="UTF-8")
    before = (work / "envoys.xlf").read_bytes()
    result = cli("pair", "import", edited, "--workdir", work)
    return result, before


def test_a_target_code_the_source_lacks_is_refused_even_with_its_own_data(linked, tmp_path):
    work, pair = linked
    tree = etree.parse(str(pair))
    seg = _linked_segment(tree.getroot())
    target = seg.find(f"{X}target")
    etree.SubElement(target, f"{X}ph", id="x9", dataRef="dx9")
    original = seg.getparent().find(f"{X}originalData")
    etree.SubElement(original, f"{X}data", id="dx9").text = "<img src=x onerror=alert(1)>"
    result, before = _import(work, tree, tmp_path)
    assert result.exit_code == 1 and "the source does not have" in result.output, result.output
    assert pair.read_bytes() == before


def test_a_target_code_with_other_markup_under_a_source_id_is_refused(linked, tmp_path):
    work, pair = linked
    tree = etree.parse(str(pair))
    seg = _linked_segment(tree.getroot())
    pc = seg.find(f"{X}target").find(f"{X}pc")
    pc.set("dataRefEnd", "devil")
    original = seg.getparent().find(f"{X}originalData")
    etree.SubElement(original, f"{X}data", id="devil").text = "](https://evil.example/)"
    result, before = _import(work, tree, tmp_path)
    assert result.exit_code == 1 and "the source does not have" in result.output, result.output
    assert pair.read_bytes() == before


def test_source_markup_cannot_change_through_an_import(linked, tmp_path):
    work, pair = linked
    tree = etree.parse(str(pair))
    seg = _linked_segment(tree.getroot())
    pc = seg.find(f"{X}source").find(f"{X}pc")
    data = _data(tree.getroot(), seg, pc.get("dataRefEnd"))
    assert "example.org/envoy" in data.text
    data.text = "](https://evil.example/)"  # shared by source and target: the link's address
    result, before = _import(work, tree, tmp_path)
    assert result.exit_code == 1 and "source markup" in result.output, result.output
    assert pair.read_bytes() == before
    source_codes = [c for s in read_pair_file(pair)[0].segments for c in s.codes]
    assert not any("evil" in c.data_end for c in source_codes)


def test_an_oversize_target_is_refused(linked, tmp_path):
    from translate.formats.exchange import MAX_TARGET_CHARS

    work, pair = linked
    tree = etree.parse(str(pair))
    seg = _linked_segment(tree.getroot())
    target = seg.find(f"{X}target")
    for child in list(target):
        target.remove(child)
    target.text = "mot " * (MAX_TARGET_CHARS // 4 + 10)
    result, before = _import(work, tree, tmp_path)
    assert result.exit_code == 1 and "character limit" in result.output, result.output
    assert pair.read_bytes() == before


def test_the_review_diff_is_bounded():
    from translate.core.article import Article, Block, Segment
    from translate.review.diffs import MAX_DIFF_WORDS, review_article

    long_target = " ".join(f"mot{i}" for i in range(MAX_DIFF_WORDS * 20))
    seg = Segment(id="s1", source="A sentence.", target=long_target, mt="Une phrase.", state="translated", origin="human")
    review = review_article(Article(slug="x", blocks=[Block(id="u1", kind="paragraph", text="A sentence.", segments=[seg])]))
    item = review.segments[0]
    assert item.too_long and item.hter is None and len(item.ops) == 2


# ---------------------------------------------------------------------------------------------
# The property: arbitrary targets and code data through both writers, nothing executable.

_NASTY = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "[x](javascript:alert(1))",
          "<a href=\"javascript:alert(1)\">", "\n<script>", "`", "``", "\n", "<", ">", "](", "<svg/onload=alert(1)>",
          "&lt;script&gt;", "<iframe src=//e>", "*", "_", "#", "- ", "1. ", "    ", "\\", "!", "\r\n", "<!--", "-->",
          "<style>", "<code>", "</code>", "\n&lt;script&gt;", "<kbd>", "JaVaScRiPt:", "java\tscript:", "data:text/html,<script>", "<a href=x>", "</a>", "[", "]", "(", ")"]
_text = st.lists(st.one_of(st.sampled_from(_NASTY), st.text(max_size=8)), max_size=8).map("".join)


@st.composite
def _segment(draw):
    target = draw(_text)
    codes = []
    for n in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(target)))
        kind = draw(st.sampled_from(["pc", "ph"]))
        end = draw(st.integers(start, len(target))) if kind == "pc" else start
        codes.append(InlineCode(id=f"c{n}", kind=kind, start=start, end=end, data=draw(_text),
                                data_end=draw(_text) if kind == "pc" else "", type="fmt", equiv=draw(_text)))
    # Non-overlapping nesting is what the pair file reader produces; sort by start, outer first.
    codes.sort(key=lambda c: (c.start, -c.end))
    return target, codes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_segment(), st.sampled_from(["markdown", "html", "text"]))
@example(("Voir  ici.", [InlineCode(id="c1", kind="ph", start=5, end=5, data=SPAN, equiv="")]), "html")
def test_no_writer_ever_produces_executable_content(segment, fmt):
    from translate.publish.render import collapse_spaces, inline_runs, runs_to_html, runs_to_markdown, typeset
    from translate.publish.typography import RULES

    target, codes = segment
    runs = collapse_spaces(typeset(collapse_spaces(inline_runs(target, codes, fmt)), RULES))
    html = runs_to_html(runs)
    assert executable(html) == [], html
    md = runs_to_markdown(runs)
    for line_start in ("", "- ", "> ", "## "):  # as the Markdown template places a block's content
        rendered = markdown_to_html(line_start + md + "\n")
        assert executable(rendered) == [], (md, rendered)
