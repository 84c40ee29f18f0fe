"""Pair files: an :class:`Article` and its French drafts as XLIFF 2.1, and back.

Layout (see docs/pair-files.md):

* ``<file>`` carries ``mda:metadata`` with two groups: ``article`` (slug, format, source hash,
  title, ...) and ``provenance`` (tool, model and revision, library versions, settings).
* one ``<unit>`` per block (``type="tr:paragraph"``, ``tr:heading``...), one ``<segment>`` per
  sentence, the whitespace between sentences in ``<ignorable>`` so the block is rebuilt exactly.
* a segment's origin is its ``subState``: ``tr:mt``, ``tr:tm-exact``, ``tr:tm-fuzzy``; a segment a
  translator touched has no ``tr:`` subState (CAT tools drop it) or ``tr:human``.
* the machine draft is also kept as an ``mtc:match`` (type ``mt``), so it survives post-editing
  and a CAT tool offers it as a candidate; per-segment flags sit in the unit's ``mda:metadata``.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from translate.core.article import ORIGIN_HUMAN, STATES, Article, Block, Metadata, QaIssue, Segment, Waiver
from translate.core.errors import PairFileError, TranslateError
from translate.core.fsio import atomic_write_bytes
from translate.core.inline import indent_structure, original_data, read_content, write_content
from translate.glossary.termmarks import GLS, TRM, read_terms, write_terms
from translate.core.article import Candidate
from translate.core.xmlsafe import read_xml_file
from translate.formats.schemas import validate_xliff21

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Every namespace the file may use is declared once, on <xliff>, with the core namespace as the
# default: some validators (OpenXLIFF) read declarations only there and expect unprefixed core tags.
NSMAP = {None: XLIFF, "mda": MDA, "mtc": MTC, "gls": GLS, "trm": TRM}
SUBSTATE_PREFIX = "tr:"
KIND_PREFIX = "tr:"

QA_NOTE_CATEGORY = "qa"
QA_PRIORITY = {"error": 1, "warning": 5, "info": 9}
_PRIORITY_SEVERITY = {1: "error", 5: "warning", 9: "info"}

_ARTICLE_FIELDS = ("slug", "format", "source", "source-sha256", "source-id", "title", "author", "date", "url", "language")


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def article_to_xliff(article: Article, stamp: dict[str, str] | None = None) -> bytes:
    """Serialise ``article`` (with its targets) as an XLIFF 2.1 document."""
    root = etree.Element(_q(XLIFF, "xliff"), nsmap=NSMAP, version="2.1", srcLang="en", trgLang="fr")
    file_el = etree.SubElement(root, _q(XLIFF, "file"), id="f1")
    if article.source_path is not None:
        file_el.set("original", str(article.source_path))
    meta = etree.SubElement(file_el, _q(MDA, "metadata"))
    md = article.metadata
    values = {
        "slug": article.slug,
        "format": article.format,
        "source": str(article.source_path) if article.source_path else None,
        "source-sha256": article.source_sha256 or None,
        "source-id": article.source_id or None,
        "title": md.title,
        "author": md.author,
        "date": md.date,
        "url": md.url,
        "language": md.language,
    }
    values.update({f"x-{k}": v for k, v in md.extra.items()})
    _meta_group(meta, "article", values)
    if stamp:
        _meta_group(meta, "provenance", stamp)

    for block in article.blocks:
        unit = etree.SubElement(file_el, _q(XLIFF, "unit"), id=block.id, type=KIND_PREFIX + block.kind)
        unit.set(_q(XML_NS, "space"), "preserve")
        drafts = [seg for seg in block.segments if seg.mt is not None or seg.candidates]
        if drafts:
            matches = etree.SubElement(unit, _q(MTC, "matches"))
            for seg in drafts:
                if seg.mt is not None:
                    match = etree.SubElement(matches, _q(MTC, "match"), ref=f"#{seg.id}", type="mt",
                                             origin=(stamp or {}).get("model", "mt"))
                    etree.SubElement(match, _q(XLIFF, "source")).text = seg.source
                    etree.SubElement(match, _q(XLIFF, "target")).text = seg.mt
                for cand in seg.candidates:
                    _write_candidate(matches, seg.id, cand)
        waivers = [(seg, w) for seg in block.segments for w in seg.waivers]
        if block.segments:
            # Every segment: its revision (what an import checks it was based on), and where its
            # text came from, who approved it and who entered it.
            unit_meta = etree.SubElement(unit, _q(MDA, "metadata"))
            for seg in block.segments:
                _meta_group(unit_meta, "segment", {
                    "segment": seg.id,
                    "origin": seg.origin,
                    "flags": " ".join(seg.flags) or None,
                    "approved-by": seg.approved_by,
                    "approved-at": seg.approved_at,
                    "edited-by": seg.edited_by,
                    "edited-at": seg.edited_at,
                    "revision": seg.revision,
                    "mt-logprob": None if seg.mt_logprob is None else f"{seg.mt_logprob:.4f}",
                })
            for seg, waiver in waivers:  # a reviewer's waiver of one QA check (translate/qa/)
                _meta_group(unit_meta, "qa-waiver", {
                    "segment": seg.id, "check": waiver.check, "by": waiver.by, "at": waiver.at,
                    "target-sha": waiver.target_sha, "reason": waiver.reason or None,
                })
        write_terms(unit, block)  # locked glossary terms (translate/glossary/termmarks.py)
        notes = [(seg, note) for seg in block.segments for note in seg.notes]
        issues = [(seg, issue) for seg in block.segments for issue in seg.qa]
        if notes or issues:
            notes_el = etree.SubElement(unit, _q(XLIFF, "notes"))
            for seg, note in notes:
                # Notes have no segment reference in XLIFF 2; the id leads the text for the reader.
                etree.SubElement(notes_el, _q(XLIFF, "note"), category="tr:segment").text = f"[{seg.id}] {note}"
            for seg, issue in issues:
                # QA findings as notes a CAT tool shows: category "qa", priority by severity
                # (1 error, 5 warning, 9 info), about the target; the text names the check.
                etree.SubElement(notes_el, _q(XLIFF, "note"), category=QA_NOTE_CATEGORY, appliesTo="target",
                                 priority=str(QA_PRIORITY.get(issue.severity, 9))).text = \
                    f"[{seg.id}] {issue.severity} {issue.check}: {issue.message}"
        _write_original_data(unit, block)
        gaps = block.gaps()
        for i, seg in enumerate(block.segments):
            if gaps[i]:
                ign = etree.SubElement(unit, _q(XLIFF, "ignorable"))
                etree.SubElement(ign, _q(XLIFF, "source")).text = gaps[i]
            attrs = {"id": seg.id, "state": seg.state}
            if seg.origin and seg.origin != ORIGIN_HUMAN:
                attrs["subState"] = SUBSTATE_PREFIX + seg.origin
            if seg.target is None:
                attrs["state"] = "initial"
            seg_el = etree.SubElement(unit, _q(XLIFF, "segment"), **attrs)
            write_content(etree.SubElement(seg_el, _q(XLIFF, "source")), seg.source, seg.codes)
            if seg.target is not None:
                write_content(etree.SubElement(seg_el, _q(XLIFF, "target")), seg.target, seg.target_codes)
        if gaps[-1]:
            ign = etree.SubElement(unit, _q(XLIFF, "ignorable"))
            etree.SubElement(ign, _q(XLIFF, "source")).text = gaps[-1]
    indent_structure(root)  # not pretty_print: it would put whitespace inside code-only segments
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _write_original_data(unit, block: Block) -> None:
    """The unit's ``<originalData>``: the markup of its inline codes (see translate/core/inline.py)."""
    data = original_data(block.segments)
    if data:
        holder = etree.SubElement(unit, _q(XLIFF, "originalData"))
        for key, value in data.items():
            etree.SubElement(holder, _q(XLIFF, "data"), id=key).text = value


