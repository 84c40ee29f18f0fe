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
    # float32: reduced precision (bf16, dynamic int8's per-batch activation scale) may let a draft
    # depend on its batch mates; this is about routing results back to their inputs.
    wide = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1, dtype="float32"))
    narrow = MarianEngine.load(str(test_model_dir), device="cpu",
                               settings=EngineSettings(beam_size=1, dtype="float32", max_batch_tokens=16,
                                                       max_batch_size=1))
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


def _padded(engine, texts):
    import torch

    ids = [engine._encode_ids(t) for t in texts]
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), engine.tokenizer.pad_token_id, dtype=torch.long)
    attention = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        input_ids[row, : len(x)] = torch.tensor(x)
        attention[row, : len(x)] = 1
    return input_ids, attention


def test_beam_cache_gives_transformers_outputs_bit_for_bit(test_model_dir):
    # Our beam-search cache (one growing buffer for all layers, only changed rows reordered,
    # cross-attention never reordered) must change nothing: every returned beam and its score
    # equal transformers' own.
    import torch

    from translate.mt.beamcache import beam_cache

    engine = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(dtype="float32"))
    texts = [s for s in SENTENCES if s] + ["Officials in Moscow and Washington said talks would resume next month."]
    input_ids, attention = _padded(engine, texts)
    common = dict(input_ids=input_ids, attention_mask=attention, num_beams=4, num_return_sequences=4,
                  max_new_tokens=40, do_sample=False, return_dict_in_generate=True, output_scores=True)
    with torch.inference_mode():
        theirs = engine.model.generate(**common)
        ours = engine.model.generate(**common, cache=beam_cache(engine.model.config.decoder_layers))
    assert torch.equal(theirs.sequences, ours.sequences)
    assert torch.equal(theirs.sequences_scores, ours.sequences_scores)
    assert torch.equal(theirs.beam_indices, ours.beam_indices)
    # The rows changed beams along the way (so the reordering path was exercised).
    steps = theirs.beam_indices[:, 1:]
    assert bool(((steps >= 0) & (steps != torch.arange(steps.shape[0])[:, None])).any())


def test_shared_cross_attention_reads_each_sentence_once_and_changes_no_beam(test_model_dir, monkeypatch):
    # The decoder's cross-attention, with a sentence's beams as the queries of one attention over
    # its keys (identical in every beam row), must give transformers' beams and scores.
    import torch

    from translate.mt.beamcache import shared_cross_attention

    engine = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(dtype="float32"))
    assert engine.shared_cross_attention
    texts = [s for s in SENTENCES if s] + ["Officials in Moscow and Washington said talks would resume next month."]
    input_ids, attention = _padded(engine, texts)
    common = dict(input_ids=input_ids, attention_mask=attention, num_beams=4, num_return_sequences=4,
                  max_new_tokens=40, do_sample=False, return_dict_in_generate=True, output_scores=True)
    sdpa = torch.nn.functional.scaled_dot_product_attention
    shapes = []

    def spy(query, *args, **kwargs):
        shapes.append(tuple(query.shape))
        return sdpa(query, *args, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    with torch.inference_mode():
        theirs = engine.model.generate(**common)
        assert all(shape[2] != 4 for shape in shapes)  # inactive: plain per-row attention
        with shared_cross_attention(engine.model, 4):
            ours = engine.model.generate(**common)
    grouped = [shape for shape in shapes if shape[2] == 4]
    assert grouped and grouped[0][0] == len(texts)  # one attention row per sentence, 4 queries each
    assert torch.equal(theirs.sequences, ours.sequences)
    assert torch.equal(theirs.beam_indices, ours.beam_indices)
    assert torch.allclose(theirs.sequences_scores, ours.sequences_scores, atol=1e-5)
    assert all(m.translate_beams == 0 for m in (layer.encoder_attn for layer in engine.model.model.decoder.layers))


def test_engine_drafts_same_with_either_cache(test_model_dir):
    texts = [s for s in SENTENCES if s]
    ours = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(dtype="float32"))
    plain = MarianEngine.load(str(test_model_dir), device="cpu",
                              settings=EngineSettings(dtype="float32", beam_cache=False))
    assert [t.text for t in ours.translate(texts)] == [t.text for t in plain.translate(texts)]


def test_model_info_says_which_beam_cache(test_model_dir, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from translate.cli.group import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the settings search stops here
    args = ["model", "info", "--model", str(test_model_dir), "--dtype", "float32", "--beam-size", "4"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "beam-cache: in place" in result.output
    monkeypatch.setenv("TRANSLATE_BEAM_CACHE", "0")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "beam-cache: transformers' own" in result.output

