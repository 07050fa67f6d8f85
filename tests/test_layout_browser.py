"""Nothing cut, nothing overlapping, as Chromium draws it (issue 21): at 800 px with the sidebar open,
at 1280 px, and in presentation mode at 1280 px with the sidebar open, on a sample of pages that
between them hold every kind of table and chart (ranked tables side by side, long chart titles,
monthly charts with lockdowns, lying bars, a funnel plot, a district chart, MoRiLE's ranking beside
its chart). ``SMP_LAYOUT_ALL=1`` checks every page in the menu, at 1440 px and in presentation mode
with the sidebar closed too (about eight minutes on two cores).

The checks read the page as drawn, not only the DOM: a table cell's text must lie inside the
main area and inside its cell, a figure on one line; a chart's title and subtitle together must say
its whole title (its accessible name starts with it) and every text of the chart (title, ticks,
legend, lockdown labels, bar labels) must lie inside the chart and clear of every other. Full-page
screenshots go to ``artefacts/screenshots/layout_<page>_<mode>.png`` for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browsing import PAGE_TIMEOUT_MS, SCREENSHOTS, demo_server, wait_idle
from conftest import navigation

pytestmark = pytest.mark.browser

#: name: (viewport width, presentation mode, sidebar open).
MODES = {"800": (800, False, True), "1280": (1280, False, True), "present-1280": (1280, True, True),
         "1440": (1440, False, True), "present-1280-closed": (1280, True, False)}
#: The overview (three ranked tables side by side), ASB (the longest chart titles, lockdowns), domestic
#: abuse (a six-column ward table, a funnel plot), police data (lying bars, districts), the task force
#: (a table of eight rows, indexed lines), each in the first three modes; MoRiLE at 800 px, where its
#: ranking goes above its chart.
SAMPLE = [(path, mode) for path in ("", "community_protection", "domestic_abuse", "police_data", "task_force")
          for mode in ("800", "1280", "present-1280")] + [("morile", "800")]
EVERY = [("" if default else Path(file).stem, mode) for file, default in navigation() for mode in MODES]
CASES = EVERY if os.environ.get("SMP_LAYOUT_ALL") else SAMPLE

#: Text cut by the page: an element that hides what overflows it (an ellipsis, a clipped box)
#: while its content is wider. Charts, maps and the grid draw their own text; they are checked apart.
CUT_TEXT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Array.from(main.querySelectorAll('*')).filter(el => {
    if (el.offsetParent === null || !el.innerText || !el.innerText.trim()) return false;
    if (el.closest('[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"]'))
      return false;
    const style = getComputedStyle(el);
    const hides = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
    return hides && el.scrollWidth > el.clientWidth + 1;
  }).map(el => (el.closest('[data-testid]') || el).getAttribute('data-testid') + ': ' + el.innerText.slice(0, 60));
}"""
#: Every cell of the app's tables: inside the main area and inside its own box, a figure on one line.
#: A table may scroll sideways in its own box only when even its narrowest layout (each column as
#: narrow as its longest word or figure) is wider than the page, and then the keyboard must reach it.
TABLE_CELLS = """() => {
  const area = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
  const out = [];
  document.querySelectorAll('[data-testid="stMain"] .smp-table').forEach(wrap => {
    const table = wrap.querySelector('table'), name = (table.querySelector('caption') || wrap).innerText.slice(0, 40);
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls) {
      table.style.width = 'min-content';
      const least = table.getBoundingClientRect().width;
      table.style.width = '';
      if (least <= wrap.clientWidth + 1) out.push('scrolls sideways though it fits: ' + name);
      if (wrap.getAttribute('tabindex') !== '0' || !wrap.getAttribute('aria-label'))
        out.push('scrolls sideways out of reach of the keyboard: ' + name);
    }
    table.querySelectorAll('th, td, caption').forEach(cell => {
      const box = cell.getBoundingClientRect(), range = document.createRange();
      range.selectNodeContents(cell);
      const lines = Array.from(range.getClientRects());
      const text = cell.innerText.trim();
      if (!scrolls && (box.left < area.left - 1 || box.right > area.right + 1)) out.push('outside the page: ' + text);
      if (cell.scrollWidth > cell.clientWidth + 1) out.push('wider than its cell: ' + text);
      if (lines.some(r => r.left < box.left - 1 || r.right > box.right + 1)) out.push('drawn outside its cell: ' + text);
      if (cell.matches('td.n') && new Set(lines.map(r => Math.round(r.top))).size > 1) out.push('broken over lines: ' + text);
    });
  });
  return out;
}"""
#: Streamlit's grid scrolls sideways inside its box: a column out of sight is a cut. Only a grid of
#: raw rows (the Data page's newest 1,000), which scrolls down as well, may scroll sideways: every
#: table a page shows whole is plain HTML (``sections.WHOLE_ROWS``).
GRID_HIDDEN = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stDataFrame"] .dvn-scroller'))
  .filter(s => s.scrollWidth > s.clientWidth + 1 && s.scrollHeight <= s.clientHeight + 1)
  .map(s => s.closest('[data-testid="stDataFrame"]').getAttribute('data-testid'))"""
#: Each chart: its title as drawn (title and subtitle lines), its accessible name, and every text that
#: lies outside the chart or over another. A text is the box its glyphs are laid in, turned as it is
#: drawn (slanted tick labels), so two boxes overlap when no line between them separates them.
CHARTS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')).map(chart => {
  const svg = chart.querySelector('.main-svg'), box = svg.getBoundingClientRect();
  const lines = sel => Array.from(chart.querySelectorAll(sel)).map(t => {
      const spans = t.querySelectorAll('tspan.line');     // a text wrapped over lines
      return spans.length ? Array.from(spans).map(s => s.textContent).join(' ') : t.textContent; }).join(' ');
  const corners = t => { const b = t.getBBox(), m = t.getScreenCTM();
      return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]].map(([x, y]) => {
        const p = new DOMPoint(x, y).matrixTransform(m); return [p.x - box.left, p.y - box.top]; }); };
  const texts = Array.from(chart.querySelectorAll('svg text')).filter(t => t.textContent.trim()
      && t.closest('.hoverlayer') === null && getComputedStyle(t).opacity !== '0' && t.getBBox().width > 0)
    .map(t => ({text: t.textContent.slice(0, 40), corners: corners(t)}));
  const apart = (p, q) => [p, q].some(poly => poly.some((a, i) => {
      const b = poly[(i + 1) % 4], axis = [a[1] - b[1], b[0] - a[0]], length = Math.hypot(...axis);
      const along = c => (c[0] * axis[0] + c[1] * axis[1]) / length;
      const [p0, p1, q0, q1] = [Math.min(...p.map(along)), Math.max(...p.map(along)),
                                Math.min(...q.map(along)), Math.max(...q.map(along))];
      return p1 < q0 + 1 || q1 < p0 + 1; }));
  const problems = texts.filter(p => p.corners.some(([x, y]) => x < -1 || x > box.width + 1 || y < -1 || y > box.height + 1))
    .map(p => 'outside the chart: ' + p.text);
  texts.forEach((p, i) => texts.slice(i + 1).forEach(q => {
    if (!apart(p.corners, q.corners)) problems.push('overlapping: ' + p.text + ' / ' + q.text);
  }));
  return {title: lines('.gtitle'), subtitle: lines('.gtitle-subtitle'), name: chart.getAttribute('aria-label') || '',
          width: box.width, problems: problems};
})"""
#: The overview's ASB ward table, as the demonstration data has it (issue 21 saw "9, 5, 5, 5, 3" at 800 px).
ASB_WARDS = ["918", "585", "530", "518", "365"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("layout")) as url:
        yield url


