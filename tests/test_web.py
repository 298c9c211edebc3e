"""Browser tests of the web UI in headless Chromium (Debian's /usr/bin/chromium via Playwright).

Skipped, with the reason, when Chromium or Playwright is missing. The server
runs in a background thread on a free loopback port over the hand-built
store from test_api (it includes a malicious article).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)")
uvicorn = pytest.importorskip("uvicorn")

from sitroom.api import create_app  # noqa: E402
from tests.test_api import EVIL_TEXT, build_store  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    build_store(db)
    yield from _serve(db)


@pytest.fixture(scope="module")
def demo_server(demo_db: Path) -> Iterator[str]:
    """The bundled demo corpus, ingested: real stories to browse."""
    yield from _serve(demo_db)


def _serve(db: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """Collects what must never happen: dialogs (alert), page errors, CSP violations."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()


@pytest.fixture()
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(10_000)
    watch = Watch(pg)
    yield pg, watch
    ctx.close()


def rows(pg: Any) -> list[str]:
    return pg.eval_on_selector_all("#events tbody tr[data-id]", "els => els.map(e => e.dataset.id)")


def wait_until(pg: Any, fn: str, arg: Any = None, timeout: float = 10.0) -> None:
    """Poll ``fn`` from Python: Playwright's wait_for_function evaluates its predicate with
    eval(), which the page's CSP (rightly) forbids."""
    deadline = time.monotonic() + timeout
    while True:
        if pg.evaluate(fn, arg):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {fn} ({arg!r})")
        pg.wait_for_timeout(50)


def wait_rows(pg: Any, expected: list[str]) -> None:
    wait_until(pg, "ids => JSON.stringify([...document.querySelectorAll('#events tbody tr[data-id]')]"
                   ".map(e => e.dataset.id)) === JSON.stringify(ids)", expected)


def test_main_page_filters_map_chart_and_screenshot(server: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/")
    # default: newest first, background (1953) hidden
    wait_rows(pg, ["ev_march", "ev_talks", "ev_evil", "ev_strike", "ev_undated"])
    assert pg.locator("#map path.country").count() > 150          # offline basemap drawn
    assert pg.locator("#map circle.pt").count() == 3               # three located events
    assert pg.locator("#chart rect.bar").count() >= 4
    assert pg.locator("#chart path.intensity, #chart circle.intensity-dot").count() >= 1
    # the most-reported event opens by itself, with its evidence highlighted
    pg.wait_for_selector("#detail .report mark")
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "screenshot-main.png"))
    assert (ARTIFACTS / "screenshot-main.png").stat().st_size > 10_000

    pg.select_option("select[name=country]", "IRQ")
    wait_rows(pg, ["ev_march", "ev_talks", "ev_strike"])
    pg.fill("input[name=since]", "2020-01-10")
    wait_rows(pg, ["ev_march", "ev_talks"])
    assert "country=IRQ" in pg.url and "since=2020-01-10" in pg.url
    href = pg.get_attribute("#export-csv", "href")
    assert href is not None and "country=IRQ" in href and "since=2020-01-10" in href
    wait_until(pg, "() => document.querySelectorAll('#map circle.pt').length === 1")
    assert watch.dialogs == [] and watch.errors == []


