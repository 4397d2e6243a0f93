"""Issue 18's "done when", in a real browser: open the queue, correct a unit slip and reject
another problem with the keyboard, publish; the next run shows both decisions in
``reconciliation``, ``curated`` and the report, and the file passes ``ionlit decisions check``.

Needs playwright (the ``dev`` extra) and Chromium at :data:`CHROMIUM` (``apt-get install
chromium``; playwright's own browser download is not used); skips naming what is missing.
Set ``IONLIT_REVIEW_SCREENSHOT=path.png`` to keep a screenshot of the problem page.
"""

import html
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.decisions import load_decisions
from extractors.publish import PublishSettings, read_corpus_dataset
from tests.conftest import ROOT, SEEDS
from tests.pipelines.conftest import DAGSTER_YAML, free_port

CHROMIUM = Path(os.environ.get("IONLIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CORRECTED_NOTE, REJECTED_NOTE = "the table prints mS/cm", "not the same sample"

playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="playwright is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def _cli(*args: str, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict]]:
    """The seeds (no decisions yet) run once into outputs under tmp, with their own instance."""
    tmp = tmp_path_factory.mktemp("review")
    seeds, outputs, home = tmp / "seeds", tmp / "outputs", tmp / "home"
    for part in ("pdfs", "curated"):
        shutil.copytree(SEEDS / part, seeds / part)
    (seeds / "decisions").mkdir()
    header = (SEEDS / "decisions" / "decisions.csv").read_text().splitlines()[0]
    (seeds / "decisions" / "decisions.csv").write_text(header + "\n")
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML.read_text().replace(
        "base_dir: .dagster/", f"base_dir: {home}/.dagster/"))
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    run = _cli("run", "--seeds", str(seeds), "--outputs", str(outputs), "--workers", "1", env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    yield seeds, outputs, env


@pytest.fixture
def server(project: tuple[Path, Path, dict]) -> Iterator[str]:
    seeds, outputs, env = project
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "review", "--seeds", str(seeds), "--outputs",
         str(outputs), "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/publish", timeout=1)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr \
                    else "ionlit review exited"
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_review_browser_corrects_a_unit_slip_rejects_another_and_publishes(
        project: tuple[Path, Path, dict], server: str) -> None:
    seeds, outputs, env = project
    decisions = seeds / "decisions" / "decisions.csv"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server)
        total = page.locator("#queue li").count()
        assert page.locator("#progress").inner_text() == f"0 of {total} decided"
        page.locator("#queue li a", has_text="unit_slip").first.click()
        slip = page.locator("#problem").get_attribute("data-problem")
        assert page.locator(".side.suspect .page-image").first.is_visible()
        page.fill("#curator", "browser-curator")
        page.fill("#note", CORRECTED_NOTE)
        page.locator("body").click(position={"x": 5, "y": 5})  # leave the fields: keys act
        suggested = page.locator("#value").get_attribute("placeholder")
        assert suggested, "a unit slip suggests the value the other sides give"
        if os.environ.get("IONLIT_REVIEW_SCREENSHOT"):
            page.screenshot(path=os.environ["IONLIT_REVIEW_SCREENSHOT"])
        page.keyboard.press("c")
        page.keyboard.type(suggested)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        other = page.locator("#problem").get_attribute("data-problem")
        assert other != slip
        page.fill("#note", REJECTED_NOTE)
        page.locator("body").click(position={"x": 5, "y": 5})
        with page.expect_navigation():
            page.keyboard.press("r")
        assert page.locator("#progress").inner_text() == f"2 of {total} decided"

        page.click("#publish-link")
        page.click("#run-publish")
        deadline = time.monotonic() + 900
        while page.locator("#publish-status.running").count() and time.monotonic() < deadline:
            time.sleep(2)
            page.reload()
        assert page.locator("#publish-status.done").count(), page.content()[-3000:]
        page.goto(f"{server}/problem/{slip}")
        assert page.locator("#status").inner_text() == "corrected"
        page.goto(f"{server}/problem/{other}")
        assert page.locator("#status").inner_text() == "rejected"
        browser.close()

    check = _cli("decisions", "check", str(decisions), "--reconciliation",
                 str(outputs / "datasets"), env=env, timeout=120)
    assert check.returncode == 0, check.stderr
    settings = PublishSettings(root=str(outputs / "datasets"))
    problems = read_corpus_dataset("problems", settings).set_index("problem_id")
    assert problems.loc[slip, "status"] == "corrected"
    assert problems.loc[other, "status"] == "rejected"
    reconciliation = read_corpus_dataset("reconciliation", settings)
    for pid, status in ((slip, "corrected"), (other, "rejected")):
        rows = reconciliation[reconciliation["problem_id"] == pid]
        assert len(rows) and set(rows["status"]) == {status}
    curated = read_corpus_dataset("curated", settings)
    suspects = set(problems.loc[slip, "suspect_record_ids"])
    decided = curated[curated["record_id"].isin(suspects)]
    assert len(decided) and set(decided["decision"]) == {"corrected"}
    report = (outputs / "reports" / "reconciliation.html").read_text(encoding="utf-8")
    for note in (CORRECTED_NOTE, REJECTED_NOTE):
        assert html.escape(note) in report


def _decided(page) -> int:
    return int(page.locator("#progress").inner_text().split(" of ")[0])


def test_review_browser_keys_move_accept_undo_and_skip(project: tuple[Path, Path, dict],
                                                        server: str) -> None:
    decisions = project[0] / "decisions" / "decisions.csv"
    before = decisions.read_bytes()
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server)
        first, decided = page.url, _decided(page)
        with page.expect_navigation():
            page.keyboard.press("j")
        second = page.url
        assert second != first
        with page.expect_navigation():
            page.keyboard.press("k")
        assert page.url == first
        with page.expect_navigation():
            page.keyboard.press("a")
        assert page.url.split("?")[0] == second.split("?")[0] and _decided(page) == decided + 1
        with page.expect_navigation():
            page.keyboard.press("u")
        assert _decided(page) == decided and decisions.read_bytes() == before
        with page.expect_navigation():
            page.keyboard.press("s")
        assert page.url != second and _decided(page) == decided
        material = page.locator("#bulk input[name=material]").get_attribute("value")
        page.fill("#curator", "bulk-curator")
        page.fill("#note", "bulk note")
        with page.expect_navigation():
            page.locator("#bulk button[value=rejected]").click()
        rows = load_decisions(decisions)
        bulk = rows[rows["note"] == "bulk note"]
        assert len(bulk) and set(bulk["curator"]) == {"bulk-curator"}
        assert _decided(page) == decided + len(bulk), material
        page.locator("body").click(position={"x": 5, "y": 5})
        with page.expect_navigation():
            page.keyboard.press("u")
        browser.close()
    assert decisions.read_bytes() == before
