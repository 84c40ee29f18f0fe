#!/usr/bin/env python3
"""Mutation check: break one safeguard at a time and show that the test suite notices.

Each mutation is an exact text replacement in the package's sources (its anchor must occur exactly
once, or the script stops with an error, so a refactor can never silently disable a mutation). It
is applied to a temporary copy of the repository (the files ``git ls-files`` lists, committed or
not, plus untracked files git does not ignore), never to the working tree; then the tests most
relevant to it run there (``pytest -x -q -p no:cacheprovider``). A mutation is *caught* when a test
fails; the first failing test is shown. Before any mutation, the same tests run on the unmutated
copy and must pass, so a "caught" is never a test that was failing anyway.

    python scripts/mutation_check.py            # every mutation, then the table; exit 1 if one is not caught
    python scripts/mutation_check.py --list     # the mutations and the tests each runs
    python scripts/mutation_check.py --only repair-off
    python scripts/mutation_check.py --check-anchors   # only check that every anchor matches once (fast)

Not part of the normal test suite (it runs the relevant tests once per mutation); a fast test
(tests/test_mutation_anchors.py) keeps the anchors true. See docs/testing.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Edit:
    path: str  # relative to the repository root
    old: str  # must occur exactly once in the file
    new: str


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    edits: tuple[Edit, ...]
    tests: tuple[str, ...]  # pytest arguments: files or node ids


# ------------------------------------------------------------------------------ the mutations
_FORCING_OFF = Edit(
    "translate/mt/termlock.py",
    "        self.processors.append((texts, processor))\n        return [processor]\n",
    "        self.processors.append((texts, processor))\n        return []  # MUTATION: the processor is never given to generate\n",
)
_FORCING_INERT = Edit(
    "translate/mt/termlock.py",
    "    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors\n        if self._start is None:\n",
    "    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors\n        return scores  # MUTATION: the processor changes nothing\n        if self._start is None:\n",
)
_REPAIR_OFF = Edit(
    "translate/mt/termlock.py",
    "            repaired, hows = repair(text, texts[i], seg_hits)\n",
    "            repaired, hows = text, {}  # MUTATION: no repair after generation\n",
)

LOCK_TESTS = ("tests/test_lock.py", "tests/test_term_truth.py", "tests/test_term_drafts.py")

MUTATIONS: tuple[Mutation, ...] = (
    Mutation("forcing-off", "ForceTerms is never given to generate (constrained decoding off)",
             (_FORCING_OFF,), LOCK_TESTS),
    Mutation("forcing-off-beam-search", "constrained decoding off, seen by the beam-search tests alone",
             (_FORCING_OFF,), ("tests/test_lock.py::test_constrained_decoding_under_beam_search",
                               "tests/test_term_truth.py::test_beam_search_labels_only_what_the_kept_hypothesis_was_steered_into")),
    Mutation("forcing-inert", "ForceTerms is given to generate but changes no score",
             (_FORCING_INERT,), LOCK_TESTS),
    Mutation("repair-off", "no repair of drafts that miss a locked form after generation",
             (_REPAIR_OFF,), LOCK_TESTS),
    Mutation("forcing-and-repair-off", "constrained decoding and repair both off (missing forms only appended)",
             (_FORCING_OFF, _REPAIR_OFF), ("tests/test_lock.py::test_locking_end_to_end_on_the_test_corpus",)),
    Mutation("merge-mt-over-human", "a re-run gives human-edited segments a fresh MT draft",
             (Edit("translate/pipeline/merge.py",
                   "        if prev.target is None or (not is_human(prev) and prev.origin == ORIGIN_MT and not reuse_mt):\n",
                   "        if prev.target is None or is_human(prev) or (prev.origin == ORIGIN_MT and not reuse_mt):  # MUTATION\n"),),
             ("tests/test_run.py", "tests/test_human_work.py")),
    Mutation("merge-drops-concurrent-save", "a post-edit saved while a run translates is overwritten by the run",
             (Edit("translate/pipeline/merge.py",
                   "    current = {seg.id: seg for seg in article.segments}\n    kept = 0\n",
                   "    return 0  # MUTATION: edits saved meanwhile are not carried over\n"
                   "    current = {seg.id: seg for seg in article.segments}\n    kept = 0\n"),),
             ("tests/test_run.py", "tests/test_robustness_concurrency.py")),
    Mutation("import-altered-source", "an imported file whose source text was altered is accepted",
             (Edit("translate/formats/exchange.py",
                   "    altered = [u.id for u in incoming.units if u.id in ours and u.source != ours[u.id].source]\n",
                   "    altered = []  # MUTATION: source identity not checked\n"),),
             ("tests/test_post_editing.py", "tests/test_exchange_formats.py")),
    Mutation("publish-gate-off", "publishing does not refuse segments that are not final (unreviewed, unapproved)",
             (Edit("translate/publish/publisher.py",
                   "        pending = not_final(article)\n",
                   "        pending = []  # MUTATION: the approval gate is off\n"),),
             ("tests/test_publish.py",)),
    Mutation("publish-glossary-gate-off", "publishing ignores the glossary check's problems",
             (Edit("translate/publish/publisher.py",
                   "        if glossary_problems:\n",
                   "        if False:  # MUTATION: glossary problems do not hold the article back\n"),),
             ("tests/test_publish.py", "tests/test_term_truth.py")),
    Mutation("publish-qa-gate-off", "publishing ignores unwaived QA errors in final segments",
             (Edit("translate/publish/publisher.py",
                   "        if qa_problems:\n            lines.append(",
                   "        if False:  # MUTATION: QA errors do not hold the article back\n            lines.append("),),
             ("tests/test_qa_cli.py", "tests/test_publish.py")),
    Mutation("memory-lacking-term-reused", "a memory match lacking a locked form is reused as the draft",
             (Edit("translate/mt/termlock.py",
                   "        return DraftCheck(fixed if not missing else text, [_with(h, \"memory\") for h in hits], missing)\n",
                   "        return DraftCheck(fixed, [_with(h, \"memory\") for h in hits], [])  # MUTATION\n"),),
             ("tests/test_term_drafts.py", "tests/test_term_truth.py")),
    Mutation("beam-cache-cycles-unsaved", "a cycle of row moves copies over a row before it is read",
             (Edit("translate/mt/beamcache.py",
                   "                set_aside[1][:, :, :length].copy_(buffer[row, slots, :, :length])\n",
                   "                set_aside = None  # MUTATION: the row is not set aside\n"),),
             ("tests/test_beamcache.py",)),
    Mutation("beam-cache-lineage-trusted-blindly", "rows are taken to share their whole history: nothing is copied",
             (Edit("translate/mt/beamcache.py",
                   "        if not self.lineage_valid:\n            return [0] * len(moves)\n",
                   "        return [length] * len(moves)  # MUTATION: every position taken as shared\n"),),
             ("tests/test_beamcache.py",)),
    Mutation("cross-attention-wrong-rows", "shared cross-attention reads another sentence's keys",
             (Edit("translate/mt/beamcache.py",
                   "        queries, key[::beams], value[::beams], attn_mask=mask, scale=scaling)",
                   "        queries, key[:sentences], value[:sentences], attn_mask=mask, scale=scaling)  # MUTATION"),),
             ("tests/test_beamcache.py::test_shared_cross_attention_equals_attention_per_row",)),
    Mutation("guard-beam-figure-ignored", "the quality guard accepts a precision whatever it changes at beam 4",
             (Edit("translate/mt/precision.py",
                   "        verdict = verdict and beam_share <= limit\n",
                   "        verdict = verdict  # MUTATION: the beam-search figure is not checked\n"),),
             ("tests/test_precision.py",)),
    Mutation("direct-write", "files are written in place instead of temp file + rename (not atomic)",
             (Edit("translate/core/fsio.py",
                   "    mode = check_write_target(path, replace_read_only=replace_read_only)\n    try:\n        fd, tmp = tempfile.mkstemp(",
                   "    mode = check_write_target(path, replace_read_only=replace_read_only)\n"
                   "    path.write_bytes(data)  # MUTATION: not atomic\n    return\n"
                   "    try:\n        fd, tmp = tempfile.mkstemp("),),
             ("tests/test_robustness_faults.py", "tests/test_write_rule.py")),
)


class AnchorError(RuntimeError):
    """An anchor is gone or ambiguous: the mutation list no longer matches the sources."""


def anchor_problems(root: Path = ROOT) -> list[str]:
    """Every anchor must occur exactly once in its file, and each mutation's tests must exist."""
    problems = []
    for mutation in MUTATIONS:
        for edit in mutation.edits:
            path = root / edit.path
            if not path.is_file():
                problems.append(f"{mutation.name}: {edit.path} does not exist")
                continue
            count = path.read_text("utf-8").count(edit.old)
            if count != 1:
                problems.append(f"{mutation.name}: anchor found {count} times in {edit.path} (must be once): "
                                f"{edit.old.strip().splitlines()[0]!r}")
        for test in mutation.tests:
            if not (root / test.split("::")[0]).is_file():
                problems.append(f"{mutation.name}: test file {test} does not exist")
    names = [m.name for m in MUTATIONS]
    problems += [f"mutation name {n!r} used twice" for n in sorted({n for n in names if names.count(n) > 1})]
    return problems


