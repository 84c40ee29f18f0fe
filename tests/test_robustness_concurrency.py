"""Concurrency: two writers on the same articles at once; locks serialise them or one refuses.

A run is held in the middle of its MT step (a small fake engine that waits on an event: it tests
the locking around the model, not the model) while a second run, a `pair import` and a
`review approve` try the same articles. Each of those must refuse with a ArticleBusy that names
the lock, change nothing, and succeed once the first run is done; the first run's results and
every post-edit accepted are all in the final files: no lost update. The subprocess version,
with the real test model and kill -9, is scripts/kill_loop.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from translate.core.errors import ArticleBusy

ARTICLES = {
    "alpha": "The summit opened in Geneva. Both leaders spoke briefly.\n\nTalks lasted four hours.\n",
    "beta": "Markets rose on Thursday. Oil prices fell.\n\nAnalysts expect more volatility.\n",
}


@dataclass
class HeldEngine:
    """A fake engine: translates by tagging the source, but first waits until released."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    calls: int = 0

    def translate(self, texts):
        from translate.mt.engine import Translation

        self.calls += 1
        self.entered.set()
        assert self.release.wait(60), "the held run was never released"
        return [Translation(text=f"[fr] {t}", flags=[]) for t in texts]

    def stamp(self):
        return {"model": "held-fake", "model-revision": "0", "beam-size": "1"}


class QuickEngine(HeldEngine):
    def __init__(self):
        super().__init__()
        self.release.set()


@pytest.fixture
def corpus(tmp_path):
    paths = []
    for slug, text in ARTICLES.items():
        path = tmp_path / "en" / f"{slug}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def _run_in_thread(paths, engine, work):
    from translate.pipeline.workflow import run_articles

    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("report", run_articles(paths, engine, work)))
    thread.start()
    return thread, box


def _edit(pair: Path, text: str, state: str = "reviewed") -> tuple[str, str]:
    from translate.formats.xliff import read_pair_file, write_pair_file

    article, stamp = read_pair_file(pair)
    seg = article.segments[0]
    seg.target, seg.state, seg.origin = text, state, "human"
    write_pair_file(pair, article, stamp)
    return seg.id, text


def test_a_second_run_during_a_run_refuses_cleanly_and_nothing_is_lost(corpus, tmp_path):
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import read_pair_file

    work = tmp_path / "work"
    held = HeldEngine()
    thread, box = _run_in_thread(corpus, held, work)
    assert held.entered.wait(60)
    second = run_articles(corpus, QuickEngine(), work)
    assert all(r.error and "another translate process" in r.error and ".lock" in r.error for r in second.results)
    assert not list(work.glob("*.xlf")), "the refused run wrote a pair file"
    held.release.set()
    thread.join(60)
    assert all(r.ok for r in box["report"].results)
    for path in corpus:
        article, _ = read_pair_file(work / f"{path.stem}.xlf")
        assert all(s.target == f"[fr] {s.source}" for s in article.segments)


def test_pair_import_and_approve_during_a_run_refuse_then_succeed(corpus, tmp_path):
    from translate.review.approve import approve_article
    from translate.formats.exchange import import_pair_file
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import read_pair_file

    work = tmp_path / "work"
    run_articles(corpus, QuickEngine(), work)
    pair = work / "alpha.xlf"
    incoming = tmp_path / "incoming" / "alpha.xlf"
    incoming.parent.mkdir()
    incoming.write_bytes(pair.read_bytes())
    seg_id, text = _edit(incoming, "Traduction relue par un humain.")
    # The run has MT to do (a changed article), and holds every article's lock while it does.
    corpus[1].write_text(ARTICLES["beta"] + "\nA new sentence arrives. It needs MT.\n")

    held = HeldEngine()
    thread, box = _run_in_thread(corpus, held, work)
    assert held.entered.wait(60)
    before = pair.read_bytes()
    with pytest.raises(ArticleBusy, match="lock"):
        import_pair_file(incoming, work)
    with pytest.raises(ArticleBusy, match="lock"):
        approve_article("alpha", work, by="editor")
    assert pair.read_bytes() == before
    held.release.set()
    thread.join(60)
    assert all(r.ok for r in box["report"].results)

    # Now the import goes through, and the run's new drafts are not lost by it.
    import_pair_file(incoming, work)
    article, _ = read_pair_file(pair)
    by_id = {s.id: s for s in article.segments}
    assert by_id[seg_id].target == text and by_id[seg_id].state == "reviewed"
    assert all(s.target == f"[fr] {s.source}" for s in article.segments if s.id != seg_id)
    beta, _ = read_pair_file(work / "beta.xlf")
    assert any(s.source == "A new sentence arrives." and s.target == "[fr] A new sentence arrives." for s in beta.segments)


def test_a_run_after_a_post_edit_keeps_it(corpus, tmp_path):
    """The ordinary serial case, for contrast: an edit saved between two runs survives the second."""
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import read_pair_file

    work = tmp_path / "work"
    run_articles(corpus, QuickEngine(), work)
    seg_id, text = _edit(work / "beta.xlf", "Les marchés ont progressé jeudi.", "final")
    corpus[1].write_text(ARTICLES["beta"] + "\nOne more line. And another.\n")
    run_articles(corpus, QuickEngine(), work)
    article, _ = read_pair_file(work / "beta.xlf")
    assert {s.id: s.target for s in article.segments}[seg_id] == text


def test_two_imports_at_once_are_serialised(corpus, tmp_path):
    """Many threads import edited copies of one article at once: each import is all or nothing,
    and the final file is exactly one of the imported versions (no interleaving)."""
    from translate.core.errors import TranslateError
    from translate.formats.exchange import import_pair_file
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import read_pair_file

    work = tmp_path / "work"
    run_articles(corpus, QuickEngine(), work)
    copies = []
    for i in range(6):
        copy = tmp_path / f"copy{i}" / "alpha.xlf"
        copy.parent.mkdir()
        copy.write_bytes((work / "alpha.xlf").read_bytes())
        from translate.formats.xliff import write_pair_file

        article, stamp = read_pair_file(copy)
        for seg in article.segments:
            seg.target, seg.state, seg.origin = f"Version {i}: {seg.source}", "reviewed", "human"
        write_pair_file(copy, article, stamp)
        copies.append(copy)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(copies))

    def worker(copy):
        barrier.wait()
        try:
            import_pair_file(copy, work)
            outcomes.append("ok")
        except TranslateError as exc:
            assert "lock" in str(exc).lower(), exc
            outcomes.append("refused")

    threads = [threading.Thread(target=worker, args=(c,)) for c in copies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert "ok" in outcomes and len(outcomes) == len(copies)
    article, _ = read_pair_file(work / "alpha.xlf")
    versions = {s.target.split(":")[0] for s in article.segments}
    assert len(versions) == 1, f"segments from several imports interleaved: {versions}"
