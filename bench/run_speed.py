"""The default `translate run` against the naive float32 loop, side by side in one process.

Run by hand (never in the test suite), from the repository root:

    python bench/run_speed.py                       # the seed article, glossary/ locked, beam 4
    python bench/run_speed.py ARTICLE... --rounds 3 --isa avx2 --naive-every 2
    python bench/run_speed.py --budgets 2048 4096 8192   # batch budgets side by side, a row each

What is compared, on the same segments of the same articles:

  naive   MarianMTModel.generate one segment at a time, float32, beam 4, each segment bounded by
          the same output limit our engine uses (random weights rarely stop on their own)
  run     what `translate run ARTICLE --model M` does with default settings (auto backend and
          precision, glossary locking on, QA of the drafts): translate.pipeline.workflow.run_articles on an engine
          from the CLI's own load_engine, into a fresh workspace each round (so nothing is
          reused); timed from the call to the written pair files, model load excluded

Speeds are target tokens per second, counted by the model side, never by re-tokenizing text:
the naive loop counts the tokens each ``generate`` call returned (padding, start and end tokens
left out); the run counts the tokens behind the drafts it delivered (each draft's
``target_tokens`` from the engine: for a segment that glossary locking re-decoded, the
re-decoded draft's, so the first, discarded draft is time spent and no tokens credited). The
engine's own total of generated tokens (``engine.stats``, what ``translate batch`` reports,
discarded drafts included) is printed beside it. Warm-up calls on both sides happen before the
timed rounds; rounds alternate naive and run so that both see the same machine load; the
medians are compared. ``--naive-every K`` times the naive loop on every K-th segment only (its
tokens per second do not depend on how many segments it does). ``--isa avx2`` caps the
libraries to AVX2 (an AVX2-only CPU, no bf16). The model defaults to the random-weight model
with opus-mt-en-fr's exact architecture (bench/benchmodel.py); the article defaults to a
141-segment stand-in for a long news article (bench/benchmodel.py:perf_article: the seed
article's body, glossary terms included, then the Wikinews and GOV.UK pages of
tests/data/realpages_dev.jsonl).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from mt_speed import AVX2_ENV, loadavg, machine_line  # noqa: E402


def worker(args) -> dict:
    import torch
    from transformers import MarianMTModel

    from translate.cli.options import load_engine, load_run_glossary
    from translate.core.config import load_settings
    from translate.formats.xliff import read_pair_file
    from translate.ingest.reader import ingest_file
    from translate.pipeline.workflow import run_articles

    from translate.qa.config import qa_config

    settings = load_settings(path=REPO / "translate.toml")
    qa = qa_config(settings.source)  # translate run checks the drafts too
    glossary_path, terms = load_run_glossary(settings, Path(args.glossary) if args.glossary else None)
    engine = load_engine(settings, args.model, "cpu", args.beam, None)
    naive_model = MarianMTModel.from_pretrained(args.model, dtype=torch.float32).eval()
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(args.model)
    special = set(tokenizer.all_special_ids)

    import translate.pipeline.workflow as workflow

    delivered = [0]
    locked = workflow.translate_locked

    def counting(*a, **k):  # the engine's token count of every draft the run delivers
        out = locked(*a, **k)
        delivered[0] += sum(t.target_tokens for t in out)
        return out

    workflow.translate_locked = counting

    sources = [seg.source for path in args.articles for seg in ingest_file(Path(path)).segments if seg.source.strip()]
    naive_sources = sources[:: args.naive_every]

    def naive_round() -> tuple[float, int, int]:
        produced = 0
        started = time.perf_counter()
        for text in naive_sources:
            ids = tokenizer([text], return_tensors="pt", truncation=True, max_length=engine.max_input_tokens)
            limit = engine.output_limit(ids["input_ids"].shape[1])
            with torch.inference_mode():
                out = naive_model.generate(**ids, num_beams=args.beam, do_sample=False, max_new_tokens=limit)
            produced += sum(1 for t in out[0].tolist() if t not in special)
        return time.perf_counter() - started, produced, produced

    def run_round() -> tuple[float, int, int]:
        work = Path(tempfile.mkdtemp(prefix="run-speed-"))
        try:
            delivered[0] = 0
            generated = engine.stats.target_tokens
            started = time.perf_counter()
            outcome = run_articles([Path(p) for p in args.articles], engine, work, glossary=terms,
                                   memory=work / "memory.sqlite", qa=qa)
            seconds = time.perf_counter() - started
            if getattr(outcome, "failed", None):
                raise SystemExit(f"the run failed: {outcome.failed}")
            generated = engine.stats.target_tokens - generated
            if terms is None:
                delivered[0] = generated
            drafts = sum(1 for pair in work.glob("*.xlf") for seg in read_pair_file(pair)[0].segments if seg.mt)
            if drafts != len(sources):
                raise SystemExit(f"the run delivered {drafts} drafts for {len(sources)} segments")
            return seconds, delivered[0], generated
        finally:
            shutil.rmtree(work, ignore_errors=True)

    with torch.inference_mode():  # warm-up, outside the timed rounds
        naive_model.generate(**tokenizer(naive_sources[:1], return_tensors="pt"), num_beams=args.beam, max_new_tokens=4)
    engine.translate(sources[:2])
    if engine.supports_logits_processors:  # the constrained path's generate too
        engine.translate(sources[:2], logits_processors=lambda texts, beams: [])
    default_budget = engine.max_batch_tokens
    budgets = args.budgets or [default_budget]
    runs = [("run" if budget == default_budget else f"run-{budget}", budget) for budget in budgets]
    rounds: dict[str, list] = {"naive": [], **{name: [] for name, _ in runs}}
    for _ in range(args.rounds):
        for name, budget in [("naive", None), *runs]:
            if budget is not None:
                engine.max_batch_tokens = budget  # the token budget its batches are built under
            seconds, produced, generated = naive_round() if budget is None else run_round()
            rounds[name].append({"seconds": seconds, "tokens": produced, "generated": generated, "load": loadavg()})
            print(f"  {name}: {produced / seconds:.1f} tok/s ({produced} tokens, {seconds:.1f} s; load {loadavg()})",
                  file=sys.stderr, flush=True)
    engine.max_batch_tokens = default_budget
    return {"rounds": rounds, "budgets": dict(runs), "default_budget": default_budget,
            "segments": len(sources), "naive_segments": len(naive_sources),
            "backend": engine.backend_name, "precision": engine.precision_name,
            "why": list(engine.backend_reasons) + list(engine.precision_reasons),
            "glossary": str(glossary_path), "glossary_entries": len(terms) if terms is not None else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="*", help="articles to translate [the 141-segment stand-in, see above]")
    parser.add_argument("--model", default=None, help="Marian model folder [the opus-mt-en-fr-shaped random model]")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "translate-bench")
    parser.add_argument("--glossary", default=str(REPO / "glossary"))
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-every", type=int, default=1)
    parser.add_argument("--isa", choices=["native", "avx2"], default="native")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads for both sides [the library default: one per core]; 1 on a machine "
                             "shared with other jobs, where threads spin waiting for each other")
    parser.add_argument("--budgets", type=int, nargs="+", default=None, metavar="TOKENS",
                        help="batch budgets (padded source tokens x beams) to run side by side, each its own row "
                             "[the engine's default only]: what `--max-batch-tokens` / max_batch_tokens should be here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args)))
        return 0
    if args.model is None:
        from benchmodel import build_bench_model

        args.model = str(build_bench_model(args.work / "opus-mt-en-fr-random"))
    if not args.articles:
        from benchmodel import perf_article

        args.articles = [str(perf_article(args.work / "perf-article.txt"))]
    env = dict(os.environ, **(AVX2_ENV if args.isa == "avx2" else {}))
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    before = loadavg()
    command = [sys.executable, str(Path(__file__)), *args.articles, "--worker", "--model", args.model,
               "--glossary", args.glossary, "--beam", str(args.beam), "--rounds", str(args.rounds),
               "--naive-every", str(args.naive_every), *(["--budgets", *map(str, args.budgets)] if args.budgets else [])]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print("the measurement failed (see above)", file=sys.stderr)
        return 1
    result = json.loads(lines[-1][len("RESULT "):])
    naive = result["rounds"]["naive"]
    rate = lambda rows: statistics.median(r["tokens"] / r["seconds"] for r in rows)  # noqa: E731
    generated = lambda rows: statistics.median(r["generated"] / r["seconds"] for r in rows)  # noqa: E731
    print(f"# translate run vs the naive float32 loop: {machine_line()}; isa {args.isa}; beam {args.beam}; "
          f"median of {args.rounds} alternating rounds; threads {args.threads or 'default'}\n")
    print(f"articles: {', '.join(Path(a).name for a in args.articles)} ({result['segments']} segments; naive timed on "
          f"{result['naive_segments']}); glossary {result['glossary']} ({result['glossary_entries']} entries), locking on\n")
    print("| path | backend | precision | batch budget | target tokens (last round) | seconds (median) | tokens/s (median) | × naive |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| naive loop | transformers | float32 | – | {naive[-1]['tokens']:,} | "
          f"{statistics.median(r['seconds'] for r in naive):.1f} | {rate(naive):,.1f} | 1.0× |")
    for name, budget in result["budgets"].items():
        run = result["rounds"][name]
        label = "translate run (default)" if name == "run" else f"translate run, budget {budget:,}"
        print(f"| {label} | {result['backend']} | {result['precision']} | {budget:,} | {run[-1]['tokens']:,} | "
              f"{statistics.median(r['seconds'] for r in run):.1f} | {rate(run):,.1f} | {rate(run) / rate(naive):.1f}× |")
    for name, budget in result["budgets"].items():
        run = result["rounds"][name]
        ratios = [(b["tokens"] / b["seconds"]) / (a["tokens"] / a["seconds"]) for a, b in zip(naive, run)]
        print(f"\nbudget {budget:,}: counting every token the engine generated (discarded drafts of re-decoded "
              f"segments included: {run[-1]['generated']:,}) it is {generated(run):,.1f} tokens/s, "
              f"{generated(run) / rate(naive):.1f}× naive; per-round ratios: {', '.join(f'{x:.1f}×' for x in ratios)}")
    print(f"default choice: {'; '.join(result['why'])}")
    print(f"load average (1, 5, 15 min) before: {before}; after: {loadavg()}; "
          f"per round: {', '.join(r['load'].split()[0] for name in result['rounds'] for r in result['rounds'][name])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
