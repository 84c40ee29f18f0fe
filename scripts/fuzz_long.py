#!/usr/bin/env python3
"""The long fuzz run, outside the test suite: every parser target, many random inputs.

Same targets and input strategies as the suite (tests/robustness_targets.py), but random seeds,
many examples, a hang watchdog and a memory ceiling:

* a result, or one of our TranslateError types naming the file: fine;
* any other exception: a defect (shrunk by hypothesis, the input saved under --findings);
* an input that takes longer than --timeout seconds: a hang (input saved);
* an allocation above --memory-mb (the address-space limit of this process): a memory blow-up.

    python scripts/fuzz_long.py --seconds 20                 # every target, 20 s each
    python scripts/fuzz_long.py --target "TMX import" --seconds 600
    python scripts/fuzz_long.py --list

Prints a table (inputs per target, slowest input, findings) and writes it as JSON (--report).
Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


class Hang(Exception):
    """An input ran longer than the watchdog allows."""


def _alarm(signum, frame):
    raise Hang("the input ran past the watchdog")


def fuzz_target(target, seconds: float, timeout: float, findings: Path, chunk: int) -> dict:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    from robustness_targets import check_input

    stats = {"target": target.name, "inputs": 0, "refused": 0, "accepted": 0, "slowest_s": 0.0,
             "findings": [], "seconds": 0.0}
    started = time.monotonic()
    failing: list[bytes] = []
    round_no = 0
    while time.monotonic() - started < seconds:
        round_no += 1

        @hseed(int.from_bytes(os.urandom(4), "big"))
        @settings(max_examples=chunk, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(target.strategy())
        def run(data: bytes) -> None:
            from translate.core.errors import TranslateError

            stats["inputs"] += 1
            t0 = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                with tempfile.TemporaryDirectory() as folder:
                    result = check_input(target, data, Path(folder))
            except BaseException:
                failing.append(data)
                raise
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                stats["slowest_s"] = max(stats["slowest_s"], time.monotonic() - t0)
            stats["refused" if isinstance(result, TranslateError) else "accepted"] += 1

        try:
            run()
        except Exception as exc:  # a defect: hypothesis already shrank it; the last failing input is the minimal one
            data = failing[-1] if failing else b""
            digest = hashlib.sha256(data).hexdigest()[:16]
            folder = findings / target.name.replace(" ", "_").replace("/", "_").replace(":", "")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{digest}.bin").write_bytes(data)
            kind = "hang" if isinstance(exc, Hang) else "memory" if isinstance(exc, MemoryError) else "crash"
            stats["findings"].append({"kind": kind, "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                                      "input": str(folder / f"{digest}.bin"), "size": len(data)})
            if len(stats["findings"]) >= 3 or any(f["error"] == stats["findings"][-1]["error"]
                                                   for f in stats["findings"][:-1]):
                break  # the same defect again: fix it before looking further
        failing.clear()
    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["slowest_s"] = round(stats["slowest_s"], 3)
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="time per target [30]")
    parser.add_argument("--target", action="append", help="run only this target (repeatable); see --list")
    parser.add_argument("--timeout", type=float, default=20, help="seconds one input may take before it counts as a hang [20]")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space ceiling for this process [2048]")
    parser.add_argument("--chunk", type=int, default=200, help="examples per hypothesis round [200]")
    parser.add_argument("--findings", type=Path, default=Path("fuzz-findings"), help="where failing inputs go")
    parser.add_argument("--report", type=Path, default=None, help="write the figures as JSON here")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args()

    from robustness_targets import TARGETS

    if args.list:
        for t in TARGETS:
            print(f"{t.name:45} {t.available() or 'available'}")
        return 0
    chosen = [t for t in TARGETS if not args.target or t.name in args.target]
    # Imports that allocate a lot once (lxml, xmlschema, the schemas) happen before the ceiling.
    for t in chosen:
        if not t.available():
            t.seed()
    resource.setrlimit(resource.RLIMIT_AS, (args.memory_mb * 1024 * 1024, resource.RLIM_INFINITY))
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for target in chosen:
        missing = target.available()
        if missing:
            results.append({"target": target.name, "skipped": missing})
            print(f"{target.name:45} skipped: {missing}", flush=True)
            continue
        stats = fuzz_target(target, args.seconds, args.timeout, args.findings, args.chunk)
        results.append(stats)
        found = "; ".join(f"{f['kind']}: {f['error']} ({f['input']})" for f in stats["findings"]) or "none"
        print(f"{target.name:45} {stats['inputs']:7,} inputs ({stats['refused']:,} refused with our error, "
              f"{stats['accepted']:,} accepted) in {stats['seconds']:.0f} s; slowest {stats['slowest_s']:.2f} s; "
              f"findings: {found}", flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = sum(r.get("inputs", 0) for r in results)
    bad = sum(len(r.get("findings", [])) for r in results)
    print(f"total: {total:,} inputs over {sum(1 for r in results if 'inputs' in r)} targets; "
          f"{bad} finding(s); peak RSS {peak_mb:.0f} MiB (ceiling {args.memory_mb} MiB)")
    if args.report:
        args.report.write_text(json.dumps({"targets": results, "total_inputs": total, "findings": bad,
                                           "peak_rss_mib": round(peak_mb), "seconds_per_target": args.seconds,
                                           "timeout_s": args.timeout, "memory_mb": args.memory_mb}, indent=2) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
