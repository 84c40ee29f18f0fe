"""Ingestion: the seed scrape, HTML and Markdown articles, bad input; nothing lost silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from translate.cli import main
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
