"""Locked terms in pair files: the XLIFF 2 glossary module, one ``gls:glossEntry`` per term hit.

Each unit carries a ``<gls:glossary>`` listing the hits of its segments: the English text as found
(``gls:term``), the locked French form (``gls:translation``) and, as attributes in our own
namespace, the segment, the offsets, the entry id and how the form reached the draft. CAT tools
show the glossary to the post-editor; the workflow reads the hits back.
"""

from __future__ import annotations

from translate.core.article import Block, TermHit

GLS = "urn:oasis:names:tc:xliff:glossary:2.0"
TRM = "urn:translate-newsroom:terms:1.0"


def write_terms(unit, block: Block) -> None:
    """Append a ``gls:glossary`` with the term hits of ``block``'s segments to ``unit`` (if any)."""
    from lxml import etree

    hits = [(seg, hit) for seg in block.segments for hit in seg.terms]
    if not hits:
        return
    glossary = etree.SubElement(unit, f"{{{GLS}}}glossary", nsmap={"gls": GLS, "trm": TRM})
    for n, (seg, hit) in enumerate(hits, 1):
        entry = etree.SubElement(glossary, f"{{{GLS}}}glossEntry", id=f"t{n}")
        entry.set(f"{{{TRM}}}segment", seg.id)
        entry.set(f"{{{TRM}}}entry", hit.entry_id)
        entry.set(f"{{{TRM}}}start", str(hit.start))
        entry.set(f"{{{TRM}}}end", str(hit.end))
        if hit.method:
            entry.set(f"{{{TRM}}}method", hit.method)
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
        ))
    return out