# Candidate kinds and their mtc:match type/subType: memory matches are type "tm"; the human text
# of an earlier version of a changed sentence is type "other", subType "tr:previous".
_CANDIDATE_TYPES = {"tm": ("tm", None), "previous": ("other", "tr:previous"), "other": ("other", None)}


def _write_candidate(matches, seg_id: str, cand) -> None:
    mtype, subtype = _CANDIDATE_TYPES.get(cand.kind, ("other", None))
    attrs = {"ref": f"#{seg_id}", "type": mtype}
    if subtype:
        attrs["subType"] = subtype
    if cand.origin:
        attrs["origin"] = cand.origin
    if cand.similarity is not None:
        attrs["similarity"] = f"{max(0.0, min(100.0, cand.similarity)):.1f}"
    match = etree.SubElement(matches, _q(MTC, "match"), **attrs)
    if cand.kind == "previous" and (cand.by or cand.at or cand.event):
        # A history entry: who entered the text, when, and why it left the target.
        _meta_group(etree.SubElement(match, _q(MDA, "metadata")), "history",
                    {"by": cand.by, "at": cand.at, "event": cand.event or None})
    etree.SubElement(match, _q(XLIFF, "source")).text = cand.source
    etree.SubElement(match, _q(XLIFF, "target")).text = cand.target


