"""Repetition loops and runaway length: the known failure of a Marian model on short inputs and
headlines ("la réunion de la réunion de la réunion..."), and drafts the engine flagged
``length-capped`` (generation hit its output bound).

A word or phrase (1 to 4 words) repeated three times in a row, or a phrase of 2 to 4 words that
the French repeats more often than the source has it (at least three times), is a loop. A French
more than three times as long as a short source (under 60 characters) has run away.
"""

from __future__ import annotations

import re
from collections import Counter

from translate.qa.registry import register

register("repetition", "repetition", "error", "a word or phrase repeated in a loop")
register("runaway-length", "repetition", "error", "the French is far longer than a short source")
register("length-capped", "repetition", "warning", "the machine draft hit the output length limit")

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def loops(tokens: list[str]) -> list[str]:
    """Phrases repeated three times or more in a row, shortest first (as text)."""
    found = []
    for n in range(1, 5):
        i = 0
        while i + 3 * n <= len(tokens):
            gram = tokens[i:i + n]
            if any(t.isalnum() or t.isalpha() for t in gram) and tokens[i + n:i + 2 * n] == gram and tokens[i + 2 * n:i + 3 * n] == gram:
                if not (n == 1 and gram[0].isdigit()):
                    found.append(" ".join(gram))
                i += 3 * n
            else:
                i += 1
    return found


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def check(ctx) -> list:
    findings = []
    tgt = _tokens(ctx.target)
    src = _tokens(ctx.source)
    looped = loops(tgt)
    if looped and not loops(src):
        findings.append(ctx.finding("repetition", f"“{looped[0]}” repeats in a loop: rewrite the sentence from the source"))
    else:
        src_words = [t for t in src if t.isalnum()]
        for n in (4, 3, 2):
            counts = _ngrams([t for t in tgt if t.isalnum()], n)
            src_counts = _ngrams(src_words, n)
            worst = [(g, c) for g, c in counts.items() if c >= 3 and c > max(1, max(src_counts.values(), default=0))]
            if worst:
                gram, count = max(worst, key=lambda x: x[1])
                findings.append(ctx.finding("repetition", f"“{' '.join(gram)}” occurs {count} times: the draft loops; "
                                            "rewrite it from the source"))
                break
    if len(ctx.source.strip()) < 60 and len(ctx.target) > 3 * max(len(ctx.source), 10):
        findings.append(ctx.finding("runaway-length", f"{len(ctx.target)} characters for a {len(ctx.source)}-character "
                                    "source: cut what the source does not say"))
    if "length-capped" in ctx.segment.flags and ctx.segment.target == ctx.segment.mt:
        findings.append(ctx.finding("length-capped", "the machine draft hit the length limit: check the end of the sentence"))
    return findings
