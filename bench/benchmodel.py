"""A random-weight model with the exact architecture of Helsinki-NLP/opus-mt-en-fr, built offline.

Vocabulary 59,514 (shared source/target embeddings), model width 512, 6 encoder + 6 decoder
layers, 8 heads, feed-forward 2,048, swish activation, static sinusoidal positions, 512 positions:
the compute per token is the real model's. The tokenizers are real SentencePiece models trained
on the benchmark corpus (so sources have news-like token counts); the vocabulary is padded with
unused entries up to 59,514 so the output layer and the softmax are full size.

Also makes the corpus: a few hundred news-length sentences, deterministic.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

VOCAB_SIZE = 59_514
REPO = Path(__file__).resolve().parent.parent


def news_sentences(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct news-length sentences (18 to 34 words) from the repository's English text."""
    text = (REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt").read_text("utf-8")
    text += "\n" + (REPO / "translate" / "resources" / "tiny_en.txt").read_text("utf-8")
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        n = rng.randint(18, 34)
        picked = [rng.choice(words) for _ in range(n)]
        picked[0] = picked[0][:1].upper() + picked[0][1:]
        if n > 12:
            picked[n // 2] += ","
        sentence = " ".join(picked) + "."
        if sentence not in seen:
            seen.add(sentence)
            out.append(sentence)
    return out


def build_bench_model(dest: Path, *, seed: int = 0) -> Path:
    """Write the opus-mt-en-fr-shaped random-weight model to ``dest`` (skipped if already there)."""
    dest = Path(dest)
    if (dest / "model.safetensors").exists() and (dest / "vocab.json").exists():
        return dest
    import torch
    from transformers import MarianConfig, MarianMTModel

    from translate.mt.engine import _quiet_transformers
    from translate.mt.testmodel import _train_spm

    _quiet_transformers()
    dest.mkdir(parents=True, exist_ok=True)
    lines = news_sentences(2000, seed=99)
    pieces = _train_spm(lines, dest / "source", 4000)
    (dest / "source.model").replace(dest / "source.spm")
    (dest / "source.vocab").unlink(missing_ok=True)
    (dest / "target.spm").write_bytes((dest / "source.spm").read_bytes())

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        if piece not in vocab and piece != "<unk>":
            vocab[piece] = len(vocab)
    while len(vocab) < VOCAB_SIZE - 1:  # unused entries: the real model's vocabulary size
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    assert len(vocab) == VOCAB_SIZE
    (dest / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=VOCAB_SIZE,
        decoder_vocab_size=VOCAB_SIZE,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        activation_function="swish",
        max_position_embeddings=512,
        static_position_embeddings=True,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        pad_token_id=pad_id,
        eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        translate_test_model=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config.bad_words_ids = [[pad_id]]
    model.save_pretrained(dest)
    (dest / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "MarianTokenizer", "model_max_length": 512, "source_lang": "en", "target_lang": "fr"}))
    return dest
