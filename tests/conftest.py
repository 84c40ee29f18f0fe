"""Shared fixtures. The test model is a small random-weight Marian model with real SentencePiece
tokenizers, built once per session, offline and deterministically (see translate/mt/testmodel.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt"


@pytest.fixture(scope="session")
def test_model_dir(tmp_path_factory) -> Path:
    from translate.mt.testmodel import build_test_model

    return build_test_model(tmp_path_factory.mktemp("models") / "tiny-marian", seed=0)


@pytest.fixture(scope="session")
def engine(test_model_dir):
    """A loaded engine on the test model, greedy decoding to keep the suite fast."""
    from translate.mt.engine import EngineSettings, MarianEngine

    return MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1))


@pytest.fixture
def seed_article(tmp_path) -> Path:
    dest = tmp_path / "en" / SEED_ARTICLE.name
    dest.parent.mkdir()
    shutil.copy(SEED_ARTICLE, dest)
    return dest


@pytest.fixture
def workdir(tmp_path) -> Path:
    return tmp_path / "work"


@pytest.fixture(scope="session")
def handoff(tmp_path_factory, engine) -> Path:
    """A workdir with the seed article and a Markdown article (inline codes) drafted by the test
    model, the repository's glossary locked (tests/handoffkit.py, tests/test_handoff.py)."""
    from handoffkit import ARTICLES, CODES, SEED

    from translate.formats.xliff import read_pair_file
    from translate.glossary.entries import load_glossary
    from translate.pipeline.workflow import run_articles

    work = tmp_path_factory.mktemp("handoff") / "work"
    report = run_articles(ARTICLES, engine, work, glossary=load_glossary(REPO / "glossary"))
    assert not report.failed, [r.error for r in report.failed]
    article, _ = read_pair_file(work / f"{SEED}.xlf")
    assert any(seg.terms for seg in article.segments), "the seed article should have glossary hits"
    codes, _ = read_pair_file(work / f"{CODES}.xlf")
    assert any(seg.codes for seg in codes.segments), "the Markdown article should have inline codes"
    return work



@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skip is a failure: every tool the suite needs is one the project installs."""
    import os

    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run everything: {report.longrepr}"
