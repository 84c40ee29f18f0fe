"""Backends behind one interface: results in input order, the logits-processor hook, the
CTranslate2 conversion, and out-of-memory recovery (the latter with a small fake, see below)."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from translate.mt.backends import BACKENDS, backend_class, load_backend
from translate.cli.group import main
from translate.mt.engine import BatchEngine, EngineSettings, MarianEngine
from translate.core.errors import ModelError

SENTENCES = [
    "Putin met Biden in Geneva.",
    "The talks were constructive, officials said on Wednesday after a long day of meetings.",
    "Hello.",
    "",
    "Markets fell.",
    "Putin met Biden in Geneva.",
    "Russia has repeatedly violated cybersecurity agreements over the years, the president said.",
]


@pytest.fixture(scope="session")
def ct2_model_dir(test_model_dir, tmp_path_factory):
    """The test model converted with ctranslate2's transformers converter (offline)."""
    pytest.importorskip("ctranslate2", reason="the optional extra ctranslate2 is not installed")
    out = tmp_path_factory.mktemp("ct2") / "tiny-ct2"
    result = CliRunner().invoke(main, ["model", "convert", "--model", str(test_model_dir), "--output", str(out),
                                       "--quantization", "int8"])
    assert result.exit_code == 0, result.output
    return out


def _engines(test_model_dir, ct2_dir=None, **overrides):
    # Greedy and float32: a beam search's stopping heuristic depends on the batch's longest
    # bound, and reduced precision on the batch mates' padding; this is about routing results
    # back to their inputs, not about those.
    overrides.setdefault("dtype", "float32")
    wide = EngineSettings(beam_size=1, **overrides)
    narrow = EngineSettings(beam_size=1, max_batch_tokens=16, max_batch_size=1, **overrides)
    name = str(ct2_dir or test_model_dir)
    backend = "ctranslate2" if ct2_dir else "transformers"
    return load_backend(backend, name, device="cpu", settings=wide), load_backend(backend, name, device="cpu", settings=narrow)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_backend_returns_results_in_input_order(backend, test_model_dir, request):
    ct2_dir = request.getfixturevalue("ct2_model_dir") if backend == "ctranslate2" else None
    wide, narrow = _engines(test_model_dir, ct2_dir)
    singles = [narrow.translate([s])[0] for s in SENTENCES]
    assert [t.text for t in wide.translate(SENTENCES)] == [t.text for t in singles]
    assert singles[3].text == "" and singles[0].text == singles[5].text
    assert all(t.text for i, t in enumerate(singles) if i != 3)
    assert wide.stats.batches < narrow.stats.batches
    assert wide.backend_name == backend


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_backend_honours_fixed_output_length(backend, test_model_dir, request):
    ct2_dir = request.getfixturevalue("ct2_model_dir") if backend == "ctranslate2" else None
    engine, _ = _engines(test_model_dir, ct2_dir, min_new_tokens=7, max_new_tokens=7)
    out = engine.translate(SENTENCES)
    assert [t.target_tokens for i, t in enumerate(out) if i != 3] == [7] * (len(SENTENCES) - 1)


def test_ctranslate2_stamp_and_no_logits_processors(ct2_model_dir, test_model_dir):
    engine = load_backend("ctranslate2", str(ct2_model_dir), device="cpu", settings=EngineSettings(beam_size=1))
    reference = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1))
    stamp = engine.stamp()
    assert stamp["backend"] == "ctranslate2" and stamp["compute-type"].startswith("int8")
    # The converted model names the model it came from, so provenance stays comparable.
    assert stamp["model-revision"] == reference.revision and stamp["test-model"] == "yes"
    assert engine.supports_logits_processors is False
    with pytest.raises(ModelError, match="cannot apply logits processors"):
        engine.translate(["Hello."], logits_processors=lambda sources, beams: [])


@pytest.mark.parametrize("beams", [1, 4])
def test_ctranslate2_reports_the_models_confidence_like_the_transformers_engine(ct2_model_dir, test_model_dir, beams):
    # QA's mt-logprob: a log-probability per token from either backend (a sum would be ~40x larger).
    text = "The talks were constructive, officials said on Wednesday after a long day."
    ct2 = load_backend("ctranslate2", str(ct2_model_dir), device="cpu", settings=EngineSettings(beam_size=beams))
    reference = MarianEngine.load(str(test_model_dir), device="cpu",
                                  settings=EngineSettings(beam_size=beams, dtype="float32"))
    ours, theirs = ct2.translate([text])[0].logprob, reference.translate([text])[0].logprob
    assert ours is not None and theirs is not None
    assert ours < 0 and abs(ours - theirs) < 0.5, (ours, theirs)
    # An output cut at its own bound (shorter than the batch's) has no score: it would be the
    # score of text that was not delivered.
    short, long = ct2.translate(["Hello.", text])
    assert long.logprob is not None
    assert short.logprob is None or short.target_tokens < ct2.output_limit(ct2.count_tokens("Hello."))


