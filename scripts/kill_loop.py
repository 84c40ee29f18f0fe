#!/usr/bin/env python3
"""kill -9 at random points of `translate batch` and `translate run`, many times, then check.

A local workload only (no network, no servers): articles made from the sample article, the
random-weight test model (`translate model test-build`), a workspace in a temporary folder.
Each round:

1. some articles change (a sentence added or edited) so the command has MT and writing to do;
2. `translate batch` or `translate run` starts, and is killed with SIGKILL after a random delay
   drawn over the whole length of an uninterrupted run (model loading, MT, writing);
3. checks: every pair file is byte for byte the previous version or a new one that parses and
   is schema-valid XLIFF 2.1 (translate.formats.schemas.validate_xliff21); no pair file disappeared; every
   post-edit made so far is still there (target and state; or, where its English sentence
   changed since, in the history of a segment still there); the memory database passes
   PRAGMA integrity_check and opens;
4. sometimes a translator post-edits a pair file (targets changed, state reviewed/final, subState
   dropped, as a CAT tool saves it), which later rounds must never lose.

Then concurrency rounds: two commands at once over the same corpus (batch+batch, run+run), and
a `pair import` or `review approve` while a run works: the article locks serialise them or one
refuses cleanly (exit non-zero, an `Error:` line naming the lock, no traceback), and no update
is lost. Finally an uninterrupted re-run must finish the work: every article has a complete,
valid pair file with every post-edit in it.

    python scripts/kill_loop.py --rounds 40            # about 4-6 minutes on 2 cores
    python scripts/kill_loop.py --rounds 200 --report kill.json --keep

Exit status 1 if any check failed. Figures go to stdout and, with --report, to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED_ARTICLE = ROOT / "corpus" / "en" / "putin-biden-geneva-summit.txt"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
       "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


def translate_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "translate.cli", *args]


def has_command(name: str) -> bool:
    return subprocess.run(translate_cmd(name, "--help"), cwd=ROOT, env=ENV, capture_output=True).returncode == 0


class Workload:
    def __init__(self, base: Path, articles: int, rng: random.Random) -> None:
        self.base, self.rng = base, rng
        self.corpus = base / "en"
        self.work = base / "work"
        self.model = base / "model"
        self.corpus.mkdir(parents=True)
        self.work.mkdir()
        paragraphs = [p for p in SEED_ARTICLE.read_text("utf-8").split("\n\n") if len(p) > 120]
        self.paths = []
        for i in range(articles):
            chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(2, 4)))
            text = f"Article number {i} opens with its own sentence.\n\n" + "\n\n".join(chosen) + "\n"
            path = self.corpus / f"article-{i:02d}.txt"
            path.write_text(text, "utf-8")
            self.paths.append(path)
        self.edits: dict[tuple[str, str], tuple[str, str]] = {}  # (slug, segment id) -> (target, state)
        self.changes = 0

    def change_sources(self, keep: str | None = None) -> None:
        """Give the next command work: new or edited sentences in a few articles (not ``keep``)."""
        pool = [p for p in self.paths if p.stem != keep]
        for path in self.rng.sample(pool, k=max(1, len(pool) // 3)):
            text = path.read_text("utf-8")
            self.changes += 1
            if self.rng.random() < 0.6:
                text += f"\nA later update, number {self.changes}, adds one more sentence to the story.\n"
            else:
                text = text.replace("Article number", f"Revised ({self.changes}) article number", 1)
            path.write_text(text, "utf-8")

    def post_edit(self) -> int:
        """A translator edits a pair file as a CAT tool would; remembered for every later check."""
        from translate.formats.xliff import read_pair_file, write_pair_file

        pairs = sorted(self.work.glob("*.xlf"))
        if not pairs:
            return 0
        pair = self.rng.choice(pairs)
        article, stamp = read_pair_file(pair)
        segs = [s for s in article.segments if s.target is not None]
        done = 0
        for seg in self.rng.sample(segs, k=min(len(segs), 3)):
            seg.target = f"Post-édition {len(self.edits) + 1} : {seg.source[:30]}"
            seg.state = self.rng.choice(["reviewed", "final"])
            seg.origin = "human"
            self.edits[(article.slug, seg.id)] = (seg.target, seg.state)
            done += 1
        write_pair_file(pair, article, stamp)
        return done


def snapshot(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in work.glob("*.xlf")}


def check(load: Workload, before: dict[str, bytes]) -> tuple[list[str], dict[str, int]]:
    """The invariants after a kill; returns problems and counts (old / new files, temp files)."""
    from translate.formats.schemas import validate_xliff21
    from translate.formats.xliff import xliff_to_article
    from translate.core.xmlsafe import parse_xml

    problems: list[str] = []
    counts = {"old": 0, "new": 0, "temp_files": 0}
    now = snapshot(load.work)
    for name in before:
        if name not in now:
            problems.append(f"{name}: the pair file disappeared")
    articles = {}
    for name, data in now.items():
        try:
            root = parse_xml(data, name)
            invalid = validate_xliff21(root)
            article, _ = xliff_to_article(root, name)
        except Exception as exc:  # noqa: BLE001 - any failure here is what we are looking for
            problems.append(f"{name}: does not parse ({exc})")
            continue
        if invalid:
            problems.append(f"{name}: not schema-valid: {invalid[:2]}")
        if before.get(name) == data:
            counts["old"] += 1
        else:
            counts["new"] += 1
        articles[article.slug] = article
    for (slug, seg_id), (target, state) in load.edits.items():
        article = articles.get(slug)
        seg = next((s for s in article.segments if s.id == seg_id), None) if article else None
        if seg is None:
            # The source sentence may have been edited since: its human text must survive in the
            # history of a segment still there (translate/pipeline/history.py).
            kept = article and any(c.target == target for s in article.segments for c in s.history)
            if not kept:
                problems.append(f"{slug}/{seg_id}: post-edit lost (segment gone and no history entry keeps it)")
        elif seg.target != target or seg.state != state:
            problems.append(f"{slug}/{seg_id}: post-edit lost: {seg.target!r} ({seg.state}), expected {target!r} ({state})")
    counts["temp_files"] = sum(1 for p in load.work.iterdir() if p.name.endswith(".tmp"))
    memory = load.work / "memory.sqlite"
    if memory.exists():
        try:
            conn = sqlite3.connect(memory, timeout=10)
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.execute("SELECT count(*) FROM units").fetchone()
            conn.close()
            if result != "ok":
                problems.append(f"memory.sqlite: integrity_check says {result}")
        except sqlite3.Error as exc:
            problems.append(f"memory.sqlite: {exc}")
    return problems, counts


def command_for(load: Workload, kind: str) -> list[str]:
    common = ["--model", str(load.model), "--beam-size", "1", "--workdir", str(load.work)]
    if kind == "batch":
        return translate_cmd("batch", str(load.corpus), *common)
    chosen = load.rng.sample(load.paths, k=load.rng.randint(1, len(load.paths)))
    return translate_cmd("run", *common, *map(str, chosen))


def start(cmd: list[str], log) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=load_cwd, env=ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_locked(lock_file: Path, proc: subprocess.Popen, timeout: float) -> bool:
    """True once another process holds ``lock_file`` (an flock probe that fails), False if
    ``proc`` ends or time runs out first. The probe holds the lock for microseconds at most."""
    import fcntl

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            fd = os.open(lock_file, os.O_RDWR)
        except FileNotFoundError:
            time.sleep(0.02)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        time.sleep(0.02)
    return False


def clean_refusal(output: str) -> bool:
    # `batch` reports each article it could not take as a "Failed: <file>: <reason>" line (its
    # summary's format) rather than one "Error:" line; both are clean refusals.
    return "Traceback" not in output and ("Error:" in output or "\nFailed: " in "\n" + output)


def main() -> int:
    global load_cwd
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40, help="kill rounds [40]")
    parser.add_argument("--articles", type=int, default=6, help="articles in the workload [6]")
    parser.add_argument("--concurrent", type=int, default=8, help="concurrency rounds [8]")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed; reuse it to replay)")
    parser.add_argument("--report", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the workload folder")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    base = Path(tempfile.mkdtemp(prefix="translate-kill-loop-"))
    load_cwd = base
    print(f"workload in {base}; seed {seed}", flush=True)
    load = Workload(base, args.articles, rng)
    subprocess.run(translate_cmd("model", "test-build", str(load.model)), cwd=ROOT, env=ENV, check=True,
                   capture_output=True)
    kinds = ["batch", "run"] if has_command("batch") else ["run"]
    logs = base / "logs"
    logs.mkdir()

    # Calibrate: one uninterrupted run of each kind gives the span the kill points are drawn from.
    spans = {}
    for kind in kinds:
        load.change_sources()
        t0 = time.monotonic()
        done = subprocess.run(command_for(load, "batch") if kind == "batch" else
                              translate_cmd("run", "--model", str(load.model), "--beam-size", "1",
                                            "--workdir", str(load.work), *map(str, load.paths)),
                              cwd=base, env=ENV, capture_output=True, text=True)
        spans[kind] = time.monotonic() - t0
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:])
            raise SystemExit(f"the uninterrupted {kind} failed; fix that first")
    print("uninterrupted: " + ", ".join(f"{k} {v:.1f} s" for k, v in spans.items()), flush=True)

    figures = {"seed": seed, "rounds": 0, "killed": 0, "finished_before_kill": 0, "by_command": {k: 0 for k in kinds},
               "kill_delay_s": [], "old_files_seen": 0, "new_files_seen": 0, "temp_files_left_max": 0,
               "post_edits": 0, "problems": [], "concurrent": [], "spans_s": spans}
    for round_no in range(1, args.rounds + 1):
        load.change_sources()
        if rng.random() < 0.5:
            figures["post_edits"] += load.post_edit()
        before = snapshot(load.work)
        kind = rng.choice(kinds)
        delay = rng.uniform(0.0, spans[kind] * 1.05)
        with open(logs / f"round-{round_no:03d}.log", "w") as log:
            proc = start(command_for(load, kind), log)
            try:
                proc.wait(timeout=delay)
                finished = True
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                finished = False
        figures["rounds"] += 1
        figures["by_command"][kind] += 1
        figures["killed" if not finished else "finished_before_kill"] += 1
        figures["kill_delay_s"].append(round(delay, 2))
        problems, counts = check(load, before)
        figures["old_files_seen"] += counts["old"]
        figures["new_files_seen"] += counts["new"]
        figures["temp_files_left_max"] = max(figures["temp_files_left_max"], counts["temp_files"])
        for p in problems:
            figures["problems"].append(f"round {round_no} ({kind}, killed at {delay:.2f} s): {p}")
        status = "finished" if finished else f"killed at {delay:5.2f} s"
        print(f"round {round_no:3d}: {kind:5} {status}; pair files old {counts['old']}, new {counts['new']}; "
              f"temp files {counts['temp_files']}; post-edits tracked {len(load.edits)}; "
              f"{'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems[:3])}", flush=True)

    # Concurrency: two writers at once over the same corpus.
    common = ["--model", str(load.model), "--beam-size", "1", "--workdir", str(load.work)]
    scenarios = [("batch", "batch"), ("run", "run"), ("run", "pair import"), ("run", "review approve")]
    scenarios = [s for s in scenarios if "batch" not in s or "batch" in kinds]
    for i in range(args.concurrent):
        first, second = scenarios[i % len(scenarios)]
        target = rng.choice(sorted(load.work.glob("*.xlf")))
        slug = target.stem
        # The others change (MT to do, the run holds every article meanwhile); the imported
        # article's English stays as the translator's copy has it.
        load.change_sources(keep=slug)
        before = snapshot(load.work)
        edited = None

        def cmd(kind: str) -> list[str]:
            nonlocal edited
            if kind == "batch":
                return translate_cmd("batch", str(load.corpus), *common)
            if kind == "run":
                return translate_cmd("run", *common, *map(str, load.paths))
            if kind == "pair import":
                from lxml import etree

                from translate.formats.xliff import XLIFF, read_pair_file

                article, _ = read_pair_file(target)
                seg = rng.choice([s for s in article.segments if s.target is not None])
                edited = (slug, seg.id, f"Import concurrent {i}", "reviewed")
                incoming = base / f"incoming-{i}.xlf"
                # Edited as a CAT tool saves it: the target and state change, the segment's
                # recorded revision (what the import checks it was based on) stays.
                tree = etree.parse(str(target))
                for el in tree.getroot().iter(f"{{{XLIFF}}}segment"):
                    if el.get("id") == seg.id:
                        el.find(f"{{{XLIFF}}}target").text = edited[2]
                        el.set("state", edited[3])
                        el.attrib.pop("subState", None)
                tree.write(str(incoming), xml_declaration=True, encoding="UTF-8")
                return translate_cmd("pair", "import", str(incoming), "--workdir", str(load.work), "--by", "kill-loop")
            return translate_cmd("review", "approve", slug, "--workdir", str(load.work), "--by", "kill-loop")

        with open(logs / f"concurrent-{i}-a.log", "w+") as log_a, open(logs / f"concurrent-{i}-b.log", "w+") as log_b:
            a = start(cmd(first), log_a)
            if second in ("pair import", "review approve"):
                # Start it while the run holds the article: the lock is the thing under test.
                held = wait_until_locked(load.work / f".{slug}.lock", a, timeout=spans.get(first, 30) * 2)
                outcome_note = "while the run held the article" if held else "after the run (it never held the lock long enough)"
            else:
                time.sleep(rng.uniform(0.0, 1.5))  # both load the model, then race for the articles
                outcome_note = "started together"
            b = start(cmd(second), log_b)
            rc_a, rc_b = a.wait(timeout=600), b.wait(timeout=600)
            log_a.seek(0)
            log_b.seek(0)
            out_a, out_b = log_a.read(), log_b.read()
        outcome = {"scenario": f"{first} + {second}", "first_rc": rc_a, "second_rc": rc_b, "timing": outcome_note}
        problems = []
        for rc, out, kind in ((rc_a, out_a, first), (rc_b, out_b, second)):
            if rc != 0 and not clean_refusal(out):
                problems.append(f"{kind}: exit {rc} without a clean message: {out[-300:]!r}")
            if rc != 0 and "lock" not in out.lower() and "another translate process" not in out.lower():
                problems.append(f"{kind}: failed for another reason than the lock: {out[-300:]!r}")
        outcome["refused"] = [k for rc, k in ((rc_a, first), (rc_b, second)) if rc != 0]
        if edited and rc_b == 0:
            load.edits[(edited[0], edited[1])] = (edited[2], edited[3])  # accepted: must never be lost
        if second == "review approve" and rc_b == 0:
            from translate.formats.xliff import read_pair_file

            article, _ = read_pair_file(target)
            for s in article.segments:
                if (slug, s.id) in load.edits:
                    load.edits[(slug, s.id)] = (s.target, s.state)
        found, _ = check(load, before)
        problems += found
        outcome["problems"] = problems
        figures["concurrent"].append(outcome)
        for p in problems:
            figures["problems"].append(f"concurrent {first} + {second}: {p}")
        print(f"concurrent {i + 1}: {first} + {second} ({outcome_note}): exits {rc_a}/{rc_b}; "
              f"refused: {outcome['refused'] or 'none'}; "
              f"{'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems[:2])}", flush=True)

    # The re-run finishes the work.
    final = subprocess.run(translate_cmd("run", *common, *map(str, load.paths)), cwd=base, env=ENV,
                           capture_output=True, text=True)
    problems, counts = check(load, snapshot(load.work))
    from translate.formats.xliff import read_pair_file

    incomplete = []
    for path in load.paths:
        pair = load.work / f"{path.stem}.xlf"
        if not pair.exists():
            incomplete.append(f"{pair.name}: missing")
            continue
        article, _ = read_pair_file(pair)
        missing = [s.id for s in article.segments if s.target is None]
        if missing:
            incomplete.append(f"{pair.name}: {len(missing)} segments without a target")
    if final.returncode != 0:
        problems.append(f"the final re-run failed (exit {final.returncode}): {final.stderr[-500:]}")
    problems += incomplete
    figures["problems"] += [f"final re-run: {p}" for p in problems]
    figures["final_rerun_ok"] = final.returncode == 0 and not problems
    figures["post_edits_tracked"] = len(load.edits)
    figures["articles"] = len(load.paths)
    delays = figures.pop("kill_delay_s")
    figures["kill_delay_range_s"] = [min(delays), max(delays)] if delays else []
    print(f"final re-run: exit {final.returncode}; {len(load.paths)} articles complete: {not incomplete}; "
          f"{'OK' if not problems else 'PROBLEMS: ' + '; '.join(problems[:3])}")
    print(f"\n{figures['rounds']} rounds ({', '.join(f'{k} {v}' for k, v in figures['by_command'].items())}): "
          f"{figures['killed']} killed mid-run, {figures['finished_before_kill']} finished first; "
          f"pair files seen old {figures['old_files_seen']} / new {figures['new_files_seen']}, all valid: "
          f"{not any('parse' in p or 'valid' in p for p in figures['problems'])}; "
          f"{figures['post_edits_tracked']} post-edits tracked, lost: "
          f"{sum(1 for p in figures['problems'] if 'lost' in p)}; "
          f"{len(figures['concurrent'])} concurrent scenarios; problems: {len(figures['problems'])}")
    if args.report:
        args.report.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    else:
        print(f"kept {base}")
    return 1 if figures["problems"] else 0


load_cwd: Path = ROOT

if __name__ == "__main__":
    sys.exit(main())
