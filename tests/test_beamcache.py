"""The beam-search cache's row moves (translate/mt/beamcache.py): whatever beams generate keeps,
each row ends up with the history of the row it came from, cycles included."""

from __future__ import annotations

import torch
from hypothesis import given, settings, strategies as st

from translate.mt.beamcache import _HistoryStore


@st.composite
def beam_steps(draw):
    beams = draw(st.integers(1, 4))
    sentences = draw(st.integers(1, 4))
    rows = beams * sentences
    if draw(st.booleans()):  # what beam search does: each row takes a row of its own sentence
        index = [(r // beams) * beams + draw(st.integers(0, beams - 1)) for r in range(rows)]
    else:  # any permutation: long cycles
        index = draw(st.permutations(list(range(rows))))
    return rows, index, draw(st.integers(1, 6))


@settings(max_examples=300, deadline=None)
@given(beam_steps(), st.integers(1, 3), st.booleans())
def test_moved_rows_hold_their_sources_history(step, layers, one_layer):
    rows, index, length = step
    store = _HistoryStore(layers)
    store.reserve(torch.zeros(rows, 2, 1, 3), 6)
    store.computed(0, 6)  # every row computed its own history: nothing shared
    generator = torch.Generator().manual_seed(rows * 31 + length)
    store.buffer.copy_(torch.randn(store.buffer.shape, generator=generator))
    slots = slice(0, 2) if one_layer else slice(None)
    expected = store.buffer.clone()
    expected[:, slots, :, :length] = store.buffer[index][:, slots, :, :length]
    store.move_rows([(row, source) for row, source in enumerate(index) if row != source], length, slots)
    assert torch.equal(store.buffer, expected)  # positions past length and other slots untouched too


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_a_whole_beam_search_leaves_every_row_the_history_of_its_beam(beams, sentences, data):
    # Step after step (write a position, then follow the beams generate kept), rows that share a
    # prefix copy only the rest; the buffer must stay what full copies of every moved row give.
    rows = beams * sentences
    steps = data.draw(st.integers(1, 12))
    store = _HistoryStore(2)
    reference = None
    generator = torch.Generator().manual_seed(rows * 7 + steps)
    for t in range(steps):
        fresh = torch.randn(rows, 4, 1, 1, 2, generator=generator)  # [rows, slots, heads, 1, dim]
        store.reserve(fresh[:, 0], t + 1)
        store.computed(t, t + 1)
        store.buffer[:, :, :, t:t + 1] = fresh
        reference = fresh if reference is None else torch.cat([reference, fresh], dim=3)
        index = [(r // beams) * beams + data.draw(st.integers(0, beams - 1)) for r in range(rows)]
        store.move_rows([(r, s) for r, s in enumerate(index) if r != s], t + 1)
        reference = reference[index]
        assert torch.equal(store.buffer[:, :, :, :t + 1], reference)


def test_rows_sharing_a_prefix_copy_only_the_rest():
    store = _HistoryStore(1)
    store.reserve(torch.zeros(2, 1, 1, 1), 4)
    store.computed(0, 3)
    store.move_rows([(1, 0)], 3)  # row 1 takes row 0's three positions: now the same lineage
    store.computed(3, 4)  # both compute position 3 afresh
    assert store.shared_prefixes([(1, 0)], 4) == [3]


def test_growth_keeps_what_was_written():
    store = _HistoryStore(1)
    first = torch.arange(2 * 2 * 3, dtype=torch.float32).view(2, 2, 1, 3)
    store.reserve(first, 1)
    store.buffer[:, 0, :, 0:1] = first
    capacity = store.buffer.shape[3]
    store.reserve(first, capacity + 1)
    assert store.buffer.shape[3] >= 2 * capacity
    assert torch.equal(store.buffer[:, 0, :, 0:1], first)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(2, 4), st.integers(1, 9), st.booleans())
def test_shared_cross_attention_equals_attention_per_row(sentences, beams, width, padded):
    # One decoding step's cross-attention: keys and values repeated per beam (as generate repeats
    # the encoder output), a padding mask per sentence; the shared path must give every row what
    # transformers' SDPA gives it.
    from types import SimpleNamespace

    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    from translate.mt.beamcache import _attention

    generator = torch.Generator().manual_seed(sentences * 100 + beams * 10 + width)
    heads, dim = 2, 8
    rows = sentences * beams
    keys = torch.randn(sentences, heads, width, dim, generator=generator).repeat_interleave(beams, 0)
    values = torch.randn(sentences, heads, width, dim, generator=generator).repeat_interleave(beams, 0)
    query = torch.randn(rows, heads, 1, dim, generator=generator)
    mask = None
    if padded:
        lengths = torch.randint(1, width + 1, (sentences,), generator=generator).repeat_interleave(beams)
        mask = (torch.arange(width)[None, :] < lengths[:, None])[:, None, None, :]
    module = SimpleNamespace(translate_beams=beams, is_causal=False)
    ours, _ = _attention(module, query, keys, values, mask, scaling=dim ** -0.5)
    theirs, _ = sdpa_attention_forward(module, query, keys, values, mask, scaling=dim ** -0.5)
    assert ours.shape == theirs.shape == (rows, 1, heads, dim)
    assert torch.allclose(ours, theirs, atol=1e-6)