def _read_candidate(match):

    mtype, subtype = match.get("type"), match.get("subType")
    kind = "previous" if subtype == "tr:previous" else ("tm" if mtype == "tm" else "other")
    sim = match.get("similarity")
    try:
        similarity = float(sim) if sim is not None else None
    except ValueError:
        similarity = None
    info: dict[str, str] = {}
    meta = match.find(_q(MDA, "metadata"))
    if meta is not None:
        for group in meta.findall(_q(MDA, "metaGroup")):
            if group.get("category") == "history":
                info = _read_group(group)
    return Candidate(source=_text(match.find(_q(XLIFF, "source"))), target=_text(match.find(_q(XLIFF, "target"))),
                     kind=kind, similarity=similarity, origin=match.get("origin") or "",
                     by=info.get("by") or None, at=info.get("at") or None, event=info.get("event", ""))


def _meta_group(parent, category: str, values: dict[str, str | None]) -> None:
    group = etree.SubElement(parent, _q(MDA, "metaGroup"), category=category)
    for key, value in values.items():
        if value is not None:
            etree.SubElement(group, _q(MDA, "meta"), type=key).text = str(value)


def _read_group(group) -> dict[str, str]:
    # A <meta> without a type (a tool's mangling) carries nothing we can name: skipped.
    return {m.get("type"): (m.text or "") for m in group.findall(_q(MDA, "meta")) if m.get("type")}


def xliff_to_article(root, origin: str = "<pair file>") -> tuple[Article, dict[str, str]]:
    """Rebuild the :class:`Article` (and the provenance stamp) from a parsed pair file."""
    if root.tag != _q(XLIFF, "xliff"):
        raise PairFileError(f"{origin}: not an XLIFF 2 document (root element {root.tag!r}).")
    files = root.findall(_q(XLIFF, "file"))
    if len(files) != 1:
        raise PairFileError(f"{origin}: expected one <file> element, found {len(files)}.")
    file_el = files[0]
    article_meta: dict[str, str] = {}
    stamp: dict[str, str] = {}
    meta = file_el.find(_q(MDA, "metadata"))
    if meta is not None:
        for group in meta.findall(_q(MDA, "metaGroup")):
            if group.get("category") == "article":
                article_meta = _read_group(group)
            elif group.get("category") == "provenance":
                stamp = _read_group(group)

    blocks: list[Block] = []
    for unit in file_el.iter(_q(XLIFF, "unit")):
        blocks.append(_read_unit(unit, origin))
    extra = {k[2:]: v for k, v in article_meta.items() if k.startswith("x-")}
    article = Article(
        slug=article_meta.get("slug", ""),
        blocks=blocks,
        metadata=Metadata(
            title=article_meta.get("title"),
            author=article_meta.get("author"),
            date=article_meta.get("date"),
            url=article_meta.get("url"),
            language=article_meta.get("language", "en"),
            extra=extra,
        ),
        source_path=Path(article_meta["source"]) if article_meta.get("source") else None,
        format=article_meta.get("format", "text"),
        source_sha256=article_meta.get("source-sha256", ""),
        source_id=article_meta.get("source-id", ""),
    )
    return article, stamp


