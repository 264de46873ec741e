"""The page at / and Swagger UI at /docs in a real headless Chromium (Debian's chromium and
chromium-driver; `.ci/run` installs them), against `timeline serve` over the shipped corpus.

Every test also reads the browser's network and console logs: no request may leave for another
host (CONTRACT.md) and the console shows no error (a Content-Security-Policy violation is one).
Without chromium the tests are skipped, saying why, unless CI is set: there they fail.
"""
import csv
import io
import json
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from backends import Server

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900"]
WAIT = 60


def chromium_problem() -> str | None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        return f"{' and '.join(missing)} not installed (apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(f"sqlite:///{tmp_path_factory.mktemp('page') / 'timeline.sqlite'}") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    problem = chromium_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and the browser tests cannot run: {problem}")
        pytest.skip(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, server):
    """The browser, its logs emptied before the test and checked after it."""
    browser.get_log("performance")
    browser.get_log("browser")
    REQUESTED.clear()
    yield browser
    requested = requests_of(browser)
    assert requested, "the network log is empty: nothing would be checked"
    # chrome:// is the browser's own pages (its start page), served from inside it: no host at all
    elsewhere = [url for url in requested if not url.startswith((server.base + "/", "data:", "chrome://"))]
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], f"console errors: {errors}"


REQUESTED: list[str] = []  # the URLs the browser requested during the current test


def requests_of(driver) -> list[str]:
    """Every URL requested so far in this test (the performance log is emptied as it is read)."""
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            REQUESTED.append(message["params"]["request"]["url"])
    return list(REQUESTED)


def wait_for(driver, condition, what):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(lambda d: condition(d), message=what)


def status_is(driver, text):
    from selenium.webdriver.common.by import By

    wait_for(driver, lambda d: d.find_element(By.ID, "status").text == text, f"status {text!r}")


def labels(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#events .event h2")]


def card(driver, label):
    from selenium.webdriver.common.by import By

    found = [e for e in driver.find_elements(By.CSS_SELECTOR, "#events .event") if e.find_element(By.TAG_NAME, "h2").text == label]
    assert len(found) == 1, (label, labels(driver))
    return found[0]


def test_the_page_draws_the_seed_timeline(page, server):
    from selenium.webdriver.common.by import By

    page.get(server.base + "/")
    status_is(page, "15 events")
    shown = labels(page)
    assert len(shown) == 15 and len(page.find_elements(By.CSS_SELECTOR, "#axis .marker")) == 15
    assert shown[0] == "Xi Jinping's trip" and shown[-1] == "Troops march through Beijing"  # ordered by start
    assert {"Vladimir Putin's visit to China", "Troops march through Red Square",
            "United States and China: tariffs agreed", "Shanghai Cooperation Organization meeting"} <= set(shown)

    putin = card(page, "Vladimir Putin's visit to China")
    assert putin.find_element(By.CSS_SELECTOR, ".when").text == "16 May 2024 – 17 May 2024"
    assert putin.find_element(By.CSS_SELECTOR, ".status").text == "announced"
    assert putin.find_element(By.CSS_SELECTOR, ".count").text == "6 sources"
    conflicts = putin.find_elements(By.CSS_SELECTOR, ".conflicts li")
    assert len(conflicts) == 3 and "“May 15-16” = 15 May 2024 – 16 May 2024, in Putin visiting China in mid-May" in conflicts[0].text
    sources = putin.find_elements(By.CSS_SELECTOR, ".source")
    assert len(sources) == 6
    rferl = [s for s in sources if "Putin to visit China on May 16-17" in s.find_element(By.TAG_NAME, "cite").text]
    assert rferl and rferl[0].find_element(By.CSS_SELECTOR, ".outlet").text == "RFE/RL, China In Eurasia"
    assert rferl[0].find_element(By.TAG_NAME, "time").text == "15 May 2024"
    assert rferl[0].find_element(By.CSS_SELECTOR, "blockquote mark").text == "May 16-17"
    assert rferl[0].find_element(By.CSS_SELECTOR, "blockquote").text.startswith("Russian President Vladimir Putin will visit China")

    link = putin.find_element(By.CSS_SELECTOR, "h2 a").get_attribute("href")
    event_id = link.rsplit("/", 1)[1]
    status, _, body = server.request("GET", f"/events/{event_id}")
    assert link == f"{server.base}/events/{event_id}" and status == 200
    assert json.loads(body)["label"] == "Vladimir Putin's visit to China"
    assert page.find_element(By.ID, "as-ics").get_attribute("href") == f"{server.base}/timeline?format=ics"


def test_the_type_filter_and_the_date_range_change_what_is_shown(page, server):
    from selenium.webdriver.common.by import By

    page.get(server.base + "/")
    status_is(page, "15 events")
    page.find_element(By.ID, "type-summit").click()
    status_is(page, "3 events")
    page.find_element(By.ID, "type-tariff").click()
    status_is(page, "2 events")
    assert labels(page) == ["Troops march through Red Square", "Troops march through Beijing"]
    assert len(page.find_elements(By.CSS_SELECTOR, "#axis .marker")) == 2

    page.find_element(By.ID, "reset").click()
    status_is(page, "15 events")
    page.execute_script("document.getElementById('from').value = '2025-01-01';"
                        "document.getElementById('to').value = '2025-12-31';")
    page.find_element(By.ID, "show").click()
    status_is(page, "7 events")
    assert labels(page)[0] == "BRICS meeting" and "Xi Jinping's trip" not in labels(page)

    page.find_element(By.ID, "type-parade").click()
    page.find_element(By.ID, "type-tariff").click()
    status_is(page, "4 events")
    assert labels(page) == ["BRICS meeting", "Xi Jinping's visit to Moscow",
                            "Scott Bessent and Jamieson Greer meeting in Geneva", "Shanghai Cooperation Organization meeting"]
    # the links to the formats carry the same filters: the CSV has the same four events
    href = page.find_element(By.ID, "as-csv").get_attribute("href")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    assert query == {"type": ["summit"], "from": ["2025-01-01"], "to": ["2025-12-31"], "format": ["csv"]}
    status, _, body = server.request("GET", href[len(server.base):])
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert status == 200 and [r["label"] for r in rows] == labels(page)
    assert urllib.parse.urlsplit(page.current_url).query == "type=summit&from=2025-01-01&to=2025-12-31"

    page.find_element(By.ID, "type-summit").click()  # no type left: nothing to show
    status_is(page, "0 events")
    assert labels(page) == []


def explain_in(page, server, text, published):
    from selenium.webdriver.common.by import By

    page.get(server.base + "/")
    status_is(page, "15 events")
    page.find_element(By.ID, "explain-text").send_keys(text)
    page.execute_script(f"document.getElementById('explain-published').value = {json.dumps(published)};")
    page.find_element(By.ID, "explain-button").click()
    wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#explain-result .explained, #explain-result .error"),
             "the explanation")
    return page.find_element(By.ID, "explain-result")