def apply(root: Path, edits: tuple[Edit, ...]) -> dict[Path, str]:
    """Apply ``edits`` under ``root``; returns the original text of every file changed."""
    originals: dict[Path, str] = {}
    for edit in edits:
        path = root / edit.path
        text = path.read_text("utf-8")
        originals.setdefault(path, text)
        if text.count(edit.old) != 1:
            raise AnchorError(f"{edit.path}: anchor found {text.count(edit.old)} times, must be once: {edit.old!r}")
        path.write_text(text.replace(edit.old, edit.new), "utf-8")
    for path in originals:  # a mutation that does not even compile would be "caught" for nothing
        compile(path.read_text("utf-8"), str(path), "exec")
    return originals


def copy_tree(dest: Path) -> None:
    """The repository's files (tracked, and untracked ones git does not ignore) copied to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if not src.is_file():  # deleted in the working tree but still in the index
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


_FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.M)  # "FAILED node id - message"


@dataclass
class Outcome:
    status: str  # "caught", "NOT CAUGHT", "passes" (baseline), "broken" (pytest could not run)
    first_failure: str
    seconds: float
    output: str


def run_tests(root: Path, tests: tuple[str, ...], timeout: float) -> Outcome:
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    env.pop("UPDATE_GOLDEN", None)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-rfE", *tests]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or "") if isinstance(exc.stdout, str) else ""
        return Outcome("broken", f"timed out after {timeout:.0f} s", time.monotonic() - start, out)
    seconds = time.monotonic() - start
    output = done.stdout + done.stderr
    failed = _FAILED.search(output)
    if done.returncode == 0:
        return Outcome("passes", "", seconds, output)
    if done.returncode == 1 and failed:
        return Outcome("failed", failed.group(1), seconds, output)
    return Outcome("broken", f"pytest exit {done.returncode}", seconds, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutations and their tests, then stop")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this mutation (repeatable)")
    parser.add_argument("--check-anchors", action="store_true", help="only check that every anchor matches once")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run of the chosen tests")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per pytest run [900]")
    parser.add_argument("-v", "--verbose", action="store_true", help="print pytest's output of each run")
    args = parser.parse_args(argv)

    if args.list:
        for m in MUTATIONS:
            print(f"{m.name}\n    {m.what}\n    files: {', '.join(dict.fromkeys(e.path for e in m.edits))}"
                  f"\n    tests: {' '.join(m.tests)}")
        return 0
    problems = anchor_problems()
    if problems:
        print("Error: the mutations no longer match the sources (update scripts/mutation_check.py):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.check_anchors:
        print(f"{len(MUTATIONS)} mutations, every anchor found exactly once.")
        return 0
    chosen = list(MUTATIONS)
    if args.only:
        known = {m.name for m in MUTATIONS}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            print(f"Error: unknown mutation(s) {', '.join(unknown)}; --list shows them.", file=sys.stderr)
            return 2
        chosen = [m for m in MUTATIONS if m.name in args.only]

    rows: list[tuple[str, str, str, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="mutation-check-") as tmp:
        copy = Path(tmp) / "repo"
        copy_tree(copy)
        if not args.no_baseline:
            tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
            print(f"baseline: {len(tests)} test file(s) on the unmutated copy ...", flush=True)
            base = run_tests(copy, tests, args.timeout)
            if base.status != "passes":
                print(base.output[-4000:], file=sys.stderr)
                print(f"Error: the chosen tests do not pass without a mutation ({base.first_failure}); "
                      "fix that first.", file=sys.stderr)
                return 2
            print(f"baseline: passes ({base.seconds:.0f} s)", flush=True)
        for m in chosen:
            print(f"{m.name}: {m.what} ...", flush=True)
            originals = apply(copy, m.edits)
            try:
                outcome = run_tests(copy, m.tests, args.timeout)
            finally:
                for path, text in originals.items():
                    path.write_text(text, "utf-8")
            if args.verbose:
                print(outcome.output)
            status = {"failed": "caught", "passes": "NOT CAUGHT"}.get(outcome.status, "ERROR")
            if status == "ERROR":
                print(outcome.output[-4000:], file=sys.stderr)
            rows.append((m.name, " ".join(t.removeprefix("tests/") for t in m.tests), status,
                         outcome.first_failure, outcome.seconds))
            print(f"    {status} {outcome.first_failure} ({outcome.seconds:.0f} s)", flush=True)

    print()
    print("| mutation | tests run | result | first failing test | time |")
    print("|---|---|---|---|---|")
    for name, tests, status, first, seconds in rows:
        print(f"| {name} | {tests} | {status} | {f'`{first}`' if first else ''} | {seconds:.0f} s |")
    bad = [r for r in rows if r[2] != "caught"]
    if bad:
        print(f"\n{len(bad)} mutation(s) not caught: {', '.join(r[0] for r in bad)}", file=sys.stderr)
        return 1
    print(f"\nAll {len(rows)} mutation(s) caught.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
