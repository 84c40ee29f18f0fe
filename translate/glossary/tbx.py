"""TBX (ISO 30042) import and export, TBX-Basic style, so terminologists can use their own tools.

Export writes TBX v3 by default (``urn:iso:std:iso:30042:ed-2``, ``type="TBX-Basic"``, dialect
``dca``): one ``conceptEntry`` per glossary entry, an ``en`` and a ``fr`` ``langSec``; or, with
version 2, the same content as TBX v2 (``martif`` / ``termEntry`` / ``langSet`` / ``tig``, no
namespace) for tools that read only that (Translate Toolkit, older terminology tools). The English form is the
preferred term, variants are admitted terms; the entry type is the ``subjectField`` descrip, the
note a ``note``, and matching options (case, plural, French plural) a ``note`` starting with
``match:``. Import reads that, TBX v2 (``martif`` / ``termEntry`` / ``langSet`` / ``tig``) and other
TBX-Basic files (first English and French preferred terms). XML is parsed by
:mod:`translate.core.xmlsafe`: entities are refused, never resolved. An import either yields every
entry or raises; nothing is half-imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from translate.core.errors import InputError
from translate.glossary.terms import TYPES, GlossaryEntry, entry_from_row
from translate.core.xmlsafe import read_xml_file

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _text(el) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


TBX_VERSIONS = ("2", "3")


def _match_options(entry: GlossaryEntry) -> list[str]:
    options = []
    default_case = "ignore" if entry.type == "term" else "auto"
    if entry.case != default_case:
        options.append(f"case={entry.case}")
    if entry.plural is not None:
        options.append(f"plural={'yes' if entry.plural else 'no'}")
    if entry.fr_plural:
        options.append(f"fr_plural={entry.fr_plural}")
    return options


def entries_to_tbx(entries: Iterable[GlossaryEntry], version: str = "3") -> bytes:
    """The glossary as TBX-Basic: v3 (``<tbx>``, ISO 30042:2019) or v2 (``<martif>``, ISO 30042:2008,
    which Translate Toolkit and older terminology tools read). Same content either way."""
    from lxml import etree  # lazy: this module loads with `translate --help` (via the glossary); lxml only for TBX

    version = str(version)
    if version not in TBX_VERSIONS:
        raise ValueError(f"TBX version {version!r}: use 2 or 3")
    v3 = version == "3"
    ns = f"{{{TBX_NS}}}" if v3 else ""  # TBX v2 has no namespace
    names = ({"root": "tbx", "header": "tbxHeader", "entry": "conceptEntry", "lang": "langSec", "term": "termSec"}
             if v3 else
             {"root": "martif", "header": "martifHeader", "entry": "termEntry", "lang": "langSet", "term": "tig"})
    if v3:
        root = etree.Element(f"{ns}tbx", nsmap={None: TBX_NS}, style="dca", type="TBX-Basic")
    else:
        root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, "en")
    header = etree.SubElement(root, ns + names["header"])
    desc = etree.SubElement(etree.SubElement(header, f"{ns}fileDesc"), f"{ns}sourceDesc")
    etree.SubElement(desc, f"{ns}p").text = "Newsroom glossary exported by translate (Read in French)."
    if not v3:
        encoding = etree.SubElement(header, "encodingDesc")
        etree.SubElement(encoding, "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, f"{ns}text"), f"{ns}body")
    for entry in entries:
        concept = etree.SubElement(body, ns + names["entry"], id=entry.id)
        etree.SubElement(concept, f"{ns}descrip", type="subjectField").text = entry.type
        if entry.note:
            etree.SubElement(concept, f"{ns}note").text = entry.note
        options = _match_options(entry)
        if options:
            etree.SubElement(concept, f"{ns}note").text = "match: " + "; ".join(options)
        for lang, terms in (("en", [entry.en, *entry.variants]), ("fr", [entry.fr])):
            sec = etree.SubElement(concept, ns + names["lang"])
            sec.set(XML_LANG, lang)
            for n, term in enumerate(terms):
                term_sec = etree.SubElement(sec, ns + names["term"])
                etree.SubElement(term_sec, f"{ns}term").text = term
                status = etree.SubElement(term_sec, f"{ns}termNote", type="administrativeStatus")
                status.text = PREFERRED if n == 0 else ADMITTED
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _terms(lang_sec) -> list[tuple[str, str]]:
    """(term, status) pairs of a langSec (v3) or langSet (v2), document order."""
    out = []
    for holder in [*_children(lang_sec, "termSec"), *_children(lang_sec, "tig"), *_children(lang_sec, "ntig")]:
        term_el = next((el for el in holder.iter() if _local(el.tag) == "term"), None)
        status = ""
        for note in holder.iter():
            if _local(note.tag) == "termNote" and note.get("type") == "administrativeStatus":
                status = _text(note)
        if term_el is not None and _text(term_el):
            out.append((_text(term_el), status))
    return out


def _lang(el) -> str:
    return (el.get(XML_LANG) or el.get("lang") or "").lower().split("-")[0]


def tbx_to_entries(root, origin: str) -> list[GlossaryEntry]:
    if _local(root.tag) not in ("tbx", "martif"):
        raise InputError(f"{origin}: not a TBX file (root element <{_local(root.tag)}>, expected <tbx> or <martif>).")
    entries: list[GlossaryEntry] = []
    concepts = [el for el in root.iter() if _local(el.tag) in ("conceptEntry", "termEntry")]
    if not concepts:
        raise InputError(f"{origin}: no conceptEntry (or termEntry) elements: nothing to import.")
    for concept in concepts:
        where = f"{origin}: line {concept.sourceline}"
        langs: dict[str, list[tuple[str, str]]] = {}
        for sec in [*_children(concept, "langSec"), *_children(concept, "langSet")]:
            langs.setdefault(_lang(sec), []).extend(_terms(sec))
        en_terms, fr_terms = langs.get("en", []), langs.get("fr", [])
        if not en_terms or not fr_terms:
            missing = "English" if not en_terms else "French"
            raise InputError(f"{where}: entry {concept.get('id') or ''!r} has no {missing} term.")
        # The preferred term leads; the others (admitted, or unmarked) are English variants.
        en_terms.sort(key=lambda t: t[1] != PREFERRED)
        fr_terms.sort(key=lambda t: t[1] != PREFERRED)
        row = {"en": en_terms[0][0], "fr": fr_terms[0][0],
               "variants": "|".join(t for t, status in en_terms[1:] if "deprecated" not in status)}
        notes = []
        for el in concept.iter():
            name = _local(el.tag)
            if name == "descrip" and el.get("type") == "subjectField" and _text(el).lower() in TYPES:
                row["type"] = _text(el).lower()
            elif name == "note" and el.getparent() is concept:
                text = _text(el)
                if text.startswith("match:"):
                    for option in text[len("match:"):].split(";"):
                        key, _, value = option.strip().partition("=")
                        if key in ("case", "plural", "fr_plural"):
                            row[key] = value.strip()
                elif text:
                    notes.append(text)
        row["note"] = " ".join(notes)
        entries.append(entry_from_row(row, where))
    return entries


def read_tbx_file(path: Path) -> list[GlossaryEntry]:

    path = Path(path)
    return tbx_to_entries(read_xml_file(path, "TBX file"), str(path))
