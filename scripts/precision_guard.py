"""Quality guard for reduced precision: train a tiny Marian, compare greedy outputs across precisions.

Comparing int8 or bf16 drafts with float32 drafts of a *random-weight* model says nothing (its
logits are near-ties everywhere), so this trains a small Marian model for a few minutes on CPU on
a synthetic transliteration task (English words respelled by fixed rules: a copy task with
sub-word rewrites), until its float32 greedy outputs are mostly right. Then the same held-out
sources are decoded greedily through our engine (translate.mt.engine.MarianEngine, beam 1) in
float32, dynamic int8 and bfloat16, and each reduced precision is scored by the share of float32
tokens it changes, position by position (an inserted or dropped token shifts the rest, which all
count as changed: strict). The same sources are then decoded at beam 4, as ``translate run`` does:
float32 through transformers' own cache and attention is the reference, and float32, int8 and
bfloat16 through our beam cache and shared cross-attention (translate/mt/beamcache.py) are scored
against it, so the figure covers the whole default path, not the precision alone. A precision
changing more than CHANGED_SHARE_LIMIT (2%) in either is refused: ``--dtype auto`` never picks it
(translate/mt/precision.py reads the record this writes).

    python scripts/precision_guard.py                 # train (cached), measure, write the record
    python scripts/precision_guard.py --smoke --out /tmp/g --record /tmp/g/record.json   # seconds

The trained model is kept in .cache/precision-guard/ (git-ignored), so a second run only measures.
The record is translate/resources/precision_guard.json (commit it when it changes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.mt.precision import GUARD_RECORD, CHANGED_SHARE_LIMIT, cpu_name  # noqa: E402

# Respelling rules, applied left to right on lower-cased words: a deterministic "transliteration".
RULES = [("tion", "sion"), ("th", "z"), ("ck", "k"), ("sh", "ch"), ("w", "ou"), ("ee", "i"), ("oo", "u"),
         ("y", "i"), ("ph", "f"), ("qu", "k"), ("c", "k")]


def transliterate(sentence: str) -> str:
    words = []
    for word in sentence.lower().split():
        for old, new in RULES:
            word = word.replace(old, new)
        words.append(word)
    return " ".join(words)


def word_pool() -> list[str]:
    text = (REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt").read_text("utf-8")
    text += "\n" + (REPO / "translate" / "resources" / "tiny_en.txt").read_text("utf-8")
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{2,12}", text)})
    return words


def sentences(count: int, seed: int, words: list[str], lo: int = 3, hi: int = 9) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(lo, hi))) for _ in range(count)]


def build_model(dest: Path, lines: list[str], *, d_model: int, layers: int, vocab_size: int, seed: int):
    """An untrained Marian model with one SentencePiece vocabulary over both sides, saved to ``dest``."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    from translate.mt.testmodel import _train_spm

    dest.mkdir(parents=True, exist_ok=True)
    pieces = _train_spm(lines, dest / "spm", vocab_size)
    (dest / "spm.model").replace(dest / "source.spm")
    (dest / "spm.vocab").unlink(missing_ok=True)
    (dest / "target.spm").write_bytes((dest / "source.spm").read_bytes())
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        if piece not in vocab and piece != "<unk>":
            vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    (dest / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "MarianTokenizer", "model_max_length": 128, "source_lang": "en", "target_lang": "fr"}))
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=d_model, encoder_layers=layers,
        decoder_layers=layers, encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=4 * d_model,
        decoder_ffn_dim=4 * d_model, activation_function="swish", max_position_embeddings=128,
        static_position_embeddings=True, scale_embedding=True, share_encoder_decoder_embeddings=True,
        pad_token_id=pad, eos_token_id=0, bos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        dropout=0.0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config.bad_words_ids = [[pad]]
    return model, MarianTokenizer.from_pretrained(str(dest))


