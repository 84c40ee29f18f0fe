"""The QA test corpora (tests/data/qa/): loading, turning items into articles, scoring.

An item is one English sentence and a French draft: ``source``, ``target``; optional ``mt`` (the
machine draft, default: the target when ``origin`` is mt), ``origin`` (default human), ``flags``,
``terms`` ([english, french] pairs the glossary locks), ``group`` (items of one group form one
article, for the consistency checks), ``expect`` (bad drafts: the check ids that must fire),
``from`` (where the English comes from). Inline codes are written in the texts as
``<pc id="1">...</pc>`` and ``<ph id="2"/>``. Used by tests/test_qa_corpus.py and
scripts/qa_corpus_report.py.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from translate.core.article import Article, Block, InlineCode, Segment, TermHit

DATA = Path(__file__).resolve().parent / "data" / "qa"
_TAG = re.compile(r'<pc id="([^"]+)">|</pc>|<ph id="([^"]+)"/>')


def parse_markup(text: str) -> tuple[str, list[InlineCode]]:
    """``a <pc id="1">link</pc> b`` → ("a link b", [pc 1 over "link"])."""
    out, codes, stack, pos = [], [], [], 0
    length = 0
    for m in _TAG.finditer(text):
        chunk = text[pos:m.start()]
        out.append(chunk)
        length += len(chunk)
        pos = m.end()
        if m.group(1):
            code = InlineCode(id=m.group(1), kind="pc", start=length, end=length, data="<em>", data_end="</em>")
            codes.append(code)
            stack.append(code)
        elif m.group(2):
            codes.append(InlineCode(id=m.group(2), kind="ph", start=length, end=length, data="<br/>"))
        elif stack:
            stack.pop().end = length
    out.append(text[pos:])
    return "".join(out), codes


def load(name: str) -> list[dict]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def segment_for(item: dict) -> Segment:
    source, codes = parse_markup(item["source"])
    target, target_codes = parse_markup(item["target"])
    origin = item.get("origin", "human")
    mt = item.get("mt", target if origin == "mt" else None)
    seg = Segment(id=item["id"], source=source, end=len(source), target=target, mt=mt, origin=origin,
                  state=item.get("state", "translated"), flags=list(item.get("flags", [])), codes=codes,
                  target_codes=target_codes, mt_logprob=item.get("mt_logprob"))
    for en, fr in item.get("terms", []):
        start = source.find(en)
        seg.terms.append(TermHit(entry_id=en, source_text=en, start=max(start, 0), end=max(start, 0) + len(en), target=fr))
    return seg


def articles_for(items: list[dict]) -> list[Article]:
    groups: dict[str, list[Segment]] = defaultdict(list)
    order: list[str] = []
    for item in items:
        key = item.get("group", item["id"])
        if key not in groups:
            order.append(key)
        groups[key].append(segment_for(item))
    return [Article(slug=key, blocks=[Block(id=f"u{key}", kind="paragraph", text="", segments=groups[key])])
            for key in order]


def run(items: list[dict], config=None):
    from translate.qa.runner import run_qa

    return run_qa(articles_for(items), config)


def findings_by_item(items: list[dict], config=None) -> dict[str, list]:
    report = run(items, config)
    out: dict[str, list] = defaultdict(list)
    for seg in report.segments:
        out[seg.segment] = list(seg.findings)
    return out, report


def score_clean(items: list[dict]) -> dict:
    """False alarms on clean items: segments with an error, with a warning, and per check."""
    found, _ = findings_by_item(items)
    errors = [i["id"] for i in items if any(f.severity == "error" for f in found[i["id"]])]
    warnings = [i["id"] for i in items if any(f.severity == "warning" for f in found[i["id"]])]
    per_check: dict[str, int] = defaultdict(int)
    for i in items:
        for check in {f.check for f in found[i["id"]] if f.severity != "info"}:
            per_check[check] += 1
    return {"segments": len(items), "error_segments": errors, "warning_segments": warnings, "per_check": dict(per_check),
            "findings": {i["id"]: [(f.severity, f.check, f.message) for f in found[i["id"]]] for i in items}}


def score_bad(items: list[dict]) -> dict:
    """Planted faults: for each item, whether each expected check fired (any severity)."""
    found, report = findings_by_item(items)
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # check -> [caught, planted]
    missed = []
    for item in items:
        fired = {f.check for f in found[item["id"]]}
        for check in item["expect"]:
            caught[check][1] += 1
            if check in fired:
                caught[check][0] += 1
            else:
                missed.append((item["id"], check, sorted(fired)))
    return {"per_check": {k: tuple(v) for k, v in caught.items()}, "missed": missed, "report": report}