def test_open_event_shows_reports_with_trigger_marked(server: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/?sort=date")
    pg.wait_for_selector("#events tbody tr[data-id=ev_strike]")
    pg.click("#events tbody tr[data-id=ev_strike]")
    wait_until(pg, "() => document.querySelectorAll('#detail .report').length === 2")
    marks = pg.eval_on_selector_all("#detail .report mark", "els => els.map(e => e.textContent)")
    assert marks == ["struck", "hit"]
    outlets = pg.eval_on_selector_all("#detail .report .outlet", "els => els.map(e => e.textContent)")
    assert outlets == ["Gulf Ledger", "River Post"]
    assert "2020-01-08" in pg.inner_text("#detail .report >> nth=0")
    assert "injured" in pg.inner_text("#detail .disagree")
    assert "event=ev_strike" in pg.url
    assert watch.dialogs == [] and watch.errors == []


def test_story_page_timeline(server: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/story?id=all")
    pg.wait_for_selector(".timeline li")
    items = pg.eval_on_selector_all(".timeline li", "els => els.map(e => e.dataset.event)")
    assert "ev_strike" in items and "ev_coup" in items
    assert items.index("ev_coup") < items.index("ev_strike")        # 1953 first
    assert pg.locator(".key-item").count() >= 1
    assert "United States" in pg.inner_text(".story-cols")
    assert "injured" in pg.inner_text(".story-cols")                # disagreement
    pg.click(".timeline li[data-event=ev_strike] a")
    pg.wait_for_selector("#detail .report mark")
    assert watch.dialogs == [] and watch.errors == []


def test_malicious_article_renders_as_text(server: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(server + "/?event=ev_evil")
    pg.wait_for_selector("#detail .report mark")
    detail = pg.inner_text("#detail")
    assert "<script>alert('actor')</script>" in detail or "<b>organisers</b>" in detail
    assert "<img src=x onerror=alert('img')>" in pg.inner_text("#detail .report .sentence")
    pg.click("#detail .report .linkish")
    pg.wait_for_selector("#article-dialog[open]")
    shown = pg.inner_text("#article-text")
    assert "<img src=x onerror=alert('img')>" in shown and "window.__pwned" in shown
    assert "W" * 50 in pg.inner_text("#article-title")
    injected = pg.evaluate(
        "() => ({pwned: window.__pwned === 1,"
        " imgs: document.querySelectorAll('#detail img, #article-dialog img').length,"
        " scripts: [...document.scripts].filter(s => !s.src).length,"
        " links: [...document.querySelectorAll('#detail a')].map(a => a.href)})")
    assert injected["pwned"] is False and injected["imgs"] == 0 and injected["scripts"] == 0
    assert not any(h.startswith("javascript:") for h in injected["links"])
    assert watch.dialogs == [], watch.dialogs
    assert watch.errors == []
    assert EVIL_TEXT.split("<")[0] in shown


def test_phone_width_has_no_horizontal_scroll(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = ctx.new_page()
    try:
        watch = Watch(pg)
        pg.goto(server + "/?event=ev_evil")
        pg.wait_for_selector("#detail .report mark")
        width = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] + 1, width
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "screenshot-phone.png"))
        assert watch.errors == [] and watch.dialogs == []
    finally:
        ctx.close()


def test_artifacts_dir_is_not_tracked() -> None:
    """The screenshots are build output; the lead keeps artifacts/ in .gitignore."""
    ignore = Path(__file__).resolve().parents[1] / ".gitignore"
    if not ignore.exists() or shutil.which("git") is None:
        pytest.skip("no .gitignore or git here")
    assert "artifacts" in ignore.read_text()


def test_story_filter_from_story_page_to_dashboard(demo_server: str, page: tuple[Any, Watch]) -> None:
    pg, watch = page
    pg.goto(demo_server + "/story")
    pg.wait_for_selector(".timeline li")
    stories = pg.evaluate("() => fetch('/api/stories').then(r => r.json())")["items"]
    story = stories[1]
    pg.goto(demo_server + f"/story?id={story['id']}")
    pg.wait_for_selector(f"a[href='/?story={story['id']}']")
    pg.click(f"a[href='/?story={story['id']}']")
    pg.wait_for_selector("#events tbody tr[data-id]")
    assert pg.eval_on_selector("select[name=story]", "e => e.value") == story["id"]
    assert f"story={story['id']}" in pg.url
    expected = pg.evaluate(
        f"() => fetch('/api/events?story={story['id']}&background=false&limit=1').then(r => r.json())")
    assert 0 < expected["count"] < story["n_events"] + 1
    wait_until(pg, "n => document.getElementById('count').textContent === '· ' + n.toLocaleString()",
               expected["count"])
    assert watch.dialogs == [] and watch.errors == []