def train(dest: Path, *, minutes: float, steps: int, d_model: int, layers: int, vocab_size: int, seed: int,
          batch: int = 32) -> dict:
    """Train the guard model into ``dest`` (skipped when a trained one is there); returns its info."""
    info_path = dest / "guard-train.json"
    if info_path.is_file() and (dest / "config.json").is_file():
        return json.loads(info_path.read_text("utf-8"))
    import torch

    from translate.mt.engine import _quiet_transformers

    _quiet_transformers()
    # One thread: on a shared machine two threads mostly wait for each other at every operation.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    words = word_pool()
    train_src = sentences(20000, seed + 1, words)
    lines = train_src[:3000] + [transliterate(s) for s in train_src[:3000]]
    model, tokenizer = build_model(dest, lines, d_model=d_model, layers=layers, vocab_size=vocab_size, seed=seed)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-3, weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 100))
    rng = random.Random(seed)
    started = time.perf_counter()
    step, losses = 0, []
    while step < steps and time.perf_counter() - started < minutes * 60:
        picked = rng.sample(train_src, batch)
        enc = tokenizer(picked, text_target=[transliterate(s) for s in picked], return_tensors="pt", padding=True)
        enc["labels"][enc["labels"] == tokenizer.pad_token_id] = -100
        loss = model(**enc).loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        step += 1
        if step % 50 == 0:
            print(f"  step {step}: loss {sum(losses[-50:]) / 50:.3f} ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
    torch.set_num_threads(threads)
    model.eval()
    model.save_pretrained(dest)
    info = {"steps": step, "seconds": round(time.perf_counter() - started, 1), "batch": batch,
            "final_loss": round(sum(losses[-50:]) / max(1, len(losses[-50:])), 4), "d_model": d_model,
            "layers": layers, "vocab": len(tokenizer.get_vocab()), "seed": seed}
    info_path.write_text(json.dumps(info, indent=2), "utf-8")
    return info


def changed_tokens(reference: list[str], other: list[str]) -> int:
    """Positions where ``other`` differs from ``reference`` (missing or extra tokens included)."""
    return sum(1 for i in range(max(len(reference), len(other)))
               if i >= len(reference) or i >= len(other) or reference[i] != other[i])


def _pieces(engine, texts: list[str]) -> list[list[str]]:
    tok = engine.tokenizer
    return [tok.convert_ids_to_tokens(tok(text_target=t)["input_ids"][:-1]) for t in texts]


def _compare(reference: list[str], ref_pieces: list[list[str]], outputs: list[str], pieces: list[list[str]],
             expected: list[str]) -> dict:
    total = sum(len(p) for p in ref_pieces)
    changed = sum(changed_tokens(r, o) for r, o in zip(ref_pieces, pieces))
    return {
        "changed_tokens": changed,
        "changed_share": round(changed / max(1, total), 5),
        "sentences_differing": sum(a != b for a, b in zip(reference, outputs)),
        "accepted": changed / max(1, total) <= CHANGED_SHARE_LIMIT,
        "exact_sentences": round(sum(a == b for a, b in zip(outputs, expected)) / max(1, len(expected)), 4),
    }


def measure(dest: Path, *, count: int, seed: int, dtypes: tuple[str, ...] = ("int8", "bfloat16"),
            beams: int = 4) -> dict:
    """Outputs of held-out sources in each precision against float32: greedy (the precision
    alone), then at ``beams`` beams as ``translate run`` decodes, where the reference is float32
    through transformers' own cache and attention and every other row goes through ours (the
    beam cache and the cross-attention read once per sentence: translate/mt/beamcache.py)."""
    from translate.mt.engine import EngineSettings, MarianEngine

    held_out = sentences(count, seed + 2, word_pool())
    expected = [transliterate(s) for s in held_out]
    outputs, pieces = {}, {}
    for dtype in ("float32", *dtypes):
        engine = MarianEngine.load(str(dest), device="cpu", settings=EngineSettings(beam_size=1, dtype=dtype))
        outputs[dtype] = [t.text for t in engine.translate(held_out)]
        pieces[dtype] = _pieces(engine, outputs[dtype])
    reference = pieces["float32"]
    result = {
        "sentences": count,
        "float32_tokens": sum(len(p) for p in reference),
        "float32_exact_sentences": round(sum(a == b for a, b in zip(outputs["float32"], expected)) / count, 4),
        "precisions": {dtype: _compare(outputs["float32"], reference, outputs[dtype], pieces[dtype], expected)
                       for dtype in dtypes},
    }
    beam_out, beam_pieces = {}, {}
    runs = [("reference", "float32", False), ("float32", "float32", True)] + [(d, d, True) for d in dtypes]
    for name, dtype, ours in runs:
        settings = EngineSettings(beam_size=beams, dtype=dtype, beam_cache=ours)
        engine = MarianEngine.load(str(dest), device="cpu", settings=settings)
        beam_out[name] = [t.text for t in engine.translate(held_out)]
        beam_pieces[name] = _pieces(engine, beam_out[name])
    result["beam"] = {
        "beams": beams,
        "what": "float32 through transformers' own cache is the reference; the other rows run our beam cache",
        "float32_tokens": sum(len(p) for p in beam_pieces["reference"]),
        "float32_exact_sentences": round(sum(a == b for a, b in zip(beam_out["reference"], expected)) / count, 4),
        "precisions": {name: _compare(beam_out["reference"], beam_pieces["reference"], beam_out[name],
                                      beam_pieces[name], expected) for name, _, _ in runs[1:]},
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / ".cache" / "precision-guard" / "model")
    parser.add_argument("--record", type=Path, default=REPO / "translate" / "resources" / GUARD_RECORD)
    parser.add_argument("--minutes", type=float, default=30.0, help="training time cap (wall clock)")
    parser.add_argument("--steps", type=int, default=2000, help="training steps")
    parser.add_argument("--d-model", type=int, default=96)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=800)
    parser.add_argument("--sentences", type=int, default=300, help="held-out sentences compared")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="seconds: a few steps of a tiny model (tests)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.minutes, args.steps, args.d_model, args.layers, args.vocab, args.sentences = 1.0, 2, 32, 1, 400, 4

    import torch

    info = train(args.out, minutes=args.minutes, steps=args.steps, d_model=args.d_model, layers=args.layers,
                 vocab_size=args.vocab, seed=args.seed)
    print(f"guard model: {info}", file=sys.stderr)
    result = measure(args.out, count=args.sentences, seed=args.seed)
    record = {
        "what": "share of float32 tokens each precision changes on held-out sources of a trained guard model "
                "(scripts/precision_guard.py), greedy and at beam 4 through the beam cache; --dtype auto "
                "refuses a precision over the limit in either",
        "max_changed_share": CHANGED_SHARE_LIMIT,
        "measured": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cpu": cpu_name(),
        "torch": torch.__version__.split("+")[0],
        "model": info,
        **result,
    }
    if args.smoke:
        record["smoke"] = True  # an untrained model: the figures mean nothing
    args.record.parent.mkdir(parents=True, exist_ok=True)
    args.record.write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    print(f"float32 exact sentences {result['float32_exact_sentences']:.1%} over {result['sentences']} held-out "
          f"sources ({result['float32_tokens']} tokens)")
    for label, table in (("greedy", result["precisions"]), (f"beam {result['beam']['beams']}", result["beam"]["precisions"])):
        for dtype, figures in table.items():
            verdict = "accepted" if figures["accepted"] else "REFUSED"
            print(f"{label} {dtype}: {figures['changed_share']:.2%} of tokens changed ({figures['changed_tokens']}), "
                  f"{figures['sentences_differing']} sentences differ -> {verdict} (limit {CHANGED_SHARE_LIMIT:.0%})")
    print(f"record written to {args.record}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
