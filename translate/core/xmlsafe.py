"""Parsing XML we did not write: no DTD loading, no entities, no network, bounded size.

Every XML file the workflow reads (pair files, imports from CAT tools, TMX, TBX) goes through
:func:`parse_xml`, so a planted external entity or an entity-expansion bomb is refused, never
resolved.
"""

from __future__ import annotations

from pathlib import Path

from translate.core.errors import InputError
from translate.core.fsio import read_input_bytes

MAX_XML_BYTES = 64 * 1024 * 1024


def parse_xml(data: bytes, origin: str):
    """Parse ``data`` with a hardened lxml parser; :class:`InputError` names ``origin`` on failure."""
    from lxml import etree  # lazy: loads with `translate --help` (via the glossary); lxml only when XML is read

    if len(data) > MAX_XML_BYTES:
        raise InputError(f"{origin}: {len(data):,} bytes is over the {MAX_XML_BYTES:,}-byte limit for XML files.")
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in data[:65536] and b"<!ENTITY" in data:
        raise InputError(f"{origin}: the file declares XML entities (<!ENTITY>). They are refused for safety; remove the DOCTYPE.")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    if not head:
        raise InputError(f"{origin}: the file is empty.")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        where = f"line {line}: " if line else ""
        raise InputError(f"{origin}: {where}not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc}).") from None
    if root is None:
        raise InputError(f"{origin}: no XML document found.")
    _refuse_entities(root, origin)
    return root


def _refuse_entities(root, origin: str) -> None:
    """The byte check above misses a DOCTYPE in UTF-16 or after 64 KiB of comments: look at what
    the parser saw. Entities are never resolved either way; this makes the refusal consistent."""
    from lxml import etree  # lazy: loads with `translate --help` (via the glossary); lxml only when XML is read

    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(f"{origin}: the file declares XML entities (<!ENTITY>). They are refused for safety; remove the DOCTYPE.")
    for ref in root.iter(etree.Entity):
        raise InputError(f"{origin}: line {ref.sourceline}: the entity reference {ref.text} is refused "
                         "(entities are never resolved). Write the character itself or a character reference.")


def read_xml_file(path: Path, what: str = "XML file"):

    data = read_input_bytes(path, what=what, max_bytes=MAX_XML_BYTES)
    return parse_xml(data, str(Path(path)))