"""Term locking: which path each glossary hit took, term accuracy, and the cost of locking.

    python bench/lock_paths.py [--model PATH_OR_ID] [--beam-size N] [ARTICLE ...]

Defaults: the random-weight test model (built into a temporary folder), beam size 1, the glossary
test corpus (tests/data/glossary-corpus) and the seed article, each with its glossary. Prints per
article the hits by path (natural, placeholder, forced, repaired), the exact-match term accuracy
of the drafts (WMT terminology definition) and the time against plain MT of the same segments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.mt.engine import EngineSettings, MarianEngine  # noqa: E402
from translate.glossary.entries import load_glossary, missing_forms  # noqa: E402
from translate.ingest.reader import ingest_file  # noqa: E402
from translate.mt.termlock import METHODS, LockStats, translate_locked  # noqa: E402

CORPUS = REPO / "tests" / "data" / "glossary-corpus"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if args.model is None:
        from translate.mt.testmodel import build_test_model

        args.model = str(build_test_model(Path(tempfile.mkdtemp()) / "tiny-marian"))
    engine = MarianEngine.load(args.model, device=args.device, settings=EngineSettings(beam_size=args.beam_size))
    jobs = [(a, load_glossary(CORPUS / "glossary.tsv")) for a in args.articles] or (
        [(p, load_glossary(CORPUS / "glossary.tsv")) for p in sorted((CORPUS / "en").iterdir())]
        + [(REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt", load_glossary(REPO / "glossary"))])
    total = LockStats()
    correct = terms = 0
    plain_s = locked_s = 0.0
    print(f"model {engine.model_id} (test model: {engine.is_test_model}), beam {args.beam_size}, {engine.device}")
    print(f"{'article':34} {'hits':>5} " + " ".join(f"{m:>11}" for m in METHODS) + f" {'accuracy':>9}")
    for path, glossary in jobs:
        texts = [seg.source for seg in ingest_file(path).segments]
        started = time.perf_counter()
        engine.translate(texts)
        plain_s += time.perf_counter() - started
        stats = LockStats()
        started = time.perf_counter()
        out = translate_locked(engine, texts, glossary, stats)
        locked_s += time.perf_counter() - started
        hits = [glossary.find(t) for t in texts]
        ok = sum(len(h) - len(missing_forms(tr.text, h)) for h, tr in zip(hits, out))
        n = sum(len(h) for h in hits)
        correct, terms = correct + ok, terms + n
        total.add(stats)
        print(f"{path.name:34} {n:5} " + " ".join(f"{stats.terms.get(m, 0):11}" for m in METHODS) + f" {ok / max(1, n):9.1%}")
    n = sum(total.terms.values())
    print(f"{'total':34} {n:5} " + " ".join(f"{total.terms.get(m, 0):11}" for m in METHODS) + f" {correct / max(1, terms):9.1%}")
    print("share of hits: " + ", ".join(f"{m} {total.terms.get(m, 0) / max(1, n):.0%}" for m in METHODS))
    print("segments by path: " + ", ".join(f"{m} {total.segment_paths.get(m, 0)}" for m in METHODS)
          + f" (of {total.segments_with_terms} with terms, {total.segments} in all)")
    print(f"time: plain MT {plain_s:.1f} s, locked {locked_s:.1f} s, ratio {locked_s / max(1e-9, plain_s):.2f}x")


if __name__ == "__main__":
    main()
