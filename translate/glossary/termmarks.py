"""Locked terms in pair files: the XLIFF 2 glossary module, one ``gls:glossEntry`` per term hit.

Each unit carries a ``<gls:glossary>`` listing the hits of its segments: the English text as found
(``gls:term``), the locked French form (``gls:translation``) and, as attributes in our own
namespace, the segment, the offsets, the entry id, how the form reached the draft (``method``) and,
for a repair, what was done (``how``). CAT tools
show the glossary to the post-editor; the workflow reads the hits back.
"""

from __future__ import annotations

from lxml import etree

from translate.core.article import Block, TermHit

GLS = "urn:oasis:names:tc:xliff:glossary:2.0"
TRM = "urn:translate-newsroom:terms:1.0"


def write_terms(unit, block: Block) -> None:
    """Append a ``gls:glossary`` with the term hits of ``block``'s segments to ``unit`` (if any)."""
    hits = [(seg, hit) for seg in block.segments for hit in seg.terms]
    if not hits:
        return
    # No nsmap here: both namespaces are declared on the root <xliff> (translate/formats/xliff.py).
    glossary = etree.SubElement(unit, f"{{{GLS}}}glossary")
    for n, (seg, hit) in enumerate(hits, 1):
        entry = etree.SubElement(glossary, f"{{{GLS}}}glossEntry", id=f"t{n}")
        entry.set(f"{{{TRM}}}segment", seg.id)
        entry.set(f"{{{TRM}}}entry", hit.entry_id)
        entry.set(f"{{{TRM}}}start", str(hit.start))
        entry.set(f"{{{TRM}}}end", str(hit.end))
        if hit.method:
            entry.set(f"{{{TRM}}}method", hit.method)
        if hit.how:  # how a repaired term was put in (or "missing" for a human target lacking it)
            entry.set(f"{{{TRM}}}how", hit.how)
        etree.SubElement(entry, f"{{{GLS}}}term", source="glossary").text = hit.source_text
        etree.SubElement(entry, f"{{{GLS}}}translation", source="glossary").text = hit.target


def read_terms(unit) -> dict[str, list[TermHit]]:
    """The term hits recorded in ``unit``, by segment id."""
    out: dict[str, list[TermHit]] = {}
    glossary = unit.find(f"{{{GLS}}}glossary")
    if glossary is None:
        return out
    for entry in glossary.findall(f"{{{GLS}}}glossEntry"):
        seg_id = entry.get(f"{{{TRM}}}segment")
        term = entry.find(f"{{{GLS}}}term")
        translation = entry.find(f"{{{GLS}}}translation")
        if not seg_id or term is None or translation is None:
            continue  # an entry a CAT tool added: not one of our hits
        try:
            start, end = int(entry.get(f"{{{TRM}}}start", "0")), int(entry.get(f"{{{TRM}}}end", "0"))
        except ValueError:
            start = end = 0
        out.setdefault(seg_id, []).append(TermHit(
            entry_id=entry.get(f"{{{TRM}}}entry", ""),
            source_text="".join(term.itertext()),
            start=start,
            end=end,
            target="".join(translation.itertext()),
            method=entry.get(f"{{{TRM}}}method", ""),
            how=entry.get(f"{{{TRM}}}how", ""),
        ))
    return out
