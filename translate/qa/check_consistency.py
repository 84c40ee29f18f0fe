"""Consistency across segments (in one article, or across every article checked together).

* The same English sentence translated two ways: each segment holding a less common version is
  flagged with the version used elsewhere (ties: the later ones are flagged).
* One English term given two French forms by post-editors: a term of the source (a name, or a run
  of one to three words with a capital inside the sentence: "Tullamarine Freeway", "Beaconsfield mine")
  kept as written in the French of some human translations and not in others, where no glossary
  entry decides it. Flagged on the segments in the minority (ties: those that changed it).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from translate.core.article import ORIGIN_HUMAN
from translate.qa.registry import register
from translate.qa.text import loose_key, source_names

register("inconsistent-translation", "consistency", "warning", "the same English sentence translated two ways")
register("inconsistent-term", "consistency", "warning", "one English term given two French forms")

_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_SMALL = {"the", "a", "an", "of", "and", "in", "on", "at", "to", "for", "by", "with", "from", "is", "was"}


def _terms(source: str) -> set[str]:
    """Runs of one to three words holding a capitalised word that does not start the sentence."""
    words = [(m.group(0), m.start()) for m in _WORD.finditer(source)]
    out = set()
    for i in range(len(words)):
        for n in (1, 2, 3):
            run = words[i:i + n]
            if len(run) < n or run[0][0].lower() in _SMALL or run[-1][0].lower() in _SMALL:
                continue
            if any(w[:1].isupper() and pos > 0 for w, pos in run) and len(" ".join(w for w, _ in run)) > 3:
                out.add(source[run[0][1]:run[-1][1] + len(run[-1][0])])
    # A part of a longer name is not a term of its own here ("India" in "State Bank of India").
    names = [n for n in source_names(source) if len(n) > 3]
    return {t for t in out if not any(t != name and t in name for name in names)} | set(names)


def check_all(contexts) -> list:
    findings = []
    groups: dict[str, list] = defaultdict(list)
    for ctx in contexts:
        key = loose_key(ctx.source)
        if len(key.split()) >= 3:
            groups[key].append(ctx)
    for members in groups.values():
        versions = Counter(loose_key(c.target) for c in members)
        if len(versions) < 2:
            continue
        main = max(versions, key=lambda v: (versions[v], -min(i for i, c in enumerate(members) if loose_key(c.target) == v)))
        example = next(c for c in members if loose_key(c.target) == main)
        for ctx in members:
            if loose_key(ctx.target) != main:
                where = f"{example.article}/{example.segment.id}"
                findings.append(ctx.finding("inconsistent-translation", f"the same English is translated differently in "
                                            f"{where}: “{example.target[:80]}”"))
    terms: dict[str, list] = defaultdict(list)
    for ctx in contexts:
        if ctx.segment.origin != ORIGIN_HUMAN:
            continue
        locked = " ".join(t.source_text for t in ctx.segment.terms)
        for term in _terms(ctx.source):
            if term not in locked:
                terms[term].append(ctx)
    flagged: dict[int, str] = {}
    for term in sorted(terms, key=len, reverse=True):
        members = terms[term]
        kept = [c for c in members if term in c.target]
        changed = [c for c in members if term not in c.target]
        if kept and changed and len(kept) >= len(changed):
            for ctx in changed:
                if id(ctx) in flagged and term in flagged[id(ctx)]:
                    continue  # a longer term was already flagged here
                flagged[id(ctx)] = term
                other = kept[0]
                findings.append(ctx.finding("inconsistent-term", f"“{term}” is kept as written in "
                                            f"{other.article}/{other.segment.id} but not here: use one form"))
    return findings
