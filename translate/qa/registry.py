"""The registry of checks: every check's id, family, default severity and title.

A family module registers its checks with :func:`register` and runs them in a function
``check(ctx) -> list[Finding]`` over one segment (:class:`translate.qa.runner.SegmentContext`), or
``check_all(contexts)`` for checks that compare segments with each other (consistency).
"""

from __future__ import annotations

import importlib

from translate.qa.model import SEVERITIES, CheckInfo

CHECKS: dict[str, CheckInfo] = {}

# The family modules, in the order their findings are listed.
FAMILIES = ("numbers", "codes", "untranslated", "repetition", "length", "omission", "typography",
            "glossary", "consistency")


def register(id: str, family: str, severity: str, title: str) -> CheckInfo:
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    if id in CHECKS and CHECKS[id].family != family:
        raise ValueError(f"check id {id!r} registered twice")
    info = CheckInfo(id, family, severity, title)
    CHECKS[id] = info
    return info


def family_modules():
    """The family modules, imported (each registers its checks on import)."""
    return [importlib.import_module(f"translate.qa.check_{name}") for name in FAMILIES]


def all_checks() -> dict[str, CheckInfo]:
    family_modules()
    return dict(CHECKS)
