"""Every parser the workflow exposes to outside input, as fuzz targets, with input strategies.

Shared by the suite (tests/test_robustness_fuzz.py, modest example counts) and the long run
outside it (scripts/fuzz_long.py). A target writes the bytes to a file with the right name and
calls the library function a command would call. The property checked for every input: the call
returns, or raises one of our own :class:`translate.core.errors.TranslateError` types whose message
names the file; anything else (an unhandled exception, a hang, a memory blow-up) is a defect.

A target whose module is not on this branch yet reports itself unavailable (the suite skips it,
saying so); when the module lands, the target runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------
# Seeds: small valid files of each format, which the strategies mutate.

TEXT_SEED = (
    "GENEVA (Reuters) - U.S. President Joe Biden met Vladimir Putin in Geneva on Wednesday.\n\n"
    "\"We talked,\" he said. Mr. Putin's spokesman said talks were \"constructive\".\n\n"
    "The meeting lasted 4.5 hours; it ended at 5 p.m. local time.\n"
).encode()

HTML_SEED = (
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Biden meets Putin</title>"
    "<link rel=\"canonical\" href=\"https://news.example.org/en/summit\"><meta name=\"author\" content=\"Staff\">"
    "</head><body><nav><a href=\"/\">Home</a> | Download The App</nav><article><h1>Biden meets Putin</h1>"
    "<p>U.S. President Joe Biden met <em>Vladimir Putin</em> in Geneva on Wednesday.</p>"
    "<blockquote>\"We talked,\" he said.</blockquote><ul><li>Talks lasted 4.5 hours.</li>"
    "<li>They ended at 5 p.m.</li></ul><p>Read <a href=\"https://example.org/more\">more</a> here.</p>"
    "</article><footer>LEAVE A REPLY</footer></body></html>"
).encode()

MARKDOWN_SEED = (
    "---\ntitle: Biden meets Putin\nauthor: Staff\ndate: 2021-06-16\n---\n\n# Biden meets Putin\n\n"
    "U.S. President Joe Biden met **Vladimir Putin** in [Geneva](https://example.org/geneva) on Wednesday.\n\n"
    "> \"We talked,\" he said.\n\n- Talks lasted `4.5` hours.\n- They ended at 5 p.m.\n\n"
    "Inline <span>HTML</span> and *emphasis* stay.\n"
).encode()

TOML_SEED = (
    "[translate]\nworkdir = \"corpus/work\"\nmodel = \"Helsinki-NLP/opus-mt-en-fr\"\nglossary = \"glossary\"\n"
    "device = \"auto\"\nbeam_size = 4\n\n[publish]\nformat = \"html\"\nfr_url = \"https://x.example/fr/{slug}\"\n"
).encode()

TSV_SEED = (
    "en\tfr\ttype\tnote\n"
    "Vladimir Putin\tVladimir Poutine\tperson\tRussian president\n"
    "Geneva\tGenève\tplace\t\n"
    "Colonial Pipeline\tColonial Pipeline\tdnt\tcompany\n"
    "Sergey Lavrov\tSergueï Lavrov\tperson\t\n"
).encode()

TBX_SEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>newsroom glossary</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="subjectField">person</descrip>
      <langSec xml:lang="en"><termSec><term>Vladimir Putin</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>Vladimir Poutine</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="en"><termSec><term>Geneva</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>Gen\xc3\xa8ve</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""

TMX_SEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="translate" creationtoolversion="0.1" segtype="sentence" o-tmf="translate"
          adminlang="en" srclang="en" datatype="plaintext"/>
  <body>
    <tu><tuv xml:lang="en"><seg>Biden met Putin.</seg></tuv><tuv xml:lang="fr"><seg>Biden a rencontr\xc3\xa9 Poutine.</seg></tuv></tu>
    <tu><tuv xml:lang="en"><seg>They talked.</seg></tuv><tuv xml:lang="fr"><seg>Ils ont parl\xc3\xa9.</seg></tuv></tu>
  </body>
</tmx>
"""

