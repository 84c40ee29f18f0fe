"""Pair files as CAT tools and XML libraries write them back: the same document, serialised another
way. Each writer takes the bytes of an edited XLIFF file (UTF-8, as lxml writes it) and returns the
bytes another tool would have saved: other prefixes, attribute order, CRLF, a BOM, character
references, UTF-16, CDATA, comments... The XML infoset a reader sees is the same (or differs only
in what the XLIFF spec leaves to tools: modules dropped, a declared regional variant).
"""

from __future__ import annotations

import re
from typing import Callable

from lxml import etree

X2 = "urn:oasis:names:tc:xliff:document:2.0"
X12 = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT = {"source", "target", "note", "data", "meta"}


def _local(el) -> str:
    return el.tag.split("}", 1)[-1] if isinstance(el.tag, str) else ""


def _parse(data: bytes):
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False))


def _dump(root, **kw) -> bytes:
    kw.setdefault("xml_declaration", True)
    kw.setdefault("encoding", "UTF-8")
    return etree.tostring(root, **kw)


def _core(root) -> str:
    return etree.QName(root).namespace


# ---------------------------------------------------------------- tree rebuilt with other namespaces
def _rebuild(root, prefixes: dict[str, str | None], *, inner: bool = False):
    """A copy of ``root`` with namespace ``ns`` bound to ``prefixes[ns]``; with ``inner``, only the
    core namespace is declared on the root and the others where they are first used."""
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    used = {etree.QName(el).namespace for el in elements} | {etree.QName(a).namespace for el in elements for a in el.attrib}
    used -= {None, "http://www.w3.org/XML/1998/namespace"}
    current = {u: p for el in elements for p, u in el.nsmap.items()}
    full: dict[str | None, str] = {}
    for i, ns in enumerate(sorted(used)):
        full[prefixes[ns] if ns in prefixes else current.get(ns, f"ns{i}")] = ns
    core = _core(root)

    def copy(el, parent, declared: set[str]):
        if not isinstance(el.tag, str):
            new = etree.Comment(el.text) if el.tag is etree.Comment else etree.PI(el.target, el.text)
            parent.append(new)
            new.tail = el.tail
            return
        needed = {etree.QName(el).namespace} | {etree.QName(a).namespace for a in el.attrib}
        if parent is None:
            nsmap = full if not inner else {p: u for p, u in full.items() if u == core}
        else:
            nsmap = {p: u for p, u in full.items() if u in needed and u not in declared} if inner else None
        new = etree.Element(el.tag, nsmap=nsmap) if parent is None else etree.SubElement(parent, el.tag, nsmap=nsmap)
        for k, v in el.attrib.items():
            new.set(k, v)
        new.text, new.tail = el.text, el.tail
        seen = declared | set((nsmap or {}).values())
        for child in el:
            copy(child, new, seen)
        return new

    return copy(root, None, set())


def core_prefixed(data: bytes) -> bytes:
    root = _parse(data)
    return _dump(_rebuild(root, {_core(root): "xlf"}))


def other_prefixes(data: bytes) -> bytes:
    root = _parse(data)
    return _dump(_rebuild(root, {"urn:oasis:names:tc:xliff:metadata:2.0": "meta",
                                 "urn:oasis:names:tc:xliff:matches:2.0": "m",
                                 "urn:oasis:names:tc:xliff:glossary:2.0": "g",
                                 "urn:translate-newsroom:terms:1.0": "t"}))


def inner_declarations(data: bytes) -> bytes:
    root = _parse(data)
    return _dump(_rebuild(root, {}, inner=True))


# ---------------------------------------------------------------- attributes
def _reorder(data: bytes, key: Callable[[list], list]) -> bytes:
    root = _parse(data)
    for el in root.iter():
        if isinstance(el.tag, str) and len(el.attrib) > 1:
            items = key(list(el.attrib.items()))
            el.attrib.clear()
            for k, v in items:
                el.set(k, v)
    return _dump(root)


def attributes_reversed(data: bytes) -> bytes:
    return _reorder(data, lambda items: items[::-1])


def attributes_sorted(data: bytes) -> bytes:
    return _reorder(data, sorted)


_TAG = re.compile(rb"(<[^!?/][^>]*>)")


