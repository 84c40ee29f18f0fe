"""Local batch against Ray batch on the same articles on one machine: what Ray costs.

Run by hand (never in the test suite), from the repository root, with the extra `ray`:

    python bench/ray_batch.py                       # beam 4, 8 articles of 12 sentences
    python bench/ray_batch.py --beam 1 --articles 16

The model is the random-weight one with opus-mt-en-fr's exact architecture (bench/benchmodel.py),
every output fixed at ``--tokens`` target tokens, so each run does the same work. The same
articles go through ``run_batch`` (glossary locking on, the repository's glossary) three ways:

  local        the engine in this process, ``--threads`` torch threads (default 1)
  ray 1x{T}    one Ray worker with as many CPUs and threads: the same compute, plus Ray's round trips
  ray {C}x1    one worker per core, one torch thread each

One thread by default: on a machine shared with other jobs, torch's threads spin-wait on each
other and a 2-thread run can be many times slower than a 1-thread one, which would swamp the
comparison.

and a fourth, ``driver``, with an engine that answers at once: what the driver alone (ingest,
segmentation, memory, locking checks, pair-file writes) can sustain, in segments per second. That
figure is where a cluster stops scaling (docs/cluster.md). Each run starts from an empty workdir.
"""

from __future__ import annotations

import argparse
import os
import shutil
from contextlib import contextmanager
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def write_articles(folder: Path, articles: int, sentences: int, seed: int = 3) -> int:
    from benchmodel import news_sentences

    text = news_sentences(articles * sentences, seed=seed)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for a in range(articles):
        mine = text[a * sentences:(a + 1) * sentences]
        # A title, then paragraphs of three sentences; names the glossary locks, as news has them.
        body = "\n\n".join(" ".join(mine[i:i + 3]) for i in range(1, len(mine), 3))
        (folder / f"article-{a:03d}.txt").write_text(
            f"Putin and Biden meet in Geneva for talks number {a}\n\n{mine[0]} Putin said so in Geneva.\n\n{body}\n", "utf-8")
    return articles * sentences


class InstantEngine:
    """Answers at once (the source back): the driver's own cost, with no MT at all."""

    backend_name = "instant"
    supports_logits_processors = False
    is_test_model = True

    def __init__(self) -> None:
        from translate.mt.engine import EngineStats

        self.stats = EngineStats()
        self.on_batch = None
        self.should_stop = None

    def stamp(self) -> dict[str, str]:
        return {"model": "instant"}

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    @contextmanager
    def hooks(self, *, on_batch=None, should_stop=None):
        saved = self.on_batch, self.should_stop
        self.on_batch, self.should_stop = on_batch, should_stop
        try:
            yield
        finally:
            self.on_batch, self.should_stop = saved

    def translate(self, texts, *, logits_processors=None):
        from translate.mt.engine import Translation

        if self.on_batch is not None and texts:
            self.on_batch(len(texts))
        return [Translation(text=t, target_tokens=len(t.split())) for t in texts]


def timed_batch(label: str, engine, articles: Path, workdir: Path, glossary, start_seconds: float) -> dict:
    from translate.pipeline.batch import run_batch

    shutil.rmtree(workdir, ignore_errors=True)
    started = time.perf_counter()
    summary = run_batch([articles], engine, workdir, glossary=glossary)
    seconds = time.perf_counter() - started
    assert summary.exit_code == 0 and summary.done == summary.articles, summary
    return {"run": label, "start": start_seconds, "batch": seconds, "mt": summary.mt_seconds,
            "segments": summary.segments_mt, "tokens": summary.target_tokens}


