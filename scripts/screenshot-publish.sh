#!/usr/bin/env bash
# Publishes the example pair file (docs/examples/geneva-summit.xlf: a reviewed French version,
# every segment final) as an HTML page and as a draft, then photographs both pages in headless
# Chromium (Debian's `chromium` package) at laptop width. The screenshots go to docs/.
# Usage: scripts/screenshot-publish.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-${PYTHON:-python3}}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 1
fi
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/site/work" "$tmp/draft/work"
cp docs/examples/geneva-summit.xlf "$tmp/site/work/"
# The draft: the same article before review (every state set back to translated).
sed 's/state="final"/state="translated"/' docs/examples/geneva-summit.xlf > "$tmp/draft/work/geneva-summit.xlf"
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
export SOURCE_DATE_EPOCH=1623859200   # 2021-06-16: a stable published time for the pictures
for site in site draft; do
  printf '[translate]\nworkdir = "work"\n\n[publish]\nfr_url = "https://news.example.org/fr/{slug}/"\n' > "$tmp/$site/translate.toml"
  git init -q "$tmp/$site"   # the project root for translate.toml lookup
done
(cd "$tmp/site" && "$python" -m translate.cli publish geneva-summit)
(cd "$tmp/draft" && "$python" -m translate.cli publish geneva-summit --draft)

shoot() {  # shoot PAGE PNG
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$tmp/profile-$(basename "$2" .png)" \
    --hide-scrollbars --run-all-compositor-stages-before-draw --virtual-time-budget=3000 --window-size=1366,900 --screenshot="$2" "file://$1" 2>"$tmp/chromium.log" || {
      cat "$tmp/chromium.log" >&2; exit 1; }
  echo "screenshot: $2"
}
shoot "$tmp/site/corpus/fr/geneva-summit.html" "$repo/docs/publish-page.png"
shoot "$tmp/draft/corpus/fr/geneva-summit.html" "$repo/docs/publish-draft.png"
