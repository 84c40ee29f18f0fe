"""Consistency across segments (in one article, or across every article checked together).

* The same English sentence translated two ways: each segment holding a less common version is
  flagged with the version used elsewhere (ties: the later ones are flagged).
* One English name given two French forms by post-editors: a name of the source (a capitalised
  run) kept as written in some human translations and not in others, where no glossary entry
  decides it.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from translate.core.article import ORIGIN_HUMAN
from translate.qa.registry import register
from translate.qa.text import fold, source_names

register("inconsistent-translation", "consistency", "warning", "the same English sentence translated two ways")
register("inconsistent-term", "consistency", "warning", "one English name given two French forms")


def check_all(contexts) -> list:
    findings = []
    groups: dict[str, list] = defaultdict(list)
    for ctx in contexts:
        key = fold(ctx.source)
        if len(key.split()) >= 3:
            groups[key].append(ctx)
    for members in groups.values():
        versions = Counter(fold(c.target) for c in members)
        if len(versions) < 2:
            continue
        ranked = sorted(versions, key=lambda v: -versions[v])
        main = ranked[0]
        example = next(c for c in members if fold(c.target) == main)
        for ctx in members:
            if fold(ctx.target) != main:
                where = f"{example.article}/{example.segment.id}"
                findings.append(ctx.finding("inconsistent-translation", f"the same English is translated differently in "
                                            f"{where}: “{example.target[:80]}”"))
    names: dict[str, list] = defaultdict(list)
    for ctx in contexts:
        if ctx.segment.origin != ORIGIN_HUMAN:
            continue
        terms = {t.source_text for t in ctx.segment.terms}
        for name in dict.fromkeys(source_names(ctx.source)):
            if name not in terms and len(name) > 3:
                names[name].append(ctx)
    for name, members in names.items():
        kept = [c for c in members if name in c.target]
        changed = [c for c in members if name not in c.target]
        if kept and changed and len(kept) >= len(changed):
            for ctx in changed:
                other = kept[0]
                findings.append(ctx.finding("inconsistent-term", f"“{name}” is kept as written in "
                                            f"{other.article}/{other.segment.id} but not here: use one form"))
    return findings
