"""TMX 1.4b: the translation memory in and out, so it moves between tools.

Written files are valid against the vendored DTD (``translate/formats/schemas/tmx-1.4/tmx14.dtd``); files
read are parsed with :mod:`translate.core.xmlsafe` (no entities, no network), then validated against the
same DTD. Each ``<tu>`` needs an English and a French ``<tuv>``; the language tags match by primary
subtag (``en-US`` is English). Our own properties (``x-article``, ``x-segment``, ``x-state``,
``x-origin``) ride in ``<prop>``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from lxml import etree

from translate import __version__
from translate.core.errors import InputError
from translate.core.public import scrub
from translate.pipeline.memory import Entry
from translate.formats.schemas import schema_dir
from translate.core.xmlsafe import read_xml_file

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
# Inline elements whose content is native code, not text (dropped when reading a segment).
_CODE_ELEMENTS = {"bpt", "ept", "it", "ph", "ut"}


@lru_cache(maxsize=1)
def tmx_dtd():

    return etree.DTD(str(schema_dir() / "tmx-1.4" / "tmx14.dtd"))


def validate_tmx(root) -> list[str]:
    """Problems with a TMX document (lxml element) against the TMX 1.4 DTD; empty when valid."""
    dtd = tmx_dtd()
    if dtd.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()]


def _tmx_date(iso: str | None) -> str | None:
    """ISO 8601 → the TMX form YYYYMMDDThhmmssZ (UTC)."""
    if not iso:
        return None
    try:
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(timezone.utc)
    return stamp.strftime("%Y%m%dT%H%M%SZ")


def _iso_date(tmx: str | None) -> str | None:
    if not tmx:
        return None
    try:
        return datetime.strptime(tmx, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).isoformat()
    except ValueError:
        return None


def write_tmx(entries: Iterable[Entry], *, srclang: str = "en", created: str | None = None) -> bytes:
    """Serialise memory entries as a TMX 1.4b document (with its DOCTYPE)."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", creationtool="translate", creationtoolversion=__version__, segtype="sentence",
                     **{"o-tmf": "translate-sqlite", "adminlang": "en", "srclang": srclang, "datatype": "plaintext",
                        "creationdate": created or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")})
    body = etree.SubElement(root, "body")
    for entry in entries:
        attrs = {}
        if _tmx_date(entry.updated):
            attrs["changedate"] = _tmx_date(entry.updated)
        if entry.author:
            attrs["changeid"] = entry.author
        tu = etree.SubElement(body, "tu", **attrs)
        for key, value in (("x-article", entry.article), ("x-segment", entry.segment), ("x-state", entry.state),
                           ("x-origin", scrub(entry.origin) if entry.origin else entry.origin)):
            if value:
                etree.SubElement(tu, "prop", type=key).text = value
        for lang, text in ((entry.src_lang, entry.source), (entry.tgt_lang, entry.target)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = text
    body_bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.encode() + b"\n" + body_bytes


def _seg_text(seg) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _CODE_ELEMENTS:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def primary_language(lang: str | None) -> str:
    """The primary subtag of a language tag, lower case: "fr-FR", "fr_CA", "FR" -> "fr"."""
    return (lang or "").split("-")[0].split("_")[0].lower()


def read_tmx(root, origin: str, *, source_lang: str = "en", target_lang: str = "fr") -> list[Entry]:
    """Entries of a parsed TMX document; :class:`InputError` names the file and the unit on any problem."""
    if root.tag != "tmx":
        raise InputError(f"{origin}: not a TMX document (root element {root.tag!r}, expected 'tmx').")
    if root.get("version") not in ("1.4", "1.4b"):
        raise InputError(f"{origin}: TMX version {root.get('version')!r}; only TMX 1.4 (1.4b) is read.")
    problems = validate_tmx(root)
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise InputError(f"{origin}: not valid TMX 1.4: {shown}")
    header = root.find("header")
    srclang = header.get("srclang", "") if header is not None else ""
    if srclang != "*all*" and primary_language(srclang) != source_lang:
        raise InputError(f"{origin}: the memory's source language is {srclang!r}, not {source_lang!r}.")
    entries: list[Entry] = []
    missing: list[str] = []
    for number, tu in enumerate(root.iter("tu"), start=1):
        texts: dict[str, tuple[str, str]] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if seg is not None and primary_language(lang) not in texts:
                texts[primary_language(lang)] = (lang or "", _seg_text(seg))
        where = f"unit {number} (line {tu.sourceline}" + (f", tuid {tu.get('tuid')!r})" if tu.get("tuid") else ")")
        lacking = [lang for lang in (source_lang, target_lang) if lang not in texts]
        if lacking:
            missing.append(f"{where} has no {'/'.join(lacking)} variant")
            continue
        props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
        (_, source), (_, target) = texts[source_lang], texts[target_lang]
        if not source.strip() or not target.strip():
            missing.append(f"{where} has an empty segment")
            continue
        # The file's name only: a path of this machine would travel on in exports of the memory.
        entries.append(Entry(source=source, target=target, origin=f"tmx:{scrub(props.get('x-origin') or Path(origin).name)}",
                             state=props.get("x-state") or None, author=tu.get("changeid") or tu.get("creationid"),
                             updated=_iso_date(tu.get("changedate") or tu.get("creationdate")),
                             src_lang=source_lang, tgt_lang=target_lang))
    if missing:
        shown = "; ".join(missing[:5]) + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")
        raise InputError(f"{origin}: {len(missing)} translation unit(s) cannot be used: {shown}. Nothing was imported.")
    return entries


def read_tmx_file(path) -> list[Entry]:

    return read_tmx(read_xml_file(path, "TMX file"), str(path))
