"""Screenshots of the review app for docs/: the workspace page and an article page.

    python scripts/screenshot_review_app.py [--out docs]

Serves a temporary workspace holding the two example pair files (docs/examples/: the review
example, mid-review with illustrative drafts and post-edits, and the Geneva summit article, every
segment final) on a free loopback port, opens it in headless chromium (Debian's `chromium` and
`chromium-driver`; `bash scripts/ensure_chromium.sh` installs them), types an edit into one
segment so the live diff shows, and writes docs/review-app-workspace.png and
docs/review-app-article.png at laptop width.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()

    from selenium.webdriver.common.by import By

    from browser import find_chromedriver, find_chromium, new_driver
    from translate.review.web import make_server
    from translate.review.web.app import WebConfig, create_app

    if not find_chromium() or not find_chromedriver():
        print("chromium and chromium-driver are needed: bash scripts/ensure_chromium.sh", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        for name in ("review-example.xlf", "geneva-summit.xlf"):
            shutil.copy(REPO / "docs" / "examples" / name, work / name)
        app = create_app(WebConfig(workdir=work, glossary=REPO / "glossary", editor="desk"))
        server = make_server(app, "127.0.0.1", 0)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}/"
        driver = new_driver(args.width, args.height)
        try:
            driver.get(base)
            time.sleep(0.5)
            args.out.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out / "review-app-workspace.png"))
            driver.get(base + "a/review-example")
            rows = driver.find_elements(By.CSS_SELECTOR, "section.seg[data-id]")
            editable = next(r for r in rows if r.get_attribute("data-state") == "translated" and r.get_attribute("data-mt"))
            area = editable.find_element(By.TAG_NAME, "textarea")
            driver.execute_script("arguments[0].focus(); arguments[0].setSelectionRange(9999, 9999);", area)
            area.send_keys(" Ils ont parlé de cybersécurité.")
            driver.execute_script("window.scrollTo(0, 0);")
            time.sleep(0.5)
            driver.save_screenshot(str(args.out / "review-app-article.png"))
        finally:
            driver.quit()
            server.close()
    for name in ("review-app-workspace.png", "review-app-article.png"):
        print(f"screenshot: {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