def _map_tags(data: bytes, fn) -> bytes:
    parts = _TAG.split(data)
    return b"".join(fn(p) if i % 2 else p for i, p in enumerate(parts))


def _map_text(data: bytes, fn) -> bytes:
    parts = re.split(rb"(<[^>]*>)", data)
    return b"".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def single_quotes(data: bytes) -> bytes:
    return _map_tags(data, lambda tag: re.sub(rb'="([^"\']*)"', rb"='\1'", tag))


def spaces_around_equals(data: bytes) -> bytes:
    return _map_tags(data, lambda tag: re.sub(rb'(\w)="', rb'\1 = "', tag))


def expanded_empty_elements(data: bytes) -> bytes:
    return re.sub(rb"<([\w:.-]+)([^<>]*?)\s*/>", rb"<\1\2></\1>", data)


def escaped_quotes_in_text(data: bytes) -> bytes:
    return _map_text(data, lambda t: t.replace(b"'", b"&apos;").replace(b'"', b"&quot;").replace(b">", b"&gt;"))


# ---------------------------------------------------------------- bytes and encodings
def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def bom_utf8(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def utf16_le_bom(data: bytes) -> bytes:
    return _dump(_parse(data), encoding="UTF-16")  # lxml writes a BOM (little-endian here)


def utf16_be(data: bytes) -> bytes:
    text = _dump(_parse(data), encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-16BE"?>\n' + text).encode("utf-16-be")


def char_refs_hex(data: bytes) -> bytes:
    return _dump(_parse(data), encoding="US-ASCII")  # every non-ASCII character as &#xHH;/&#NNN;


def char_refs_decimal(data: bytes) -> bytes:
    out = char_refs_hex(data)
    return re.sub(rb"&#x([0-9A-Fa-f]+);", lambda m: b"&#%d;" % int(m.group(1), 16), out)


def ascii_letters_as_refs(data: bytes) -> bytes:
    """Even plain letters written as references, in text only (some tools escape aggressively)."""
    def refs(m):
        return m.group(0) if m.group(0).startswith(b"&") else b"&#%d;" % m.group(0)[0]
    return _map_text(data, lambda t: re.sub(rb"&[^;]*;|[aeiou]", refs, t))


def latin1(data: bytes) -> bytes:
    return _dump(_parse(data), encoding="ISO-8859-1")


def lowercase_encoding_name(data: bytes) -> bytes:
    return data.replace(b"encoding='UTF-8'", b'encoding="utf-8"', 1).replace(b'encoding="UTF-8"', b'encoding="utf-8"', 1)


def no_declaration(data: bytes) -> bytes:
    return _dump(_parse(data), xml_declaration=False)


def standalone_declaration(data: bytes) -> bytes:
    body = _dump(_parse(data), xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


# ---------------------------------------------------------------- content
def cdata_targets(data: bytes) -> bytes:
    root = _parse(data)
    for el in root.iter():
        if _local(el) == "target" and len(el) == 0 and el.text and "]]>" not in el.text:
            el.text = etree.CDATA(el.text)
    return _dump(root)


def cdata_text_runs(data: bytes) -> bytes:
    """Only part of each target's text as CDATA (``<target>Le <![CDATA[sommet]]></target>``), as a
    text-level writer does."""
    root = _parse(data)
    out = _dump(root)
    def wrap(m):
        head, text, tail = m.group(1), m.group(2), m.group(3)
        if not text or b"&" in text or b"]]>" in text:
            return m.group(0)
        chars = text.decode("utf-8")
        cut = len(chars) // 2
        return head + chars[:cut].encode() + b"<![CDATA[" + chars[cut:].encode() + b"]]>" + tail
    return re.sub(rb"(<target[^>]*>)([^<]*)(</target>)", wrap, out)


def comments_between(data: bytes) -> bytes:
    root = _parse(data)
    for el in list(root.iter()):
        if isinstance(el.tag, str) and _local(el) not in CONTENT and el.getparent() is not None \
                and _local(el.getparent()) not in CONTENT:
            comment = etree.Comment(f" tool: {_local(el)} ")
            el.addprevious(comment)
    return _dump(root)


def comments_in_targets(data: bytes) -> bytes:
    root = _parse(data)
    for el in list(root.iter()):
        if _local(el) == "target":
            el.append(etree.Comment(" checked "))
    return _dump(root)


def processing_instructions(data: bytes) -> bytes:
    root = _parse(data)
    for el in list(root.iter()):
        if _local(el) in ("unit", "trans-unit", "group"):
            el.addprevious(etree.PI("cat-tool", 'bookmark="1"'))
    return _dump(root)


def _strip_structure(el) -> None:
    if _local(el) in CONTENT:
        return
    if el.text is not None and not el.text.strip():
        el.text = None
    for child in el:
        _strip_structure(child)
        if child.tail is not None and not child.tail.strip():
            child.tail = None


def collapsed(data: bytes) -> bytes:
    root = _parse(data)
    _strip_structure(root)
    return _dump(root)


def tab_indented(data: bytes) -> bytes:
    from translate.core.inline import indent_structure

    root = _parse(data)
    _strip_structure(root)
    indent_structure(root, step="\t")
    return _dump(root)


# ---------------------------------------------------------------- what the spec leaves to tools
def target_lang_added(data: bytes) -> bytes:
    root = _parse(data)
    if _core(root) == X2:
        lang = root.get("trgLang")
    else:
        lang = root.find(f"{{{X12}}}file").get("target-language")
    for el in root.iter(f"{{{_core(root)}}}target"):
        parent = el.getparent()
        if _local(parent) in ("segment", "trans-unit"):
            el.set(XML_LANG, lang)
    return _dump(root)


def regional_variant_declared(data: bytes) -> bytes:
    """The file says fr-FR, and so does every target: accepted (XLIFF 2 requires them to agree)."""
    root = _parse(data)
    if _core(root) == X2:
        root.set("trgLang", "fr-FR")
    else:
        root.find(f"{{{X12}}}file").set("target-language", "fr-FR")
    return target_lang_added(_dump(root))


def modules_dropped(data: bytes) -> bytes:
    """A tool that keeps the core only: matches, metadata, glossary, notes (2.1); alt-trans and
    notes (1.2) are gone."""
    root = _parse(data)
    drop = {"matches", "metadata", "glossary", "notes"} if _core(root) == X2 else {"alt-trans", "note"}
    for el in list(root.iter()):
        if isinstance(el.tag, str) and _local(el) in drop and _local(el.getparent()) not in ("file", "header"):
            el.getparent().remove(el)
    return _dump(root)


def tool_extension_attributes(data: bytes) -> bytes:
    """A tool's own attributes in its own namespace, as memoQ and Trados add them."""
    root = _parse(data)
    ns = "MQXliff"
    unit_tag = "unit" if _core(root) == X2 else "trans-unit"
    for n, el in enumerate(root.iter(f"{{{_core(root)}}}{unit_tag}")):
        el.set(f"{{{ns}}}status", "ManuallyConfirmed")
        el.set(f"{{{ns}}}segmentguid", f"guid-{n}")
    out = _rebuild(root, {ns: "mq"})
    return _dump(out)


def combined(data: bytes) -> bytes:
    return bom_utf8(crlf(attributes_reversed(other_prefixes(comments_between(data)))))


WRITERS: dict[str, Callable[[bytes], bytes]] = {
    f.__name__: f for f in (
        core_prefixed, other_prefixes, inner_declarations, attributes_reversed, attributes_sorted, single_quotes,
        spaces_around_equals, expanded_empty_elements, escaped_quotes_in_text, crlf, bom_utf8, utf16_le_bom,
        utf16_be, char_refs_hex, char_refs_decimal, ascii_letters_as_refs, latin1, lowercase_encoding_name,
        no_declaration, standalone_declaration, cdata_targets, cdata_text_runs, comments_between,
        comments_in_targets, processing_instructions, collapsed, tab_indented, target_lang_added,
        regional_variant_declared, modules_dropped, tool_extension_attributes, combined,
    )
}
# Writers that have nothing to change in some files: the 2.1 modules (1.2 has one namespace), and
# empty elements (only inline codes such as <ph/> and <x/> are empty).
ONLY_21 = {"other_prefixes", "inner_declarations"}
ONLY_WITH_CODES = {"expanded_empty_elements"}


def applies(writer: str, version: str, has_codes: bool) -> bool:
    return not ((version == "xliff12" and writer in ONLY_21) or (not has_codes and writer in ONLY_WITH_CODES))
