"""Rendering: whatever text a target holds comes out as that text, in HTML and in Markdown."""

from __future__ import annotations

import html
import re

import html5lib
from hypothesis import example, given, settings, strategies as st
from markdown_it import MarkdownIt

from translate.publish.render import Code, md_escape, runs_to_html, runs_to_markdown, safe_url

XHTML = "{http://www.w3.org/1999/xhtml}"
# Text a translator or a model can put in a target: printable characters and the markup-ish ones.
target_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")) | st.sampled_from(list("<>&\"'`*_[]()#!|~\\-+=.1")),
    min_size=1, max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(target_text)
@example('<script>alert("x")</script>')
@example("&amp; &lt;b&gt; &#x41;")
def test_html_text_stays_text(text):
    page = f"<!DOCTYPE html><html lang=fr><head><title>t</title></head><body><p>{runs_to_html([text])}</p></body></html>"
    doc = html5lib.HTMLParser(strict=False).parse(page)
    p = doc.find(f".//{XHTML}p")
    assert len(p) == 0  # no element was created
    assert (p.text or "") == text


@settings(max_examples=150, deadline=None)
@given(target_text.map(lambda t: re.sub(r"\s+", " ", t).strip()).filter(bool))
@example("# not a heading")
@example("1. not a list")
@example("<b>bold</b> &amp; *em* [x](javascript:alert(1)) `code`")
@example("- item")
def test_markdown_text_stays_text(text):
    rendered = MarkdownIt("commonmark", {"html": True}).render(md_escape(text)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[3:-4]
    assert "<" not in inner  # no tag: everything is escaped text
    assert html.unescape(inner) == text


def test_codes_are_rebuilt_from_the_allow_list():
    runs = [Code("open", "a", (("href", "https://x.org/?a=1&b=2"), ("onclick", "evil()"))), "lien",
            Code("close", "a"), " ", Code("open", "blink"), "ignoré", Code("close", "blink"), " ",
            Code("standalone", "code", text="<x>"), Code("open", "em"), "jamais fermé"]
    assert runs_to_html(runs) == ('<a href="https://x.org/?a=1&amp;b=2">lien</a> ignoré <code>&lt;x&gt;</code>'
                                  "<em>jamais fermé</em>")
    assert runs_to_markdown(runs) == "[lien](https://x.org/?a=1&b=2) ignoré `<x>`*jamais fermé*"


def test_unsafe_urls():
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "java\nscript:x", "data:text/html,x", "vbscript:x"):
        try:
            safe_url(url)
        except Exception as exc:
            assert "not an http" in str(exc)
        else:
            raise AssertionError(url)
    for url in ("https://x.org/a", "/fr/a/", "a.html", "../en/a.txt", "mailto:desk@x.org"):
        assert safe_url(url) == url