def _read_unit(unit, origin: str) -> Block:
    unit_id = unit.get("id", "")
    kind = unit.get("type", KIND_PREFIX + "paragraph")
    kind = kind[len(KIND_PREFIX):] if kind.startswith(KIND_PREFIX) else kind
    drafts: dict[str, str] = {}
    candidates: dict[str, list] = {}
    matches = unit.find(_q(MTC, "matches"))
    if matches is not None:
        for match in matches.findall(_q(MTC, "match")):
            ref = (match.get("ref") or "").lstrip("#")
            if match.get("type") == "mt":
                target = match.find(_q(XLIFF, "target"))
                drafts[ref] = _text(target)
            else:
                candidates.setdefault(ref, []).append(_read_candidate(match))
    described: dict[str, dict[str, str]] = {}
    waivers: dict[str, list[Waiver]] = {}
    unit_meta = unit.find(_q(MDA, "metadata"))
    if unit_meta is not None:
        for group in unit_meta.findall(_q(MDA, "metaGroup")):
            if group.get("category") == "segment":
                values = _read_group(group)
                described[values.get("segment", "")] = values
            elif group.get("category") == "qa-waiver":
                values = _read_group(group)
                if values.get("segment") and values.get("check"):
                    waivers.setdefault(values["segment"], []).append(Waiver(
                        check=values["check"], by=values.get("by", ""), at=values.get("at", ""),
                        target_sha=values.get("target-sha", ""), reason=values.get("reason", "")))
    notes: dict[str, list[str]] = {}
    issues: dict[str, list[QaIssue]] = {}
    notes_el = unit.find(_q(XLIFF, "notes"))
    if notes_el is not None:
        for note in notes_el.findall(_q(XLIFF, "note")):
            text = note.text or ""
            if text.startswith("[") and "] " in text:
                seg_id, _, body = text[1:].partition("] ")
                if note.get("category") == QA_NOTE_CATEGORY:
                    issue = _read_issue(body)
                    if issue is not None:
                        issues.setdefault(seg_id, []).append(issue)
                    continue
                notes.setdefault(seg_id, []).append(body)

    data: dict[str, str] = {}
    original = unit.find(_q(XLIFF, "originalData"))
    if original is not None:
        data = {d.get("id", ""): _text(d) for d in original.findall(_q(XLIFF, "data"))}
    terms = read_terms(unit)
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for child in unit:
        if child.tag == _q(XLIFF, "ignorable"):
            gap = _text(child.find(_q(XLIFF, "source")))
            parts.append(gap)
            pos += len(gap)
        elif child.tag == _q(XLIFF, "segment"):
            seg_id = child.get("id") or ""
            if not seg_id:
                raise PairFileError(f"{origin}: unit {unit_id!r}: a <segment> has no id.")
            source_el = child.find(_q(XLIFF, "source"))
            source, codes = read_content(source_el, data) if source_el is not None else ("", [])
            target_el = child.find(_q(XLIFF, "target"))
            target, target_codes = read_content(target_el, data) if target_el is not None else (None, [])
            state = child.get("state", "initial")
            if state not in STATES:
                raise PairFileError(f"{origin}: segment {seg_id!r}: unknown state {state!r}.")
            sub = child.get("subState") or ""
            info = described.get(seg_id, {})
            if sub.startswith(SUBSTATE_PREFIX):
                seg_origin = sub[len(SUBSTATE_PREFIX):]
            elif target_el is not None:
                # A CAT tool that touched the segment drops our subState: the text is human work.
                seg_origin = ORIGIN_HUMAN
            else:
                seg_origin = None
            segments.append(Segment(
                id=seg_id,
                source=source,
                start=pos,
                end=pos + len(source),
                target=target,
                codes=codes,
                target_codes=target_codes,
                mt=drafts.get(seg_id),
                state=state,
                origin=seg_origin,
                flags=[f for f in info.get("flags", "").split() if f],
                notes=notes.get(seg_id, []),
                candidates=candidates.get(seg_id, []),
                approved_by=info.get("approved-by") or None,
                approved_at=info.get("approved-at") or None,
                edited_by=info.get("edited-by") or None,
                edited_at=info.get("edited-at") or None,
                recorded_revision=info.get("revision") or None,
                mt_logprob=_float(info.get("mt-logprob")),
                qa=issues.get(seg_id, []),
                waivers=waivers.get(seg_id, []),
                terms=terms.get(seg_id, []),
            ))
            parts.append(source)
            pos += len(source)
    return Block(id=unit_id, kind=kind, text="".join(parts), segments=segments)


def _read_issue(body: str) -> QaIssue | None:
    """A QA note's text back: "error number-missing: message"."""
    head, sep, message = body.partition(": ")
    severity, _, check = head.partition(" ")
    if not sep or severity not in QA_PRIORITY or not check:
        return None
    return QaIssue(check=check, severity=severity, message=message)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _text(element) -> str:
    if element is None:
        return ""
    # Inline elements are not written by this version; itertext keeps their text if present.
    return "".join(element.itertext())


def write_pair_file(path: Path, article: Article, stamp: dict[str, str] | None = None) -> None:
    """Write the pair file atomically (temporary file, then rename)."""
    atomic_write_bytes(Path(path), article_to_xliff(article, stamp))


def read_pair_file(path: Path, *, validate: bool = False) -> tuple[Article, dict[str, str]]:
    """Read a pair file; with ``validate``, refuse it unless it is schema-valid XLIFF 2.1."""

    path = Path(path)
    try:
        root = read_xml_file(path, "pair file")
    except TranslateError as exc:
        raise PairFileError(str(exc)) from None
    if validate:

        problems = validate_xliff21(root)
        if problems:
            shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
            raise PairFileError(f"{path}: not valid XLIFF 2.1: {shown}")
    return xliff_to_article(root, str(path))
