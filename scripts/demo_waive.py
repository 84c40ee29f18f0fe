"""The desk's QA decisions in `make demo`: every QA error left on the article is waived, each with
its reason recorded in the pair file (who, when, the French it covers).

A real desk fixes what the QA finds (the report lists the riskiest segments first) and waives only
what it accepts; the demo cannot edit French by judgement, so it accepts the rest, and says so. With
the random-weight test model every draft is meaningless and most segments carry errors.
Usage: python scripts/demo_waive.py WORKDIR SLUG
"""

from __future__ import annotations

import sys
from pathlib import Path

from translate.formats.xliff import read_pair_file
from translate.qa.runner import run_qa
from translate.qa.workspace import waive


def main(workdir: str, slug: str) -> None:
    article, _ = read_pair_file(Path(workdir) / f"{slug}.xlf")
    errors = sorted({(f.segment, f.check) for f in run_qa([article]).errors})
    for segment, check in errors:
        waive(slug, Path(workdir), segment=segment, check=check, by="desk", reason="make demo: accepted unedited")
    print(f"{slug}: {len(errors)} QA error(s) waived by the desk (demo only: a desk fixes them, or waives what it accepts)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
