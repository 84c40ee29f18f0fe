"""Which precision the transformers engine runs in, and why: CPU features, the guard record.

``--dtype auto`` on a CPU takes the fastest precision this machine has whose drafts are
acceptable:

1. ``bfloat16`` where the CPU computes it natively (AVX512-BF16 or AMX);
2. else dynamic ``int8`` (``torch.ao.quantization.quantize_dynamic`` of the linear layers,
   fbgemm kernels) on x86 CPUs with AVX2, where bench/mt_speed.py measured it faster than float32;
3. else ``float32``.

A reduced precision is taken automatically only when the quality guard accepted it: the share
of tokens its greedy outputs change against float32 on a trained model (see
scripts/precision_guard.py), and where the record has it the share its beam-search outputs
through the beam cache change against transformers' float32 ones, must stay at or under
:data:`CHANGED_SHARE_LIMIT`. The figures are
kept in ``translate/resources/precision_guard.json``, written by that script; the record says
how they were measured. Everything here is a pure function of the CPU flags and that record, so
``translate model info`` can explain the choice line by line.
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# The most a reduced precision may change: 2% of the float32 greedy tokens, compared position by
# position (a token shifted by an insertion counts as changed, so this is strict).
CHANGED_SHARE_LIMIT = 0.02
# A record counts only if the guard model had learnt its task (float32 greedy outputs exactly
# right on at least this share of held-out sentences): agreement between precisions of an
# untrained model means nothing.
MIN_GUARD_EXACT = 0.5
GUARD_RECORD = "precision_guard.json"

# oneDNN's ISA names, weakest first, for ONEDNN_MAX_CPU_ISA (a cap we honour: torch's bf16
# matrix products go through oneDNN, so capped below AVX512_CORE_BF16 they are emulated).
_ONEDNN_BF16 = ("AVX512_CORE_BF16", "AVX512_CORE_AMX", "AVX512_CORE_AMX_FP16", "AVX10_1_512_AMX", "ALL")


@dataclass(frozen=True)
class Choice:
    """A precision and the reasons for it, one line each (for ``translate model info``)."""

    dtype: str
    reasons: tuple[str, ...]

    def explain(self) -> str:
        return "; ".join(self.reasons)


def cpu_flags() -> set[str]:
    """The CPU's feature flags (from /proc/cpuinfo on Linux; empty where it cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def isa_capped_below_bf16() -> bool:
    """Whether ONEDNN_MAX_CPU_ISA keeps oneDNN (torch's bf16 GEMMs) from native bf16."""
    cap = os.environ.get("ONEDNN_MAX_CPU_ISA") or os.environ.get("DNNL_MAX_CPU_ISA") or ""
    return bool(cap) and cap.upper() not in _ONEDNN_BF16


def native_bf16(flags: set[str] | None = None) -> bool:
    """Whether this CPU computes in bfloat16 natively (AVX512-BF16 or AMX).

    Without it bf16 is emulated and slower than float32. ``TRANSLATE_CPU_BF16=0`` turns it
    off; so does a oneDNN ISA cap below bf16 (how bench/mt_speed.py --isa avx2 emulates an
    AVX2-only CPU).
    """
    if os.environ.get("TRANSLATE_CPU_BF16", "") == "0" or isa_capped_below_bf16():
        return False
    flags = cpu_flags() if flags is None else flags
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def int8_fast(flags: set[str] | None = None) -> bool:
    """Whether dynamic int8 is expected faster than float32 here: x86 with AVX2 (fbgemm).

    Measured by bench/mt_speed.py (engine-int8 against engine-fp32). ARM (qnnpack) was not
    measured, so it is not assumed.
    """
    if os.environ.get("TRANSLATE_CPU_INT8", "") == "0":
        return False
    flags = cpu_flags() if flags is None else flags
    return platform.machine().lower() in ("x86_64", "amd64") and "avx2" in flags