def scaling_table(driver_rate: float, *, gpu_tokens: float = 17_000, tokens_per_segment: float = 35,
                  segments: float = 7.5e6, drivers: int = 1) -> str:
    """The paper scaling table of docs/cluster.md: MT capacity grows with GPUs, the driver's does not.

    Today the driver and the workers take turns per chunk (the driver prepares a chunk, the workers
    translate it, the driver writes it), so the run rate is 1 / (1/MT + 1/driver); with chunks
    overlapped it would be min(MT, driver)."""
    per_gpu = gpu_tokens / tokens_per_segment
    driver = driver_rate * drivers

    def took(rate: float) -> str:
        hours = segments / rate / 3600
        return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"

    lines = [f"| GPUs | MT capacity (seg/s) | run rate (seg/s) | {segments / 1e6:g} M segments | GPU busy | "
             "chunks overlapped (seg/s) | bound by |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for gpus in (1, 2, 4, 8, 16, 32, 64):
        mt = gpus * per_gpu
        serial = 1 / (1 / mt + 1 / driver)
        overlapped = min(mt, driver)
        lines.append(f"| {gpus} | {mt:,.0f} | {serial:,.0f} | {took(serial)} | {serial / mt:.0%} | "
                     f"{overlapped:,.0f} | {'MT' if mt < driver else 'driver'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "translate-bench")
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--sentences", type=int, default=12, help="sentences per article")
    parser.add_argument("--tokens", type=int, default=16, help="target tokens per sentence")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the local run and of the 1-worker Ray run")
    parser.add_argument("--driver-articles", type=int, default=200, help="articles for the driver-only run")
    parser.add_argument("--table", type=float, metavar="SEGMENTS_PER_S", default=None,
                        help="only print the scaling table for this driver rate (and --drivers)")
    parser.add_argument("--drivers", type=int, default=1, help="drivers (shards) for --table")
    args = parser.parse_args()
    if args.table:
        print(scaling_table(args.table, drivers=args.drivers))
        return

    from benchmodel import build_bench_model

    from translate.core.config import RayOptions
    from translate.glossary.entries import load_glossary
    from translate.mt.engine import EngineSettings, MarianEngine

    model_dir = args.work / "opus-mt-en-fr-random"
    if not (model_dir / "config.json").is_file():
        build_bench_model(model_dir)
    glossary = load_glossary(HERE.parent / "glossary")
    articles = args.work / "ray-articles"
    write_articles(articles, args.articles, args.sentences)
    cores = os.cpu_count() or 1
    settings = dict(beam_size=args.beam, min_new_tokens=args.tokens, max_new_tokens=args.tokens, threads=args.threads)
    rows = []

    started = time.perf_counter()
    local = MarianEngine.load(str(model_dir), device="cpu", settings=EngineSettings(**settings))
    rows.append(timed_batch("local", local, articles, args.work / "ray-w-local", glossary, time.perf_counter() - started))
    del local

    import ray

    from translate.pipeline.ray_batch import RayEngine

    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
    for workers, cpus in ((1, args.threads), (cores, 1)):
        started = time.perf_counter()
        engine = RayEngine.start(RayOptions(workers=workers, cpus_per_worker=cpus), backend="transformers",
                                 model=str(model_dir), device="cpu", settings=EngineSettings(**{**settings, "threads": cpus}))
        start = time.perf_counter() - started
        rows.append(timed_batch(f"ray {workers}x{cpus}", engine, articles, args.work / f"ray-w-{workers}", glossary, start))
        engine.close()
    ray.shutdown()

    driver_articles = args.work / "ray-driver-articles"
    write_articles(driver_articles, args.driver_articles, args.sentences, seed=5)
    rows.append(timed_batch("driver", InstantEngine(), driver_articles, args.work / "ray-w-driver", glossary, 0.0))

    print(f"\n{args.articles} articles x {args.sentences} sentences (+ title, + 1), beam {args.beam}, "
          f"{args.tokens} target tokens each, {cores} cores, local {args.threads} thread(s); glossary locking on\n")
    print("| run | engine start (s) | batch (s) | of which MT (s) | segments MT | target tokens/s | batch vs local |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = rows[0]["batch"]
    for row in rows:
        rate = row["tokens"] / row["batch"] if row["run"] != "driver" else 0
        versus = f"{(row['batch'] / base - 1) * 100:+.0f}%" if row["run"] != "driver" else ""
        rate_text = f"{rate:,.0f}" if rate else f"{row['segments'] / row['batch']:,.0f} segments/s (driver alone)"
        print(f"| {row['run']} | {row['start']:.1f} | {row['batch']:.1f} | {row['mt']:.1f} | {row['segments']:,} | "
              f"{rate_text} | {versus} |")
    driver = rows[-1]["segments"] / rows[-1]["batch"]
    print(f"\nScaling on paper (17,000 target tokens/s per H200 at beam 4, published; 35 tokens a segment; "
          f"driver {driver:,.0f} segments/s as measured):\n")
    print(scaling_table(driver))


if __name__ == "__main__":
    main()
