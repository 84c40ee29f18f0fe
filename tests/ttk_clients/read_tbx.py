"""Translate Toolkit client: open a TBX file and print its entries as JSON (source, target).

Usage: read_tbx.py FILE.tbx
"""

import json
import sys

from translate.storage import tbx

store = tbx.tbxfile.parsefile(sys.argv[1])
store.setsourcelanguage("en")
store.settargetlanguage("fr")
print(json.dumps({"units": [{"id": u.getid(), "source": u.source, "target": u.target} for u in store.units]}))
