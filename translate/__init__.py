"""Read in French: an English-to-French machine-translation publishing workflow for news articles.

The library is usable without the CLI. What a newsroom script needs is here, imported on first use
(so ``import translate`` and ``translate --help`` stay light)::

    import translate

    engine = translate.load_backend("transformers", "Helsinki-NLP/opus-mt-en-fr")
    glossary = translate.load_glossary("glossary")
    report = translate.run_articles(["corpus/en/article.txt"], engine, "corpus/work", glossary=glossary)
    check = translate.check_pair_files(translate.pair_files("corpus/work"), glossary)
    translate.publish_pair_file("corpus/work/article.xlf", translate.PublishConfig(out="corpus/fr"))
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it (see docs/DESIGN.md's module map).
_PUBLIC = {
    "ingest_file": "translate.ingest.reader",
    "load_backend": "translate.mt.backends",
    "load_glossary": "translate.glossary.entries",
    "run_articles": "translate.pipeline.workflow",
    "pair_files": "translate.glossary.check",
    "check_pair_files": "translate.glossary.check",
    "read_pair_file": "translate.formats.xliff",
    "PublishConfig": "translate.publish.publisher",
    "publish_pair_file": "translate.publish.publisher",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'translate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # imported once
    return value
