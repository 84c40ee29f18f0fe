"""Beam search on a CPU without the copying: a key/value cache and a cross-attention made for it.

Once outputs are long, transformers' defaults spend more time moving memory than the model spends
on arithmetic. Two things here change that:

* :func:`beam_cache`, a cache for ``generate(..., cache=...)``. The self-attention history of all
  decoder layers lives in one buffer made at the call's final size (a step writes one position in
  place, where transformers re-concatenates each layer's whole history). Following the beams
  copies only the rows whose beam changed, one copy per row for every layer at once, and only the
  positions the two rows do not already share (transformers copies every row of every layer,
  cross-attention included). The cross-attention cache is never reordered: the beams of one
  sentence always come from that sentence's own rows, whose cross-attention keys and values (the
  same encoder output, repeated per beam) are identical, so that copy changes nothing. Outputs
  and scores are transformers' own, bit for bit.
* :func:`shared_cross_attention`, for the same reason: the ``beams`` rows of one sentence hold
  the same cross-attention keys and values, so the decoder's cross-attention reads them once per
  sentence, with the sentence's beams as ``beams`` queries, instead of once per row. The same
  numbers are added in another order: scores agree with transformers' within 1e-5.

bench/mt_speed.py measures the gain (rows engine-int8 against engine-int8-hfcache);
tests/test_engine.py compares beams, scores and beam indices with transformers' own, and
tests/test_beamcache.py the row moves and the attention.
"""

from __future__ import annotations

import copy
import functools
from contextlib import contextmanager
from typing import Any, Iterator

ATTENTION_NAME = "translate_shared_beams"
_CLASSES: dict[str, type] = {}


def beam_cache(decoder_layers: int, positions: int = 0):
    """A fresh cache for one beam-search ``generate`` call of a model with ``decoder_layers`` layers.

    ``positions``: how many decoder positions the call can reach (its ``max_new_tokens`` plus the
    start token), so the buffer is made once at its final size; it still grows past that if needed.
    """
    from transformers import DynamicCache

    store = _HistoryStore(decoder_layers, positions)
    self_attention = DynamicCache()
    # Layers are made as generate first reaches them, in order: layer i gets slot i of the store.
    self_attention.layer_class_to_replicate = functools.partial(_layer_class(), store)
    return _cross_cache_class()(self_attention, DynamicCache())


