"""A small random-weight Marian model with real SentencePiece tokenizers, built offline.

The tests, and the demo on a machine that cannot reach the model hub, use it. Its French is
meaningless (random weights), but it runs through the real ``MarianMTModel.generate``, so every
guarantee of the workflow (no lost text, paired segments, locked terms) is tested for real.
The build is deterministic: same seed, same files.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from translate.core.fsio import atomic_write_text
from translate.mt.engine import _quiet_transformers

MARKER = "translate_test_model"


def _training_lines(name: str) -> list[str]:
    text = resources.files("translate.resources").joinpath(name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]


def _train_spm(lines: list[str], prefix: Path, vocab_size: int) -> list[str]:
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,  # any character can be encoded, so no input is ever <unk>-only
        num_threads=1,  # deterministic
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def build_test_model(dest: Path, *, seed: int = 0, d_model: int = 32, layers: int = 2,
                     max_positions: int = 128, vocab_size: int = 400) -> Path:
    """Write a tiny random-weight Marian en→fr model to ``dest`` and return ``dest``."""
    import torch
    from transformers import MarianConfig, MarianMTModel


    _quiet_transformers()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    src_pieces = _train_spm(_training_lines("tiny_en.txt"), dest / "source", vocab_size)
    tgt_pieces = _train_spm(_training_lines("tiny_fr.txt"), dest / "target", vocab_size)
    (dest / "source.model").replace(dest / "source.spm")
    (dest / "target.model").replace(dest / "target.spm")
    for leftover in ("source.vocab", "target.vocab"):
        (dest / leftover).unlink(missing_ok=True)

    # Marian's layout: one shared vocabulary, </s> = 0, <unk> = 1, <pad> last.
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in src_pieces + tgt_pieces:
        if piece not in vocab and piece != "<unk>":
            vocab[piece] = len(vocab)
    vocab["<pad>"] = len(vocab)
    atomic_write_text(dest / "vocab.json", json.dumps(vocab, ensure_ascii=False, indent=0))

    size = len(vocab)
    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=size,
        decoder_vocab_size=size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=d_model * 2,
        decoder_ffn_dim=d_model * 2,
        max_position_embeddings=max_positions,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        **{MARKER: True},
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config.bad_words_ids = [[pad_id]]
    model.save_pretrained(dest)
    atomic_write_text(
        dest / "tokenizer_config.json",
        json.dumps({"tokenizer_class": "MarianTokenizer", "model_max_length": max_positions,
                    "source_lang": "en", "target_lang": "fr"}, indent=2),
    )
    atomic_write_text(
        dest / "README.md",
        "Random-weight Marian en-fr model built by `translate model test-build` for tests and the\n"
        "offline demo. Its French output is meaningless.\n",
    )
    return dest
