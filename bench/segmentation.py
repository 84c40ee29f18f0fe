"""Sentence segmentation: our segmenter against general-purpose libraries, on our test set.

    python bench/segmentation.py [CASES.jsonl ...] [--failures]   (default: tests/data/sentences*.jsonl)

A case counts only when the whole list of sentences is exactly right (sentences compared without
surrounding whitespace). Libraries that are not installed are skipped; install the `bench` extra
(`pip install -e ".[bench]"`) for pysbd, blingfire and nltk. NLTK's Punkt needs its trained data,
which only its own downloader fetches (not pip): without it the untrained Punkt model is used and
said so.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_CASES = [REPO / "tests" / "data" / "sentences.jsonl", REPO / "tests" / "data" / "sentences_extra.jsonl"]


def load_cases(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(split: Callable[[str], list[str]], cases: list[dict]) -> tuple[int, list[dict], Counter]:
    ok, failures, per_cat = 0, [], Counter()
    for case in cases:
        got = [s.strip() for s in split(case["text"]) if s.strip()]
        if got == [s.strip() for s in case["sentences"]]:
            ok += 1
        else:
            failures.append({**case, "got": got})
            per_cat[case["category"]] += 1
    return ok, failures, per_cat


def segmenters() -> dict[str, Callable[[str], list[str]]]:
    from translate.ingest.segment import split_sentences

    found: dict[str, Callable[[str], list[str]]] = {"translate.ingest.segment": split_sentences}
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)
        found["pysbd"] = seg.segment
    except ImportError:
        pass
    try:
        import blingfire

        found["blingfire"] = lambda text: blingfire.text_to_sentences(text).split("\n")
    except ImportError:
        pass
    try:
        import nltk

        try:
            nltk.data.find("tokenizers/punkt_tab/english/")
            found["nltk punkt (trained)"] = lambda text: nltk.sent_tokenize(text, "english")
        except LookupError:
            from nltk.tokenize.punkt import PunktSentenceTokenizer

            found["nltk punkt (untrained: no data offline)"] = PunktSentenceTokenizer().tokenize
    except ImportError:
        pass
    return found


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv if not a.startswith("--")]
    cases = load_cases(paths or DEFAULT_CASES)
    show = "--failures" in argv
    print(f"{len(cases)} cases, {len({c['category'] for c in cases})} categories; whole cases exactly right:")
    for name, split in segmenters().items():
        started = time.perf_counter()
        ok, failures, per_cat = score(split, cases)
        ms = (time.perf_counter() - started) * 1000
        worst = ", ".join(f"{cat} {n}" for cat, n in per_cat.most_common(4))
        print(f"  {name:40s} {ok:4d}/{len(cases)}  {100 * ok / len(cases):5.1f}%  ({ms:.0f} ms)  misses: {worst or '-'}")
        if show:
            for fail in failures:
                print(f"    [{fail['id']} {fail['category']}] {fail['text']!r}\n      want {fail['sentences']}\n      got  {fail['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
