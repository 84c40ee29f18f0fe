"""Hostile files against each command, end to end through the CLI.

XXE and billion laughs (in XLIFF, TMX, TBX and HTML), path-traversal names, script in targets,
truncated and binary files, given to every command that reads outside files. For each: no
traceback; on refusal an `Error:` line and nothing in the workspace changed; the planted secret
never copied anywhere; nothing written outside the project.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli import main

SECRET = "CLI-SECRET-0xBADC0DE"
ARTICLE = "Leaders met in Geneva on Wednesday. The talks lasted four hours.\n\nBoth sides spoke.\n"


def hostile_files(project: Path) -> dict[str, Path]:
    """name -> a file in project/incoming/; built from the project's own valid pair file."""
    from robustness_targets import TMX_SEED, TBX_SEED

    incoming = project / "incoming"
    incoming.mkdir(exist_ok=True)
    secret = (project.parent / "secret.txt")
    secret.write_text(SECRET)
    pair = (project / "work" / "summit.xlf").read_text("utf-8")
    head, _, rest = pair.partition("?>")
    xxe = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    first_target = rest.split("<target>", 2)[2].split("</target>")[0] if rest.count("<target>") > 1 else None
    files = {
        "pair XXE": head + "?>" + xxe + rest.replace(first_target, "&e;", 1),
        "pair billion laughs": head + "?>" + laughs + rest.replace(first_target, "&i;", 1),
        "pair truncated": pair[: len(pair) // 2],
        "pair script in target": pair.replace(first_target, "<![CDATA[<script>alert(1)</script>]]>", 1),
        "pair binary": None,
        "tmx XXE": TMX_SEED.decode().replace('<!DOCTYPE tmx SYSTEM "tmx14.dtd">', xxe).replace("They talked.", "&e;"),
        "tmx truncated": TMX_SEED.decode()[:300],
        "tbx XXE": TBX_SEED.decode().replace("?>", "?>" + xxe, 1).replace("Vladimir Poutine", "&e;"),
        "html XXE": f'<?xml version="1.0"?>{xxe}<html><body><article><p>Leaders met &e; in Geneva. '
                    "They talked for hours about many things.</p></article></body></html>",
        "html script": "<html><body><article><p>Leaders met in Geneva.<script>alert(1)</script> "
                       "They talked.</p><p onclick=alert(2)>Both sides spoke at length.</p></article></body></html>",
        "text binary": None,
        "text truncated UTF-8": None,
    }
    out = {}
    for name, text in files.items():
        suffix = ".tmx" if name.startswith("tmx") else ".tbx" if name.startswith("tbx") else \
            ".html" if name.startswith("html") else ".txt" if name.startswith("text") else ".xlf"
        path = incoming / (name.replace(" ", "-").lower() + suffix)
        if name.endswith("binary"):
            path.write_bytes(bytes(range(256)) * 8)
        elif name == "text truncated UTF-8":
            path.write_bytes("Gen\u00e8ve a accueilli le sommet.".encode()[:4] + b"\n")
        else:
            path.write_text(text, "utf-8")
        out[name] = path
    return out


@pytest.fixture(scope="module")
def project_template(tmp_path_factory, test_model_dir):
    root = tmp_path_factory.mktemp("cli") / "project"
    root.mkdir()
    old = Path.cwd()
    os.chdir(root)
    try:
        (root / "en").mkdir()
        (root / "en" / "summit.txt").write_text(ARTICLE)
        result = CliRunner().invoke(main, ["run", "--model", str(test_model_dir), "--beam-size", "1",
                                           "--workdir", "work", "en/summit.txt"])
        assert result.exit_code == 0, result.output
    finally:
        os.chdir(old)
    return root


@pytest.fixture
def project(project_template, tmp_path, monkeypatch):
    dest = tmp_path / "project"
    shutil.copytree(project_template, dest)
    monkeypatch.chdir(dest)
    return dest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock") and "incoming" not in p.parts}


def commands_for(name: str, path: Path, model: str) -> list[list[str]]:
    rel = str(path.relative_to(Path.cwd()))
    kind = name.split()[0]
    if kind == "pair":
        return [["pair", "import", rel, "--workdir", "work"], ["publish", rel, "--workdir", "work", "--draft"],
                ["review", "diff", rel, "--workdir", "work"]]
    if kind == "tmx":
        return [["tm", "import", rel, "--workdir", "work"]]
    if kind == "tbx":
        return [["glossary", "import", rel, "-o", "work/g.tsv"], ["glossary", "check", "--glossary", rel, "--workdir", "work"]]
    return [["segment", rel], ["run", "--model", model, "--beam-size", "1", "--workdir", "work", rel]]


NAMES = ["pair XXE", "pair billion laughs", "pair truncated", "pair script in target", "pair binary", "tmx XXE",
         "tmx truncated", "tbx XXE", "html XXE", "html script", "text binary", "text truncated UTF-8"]


@pytest.mark.parametrize("name", NAMES)
def test_hostile_file_against_each_command(name, project, test_model_dir):
    files = hostile_files(project)
    outside_before = sorted(p.name for p in project.parent.iterdir())
    for args in commands_for(name, files[name], str(test_model_dir)):
        if not _has_command(args):
            continue
        before = snapshot(project)
        result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert "Traceback" not in result.output, (args, result.output)
        after = snapshot(project)
        if result.exit_code != 0:
            assert "Error:" in result.output, (args, result.output)
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                             and not k.startswith("work/memory.sqlite"))
            assert changed == [], (args, changed, result.output)
        for key, data in after.items():
            assert SECRET.encode() not in data, (args, key)
        if name.endswith("script in target") or name == "html script":
            for key, data in after.items():
                if key.endswith(".html"):
                    assert b"<script>alert" not in data and b"onclick=" not in data, (args, key)
    assert sorted(p.name for p in project.parent.iterdir()) == outside_before


