"""Edits a pair file the way a CAT tool does: targets rewritten, states set, our subState dropped."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

X2 = "urn:oasis:names:tc:xliff:document:2.0"
X12 = "urn:oasis:names:tc:xliff:document:1.2"


def edit_xliff21(src: Path, dest: Path, edits: dict[str, tuple[str | None, str]], *, alter_source: dict[str, str] | None = None) -> None:
    """``edits``: segment id -> (new target or None to keep, new state)."""
    tree = etree.parse(str(src))
    for seg in tree.getroot().iter(f"{{{X2}}}segment"):
        sid = seg.get("id")
        if alter_source and sid in alter_source:
            seg.find(f"{{{X2}}}source").text = alter_source[sid]
        if sid not in edits:
            continue
        text, state = edits[sid]
        if text is not None:
            target = seg.find(f"{{{X2}}}target")
            if target is None:
                target = etree.SubElement(seg, f"{{{X2}}}target")
            target.text = text
        seg.set("state", state)
        seg.attrib.pop("subState", None)
    tree.write(str(dest), xml_declaration=True, encoding="UTF-8")


def edit_xliff12(src: Path, dest: Path, edits: dict[str, tuple[str | None, str]]) -> None:
    tree = etree.parse(str(src))
    for unit in tree.getroot().iter(f"{{{X12}}}trans-unit"):
        if unit.get("id") not in edits:
            continue
        text, state = edits[unit.get("id")]
        target = unit.find(f"{{{X12}}}target")
        if text is not None:
            target.text = text
        target.set("state", state)
        target.attrib.pop("state-qualifier", None)
    tree.write(str(dest), xml_declaration=True, encoding="UTF-8")
