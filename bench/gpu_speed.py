"""MT speed on a GPU, one command, under 5 minutes: naive float32, batched fp16/bf16, CTranslate2.

Run by hand on a machine with a CUDA card, from the repository root:

    python bench/gpu_speed.py                          # beams 1 and 4, every row that applies
    python bench/gpu_speed.py --budgets 65536 262144 --static-cache --cuda-graphs
    python bench/gpu_speed.py --smoke                  # seconds, on CPU, tiny model: the code path only

Rows, each at the same beam and the same fixed output length (random weights never stop, so
every sentence produces exactly --tokens target tokens; the counts are checked):

  naive-fp32          MarianMTModel.generate one sentence at a time, float32
  batched-<dt>-<N>    our engine (translate.mt.engine.MarianEngine), length-sorted batches under a
                      token budget of N padded source tokens, in float16 and bfloat16
  +static             the same with transformers' static KV cache (--static-cache)
  +graphs             static cache and the decoder step compiled with CUDA graphs
                      (torch.compile mode="reduce-overhead", --cuda-graphs)
  ct2-<type>          the model converted for CTranslate2 (float16, int8_float16) through our
                      pipeline, when ctranslate2 is importable

Printed: tokens per second, the ratio to the naive loop and to batched bf16 at the default
budget (the reference the GPU goal is stated against). A row that fails (no bf16 on the card,
out of memory, an option the installed transformers lacks) is listed with its error; the rest run.
--max-seconds stops starting new rows once the budget is spent, so the command stays bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "translate-bench")
    parser.add_argument("--model", default=None, help="Marian model folder [the opus-mt-en-fr-shaped random model]")
    parser.add_argument("--sentences", type=int, default=2048, help="sentences for the batched rows")
    parser.add_argument("--naive-sentences", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=32, help="target tokens per sentence")
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--budgets", type=int, nargs="+", default=[65536],
                        help="token budgets (padded source tokens per batch, before dividing by the beam)")
    parser.add_argument("--max-rows", type=int, default=512, help="most sentences per batch")
    parser.add_argument("--dtypes", nargs="+", default=["float16", "bfloat16"])
    parser.add_argument("--static-cache", action="store_true", help="also rows with the static KV cache")
    parser.add_argument("--cuda-graphs", action="store_true", help="also rows with static cache + CUDA graphs")
    parser.add_argument("--no-ct2", action="store_true", help="skip the CTranslate2 rows")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per row (median)")
    parser.add_argument("--max-seconds", type=float, default=270.0, help="start no row after this much time")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    parser.add_argument("--smoke", action="store_true",
                        help="CPU, tiny test model, a few sentences: exercises every code path in seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        args.device, args.sentences, args.naive_sentences, args.tokens = "cpu", 6, 2, 4
        args.beams, args.budgets, args.rounds, args.max_rows = [1, 2], [256], 1, 4
        args.dtypes = ["float32", "bfloat16"]
    return args


def sentences_for(args, count: int) -> list[str]:
    from benchmodel import news_sentences

    return news_sentences(count)


def model_folder(args) -> Path:
    if args.model:
        return Path(args.model)
    if args.smoke:
        from translate.mt.testmodel import build_test_model

        return build_test_model(args.work / "gpu-smoke-tiny", seed=0)
    from benchmodel import build_bench_model

    return build_bench_model(args.work / "opus-mt-en-fr-random")


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def run_naive(folder: Path, args, beam: int) -> dict:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(folder))
    model = MarianMTModel.from_pretrained(str(folder), dtype=torch.float32).to(args.device).eval()
    special = set(tokenizer.all_special_ids)
    texts = sentences_for(args, args.naive_sentences)

    def one(text: str) -> int:
        limit = min(int(model.config.max_position_embeddings), int(tokenizer.model_max_length))
        batch = tokenizer([text], return_tensors="pt", truncation=True, max_length=limit).to(args.device)
        with torch.inference_mode():
            out = model.generate(**batch, num_beams=beam, do_sample=False, min_new_tokens=args.tokens,
                                 max_new_tokens=args.tokens + 1)
        return len([t for t in out[0].tolist() if t not in special])

    one(texts[0])
    return timed(lambda: [one(t) for t in texts], args)


def run_engine(folder: Path, args, beam: int, dtype: str, budget: int, *, static: bool = False,
               graphs: bool = False, backend: str = "transformers", compute_type: str = "auto") -> dict:
    from translate.mt.backends import load_backend
    from translate.mt.engine import EngineSettings

    options: dict = {}
    if static or graphs:
        options["cache_implementation"] = "static"
    settings = EngineSettings(beam_size=beam, dtype=dtype, min_new_tokens=args.tokens, max_new_tokens=args.tokens,
                              max_batch_tokens=budget, max_batch_size=args.max_rows, compute_type=compute_type,
                              generate_options=options)
    engine = load_backend(backend, str(folder), device=args.device, settings=settings)
    if graphs:
        import torch

        # CUDA graphs for the decoder step: shapes are fixed by the static cache.
        engine.model.forward = torch.compile(engine.model.forward, mode="reduce-overhead", fullgraph=False)
    texts = sentences_for(args, args.sentences)
    engine.translate(texts[: min(len(texts), 64)])  # warm-up (compiles, allocator) outside the timed set
    synchronize(args.device)
    result = timed(lambda: [t.target_tokens for t in engine.translate(texts)], args)
    result["dtype"] = engine.precision_name
    return result


def timed(call, args) -> dict:
    seconds, produced = [], []
    for _ in range(args.rounds):
        synchronize(args.device)
        started = time.perf_counter()
        produced = call()
        synchronize(args.device)
        seconds.append(time.perf_counter() - started)
    if sorted(set(produced)) != [args.tokens]:
        raise RuntimeError(f"target lengths {sorted(set(produced))}, asked {args.tokens}")
    tokens = sum(produced)
    return {"tokens": tokens, "seconds": statistics.median(seconds), "rate": tokens / statistics.median(seconds)}


def ct2_folder(folder: Path, args, quantization: str) -> Path | None:
    try:
        from translate.mt.backends.ctranslate2 import convert_model, is_converted
    except ImportError:
        return None
    out = args.work / f"{folder.name}-ct2-{quantization}"
    if not is_converted(out):
        convert_model(str(folder), out, quantization=quantization, force=True)
    return out


def plan(args) -> list[tuple]:
    """(beam, row name, kind, options) for every row asked for."""
    import importlib.util

    rows = []
    ct2 = not args.no_ct2 and importlib.util.find_spec("ctranslate2") is not None
    for beam in args.beams:
        rows.append((beam, "naive-fp32", "naive", {}))
        for dtype in args.dtypes:
            for budget in args.budgets:
                rows.append((beam, f"batched-{dtype}-{budget}", "engine", {"dtype": dtype, "budget": budget}))
                if args.static_cache:
                    rows.append((beam, f"batched-{dtype}-{budget}+static", "engine",
                                 {"dtype": dtype, "budget": budget, "static": True}))
                if args.cuda_graphs:
                    rows.append((beam, f"batched-{dtype}-{budget}+graphs", "engine",
                                 {"dtype": dtype, "budget": budget, "graphs": True}))
        if ct2:
            types = ["float32", "int8"] if args.device == "cpu" else ["float16", "int8_float16"]
            for compute in types:
                rows.append((beam, f"ct2-{compute}", "ct2", {"compute": compute, "budget": args.budgets[0]}))
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    import torch

    from translate.mt.engine import _quiet_transformers

    _quiet_transformers()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("No CUDA card here: run on a GPU machine, or --smoke for the CPU code-path check.", file=sys.stderr)
        return 2
    folder = model_folder(args)
    card = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "CPU"
    print(f"# GPU speed: {card}; torch {torch.__version__}; {args.tokens} target tokens per sentence; "
          f"{args.sentences} sentences batched, {args.naive_sentences} naive; median of {args.rounds}\n")
    started = time.perf_counter()
    results = []
    for beam, name, kind, opts in plan(args):
        if time.perf_counter() - started > args.max_seconds:
            results.append((beam, name, {"error": "skipped: --max-seconds spent"}))
            continue
        try:
            if kind == "naive":
                result = run_naive(folder, args, beam)
                result["dtype"] = "float32"
            elif kind == "engine":
                result = run_engine(folder, args, beam, opts["dtype"], opts["budget"], static=opts.get("static", False),
                                    graphs=opts.get("graphs", False))
            else:
                quantization = "float16" if opts["compute"].endswith("float16") else (
                    "int8" if opts["compute"].startswith("int8") else "float32")
                converted = ct2_folder(folder, args, quantization)
                result = run_engine(converted, args, beam, "auto", opts["budget"], backend="ctranslate2",
                                    compute_type=opts["compute"])
        except Exception as exc:  # noqa: BLE001 - one row failing (OOM, unsupported option) must not stop the rest
            result = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"}
        finally:
            if args.device.startswith("cuda"):
                torch.cuda.empty_cache()
        results.append((beam, name, result))
        shown = f"{result['rate']:,.0f} tok/s" if "rate" in result else result["error"]
        print(f"  beam {beam} {name}: {shown}", file=sys.stderr, flush=True)
    print_table(results, args)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps([{"beam": b, "row": n, **r} for b, n, r in results], indent=2), "utf-8")
    return 0 if any("rate" in r for _, _, r in results) else 1


def print_table(results, args) -> None:
    reference = f"batched-bfloat16-{args.budgets[0]}"
    print("| beam | row | dtype | target tokens | median s | tokens/s | × naive fp32 | × batched bf16 |")
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for beam, name, r in results:
        if "rate" not in r:
            print(f"| {beam} | {name} | – | – | – | {r['error']} | – | – |")
            continue
        naive = next((x for b, n, x in results if b == beam and n == "naive-fp32" and "rate" in x), None)
        ref = next((x for b, n, x in results if b == beam and n == reference and "rate" in x), None)
        vs_naive = f"{r['rate'] / naive['rate']:.1f}×" if naive else "–"
        vs_ref = f"{r['rate'] / ref['rate']:.2f}×" if ref else "–"
        print(f"| {beam} | {name} | {r.get('dtype', '')} | {r['tokens']:,} | {r['seconds']:.2f} | {r['rate']:,.0f} | "
              f"{vs_naive} | {vs_ref} |")


if __name__ == "__main__":
    raise SystemExit(main())
