"""The translator's part of `make demo`: what a CAT tool does to the XLIFF 1.2 hand-off file.

It rewrites the title's target as a post-editor would, marks every unit signed off (reviewed) and
saves the file, leaving everything else as it was. Usage: python scripts/demo_post_edit.py FILE.xlf
"""

from __future__ import annotations

import sys

from lxml import etree

X12 = "urn:oasis:names:tc:xliff:document:1.2"
TITLE_FR = "Poutine juge « assez constructif » son sommet avec Biden"


def main(path: str) -> None:
    tree = etree.parse(path)
    units = list(tree.getroot().iter(f"{{{X12}}}trans-unit"))
    for n, unit in enumerate(units):
        target = unit.find(f"{{{X12}}}target")
        if target is None:
            continue
        if n == 0 and not len(target):  # the title, when it carries no inline codes
            target.text = TITLE_FR
            print(f"  edited {unit.get('id')}: {TITLE_FR}")
        target.set("state", "signed-off")
        target.attrib.pop("state-qualifier", None)
    tree.write(path, xml_declaration=True, encoding="UTF-8")
    print(f"  {len(units)} units signed off in {path}")


if __name__ == "__main__":
    main(sys.argv[1])
