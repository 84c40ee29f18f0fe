"""Translation memory lookups on a memory of N segments (default 100,000).

    python bench/memory_lookup.py [--entries 100000] [--queries 300] [--threshold 75]

The memory is filled with synthetic news-like sentences, seeded: words drawn with a Zipf law
(the corpus articles' words first, then 30,000 made-up rarer ones, as news vocabulary has a long
tail), 8-35 words. Queries: a third are stored sentences (exact hits), a third are stored
sentences with one or two words changed (fuzzy hits), a third are new sentences. Reports the time
per lookup (exact, then fuzzy) and, as the baseline, the same word-level scoring by rapidfuzz's
extract over every entry (a full scan); the results must agree, and the ratio is baseline / ours.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.pipeline.memory import Entry, TranslationMemory, normalise, tokens  # noqa: E402


def vocabulary() -> list[str]:
    words: set[str] = set()
    for path in (REPO / "corpus" / "en").glob("*"):
        if path.is_file():
            words.update(re.findall(r"[A-Za-z][A-Za-z'-]+", path.read_text("utf-8", errors="ignore")))
    return sorted(words)


def zipf_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    words = vocabulary()
    letters = "abcdefghijklmnopqrstuvwxyz"
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(4, 11))) for _ in range(30_000)]
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return words, weights


_ZIPF: tuple[list[str], list[float]] | None = None


def draw(rng: random.Random, k: int) -> list[str]:
    global _ZIPF
    if _ZIPF is None:
        _ZIPF = zipf_vocabulary(random.Random(1))
    return rng.choices(_ZIPF[0], weights=_ZIPF[1], k=k)


def sentence(rng: random.Random, vocab: list[str]) -> str:
    words = draw(rng, rng.randint(8, 35))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def mutate(rng: random.Random, text: str, vocab: list[str]) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words))] = draw(rng, 1)[0]
    return " ".join(words) + "."


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threshold", type=float, default=75.0)
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the full scan (slow)")
    args = parser.parse_args()
    rng = random.Random(0)
    vocab = vocabulary()
    sources = [sentence(rng, vocab) for _ in range(args.entries)]
    third = args.queries // 3
    queries = ([rng.choice(sources) for _ in range(third)]
               + [mutate(rng, rng.choice(sources), vocab) for _ in range(third)]
               + [sentence(rng, vocab) for _ in range(args.queries - 2 * third)])

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.sqlite"
        start = time.perf_counter()
        with TranslationMemory.open(path) as tm:
            tm.add(Entry(source=s, target=f"[fr] {s}", origin="bench") for s in sources)
        fill = time.perf_counter() - start
        print(f"memory: {args.entries:,} entries, filled in {fill:.1f} s, {path.stat().st_size / 1e6:.1f} MB")

        with TranslationMemory.open(path) as tm:
            exact_t, fuzzy_t, hits_exact, hits_fuzzy = [], [], 0, 0
            for q in queries:
                t0 = time.perf_counter()
                hit = tm.exact(q)
                t1 = time.perf_counter()
                exact_t.append(t1 - t0)
                if hit is not None:
                    hits_exact += 1
                    continue
                found = tm.fuzzy(q, threshold=args.threshold)
                fuzzy_t.append(time.perf_counter() - t1)
                hits_fuzzy += bool(found)

            ours = {q: [m.score for m in tm.fuzzy(q, threshold=args.threshold)] for q in queries[third:]}

        from rapidfuzz import fuzz, process

        if not args.baseline:
            queries = queries[:third]  # nothing to compare

        keyed = {normalise(s): tokens(normalise(s)) for s in sources}
        keys, toks = list(keyed), list(keyed.values())
        base_t, disagree = [], 0
        for q in queries[third:] if args.baseline else []:
            t0 = time.perf_counter()
            found = process.extract(tokens(normalise(q)), toks, scorer=fuzz.ratio, score_cutoff=args.threshold, limit=4)
            base_t.append(time.perf_counter() - t0)
            scores = [float(score) for _, score, i in found if keys[i] != normalise(q)][:3]
            disagree += scores != ours[q]

    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    p95 = lambda xs: sorted(xs)[int(len(xs) * 0.95) - 1] * 1000  # noqa: E731
    print(f"exact lookup: median {ms(exact_t):.2f} ms, p95 {p95(exact_t):.2f} ms ({hits_exact} hits of {len(exact_t)})")
    print(f"fuzzy lookup: median {ms(fuzzy_t):.1f} ms, p95 {p95(fuzzy_t):.1f} ms ({hits_fuzzy} with matches >= "
          f"{args.threshold:.0f}% of {len(fuzzy_t)})")
    if base_t:
        print(f"baseline (word-level extract over all entries): median {ms(base_t):.1f} ms; "
              f"ratio baseline/ours {ms(base_t) / ms(fuzzy_t):.1f}x; {disagree} queries where the scores differ")
    per_article = (statistics.mean(exact_t) + statistics.mean(fuzzy_t)) * 40
    print(f"a 40-segment article: about {per_article:.2f} s of memory lookups")


if __name__ == "__main__":
    main()
