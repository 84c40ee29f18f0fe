"""Shared by the hand-off tests: the drafted articles, a CAT tool's edits, the import check."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from catwriters import X2, X12
from translate.cli.group import main
from translate.formats.exchange import export_article, import_pair_file
from translate.formats.xliff import read_pair_file

REPO = Path(__file__).resolve().parent.parent
ARTICLES = [REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt", REPO / "tests" / "data" / "articles" / "summit.md"]
SEED = "putin-biden-geneva-summit"
CODES = "summit"  # the Markdown article: links, emphasis, code spans (inline codes)

# Our states -> what a CAT tool writes for them, per XLIFF version. x- states are a tool's own.
STATES_12 = {"translated": "translated", "reviewed": "signed-off", "final": "final",
             "needs-review-translation": "needs-review-translation", "x-edited-by-vendor": "x-edited-by-vendor"}
EXPECTED_STATE = {"translated": "translated", "reviewed": "reviewed", "final": "final",
                  "needs-review-translation": "translated", "x-edited-by-vendor": "translated"}
TRICKY = ["Poutine a qualifié « d'assez constructif » le sommet — l'œuvre & <b>élan</b> \"oui\" 'ça' 😀",
          "  espaces en tête et en fin  ", "a]]>b, 1 < 2 > 0", "ligne\nsuivante\tet tabulation",
          "Genève, Moscou : « Colonial Pipeline » ; DarkSide !"]


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def exported(work: Path, slug: str, fmt: str) -> bytes:
    article, stamp = read_pair_file(work / f"{slug}.xlf")
    return export_article(article, stamp, fmt)


def cat_edit(data: bytes, edits: dict[str, tuple[str, str]]) -> tuple[bytes, dict[str, str]]:
    """Edit targets and states as a CAT tool does (our subState / state-qualifier dropped); returns
    the new file and the target text each edited segment must have once imported."""
    root = etree.fromstring(data)
    v2 = etree.QName(root).namespace == X2
    ns = X2 if v2 else X12
    expected: dict[str, str] = {}
    holders = root.iter(f"{{{ns}}}segment") if v2 else root.iter(f"{{{ns}}}trans-unit")
    for holder in holders:
        sid = holder.get("id")
        if sid not in edits:
            continue
        text, state = edits[sid]
        target = holder.find(f"{{{ns}}}target")
        old_prefix = target.text or ""
        old_whole = "".join(target.itertext())
        target.text = text  # the text before the first inline code; the codes stay where they are
        expected[sid] = text + old_whole[len(old_prefix):]
        if v2:
            holder.set("state", state)
            holder.attrib.pop("subState", None)
        else:
            target.set("state", STATES_12[state])
            target.attrib.pop("state-qualifier", None)
            if state == "final":
                holder.set("approved", "yes")
            else:
                holder.attrib.pop("approved", None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), expected


def import_and_compare(work: Path, slug: str, data: bytes, edits: dict[str, tuple[str, str]],
                       expected: dict[str, str]):
    """Import ``data`` into a copy of ``work``; assert every edit is kept and nothing else changed."""
    before, stamp_before = read_pair_file(work / f"{slug}.xlf")
    with tempfile.TemporaryDirectory() as tmp:
        copy_work = Path(tmp) / "work"
        shutil.copytree(work, copy_work)
        incoming = Path(tmp) / "back.xlf"
        incoming.write_bytes(data)
        report = import_pair_file(incoming, copy_work, by="cat")
        after, stamp_after = read_pair_file(copy_work / f"{slug}.xlf")
    assert stamp_after == stamp_before
    assert after.metadata == before.metadata and after.slug == before.slug
    assert [(b.id, b.kind, b.text) for b in after.blocks] == [(b.id, b.kind, b.text) for b in before.blocks]
    old = {s.id: s for s in before.segments}
    for seg in after.segments:
        was = old[seg.id]
        if seg.id not in edits:
            assert seg == was, f"segment {seg.id} changed although the tool did not touch it"
            continue
        assert seg.target == expected[seg.id], f"segment {seg.id}: edit lost"
        assert seg.state == EXPECTED_STATE[edits[seg.id][1]]
        if seg.target != was.target:
            assert seg.origin == "human"
        if seg.state == "final" and was.state != "final":
            assert seg.approved_by == "cat"
        untouched = ("source", "codes", "mt", "flags", "notes", "candidates", "terms", "start", "end")
        assert {k: getattr(seg, k) for k in untouched} == {k: getattr(was, k) for k in untouched}
    return report


def some_edits(work: Path, slug: str, texts: list[str], states: list[str]) -> dict[str, tuple[str, str]]:
    article, _ = read_pair_file(work / f"{slug}.xlf")
    segs = article.segments
    chosen = segs[::3] + [s for s in segs if s.codes][:2]
    return {seg.id: (texts[i % len(texts)], states[i % len(states)]) for i, seg in enumerate(chosen)}


