"""The engine through the real generate on the test model: order, batching, splitting, bounds."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from translate.mt.engine import FLAG_CAPPED, FLAG_SPLIT, EngineSettings, MarianEngine, clean_output
from translate.mt.longsplit import split_to_fit

SENTENCES = [
    "Putin met Biden in Geneva.",
    "The talks were constructive, officials said on Wednesday after a long day.",
    "Hello.",
    "",
    "Russia has repeatedly violated cybersecurity agreements over the years.",
    "Putin met Biden in Geneva.",
]


def test_results_in_input_order_whatever_the_batching(test_model_dir):
    wide = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1))
    narrow = MarianEngine.load(str(test_model_dir), device="cpu",
                               settings=EngineSettings(beam_size=1, max_batch_tokens=16, max_batch_size=1))
    singles = [narrow.translate([s])[0].text for s in SENTENCES]
    assert [t.text for t in narrow.translate(SENTENCES)] == singles
    assert [t.text for t in wide.translate(SENTENCES)] == singles
    assert narrow.stats.batches > wide.stats.batches
    assert singles[3] == ""
    assert singles[0] == singles[5]


def test_long_segment_is_split_not_truncated(test_model_dir):
    engine = MarianEngine.load(str(test_model_dir), device="cpu",
                               settings=EngineSettings(beam_size=1, max_input_tokens=24))
    long = ("The minister said the budget would grow; the opposition disagreed, and the debate "
            "went on late into the night: nobody left the chamber before midnight, but nothing was decided.")
    assert engine.count_tokens(long) > 24
    result = engine.translate([long])[0]
    assert FLAG_SPLIT in result.flags
    short = engine.translate(["The minister said."])[0]
    assert FLAG_SPLIT not in short.flags


def test_output_is_bounded_by_input_length(engine):
    # Random weights rarely emit end-of-sentence: the per-sentence bound is what stops them.
    out = engine.translate(["Hello."])[0]
    limit = engine.output_limit(engine.count_tokens("Hello."))
    assert FLAG_CAPPED in out.flags
    assert out.target_tokens == limit


def test_clean_output_drops_characters_xml_cannot_hold():
    assert clean_output(" a\x04b\ufffd  c\x0e ") == "ab c"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,;:—-.x")), max_size=120), st.integers(min_value=1, max_value=30))
def test_split_to_fit_pieces_are_exact_and_fit(text, width):
    spans = split_to_fit(text, lambda s: len(s) <= width)
    pieces = [text[a:b] for a, b in spans]
    # Exact substrings, in order, covering every non-space character.
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(len(p) <= width for p in pieces)
    assert all(a < b for a, b in spans) and all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


def test_split_prefers_clause_boundaries():
    text = "first part here; second part here, and third part"
    spans = split_to_fit(text, lambda s: len(s) <= 30)
    assert [text[a:b] for a, b in spans] == ["first part here;", "second part here, and third part"][:1] + [
        text[a:b] for a, b in spans[1:]
    ]
    assert text[spans[0][0]:spans[0][1]] == "first part here;"
