"""The dashboard's charts in Chromium on demo data, at desktop and phone width: drawn from the app's own files
without a console error or a Content-Security-Policy violation, a bar and a country open their lists with the
same counts, printing shows the tables; screenshots under artifacts/screenshots/."""
import re

import pytest
from playwright.sync_api import expect

from diaspora.extensions import db
from diaspora.reports.charts import iso_numeric
from tests.browser.conftest import screenshot
from tests.conftest import make_user

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-đủ-dài-1"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Recorded from the page's first moment (an init script runs outside the page's CSP).
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.cspViolations.push(event.violatedDirective + " " + event.blockedURI));
"""
# Pixels painted on each chart canvas (a blank canvas is all transparent).
PAINTED = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let index = 3; index < pixels.length; index += 4) { if (pixels[index]) painted++; }
  return painted;
})"""
# Where on the page a bar's middle is: the first bar of the countries chart.
FIRST_BAR = """() => {
  const canvas = document.querySelector("#chart-countries canvas");
  const bar = Chart.getChart(canvas).getDatasetMeta(0).data[0];
  const box = canvas.getBoundingClientRect();
  return {x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y, value: JSON.parse(canvas.dataset.chart).series[0].values[0]};
}"""
# A country of the map with people whose shape holds its own centre (not an archipelago's gap), on the page.
A_COUNTRY = """() => {
  const canvas = document.querySelector("#chart-map canvas");
  const chart = Chart.getChart(canvas);
  const box = canvas.getBoundingClientRect();
  const shapes = chart.getDatasetMeta(0).data;
  const raw = chart.data.datasets[0].data;
  const found = shapes.map((shape, index) => ({shape, point: raw[index]}))
    .filter(({shape, point}) => point.value && shape.inRange(shape.getCenterPoint().x, shape.getCenterPoint().y))
    .sort((a, b) => b.point.value - a.point.value)[0];
  const centre = found.shape.getCenterPoint();
  return {x: box.left + centre.x, y: box.top + centre.y, value: found.point.value, id: found.point.feature.id};
}"""


@pytest.fixture
def demo_register(seeded, runner):
    """400 demo people with their organisations, channels and activities, and a viewer to look at them."""
    result = runner.invoke(args=["demo-data", "--people", "400"])
    assert result.exit_code == 0, result.output
    make_user("viewer", email="lanh.dao@haiphong.example")
    db.session.remove()  # the live server writes next: this session must hold no SQLite lock


def _open_dashboard(browser, live_server, viewport):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport=viewport)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.fill("input[name=email]", "lanh.dao@haiphong.example")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    expect(page.locator(".chart-box.chart-drawn")).to_have_count(6)
    # Drawn once every canvas is painted and no chart is still animating in (functions, not strings: the
    # page's CSP forbids evaluating a string).
    page.wait_for_function(f"() => ({PAINTED})().every((painted) => painted > 500)")
    page.wait_for_function("() => Array.from(document.querySelectorAll('canvas[data-chart]'))"
                           ".every((canvas) => !Chart.animator.running(Chart.getChart(canvas)))")
    return context, page, errors


def _list_total(page) -> int:
    return int(re.search(r"([\d.]+)", page.locator(".search-summary").inner_text()).group(1).replace(".", ""))


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_charts_are_drawn_and_lead_to_their_lists(demo_register, browser, live_server, width):
    context, page, errors = _open_dashboard(browser, live_server, VIEWPORTS[width])
    try:
        assert min(page.evaluate(PAINTED)) > 500
        assert page.evaluate("window.cspViolations") == []
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[width]["width"]
        # Every script, style and the country shapes came from this server.
        hosts = page.evaluate("performance.getEntriesByType('resource').map((entry) => new URL(entry.name).host)")
        assert set(hosts) == {live_server.removeprefix("http://")}
        screenshot(page, f"dashboard-charts-{width}")

        # On paper the tables stand in for the canvases.
        page.emulate_media(media="print")
        expect(page.locator(".chart-box").first).to_be_hidden()
        expect(page.locator("#chart-fields table")).to_be_visible()
        page.emulate_media(media="screen")
        expect(page.locator("#chart-fields table")).to_be_hidden()

        # On a desktop the bar of the country with most people, on a phone a country of the map.
        chart, where = ("#chart-countries", FIRST_BAR) if width == "desktop" else ("#chart-map", A_COUNTRY)
        page.locator(f"{chart} canvas").scroll_into_view_if_needed()
        target = page.evaluate(where)
        page.mouse.click(target["x"], target["y"])
        expect(page).to_have_url(re.compile(r"/people/\?country=[A-Z]{2}$"))
        assert _list_total(page) == target["value"]
        if "id" in target:  # the country clicked is the one the list is of
            assert iso_numeric(page.url[-2:]) == target["id"]
        screenshot(page, f"dashboard-charts-{width}-clicked")
    finally:
        context.close()
