"""The review app in a real browser (headless chromium through chromium-driver): the seed article
run through the test model, served on a free loopback port; edit a target and watch the live diff,
confirm, approve, hit a conflict from a second browser session, keyboard navigation, publish; then
the pair file and the published page on disk. Never skipped under CI=true (see tests/browser.py)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import new_driver
from translate.formats.xliff import read_pair_file
from translate.review.edit import SegmentEdit, edit_segments, segment_version

REPO = Path(__file__).resolve().parent.parent
SLUG = "putin-biden-geneva-summit"
pytestmark = pytest.mark.browser


@pytest.fixture
def served(engine, seed_article, workdir):
    """(base URL, workdir, the two segment ids the editors work on); every other segment reviewed earlier."""
    from translate.glossary.entries import load_glossary
    from translate.pipeline.workflow import run_articles

    assert not run_articles([seed_article], engine, workdir, glossary=load_glossary(REPO / "glossary")).failed
    with serve(workdir) as served:
        yield served


@contextmanager
def serve(workdir: Path):
    from translate.core.config import load_settings
    from translate.review.web import make_server
    from translate.review.web.app import WebConfig, create_app

    pair = workdir / f"{SLUG}.xlf"
    article, _ = read_pair_file(pair)
    # Two body sentences without glossary terms: an edit there cannot break the glossary gate.
    plain = [s for s in article.segments if not s.terms and len(s.source.split()) > 6]
    first, second = plain[0].id, plain[1].id
    earlier = [SegmentEdit(s.id, segment_version(s), "review") for s in article.segments if s.id not in (first, second)]
    edit_segments(pair, workdir, SLUG, earlier, by="earlier-reviewer")
    toml = workdir.parent / "translate.toml"
    toml.write_text('[translate]\nworkdir = "work"\n\n[publish]\nout = "fr"\n', "utf-8")
    app = create_app(WebConfig(workdir=workdir, glossary=REPO / "glossary", settings=load_settings(path=toml),
                               editor="desk"))
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/", workdir, first, second
    finally:
        server.close()
        thread.join(timeout=10)


@pytest.fixture
def browsers():
    made = []

    def make():
        made.append(new_driver())
        return made[-1]

    yield make
    for driver in made:
        driver.quit()


def wait(driver, condition, timeout: float = 15):
    from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                            WebDriverException)
    from selenium.webdriver.support.ui import WebDriverWait

    # Rows are replaced after each save (and the page after the editor's name is sent): an element
    # found a moment ago may be gone; look again. Chromium reports some of these races as a plain
    # "unknown error: ... does not belong to the document" rather than a stale element.
    ignored = (NoSuchElementException, StaleElementReferenceException)

    def check(d):
        try:
            return condition(d)
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc) and not isinstance(exc, ignored):
                return False
            raise

    return WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(check)


def click(driver, element) -> None:
    """Scroll ``element`` to the middle of the window first (the sticky header covers the top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def row(driver, seg_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, seg_id)


def on_disk(workdir: Path) -> dict:
    return {s.id: s for s in read_pair_file(workdir / f"{SLUG}.xlf", validate=True)[0].segments}


def test_edit_confirm_conflict_approve_and_publish_in_the_browser(served, browsers):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, workdir, first, second = served
    desk = browsers()
    desk.get(base)
    assert SLUG in desk.find_element(By.ID, "articles").text
    desk.find_element(By.LINK_TEXT, SLUG).click()
    wait(desk, lambda d: d.find_elements(By.ID, first))
    # The editor says who they are: approvals record it.
    name = desk.find_element(By.NAME, "editor")
    name.clear()
    name.send_keys("Desk Editor", Keys.ENTER)
    wait(desk, lambda d: d.find_element(By.NAME, "editor").get_attribute("value") == "Desk Editor")

    # 1. Post-edit a target: the live diff MT -> target shows the insertion before any save.
    area = row(desk, first).find_element(By.TAG_NAME, "textarea")
    area.clear()
    area.send_keys("Texte révisé par la rédaction.")
    wait(desk, lambda d: "révisé" in " ".join(e.text for e in row(d, first).find_elements(By.CSS_SELECTOR, ".diff ins")))
    assert row(desk, first).find_elements(By.CSS_SELECTOR, ".diff del")  # the MT words it replaced
    old_version = row(desk, first).get_attribute("data-version")
    click(desk, row(desk, first).find_element(By.CSS_SELECTOR, 'button[value="review"]'))
    wait(desk, lambda d: row(d, first).get_attribute("data-state") == "reviewed")
    assert row(desk, first).get_attribute("data-version") != old_version
    assert row(desk, first).find_element(By.CSS_SELECTOR, ".badge.state").text == "reviewed"
    seg = on_disk(workdir)[first]
    assert (seg.target, seg.state, seg.origin, seg.edited_by) == ("Texte révisé par la rédaction.", "reviewed", "human",
                                                                  "Desk Editor")

    # 2. A second editor in another browser session has the same segment open.
    other = browsers()
    other.get(base + f"a/{SLUG}")
    wait(other, lambda d: d.find_elements(By.ID, second))
    mine = row(desk, second).find_element(By.TAG_NAME, "textarea")
    mine.clear()
    mine.send_keys("Version de la rédactrice en chef.")
    ActionChains(desk).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()  # Ctrl+S saves
    wait(desk, lambda d: "Saved" in row(d, second).find_element(By.CSS_SELECTOR, ".message").text)
    theirs = row(other, second).find_element(By.TAG_NAME, "textarea")
    theirs.clear()
    theirs.send_keys("Version du second rédacteur.")
    click(other, row(other, second).find_element(By.CSS_SELECTOR, 'button[value="save"]'))
    panel = wait(other, lambda d: row(d, second).find_elements(By.CSS_SELECTOR, ".conflict"))[0]
    assert "Version de la rédactrice en chef." in panel.find_element(By.CSS_SELECTOR, ".theirs").text
    assert "Version du second rédacteur." in panel.find_element(By.CSS_SELECTOR, ".yours").text
    assert on_disk(workdir)[second].target == "Version de la rédactrice en chef."  # nothing overwritten
    click(other, panel.find_element(By.CSS_SELECTOR, ".take-theirs"))
    wait(other, lambda d: row(d, second).find_element(By.TAG_NAME, "textarea").get_attribute("value")
         == "Version de la rédactrice en chef.")

    # 3. Keyboard: Ctrl+Enter confirms the focused segment and moves to the next one.
    click(desk, row(desk, second).find_element(By.TAG_NAME, "textarea"))
    ActionChains(desk).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait(desk, lambda d: row(d, second).get_attribute("data-state") == "reviewed")
    wait(desk, lambda d: d.switch_to.active_element.tag_name == "textarea"
         and d.switch_to.active_element.find_element(By.XPATH, "./ancestor::section").get_attribute("id") != second)
    # Alt+Up goes back to it.
    ActionChains(desk).key_down(Keys.ALT).send_keys(Keys.ARROW_UP).key_up(Keys.ALT).perform()
    wait(desk, lambda d: d.switch_to.active_element.find_element(By.XPATH, "./ancestor::section").get_attribute("id")
         == second)

    # 4. Approve every reviewed segment: the state changes on the page and on disk, with who and when.
    total = desk.find_element(By.CSS_SELECTOR, '#progress [data-count="total"]').text
    click(desk, desk.find_element(By.CSS_SELECTOR, "#approve-all button"))
    wait(desk, lambda d: d.find_element(By.CSS_SELECTOR, '#progress [data-count="final"]').text == total)
    segs = on_disk(workdir)
    assert {s.state for s in segs.values()} == {"final"}
    assert segs[first].approved_by == "Desk Editor" and segs[first].approved_at

    # 5. Preview and publish through the gate.
    desk.find_element(By.LINK_TEXT, "Preview & publish").click()
    wait(desk, lambda d: d.find_elements(By.ID, "ready"))
    assert desk.find_elements(By.CSS_SELECTOR, "iframe.preview")
    click(desk, desk.find_element(By.ID, "publish"))
    wait(desk, lambda d: d.find_elements(By.ID, "published"))
    page = (workdir.parent / "fr" / f"{SLUG}.html").read_text("utf-8")
    assert "Texte révisé par la rédaction." in page and "Version de la rédactrice en chef." in page
    assert (workdir.parent / "index.json").is_file()
