"""The library without the CLI: the README's example, run on the seed with the test model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import translate

ROOT = Path(__file__).resolve().parent.parent


def test_readme_example_runs_on_the_seed(test_model_dir, seed_article, tmp_path):
    engine = translate.load_backend("transformers", str(test_model_dir), device="cpu")
    glossary = translate.load_glossary(ROOT / "glossary")
    report = translate.run_articles([seed_article], engine, tmp_path / "work", glossary=glossary)
    assert not report.failed
    pair = tmp_path / "work" / f"{translate.ingest_file(seed_article).slug}.xlf"
    article, _ = translate.read_pair_file(pair)
    assert article.segments and all(seg.target for seg in article.segments)
    check = translate.check_pair_files(translate.pair_files(tmp_path / "work"), glossary)
    assert not check.violations  # every locked term is in the drafts
    refused = None
    try:  # nothing is approved yet: the gate refuses, and says why
        translate.publish_pair_file(pair, translate.PublishConfig(out=tmp_path / "fr"))
    except Exception as exc:  # noqa: BLE001 - the gate's own error type is checked by name
        refused = exc
    assert type(refused).__name__ == "PublishRefused" and not (tmp_path / "fr").exists()


def test_every_public_name_resolves_and_import_stays_light():
    for name in translate.__all__:
        assert getattr(translate, name) is not None
    code = "import sys, translate; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
