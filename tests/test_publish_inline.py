"""Inline markup restored on publishing: links, emphasis, code spans from HTML and Markdown articles.

The French targets and the positions of their codes are set by hand, as a translator does in a
CAT tool; the codes' markup comes from ingestion, through the pair file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import html5lib
import pytest

from translate.ingest.reader import ingest_string
from translate.publish.publisher import PublishConfig, publish_pair_file
from translate.formats.xliff import read_pair_file, write_pair_file

XHTML = "{http://www.w3.org/1999/xhtml}"
NOW = lambda: datetime(2026, 1, 2, tzinfo=timezone.utc)  # noqa: E731

HTML = """<!DOCTYPE html><html lang="en"><head><title>Putin and Biden meet in Geneva</title>
<link rel="canonical" href="https://news.example.org/2021/06/16/geneva/"></head><body><article>
<h1>Putin and Biden meet in Geneva</h1>
<p>Russian President Vladimir Putin called the talks <strong>quite constructive</strong> and said both sides agreed to <a href="https://example.org/ambassadors">return their ambassadors</a> to their posts in Washington and Moscow after months of tension.</p>
<p>The Atlanta-area company paid about $4.3 million to a Russian criminal group known as <em>DarkSide</em> to get back into operation, officials said on Wednesday.</p>
</article></body></html>"""

MARKDOWN = """---
title: Putin and Biden meet in Geneva
url: https://news.example.org/2021/06/16/geneva/
---

# Putin and Biden meet in Geneva

Russian President Vladimir Putin called the talks **quite constructive** and said both sides agreed to [return their ambassadors](https://example.org/ambassadors) to their posts.

- The ransom note read `pay 4.3 BTC: now` in the logs.
"""

FRENCH = {
    "Putin and Biden meet in Geneva": ("Poutine et Biden se rencontrent à Genève", []),
    "Russian President Vladimir Putin called the talks quite constructive and said both sides agreed to return "
    "their ambassadors to their posts in Washington and Moscow after months of tension.": (
        "Le président russe Vladimir Poutine a jugé les discussions plutôt constructives et a déclaré que les deux "
        "parties étaient convenues de renvoyer leurs ambassadeurs à leurs postes à Washington et à Moscou après des "
        "mois de tension.", ["plutôt constructives", "renvoyer leurs ambassadeurs"]),
    "The Atlanta-area company paid about $4.3 million to a Russian criminal group known as DarkSide to get back "
    "into operation, officials said on Wednesday.": (
        "L'entreprise de la région d'Atlanta a versé environ 4.3 millions de dollars à un groupe criminel russe "
        "connu sous le nom de DarkSide pour reprendre ses activités, ont indiqué mercredi les autorités.", ["DarkSide"]),
    "Russian President Vladimir Putin called the talks quite constructive and said both sides agreed to return "
    "their ambassadors to their posts.": (
        "Le président russe Vladimir Poutine a jugé les discussions plutôt constructives et a déclaré que les deux "
        "parties étaient convenues de renvoyer leurs ambassadeurs à leurs postes.",
        ["plutôt constructives", "renvoyer leurs ambassadeurs"]),
    "The ransom note read  in the logs.": ("La demande de rançon disait  dans les journaux.", [" dans"]),
}


def translate_by_hand(pair):
    """Targets and code positions as a translator sets them; every segment final."""
    article, stamp = read_pair_file(pair)
    for seg in article.segments:
        target, anchors = FRENCH[seg.source]
        codes = []
        for code, anchor in zip(seg.codes, anchors):
            start = target.index(anchor)
            end = start if code.kind == "ph" else start + len(anchor)
            codes.append(replace(code, start=start, end=end))
        seg.target, seg.target_codes, seg.state = target, codes, "final"
    write_pair_file(pair, article, stamp)


@pytest.fixture(params=["html", "markdown"])
def pair(request, tmp_path):
    text = HTML if request.param == "html" else MARKDOWN
    article = ingest_string(text, slug="geneva", fmt=request.param, origin="test")
    path = tmp_path / "work" / "geneva.xlf"
    path.parent.mkdir()
    write_pair_file(path, article, {"tool": "translate"})
    translate_by_hand(path)
    return path


def test_links_emphasis_and_code_spans_come_back_in_html(pair, tmp_path):
    data = publish_pair_file(pair, PublishConfig(out=tmp_path / "fr"), now=NOW).path.read_text("utf-8")
    doc = html5lib.HTMLParser(strict=True).parse(data)
    links = [a for a in doc.iter(f"{XHTML}a") if a.get("href") == "https://example.org/ambassadors"]
    assert len(links) == 1 and links[0].text == "renvoyer leurs ambassadeurs"
    assert [s.text for s in doc.iter(f"{XHTML}strong")] == ["plutôt constructives"]
    assert doc.find(f".//{XHTML}h1").text == "Poutine et Biden se rencontrent à Genève"
    if "DarkSide" in data:
        assert [e.text for e in doc.iter(f"{XHTML}em")] == ["DarkSide"]
        assert "L’entreprise" in data and "4,3 millions" in data  # typography around the codes
    else:
        # A code span keeps its text exactly: typography never reaches inside it.
        assert [c.text for c in doc.iter(f"{XHTML}code")] == ["pay 4.3 BTC: now"]


def test_links_emphasis_and_code_spans_come_back_in_markdown(pair, tmp_path):
    text = publish_pair_file(pair, PublishConfig(out=tmp_path / "fr", fmt="md"), now=NOW).path.read_text("utf-8")
    assert "**plutôt constructives**" in text
    assert "[renvoyer leurs ambassadeurs](https://example.org/ambassadors)" in text
    assert "*DarkSide*" in text or "`pay 4.3 BTC: now`" in text


def test_unsafe_markup_in_codes_is_not_copied_through(pair, tmp_path):
    article, stamp = read_pair_file(pair)
    seg = next(s for s in article.segments if s.target_codes)
    fmt_html = article.format == "html"
    evil = replace(seg.target_codes[0], data='<a href="javascript:alert(1)" onclick="x()">' if fmt_html else "[",
                   data_end="</a>" if fmt_html else "](javascript:alert(1))")
    seg.target_codes = [evil] + seg.target_codes[1:]
    write_pair_file(pair, article, stamp)
    data = publish_pair_file(pair, PublishConfig(out=tmp_path / "fr"), now=NOW).path.read_text("utf-8")
    assert "javascript:" not in data and "onclick" not in data
    assert "plutôt constructives" in data
