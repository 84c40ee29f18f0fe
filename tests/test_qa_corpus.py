"""The QA corpora (tests/data/qa/, see its README): every planted fault found by its check, few
false alarms on careful translations, and the planted faults ranked above the clean segments.

The held-out files were written before the checks were last tuned and are scored apart; the
thresholds below hold for both (the figures are in docs/qa.md).
"""

from __future__ import annotations

import pytest

from qa_corpus import articles_for, load, score_bad, score_clean

FALSE_ALARM_LIMIT = 0.05


@pytest.mark.parametrize("name", ["bad.jsonl", "bad_heldout.jsonl"])
def test_every_planted_fault_is_found_by_its_check(name):
    items = load(name)
    result = score_bad(items)
    assert result["missed"] == []
    if name == "bad.jsonl":  # the issue asks for at least three bad drafts per check
        from translate.qa.registry import all_checks

        assert set(result["per_check"]) == set(all_checks())
        assert all(planted >= 3 for _, planted in result["per_check"].values()), result["per_check"]


@pytest.mark.parametrize("name", ["clean.jsonl", "clean_heldout.jsonl"])
def test_false_alarms_on_clean_translations(name):
    items = load(name)
    result = score_clean(items)
    assert len(items) >= 15
    assert len(result["error_segments"]) / len(items) < FALSE_ALARM_LIMIT, result["findings"]
    assert len(result["warning_segments"]) / len(items) <= 0.12, result["findings"]


def test_planted_faults_rank_above_clean_segments():
    """Error-level planted faults score above every clean segment; warning-level ones above the median."""
    from statistics import median

    from translate.qa.registry import CHECKS
    from translate.qa.risk import rank
    from translate.qa.runner import run_qa

    clean = load("clean.jsonl") + load("clean_heldout.jsonl")
    every_bad = load("bad.jsonl") + load("bad_heldout.jsonl")  # consistency groups need their partners
    bad = [i for i in every_bad if i["expect"]]
    report = run_qa(articles_for(clean + every_bad))
    risk = {s.segment: s.risk for s in report.segments}
    clean_risks = [risk[i["id"]] for i in clean]
    for item in bad:
        severities = {CHECKS[c].severity for c in item["expect"]}
        if "error" in severities:
            assert risk[item["id"]] > max(clean_risks), item
        elif "warning" in severities:
            assert risk[item["id"]] > median(clean_risks), item
    clean_ids = {i["id"] for i in clean}
    ordered = [s.segment for s in rank(report.segments) if s.segment in clean_ids or s.segment in {i["id"] for i in bad}]
    errors = [i["id"] for i in bad if any(CHECKS[c].severity == "error" for c in i["expect"])]
    first_clean = min(ordered.index(i) for i in clean_ids)
    assert all(ordered.index(e) < first_clean for e in errors)  # riskiest first: every error before any clean