def test_ctranslate2_backend_finds_the_default_conversion(test_model_dir, tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2", reason="the optional extra ctranslate2 is not installed")
    monkeypatch.setenv("TRANSLATE_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ModelError, match="translate model convert --model"):
        load_backend("ctranslate2", str(test_model_dir), device="cpu")
    result = CliRunner().invoke(main, ["model", "convert", "--model", str(test_model_dir)])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "cache") in result.output
    engine = load_backend("ctranslate2", str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1))
    assert engine.translate(["Hello."])[0].text
    again = CliRunner().invoke(main, ["model", "convert", "--model", str(test_model_dir)])
    assert again.exit_code == 3 and "--force" in again.output


def test_missing_extra_fails_only_when_used_with_the_install_hint(test_model_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if not installed
    backend_class("ctranslate2")  # importing our module is fine
    with pytest.raises(ModelError, match=r'pip install "translate-newsroom\[ctranslate2\]"'):
        load_backend("ctranslate2", str(test_model_dir), device="cpu")
    result = CliRunner().invoke(main, ["model", "convert", "--model", str(test_model_dir), "--output", "x"])
    assert result.exit_code == 3 and "translate-newsroom[ctranslate2]" in result.output


def test_logits_processor_hook_reaches_generate(engine):
    calls = []

    def only_end_of_sentence(sources, beams):
        calls.append((list(sources), beams))

        def processor(input_ids, scores):
            eos = scores[:, 0].clone()
            scores[:] = -float("inf")
            scores[:, 0] = eos
            return scores

        return [processor]

    out = engine.translate(["Putin met Biden.", "Hello."], logits_processors=only_end_of_sentence)
    assert [t.text for t in out] == ["", ""]
    assert sorted(s for batch, _ in calls for s in batch) == ["Hello.", "Putin met Biden."]
    assert calls[0][1] == engine.settings.beam_size


class _FakeTokenizer:
    """Whitespace tokens; enough for the batching logic (a fake: the model is not under test)."""

    all_special_ids = [0]
    model_max_length = 512

    def __call__(self, text, add_special_tokens=True):
        return {"input_ids": [len(w) + 1 for w in text.split()] + [0]}

    def decode(self, ids, skip_special_tokens=True):
        return " ".join("w" * (i - 1) for i in ids)


class _RunsOutOfMemory(BatchEngine):
    """A fake backend that, like a GPU, fails any batch of more than ``fits`` rows.

    It tests the retry logic around the model, not the model: its "translation" echoes the input.
    """

    backend_name = "fake"

    def __init__(self, fits: int, error: BaseException, **settings):
        super().__init__(_FakeTokenizer(), model_id="fake", revision="0", device="cuda",
                         settings=EngineSettings(**settings))
        self.fits = fits
        self.error = error
        self.sizes: list[int] = []

    def _generate(self, batch, sources, processors=None):
        self.sizes.append(len(batch))
        if len(batch) > self.fits:
            raise self.error
        return [self._finish_row(ids, 1000) for ids in batch]


@pytest.mark.parametrize("error", [
    RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"),
    MemoryError(),
    type("OutOfMemoryError", (RuntimeError,), {})("CUDA error"),
])
def test_out_of_memory_halves_the_batch_and_keeps_order(error):
    texts = [" ".join(["word"] * (n % 5 + 1)) + f" n{n}" for n in range(20)]
    engine = _RunsOutOfMemory(fits=3, error=error, beam_size=1, max_batch_size=16, max_batch_tokens=10_000)
    out = engine.translate(texts)
    expected = [" ".join("w" * len(w) for w in t.split()) for t in texts]
    assert [t.text for t in out] == expected
    assert engine.stats.oom_retries >= 1
    assert engine.max_batch_size <= 3  # later batches start at the size that fitted
    assert max(engine.sizes[-2:]) <= 3


def test_out_of_memory_on_one_sentence_is_a_clear_error():
    engine = _RunsOutOfMemory(fits=0, error=RuntimeError("out of memory"), beam_size=1)
    with pytest.raises(ModelError, match="out of memory translating one segment"):
        engine.translate(["a b c"])


def test_other_errors_are_not_retried():
    engine = _RunsOutOfMemory(fits=0, error=ValueError("bad input"), beam_size=1)
    with pytest.raises(ValueError):
        engine.translate(["a b", "c d"])
    assert engine.sizes == [2]


def test_fast_encoding_matches_the_tokenizer(engine, seed_article):
    from translate.ingest.segment import split_sentences

    texts = split_sentences(seed_article.read_text("utf-8")) + ["Café “quoted” — 10 000 €", "a <b> tag", "x</s>y"]
    for text in texts:
        assert engine._encode_ids(text) == engine.tokenizer(text, add_special_tokens=True)["input_ids"], text


def test_ctranslate2_decoding_matches_the_tokenizer(ct2_model_dir):
    import random

    engine = load_backend("ctranslate2", str(ct2_model_dir), device="cpu", settings=EngineSettings(beam_size=1))
    tok = engine.tokenizer
    rng = random.Random(3)
    for _ in range(50):
        ids = [rng.randrange(tok.vocab_size) for _ in range(rng.randint(1, 20))]
        pieces = [p for p in tok.convert_ids_to_tokens(ids) if p not in engine._special_tokens]
        assert tok.convert_tokens_to_string(pieces) == tok.decode(ids, skip_special_tokens=True)
