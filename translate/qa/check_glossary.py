"""Glossary: the glossary check's violations, per segment.

The glossary as it is now when one is given (the same matching as ``translate glossary check``),
else the term hits the pair file records; every locked French form must be in the French.
"""

from __future__ import annotations

from translate.glossary.entries import missing_forms
from translate.qa.registry import register

register("glossary", "glossary", "error", "a locked glossary term is missing from the French")


def check(ctx) -> list:
    hits = ctx.glossary.find(ctx.source) if ctx.glossary is not None else list(ctx.segment.terms)
    return [ctx.finding("glossary", f"“{hit.source_text}” must be translated as “{hit.target}”, which the French lacks")
            for hit in missing_forms(ctx.target, list(hits))]
