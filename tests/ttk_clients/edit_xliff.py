"""Translate Toolkit client: open an XLIFF file (1.2 or 2.x), edit targets, save.

Runs in Translate Toolkit's own virtual environment (its import name is `translate`, like the
project's), never in the project's. Usage: edit_xliff.py IN.xlf EDITS.json OUT.xlf
EDITS.json: {segment id: {"target": text, "approve": bool}}. Prints what it saw as JSON.
"""

import json
import sys

from translate.storage import xliff, xliff2

path, edits_path, out = sys.argv[1:4]
with open(edits_path, encoding="utf-8") as handle:
    edits = json.load(handle)
with open(path, "rb") as handle:
    is_v2 = b"urn:oasis:names:tc:xliff:document:2.0" in handle.read()
# The factory goes by the .xlf extension (XLIFF 1.x); a 2.x file needs the 2.x class.
store = (xliff2.Xliff2File if is_v2 else xliff.xlifffile).parsefile(path)
seen, edited = [], []
for unit in store.units:
    if unit.isheader():
        continue
    sid = unit.xmlelement.get("id")
    seen.append({"id": sid, "source": unit.source, "target": unit.target})
    if sid in edits:
        unit.target = edits[sid]["target"]
        if edits[sid].get("approve"):
            unit.markapproved(True)
        edited.append(sid)
store.savefile(out)
# What the saved file holds, read again: a target with inline codes keeps them (Translate Toolkit
# replaces the text before the first code), so the text to expect back is the re-read one.
saved = type(store).parsefile(out)
targets = {u.xmlelement.get("id"): u.target for u in saved.units if not u.isheader()}
print(json.dumps({"class": type(store).__name__, "units": seen, "edited": edited, "saved": targets,
                  "target_language": store.gettargetlanguage()}))
