"""Quotes and brackets balanced; French typography as the publish step will write it.

Brackets ( ) [ ] and guillemets « » must pair up in the French (an unbalanced bracket the English
also has is left alone: a quotation running over several sentences opens in one and closes in
another). The French is then put through the publish step's typography (translate/typography.py)
and what it cannot fix is reported: quotation marks it cannot pair, and English-style marks left.
Spacing before ; : ! ? and inside « » is fixed at publishing, so it is only an ``info`` finding.
"""

from __future__ import annotations

import re

from translate.qa.registry import register
from translate.publish.typography import NBSP, NNBSP, apply_typography

register("brackets", "typography", "error", "brackets or guillemets that do not pair up")
register("typography", "typography", "info", "typography the publish step will rewrite (quotes, spaces, apostrophes)")

_PAIRS = (("(", ")"), ("[", "]"), ("«", "»"))


def _balance(text: str, opening: str, closing: str) -> int:
    depth, worst = 0, 0
    for ch in text:
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            worst = min(worst, depth)
    return depth if worst == 0 else -1


def _source_balance(text: str, opening: str, closing: str) -> int:
    if opening == "«":
        opening, closing = "“", "”"
    return _balance(text, opening, closing)


def _source_quotes_balanced(source: str) -> bool:
    return source.count('"') % 2 == 0 and _balance(source, "“", "”") == 0 and _balance(source, "«", "»") == 0


def check(ctx) -> list:

    findings = []
    target = ctx.target
    for opening, closing in _PAIRS[:2]:
        t = _balance(target, opening, closing)
        if t != 0 and t != _balance(ctx.source, opening, closing):
            findings.append(ctx.finding("brackets", f"{opening} {closing} do not pair up in the French: "
                                        f"{'a ' + closing + ' is missing' if t > 0 else 'a ' + opening + ' is missing'}"))
    # Quotation marks as the publish step writes them: every « needs its ».
    published = apply_typography(target)
    if _source_quotes_balanced(ctx.source) and (_balance(published, "«", "»") != 0 or published.count('"') % 2):
        findings.append(ctx.finding("brackets", "the quotation marks do not pair up in the French (« without », or "
                                    "the reverse): close the quotation where the English does"))
    rewrites = []
    if '"' in target or "“" in target and "«" not in target:
        rewrites.append("quotes → « »")
    if re.search(r"\w'\w", target):
        rewrites.append("' → ’")
    if re.search(r"[^\s\u00a0\u202f][;:!?](?!\d)", target) or re.search(r" [;:!?]", target):
        rewrites.append("narrow no-break space before ; : ! ?")
    if re.search(r"« |\s»", target.replace("«" + NBSP, "").replace(NBSP + "»", "").replace("«" + NNBSP, "").replace(NNBSP + "»", "")):
        rewrites.append("no-break spaces inside « »")
    if rewrites and published != target:
        findings.append(ctx.finding("typography", "publishing will write: " + "; ".join(rewrites)))
    return findings
