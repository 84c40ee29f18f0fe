"""XLIFF 1.2 export and import, for CAT tools that still speak it.

The XLIFF 2.1 pair file stays the record; 1.2 is an exchange view of it. One ``<file>`` per
article (``original`` is the slug), one ``<group>`` per block, one ``<trans-unit>`` per segment
with the segment's id. States map both ways:

=========== =============================================== ===============================
ours        XLIFF 1.2 written                               XLIFF 1.2 read
=========== =============================================== ===============================
initial     no target, or ``state="needs-translation"``      new, needs-translation
translated  ``translated`` + ``state-qualifier`` (origin)    translated, needs-review-*,
                                                             needs-adaptation, needs-l10n
reviewed    ``signed-off``                                   signed-off (or ``approved="yes"``)
final       ``final``, ``approved="yes"``                    final
=========== =============================================== ===============================

A tool's own ``x-`` state (the 1.2 schema allows any) is read by the rest of the unit: a target
with text is translated (reviewed when ``approved="yes"``), an empty one initial, with a warning.

The MT draft and memory candidates go out as ``<alt-trans>`` (``match-quality`` for memory
matches); notes as ``<note>``. Export is checked against the strict 1.2 schema; import accepts
the transitional schema, as tools write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from translate import __version__
from translate.core.article import ORIGIN_MT, ORIGIN_TM_EXACT, ORIGIN_TM_FUZZY, Article, State
from translate.core.inline import read_content, write_content
from translate.formats.schemas import schema_dir
from translate.core.errors import PairFileError

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
REVISION_PREFIX = "tr-revision:"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_QUALIFIER = {ORIGIN_MT: "mt-suggestion", ORIGIN_TM_EXACT: "exact-match", ORIGIN_TM_FUZZY: "fuzzy-match"}
_QA_PRIORITY = {"error": 1, "warning": 5, "info": 9}
_STATE_OUT = {"initial": "needs-translation", "translated": "translated", "reviewed": "signed-off", "final": "final"}
_STATE_IN = {
    "new": "initial", "needs-translation": "initial",
    "translated": "translated", "needs-review-translation": "translated", "needs-review-adaptation": "translated",
    "needs-review-l10n": "translated", "needs-adaptation": "translated", "needs-l10n": "translated",
    "signed-off": "reviewed", "final": "final",
}


def _q(tag: str) -> str:
    return f"{{{XLIFF12}}}{tag}"


@lru_cache(maxsize=2)
def xliff12_schema(variant: str = "strict"):
    """The 1.2 schema, offline: its import of the W3C xml.xsd is mapped to the vendored copy."""
    import xmlschema  # lazy: ~0.25 s to import; only schema validation needs it


    base = schema_dir()
    xml_xsd = base / "xliff-2.1" / "informativeCopiesOf3rdPartySchemas" / "w3c" / "xml.xsd"
    return xmlschema.XMLSchema(str(base / "xliff-1.2" / f"xliff-core-1.2-{variant}.xsd"),
                               locations=[(XML_NS, str(xml_xsd))], allow="local")


def validate_xliff12(root, variant: str = "strict") -> list[str]:
    problems = [f"{err.path}: {err.reason}" for err in xliff12_schema(variant).iter_errors(root)]
    if root.get("version") != "1.2":
        problems.append(f"version is {root.get('version')!r}, expected '1.2'")
    return problems


def article_to_xliff12(article: Article, stamp: dict[str, str] | None = None) -> bytes:
    """The article as an XLIFF 1.2 document (valid against the strict schema)."""
    root = etree.Element(_q("xliff"), nsmap={None: XLIFF12}, version="1.2")
    file_el = etree.SubElement(root, _q("file"), original=article.slug, datatype="plaintext",
                               **{"source-language": "en", "target-language": "fr"})
    header = etree.SubElement(file_el, _q("header"))
    etree.SubElement(header, _q("tool"), **{"tool-id": "translate", "tool-name": "translate",
                                            "tool-version": __version__})
    if stamp and stamp.get("model"):
        etree.SubElement(header, _q("note"), **{"from": "translate"}).text = f"Machine drafts by {stamp['model']}."
    body = etree.SubElement(file_el, _q("body"))
    model = (stamp or {}).get("model", "mt")
    for block in article.blocks:
        group = etree.SubElement(body, _q("group"), id=block.id, restype=f"x-{block.kind}")
        for seg in block.segments:
            # extradata: "for the tool that created the file": the revision an import checks.
            unit = etree.SubElement(group, _q("trans-unit"), id=seg.id, extradata=f"{REVISION_PREFIX}{seg.revision}")
            unit.set(f"{{{XML_NS}}}space", "preserve")
            if seg.state == State.FINAL:
                unit.set("approved", "yes")
            write_content(etree.SubElement(unit, _q("source")), seg.source, seg.codes, xliff12=True)
            if seg.target is not None:
                target = etree.SubElement(unit, _q("target"), state=_STATE_OUT.get(seg.state, "translated"))
                if seg.state == State.TRANSLATED and seg.origin in _QUALIFIER:
                    target.set("state-qualifier", _QUALIFIER[seg.origin])
                write_content(target, seg.target, seg.target_codes, xliff12=True)
            for note in seg.notes:
                etree.SubElement(unit, _q("note"), **{"from": "translate"}).text = note
            for issue in seg.qa:  # QA findings (translate/qa/): priority 1 error, 5 warning, 9 info
                etree.SubElement(unit, _q("note"), **{"from": "translate-qa", "annotates": "target",
                                 "priority": str(_QA_PRIORITY.get(issue.severity, 9))}).text = \
                    f"{issue.severity} {issue.check}: {issue.message}"
            if seg.mt is not None:
                alt = etree.SubElement(unit, _q("alt-trans"), origin=model, alttranstype="proposal")
                etree.SubElement(alt, _q("source")).text = seg.source
                etree.SubElement(alt, _q("target")).text = seg.mt
            for cand in seg.candidates:
                alt = etree.SubElement(unit, _q("alt-trans"), origin=cand.origin or cand.kind,
                                       alttranstype="previous-version" if cand.kind == "previous" else "proposal")
                if cand.similarity is not None:
                    alt.set("match-quality", f"{cand.similarity:.1f}")
                etree.SubElement(alt, _q("source")).text = cand.source
                etree.SubElement(alt, _q("target")).text = cand.target
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass
class UnitIn:
    """A translation unit as a CAT tool sent it back (any XLIFF version)."""

    id: str
    source: str
    target: str | None
    state: str
    origin_kept: bool  # the tool kept our origin marker (subState / state-qualifier)
    target_lang: str | None = None
    line: int | None = None
    target_codes: list | None = None  # inline codes of the target (XLIFF 2.1); None: plain text only
    revision: str | None = None  # the revision of the unit when it was exported (None: not recorded)
    source_codes: list | None = None  # inline codes of the source (XLIFF 2.1), checked against ours


def _text(element) -> str:
    if element is None:
        return ""
    return "".join(element.itertext())


def read_units12(root, origin: str) -> tuple[str, str | None, list[UnitIn], list[str]]:
    """(article slug, target language, units, warnings) of a parsed XLIFF 1.2 document. Validates
    nothing: the caller validates first."""

    files = root.findall(_q("file"))
    if len(files) != 1:
        raise PairFileError(f"{origin}: expected one <file> element, found {len(files)}.")
    file_el = files[0]
    units: list[UnitIn] = []
    warnings: list[str] = []
    for tu in file_el.iter(_q("trans-unit")):
        target_el = tu.find(_q("target"))
        raw_state = target_el.get("state") if target_el is not None else None
        if target_el is None:
            state = State.INITIAL
        elif raw_state is None:
            state = State.TRANSLATED
        elif raw_state in _STATE_IN:
            state = _STATE_IN[raw_state]
        elif raw_state.startswith("x-"):
            # The 1.2 schema allows any x- state and CAT tools use that freedom: read the unit by
            # the rest of it (target text; the approved flag below), say so, refuse nothing.
            state = "translated" if _text(target_el).strip() else "initial"
            shown = state if tu.get("approved") != "yes" or state == "initial" else "reviewed"
            warnings.append(f"unit {tu.get('id')!r} (line {tu.sourceline}): state {raw_state!r} is a tool's own; "
                            f"read as {shown} from its target and approved flag")
        else:
            raise PairFileError(f"{origin}: line {tu.sourceline}: unit {tu.get('id')!r}: unknown state {raw_state!r}.")
        if tu.get("approved") == "yes" and target_el is not None and state in (State.INITIAL, State.TRANSLATED):
            state = State.REVIEWED
        # <g>/<x/> codes come back by id only; apply_incoming takes their markup from our file.
        target_codes = None
        if target_el is not None and any(el.tag in (_q("g"), _q("x")) for el in target_el.iter()):
            target_codes = read_content(target_el, {}, known={})[1]
        units.append(UnitIn(
            id=tu.get("id") or "",
            source=_text(tu.find(_q("source"))),
            target=_text(target_el) if target_el is not None else None,
            target_codes=target_codes,
            state=state,
            origin_kept=target_el is not None and target_el.get("state-qualifier") in _QUALIFIER.values(),
            target_lang=target_el.get(f"{{{XML_NS}}}lang") if target_el is not None else None,
            line=tu.sourceline,
            revision=_revision(tu.get("extradata")),
        ))
    return file_el.get("original") or "", file_el.get("target-language"), units, warnings


def _revision(extradata: str | None) -> str | None:
    if extradata and extradata.startswith(REVISION_PREFIX):
        return extradata[len(REVISION_PREFIX):] or None
    return None
