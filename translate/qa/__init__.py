"""Automatic QA of every draft and post-edit, and the riskiest segments first.

One module per family of checks (``check_*.py``), each registering its checks (id, default
severity, title) in :mod:`translate.qa.registry`; :mod:`translate.qa.runner` runs them, applies
the ``[qa]`` settings of translate.toml (:mod:`translate.qa.config`) and the reviewers' waivers;
:mod:`translate.qa.risk` scores and orders the segments; :mod:`translate.qa.report` writes the
reports (text, JSON, JUnit, GitHub). Figures are normalised in :mod:`translate.qa.numbers`.
The findings reach the pair file as notes a CAT tool shows (``<note category="qa">``).
"""

from __future__ import annotations

from typing import Any

from translate.core.article import Article


def annotate_article(article: Article, *, glossary: Any = None, config=None):
    """Run the QA on one article and record the findings on its segments (for the pair file)."""
    from translate.qa.runner import annotate, run_qa

    report = run_qa([article], config, glossary=glossary)
    annotate([article], report)
    return report