def words(text: str) -> str:
    """Text without its punctuation and case: a title split over a subtitle loses a colon or a comma."""
    return " ".join(re.sub(r"[^\w%/<>.+-]+", " ", text).lower().split())


@pytest.mark.parametrize("path, mode", CASES, ids=[f"{p or 'overview'}-{m}" for p, m in CASES])
def test_nothing_is_cut_or_overlapping(browser, app_url, path, mode):
    width, present, sidebar = MODES[mode]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/{path}{'?present=1' if present else ''}")
    page.locator('[data-testid="stMain"] :is(h3, p):has-text("Showing:"), [data-testid="stException"]').first.wait_for(
        timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if sidebar and expand.count():          # narrow screens and presentation mode open with the sidebar closed
        expand.first.click()
        page.locator('[data-testid="stSidebarUserContent"]').wait_for(timeout=PAGE_TIMEOUT_MS)
        wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0

    cut = page.evaluate(CUT_TEXT)
    assert cut == [], cut
    cells = page.evaluate(TABLE_CELLS)
    assert cells == [], cells
    assert page.evaluate(GRID_HIDDEN) == []
    charts = page.evaluate(CHARTS)
    for chart in charts:
        drawn = words(f"{chart['title']} {chart['subtitle']}")     # none on the district map: its caption is under it
        assert words(chart["name"]).startswith(drawn), (chart["title"], chart["subtitle"], chart["name"])
        assert chart["problems"] == [], (chart["title"], chart["width"], chart["problems"])
    if path == "" and not present:
        table = page.locator(".smp-table", has=page.locator("caption", has_text="anti-social behaviour"))
        assert table.locator("td.n").all_inner_texts() == ASB_WARDS
    elif path == "":            # a shared screen lists them: "1. High Street: 918" (the second of three lists)
        items = page.locator('[data-testid="stMain"] li').all_inner_texts()
        assert [item.rsplit(": ", 1)[-1] for item in items[5:10]] == ASB_WARDS, items

    page.set_viewport_size({"width": width, "height": 4500})    # Streamlit scrolls its main area: a tall window
    wait_idle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"layout_{path or 'overview'}_{mode}.png"))
    context.close()
