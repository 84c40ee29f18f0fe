"""Build the review example: docs/examples/review-example.xlf and docs/review-report.html.

    python scripts/make_review_example.py

The English sentences come from the seed article. The "MT drafts" here are ILLUSTRATIVE: written
by hand in the manner of a first machine draft, because the real model (opus-mt-en-fr) cannot be
downloaded on the machine that built this example; the provenance stamp says so. The post-edits
are what a translator would make of them. Everything downstream (diff, HTER by sacrebleu, the
page, the glossary check) is the real code. Glossary terms are attached as term hits so the
report shows marking and a violation even before the glossary module lands.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from translate.core.article import Article, IdAllocator, Metadata, TermHit  # noqa: E402
from translate.core.fsio import atomic_write_text  # noqa: E402
from translate.ingest.reader import make_block  # noqa: E402
from translate.review.diffs import render_report, review_article  # noqa: E402
from translate.formats.xliff import write_pair_file  # noqa: E402

STAMP = {"tool": "translate", "model": "illustrative drafts (hand-written; the real model was not reachable)"}

# (kind, English, [(draft, post-edit, state)])
SPEC = [
    ("heading", "Putin Calls Summit With Biden ‘Quite Constructive’", [
        ("Poutine appelle le sommet avec Biden ‘assez constructif’",
         "Poutine juge « plutôt constructif » son sommet avec Biden", "final")]),
    ("paragraph", "Speaking at a press conference following his summit with President Biden in Geneva, Russian President "
                  "Vladimir Putin called the talks “quite constructive”. Putin also said he and Biden had reached an "
                  "agreement to start negotiations on cybersecurity.", [
        ("S'exprimant lors d'une conférence de presse après son sommet avec le président Biden à Genève, le président russe "
         "Vladimir Putin a qualifié les pourparlers de “assez constructifs”.",
         "S'exprimant lors d'une conférence de presse à l'issue de son sommet avec le président Biden à Genève, le président "
         "russe Vladimir Poutine a qualifié les discussions de « plutôt constructives ».", "reviewed"),
        ("Poutine a également dit que lui et Biden avaient conclu un accord pour commencer des négociations sur la cybersécurité.",
         "Poutine a également déclaré que Biden et lui étaient convenus d'entamer des négociations sur la cybersécurité.",
         "reviewed")]),
    ("quote", "“There was no hostility. Quite the contrary,” Putin said of the meeting with Biden.", [
        ("“Il n'y avait pas d'hostilité.", "« Il n'y a eu aucune hostilité.", "reviewed"),
        ("Bien au contraire”, a déclaré Putin à propos de la rencontre avec Biden.",
         "Bien au contraire », a dit Putin à propos de sa rencontre avec Biden.", "reviewed")]),
    ("paragraph", "The discussions between the two lasted two hours, but the two did not eat together. At most they "
                  "will have had refreshments, coffee and tea delivered by the restaurant next door.", [
        ("Les discussions entre les deux ont duré deux heures, mais les deux n'ont pas mangé ensemble.",
         "Les discussions entre les deux hommes ont duré deux heures, mais ils n'ont pas déjeuné ensemble.", "translated"),
        ("Tout au plus ils auront eu des rafraîchissements, du café et du thé livrés par le restaurant d'à côté.",
         "Tout au plus ils auront eu des rafraîchissements, du café et du thé livrés par le restaurant d'à côté.",
         "translated")]),
]
TERMS = {"Putin": "Poutine", "Biden": "Biden", "Geneva": "Genève"}


def build() -> Article:
    units, segs = IdAllocator("u"), IdAllocator("s")
    blocks = []
    for kind, english, rows in SPEC:
        block = make_block(kind, english, units, segs)
        assert len(block.segments) == len(rows), [s.source for s in block.segments]
        for seg, (draft, post, state) in zip(block.segments, rows):
            seg.mt, seg.target, seg.state = draft, post, state
            seg.origin = "mt" if post == draft else "human"
            for term, french in TERMS.items():
                start = seg.source.find(term)
                while start >= 0:
                    seg.terms.append(TermHit(entry_id=term.lower(), source_text=term, start=start,
                                             end=start + len(term), target=french))
                    start = seg.source.find(term, start + 1)
        blocks.append(block)
    return Article(slug="review-example", blocks=blocks,
                   metadata=Metadata(title="Putin Calls Summit With Biden ‘Quite Constructive’"))


def main() -> None:
    article = build()
    write_pair_file(REPO / "docs" / "examples" / "review-example.xlf", article, STAMP)
    review = review_article(article)
    atomic_write_text(REPO / "docs" / "review-report.html", render_report(review))
    print(f"HTER {review.hter * 100:.1f}% over {review.measured} segments, {review.edited} edited, "
          f"{review.violations} glossary violations -> docs/review-report.html")
    for item in review.segments:
        print(f"  {item.segment.id}  HTER {item.hter * 100:5.1f}%  {item.edits:g} edits / {item.words} words")


if __name__ == "__main__":
    main()
