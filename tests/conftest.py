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
