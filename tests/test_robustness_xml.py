"""XML safety: planted payloads against every XML reader, and a check that every reader goes
through translate/core/xmlsafe.py.

Payloads: an external entity reading a local secret (XXE), a billion-laughs expansion, an
external DTD, a parameter entity, the same hidden in UTF-16 or behind 64 KiB of comment, an
XInclude, and URLs on a loopback port that records any connection (network access). Each reader
must refuse (our own error naming the file) or read the document without resolving anything:
the secret never appears, the listener never hears from us, memory stays small.
"""

from __future__ import annotations

import ast
import re
import socket
import threading
import tracemalloc
from pathlib import Path

import pytest

from translate.core.errors import TranslateError

PACKAGE = Path(__file__).resolve().parent.parent / "translate"
SECRET = "TOP-SECRET-0xC0FFEE"


@pytest.fixture(scope="module")
def listener():
    """A loopback TCP port that counts connections: any fetch of a DTD or entity shows up here."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(1024))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def payloads(port: int, secret_file: Path) -> dict[str, tuple[str, str]]:
    """Name -> (what goes before the root element, what replaces a target's text)."""
    url = f"http://127.0.0.1:{port}"
    secret = secret_file.as_uri()
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    xi = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
    return {
        "XXE (file)": (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret}">]>', "&x;"),
        "XXE (network)": (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{url}/xxe">]>', "&x;"),
        "billion laughs": (f'<!DOCTYPE r [<!ENTITY l0 "ha">{laughs}<!ENTITY x "&l9;">]>', "&x;"),
        "external DTD": (f'<!DOCTYPE r SYSTEM "{url}/ext.dtd">', "&x;"),
        "external DTD, no reference": (f'<!DOCTYPE r PUBLIC "-//x//y" "{url}/pub.dtd">', "plain text"),
        "parameter entity": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', "plain text"),
        "parameter entity (file)": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{secret}"> %p;]>', "plain text"),
        "XInclude": ("", f'<xi:include {xi} href="{secret}" parse="text"/><xi:include {xi} href="{url}/xi"/>'),
        "schemaLocation": ("", f'<x xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                               f'xsi:noNamespaceSchemaLocation="{url}/s.xsd"/>'),
        "XXE in UTF-16": (f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret}">]>', "&x;"),
        "XXE after 70 KB of comment": ("<!--" + "x" * 70_000 + f'--><!DOCTYPE r [<!ENTITY x SYSTEM "{secret}">]>', "&x;"),
    }


def plant(seed: bytes, needle: str, prolog: str, inline: str, utf16: bool = False) -> bytes:
    """The payload inside an otherwise valid file: prolog before the root, inline in a target."""
    text = seed.decode("utf-8")
    assert needle in text, needle
    if "<!DOCTYPE" in prolog:  # one DOCTYPE per document: the planted one replaces the file's own
        text = re.sub(r"<!DOCTYPE[^>\[]*>", "", text, count=1)
    head, _, rest = text.partition("?>")
    text = head + "?>" + prolog + rest.replace(needle, inline, 1)
    if utf16:
        return text.replace("encoding='UTF-8'", "encoding='UTF-16'").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    return text.encode("utf-8")


def _pair_import(path: Path):
    from translate.formats.exchange import import_pair_file

    work = path.parent / "work"
    work.mkdir(exist_ok=True)
    (work / "summit.xlf").write_bytes(_xliff21())
    return import_pair_file(path, work)


def _publish(path: Path):
    from translate.publish.publisher import PublishConfig, publish_pair_file

    return publish_pair_file(path, PublishConfig(out=path.parent / "fr", draft=True, en_url="https://news.example.org/en/{slug}",
                                                    fr_url="https://news.example.org/fr/{slug}"))


def _reader(module: str, func: str):
    def call(path: Path):
        import importlib

        return getattr(importlib.import_module(module), func)(path)

    call.__name__ = f"{module}.{func}"
    return call


def _xliff21():
    from robustness_targets import xliff21_seed

    return xliff21_seed()


def _xliff12():
    from robustness_targets import xliff12_seed

    return xliff12_seed()


def _tmx():
    from robustness_targets import TMX_SEED

    return TMX_SEED


def _tbx():
    from robustness_targets import TBX_SEED

    return TBX_SEED


# Every reader of XML from outside: the valid file the payload is planted in, a text in it to
# replace, the file name, the call.
PHRASE = "Phrase 1 en fran\u00e7ais."
READERS = {
    "parse_xml": (_xliff21, PHRASE, "summit.xlf",
                  lambda p: __import__("translate.core.xmlsafe", fromlist=["x"]).parse_xml(p.read_bytes(), str(p))),
    "pair file (translate run, review, publish)": (_xliff21, PHRASE, "summit.xlf", _reader("translate.formats.xliff", "read_pair_file")),
    "pair import, XLIFF 2.1": (_xliff21, PHRASE, "summit.xlf", _pair_import),
    "pair import, XLIFF 1.2": (_xliff12, PHRASE, "summit.xlf", _pair_import),
    "publish": (_xliff21, PHRASE, "summit.xlf", _publish),
    "TMX import": (_tmx, "Ils ont parl\u00e9.", "memory.tmx", _reader("translate.formats.tmx", "read_tmx_file")),
    "TBX import": (_tbx, "Vladimir Poutine", "glossary.tbx", _reader("translate.glossary.tbx", "read_tbx_file")),
}
MODULES = {"pair import, XLIFF 2.1": "translate.formats.exchange", "pair import, XLIFF 1.2": "translate.formats.xliff12",
           "TMX import": "translate.formats.tmx", "TBX import": "translate.glossary.tbx"}


def _available(name: str) -> bool:
    import importlib

    module = MODULES.get(name)
    if module is None:
        return True
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("reader", sorted(READERS))
def test_planted_payloads_are_never_resolved(reader, listener, tmp_path):
    if not _available(reader):
        pytest.skip(f"{reader}: not on this branch yet")
    port, hits = listener
    seed, needle, filename, call = READERS[reader]
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    outcomes = {}
    warm = tmp_path / "warm-up"
    warm.mkdir()
    (warm / filename).write_bytes(seed())
    try:  # schemas load once, outside the memory measurement
        call(warm / filename)
    except TranslateError:
        pass
    for name, (prolog, inline) in payloads(port, secret_file).items():
        data = plant(seed(), needle, prolog, inline, utf16="UTF-16" in name)
        folder = tmp_path / name.replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")
        folder.mkdir()
        path = folder / filename
        path.write_bytes(data)
        tracemalloc.start()
        try:
            result = call(path)
        except TranslateError as exc:
            message = str(exc)
            assert path.name in message, f"{reader} / {name}: the refusal does not name the file: {message}"
            result = None
            outcomes[name] = "refused: " + message
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert SECRET not in repr(result), f"{reader} / {name}: the secret file was read into the result"
        for written in folder.rglob("*"):
            if written.is_file() and written != path:
                assert SECRET.encode() not in written.read_bytes(), f"{reader} / {name}: the secret reached {written}"
        assert peak < 64 * 1024 * 1024, f"{reader} / {name}: {peak:,} bytes allocated"
        outcomes.setdefault(name, "accepted")
    # Declared entities are refused outright, whatever the encoding or position of the DOCTYPE.
    for name in ("XXE (file)", "XXE (network)", "billion laughs", "parameter entity", "XXE in UTF-16",
                 "XXE after 70 KB of comment", "external DTD"):
        assert "entit" in outcomes[name], f"{reader} / {name}: {outcomes[name]}"
    assert hits == [], f"{reader}: a payload made a network connection: {hits[:3]}"


def test_entities_are_refused_however_the_doctype_is_hidden():
    from translate.core.xmlsafe import parse_xml

    hidden = [
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode("utf-16"),
        b"<?xml version='1.0'?><!--" + b"x" * 70_000 + b'--><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>',
        b'<!DOCTYPE r SYSTEM "x.dtd"><r>&undeclared;</r>',
    ]
    for data in hidden:
        with pytest.raises(TranslateError, match="entit"):
            parse_xml(data, "planted.xml")


def test_a_tmx_doctype_without_entities_is_still_read():
    """TMX files usually name their DTD; naming it is fine as long as nothing is loaded."""
    from translate.core.xmlsafe import parse_xml

    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4"><body/></tmx>', "m.tmx")
    assert root.tag == "tmx"


def test_depth_and_size_bombs_are_refused_in_bounded_memory():
    from translate.core.xmlsafe import parse_xml

    for data in (b"<a>" * 100_000 + b"</a>" * 100_000, b"<a>" + b"x" * (12 * 1024 * 1024) + b"</a>"):
        tracemalloc.start()
        try:
            with pytest.raises(TranslateError):
                parse_xml(data, "bomb.xml")
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert peak < 64 * 1024 * 1024


def test_an_oversized_xml_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from translate.core import xmlsafe

    monkeypatch.setattr(xmlsafe, "MAX_XML_BYTES", 1000)
    path = tmp_path / "big.xlf"
    path.write_bytes(b"<r>" + b"x" * 2000 + b"</r>")
    with pytest.raises(TranslateError, match="big.xlf.*limit"):
        xmlsafe.read_xml_file(path)


# ---------------------------------------------------------------------------------------------
# Every reader uses the gate: no XML parsing anywhere in the package but translate/core/xmlsafe.py.

# Calls that parse XML (or load documents) and so must only happen in xmlsafe.py.
PARSING_CALLS = {"fromstring", "XML", "parse", "iterparse", "XMLParser", "XMLPullParser", "fromstringlist",
                 "xinclude", "XSLT", "XMLID", "parseString", "make_parser"}
PARSING_MODULES = {"xml.dom.minidom", "xml.dom.pulldom", "xml.sax", "xml.etree.ElementTree", "xml.etree.cElementTree",
                   "xml.parsers.expat", "defusedxml", "untangle", "xmltodict", "bs4"}
# Known, reviewed exceptions: (file, call) pairs that parse something that is not outside XML.
ALLOWED = {
    ("core/xmlsafe.py", "*"),
    ("ingest/from_html.py", "fromstring"),  # lxml.html on an article's HTML (already size-checked text; HTML has no entities)
    ("formats/schemas/__init__.py", "XMLSchema"),  # our vendored schemas, allow="local"
    ("formats/xliff12.py", "XMLSchema"),
    ("formats/tmx.py", "DTD"),  # our vendored TMX DTD, by path
}


XML_RECEIVERS = ("etree", "ElementTree", "objectify", "minidom", "pulldom", "sax", "expat", "lxml", "ET")


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _calls(tree: ast.AST):
    """(name, line) of each XML parsing call or import in ``tree``."""
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith("lxml") or node.module.startswith("xml.")):
            imported |= {a.asname or a.name for a in node.names if a.name in PARSING_CALLS}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in PARSING_CALLS:
                receiver = _dotted(func.value)
                if any(part in XML_RECEIVERS for part in receiver.split(".")):
                    yield func.attr, node.lineno
            elif isinstance(func, ast.Name) and func.id in imported:
                yield func.id, node.lineno
            elif isinstance(func, ast.Attribute) and func.attr in ("XMLSchema", "DTD"):
                yield func.attr, node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                if any(module == m or module.startswith(m + ".") for m in PARSING_MODULES):
                    yield f"import {module}", node.lineno


def test_every_xml_reader_goes_through_xmlsafe():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if (rel, "*") in ALLOWED:
            continue
        for name, line in _calls(ast.parse(path.read_text("utf-8"))):
            if (rel, name) not in ALLOWED:
                offenders.append(f"translate/{rel}:{line}: {name}")
    assert not offenders, ("XML parsed outside translate/core/xmlsafe.py (use parse_xml / read_xml_file, or add a "
                           "reviewed exception here):\n" + "\n".join(offenders))


def test_the_gate_parser_settings():
    """The one parser: no DTD loading, no entity resolution, no network, no huge trees."""
    import inspect

    from translate.core import xmlsafe

    source = inspect.getsource(xmlsafe.parse_xml)
    for setting in ("resolve_entities=False", "no_network=True", "load_dtd=False", "huge_tree=False"):
        assert setting in source


def test_the_scan_sees_a_parser_call():
    """The scan above is only worth something if it notices a stray parser."""
    snippet = ("from lxml import etree\nimport xml.dom.minidom\nfrom lxml.etree import iterparse as ip\n"
               "def f(b):\n    ip(b)\n    ast.parse(b)\n    return etree.fromstring(b)\n")
    found = [name for name, _ in _calls(ast.parse(snippet))]
    assert sorted(found) == ["fromstring", "import xml.dom.minidom", "ip"]
