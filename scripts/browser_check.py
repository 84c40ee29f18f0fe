"""Open an HTML review report in a real headless browser (Debian's chromium) at laptop width.

    python scripts/browser_check.py REPORT.html [--screenshot docs/review-report.png] [--width 1366]

Two runs of chromium on a copy of the page: one takes the screenshot; the other loads the page
with a small measuring script appended (the report itself has no scripts) and prints the DOM, from
which the measures are read: page width against the window (no horizontal scrolling), the
table's width, how many insertions/deletions/terms/violations are rendered and visible. Exits
non-zero when the page is not usable at that width. Needs `apt-get install chromium`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]

MEASURE = """
<script>
(function () {
  function visible(sel) {
    return Array.from(document.querySelectorAll(sel)).filter(function (e) {
      var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0;
    }).length;
  }
  var table = document.querySelector('table');
  var cells = Array.from(document.querySelectorAll('td')).map(function (td) { return td.getBoundingClientRect().width; });
  var out = {
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    tableWidth: table ? table.getBoundingClientRect().width : 0,
    narrowestCell: cells.length ? Math.min.apply(null, cells) : 0,
    rows: document.querySelectorAll('tbody tr').length,
    ins: visible('ins'), del: visible('del'), terms: visible('mark.term'), violations: visible('.violation'),
    hter: (document.getElementById('article-hter') || {}).textContent || ''
  };
  var pre = document.createElement('pre'); pre.id = 'browser-check';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();
</script>
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, args: list[str], profile: Path, timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=timeout)


def check(report: Path, *, screenshot: Path | None = None, width: int = 1366, height: int = 900,
          timeout: int = 90) -> dict:
    """Measures of ``report`` rendered at ``width``; raises RuntimeError when chromium fails."""
    browser = find_chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        html = Path(report).read_text("utf-8")
        probe = tmp / "probe.html"
        probe.write_text(html.replace("</body>", MEASURE + "</body>"), "utf-8")
        size = f"--window-size={width},{height}"
        done = _run(browser, [size, "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()], tmp / "p1", timeout)
        found = re.search(r'<pre id="browser-check">(.*?)</pre>', done.stdout, flags=re.S)
        if not found:
            raise RuntimeError(f"chromium printed no measures (exit {done.returncode}): {done.stderr[-800:]}")
        measures = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
        if screenshot is not None:
            page = tmp / "page.html"
            page.write_text(html, "utf-8")
            shot = tmp / "shot.png"
            done = _run(browser, [size, f"--screenshot={shot}", page.as_uri()], tmp / "p2", timeout)
            if not shot.exists():
                raise RuntimeError(f"chromium made no screenshot (exit {done.returncode}): {done.stderr[-800:]}")
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, screenshot)
    return measures


def usable(m: dict) -> list[str]:
    """What makes the page unusable at its width (empty: usable)."""
    problems = []
    if m["scrollWidth"] > m["innerWidth"]:
        problems.append(f"horizontal scrolling: the page is {m['scrollWidth']} px wide in a {m['innerWidth']} px window")
    if m["tableWidth"] > m["innerWidth"]:
        problems.append(f"the table ({m['tableWidth']:.0f} px) is wider than the window")
    if m["rows"] and m["narrowestCell"] < 60:
        problems.append(f"a column is only {m['narrowestCell']:.0f} px wide")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--screenshot", type=Path, default=None)
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    measures = check(args.report, screenshot=args.screenshot, width=args.width, height=args.height)
    print(json.dumps(measures, indent=2))
    problems = usable(measures)
    for problem in problems:
        print(f"NOT USABLE: {problem}", file=sys.stderr)
    if args.screenshot:
        print(f"screenshot -> {args.screenshot}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
