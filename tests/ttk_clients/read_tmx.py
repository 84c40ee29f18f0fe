"""Translate Toolkit client: open a TMX file and print its units as JSON (source, target).

Usage: read_tmx.py FILE.tmx
"""

import json
import sys

from translate.storage import tmx

store = tmx.tmxfile.parsefile(sys.argv[1])
print(json.dumps({"units": [{"source": u.source, "target": u.target} for u in store.units],
                  "source_language": store.getsourcelanguage(), "target_language": store.gettargetlanguage()}))
