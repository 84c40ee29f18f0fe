"""Fast by default: the precision and backend choices, their reasons, the int8 engine, the
quality guard's and the GPU benchmark's code paths (both in their tiny smoke modes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli.group import main
from translate.mt import precision
from translate.mt.backends import choose_backend
from translate.mt.engine import EngineSettings, MarianEngine
from translate.pipeline.workflow import _same_mt_settings

REPO = Path(__file__).resolve().parent.parent

TRAINED = {"max_changed_share": 0.02, "float32_exact_sentences": 0.9,
           "precisions": {"int8": {"changed_share": 0.004}, "bfloat16": {"changed_share": 0.001}}}
AVX2 = {"avx2", "fma"}
BF16 = {"avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16"}


@pytest.fixture(autouse=True)
def _plain_cpu_env(monkeypatch):
    for name in ("TRANSLATE_CPU_BF16", "TRANSLATE_CPU_INT8", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(precision.platform, "machine", lambda: "x86_64")


def test_native_bf16_cpu_takes_bfloat16():
    choice = precision.choose_cpu_dtype(BF16, TRAINED)
    assert choice.dtype == "bfloat16"
    assert "natively" in choice.explain() and "accepted" in choice.explain()


def test_avx2_cpu_without_bf16_takes_int8_with_the_guard_figure():
    choice = precision.choose_cpu_dtype(AVX2, TRAINED)
    assert choice.dtype == "int8"
    assert "no native bfloat16" in choice.explain()
    assert "0.40%" in choice.explain() and "limit 2%" in choice.explain()


def test_a_precision_over_the_limit_is_refused():
    record = json.loads(json.dumps(TRAINED))
    record["precisions"]["int8"]["changed_share"] = 0.05
    choice = precision.choose_cpu_dtype(AVX2, record)
    assert choice.dtype == "float32"
    assert "refused: int8 changes 5.00%" in choice.explain()
    # A record cannot loosen the limit written in the code.
    record["max_changed_share"] = 0.5
    assert precision.choose_cpu_dtype(AVX2, record).dtype == "float32"


def test_the_beam_search_figure_must_pass_too():
    record = json.loads(json.dumps(TRAINED))
    record["beam"] = {"beams": 4, "precisions": {"int8": {"changed_share": 0.003}}}
    choice = precision.choose_cpu_dtype(AVX2, record)
    assert choice.dtype == "int8" and "0.40% of greedy float32 tokens and 0.30% at beam 4" in choice.explain()
    # Greedy within the limit is not enough when beam search through the beam cache changes more.
    record["beam"]["precisions"]["int8"]["changed_share"] = 0.03
    choice = precision.choose_cpu_dtype(AVX2, record)
    assert choice.dtype == "float32" and "refused: int8 changes 0.40% of greedy float32 tokens and 3.00% at beam 4" in choice.explain()


def test_the_shipped_record_scores_the_default_path_at_beam_4():
    record = precision.guard_record()
    beam = record["beam"]
    assert beam["beams"] == 4 and {"float32", "int8", "bfloat16"} <= set(beam["precisions"])
    for dtype in ("int8", "bfloat16"):
        assert precision.guard_verdict(dtype, record)[0] is True


@pytest.mark.parametrize("record", [{}, {**TRAINED, "smoke": True}, {**TRAINED, "float32_exact_sentences": 0.1}])
def test_no_trained_guard_record_means_float32(record):
    assert precision.choose_cpu_dtype(AVX2, record).dtype == "float32"
    assert precision.choose_cpu_dtype(BF16, record).dtype == "float32"


def test_no_avx2_or_not_x86_means_float32(monkeypatch):
    assert precision.choose_cpu_dtype({"sse4_2"}, TRAINED).dtype == "float32"
    monkeypatch.setattr(precision.platform, "machine", lambda: "aarch64")
    assert precision.choose_cpu_dtype({"avx2", "asimd"}, TRAINED).dtype == "float32"


def test_isa_cap_and_switches_are_honoured(monkeypatch):
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    assert precision.choose_cpu_dtype(BF16, TRAINED).dtype == "int8"
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_AMX")
    assert precision.choose_cpu_dtype(BF16, TRAINED).dtype == "bfloat16"
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA")
    monkeypatch.setenv("TRANSLATE_CPU_BF16", "0")
    monkeypatch.setenv("TRANSLATE_CPU_INT8", "0")
    choice = precision.choose_cpu_dtype(BF16, TRAINED)
    assert choice.dtype == "float32" and "TRANSLATE_CPU_INT8=0" in choice.explain()


def test_asked_dtype_wins():
    assert precision.choose_dtype("float32", "cpu").dtype == "float32"
    assert precision.choose_dtype("float32", "cpu").reasons == ("--dtype float32 was asked for",)


def test_int8_engine_quantizes_the_linear_layers_and_stamps_it(test_model_dir):
    import torch

    engine = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(beam_size=1, dtype="int8"))
    assert engine.precision_name == "int8"
    assert not any(type(m) is torch.nn.Linear for m in engine.model.modules())
    assert type(engine.model.lm_head).__name__ == "Linear" and "quantized" in type(engine.model.lm_head).__module__
    out = engine.translate(["Putin met Biden in Geneva.", "", "Markets fell."])
    assert out[0].text and out[1].text == "" and out[2].text
    stamp = engine.stamp()
    assert stamp["dtype"] == "int8"
    float_stamp = dict(stamp)
    del float_stamp["dtype"]
    # Drafts made in another precision are not reused as if they were the same.
    assert not _same_mt_settings(float_stamp, stamp) and _same_mt_settings(stamp, dict(stamp))


def test_int8_is_cpu_only(test_model_dir):
    from translate.core.errors import ModelError
    from translate.mt.engine import _choose_precision

    with pytest.raises(ModelError, match="CPU only"):
        _choose_precision("int8", "cuda")


def _convert(model_dir: Path) -> Path:
    from translate.mt.backends.ctranslate2 import convert_model, default_output

    return convert_model(str(model_dir), default_output(str(model_dir), "int8"), quantization="int8")


def test_auto_backend_is_ctranslate2_once_converted(test_model_dir, tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CACHE", str(tmp_path / "cache"))
    name, reasons = choose_backend("auto", str(test_model_dir))
    assert name == "transformers" and "not converted" in reasons[0]
    lines: list[str] = []
    name, reasons = choose_backend("auto", str(test_model_dir), convert_allowed=True, on_progress=lines.append)
    assert name == "ctranslate2" and "converted on first use" in reasons[0]
    assert lines and lines[0].startswith("Converting ") and str(tmp_path / "cache") in lines[0]
    name, reasons = choose_backend("auto", str(test_model_dir))  # found now, no conversion
    assert name == "ctranslate2" and "is converted at" in reasons[0]
    # An asked-for transformers precision keeps the transformers backend.
    assert choose_backend("auto", str(test_model_dir), dtype="float32")[0] == "transformers"
    assert choose_backend("transformers", str(test_model_dir))[0] == "transformers"


def test_model_info_explains_backend_and_precision(test_model_dir, tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("TRANSLATE_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the settings search stops here
    runner = CliRunner()
    result = runner.invoke(main, ["model", "info", "--model", str(test_model_dir), "--dtype", "int8"])
    assert result.exit_code == 0, result.output
    assert "backend: transformers\n  why: --dtype int8 was asked for" in result.output
    assert "precision: int8\n  why: --dtype int8 was asked for" in result.output
    assert "dtype: int8" in result.output and "cpu: " in result.output
    # translate.toml allows converting: the auto backend converts on first use, and says so.
    (tmp_path / "translate.toml").write_text("[translate]\nctranslate2_convert = true\n")
    result = runner.invoke(main, ["model", "info", "--model", str(test_model_dir)])
    assert result.exit_code == 0, result.output
    assert "Converting " in result.output and "backend: ctranslate2" in result.output
    assert "converted on first use" in result.output and "compute-type: int8" in result.output
    # --compute-type belongs to CTranslate2: with the transformers backend it is a usage error.
    result = runner.invoke(main, ["model", "info", "--model", str(test_model_dir), "--backend", "transformers",
                                  "--compute-type", "int8"])
    assert result.exit_code == 2 and "CTranslate2 setting" in result.output


def test_translate_toml_precision_keys_are_checked(tmp_path):
    from translate.core.config import load_settings
    from translate.core.errors import ConfigError

    path = tmp_path / "translate.toml"
    path.write_text('[translate]\nbackend = "transformers"\ndtype = "int8"\ncompute_type = "int8_float32"\n')
    settings = load_settings(path=path)
    assert (settings.backend, settings.dtype, settings.compute_type, settings.ctranslate2_convert) == (
        "transformers", "int8", "int8_float32", False)
    path.write_text('[translate]\ndtype = "int4"\n')
    with pytest.raises(ConfigError, match="dtype must be one of"):
        load_settings(path=path)
    path.write_text('[translate]\nctranslate2_convert = "yes"\n')
    with pytest.raises(ConfigError, match="true or false"):
        load_settings(path=path)


def test_batch_budget_is_a_setting_and_an_option_that_model_info_reports(test_model_dir, tmp_path, monkeypatch):
    from translate.core.config import load_settings
    from translate.core.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the settings search stops here
    runner = CliRunner()
    common = ["model", "info", "--model", str(test_model_dir), "--backend", "transformers", "--device", "cpu"]
    result = runner.invoke(main, common)
    assert result.exit_code == 0, result.output
    assert "batch-tokens: 4096 padded source tokens x beams per batch, the CPU default" in result.output
    (tmp_path / "translate.toml").write_text("[translate]\nmax_batch_tokens = 8192\n")
    assert load_settings(path=tmp_path / "translate.toml").max_batch_tokens == 8192
    result = runner.invoke(main, common)
    assert result.exit_code == 0 and "batch-tokens: 8192 padded source tokens x beams per batch, asked for" in result.output
    result = runner.invoke(main, [*common, "--max-batch-tokens", "2048"])  # the option wins over the file
    assert result.exit_code == 0 and "batch-tokens: 2048 " in result.output
    result = runner.invoke(main, [*common, "--max-batch-tokens", "10"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    for bad in ("10", '"big"', "true", "2000000"):
        (tmp_path / "translate.toml").write_text(f"[translate]\nmax_batch_tokens = {bad}\n")
        with pytest.raises(ConfigError, match="max_batch_tokens must be an integer from 64 to 1,048,576"):
            load_settings(path=tmp_path / "translate.toml")


@pytest.mark.slow
def test_precision_guard_code_path_in_smoke_mode(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import precision_guard
    finally:
        sys.path.remove(str(REPO / "scripts"))
    assert precision_guard.transliterate("The quick thick sheep") == "ze kik zik khip"
    assert precision_guard.changed_tokens(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    record_path = tmp_path / "record.json"
    assert precision_guard.main(["--smoke", "--out", str(tmp_path / "model"), "--record", str(record_path)]) == 0
    record = json.loads(record_path.read_text())
    assert set(record["precisions"]) == {"int8", "bfloat16"} and record["smoke"] is True
    assert record["beam"]["beams"] == 4 and set(record["beam"]["precisions"]) == {"float32", "int8", "bfloat16"}
    for figures in [*record["precisions"].values(), *record["beam"]["precisions"].values()]:
        assert 0 <= figures["changed_share"] <= 1 and figures["changed_tokens"] >= 0
    # A smoke record (an untrained model) never lets a precision through.
    assert precision.guard_verdict("int8", record)[0] is False


@pytest.mark.slow
def test_gpu_benchmark_runs_on_cpu_in_smoke_mode(tmp_path, capsys):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import gpu_speed
    finally:
        sys.path.remove(str(REPO / "bench"))
    out_json = tmp_path / "rows.json"
    assert gpu_speed.main(["--smoke", "--work", str(tmp_path), "--static-cache", "--json", str(out_json)]) == 0
    rows = json.loads(out_json.read_text())
    names = {(r["beam"], r["row"]) for r in rows}
    assert {(1, "naive-fp32"), (2, "naive-fp32"), (1, "batched-float32-256"), (2, "batched-bfloat16-256")} <= names
    measured = [r for r in rows if "rate" in r]
    assert all(r["tokens"] > 0 and r["rate"] > 0 for r in measured)
    assert any(r["row"] == "batched-float32-256" and "rate" in r for r in rows)
    table = capsys.readouterr().out
    assert "| beam | row | dtype |" in table and "× batched bf16" in table
