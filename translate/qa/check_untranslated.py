"""Untranslated text: a French equal to or mostly the same as the English; English words left.

Names the source carries (capitalised runs copied as they are), locked glossary forms, URLs and
figures are not counted: "DarkSide" or "Colonial Pipeline" alone may rightly stay as written.
A target the language identifier (py3langid) calls English with 95% confidence or more is
untranslated too. English words left in French text are found with a list of English function
words that are not French words (translate/resources/qa_english_words.txt).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from translate.qa.registry import register
from translate.qa.text import loose_key, mask_kept, words
from translate.ingest.language import identify

register("untranslated", "untranslated", "error", "the French is the English, or mostly the same")
register("english-words", "untranslated", "warning", "English words left in the French")

OVERLAP = 0.6  # share of the French words that are English words of the source (names excluded)
LANGID_MIN_WORDS = 6
LANGID_CONFIDENCE = 0.95


@lru_cache(maxsize=1)
def english_only_words() -> frozenset[str]:
    text = resources.files("translate.resources").joinpath("qa_english_words.txt").read_text("utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


COPIED_RUN = 3  # lower-case English words in a row, copied into the French


def _copied_run(source: str, target: str, kept: list[str]) -> str:
    """The first run of ``COPIED_RUN`` or more lower-case words of the source found as they are in
    the French (names, which are capitalised, and locked forms do not count)."""
    src = [w for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", source)]
    masked = mask_kept(target, source, kept)
    tgt_text = " " + " ".join(re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", masked)) + " "
    for i in range(len(src) - COPIED_RUN + 1):
        run = src[i:i + COPIED_RUN]
        if all(w.islower() for w in run) and any(len(w) > 2 for w in run) and f" {' '.join(run)} " in tgt_text:
            j = i + COPIED_RUN
            while j < len(src) and src[j].islower() and f" {' '.join(src[i:j + 1])} " in tgt_text:
                j += 1
            return " ".join(src[i:j])
    return ""


def _locked(ctx) -> list[str]:
    return [t.target for t in ctx.segment.terms if t.target]


def check(ctx) -> list:
    findings = []
    source, target = ctx.source, ctx.target
    if not target.strip():
        return [ctx.finding("untranslated", "the French is empty: translate the segment")]
    kept = _locked(ctx) + [t.source_text for t in ctx.segment.terms]
    src_words = [w.lower() for w in words(mask_kept(source, source, kept))]
    tgt_words = [w.lower() for w in words(mask_kept(target, source, kept))]
    if loose_key(source) == loose_key(target) and len(src_words) >= 2:
        return [ctx.finding("untranslated", "the French is the English source: translate it")]
    english = english_only_words()
    if len(tgt_words) >= 3:
        src_set = set(src_words)
        shared = [w for w in tgt_words if w in src_set and len(w) > 2]
        if len(shared) / len(tgt_words) >= OVERLAP and sum(1 for w in tgt_words if w in english) >= 1:
            return [ctx.finding("untranslated", f"the French is mostly the English ({len(shared)} of {len(tgt_words)} "
                                "words copied): translate it")]
    if len(tgt_words) >= LANGID_MIN_WORDS:

        lang, prob = identify(" ".join(tgt_words))
        if lang == "en" and prob >= LANGID_CONFIDENCE:
            return [ctx.finding("untranslated", f"the French reads as English (language identifier, {prob:.2f}): translate it")]
    copied = _copied_run(source, target, kept)
    if copied:
        findings.append(ctx.finding("english-words", f"“{copied}” is copied from the English: translate it"))
        return findings
    left = [w for w in tgt_words if w in english]
    if left:
        shown = ", ".join(dict.fromkeys(left))
        findings.append(ctx.finding("english-words", f"English word(s) left in the French: {shown}"))
    return findings
