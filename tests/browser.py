"""Headless chromium for the browser tests: Debian's `chromium` driven through `chromium-driver`
(Selenium, pointed at both binaries: nothing is downloaded). scripts/ensure_chromium.sh installs
them; without them a test skips on a developer's machine and fails under CI=true."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _browser_check():
    spec = importlib.util.spec_from_file_location("browser_check", REPO / "scripts" / "browser_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_chromium() -> str | None:
    return _browser_check().find_chromium()


def find_chromedriver() -> str | None:
    return shutil.which("chromedriver") or next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
                                                 if Path(p).is_file()), None)


def require(what: str, found) -> None:
    """Skip (locally) or fail (CI=true) when ``found`` is missing."""
    if found:
        return
    message = f"{what} is not installed (bash scripts/ensure_chromium.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; under CI browser tests never skip")
    pytest.skip(message)


def new_driver(width: int = 1366, height: int = 900):
    """A fresh headless chromium session (its own profile: cookies are not shared between two)."""
    browser, driver = find_chromium(), find_chromedriver()
    require("chromium", browser)
    require("chromium-driver (chromedriver)", driver)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)
