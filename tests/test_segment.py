"""Sentence segmentation: the news test sets (every case exact) and the properties any input keeps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from translate.ingest.segment import load_segment_rules, sentence_spans, split_sentences

DATA = Path(__file__).parent / "data"
CASES = [
    json.loads(line)
    for name in ("sentences.jsonl", "sentences_extra.jsonl")
    for line in (DATA / name).read_text("utf-8").splitlines()
    if line.strip()
]


def test_the_test_set_is_large_and_covers_the_categories():
    assert len(CASES) >= 120
    categories = {c["category"] for c in CASES}
    for needed in ("abbreviations", "abbrev_end", "initials", "money_decimals", "quotes", "question_attribution",
                   "nested_quotes", "parentheses", "ellipsis", "urls_emails", "versions", "datelines", "headlines",
                   "lists", "lowercase_starts", "interrobang", "wrapped_lines", "french_spacing"):
        assert needed in categories


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(reason=c["known_miss"], strict=True)) if c.get("known_miss") else c
    for c in CASES
], ids=[c["id"] for c in CASES])
def test_case(case):
    assert split_sentences(case["text"]) == case["sentences"]


def check_properties(text: str) -> None:
    spans = sentence_spans(text)
    pos = 0
    for start, end in spans:
        assert pos <= start < end <= len(text)
        piece = text[start:end]
        assert not piece[0].isspace() and not piece[-1].isspace()
        assert text[pos:start].strip() == ""  # only whitespace between sentences
        pos = end
    assert text[pos:].strip() == ""
    assert "".join(split_sentences(text)).split() == "".join(text[a:b] for a, b in spans).split()
    covered = "".join(ch for a, b in spans for ch in text[a:b] if not ch.isspace())
    assert covered == "".join(ch for ch in text if not ch.isspace())


news_bits = st.sampled_from([
    "U.S.", "Mr.", "Gen.", "a.m.", "p.m.", "No.", "5", "$4.3", "million", "Inc.", "D.C.", "J.", "“", "”", "‘", "’",
    '"', "'", "?", "!", "...", "…", "(", ")", "—", "-", "The", "he", "said", "iPhone", "www.example.com", "e.g.",
    "\n", "\n\n", "\r\n", " ", "  ", "\t", "\u00a0", "\u200b", "•", "1.", "Geneva", ".", ",", ":", ";", "»", "«",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(news_bits, max_size=40).map(" ".join))
def test_properties_on_news_like_text(text):
    check_properties(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_properties_on_any_text(text):
    check_properties(text)


def test_empty_and_blank():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_a_newsroom_extends_the_abbreviations(tmp_path):
    text = "The Hon. Member spoke. Talks went on at the Assoc. Meeting."
    extra = tmp_path / "newsroom.txt"
    extra.write_text("[title]\nAssoc\n", "utf-8")
    default = split_sentences(text)
    extended = split_sentences(text, load_segment_rules(extra=[extra]))
    assert extended == ["The Hon. Member spoke.", "Talks went on at the Assoc. Meeting."]
    assert default != extended
