"""The model's confidence in its own drafts: each output's length-normalised log-probability.

What ``generate(..., output_scores=True, return_dict_in_generate=True)`` returns as
``sequences_scores``, without keeping every step's full score matrix (``output_scores`` holds
rows x vocabulary floats per step: gigabytes for a CPU batch of 64 sentences at beam 4). A
logits processor, first in the chain, follows each running hypothesis: at every step it finds
each row's parent among the previous step's rows (by a hash of the token prefix, on the device,
no synchronisation), adds the log-probability of the token that was chosen, and remembers what
ending the sentence there would score. After generation, :meth:`SequenceScorer.scores` reads each
returned sequence's total and divides it by its length (tokens generated, end-of-sentence
included): generate's own ``sequences_scores`` with ``length_penalty=1``. It keeps one step's
score tensor alive and a few floats per row and step.
"""

from __future__ import annotations


class SequenceScorer:
    def __init__(self, eos_id: int, pad_id: int, *, beams: int, normalized: bool) -> None:
        # Beam search hands processors log-probabilities; greedy search raw logits.
        self.eos_id, self.pad_id, self.normalized, self.beams = eos_id, pad_id, normalized, max(1, beams)
        self._weights = None
        self._prev = None  # (hash, cumulative log-prob, scores tensor, log-normaliser) of the last step
        self._ends: dict[int, tuple] = {}  # prefix length -> (hash, score of ending there)
        self._start = None

    def _hash(self, ids, items=None):
        """A hash per row of its token prefix and the sentence it belongs to (rows of different
        sentences may hold the same tokens). ``items``: each row's sentence; default row // beams."""
        import torch

        width = ids.shape[1]
        if self._weights is None or self._weights.shape[0] < width + 1:
            gen = torch.Generator().manual_seed(1234)
            weights = torch.randint(1, 2 ** 62, (max(width, 256) * 2,), generator=gen, dtype=torch.long) | 1
            self._weights = weights.to(ids.device)
        if items is None:
            items = torch.arange(ids.shape[0], device=ids.device) // self.beams
        # int64 wraps around: a hash, not a sum; the last weight mixes in the sentence.
        return (ids * self._weights[:width]).sum(dim=1) + (items + 1) * self._weights[-1]

    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors
        import torch

        width = input_ids.shape[1]
        if self._start is None:
            self._start = width
        norm = torch.zeros(scores.shape[0], device=scores.device) if self.normalized else scores.logsumexp(dim=-1)
        if self._prev is None:
            cum = torch.zeros(scores.shape[0], device=scores.device)
        else:
            prev_hash, prev_cum, prev_scores, prev_norm = self._prev
            prefix = self._hash(input_ids[:, :-1])
            parent = (prefix[:, None] == prev_hash[None, :]).to(torch.float32).argmax(dim=1)
            token = input_ids[:, -1]
            cum = prev_cum[parent] + prev_scores[parent, token] - prev_norm[parent]
        full = self._hash(input_ids)
        self._ends[width] = (full, cum + scores[:, self.eos_id] - norm)
        self._prev = (full, cum, scores, norm)
        return scores

    def scores(self, sequences) -> list[float | None]:
        """Each returned sequence's mean log-probability per token (None if it cannot be traced)."""
        import torch

        out: list[float | None] = []
        rows = sequences.tolist()
        for row_index, row in enumerate(rows):
            while len(row) > self._start and row[-1] == self.pad_id:
                row = row[:-1]
            produced = len(row) - self._start
            if produced <= 0 or self._start is None:
                out.append(None)
                continue
            value = None
            ids = torch.tensor([row[:-1]], dtype=torch.long, device=self._weights.device)
            key = self._hash(ids, torch.tensor([row_index], device=ids.device))[0]
            if row[-1] == self.eos_id and len(row) - 1 in self._ends:
                hashes, totals = self._ends[len(row) - 1]
                match = (hashes == key).nonzero()
                if len(match):
                    value = float(totals[match[0, 0]])
            elif self._prev is not None and len(row) - 1 == self._width_prev():
                hashes, cum, sc, norm = self._prev
                match = (hashes == key).nonzero()
                if len(match):
                    i = match[0, 0]
                    value = float(cum[i] + sc[i, row[-1]] - norm[i])
            out.append(None if value is None or value != value or value == float("-inf") else value / produced)
        return out

    def _width_prev(self) -> int:
        return max(self._ends) if self._ends else -1
