"""Compare our QA with Translate Toolkit's pofilter on the QA corpora (tests/data/qa/).

Translate Toolkit's import name (``translate``) clashes with ours, so it lives in its own
environment, and this script only calls its ``pofilter`` command:

    python3 -m venv /tmp/ttk && /tmp/ttk/bin/pip install translate-toolkit
    python scripts/pofilter_compare.py --pofilter /tmp/ttk/bin/pofilter --out /tmp/pofilter-run

Each corpus file is exported as XLIFF 1.2 (our exporter: inline codes as <g>/<x/>), pofilter runs
on it with the French checks (--language=fr), and the units it flags are read back from its
output. Printed: per file, how many segments each tool flags; for the bad drafts, which planted
faults each tool catches (any finding on the segment for pofilter, which has no equivalent of most
of our checks; the right check for ours); pofilter's checks by count.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

FILES = ["clean.jsonl", "clean_heldout.jsonl", "bad.jsonl", "bad_heldout.jsonl"]


def export(name: str, folder: Path) -> Path:
    from qa_corpus import articles_for, load

    from translate.core.article import Article
    from translate.formats.xliff12 import article_to_xliff12

    articles = articles_for(load(name))
    merged = Article(slug=name.split(".")[0], blocks=[b for a in articles for b in a.blocks])
    path = folder / f"{merged.slug}.xlf"
    path.write_bytes(article_to_xliff12(merged))
    return path


def pofilter_findings(pofilter: str, source: Path, folder: Path) -> dict[str, list[str]]:
    out = folder / f"{source.stem}.pofilter.xlf"
    # isfuzzy and hassuggestion are about the unit's state (not "approved" in XLIFF 1.2) and its
    # candidates (our MT drafts as alt-trans), not about its text.
    subprocess.run([pofilter, "--language=fr", "--excludefilter=isfuzzy", "--excludefilter=hassuggestion",
                    "-i", str(source), "-o", str(out)], check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    from lxml import etree

    found: dict[str, list[str]] = defaultdict(list)
    if not out.exists():
        return found
    root = etree.parse(str(out)).getroot()
    for unit in root.iter("{*}trans-unit"):
        for note in unit.iter("{*}note"):
            if note.get("from") != "pofilter":
                continue
            m = re.match(r"(?:\(pofilter\)\s*)?([\w-]+):", note.text or "")
            if m and m.group(1) not in ("isfuzzy", "hassuggestion"):
                found[unit.get("id")].append(m.group(1))
    return found


def ours(name: str) -> dict[str, list[tuple[str, str]]]:
    from qa_corpus import findings_by_item, load

    found, _ = findings_by_item(load(name))
    return {k: [(f.severity, f.check) for f in v] for k, v in found.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pofilter", default="/tmp/ttk/bin/pofilter")
    parser.add_argument("--out", type=Path, default=Path("/tmp/pofilter-run"))
    parser.add_argument("--json", action="store_true", help="Print the raw comparison as JSON.")
    args = parser.parse_args()
    from qa_corpus import load

    args.out.mkdir(parents=True, exist_ok=True)
    summary = {}
    pofilter_checks: Counter = Counter()
    for name in FILES:
        items = load(name)
        theirs = pofilter_findings(args.pofilter, export(name, args.out), args.out)
        mine = ours(name)
        for checks in theirs.values():
            pofilter_checks.update(checks)
        row = {"segments": len(items),
               "pofilter_flagged": sum(1 for i in items if theirs.get(i["id"])),
               "ours_error": sum(1 for i in items if any(s == "error" for s, _ in mine.get(i["id"], []))),
               "ours_warning_or_error": sum(1 for i in items if any(s != "info" for s, _ in mine.get(i["id"], [])))}
        row["pofilter_checks"] = dict(Counter(c for i in items for c in set(theirs.get(i["id"], []))).most_common())
        if name.startswith("bad"):
            per_check: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # planted, ours, pofilter
            for item in items:
                for check in item.get("expect", []):
                    per_check[check][0] += 1
                    per_check[check][1] += check in {c for _, c in mine.get(item["id"], [])}
                    per_check[check][2] += bool(theirs.get(item["id"]))
            row["per_check"] = {k: tuple(v) for k, v in sorted(per_check.items())}
            row["pofilter_by_item"] = {i["id"]: theirs.get(i["id"], []) for i in items if i.get("expect")}
        else:
            row["pofilter_by_item"] = {k: v for k, v in theirs.items()}
        summary[name] = row
    summary["pofilter_checks"] = dict(pofilter_checks.most_common())
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    for name in FILES:
        row = summary[name]
        print(f"{name}: {row['segments']} segments; pofilter flags {row['pofilter_flagged']}; ours: "
              f"{row['ours_error']} with an error, {row['ours_warning_or_error']} with a warning or error")
        print("  pofilter checks (segments):", ", ".join(f"{k} {v}" for k, v in row["pofilter_checks"].items()))
        for check, (planted, mine, theirs) in row.get("per_check", {}).items():
            which = Counter(c for i in load(name) if check in i.get("expect", []) for c in set(row["pofilter_by_item"].get(i["id"], [])))
            print(f"  {check:<26} planted {planted}  ours {mine}  pofilter (any check) {theirs}"
                  + (f"  [{', '.join(f'{k} {v}' for k, v in which.most_common())}]" if which else ""))
    print("pofilter checks fired:", ", ".join(f"{k} {v}" for k, v in summary["pofilter_checks"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
