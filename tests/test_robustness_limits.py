"""Documented size limits, each enforced with a clear message (the file, the size, the limit).

docs/robustness.md lists every limit; a test keeps that list and the code in step: each
``MAX_*`` constant in the package must be named there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translate.core.errors import TranslateError

REPO = Path(__file__).resolve().parent.parent


def test_a_20_mb_article_is_refused_before_it_is_read(tmp_path):
    from translate.core.fsio import MAX_ARTICLE_BYTES
    from translate.ingest.reader import ingest_file

    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # sparse: the size is what counts
    with pytest.raises(TranslateError) as caught:
        ingest_file(path)
    message = str(caught.value)
    assert "huge.txt" in message and f"{MAX_ARTICLE_BYTES:,}" in message and "limit" in message


def test_html_articles_have_their_own_limit(tmp_path):
    from translate.ingest.reader import MAX_HTML_BYTES, ingest_file

    path = tmp_path / "page.html"
    with open(path, "wb") as handle:
        handle.truncate(MAX_HTML_BYTES + 1)
    with pytest.raises(TranslateError, match=r"page\.html.*limit"):
        ingest_file(path)


def test_a_giant_sentence_is_refused_with_where_it_is(tmp_path):
    from translate.ingest.reader import MAX_SEGMENT_CHARS, ingest_file

    path = tmp_path / "table.txt"
    path.write_text("A normal first sentence.\n\n" + "word " * (MAX_SEGMENT_CHARS // 5 + 10) + "\n")
    with pytest.raises(TranslateError) as caught:
        ingest_file(path)
    message = str(caught.value)
    assert "table.txt" in message and "block 2" in message and f"{MAX_SEGMENT_CHARS:,}" in message


def test_a_sentence_just_under_the_limit_is_accepted(tmp_path):
    from translate.ingest.reader import MAX_SEGMENT_CHARS, ingest_file

    path = tmp_path / "long.txt"
    body = ("clause " * ((MAX_SEGMENT_CHARS - 10) // 7)).strip() + "."
    path.write_text(body + "\n")
    article = ingest_file(path)
    assert max(len(s.source) for s in article.segments) <= MAX_SEGMENT_CHARS


@pytest.mark.parametrize("reader", ["pair file", "pair import", "TMX"])
def test_xml_files_over_the_limit_are_refused_before_reading(reader, tmp_path, monkeypatch):
    from translate.core import xmlsafe

    monkeypatch.setattr(xmlsafe, "MAX_XML_BYTES", 4096)
    path = tmp_path / ("memory.tmx" if reader == "TMX" else "summit.xlf")
    path.write_bytes(b"<?xml version='1.0'?><r>" + b"x" * 8000 + b"</r>")
    if reader == "pair file":
        from translate.formats.xliff import read_pair_file as call
    elif reader == "pair import":
        from translate.formats.exchange import read_incoming as call
    else:
        from translate.formats.tmx import read_tmx_file as call
    with pytest.raises(TranslateError, match=rf"{path.name}.*4,096-byte limit"):
        call(path)


def test_glossary_limit(tmp_path, monkeypatch):
    glossary = pytest.importorskip("translate.glossary.entries", reason="the glossary module is not on this branch yet")
    assert getattr(glossary, "MAX_GLOSSARY_BYTES", None), "translate/glossary/entries.py should state MAX_GLOSSARY_BYTES"
    monkeypatch.setattr(glossary, "MAX_GLOSSARY_BYTES", 4096)
    path = tmp_path / "big.tsv"
    path.write_text("en\tfr\n" + "Geneva\tGen\u00e8ve\n" * 600, "utf-8")
    with pytest.raises(TranslateError, match=r"big\.tsv.*4,096-byte limit"):
        glossary.load_glossary(path)


def test_every_limit_in_the_code_is_documented():
    doc = (REPO / "docs" / "robustness.md").read_text("utf-8")
    names = set()
    for path in (REPO / "translate").rglob("*.py"):
        names |= set(re.findall(r"^(MAX_[A-Z_]+)\s*=", path.read_text("utf-8"), flags=re.M))
    assert names, "no limits found: the scan is broken"
    missing = sorted(n for n in names if n not in doc)
    assert not missing, f"limits not listed in docs/robustness.md: {missing}"
