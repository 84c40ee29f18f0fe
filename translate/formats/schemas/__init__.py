"""Vendored XLIFF 2.1 / XLIFF 1.2 / TMX 1.4 schemas (see README.md here) and validation helpers."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"


def schema_dir() -> Path:
    return Path(str(resources.files("translate.formats.schemas")))


@lru_cache(maxsize=1)
def xliff21_schema():
    """The XLIFF 2.1 core schema with the modules we write (matches, metadata, glossary).

    Loaded together, as the core accepts module elements only through lax wildcards.
    """
    import xmlschema  # lazy: ~0.25 s to import; only schema validation needs it

    base = schema_dir() / "xliff-2.1"
    files = [str(base / name) for name in ("xliff_core_2.0.xsd", "matches.xsd", "metadata.xsd", "glossary.xsd")]
    return xmlschema.XMLSchema(files, allow="local")


def validate_xliff21(root) -> list[str]:
    """Problems with an XLIFF 2.1 document (an lxml element): the schema, then the spec's rules
    that XSD cannot express. An empty list means valid."""
    problems = [f"{err.path}: {err.reason}" for err in xliff21_schema().iter_errors(root)]
    ns = {"x": XLIFF2_NS}
    if root.get("version") != "2.1":
        problems.append(f"version is {root.get('version')!r}, expected '2.1'")
    if root.xpath("//x:target", namespaces=ns) and not root.get("trgLang"):
        problems.append("trgLang is required when a <target> exists")
    for seg in root.xpath("//x:segment", namespaces=ns):
        where = f"segment {seg.get('id')!r}"
        if seg.get("subState") is not None and seg.get("state") is None:
            problems.append(f"{where}: subState requires an explicit state")
        if seg.get("state", "initial") != "initial" and seg.find(f"{{{XLIFF2_NS}}}target") is None:
            problems.append(f"{where}: state {seg.get('state')!r} requires a <target>")
    return problems
