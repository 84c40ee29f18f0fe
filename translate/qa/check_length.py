"""Length ratio: a French too long or too short for its English, as en→fr news runs.

The model is Gale and Church's (1993) length model for sentence alignment: the French length in
characters is about ``c`` times the English one, with a variance proportional to the English
length, ``s2`` per character. ``delta = (len_fr - c * len_en) / sqrt(len_en * s2)`` is then about
standard normal; beyond ``LIMIT`` (two-sided p < 0.001) the pair is flagged. ``c`` and ``s2``
were estimated on the clean training part of tests/data/qa/ (51 hand-translated Wikinews
sentences: c = 1.126, s2 = 1.76; Gale and Church give c ≈ 1.1 and use s2 = 6.8 for their
parliamentary and banking texts). ``S2`` is twice our estimate, for a sample that small: at 100
English characters the French may run from 51 to 175 characters unflagged. Sources under
``MIN_CHARS`` are not judged: headlines and short quotes vary too much.
"""

from __future__ import annotations

import math

from translate.qa.registry import register

register("length-ratio", "length", "warning", "the French is much longer or shorter than expected for the English")

C = 1.13
S2 = 3.5
LIMIT = 3.3
MIN_CHARS = 20


def delta(source: str, target: str) -> float:
    ls, lt = len(source.strip()), len(target.strip())
    return (lt - C * ls) / math.sqrt(max(ls, 1) * S2)


def check(ctx) -> list:
    ls = len(ctx.source.strip())
    if ls < MIN_CHARS:
        return []
    d = delta(ctx.source, ctx.target)
    if d > LIMIT:
        return [ctx.finding("length-ratio", f"the French is {len(ctx.target.strip()) / ls:.2f} times the English length "
                            f"(expected about {C:.2f}): look for added text")]
    if d < -LIMIT:
        return [ctx.finding("length-ratio", f"the French is {len(ctx.target.strip()) / ls:.2f} times the English length "
                            f"(expected about {C:.2f}): look for something left out")]
    return []