def test_the_explain_form_says_which_rule_fired_and_which_date_was_taken(page, server):
    from selenium.webdriver.common.by import By

    result = explain_in(page, server, "Putin will visit Beijing on May 16, the Kremlin said on Tuesday.", "2025-05-08")
    sentence = result.find_element(By.CSS_SELECTOR, ".explained")
    assert sentence.find_element(By.CSS_SELECTOR, "blockquote mark").text == "May 16"
    fired = [li.text for li in sentence.find_elements(By.CSS_SELECTOR, ".rules .fired")]
    assert fired == ["summit.state-visit: fired on “visit”"]
    dates = [li.text for li in sentence.find_elements(By.CSS_SELECTOR, ".dates li")]
    assert dates[0] == "May 16 = 2025-05-16 (DATE): taken: the date of the summit (summit.state-visit)"
    assert dates[1].startswith("Tuesday = 2025-05-06 (DATE): not taken: the date of a statement")
    assert "People: Vladimir Putin" in sentence.find_element(By.CSS_SELECTOR, ".actors").text
    assert sentence.find_element(By.CSS_SELECTOR, ".mentions").text == \
        "summit 2025-05-16 (announced): Vladimir Putin's visit to Beijing"


def test_the_explain_form_names_the_condition_that_failed(page, server):
    from selenium.webdriver.common.by import By

    text = ("Putin will visit Beijing, the Kremlin said, and the talks with Xi are expected to cover trade and "
            "energy ties in detail next month.")
    result = explain_in(page, server, text, "2025-05-08")
    assert result.find_elements(By.CSS_SELECTOR, ".rules .fired") == []
    near = [li.text for li in result.find_elements(By.CSS_SELECTOR, ".rules .not-fired")]
    visit = [t for t in near if t.startswith("summit.state-visit: not fired on “visit”")]
    assert visit and "date_within: no date within 8 words of 'visit'" in visit[0], near
    assert result.find_element(By.CSS_SELECTOR, ".dates li").text.startswith(
        "next month = 2025-06 (DATE): not taken: too far from the trigger")


def test_docs_render_swagger_ui_from_the_app_itself(page, server):
    from selenium.webdriver.common.by import By

    page.get(server.base + "/docs")
    wait_for(page, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 9, "Swagger UI's operations")
    operations = {(op.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text,
                   op.find_element(By.CSS_SELECTOR, ".opblock-summary-path").text)
                  for op in page.find_elements(By.CSS_SELECTOR, ".opblock")}
    assert operations == {("GET", "/timeline"), ("GET", "/events/{event_id}"), ("GET", "/articles"),
                          ("POST", "/articles"), ("GET", "/articles/{article_id}"), ("GET", "/rules"),
                          ("POST", "/rules/reload"), ("GET", "/healthz"), ("POST", "/explain")}
    assert page.find_element(By.CSS_SELECTOR, ".info .title").text.startswith("Newsroom timeline")
    requested = requests_of(page)  # the fixture checks that none of them left for another host
    assert f"{server.base}/openapi.json" in requested
    assert any("/static/vendor/swagger-ui-dist/" in url and url.endswith("/swagger-ui-bundle.js") for url in requested)


def test_markup_in_articles_is_shown_as_text(browser, tmp_path):
    from selenium.webdriver.common.by import By

    title = '<img src=x onerror="window.injected=1">Troops <b>to</b> march'
    article = {"title": title, "source": "<i>Wire</i>", "published": "2025-05-08", "url": "https://example.com/x",
               "text": "On Friday Chinese and Russian troops will march together through Red Square <script>x</script>."}
    (tmp_path / "no-articles").mkdir()
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", TIMELINE_CORPUS_DIR=str(tmp_path / "no-articles")) as server:
        browser.get_log("browser")
        status, _, _ = server.request("POST", "/articles", json.dumps(article).encode(), headers={
            "Content-Type": "application/json", "Authorization": "Bearer test-token"})
        assert status == 201
        browser.get(server.base + "/")
        status_is(browser, "1 event")
        source = browser.find_element(By.CSS_SELECTOR, "#events .source")
        assert source.find_element(By.TAG_NAME, "cite").text == title
        assert source.find_element(By.CSS_SELECTOR, ".outlet").text == "<i>Wire</i>"
        assert "<script>x</script>" in source.find_element(By.TAG_NAME, "blockquote").text
        assert browser.find_elements(By.CSS_SELECTOR, "#events img, #events b, #events i, #events script") == []
        assert browser.execute_script("return window.injected === undefined")
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
