"""The model's confidence per draft (translate/mt/confidence.py) equals generate's own sequence score."""

from __future__ import annotations

import pytest

SOURCES = ["The talks lasted two hours.", "Markets fell sharply on Monday, and investors fled to bonds.", "Gold rose.",
           "Putin calls summit with Biden quite constructive"]


@pytest.mark.parametrize("beams, limit", [(2, 20), (1, 20), (2, 4)])
def test_scorer_matches_sequences_scores(test_model_dir, beams, limit):
    import torch
    from transformers import LogitsProcessorList, MarianMTModel, MarianTokenizer

    from translate.mt.confidence import SequenceScorer

    tok = MarianTokenizer.from_pretrained(test_model_dir)
    model = MarianMTModel.from_pretrained(test_model_dir).eval()
    enc = tok(SOURCES, return_tensors="pt", padding=True)
    scorer = SequenceScorer(model.config.eos_token_id, tok.pad_token_id, beams=beams, normalized=beams > 1)
    with torch.inference_mode():
        out = model.generate(**enc, num_beams=beams, max_new_tokens=limit, do_sample=False, length_penalty=1.0,
                             logits_processor=LogitsProcessorList([scorer]), output_scores=True,
                             return_dict_in_generate=True)
    ours = scorer.scores(out.sequences)
    if beams > 1:
        reference = out.sequences_scores.tolist()
    else:  # greedy search returns no sequence score: the mean of the chosen tokens' log-probabilities
        steps = model.compute_transition_scores(out.sequences, out.scores, normalize_logits=True)
        reference = []
        for row in range(len(SOURCES)):
            n = int((out.sequences[row, 1:] != tok.pad_token_id).sum())
            reference.append(float(steps[row, :n].sum() / n))
    assert ours == pytest.approx(reference, abs=1e-4)


def test_engine_records_the_confidence_of_each_draft(engine):
    results = engine.translate(SOURCES[:2] + [SOURCES[0], ""])
    assert all(isinstance(r.logprob, float) and r.logprob < 0 for r in results[:3])
    assert results[0].logprob == results[2].logprob and results[3].logprob is None
