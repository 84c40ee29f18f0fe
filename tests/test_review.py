"""Review: word diffs, HTER as sacrebleu computes it, the terminal diff, the HTML report (in a real
browser when chromium is installed), approval, the ARTICLE resolver and the per-article lock."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.core.article import Article, Block, Segment, TermHit
from translate.pipeline.articleref import resolve_article
from translate.cli import main
from translate.core.errors import InputError
from translate.review.diffs import hter, review_article, word_diff
from translate.formats.xliff import read_pair_file, write_pair_file

REPO = Path(__file__).resolve().parent.parent


def sample() -> Article:
    rows = [
        ("Putin met Biden.", "Putin a rencontré Biden.", "Poutine a rencontré Biden.", "reviewed"),
        ("The talks were long.", "Les pourparlers étaient longs.", "Les pourparlers étaient longs.", "reviewed"),
        ("Nobody was hurt.", "Personne n'était blessé.", "Personne n'a été blessé.", "translated"),
        ("Not yet.", None, None, "initial"),
    ]
    segs, pos = [], 0
    for i, (src, mt, tgt, state) in enumerate(rows):
        seg = Segment(id=f"s{i}", source=src, start=pos, end=pos + len(src), mt=mt, target=tgt, state=state,
                      origin=None if tgt is None else ("mt" if tgt == mt else "human"))
        segs.append(seg)
        pos += len(src) + 1
    segs[0].terms = [TermHit("putin", "Putin", 0, 5, "Poutine")]
    segs[1].terms = [TermHit("talks", "talks", 4, 9, "négociations")]  # not in the target: a violation
    return Article(slug="sample", blocks=[Block(id="u1", kind="paragraph", text=" ".join(r[0] for r in rows), segments=segs)])


@pytest.fixture
def work(tmp_path) -> Path:
    work = tmp_path / "work"
    write_pair_file(work / "sample.xlf", sample(), {"model": "m"})
    return work


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_word_diff_and_hter_match_sacrebleu():
    from sacrebleu.metrics import TER

    ops = word_diff("Putin a rencontré Biden.", "Poutine a rencontré Biden hier.")
    assert [(o.kind, o.text) for o in ops] == [("delete", "Putin"), ("insert", "Poutine"), ("equal", "a rencontré"),
                                               ("delete", "Biden."), ("insert", "Biden hier.")]
    mt, pe = "Personne n'était blessé.", "Personne n'a été blessé."
    assert hter(mt, pe) == pytest.approx(TER(case_sensitive=True).sentence_score(mt, [pe]).score / 100)
    assert hter(pe, pe) == 0.0
    review = review_article(sample())
    expected = TER(case_sensitive=True).corpus_score(
        [s.mt for s in sample().segments[:3]], [[s.target for s in sample().segments[:3]]]).score / 100
    assert review.hter == pytest.approx(expected) and review.measured == 3 and review.edited == 2
    assert review.violations == 1


def test_review_diff_plain_when_piped_and_coloured_on_request(work):
    result = cli("review", "diff", "sample", "--workdir", work)
    assert result.exit_code == 0, result.output
    assert "[-Putin-] {+Poutine+}" in result.output and "\x1b[" not in result.output
    assert "(no translation yet)" in result.output
    coloured = cli("review", "diff", "sample", "--workdir", work, "--color")
    assert "\x1b[" in coloured.output and "[-Putin-]" not in coloured.output
    edited = cli("review", "diff", "sample", "--workdir", work, "--edited")
    assert "[s1]" not in edited.output and "[s0]" in edited.output


def test_glossary_violations_flagged_from_term_hits():
    # Term hits reach the review from the glossary stage (pair file marks or translate/glossary/entries.py).
    from translate.review.diffs import format_diff, render_report

    review = review_article(sample())
    text = format_diff(review, color=False)
    assert "glossary: 'talks' must be 'négociations'" in text and "'Putin' must be" not in text
    html = render_report(review)
    assert "glossary: “talks” must be “négociations”" in html
    assert '<mark class="term" title="glossary: Poutine">Putin</mark>' in html


def test_review_report_is_self_contained(work, tmp_path):
    out = tmp_path / "report.html"
    result = cli("review", "report", work / "sample.xlf", "-o", out, "--workdir", work)
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "<del>Putin</del>" in html and "<ins>Poutine</ins>" in html
    assert 'id="article-hter"' in html
    for external in ("<script", "<link", "src=", "http://", "https://"):
        assert external not in html
    import html5lib

    html5lib.HTMLParser(strict=True).parse(html)  # well-formed HTML5


def _browser_check():
    spec = importlib.util.spec_from_file_location("browser_check", REPO / "scripts" / "browser_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_renders_and_is_usable_at_laptop_width_in_chromium(work, tmp_path):
    bc = _browser_check()
    if bc.find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): the browser check cannot run")
    from translate.review.diffs import render_report

    out = tmp_path / "report.html"
    assert cli("review", "report", "sample", "-o", out, "--workdir", work).exit_code == 0
    assert bc.usable(bc.check(out)) == []  # the page as the command writes it
    out.write_text(render_report(review_article(sample())), "utf-8")  # with term hits
    measures = bc.check(out, screenshot=tmp_path / "shot.png", width=1366)
    assert bc.usable(measures) == []
    assert bc.usable(bc.check(out, width=1024)) == []  # a small laptop too
    assert measures["rows"] == 4 and measures["ins"] >= 2 and measures["del"] >= 2
    assert measures["terms"] == 3 and measures["violations"] == 1  # two in the table, one in the legend
    assert (tmp_path / "shot.png").stat().st_size > 10_000


def test_approve_moves_reviewed_to_final_recording_who_and_when(work):
    result = cli("review", "approve", "sample", "--segments", "s0,s2", "--by", "chief-editor", "--workdir", work)
    assert result.exit_code == 0, result.output
    assert "1 segments approved by chief-editor" in result.output and "s2" in result.output
    segs = {s.id: s for s in read_pair_file(work / "sample.xlf", validate=True)[0].segments}
    assert (segs["s0"].state, segs["s0"].approved_by) == ("final", "chief-editor") and segs["s0"].approved_at
    assert segs["s1"].state == "reviewed" and segs["s2"].state == "translated"
    result = cli("review", "approve", "sample", "--workdir", work)
    segs = {s.id: s for s in read_pair_file(work / "sample.xlf")[0].segments}
    assert segs["s1"].state == "final" and segs["s1"].approved_by
    from translate.pipeline.memory import TranslationMemory

    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact("Putin met Biden.").author == "chief-editor"
    before = (work / "sample.xlf").read_bytes()
    bad = cli("review", "approve", "sample", "--segments", "s0,nope", "--workdir", work)
    assert bad.exit_code == 1 and "nope" in bad.output and (work / "sample.xlf").read_bytes() == before


@pytest.mark.parametrize("ref", ["../sample", "../../etc/passwd", "sample/../../x", "/etc/passwd.xlf", "..",
                                 "Sample With Spaces"])
def test_resolver_refuses_escapes(work, ref):
    with pytest.raises(InputError):
        resolve_article(ref, work)


def test_resolver_accepts_slug_source_and_pair_file(work, tmp_path):
    src = tmp_path / "sample.txt"
    src.write_text("Putin met Biden.", "utf-8")
    for ref in ("sample", str(src), str(work / "sample.xlf")):
        assert resolve_article(ref, work).pair_file.resolve() == (work / "sample.xlf").resolve()
    with pytest.raises(InputError, match="Run `translate run`"):
        resolve_article("other", work)


def test_a_locked_article_is_refused_by_import_and_approve(work, tmp_path):
    from translate.pipeline.article_lock import article_lock

    exported = tmp_path / "x.xlf"
    assert cli("pair", "export", "sample", "-o", exported, "--workdir", work).exit_code == 0
    before = (work / "sample.xlf").read_bytes()
    with article_lock(work, "sample"):
        for args in (("review", "approve", "sample"), ("pair", "import", exported)):
            result = cli(*args, "--workdir", work)
            assert result.exit_code == 1 and "another translate process is working on 'sample'" in result.output
    assert (work / "sample.xlf").read_bytes() == before
