"""Automatic QA of every draft and post-edit, and the riskiest segments first.

One module per family of checks (``check_*.py``), each registering its checks (id, default
severity, title) in :mod:`translate.qa.registry`; :mod:`translate.qa.runner` runs them, applies
the ``[qa]`` settings of translate.toml (:mod:`translate.qa.config`) and the reviewers' waivers;
:mod:`translate.qa.risk` scores and orders the segments; :mod:`translate.qa.report` writes the
reports (text, JSON, JUnit, GitHub). Figures are normalised in :mod:`translate.qa.numbers`.
The findings reach the pair file as notes a CAT tool shows (``<note category="qa">``).
"""