class _HistoryStore:
    """Keys and values of every decoder layer: one tensor [rows, 2 x layers, heads, capacity, dim].

    Beside it, each row's lineage: one id per position, new for every position a row computes,
    copied with the history when a row takes another's. Two rows with the same id at a position
    hold the same keys and values there (the same computation, copied), so a row that takes the
    history of a row sharing its first ``p`` positions copies only the rest: the beams of a
    sentence mostly share a long prefix and differ in their last few tokens.
    """

    def __init__(self, layers: int, positions: int = 0) -> None:
        self.slots = 2 * layers
        self.positions = positions
        self.buffer = None
        self.lineage = None  # [rows, capacity] int64
        self.lineage_valid = True  # False once a single layer was reordered on its own
        self._next_id = 0
        self._scratch = None  # one row, for cycles of moves (see move_rows)
        self.made = 0  # layers handed out so far

    def reserve(self, like, end: int) -> None:  # noqa: ANN001 - a torch tensor [rows, heads, t, dim]
        """Room for ``end`` positions: the call's ``positions`` at first, then by doubling (what was
        written is kept)."""
        import torch

        old = 0 if self.buffer is None else self.buffer.shape[3]
        if end <= old:
            return
        rows, heads, _, dim = like.shape
        capacity = max(end, 2 * old, 32) if old or end > self.positions else self.positions
        grown = like.new_empty((rows, self.slots, heads, capacity, dim))
        lineage = torch.zeros((rows, capacity), dtype=torch.long)
        if old:
            grown[:, :, :, :old] = self.buffer
            lineage[:, :old] = self.lineage
        self.buffer, self.lineage = grown, lineage

    def computed(self, start: int, end: int) -> None:
        """Every row computed positions ``start:end`` afresh (the first layer's update)."""
        import torch

        rows = self.lineage.shape[0]
        count = rows * (end - start)
        self.lineage[:, start:end] = torch.arange(self._next_id, self._next_id + count).view(rows, end - start)
        self._next_id += count

    def shared_prefixes(self, moves: list[tuple[int, int]], length: int) -> list[int]:
        """For each (row, source): how many first positions the two already share."""
        import torch

        if not self.lineage_valid:
            return [0] * len(moves)
        rows = torch.tensor([row for row, _ in moves])
        sources = torch.tensor([source for _, source in moves])
        differ = self.lineage[rows, :length] != self.lineage[sources, :length]
        first = differ.to(torch.uint8).argmax(dim=1)
        return torch.where(differ.any(dim=1), first, torch.full_like(first, length)).tolist()

    def move_rows(self, moves: list[tuple[int, int]], length: int, slots: slice = slice(None)) -> None:
        """Row ``row`` takes row ``source``'s first ``length`` positions, for each (row, source).

        One ``copy_`` per moved row covers every layer's keys and values (an indexed gather and
        scatter of the same rows copies everything twice), and only the positions the two rows do
        not already share. A row is overwritten only once every row reading it has been served;
        only a cycle of moves (row 0 takes row 1's history and row 1 takes row 0's) needs a row
        set aside, in a scratch row kept between steps.
        """
        if self.buffer is None or not length or not moves:
            return
        if slots != slice(None):
            self.lineage_valid = False  # one layer moved alone: the lineage no longer holds for all
        buffer = self.buffer
        starts = dict(zip((row for row, _ in moves), self.shared_prefixes(moves, length)))
        pending = dict(moves)
        readers: dict[int, int] = {}
        for source in pending.values():
            readers[source] = readers.get(source, 0) + 1
        ready = [row for row in pending if not readers.get(row)]
        set_aside = None  # (row, view of the scratch row holding its history)
        while pending:
            if not ready:  # only cycles are left: set one row aside and its readers read the copy
                row = next(iter(pending))
                if self._scratch is None or self._scratch.shape != buffer.shape[1:]:
                    self._scratch = buffer.new_empty(buffer.shape[1:])
                set_aside = (row, self._scratch[slots])
                set_aside[1][:, :, :length].copy_(buffer[row, slots, :, :length])
                readers[row] = 0
                ready.append(row)
            row = ready.pop()
            source = pending.pop(row)
            start = starts[row]
            if start < length:
                data = set_aside[1] if set_aside is not None and set_aside[0] == source else buffer[source, slots]
                buffer[row, slots, :, start:length].copy_(data[:, :, start:length])
            readers[source] -= 1
            if not readers[source] and source in pending:
                ready.append(source)
        if self.lineage_valid:
            import torch

            rows = torch.tensor([row for row, _ in moves])
            self.lineage[rows, :length] = self.lineage[torch.tensor([source for _, source in moves]), :length]


def _moves(beam_idx) -> list[tuple[int, int]]:  # noqa: ANN001 - a torch tensor
    return [(row, source) for row, source in enumerate(beam_idx.tolist()) if row != source]


def _cross_cache_class() -> type:
    if "cross" not in _CLASSES:
        from transformers import EncoderDecoderCache

        class SharedCrossCache(EncoderDecoderCache):
            def reorder_cache(self, beam_idx):  # noqa: ANN001 - a torch tensor
                moves = _moves(beam_idx)  # worked out once for every layer
                layers = self.self_attention_cache.layers
                if not moves or not layers:
                    return
                if all(isinstance(layer, _layer_class()) for layer in layers):
                    layers[0].store.move_rows(moves, layers[0].length)
                else:  # pragma: no cover - a layer transformers made itself
                    for layer in layers:
                        layer.reorder_cache(beam_idx)

        _CLASSES["cross"] = SharedCrossCache
    return _CLASSES["cross"]


