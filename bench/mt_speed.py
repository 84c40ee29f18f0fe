"""MT speed, side by side: naive one-at-a-time generate, our engine, and every backend we ship.

Run by hand (never in the test suite), from the repository root:

    python bench/mt_speed.py                 # beam 4 and greedy, all engines (a few minutes on 2 cores)
    python bench/mt_speed.py --beams 4 --profile engine   # and where the time goes (cProfile)

The model is random-weight with the exact architecture of Helsinki-NLP/opus-mt-en-fr (see
bench/benchmodel.py), so the compute per token is the real model's. Random weights never stop
on their own, so every engine produces exactly ``--tokens`` target tokens per sentence
(transformers: min/max new tokens; CTranslate2: min/max decoding length); the token counts are
checked, and speeds are target tokens per second. Each engine runs in its own process, so the
peak memory (max RSS) is its own; it includes the loaded model.

Engines:
  naive         MarianMTModel.generate one sentence at a time, float32 (what a naive script does)
  engine-fp32   our engine (translate.mt.engine.MarianEngine), length-sorted token-budget batches, float32
  engine        our engine as configured by default (dtype auto: bfloat16 on CPUs with native bf16)
  ct2-direct    ctranslate2.Translator used directly: sentencepiece in, translate_batch over the
                same length-sorted batches our pipeline makes, sentencepiece out
  ct2-ours      the same converted model through our pipeline (--backend ctranslate2)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

ENGINES = ("naive", "engine-fp32", "engine", "ct2-direct", "ct2-ours")


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
    tokens = args.tokens
    beam = args.beam
    if args.engine == "naive":
        return run_naive(args.model_dir, sentences, beam, tokens)
    if args.engine in ("engine", "engine-fp32"):
        return run_engine("transformers", args.model_dir, sentences, beam, tokens,
                          "float32" if args.engine == "engine-fp32" else "auto")
    if args.engine == "ct2-ours":
        return run_engine("ctranslate2", args.ct2_dir, sentences, beam, tokens, "auto")
    if args.engine == "ct2-direct":
        return run_ct2_direct(args.ct2_dir, sentences, beam, tokens)
    raise SystemExit(f"unknown engine {args.engine}")


def run_naive(model_dir: str, sentences: list[str], beam: int, tokens: int) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from translate.mt.engine import _quiet_transformers

    _quiet_transformers()
    started = time.perf_counter()
    tokenizer = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir).eval()
    load = time.perf_counter() - started

    def one(sentence: str) -> int:
        batch = tokenizer([sentence], return_tensors="pt")
        # tokens real tokens, then the end-of-sentence the config forces at max_length.
        out = model.generate(**batch, num_beams=beam, do_sample=False, min_new_tokens=tokens, max_new_tokens=tokens + 1)
        text_ids = [t for t in out[0].tolist() if t not in tokenizer.all_special_ids]
        tokenizer.decode(text_ids, skip_special_tokens=True)
        return len(text_ids)

    one(sentences[0])  # warm-up
    started = time.perf_counter()
    produced = [one(s) for s in sentences]
    return {"seconds": time.perf_counter() - started, "tokens": sum(produced), "lengths": sorted(set(produced)),
            "load": load}


def run_engine(backend: str, model: str, sentences: list[str], beam: int, tokens: int, dtype: str) -> dict:
    from translate.mt.backends import load_backend
    from translate.mt.engine import EngineSettings

    settings = EngineSettings(beam_size=beam, dtype=dtype, min_new_tokens=tokens, max_new_tokens=tokens)
    engine = load_backend(backend, model, device="cpu", settings=settings)
    engine.translate(sentences[-2:])  # warm-up (not in the timed set: no cache effects either way)
    started = time.perf_counter()
    out = engine.translate(sentences[:-2] if len(sentences) > 2 else sentences)
    seconds = time.perf_counter() - started
    produced = [t.target_tokens for t in out]
    extra = {"dtype": getattr(engine, "dtype_name", None) or engine.stamp().get("compute-type")}
    return {"seconds": seconds, "tokens": sum(produced), "lengths": sorted(set(produced)),
            "load": engine.stats.load_seconds, **extra}


def run_ct2_direct(ct2_dir: str, sentences: list[str], beam: int, tokens: int) -> dict:
    import ctranslate2
    import sentencepiece as spm

    from translate.mt.engine import CPU_BATCH

    started = time.perf_counter()
    translator = ctranslate2.Translator(ct2_dir, device="cpu", compute_type="default",
                                        intra_threads=os.cpu_count() or 1, inter_threads=1)
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
    started = time.perf_counter()
    produced = translate(sentences[:-2])
    return {"seconds": time.perf_counter() - started, "tokens": sum(produced), "lengths": sorted(set(produced)),
            "load": load, "dtype": translator.compute_type}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "translate-bench")
    parser.add_argument("--sentences", type=int, default=300, help="sentences for the batched engines")
    parser.add_argument("--naive-sentences", type=int, default=20, help="sentences for the naive loop (slow)")
    parser.add_argument("--fp32-sentences", type=int, default=150, help="sentences for engine-fp32 (a reference row)")
    parser.add_argument("--tokens", type=int, default=32, help="target tokens per sentence, for every engine")
    parser.add_argument("--beams", type=int, nargs="+", default=[4, 1])
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--profile", choices=ENGINES, default=None, help="also profile this engine (cProfile, beam 4)")
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

    model_dir, ct2_dir = args.work / "opus-mt-en-fr-random", args.work / "opus-mt-en-fr-random-ct2-int8"
    prepare(model_dir, ct2_dir)
    import platform

    print(f"# MT speed: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{args.tokens} target tokens per sentence\n")
    rows = []
    for beam in args.beams:
        for engine in args.engines:
            if engine.startswith("ct2") and not (ct2_dir / "model.bin").exists():
                continue
            n = {"naive": args.naive_sentences, "engine-fp32": args.fp32_sentences}.get(engine, args.sentences)
            result = launch(engine, beam, n, args, model_dir, ct2_dir, profile=False)
            if result:
                rows.append((beam, engine, result))
                print(f"  beam {beam} {engine}: {result['tokens'] / result['seconds']:.0f} tok/s", file=sys.stderr)
    print_table(rows)
    if args.profile:
        print(f"\n## Profile: {args.profile}, beam 4\n", file=sys.stderr)
        launch(args.profile, 4, args.sentences if args.profile != "naive" else args.naive_sentences,
               args, model_dir, ct2_dir, profile=True)


def launch(engine: str, beam: int, n: int, args, model_dir: Path, ct2_dir: Path, *, profile: bool) -> dict | None:
    command = [sys.executable, str(Path(__file__)), "--worker", "--engine", engine, "--beam", str(beam),
               "--sentences", str(n), "--tokens", str(args.tokens), "--model-dir", str(model_dir),
               "--ct2-dir", str(ct2_dir)] + (["--cprofile"] if profile else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if profile:
        sys.stderr.write(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(f"  {engine} (beam {beam}) failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    result = json.loads(lines[-1][len("RESULT "):])
    result["sentences"] = n - (0 if engine == "naive" else 2)
    return result


def print_table(rows) -> None:
    print("| beam | engine | dtype | sentences | target tokens | seconds | tokens/s | × naive | peak RSS (MB) |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for beam, engine, r in rows:
        naive = next((x for b, e, x in rows if b == beam and e == "naive"), None)
        rate = r["tokens"] / r["seconds"]
        ratio = f"{rate / (naive['tokens'] / naive['seconds']):.1f}×" if naive else "–"
        lengths = "" if r["lengths"] in ([], [32]) else f" (lengths {r['lengths']})"
        print(f"| {beam} | {engine} | {r.get('dtype') or 'float32'} | {r['sentences']} | {r['tokens']:,}{lengths} | "
              f"{r['seconds']:.1f} | {rate:,.0f} | {ratio} | {r['peak_mb']:,.0f} |")
    for beam in sorted({b for b, _, _ in rows}, reverse=True):
        direct = next((x for b, e, x in rows if b == beam and e == "ct2-direct"), None)
        ours = next((x for b, e, x in rows if b == beam and e == "ct2-ours"), None)
        if direct and ours:
            ratio = (ours["tokens"] / ours["seconds"]) / (direct["tokens"] / direct["seconds"])
            print(f"\nbeam {beam}: CTranslate2 through our pipeline / CTranslate2 directly = {ratio:.2f}")


if __name__ == "__main__":
    main()