def _has_command(args: list[str]) -> bool:
    from click.testing import CliRunner as Runner

    return Runner().invoke(main, [*args[:2], "--help"] if args[0] in ("pair", "tm", "glossary", "review")
                           else [args[0], "--help"]).exit_code == 0


@pytest.mark.parametrize("arg", ["../../etc/passwd", "/etc/passwd", "../outside.xlf", "con", "x" * 300, "summit/../../x"])
def test_traversal_article_arguments(arg, project):
    before = snapshot(project)
    for args in (["publish", arg, "--workdir", "work"], ["review", "diff", arg, "--workdir", "work"],
                 ["review", "approve", arg, "--workdir", "work"], ["pair", "export", arg, "--workdir", "work"]):
        # (`segment FILE` and `run FILE` read the file the user names, wherever it is: not an escape.)
        result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert result.exit_code != 0 and "Error:" in result.output, (args, result.output)
    assert snapshot(project) == before


def test_batch_over_a_folder_of_hostile_files(project, test_model_dir):
    """One good article among hostile ones: the good one done, each bad one named, no traceback,
    a symlink loop not followed, nothing outside the workspace written."""
    pytest.importorskip("translate.pipeline.batch", reason="translate batch is not on this branch yet")
    inbox = project / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_text(ARTICLE)
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inbox / "con.txt").write_text(ARTICLE)
    (inbox / "huge.txt").write_bytes(b"word " * (3 * 1024 * 1024 // 5))
    (inbox / "xxe.html").write_text(f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                    "<html><body><p>Leaders met &e; in Geneva. They talked.</p></body></html>")
    (inbox / "loop").symlink_to(inbox, target_is_directory=True)
    result = CliRunner().invoke(main, ["batch", "--model", str(test_model_dir), "--beam-size", "1",
                                       "--workdir", "work", "inbox"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code != 0
    for bad in ("binary.txt", "con.txt", "huge.txt"):
        assert bad in result.output, (bad, result.output)
    assert (project / "work" / "good.xlf").is_file()
    assert not (project / "work" / "con.xlf").exists()
    for pair in (project / "work").glob("*.xlf"):
        assert b"root:" not in pair.read_bytes()