def guard_record(path: Path | None = None) -> dict:
    """The quality guard's figures: {precision: {"changed_share": float, ...}, ...}; {} if none."""
    try:
        if path is not None:
            text = Path(path).read_text("utf-8")
        else:
            text = resources.files("translate.resources").joinpath(GUARD_RECORD).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def guard_verdict(dtype: str, record: dict | None = None) -> tuple[bool, str]:
    """(accepted, why) for a reduced precision against the quality guard's record."""
    record = guard_record() if record is None else record
    if not record:
        return False, f"no quality-guard figure for {dtype} (run scripts/precision_guard.py)"
    if record.get("smoke") or float(record.get("float32_exact_sentences", 0) or 0) < MIN_GUARD_EXACT:
        return False, "the quality-guard record is not from a trained model (run scripts/precision_guard.py)"
    entry = (record.get("precisions") or {}).get(dtype)
    if not isinstance(entry, dict) or not isinstance(entry.get("changed_share"), (int, float)):
        return False, f"no quality-guard figure for {dtype} (run scripts/precision_guard.py)"
    share = float(entry["changed_share"])
    limit = float(record.get("max_changed_share", CHANGED_SHARE_LIMIT))
    limit = min(limit, CHANGED_SHARE_LIMIT)  # the record cannot loosen the rule in the code
    verdict = share <= limit
    beam = ""
    # Records since the beam cache also score beam search as translate run decodes (our cache
    # against transformers' float32 one); where that figure is there it must pass as well.
    beam_record = record.get("beam") if isinstance(record.get("beam"), dict) else {}
    beam_entry = (beam_record.get("precisions") or {}).get(dtype)
    if isinstance(beam_entry, dict) and isinstance(beam_entry.get("changed_share"), (int, float)):
        beam_share = float(beam_entry["changed_share"])
        verdict = verdict and beam_share <= limit
        beam = f" and {beam_share:.2%} at beam {beam_record.get('beams', '?')}"
    word = "accepted" if verdict else "refused"
    return verdict, (f"quality guard {word}: {dtype} changes {share:.2%} of greedy float32 tokens{beam} "
                     f"on the trained guard model (limit {limit:.0%})")


def choose_cpu_dtype(flags: set[str] | None = None, record: dict | None = None) -> Choice:
    """The precision ``--dtype auto`` takes on a CPU, with the reasons."""
    flags = cpu_flags() if flags is None else flags
    record = guard_record() if record is None else record
    reasons: list[str] = []
    if native_bf16(flags):
        ok, why = guard_verdict("bfloat16", record)
        if ok:
            return Choice("bfloat16", ("the CPU computes bfloat16 natively (avx512_bf16/amx_bf16)", why))
        reasons += ["the CPU computes bfloat16 natively", why]
    else:
        if os.environ.get("TRANSLATE_CPU_BF16", "") == "0":
            reasons.append("bfloat16 off (TRANSLATE_CPU_BF16=0)")
        elif isa_capped_below_bf16():
            reasons.append("no native bfloat16 (ONEDNN_MAX_CPU_ISA caps it)")
        else:
            reasons.append("no native bfloat16 on this CPU (no avx512_bf16/amx_bf16)")
    if int8_fast(flags):
        ok, why = guard_verdict("int8", record)
        if ok:
            return Choice("int8", (*reasons, "dynamic int8 of the linear layers is faster than float32 on x86 "
                                   "with AVX2 (bench/mt_speed.py)", why))
        reasons.append(why)
    else:
        reasons.append("int8 off (TRANSLATE_CPU_INT8=0)" if os.environ.get("TRANSLATE_CPU_INT8", "") == "0"
                       else "dynamic int8 not measured faster on this CPU (x86 with AVX2 only)")
    return Choice("float32", (*reasons, "float32"))


def choose_dtype(requested: str, device: str) -> Choice:
    """The precision for ``--dtype requested`` on ``device``, with the reasons."""
    if requested != "auto":
        return Choice(requested, (f"--dtype {requested} was asked for",))
    if device.startswith("cuda"):
        import torch

        if torch.cuda.is_bf16_supported():
            return Choice("bfloat16", ("CUDA card with bfloat16",))
        return Choice("float16", ("CUDA card without bfloat16",))
    if device == "mps":
        return Choice("float16", ("Apple MPS",))
    return choose_cpu_dtype()
