"""The cohort report as a person sees it: loaded from disk in headless Chromium (the operating system's
package, driven with Playwright's Python API), its DOM checked, a screenshot saved.

Skips where no Chromium is installed (``apt-get install chromium`` on Debian); under CI=true a
missing browser fails instead.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CI
from report_cohort import HOSTILE, graded_cohort, without_escaping

from grader.cli import main
from grader.cohort.report import page as html_report

pytestmark = pytest.mark.xdist_group("report-browser")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
"""Without the background-networking flags Chromium tries Google's hosts at every start."""


def _unavailable(reason: str):
    if CI:
        pytest.fail(f"CI must run the report's browser test, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """A Chromium of the operating system, with a fresh profile; every request outside the page is refused
    and recorded, every dialog recorded and dismissed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable('Playwright is not installed (pip install -e ".[test]")')
    if not Path(CHROMIUM).is_file():
        _unavailable("no Chromium is installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=FLAGS,
                                                            headless=True, viewport={"width": 1200, "height": 900})
        yield Browser(context)
        context.close()


class Browser:
    def __init__(self, context):
        self.context = context
        self.requests, self.dialogs = [], []
        context.route("**/*", self._route)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def open(self, path: Path):
        self.requests.clear()
        self.dialogs.clear()
        page = self.context.new_page()
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        return page


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return graded_cohort(tmp_path_factory.mktemp("browser"))


def test_the_report_in_a_browser(browser, report, tmp_path):
    _, _, book, path = report
    page = browser.open(path)
    for section in ("scores", "checks", "misconceptions", "changes", "errors", "similarity", "students"):
        assert page.locator(f"section#{section} h2").is_visible(), section
    counts = {key: int(page.locator(f"#count-{key}").inner_text()) for key in ("total", "graded", "error")}
    assert counts == {"total": len(book), "graded": sum(r["status"] == "graded" for r in book),
                      "error": sum(r["status"] == "error" for r in book)}
    assert page.locator("svg").count() == 2  # the histogram and the pass rates
    assert page.locator("tr.check").count() == 4
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000

    page.locator("#roster").locator("xpath=..").locator("summary").click()  # open the cohort table
    articles = page.locator("article.student")
    assert articles.count() == len(book) and not any(articles.nth(i).is_visible() for i in range(articles.count()))
    page.locator("#roster a", has_text="ada").click()
    shown = page.locator("article.student:visible")
    assert shown.count() == 1 and "score 4/4  all checks pass" in shown.inner_text()
    assert page.evaluate("location.hash").endswith("-ada")

    page.locator("#roster a", has_text=HOSTILE).click()
    shown = page.locator("article.student:visible")
    assert shown.locator("h3").inner_text() == HOSTILE  # shown as text, never as a tag
    assert "<script>window.pwned = 1</script>" in shown.inner_text()
    assert page.evaluate("window.pwned") is None and browser.dialogs == []
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert browser.requests == []
    page.close()


def _report_with(ws, subs, out: Path, monkeypatch, escaping: bool, policy: bool) -> Path:
    if not escaping:
        without_escaping(monkeypatch)
    if not policy:
        monkeypatch.setattr(html_report, "POLICY", "default-src * 'unsafe-inline'")
    result = CliRunner().invoke(main, ["--root", str(ws), "report", "0.1", str(subs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_without_escaping_the_policy_alone_stops_the_script(browser, report, tmp_path, monkeypatch):
    ws, subs, _, _ = report
    page = browser.open(_report_with(ws, subs, tmp_path / "r.html", monkeypatch, escaping=False, policy=True))
    assert page.locator("script").count() > 0  # the learner's tags are in the page ...
    assert page.evaluate("window.pwned") is None and browser.dialogs == []  # ... and do not run
    assert browser.requests == []
    page.close()


def test_with_both_defences_off_the_submission_runs(browser, report, tmp_path, monkeypatch):
    """The attack succeeding: what the escaping and the policy each prevent."""
    ws, subs, _, _ = report
    page = browser.open(_report_with(ws, subs, tmp_path / "r.html", monkeypatch, escaping=False, policy=False))
    assert page.evaluate("window.pwned") == 1
    assert browser.dialogs  # the <img onerror=alert(1)> student name
    assert any(url.startswith("http://127.0.0.1:9/") for url in browser.requests)
    page.close()
