"""QA checks, settings, waivers and the risk score, on small hand-made segments."""

from __future__ import annotations

import pytest

from translate.core.article import Article, Block, Segment, Waiver, text_hash
from translate.core.errors import ConfigError
from translate.qa.config import QaConfig, qa_config
from translate.qa.registry import all_checks
from translate.qa.risk import confidence_points, rank, score
from translate.qa.runner import run_qa


def article(*pairs, origin="human", **extra) -> Article:
    segs = [Segment(id=f"s{i}", source=src, end=len(src), target=tgt, mt=tgt if origin == "mt" else None,
                    origin=origin, state="translated", **extra) for i, (src, tgt) in enumerate(pairs)]
    return Article(slug="a", blocks=[Block(id="u1", kind="paragraph", text="", segments=segs)])


def checks(report, seg="s0") -> set[str]:
    return {f.check for f in report.for_segment("a", seg).findings}


def test_registry_ids_are_stable_and_each_has_a_severity_and_title():
    found = all_checks()
    assert {"number-missing", "number-added", "number-changed", "number-format", "codes", "untranslated",
            "english-words", "repetition", "length-capped", "length-ratio", "end-punctuation", "entity-missing",
            "brackets", "glossary", "inconsistent-translation", "inconsistent-term"} <= set(found)
    assert all(c.severity in ("error", "warning", "info") and c.title for c in found.values())


def test_a_clean_pair_has_no_finding_and_a_bad_one_names_what_to_fix():
    good = run_qa([article(("Revenue rose 4.3% to $2.1 million on June 16.",
                            "Le chiffre d’affaires a augmenté de 4,3 % à 2,1 millions de dollars le 16 juin."))])
    assert good.findings == []
    bad = run_qa([article(("Revenue rose 4.3% to $2.1 million on June 16.",
                           "Le chiffre d’affaires a augmenté de 4,8 % à 2,1 millions de dollars le 16 juin."))])
    (finding,) = bad.findings
    assert finding.check == "number-changed" and finding.severity == "error"
    assert "4.3%" in finding.message and "4,3" in finding.message


def test_settings_switch_off_and_regrade(tmp_path):
    pair = ("Workers will return on Monday.", "Les salariés will return lundi.")
    assert checks(run_qa([article(pair)])) == {"english-words"}
    assert checks(run_qa([article(pair)], QaConfig(disabled=frozenset({"english-words"})))) == set()
    regraded = run_qa([article(pair)], QaConfig(severity={"english-words": "error"}))
    assert regraded.findings[0].severity == "error" and regraded.errors
    toml = tmp_path / "translate.toml"
    toml.write_text('[qa]\ndisable = ["length-ratio"]\nseverity = { english-words = "error" }\npublish_gate = false\n')
    config = qa_config(toml)
    assert config.disabled == {"length-ratio"} and config.severity == {"english-words": "error"} and not config.publish_gate
    for bad, words in [('[qa]\ndisable = ["no-such-check"]\n', "unknown check id"),
                       ('[qa]\nseverity = { codes = "fatal" }\n', "must be one of"),
                       ('[qa]\nfail = 1\n', "unknown [qa] setting")]:
        toml.write_text(bad)
        with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
            qa_config(toml)


def test_a_waiver_covers_its_check_on_the_text_it_was_given_for_only():
    art = article(("Police found 12 bodies.", "La police a trouvé 21 corps."))
    seg = art.segments[0]
    seg.waivers = [Waiver("number-changed", "desk", "2026-01-01T00:00:00Z", text_hash(seg.target), "checked")]
    report = run_qa([art])
    (finding,) = report.findings
    assert finding.waived and finding.waived_by == "desk" and report.errors == []
    seg.target = "La police a trouvé 31 corps."  # the text changed: the waiver no longer applies
    assert run_qa([art]).errors


def test_untranslated_and_names_that_may_stay():
    report = run_qa([article(("The Detroit police department is investigating.", "The Detroit police department is investigating."),
                             ("Colonial Pipeline", "Colonial Pipeline"), ("DarkSide", "DarkSide"))])
    assert checks(report, "s0") == {"untranslated"}
    assert checks(report, "s1") == set() and checks(report, "s2") == set()


def test_repetition_loop_and_length_capped_draft():
    art = article(("Putin meets Biden", "Poutine rencontre Biden rencontre Biden rencontre Biden"), origin="mt",
                  flags=["length-capped"])
    assert {"repetition", "runaway-length", "length-capped"} <= checks(run_qa([art]))


def test_codes_count_and_nesting():
    from qa_corpus import articles_for

    items = [{"id": "s0", "source": 'A <pc id="1">link</pc> here.', "target": "Un lien ici."},
             {"id": "s1", "source": 'A <pc id="1">b <pc id="2">c</pc></pc> d.', "target": 'Un <pc id="1">b</pc> <pc id="2">c</pc> d.'},
             {"id": "s2", "source": 'A <pc id="1">b</pc> and <pc id="2">c</pc>.', "target": 'Un <pc id="1">b</pc> et <pc id="2">c</pc>.'}]
    report = run_qa(articles_for(items))
    assert [f.check for f in report.for_segment("s0", "s0").findings] == ["codes"]
    assert "nested" in report.for_segment("s1", "s1").findings[0].message
    assert report.for_segment("s2", "s2").findings == []


def test_glossary_check_uses_the_glossary_or_the_pair_file_hits():
    from translate.core.article import TermHit

    art = article(("Vladimir Putin arrived.", "Vladimir Putin est arrivé."))
    art.segments[0].terms = [TermHit("e1", "Vladimir Putin", 0, 14, "Vladimir Poutine")]
    (finding,) = run_qa([art]).findings
    assert finding.check == "glossary" and "Vladimir Poutine" in finding.message


def test_consistency_across_articles():
    one = article(("Police have yet to make any arrests.", "La police n’a encore procédé à aucune arrestation."))
    two = article(("Police have yet to make any arrests.", "Aucune arrestation n’a eu lieu."))
    two.slug = "b"
    report = run_qa([one, two])
    assert checks(report) == set()
    assert {f.check for f in report.for_segment("b", "s0").findings} == {"inconsistent-translation"}


def test_risk_is_explained_and_ordered():
    seg = Segment(id="s", source="Markets fell sharply on Monday as investors fled.", target="x", mt="x", origin="mt",
                  flags=["term-forced"], mt_logprob=-1.0)
    total, line = score(seg, [])
    assert total == pytest.approx(10 + 8 + 15 + 8 / 8, abs=0.1)
    assert line.startswith(f"risk {total:g}: ") and "mt origin +10" in line and "model confidence -1.00/token +15" in line
    assert confidence_points(None) == 0 and confidence_points(-0.2) == 0 and confidence_points(-5) == 20
    human = Segment(id="h", source=seg.source, target="y", mt="x", origin="human", state="final", mt_logprob=-3.0)
    assert score(human, [])[0] < total  # a human, final segment: no MT confidence, no origin weight

    art = article(("Police found 12 bodies.", "La police a trouvé 21 corps."), ("Gold rose.", "L’or a progressé."),
                  ("Police found 12 bodies in the house.", "La police a trouvé 12 corps dans la maison."))
    report = run_qa([art])
    assert [s.segment for s in rank(report.segments)][0] == "s0"
    assert [s.segment for s in rank(report.segments)][1:] == ["s2", "s1"]  # then longer first: length adds risk
