"""MT speed, side by side: the naive loop, our engine in each precision, and every backend we ship.

Run by hand (never in the test suite), from the repository root:

    python bench/mt_speed.py                  # beam 4 and greedy, every row, medians of 3 rounds
    python bench/mt_speed.py --isa avx2       # the same with the libraries capped to AVX2: an
                                              # AVX2-only CPU (no AVX-512, no native bf16) emulated
    python bench/mt_speed.py --beams 4 --profile engine   # and where the time goes (cProfile)

The model is random-weight with the exact architecture of Helsinki-NLP/opus-mt-en-fr (see
bench/benchmodel.py), so the compute per token is the real model's. Random weights never stop
on their own, so every row produces exactly ``--tokens`` target tokens per sentence
(transformers: min/max new tokens; CTranslate2: min/max decoding length); the counts are checked
against what was asked (a row that misses them fails), and speeds are target tokens per second.
Each row runs in its own process (peak memory is its own, model included): load, one warm-up
call outside the timed set, then ``--rounds`` timed rounds over the same sentences; the table
gives the median. Every row of a table has the same beam. The machine's CPU flags and load
(/proc/loadavg before and after) are printed with the table: on a shared machine compare rows
of one run only.

Rows:
  naive         MarianMTModel.generate one sentence at a time, float32 (what a naive script does)
  naive-int8    the same loop on the dynamic-int8 model (the baseline in int8's own precision)
  naive-bf16    the same loop in bfloat16 (only where the CPU computes bf16 natively)
  engine-fp32   our engine (translate.mt.engine.MarianEngine): length-sorted token-budget batches, float32
  engine-int8   our engine, dynamic int8 (torch.ao.quantization.quantize_dynamic of the linear layers)
  engine-bf16   our engine, bfloat16 (only where native)
  engine        our engine as configured by default (--dtype auto: see translate/mt/precision.py)
  engine-int8-hfcache  engine-int8 with transformers' own beam-search cache and cross-attention
                (TRANSLATE_BEAM_CACHE=0; only when named in --engines): what translate/mt/beamcache.py gains
  ct2-direct    ctranslate2.Translator used directly: sentencepiece in, translate_batch over the
                same length-sorted batches our pipeline makes, sentencepiece out
  ct2-ours      the same converted model through our pipeline (--backend ctranslate2)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

ENGINES = ("naive", "naive-int8", "naive-bf16", "engine-fp32", "engine-int8", "engine-bf16", "engine",
           "ct2-direct", "ct2-ours", "engine-int8-hfcache")
OPTIONAL = ("engine-int8-hfcache",)  # rows run only when named in --engines
# What --isa avx2 sets for each row's process: every library our rows use, capped to AVX2.
AVX2_ENV = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2",
            "FBGEMM_ENABLE_INSTRUCTIONS": "AVX2", "CT2_FORCE_CPU_ISA": "AVX2"}
FLAGS_SHOWN = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


def peak_mb() -> float:
    # VmHWM is this process's own high-water mark; ru_maxrss would carry the parent's across exec.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args) -> dict:
    from benchmodel import news_sentences

    sentences = news_sentences(args.sentences)
    tokens, beam, rounds = args.tokens, args.beam, args.rounds
    if args.engine.startswith("naive"):
        dtype = {"naive": "float32", "naive-int8": "int8", "naive-bf16": "bfloat16"}[args.engine]
        return run_naive(args.model_dir, sentences, beam, tokens, dtype, rounds)
    if args.engine == "engine-int8-hfcache":
        os.environ["TRANSLATE_BEAM_CACHE"] = "0"
        return run_engine("transformers", args.model_dir, sentences, beam, tokens, "int8", rounds)
    if args.engine.startswith("engine"):
        dtype = {"engine": "auto", "engine-fp32": "float32", "engine-int8": "int8", "engine-bf16": "bfloat16"}[args.engine]
        return run_engine("transformers", args.model_dir, sentences, beam, tokens, dtype, rounds)
    if args.engine == "ct2-ours":
        return run_engine("ctranslate2", args.ct2_dir, sentences, beam, tokens, "auto", rounds)
    if args.engine == "ct2-direct":
        return run_ct2_direct(args.ct2_dir, sentences, beam, tokens, rounds)
    raise SystemExit(f"unknown engine {args.engine}")


def timed_rounds(call, rounds: int) -> tuple[list[float], list[int]]:
    """Seconds of each round, and the target lengths of the last one."""
    seconds, lengths = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        lengths = call()
        seconds.append(time.perf_counter() - started)
    return seconds, lengths


def run_naive(model_dir: str, sentences: list[str], beam: int, tokens: int, dtype: str, rounds: int) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from translate.mt.engine import _quiet_transformers, quantize_int8

    _quiet_transformers()
    started = time.perf_counter()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir, dtype=torch.bfloat16 if dtype == "bfloat16" else torch.float32).eval()
    if dtype == "int8":
        model = quantize_int8(model)
    load = time.perf_counter() - started
    special = set(tokenizer.all_special_ids)

    def one(sentence: str) -> int:
        batch = tokenizer([sentence], return_tensors="pt")
        # tokens real tokens, then the end-of-sentence the config forces at max_length.
        with torch.inference_mode():
            out = model.generate(**batch, num_beams=beam, do_sample=False, min_new_tokens=tokens,
                                 max_new_tokens=tokens + 1)
        text_ids = [t for t in out[0].tolist() if t not in special]
        tokenizer.decode(text_ids, skip_special_tokens=True)
        return len(text_ids)

    one(sentences[0])  # warm-up
    seconds, produced = timed_rounds(lambda: [one(s) for s in sentences], rounds)
    return {"seconds": seconds, "tokens": sum(produced), "lengths": sorted(set(produced)), "load": load,
            "dtype": dtype, "sentences": len(sentences)}


def run_engine(backend: str, model: str, sentences: list[str], beam: int, tokens: int, dtype: str, rounds: int) -> dict:
    from translate.mt.backends import load_backend
    from translate.mt.engine import EngineSettings

    settings = EngineSettings(beam_size=beam, dtype=dtype, min_new_tokens=tokens, max_new_tokens=tokens)
    engine = load_backend(backend, model, device="cpu", settings=settings)
    engine.translate(sentences[-2:])  # warm-up (not in the timed set: no cache effects either way)
    timed = sentences[:-2] if len(sentences) > 2 else sentences
    seconds, produced = timed_rounds(lambda: [t.target_tokens for t in engine.translate(timed)], rounds)
    return {"seconds": seconds, "tokens": sum(produced), "lengths": sorted(set(produced)),
            "load": engine.stats.load_seconds, "dtype": engine.precision_name, "sentences": len(timed),
            "why": list(engine.precision_reasons)}


def run_ct2_direct(ct2_dir: str, sentences: list[str], beam: int, tokens: int, rounds: int) -> dict:
    import ctranslate2
    import sentencepiece as spm

    from translate.mt.engine import CPU_BATCH

    started = time.perf_counter()
    translator = ctranslate2.Translator(ct2_dir, device="cpu", compute_type="default",
                                        intra_threads=int(os.environ.get("OMP_NUM_THREADS", "0") or 0) or os.cpu_count() or 1,
                                        inter_threads=1)
    sp_source = spm.SentencePieceProcessor(model_file=str(Path(ct2_dir) / "tokenizer" / "source.spm"))
    sp_target = spm.SentencePieceProcessor(model_file=str(Path(ct2_dir) / "tokenizer" / "target.spm"))
    load = time.perf_counter() - started

    def batches(encoded: list[list[str]]) -> list[list[int]]:
        # The batches our pipeline makes: longest first, under the same token budget and row cap.
        budget, rows = CPU_BATCH[0] // beam, CPU_BATCH[1]
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
        out, current, width = [], [], 0
        for i in order:
            new_width = max(width, len(encoded[i]))
            if current and (new_width * (len(current) + 1) > budget or len(current) >= rows):
                out.append(current)
                current, new_width = [], len(encoded[i])
            current.append(i)
            width = new_width
        return out + ([current] if current else [])

    def translate(texts: list[str]) -> list[int]:
        encoded = [sp_source.encode(t, out_type=str) + ["</s>"] for t in texts]
        lengths = [0] * len(texts)
        for batch in batches(encoded):
            results = translator.translate_batch([encoded[i] for i in batch], beam_size=beam,
                                                 min_decoding_length=tokens, max_decoding_length=tokens)
            for i, result in zip(batch, results):
                hyp = result.hypotheses[0]
                sp_target.decode(hyp)
                lengths[i] = len(hyp)
        return lengths

    translate(sentences[-2:])
    seconds, produced = timed_rounds(lambda: translate(sentences[:-2]), rounds)
    return {"seconds": seconds, "tokens": sum(produced), "lengths": sorted(set(produced)),
            "load": load, "dtype": translator.compute_type, "sentences": len(sentences) - 2}


def prepare(model_dir: Path, ct2_dir: Path) -> None:
    from benchmodel import build_bench_model

    if not (model_dir / "config.json").exists():
        print(f"building the opus-mt-en-fr-shaped random model in {model_dir} ...", file=sys.stderr)
        build_bench_model(model_dir)
    if not (ct2_dir / "model.bin").exists():
        try:
            from translate.mt.backends.ctranslate2 import convert_model

            print(f"converting it for CTranslate2 (int8) in {ct2_dir} ...", file=sys.stderr)
            convert_model(str(model_dir), ct2_dir, quantization="int8", force=True)
        except Exception as exc:  # noqa: BLE001 - the extra may be absent: those rows are skipped
            print(f"CTranslate2 rows skipped: {exc}", file=sys.stderr)


def machine_line() -> str:
    from translate.mt.precision import cpu_flags, cpu_name

    flags = cpu_flags()
    shown = " ".join(f for f in FLAGS_SHOWN if f in flags) or "none of " + " ".join(FLAGS_SHOWN)
    return f"{cpu_name()}, {os.cpu_count()} cores; flags: {shown}; {memory_line()}"


def memory_line() -> str:
    """The last-level cache and the memory bandwidth: what ranks the naive loop against batching.

    The naive loop reads the whole float32 model (296 MB for opus-mt-en-fr) at every step for 4
    rows, so it is bound by memory bandwidth where batches of int8 rows mostly compute: on the
    development machine (26 GB/s copied) it ran 43-48 tok/s, on the 2-core EPYC the issue names 14.
    Ratios taken on two machines are comparable only with this line beside them.
    """
    import time

    import torch

    level3 = "?"
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            if (index / "level").read_text().strip() == "3":
                level3 = (index / "size").read_text().strip()
        except OSError:
            pass
    source = torch.ones(1 << 28)  # 1 GiB, twice: past any last-level cache
    target = torch.empty_like(source)
    target.copy_(source)  # untimed: the pages are mapped
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        target.copy_(source)
        best = min(best, time.perf_counter() - started)
    rate = 2 * source.numel() * 4 / best / 1e9  # bytes read plus bytes written
    return f"L3 {level3} (as the OS reports it); memory copy {rate:.0f} GB/s (2 GiB, read plus written)"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "translate-bench")
    parser.add_argument("--sentences", type=int, default=98, help="sentences for the batched rows (2 more for warm-up)")
    parser.add_argument("--naive-sentences", type=int, default=8, help="sentences for the naive loops (slow)")
    parser.add_argument("--tokens", type=int, default=32, help="target tokens per sentence, for every row")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per row (the median is reported)")
    parser.add_argument("--beams", type=int, nargs="+", default=[4, 1])
    parser.add_argument("--engines", nargs="+", default=None, choices=ENGINES,
                        help="rows [all; the bf16 rows only where the CPU computes bf16 natively]")
    parser.add_argument("--isa", choices=["native", "avx2"], default="native",
                        help="avx2: cap torch, oneDNN, MKL, fbgemm and CTranslate2 to AVX2 (an AVX2-only CPU)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every row (OMP_NUM_THREADS) [the library default: one per core]")
    parser.add_argument("--profile", choices=ENGINES, default=None, help="also profile this row (cProfile, beam 4)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--beam", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    parser.add_argument("--ct2-dir", help=argparse.SUPPRESS)
    parser.add_argument("--cprofile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        if args.cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(worker, args)
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(14)
            stats.sort_stats("cumulative").print_stats(r"translate/|ctranslate2|generation/utils", 14)
        else:
            result = worker(args)
        result["peak_mb"] = peak_mb()
        print("RESULT " + json.dumps(result))
        return

    env = dict(os.environ, **(AVX2_ENV if args.isa == "avx2" else {}))
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    model_dir, ct2_dir = args.work / "opus-mt-en-fr-random", args.work / "opus-mt-en-fr-random-ct2-int8"
    prepare(model_dir, ct2_dir)
    if args.isa == "avx2":
        os.environ.update(AVX2_ENV)  # so native_bf16() below sees the cap, as the rows will
    from translate.mt.precision import native_bf16

    engines = args.engines or [e for e in ENGINES if (not e.endswith("bf16") or native_bf16()) and e not in OPTIONAL]
    before = loadavg()
    print(f"# MT speed: {machine_line()}; isa {args.isa}; {args.tokens} target tokens per sentence; "
          f"median of {args.rounds} rounds; threads {args.threads or 'default'}\n")
    rows = []
    for beam in args.beams:
        for engine in engines:
            if engine.startswith("ct2") and not (ct2_dir / "model.bin").exists():
                continue
            n = args.naive_sentences if engine.startswith("naive") else args.sentences + 2
            result = launch(engine, beam, n, args, model_dir, ct2_dir, env, profile=False)
            if result:
                rows.append((beam, engine, result))
                each = ", ".join(f"{result['tokens'] / x:.0f}" for x in result["seconds"])
                print(f"  beam {beam} {engine}: {rate(result):.0f} tok/s (rounds: {each}; load {loadavg()})",
                      file=sys.stderr, flush=True)
    print_table(rows)
    print(f"\nload average (1, 5, 15 min) before: {before}; after: {loadavg()}")
    default = next((r for _, e, r in rows if e == "engine"), None)
    if default and default.get("why"):
        print(f"engine (default) precision {default['dtype']}: {'; '.join(default['why'])}")
    if args.profile:
        print(f"\n## Profile: {args.profile}, beam 4\n", file=sys.stderr)
        launch(args.profile, 4, args.naive_sentences if args.profile.startswith("naive") else args.sentences + 2,
               args, model_dir, ct2_dir, env, profile=True)


def rate(result: dict) -> float:
    """Target tokens per second, over the median round."""
    return result["tokens"] / statistics.median(result["seconds"])


def launch(engine: str, beam: int, n: int, args, model_dir: Path, ct2_dir: Path, env: dict, *, profile: bool) -> dict | None:
    command = [sys.executable, str(Path(__file__)), "--worker", "--engine", engine, "--beam", str(beam),
               "--sentences", str(n), "--tokens", str(args.tokens), "--rounds", str(args.rounds),
               "--model-dir", str(model_dir), "--ct2-dir", str(ct2_dir)] + (["--cprofile"] if profile else [])
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if profile:
        sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(f"  {engine} (beam {beam}) failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    result = json.loads(lines[-1][len("RESULT "):])
    if result["lengths"] != [args.tokens]:  # every sentence must have produced what was asked
        print(f"  {engine} (beam {beam}) REJECTED: target lengths {result['lengths']}, asked {args.tokens}",
              file=sys.stderr)
        return None
    return result


def print_table(rows) -> None:
    print("| beam | row | dtype | sentences | target tokens | median s | tokens/s | × naive fp32 | × naive same dtype | peak RSS (MB) |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for beam, engine, r in rows:
        naive = next((x for b, e, x in rows if b == beam and e == "naive"), None)
        same = next((x for b, e, x in rows if b == beam and e.startswith("naive") and x["dtype"] == r["dtype"]), None)
        if same is None and str(r["dtype"]).startswith("int8"):
            same = next((x for b, e, x in rows if b == beam and e == "naive-int8"), None)
        ratio = f"{rate(r) / rate(naive):.1f}×" if naive else "–"
        ratio_same = f"{rate(r) / rate(same):.1f}×" if same else "–"
        label = "engine (default)" if engine == "engine" else engine
        print(f"| {beam} | {label} | {r.get('dtype') or 'float32'} | {r['sentences']} | {r['tokens']:,} | "
              f"{statistics.median(r['seconds']):.1f} | {rate(r):,.0f} | {ratio} | {ratio_same} | {r['peak_mb']:,.0f} |")
    for beam in sorted({b for b, _, _ in rows}, reverse=True):
        direct = next((x for b, e, x in rows if b == beam and e == "ct2-direct"), None)
        ours = next((x for b, e, x in rows if b == beam and e == "ct2-ours"), None)
        if direct and ours:
            print(f"\nbeam {beam}: CTranslate2 through our pipeline / CTranslate2 directly = {rate(ours) / rate(direct):.2f}")


if __name__ == "__main__":
    main()