def _layer_class() -> type:
    if "layer" not in _CLASSES:
        from transformers.cache_utils import DynamicLayer

        class BeamLayer(DynamicLayer):
            """One layer's keys and values: two slots of the shared store; ``keys``/``values`` are views."""

            def __init__(self, store: _HistoryStore) -> None:
                super().__init__()
                self.store = store
                self.slot = 2 * store.made
                store.made += 1
                self.length = 0

            def update(self, key_states, value_states, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
                if not self.is_initialized:
                    self.lazy_initialization(key_states, value_states)
                end = self.length + key_states.shape[-2]
                self.store.reserve(key_states, end)
                if self.slot == 0:
                    self.store.computed(self.length, end)
                buffer = self.store.buffer
                buffer[:, self.slot, :, self.length:end] = key_states
                buffer[:, self.slot + 1, :, self.length:end] = value_states
                self.length = end
                self.keys, self.values = buffer[:, self.slot, :, :end], buffer[:, self.slot + 1, :, :end]
                return self.keys, self.values

            def get_seq_length(self) -> int:
                return self.length if self.is_initialized else 0

            def reorder_cache(self, beam_idx):  # noqa: ANN001 - a torch tensor
                self.store.move_rows(_moves(beam_idx), self.length, slice(self.slot, self.slot + 2))

        _CLASSES["layer"] = BeamLayer
    return _CLASSES["layer"]


# ---------------------------------------------------------------------------------- cross-attention
def install_shared_cross_attention(model: Any) -> bool:
    """Route ``model``'s decoder cross-attention through :func:`_attention` (plain SDPA unless
    :func:`shared_cross_attention` is active). False where the model's layout is not the one
    expected (the model is left as it was and runs as before)."""
    from transformers import AttentionInterface

    modules = _cross_attention_modules(model)
    if not modules or not all(hasattr(m, "config") and hasattr(m.config, "_attn_implementation_internal")
                              for m in modules):
        return False
    if modules[0].config._attn_implementation not in ("sdpa", ATTENTION_NAME):
        return False  # eager or flash attention was asked for: leave it
    AttentionInterface.register(ATTENTION_NAME, _attention)
    config = copy.copy(modules[0].config)  # the decoder's own masks still follow the model's config
    config._attn_implementation_internal = ATTENTION_NAME
    for module in modules:
        module.config = config
        module.translate_beams = 0
    return True


@contextmanager
def shared_cross_attention(model: Any, beams: int) -> Iterator[None]:
    """For one beam-search ``generate`` call whose encoder output is repeated ``beams`` times per sentence."""
    modules = [m for m in _cross_attention_modules(model) if hasattr(m, "translate_beams")]
    for module in modules:
        module.translate_beams = beams
    try:
        yield
    finally:
        for module in modules:
            module.translate_beams = 0


def _cross_attention_modules(model: Any) -> list:
    decoder = getattr(getattr(model, "model", None), "decoder", None)
    return [layer.encoder_attn for layer in getattr(decoder, "layers", []) if hasattr(layer, "encoder_attn")]


def _attention(module, query, key, value, attention_mask, dropout: float = 0.0, scaling=None, **kwargs):  # noqa: ANN001
    """SDPA, with one decoding step's cross-attention read once per sentence instead of once per beam."""
    import torch
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    beams = getattr(module, "translate_beams", 0)
    rows, heads, steps, dim = query.shape
    if beams < 2 or steps != 1 or rows % beams or key.shape[0] != rows or dropout:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout,
                                      scaling=scaling, **kwargs)
    sentences = rows // beams
    # [rows, heads, 1, dim] -> [sentences, heads, beams, dim]: a sentence's beams become its queries.
    queries = query.view(sentences, beams, heads, dim).transpose(1, 2)
    mask = attention_mask[::beams] if attention_mask is not None else None
    out = torch.nn.functional.scaled_dot_product_attention(
        queries, key[::beams], value[::beams], attn_mask=mask, scale=scaling)
    # Back to what sdpa_attention_forward returns: [rows, 1, heads, dim].
    return out.transpose(1, 2).reshape(rows, 1, heads, dim), None
