"""translate qa, review waive, the publish gate and the pair file: exit codes, formats, notes, waivers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from translate.cli.group import main
from translate.core.article import Article, Block, Segment, Waiver, text_hash
from translate.formats.xliff import read_pair_file, write_pair_file

CLEAN = ("Asia accounted for 35% of all applications.", "L’Asie a représenté 35 % des demandes.")
BAD = ("Police found 12 bodies on June 16.", "La police a trouvé 21 corps le 16 juin.")


def make_pair(workdir, slug, *pairs, state="reviewed"):
    segs, text, pos = [], "", 0
    for i, (src, tgt) in enumerate(pairs):
        if text:
            text += " "
            pos += 1
        segs.append(Segment(id=f"s{slug[:1]}{i}", source=src, start=pos, end=pos + len(src), target=tgt,
                            mt=tgt, origin="human", state=state))
        text += src
        pos += len(src)
    art = Article(slug=slug, blocks=[Block(id="u1", kind="paragraph", text=text, segments=segs)])
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"{slug}.xlf"
    write_pair_file(path, art, {"tool": "translate"})
    return path


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    work = tmp_path / "work"
    make_pair(work, "clean", CLEAN)
    make_pair(work, "mixed", CLEAN, BAD)
    return work


def qa(*args):
    return CliRunner().invoke(main, ["qa", *args])


def test_exit_codes(ws):
    assert qa("clean", "--workdir", str(ws), "--no-write").exit_code == 0
    result = qa("--workdir", str(ws), "--no-write")
    assert result.exit_code == 1
    assert "number-changed" in result.output and "risk" in result.output
    result = qa("--workdir", str(ws / "nowhere"))
    assert result.exit_code == 2 and result.output.startswith("Error:") and "Traceback" not in result.output
    result = qa("no-such-article", "--workdir", str(ws))
    assert result.exit_code == 2 and "Error:" in result.output


def test_formats(ws):
    data = json.loads(qa("--workdir", str(ws), "--format", "json", "--no-write").output)
    assert data["summary"]["errors"] == 1
    first = data["segments"][0]  # riskiest first
    assert first["article"] == "mixed" and first["findings"][0]["check"] == "number-changed" and first["line"] > 0
    from lxml import etree

    junit = etree.fromstring(qa("--workdir", str(ws), "--format", "junit", "--no-write").output.encode())
    assert junit.get("failures") == "1" and junit.get("tests") == "3"
    github = qa("--workdir", str(ws), "--format", "github", "--no-write").output.splitlines()
    assert any(line.startswith("::error file=") and ",line=" in line and "title=qa number-changed::" in line
               for line in github)
    order = json.loads(qa("--workdir", str(ws), "--format", "json", "--order", "document", "--no-write").output)
    assert [s["segment"] for s in order["segments"]] == ["sc0", "sm0", "sm1"]


def test_findings_are_written_as_notes_a_cat_tool_shows(ws):
    from translate.core.xmlsafe import read_xml_file
    from translate.formats.schemas import validate_xliff21

    pair = ws / "mixed.xlf"
    before = pair.read_bytes()
    qa("--workdir", str(ws), "--no-write")
    assert pair.read_bytes() == before
    qa("--workdir", str(ws))
    written = pair.read_bytes()
    assert b'<note category="qa" appliesTo="target" priority="1">[sm1] error number-changed:' in written
    assert validate_xliff21(read_xml_file(pair, "pair file")) == []
    qa("--workdir", str(ws))
    assert pair.read_bytes() == written  # nothing new: not rewritten
    art, _ = read_pair_file(pair)
    assert [i.check for i in art.segments[1].qa] == ["number-changed"] and art.segments[1].notes == []
    from translate.formats.exchange import export_article

    xliff12 = export_article(art, {}, "xliff12")  # validated against the XLIFF 1.2 schema on export
    assert b'from="translate-qa"' in xliff12 and b"number-changed" in xliff12


def test_waiver_recorded_shown_and_releasing_the_exit_code(ws):
    runner = CliRunner()
    result = runner.invoke(main, ["review", "waive", "mixed", "--workdir", str(ws), "--segment", "sm1",
                                  "--check", "number-changed", "--by", "desk", "--reason", "source typo"])
    assert result.exit_code == 0, result.output
    seg = read_pair_file(ws / "mixed.xlf")[0].segments[1]
    assert [(w.check, w.by, w.reason) for w in seg.waivers] == [("number-changed", "desk", "source typo")]
    result = qa("--workdir", str(ws), "--no-write")
    assert result.exit_code == 0 and "[waived by desk]" in result.output
    diff = runner.invoke(main, ["review", "diff", "mixed", "--workdir", str(ws), "--no-color", "--riskiest"])
    assert "QA  error number-changed" in diff.output and "[waived by desk]" in diff.output
    for args, words in [(["--check", "no-such"], "unknown QA check"), (["--segment", "nope"], "no segment")]:
        base = {"--segment": "sm1", "--check": "number-changed"}
        base.update(dict(zip(args[::2], args[1::2])))
        result = runner.invoke(main, ["review", "waive", "mixed", "--workdir", str(ws),
                                      *[x for kv in base.items() for x in kv]])
        assert result.exit_code == 1 and words in result.output
    result = runner.invoke(main, ["review", "waive", "mixed", "--workdir", str(ws), "--segment", "sm1",
                                  "--check", "number-changed", "--remove"])
    assert result.exit_code == 0 and qa("--workdir", str(ws), "--no-write").exit_code == 1


def test_review_report_lists_findings_riskiest_first(ws, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["review", "report", "mixed", "--workdir", str(ws), "-o", str(out), "--riskiest"])
    assert result.exit_code == 0 and "1 QA errors" in result.output
    html = out.read_text("utf-8")
    assert html.index('id="sm1"') < html.index('id="sm0"') and "number-changed" in html and 'class="risk"' in html


def test_settings_regrade_through_translate_toml(ws, tmp_path):
    (tmp_path / "translate.toml").write_text('[qa]\nseverity = { number-changed = "warning" }\n', "utf-8")
    assert qa("--workdir", str(ws), "--no-write").exit_code == 0
    (tmp_path / "translate.toml").write_text('[qa]\ndisable = ["nope"]\n', "utf-8")
    result = qa("--workdir", str(ws), "--no-write")
    assert result.exit_code == 1 and "unknown check id" in result.output


def test_publish_gate_refuses_a_final_segment_with_an_unwaived_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    work, out = tmp_path / "work", tmp_path / "fr"
    toml = '[publish]\nen_url = "https://news.example.org/{slug}/"\n'
    (tmp_path / "translate.toml").write_text(toml, "utf-8")
    make_pair(work, "story", CLEAN, BAD, state="final")
    runner = CliRunner()
    args = ["publish", "story", "--workdir", str(work), "--out", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 1 and "the QA found 1 unwaived error(s)" in result.output and "ss1: number-changed" in result.output
    assert not out.exists()
    result = runner.invoke(main, ["review", "waive", "story", "--workdir", str(work), "--segment", "ss1",
                                  "--check", "number-changed", "--by", "desk"])
    assert result.exit_code == 0
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "QA: passed" in result.output
    (tmp_path / "translate.toml").write_text(toml + "[qa]\npublish_gate = false\n", "utf-8")
    make_pair(work, "other", BAD, state="final")
    assert runner.invoke(main, ["publish", "other", "--workdir", str(work), "--out", str(out)]).exit_code == 0


def test_waivers_and_confidence_survive_a_rerun_merge():
    from translate.pipeline.merge import merge_existing

    old = Segment(id="s1", source=BAD[0], end=len(BAD[0]), target=BAD[1], mt="x", origin="human", state="reviewed",
                  mt_logprob=-0.5)
    old.waivers = [Waiver("number-changed", "desk", "2026-01-01T00:00:00Z", text_hash(BAD[1]))]
    new = Segment(id="s1", source=BAD[0], end=len(BAD[0]))
    existing = Article("a", [Block("u", "paragraph", BAD[0], [old])])
    fresh = Article("a", [Block("u", "paragraph", BAD[0], [new])])
    assert merge_existing(fresh, existing, reuse_mt=True) == 1
    assert new.waivers == old.waivers and new.mt_logprob == -0.5 and new.target == BAD[1]