MANIFEST_SEED = b'{"version": 1, "articles": {"summit": {"slug": "summit", "status": "published", "file": "fr/summit.html"}}}\n'


def seed_article():
    from translate.ingest.reader import ingest_text

    article = ingest_text(TEXT_SEED.decode(), slug="summit", origin="summit.txt")
    for i, seg in enumerate(article.segments):
        seg.mt = seg.target = f"Phrase {i} en français."
        seg.state, seg.origin = ("translated", "mt") if i % 2 else ("final", "human")
        if i == 0:
            seg.flags, seg.notes = ["split-long"], ["Check the joins."]
    return article


def xliff21_seed() -> bytes:
    """A real pair file, as `translate run` writes it (targets, MT drafts, notes, flags)."""
    from translate.formats.xliff import article_to_xliff

    return article_to_xliff(seed_article(), {"tool": "translate", "model": "test"})


def xliff12_seed() -> bytes:
    """The same article as `translate pair export --format xliff12` gives it to a CAT tool."""
    from translate.formats.xliff12 import article_to_xliff12

    return article_to_xliff12(seed_article(), {"tool": "translate", "model": "test"})


# ---------------------------------------------------------------------------------------------
# Strategies: mutations of a seed (structure-aware: pieces that parsers find hard), raw bytes,
# and text from a hostile alphabet.

HOSTILE = [
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\n\n", b"\t", b"<", b">", b"&", b"&amp;",
    b"&#0;", b"&#x1F;", b"&#xD800;", b"&nonexistent;", b"]]>", b"<![CDATA[x]]>", b"<!--", b"-->", b"<?pi x?>",
    b'<!DOCTYPE x [<!ENTITY e "boom">]>', b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">', b"&e;",
    b'<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;', b"\xc3", b"\xed\xa0\x80", b"\xef\xbf\xbf", b"\xef\xbf\xbe",
    b"\x1b[31m", "\u202e".encode(), "\u200b".encode(), "\u00a0".encode(), "\u2028".encode(), b"\x0b\x0c",
    b"../../etc/passwd", b"/etc/passwd", b"CON", b"NUL.txt", b"<script>alert(1)</script>",
    b'" onerror="alert(1)', b"javascript:alert(1)", b"{{ 7*7 }}", b"{% raw %}", b"\\", b"%s%n", b"'", b'"',
    b"---", b"+++", b"```", b"[x](javascript:alert(1))", b"<img src=x onerror=alert(1)>", b"#", b"> ", b"- ",
    b"\t\t\t", b"=" * 40, b"x" * 5000, b"A. " * 200, b"\xf0\x9f\x98\x80", "é".encode("latin-1"),
    b'xml:lang="de"', b'id="s1"', b'id=""', b'state="bogus"', b'version="9.9"', b"<unit>", b"</unit>",
    b"<segment>", b"</segment>", b"<target>", b"</target>", b"<tu>", b"<tuv>", b"<seg>", b"</body>",
]


@st.composite
def mutated(draw, seed: bytes, max_ops: int = 6) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(("insert", "hostile", "delete", "truncate", "duplicate", "flip", "swap")))
        pos = draw(st.integers(0, len(data)))
        if op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "hostile":
            data[pos:pos] = draw(st.sampled_from(HOSTILE))
        elif op == "delete":
            data[pos:pos + draw(st.integers(1, 64))] = b""
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate":
            end = min(len(data), pos + draw(st.integers(1, 400)))
            data[end:end] = data[pos:end] * draw(st.integers(1, 4))
        elif op == "flip" and data:
            i = min(pos, len(data) - 1)
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "swap" and len(data) > 2:
            other = draw(st.integers(0, len(data) - 1))
            i = min(pos, len(data) - 1)
            data[i], data[other] = data[other], data[i]
    return bytes(data)


HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\x00\x01\x0b\x0c\x1b\x7f\x85\u2028\u2029\u200b\u200d\ufeff\ufffe\uffff\u202e\u0301<>&\"'\r\n\t.?!;:")),
    ),
    max_size=400,
)


XML_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"), max_size=40),
    st.sampled_from(["", " ", "s1", "#s1", "u1", "tr:mt", "tr:human", "final", "reviewed", "initial", "bogus", "en", "fr",
                     "de-DE", "2.1", "1.2", "1.4", "mt", "../../x", "con", "x" * 300, "<script>", "&", "summit"]),
)


@st.composite
def xml_mutated(draw, seed: bytes) -> bytes:
    """Well-formed variations of an XML seed: values, texts and structure changed, so the
    fuzzing gets past the XML parser into the format's own logic (ids, states, languages...)."""
    from lxml import etree

    root = etree.fromstring(seed, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    for _ in range(draw(st.integers(1, 6))):
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        el = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(("text", "set-attr", "drop-attr", "remove", "duplicate", "move", "tail")))
        if op == "text":
            el.text = draw(XML_TEXT)
        elif op == "tail" and el is not root:
            el.tail = draw(XML_TEXT)
        elif op == "set-attr":
            names = list(el.attrib) + ["id", "state", "subState", "type", "version", "{http://www.w3.org/XML/1998/namespace}lang",
                                       "srcLang", "trgLang", "ref", "category", "original"]
            el.set(draw(st.sampled_from(names)), draw(XML_TEXT))
        elif op == "drop-attr" and el.attrib:
            del el.attrib[draw(st.sampled_from(sorted(el.attrib)))]
        elif op == "remove" and el is not root and el.getparent() is not None:
            el.getparent().remove(el)
        elif op == "duplicate" and el is not root and el.getparent() is not None:
            import copy

            el.addnext(copy.deepcopy(el))
        elif op == "move" and el is not root and el.getparent() is not None:
            other = draw(st.sampled_from(elements))
            if other is not el and el not in list(other.iterancestors()) and other is not el.getparent():
                other.append(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    """What a target is fed: mostly mutations of a valid file, also raw bytes and hostile text.
    XML seeds also get well-formed structural mutations."""
    options = [
        mutated(seed),
        mutated(seed, max_ops=20),
        st.binary(max_size=600),
        HOSTILE_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
    ]
    if seed.lstrip().startswith(b"<?xml"):
        options += [xml_mutated(seed), xml_mutated(seed)]
    return st.one_of(*options)


# ---------------------------------------------------------------------------------------------
# The targets.

@dataclass
class Target:
    name: str
    filename: str  # the name the input is saved under (its suffix chooses the parser)
    seed: Callable[[], bytes]
    call: Callable[[Path], object]
    needs: tuple[str, ...] = ()  # "module:attribute" that must exist on this branch

    def available(self) -> str | None:
        """None when the target can run here, else why not."""
        for need in self.needs:
            module, _, attr = need.partition(":")
            try:
                mod = importlib.import_module(module)
            except ImportError:
                return f"{module} is not on this branch yet"
            if attr and not hasattr(mod, attr):
                return f"{module}.{attr} is not on this branch yet"
        return None

    def strategy(self) -> st.SearchStrategy[bytes]:
        return inputs(self.seed())


def _ingest(path: Path):
    from translate.ingest.reader import ingest_file

    return ingest_file(path)


def _ingest_to_pair_file(path: Path):
    """Ingest, then write the pair file as `translate run` does (the source standing in for the
    MT draft), then read it back validated: whatever ingestion accepts must make a valid pair file."""
    from translate.core.errors import TranslateError
    from translate.formats.schemas import validate_xliff21
    from translate.formats.xliff import article_to_xliff
    from translate.core.xmlsafe import parse_xml

    article = _ingest(path)
    for seg in article.segments:
        seg.mt = seg.target = seg.source
        seg.state, seg.origin = "translated", "mt"
    data = article_to_xliff(article, {"tool": "translate"})
    try:
        root = parse_xml(data, str(path))
    except TranslateError as exc:
        raise AssertionError(f"the pair file written for {path.name} does not parse: {exc}") from None
    problems = validate_xliff21(root)
    assert not problems, f"the pair file written for {path.name} is not valid XLIFF 2.1: {problems[:3]}"
    return article


def _segment_cli(path: Path):
    """`translate segment FILE` end to end: what a translator runs on a file they received."""
    from click.testing import CliRunner

    from translate.cli import main
    from translate.core.errors import InputError

    result = CliRunner().invoke(main, ["segment", str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code != 0:
        # Not ours to re-raise: the CLI said Error: ...; pass it on as the error it reported.
        raise InputError(result.output.strip() or f"{path}: exit {result.exit_code} with no message")
    return result.output


def _pair_file(path: Path):
    from translate.formats.xliff import read_pair_file

    return read_pair_file(path)


def _pair_file_validated(path: Path):
    from translate.formats.xliff import read_pair_file

    return read_pair_file(path, validate=True)


def _pair_roundtrip(path: Path):
    """Read a pair file and write it back, as a re-run does: what was read must be writable."""
    from translate.formats.xliff import article_to_xliff, read_pair_file

    article, stamp = read_pair_file(path)
    return article_to_xliff(article, stamp)


def _config(path: Path):
    from translate.core.config import load_settings

    return load_settings(path=path)


def _publish_config(path: Path):
    from translate.core.config import load_settings
    from translate.publish.publisher import publish_config

    return publish_config(load_settings(path=path))


def _manifest(path: Path):
    from translate.publish.manifest import read_manifest

    return read_manifest(path)


def _glossary_tsv(path: Path):
    from translate.glossary.entries import load_glossary

    return load_glossary(path)


def _tbx(path: Path):
    from translate.glossary.tbx import read_tbx_file

    return read_tbx_file(path)


def _incoming(path: Path):
    """What `translate pair import` reads first: a CAT tool's XLIFF 2.1 or 1.2 file."""
    from translate.formats.exchange import read_incoming

    return read_incoming(path)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _pair_import_workspace(path: Path):
    """`translate pair import` into a workspace holding the article: all or nothing, and a
    refusal leaves the pair file and the memory byte for byte as they were."""
    from translate.core.errors import TranslateError
    from translate.formats.exchange import import_pair_file
    from translate.formats.schemas import validate_xliff21
    from translate.core.xmlsafe import read_xml_file

    work = path.parent / "work"
    work.mkdir(exist_ok=True)
    (work / "summit.xlf").write_bytes(xliff21_seed())
    before = _snapshot(work)
    try:
        report = import_pair_file(path, work)
    except TranslateError:
        after = _snapshot(work)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and not k.startswith("."))
        # The memory may be created empty on open; the pair file must not change at all.
        assert "summit.xlf" not in changed, f"a refused import changed the pair file: {changed}"
        raise
    problems = validate_xliff21(read_xml_file(work / "summit.xlf"))
    assert not problems, f"an accepted import left an invalid pair file: {problems[:3]}"
    return report


def _tmx_into_memory(path: Path):
    """`translate tm import`: read the TMX, add it to a memory; the database stays consistent."""
    import sqlite3

    from translate.pipeline.memory import TranslationMemory
    from translate.formats.tmx import read_tmx_file

    entries = read_tmx_file(path)
    db = path.parent / "memory.sqlite"
    with TranslationMemory.open(db) as tm:
        tm.add(entries)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return entries


def _tmx(path: Path):
    from translate.formats.tmx import read_tmx_file

    return read_tmx_file(path)


TARGETS: list[Target] = [
    Target("text article", "article.txt", lambda: TEXT_SEED, _ingest, ("translate.ingest.reader:ingest_file",)),
    Target("HTML article", "article.html", lambda: HTML_SEED, _ingest, ("translate.ingest.from_html",)),
    Target("Markdown article", "article.md", lambda: MARKDOWN_SEED, _ingest, ("translate.ingest.from_markdown",)),
    Target("text article to pair file", "article.txt", lambda: TEXT_SEED, _ingest_to_pair_file, ("translate.ingest.reader:ingest_file",)),
    Target("HTML article to pair file", "article.html", lambda: HTML_SEED, _ingest_to_pair_file, ("translate.ingest.from_html",)),
    Target("Markdown article to pair file", "article.md", lambda: MARKDOWN_SEED, _ingest_to_pair_file, ("translate.ingest.from_markdown",)),
    Target("translate segment (CLI)", "article.txt", lambda: TEXT_SEED, _segment_cli, ("translate.cli.commands.segment",)),
    Target("XLIFF 2.1 pair file", "summit.xlf", xliff21_seed, _pair_file, ("translate.formats.xliff:read_pair_file",)),
    Target("XLIFF 2.1 pair file, validated", "summit.xlf", xliff21_seed, _pair_file_validated,
           ("translate.formats.xliff:read_pair_file", "translate.formats.schemas:validate_xliff21")),
    Target("XLIFF 2.1 read and write back", "summit.xlf", xliff21_seed, _pair_roundtrip, ("translate.formats.xliff:article_to_xliff",)),
    Target("translate.toml", "translate.toml", lambda: TOML_SEED, _config, ("translate.core.config:load_settings",)),
    Target("translate.toml [publish]", "translate.toml", lambda: TOML_SEED, _publish_config, ("translate.publish.publisher:publish_config",)),
    Target("publication manifest (JSON)", "index.json", lambda: MANIFEST_SEED, _manifest, ("translate.publish.manifest:read_manifest",)),
    Target("glossary TSV", "glossary.tsv", lambda: TSV_SEED, _glossary_tsv, ("translate.glossary.entries:load_glossary",)),
    Target("glossary TBX", "glossary.tbx", lambda: TBX_SEED, _tbx, ("translate.glossary.tbx:read_tbx_file",)),
    Target("pair import: XLIFF 2.1", "summit.xlf", xliff21_seed, _incoming, ("translate.formats.exchange:read_incoming",)),
    Target("pair import: XLIFF 1.2", "summit.xlf", xliff12_seed, _incoming, ("translate.formats.exchange:read_incoming",)),
    Target("pair import into a workspace: XLIFF 2.1", "summit.xlf", xliff21_seed, _pair_import_workspace,
           ("translate.formats.exchange:import_pair_file",)),
    Target("pair import into a workspace: XLIFF 1.2", "summit.xlf", xliff12_seed, _pair_import_workspace,
           ("translate.formats.exchange:import_pair_file",)),
    Target("TMX import", "memory.tmx", lambda: TMX_SEED, _tmx, ("translate.formats.tmx:read_tmx_file",)),
    Target("TMX into a memory", "memory.tmx", lambda: TMX_SEED, _tmx_into_memory, ("translate.formats.tmx:read_tmx_file",)),
]


def by_name(name: str) -> Target:
    for target in TARGETS:
        if target.name == name:
            return target
    raise KeyError(name)


def check_input(target: Target, data: bytes, folder: Path):
    """Feed ``data`` to ``target``: returns what it returned, or the TranslateError it raised.

    Raises AssertionError for an error of ours that does not name the file, and lets every
    other exception through (the defect the fuzzing is looking for).
    """
    from translate.core.errors import TranslateError

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / target.filename
    path.write_bytes(data)
    try:
        return target.call(path)
    except TranslateError as exc:
        message = str(exc)
        assert message.strip(), f"{target.name}: an error with an empty message"
        assert "Traceback" not in message, f"{target.name}: a traceback in the message: {message}"
        assert path.name in message, f"{target.name}: the message does not name the file: {message!r}"
        return exc
