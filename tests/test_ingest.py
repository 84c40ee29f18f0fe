"""Ingestion: the seed scrape, HTML and Markdown articles, bad input; nothing lost silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from translate.cli.group import main
from translate.core.errors import InputError
from translate.ingest.reader import clean_text, ingest_file, ingest_string
from translate.core.inline import render
from translate.ingest.segment import split_sentences

ARTICLES = Path(__file__).parent / "data" / "articles"
BOILERPLATE = ["25.2 C", "Port Louis", "Saturday, May 4, 2024", "Download The App:", "Read in French", "spot_img",
               "Must Read", "- Advertisement -spot_img", "More Articles", "LEAVE A REPLY", "Please enter your comment!",
               "Please enter your name here", "Latest Articles"]


def test_seed_scrape_has_title_body_and_no_boilerplate(seed_article):
    article = ingest_file(seed_article)
    assert article.metadata.title == "Putin Calls Summit With Biden ‘Quite Constructive’"
    assert article.blocks[0].kind == "title" and article.blocks[0].text == article.metadata.title
    sources = [seg.source for seg in article.segments]
    for junk in BOILERPLATE:
        assert not any(junk in s for s in sources), junk
        assert any(d.text == junk for d in article.dropped), junk
    assert all(d.reason and d.line for d in article.dropped)
    # Every sentence of the article body is there, in order.
    text = seed_article.read_text("utf-8")
    kept = [line for n, line in enumerate(text.split("\n"), 1) if n not in {d.line for d in article.dropped}]
    assert sources == split_sentences("\n".join(kept))
    assert "Talks were quite constructive.”" in " ".join(sources)
    assert sources[-1].endswith("than an initiator.")
    assert len(article.segments) == 21


def test_segment_command_lists_what_was_left_out_and_why(seed_article):
    result = CliRunner().invoke(main, ["segment", str(seed_article)])
    assert result.exit_code == 0, result.output
    assert "[title " in result.output
    assert "[left out] line 35: comment form: LEAVE A REPLY" in result.output
    assert "[left out] line 1: weather header (before the title): 25.2 C" in result.output
    assert result.output.count("[left out]") == len(BOILERPLATE) + 1  # the second advertisement line


def test_html_article_metadata_kinds_and_inline_codes():
    article = ingest_file(ARTICLES / "summit.html")
    md = article.metadata
    assert md.title == "Putin Calls Summit With Biden 'Quite Constructive'"
    assert (md.author, md.date, md.url, md.language) == ("Jane Doe", "2021-06-16", "https://news.example.com/world/putin-summit", "en")
    assert md.extra["declared-language"] == "en"
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["title", "paragraph", "heading", "paragraph", "quote", "list_item", "list_item", "paragraph"]
    first = article.blocks[1]
    assert render(first.text, first.codes).startswith('Speaking at a <a href="https://example.com/pc">press conference</a>')
    assert "<em>quite constructive</em>" in render(first.text, first.codes)
    last = article.blocks[-1]
    shown = render(last.text, last.codes)
    assert '<a href="https://example.com/a?x=1&amp;y=2">said <em>on Wednesday</em></a>' in shown
    assert "<code>pip install</code>" in shown and "<br/>\nNew line here." in shown
    # Text outside the main content is listed, not lost.
    assert any("Copyright 2024" in d.text for d in article.dropped)
    assert any(d.text == "Home World" for d in article.dropped)


def test_markdown_front_matter_kinds_and_exact_inline_markup():
    article = ingest_file(ARTICLES / "summit.md")
    md = article.metadata
    assert (md.title, md.author, md.date) == ('Putin Calls Summit With Biden "Quite Constructive"', "Jane Doe", "2021-06-16")
    assert md.extra == {"tags": "russia, usa"}
    assert [b.kind for b in article.blocks] == ["title", "paragraph", "heading", "quote", "list_item", "list_item", "paragraph"]
    source = (ARTICLES / "summit.md").read_text("utf-8")
    for block in article.blocks[1:]:
        # Markdown's own inline syntax comes back exactly from text + codes.
        assert render(block.text, block.codes) in source, block.text
    items = article.blocks[5]
    assert render(items.text, items.codes) == 'Talks on `cyber` security will start <span class="x">soon</span>.'
    assert any(d.reason.startswith("code block") for d in article.dropped)


@pytest.mark.parametrize("name, data, expected", [
    ("empty.txt", b"", "empty"),
    ("blank.md", b"  \n\n\t \n", "empty"),
    ("blank.html", b"<html><body>   </body></html>", "no main content"),
    ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main content"),
    ("french.txt", "Le président russe a qualifié le sommet de « constructif ». Les deux dirigeants se sont "
                   "rencontrés à Genève pendant trois heures.".encode(), "in French"),
    ("fence.md", b"Intro sentence here.\n\n```\ncode that never ends\n\nMore article text.\n", "never closed"),
    ("front.md", b"---\ntitle: x\n\nBody text of the article.\n", "front matter"),
    ("badyaml.md", b"---\ntitle: [unclosed\n---\n\nBody text of the article.\n", "not valid YAML"),
    ("only-junk.txt", b"Must Read\n\nLatest Articles\n", "no article text"),
])
def test_bad_input_gets_one_clear_message(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["segment", str(path)])
    assert result.exit_code == 1, result.output
    assert expected in result.output and str(path) in result.output
    assert "Traceback" not in result.output


def test_huge_input_is_refused_with_the_limit(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as handle:
        handle.write(b"<html><body>" + b"<p>The talks went on.</p>" * (20 * 1024 * 1024 // 26) + b"</body></html>")
    result = CliRunner().invoke(main, ["segment", str(path)])
    assert result.exit_code == 1 and "-byte limit" in result.output and "Traceback" not in result.output


def test_malformed_html_still_yields_the_article(tmp_path):
    path = tmp_path / "broken.html"
    path.write_text("<html><body><article><h1>Summit ends early in Geneva<p>The two leaders met for three hours on "
                    "Wednesday. <b>They agreed to return <i>their ambassadors.</b> Talks on cybersecurity will "
                    "start soon, officials said.<p>Neither side gave a date for the next meeting of the two men.",
                    "utf-8")
    article = ingest_file(path)
    text = " ".join(s.source for s in article.segments)
    assert "They agreed to return their ambassadors." in text and "Neither side gave a date" in text


def test_unclosed_inline_markdown_keeps_the_text(tmp_path):
    path = tmp_path / "open.md"
    path.write_text("The talks were *quite constructive, officials said. See [the report](http://x.org\n", "utf-8")
    article = ingest_file(path)
    assert " ".join(s.source for s in article.segments) == (
        "The talks were *quite constructive, officials said. See [the report](http://x.org")


def test_bom_line_endings_control_and_invisible_characters(tmp_path):
    path = tmp_path / "messy.txt"
    path.write_bytes("\ufeffThe talks\u200b ended.\r\nBiden left\x07 early.\rPutin stayed.\r\n\r\nA new paragraph "
                     "starts here.".encode("utf-8"))
    article = ingest_file(path)
    assert [s.source for s in article.segments] == [
        "The talks ended.", "Biden left early.", "Putin stayed.", "A new paragraph starts here."]
    reasons = {d.reason for d in article.dropped}
    assert reasons == {"control characters removed", "invisible characters removed"}
    assert any("U+200B" in d.text for d in article.dropped) and any("U+0007" in d.text for d in article.dropped)


def test_clean_text_lists_every_removal():
    text, dropped = clean_text("a\x00b\u2060c\nd")
    assert text == "abc\nd" and len(dropped) == 2


lines = st.sampled_from([
    "Putin met Biden in Geneva on Wednesday, and the talks lasted for several hours in the villa.",
    "“There was no hostility. Quite the contrary,” Putin said.", "Must Read", "spot_img", "LEAVE A REPLY",
    "Latest Articles", "Port Louis", "25.2 C", "The U.S. president spoke later.", "", " ", "- Advertisement -",
    "Officials said the talks would continue next month in Vienna, where experts will meet.",
    "Summit Ends With Agreement On Ambassadors", "Read in French", "Please enter your name here",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(lines, min_size=1, max_size=25))
def test_text_ingestion_loses_nothing(parts):
    text = "\n".join(parts)
    try:
        article = ingest_string(text, slug="x")
    except InputError:
        return
    kept = re.sub(r"\s", "", "".join(b.text for b in article.blocks))
    left = re.sub(r"\s", "", "".join(d.text for d in article.dropped))
    assert sorted(kept + left) == sorted(re.sub(r"\s", "", text))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("ab *_`[]()<>#>-\n!.,") + ["para", "http://x.y", "**", "```", "<b>", "\n\n"]),
                max_size=60).map("".join))
def test_markdown_ingestion_never_fails_badly(text):
    try:
        article = ingest_string("The talks went on for hours in Geneva today. " + text, slug="x", fmt="markdown")
    except InputError:
        return
    for block in article.blocks:
        for seg in block.segments:
            assert block.text[seg.start:seg.end] == seg.source


html_bits = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "<a href='http://x.org'>", "</a>", "<br>", "<h1>",
    "</h1>", "<ul><li>", "</li>", "<script>var x = 1;</script>", "<!-- c -->", "&amp;", "&nbsp;", "<",
    "The talks in Geneva lasted for three hours on Wednesday.", "Putin and Biden met.", "“Quite constructive,”",
    " he said.", "\n", "<nav>Home</nav>", "<table><tr><td>", "</td></tr></table>",
])


@settings(max_examples=40, deadline=None)
@given(st.lists(html_bits, max_size=30).map("".join))
def test_html_ingestion_never_fails_badly(body):
    try:
        article = ingest_string(f"<html><body><article>{body}</article></body></html>", slug="x", fmt="html")
    except InputError:
        return
    for block in article.blocks:
        assert block.segments
        for seg in block.segments:
            assert block.text[seg.start:seg.end] == seg.source


def test_another_sites_scrape_loses_its_furniture_too():
    article = ingest_file(ARTICLES / "scrape-variant.txt")
    assert article.metadata.title == "Biden and Putin Agree to Return Ambassadors After Geneva Talks"
    sources = [s.source for s in article.segments]
    assert sources == [
        "Biden and Putin Agree to Return Ambassadors After Geneva Talks", "By Staff Reporter", "June 16, 2021",
        "GENEVA — U.S. President Joe Biden and Russian President Vladimir Putin agreed on Wednesday to return "
        "their ambassadors to each other's capitals.", "The talks lasted about three hours.",
        "\"There was no hostility,\" Putin told reporters.", "Biden said the meeting had been \"good, positive.\""]
    assert len(article.dropped) == 18 and all(d.reason for d in article.dropped)


def test_boilerplate_rules_are_data_a_newsroom_extends(tmp_path):
    from translate.ingest.boilerplate import load_boilerplate_rules, parse_rules
    from translate.ingest.from_text import parse_text

    extra = tmp_path / "ours.tsv"
    extra.write_text("drop\tour promo\tSupport our journalism.*\n", "utf-8")
    text = "Summit Ends With A Deal In Geneva\n\nThe talks lasted about three hours on Wednesday afternoon.\n\nSupport our journalism today\n"
    parsed = parse_text(text, "t", load_boilerplate_rules(extra=[extra]))
    assert [d.reason for d in parsed.dropped] == ["our promo"]
    with pytest.raises(InputError, match="line 1: unknown action"):
        parse_rules("keep\tx\ty\n")
    with pytest.raises(InputError, match="not a valid regular expression"):
        parse_rules("drop\tx\t(unclosed\n")


# --------------------------------------------------------------------------- real-page repairs (issue 14)
_PAGE = """<html lang="en"><head><title>Release notes for the reader</title>
<link rel="canonical" href="https://news.example.org/release"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Release notes for the reader</h1>
<h2>A new parser<br/>
for every page</h2>
<p>The project released a new version of its parser on Monday. It reads pages faster than before and
keeps more of their text, the developers said in a statement.</p>
<p>See the <a href="/doc">document</a>for more information, or call <code>parse()</code>from your own code.</p>
{code}
<p>The new version was tested on a thousand pages from news sites and</p>
<p>blogs in five languages, and it failed on none of them.</p>
</article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Great work, this parser is much faster than the old one and I like it a lot.</p></div>
</section>
</body></html>"""

_HIGHLIGHTED = {
    "pygments": '<div class="codehilite"><pre><span></span><span class="k">def</span> <span class="nf">parse</span>'
                '<span class="p">(</span><span class="n">page</span><span class="p">):</span>\n    '
                '<span class="k">return</span> <span class="n">page</span>\n</pre></div>',
    "github": '<div class="highlight highlight-source-python notranslate"><pre>def parse(page):\n    return page</pre></div>',
    "highlight.js": '<pre><code class="hljs language-python"><span class="hljs-keyword">def</span> parse(page):\n'
                    '    <span class="hljs-keyword">return</span> page</code></pre>',
    "prism": '<pre class="language-python"><code class="language-python"><span class="token keyword">def</span> '
             'parse(page):\n    <span class="token keyword">return</span> page</code></pre>',
    "pygments-line-numbers": '<table class="highlighttable"><tr><td class="linenos"><div class="linenodiv"><pre>1\n2'
                             '</pre></div></td><td class="code"><div class="highlight"><pre><span class="k">def</span> '
                             'parse(page):\n    <span class="k">return</span> page\n</pre></div></td></tr></table>',
    "hugo-chroma": '<div class="highlight"><pre tabindex="0" class="chroma"><code class="language-python">'
                   '<span class="line"><span class="cl"><span class="k">def</span> parse(page):\n</span></span>'
                   '<span class="line"><span class="cl">    <span class="k">return</span> page</span></span></code></pre></div>',
}


def _page(tmp_path, code="", name="page.html"):
    path = tmp_path / name
    path.write_text(_PAGE.replace("{code}", code), "utf-8")
    return path


def test_a_heading_with_br_and_a_newline_stays_one_segment(tmp_path):
    article = ingest_file(_page(tmp_path))
    heading = next(b for b in article.blocks if b.kind == "heading")
    assert heading.text == "A new parser\nfor every page"
    assert len(heading.segments) == 1


@pytest.mark.parametrize("highlighter", sorted(_HIGHLIGHTED))
def test_highlighted_code_is_left_out_not_translated_as_a_quote(tmp_path, highlighter):
    article = ingest_file(_page(tmp_path, _HIGHLIGHTED[highlighter]))
    assert not any("return page" in b.text for b in article.blocks)
    assert not any(b.kind in ("quote", "table_cell") for b in article.blocks)  # nor its line numbers
    assert any(d.reason.startswith("code block") and "return page" in d.text for d in article.dropped)


def test_space_before_and_after_links_and_inline_codes_is_kept(tmp_path):
    article = ingest_file(_page(tmp_path))
    block = next(b for b in article.blocks if b.text.startswith("See the"))
    shown = render(block.text, block.codes)
    assert 'document</a> for more information' in shown
    assert "call <code>parse()</code> from your own code" in shown


def test_a_word_ending_glued_to_a_link_stays_glued(tmp_path):
    page = _PAGE.replace("{code}", '<p>Both <a href="/x">link</a>s and <a href="/y">page</a>\'s are kept as they were '
                                   'written in the page.</p>')
    path = tmp_path / "glued.html"
    path.write_text(page, "utf-8")
    block = next(b for b in ingest_file(path).blocks if b.text.startswith("Both"))
    shown = render(block.text, block.codes)
    assert "link</a>s and" in shown and "page</a>'s are" in shown


def test_a_sentence_cut_across_two_blocks_is_rejoined(tmp_path):
    article = ingest_file(_page(tmp_path))
    texts = [b.text for b in article.blocks]
    assert ("The new version was tested on a thousand pages from news sites and blogs in five languages, "
            "and it failed on none of them.") in texts


def test_reader_comments_are_left_out_unless_the_site_opts_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _page(tmp_path)
    article = ingest_file(path)
    assert not any("Great work" in b.text for b in article.blocks)
    assert any(d.reason.startswith("reader comments") for d in article.dropped)
    (tmp_path / "translate.toml").write_text('[ingest]\ncomments = ["example.org"]\n', "utf-8")
    article = ingest_file(path)
    assert any("Great work" in b.text for b in article.blocks)
    (tmp_path / "translate.toml").write_text('[ingest]\ncomments = ["other.example.com"]\n', "utf-8")
    assert not any("Great work" in b.text for b in ingest_file(path).blocks)


def test_a_body_implausibly_short_for_the_page_is_reported_with_its_name(tmp_path):
    side = "".join(f'<div class="teaser"><a href="/story{i}">Story {i}: the council votes on the budget for the '
                   'coming year</a></div>' for i in range(20))
    html = ('<html><head><title>Gallery</title></head><body><header><nav><a href="/">Home</a></nav></header>'
            '<main><article><h1>Gallery</h1><figure><img src="a.jpg"><figcaption>The mayor opens the new bridge '
            'over the river on Monday morning.</figcaption></figure></article></main><aside class="related">'
            + side + '</aside><footer><p>' + "Copyright and terms of use of this site apply to every page. " * 10
            + '</p></footer></body></html>')
    path = tmp_path / "photo-caption-only.html"
    path.write_text(html, "utf-8")
    warnings = ingest_file(path).warnings
    assert len(warnings) == 1 and str(path) in warnings[0] and "extracted article is only" in warnings[0]


def test_a_full_article_gets_no_short_body_warning(tmp_path):
    assert ingest_file(_page(tmp_path)).warnings == []


def test_a_bad_comments_setting_is_a_clear_error(tmp_path, monkeypatch):
    from translate.core.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "translate.toml").write_text('[ingest]\ncomments = "example.org"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\[ingest\] comments must be a list"):
        ingest_file(_page(tmp_path))


def test_translate_segment_prints_the_short_body_warning(tmp_path):
    side = "".join(f'<div class="teaser"><a href="/story{i}">Story {i}: the council votes on the budget for the '
                   'coming year</a></div>' for i in range(20))
    html = ('<html><head><title>Gallery</title></head><body><main><article><h1>Gallery</h1><figure>'
            '<img src="a.jpg"><figcaption>The mayor opens the new bridge over the river on Monday morning.'
            '</figcaption></figure></article></main><aside class="related">' + side + '</aside><footer><p>'
            + "Copyright and terms of use of this site apply to every page. " * 10 + '</p></footer></body></html>')
    path = tmp_path / "gallery-page.html"
    path.write_text(html, "utf-8")
    result = CliRunner().invoke(main, ["segment", str(path)])
    assert result.exit_code == 0, result.output
    assert "gallery-page.html: the extracted article is only" in result.output
