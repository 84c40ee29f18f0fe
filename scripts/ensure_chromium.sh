#!/usr/bin/env bash
# Debian's chromium and chromium-driver for the browser tests (the review report, the review app).
# Idempotent: does nothing when both are installed. Called by `make test`.
# Under CI (CI=true) a failure to install is an error, so no browser test is ever skipped there;
# on a developer's machine without root it only warns (those tests then skip, saying why).
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
if { have chromium || have chromium-browser; } && have chromedriver; then
  exit 0
fi
fail() {
  echo "ensure_chromium: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "ensure_chromium: continuing; the browser tests will be skipped on this machine." >&2
  exit 0
}
have apt-get || fail "chromium/chromedriver missing and apt-get not found: install Chromium and its WebDriver (chromedriver) with your system's package manager."
sudo=""
if [ "$(id -u)" != "0" ]; then
  if have sudo && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    fail "chromium/chromedriver missing: run 'apt-get install -y chromium chromium-driver' as root."
  fi
fi
echo "ensure_chromium: installing chromium and chromium-driver (Debian packages)..." >&2
$sudo apt-get update -q >&2 || fail "apt-get update failed."
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium chromium-driver >&2 \
  || fail "apt-get install chromium chromium-driver failed."
have chromedriver || fail "chromium-driver installed but chromedriver is not on PATH."
