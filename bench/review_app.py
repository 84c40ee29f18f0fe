"""The review app: how long the article page takes for a 300-segment article, and a save.

    python bench/review_app.py [--segments 300] [--runs 15]

The article is built from the review example's sentences (docs/examples/review-example.xlf:
the seed article's English, MT-style drafts, post-edits), repeated to N segments in blocks of three (each made distinct
by a number), half of them post-edited, the glossary (glossary/) matched as in the app. Measured through Flask's test client
(the app's whole request path, without the network):

* article page, first view: read the pair file, review it (diffs, HTER per segment, glossary
  checks) and render it;
* article page, again: the review is cached per file version, so only the template renders;
* a save: the edit request (article lock, re-read, version check, atomic write, memory sync) and
  the row the page gets back (re-read and re-reviewed, since the file changed).

Medians over --runs; the machine's load shows in the spread (min-max printed too).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.core.article import Article, Block, Segment  # noqa: E402
from translate.formats.xliff import read_pair_file, write_pair_file  # noqa: E402


def build_article(n: int) -> Article:
    example, _ = read_pair_file(REPO / "docs" / "examples" / "review-example.xlf")
    pool = [s for s in example.segments if s.target and s.mt]
    blocks, count = [], 0
    while count < n:
        segs, pos, text = [], 0, []
        for _ in range(min(3, n - count)):
            src = pool[count % len(pool)]
            tag = f" [{count}]"  # every segment distinct: no score is reused within the article
            source = src.source + tag
            edited = count % 2 == 0
            mt = src.mt + tag
            target = (src.target + tag) if edited else mt
            segs.append(Segment(id=f"s{count:04d}", source=source, start=pos, end=pos + len(source), mt=mt, target=target,
                                state="translated", origin="human" if edited else "mt"))
            text.append(source)
            pos += len(source) + 1
            count += 1
        blocks.append(Block(id=f"u{len(blocks):04d}", kind="paragraph", text=" ".join(text), segments=segs))
    return Article(slug="bench-article", blocks=blocks)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def show(label: str, times: list[float]) -> None:
    ms = [t * 1000 for t in times]
    print(f"{label:<46} median {statistics.median(ms):8.1f} ms   (min {min(ms):.1f}, max {max(ms):.1f}, n={len(ms)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from translate.review.web.app import WebConfig, create_app

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        write_pair_file(work / "bench-article.xlf", build_article(args.segments), {"model": "bench"})
        size = (work / "bench-article.xlf").stat().st_size
        app = create_app(WebConfig(workdir=work, glossary=REPO / "glossary", editor="bench"))
        workspace = app.extensions["translate_review"]["workspace"]
        client = app.test_client()

        def get_page():
            response = client.get("/a/bench-article")
            assert response.status_code == 200
            return response.get_data(as_text=True)

        html = get_page()
        rows = html.count('<section class="seg ')
        print(f"{args.segments} segments ({rows} rows rendered), pair file {size / 1024:.0f} KiB, page {len(html) / 1024:.0f} KiB")

        def cold():
            workspace._cache.clear()
            workspace._scores.clear()
            get_page()

        show("article page, first view (read+review+render)", timed(cold, args.runs))
        show("article page, again (cached review)", timed(get_page, args.runs))
        token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
        counter = iter(range(10**6))

        def save():
            page = client.get("/a/bench-article/s/s0150", headers={"X-Requested-With": "fetch"}).get_json()
            version = page["version"]
            start = time.perf_counter()
            response = client.post("/a/bench-article/s/s0150", headers={"X-Requested-With": "fetch"},
                                   data={"csrf_token": token, "version": version, "action": "save",
                                         "target": f"Texte révisé numéro {next(counter)}."})
            assert response.status_code == 200, response.get_data(as_text=True)
            return time.perf_counter() - start

        saves = [save() for _ in range(args.runs)]
        show("save a segment (write + the row back)", saves)
    return 0


if __name__ == "__main__":
    sys.exit(main())
