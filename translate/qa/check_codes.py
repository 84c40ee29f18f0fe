"""Inline codes (links, emphasis, code spans...): count, pairing, nesting and order against the source.

The source's codes are the reference. A code missing, doubled or foreign to the source, a paired
code (``pc``) turned into a standalone one or wrapping nothing, and a nesting the source does not
have (a link that was inside an emphasis now outside it) are errors; codes in another order than
the source is a warning (French word order may move a link, but it deserves a look).
"""

from __future__ import annotations

from collections import Counter

from translate.qa.registry import register

register("codes", "codes", "error", "inline codes missing, added, unpaired or nested differently from the source")
register("codes-order", "codes", "warning", "inline codes in another order than in the source")


def _parents(codes) -> dict[str, str]:
    """Each code's innermost enclosing paired code ("" at the top)."""
    out = {}
    for code in codes:
        best = ""
        width = None
        for other in codes:
            if other is code or other.kind != "pc":
                continue
            inside = other.start <= code.start and code.end <= other.end and (other.start, other.end) != (code.start, code.end)
            if inside and (width is None or other.end - other.start < width):
                best, width = other.id, other.end - other.start
        out[code.id] = best
    return out


def _name(code) -> str:
    kind = {"link": "link", "image": "image"}.get(code.type, "emphasis" if code.kind == "pc" else "code")
    return f"{kind} {code.id}"


def check(ctx) -> list:
    seg = ctx.segment
    src, tgt = list(seg.codes), list(seg.target_codes if seg.target is not None else [])
    if not src and not tgt:
        return []
    if seg.target is None:  # a machine draft: the codes were placed by construction
        return []
    findings = []
    src_ids, tgt_ids = Counter(c.id for c in src), Counter(c.id for c in tgt)
    by_id = {c.id: c for c in src}
    for cid in src_ids:
        if tgt_ids[cid] < src_ids[cid]:
            findings.append(ctx.finding("codes", f"{_name(by_id[cid])} is missing from the French: put it back "
                                        f"around/at the matching words"))
        elif tgt_ids[cid] > src_ids[cid]:
            findings.append(ctx.finding("codes", f"{_name(by_id[cid])} appears {tgt_ids[cid]} times in the French: keep one"))
    for cid in tgt_ids:
        if cid not in src_ids:
            findings.append(ctx.finding("codes", f"code {cid} is not in the source: remove it"))
    tgt_by_id = {c.id: c for c in tgt}
    for cid, code in by_id.items():
        other = tgt_by_id.get(cid)
        if other is None:
            continue
        if code.kind != other.kind:
            findings.append(ctx.finding("codes", f"{_name(code)} is {'paired' if code.kind == 'pc' else 'standalone'} "
                                        "in the source but not in the French: restore it as it was"))
        elif code.kind == "pc" and code.end > code.start and other.end <= other.start:
            findings.append(ctx.finding("codes", f"{_name(code)} wraps no text in the French: put the words back inside it"))
    common = [c for c in src if c.id in tgt_by_id]
    if findings:
        return findings
    src_parent, tgt_parent = _parents(src), _parents(tgt)
    for code in common:
        if src_parent.get(code.id, "") != tgt_parent.get(code.id, ""):
            where = src_parent.get(code.id) or "the top level"
            findings.append(ctx.finding("codes", f"{_name(code)} is nested differently from the source (there: inside "
                                        f"{where}): fix the nesting"))
    src_order = [c.id for c in sorted(src, key=lambda c: (c.start, -c.end))]
    tgt_order = [c.id for c in sorted(tgt, key=lambda c: (c.start, -c.end))]
    if not findings and src_order != tgt_order and sorted(src_order) == sorted(tgt_order):
        findings.append(ctx.finding("codes-order", f"inline codes in another order ({' '.join(tgt_order)}) than the "
                                    f"source ({' '.join(src_order)}): check they wrap the right words"))
    return findings
