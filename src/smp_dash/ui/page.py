"""Page furniture: opening a page, its header and footer, sections, headline figures and the words
around them.
"""

from __future__ import annotations

import html
import logging
from functools import lru_cache
from typing import NoReturn

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from smp_dash import demo, disclosure, intake, schema, store
from smp_dash.blocks import plain
from smp_dash.bundle import Bundle
from smp_dash.selection import LATEST, Filter, assessment_years
from smp_dash.ui import documents, run, sidebar
from smp_dash.ui.data import data
from smp_dash.ui.glossary import glossary_foot, words
from smp_dash.ui.signin import require_access

DEMO_NOTICE = f"**{demo.NOTICE_TITLE}** {demo.NOTICE_TEXT}"
PRESENT_DEMO_NOTICE = "**Demonstration data**: illustrative, except the figures the 2020-21 assessment states"
PRESENT_OPEN_NOTICE = "open mode, no sign-in"
OPEN_NOTICE = ("Open demonstration mode: sign-in is not configured, so anyone who can reach this address sees "
               "everything. Configure sign-in before loading real data (README, 'Access control').")
#: The focus ring's colour: the theme's primary colour (.streamlit/config.toml), 8.7:1 on white.
FOCUS_COLOUR = "#1f4e79"
#: A caption's grey, drawn solid: Streamlit fades a caption to 60% opacity, which leaves its text
#: 4.9:1 but a link in it (an abbreviation's first use) 3.0:1; this grey is 7.6:1 on white and 7.0:1
#: on the sidebar, and a link in it keeps the theme's link blue.
CAPTION_COLOUR = "#4B5563"
#: Presentation mode: larger type (Streamlit sizes in rem, so the root size scales everything), and
#: less space above the title so the headlines reach the first screen of a 1280x720 projector.
PRESENTATION_CSS = ("<style>html { font-size: 20px; } [data-testid='stMainBlockContainer'] { max-width: 1200px; "
                    "padding-top: 3.5rem; } [data-testid='stMain'] h1 { padding: 0 0 0.25rem; font-size: 1.6rem; } "
                    "[data-testid='stMain'] h3 { font-size: 1.25rem; padding: 0.25rem 0; }</style>")
#: On every page, at every width: a headline figure, its change and a button's label wrap instead of
#: being cut off ("1...", "beyond cha...", "Do..."), so does a control's label ("Show ward na..." in
#: presentation mode; page links: ACCESSIBLE_CSS), a table's figures stay whole on one line while its words wrap
#: (sections.table_html: a table wider than the page even so scrolls in its own box), narrow screens
#: stack the columns, and a ranking goes above its chart where the two would not fit side by side
#: (ui.blocks._ranking).
READABLE_CSS = """<style>
[data-testid='stMetricValue'], [data-testid='stMetricValue'] *, [data-testid='stMetricDelta'],
[data-testid='stMetricDelta'] *, [data-testid='stMetricLabel'] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; }
[data-testid='stMetricValue'] { font-size: clamp(1.5rem, 2.6vw, 2.25rem); line-height: 1.15; }
[data-testid='stMetricDelta'] { height: auto !important; align-items: flex-start; }
.stButton button, .stDownloadButton button, .stButton button *, .stDownloadButton button *,
[data-testid='stPopover'] button, [data-testid='stPopover'] button * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto; }
[data-testid='stTable'] td, [data-testid='stTable'] th { white-space: normal !important; vertical-align: top; }
[data-testid='stWidgetLabel'] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto; }
.smp-table { overflow-x: auto; }
.smp-table table { border-collapse: collapse; width: 100%; font-size: 0.875rem; margin: 0 0 0.5rem; }
.smp-table caption { caption-side: top; text-align: left; font-weight: 600; font-size: 1rem; padding: 0 0 0.5rem; }
.smp-table th, .smp-table td { border-bottom: 1px solid #d5dae1; padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
.smp-table thead th { font-weight: 600; border-bottom-width: 2px; }
.smp-table .n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.smp-table th.n { white-space: normal; }
[class*='st-key-ranking_'] { container-type: inline-size; }
@container (max-width: 900px) {
  [class*='st-key-ranking_'] [data-testid='stHorizontalBlock'] { flex-wrap: wrap; }
  [data-testid='stMain'] [class*='st-key-ranking_'] [data-testid='stHorizontalBlock'] > [data-testid='stColumn'] {
    min-width: 100% !important; }
}
@media (max-width: 900px) {
  [data-testid='stMain'] [data-testid='stHorizontalBlock'] { flex-wrap: wrap; }
  [data-testid='stMain'] [data-testid='stHorizontalBlock'] > [data-testid='stColumn'] { min-width: 45% !important; }
}
</style>"""

#: WCAG 2.2 AA, on every page: a focus ring (3:1 or more against white and the sidebar's blue-grey,
#: the theme's primary colour) on whatever the keyboard reaches, where Streamlit draws none (page
#: links) or a faint one (a half-transparent shadow). A select box rings its whole box (its focused
#: input is clipped inside it), a toggle its label (its input is visually hidden). In the navigation,
#: a gapless container, Streamlit's negative margins (meant to eat a gap) would overlap the headings
#: and links: without them each link keeps its 28 px, over WCAG 2.2's 24 px target size. A page
#: link's words wrap rather than end in "..." (presentation mode's larger type cut three of the menu's
#: and the overview's "Open complaints about young people...").
ACCESSIBLE_CSS = f"""<style>
:focus-visible, [role='group']:has(input[role='combobox']:focus-visible), label:has(input[role='switch']:focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px; }}
input[role='combobox']:focus-visible, input[role='switch']:focus-visible {{ outline: none !important; }}
.st-key-{sidebar.PAGES_KEY} [data-testid='stElementContainer'],
.st-key-{sidebar.PAGES_KEY} [data-testid='stMarkdownContainer'] {{ margin: 0; }}
.st-key-{sidebar.PAGES_KEY} h4 {{ font-size: 0.9rem; padding: 0.75rem 0 0.25rem; }}
[data-testid='stPageLink'] a span {{ white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }}
[data-testid='stCaptionContainer'] {{ opacity: 1; color: {CAPTION_COLOUR}; }}
</style>"""


#: What every page shows instead of its figures when the data store fails its check (``store.StoreDamaged``).
STORE_FAILED = "The data store failed its check: run `smp-dash check` or restore a version"
STORE_REPAIR = ("On the server, `smp-dash check` lists every file that fails and why; `smp-dash versions DATASET` "
                "lists the versions kept and `smp-dash restore DATASET VERSION` puts one back in use; a damaged "
                "manifest is restored from a backup. No figure, document or download is served from the store "
                "until it passes its check.")
_LOG = logging.getLogger(__name__)


def page(title: str, question: str) -> tuple[Bundle, Filter]:
    """Open a page: who is asking (checked once for the run), the shared data, the shared filter
    and the header. Every page starts here; a store that fails its check gets :func:`store_failed`
    in place of the page."""
    _through_app()
    person = require_access()
    try:
        bundle = data()
    except store.StoreDamaged as exc:
        store_failed(exc)
    view = sidebar.view(bundle, person)
    run.start(bundle, view, person)
    header(title, bundle, view, question)
    return bundle, view


def header(title: str, bundle: Bundle, view: Filter, question: str) -> None:
    """Page title (``{years}`` in it becomes the assessment's years for the view, e.g. 2025-26), the
    question it answers, the demonstration notice and the filter in words."""
    st.html(READABLE_CSS)
    st.html(ACCESSIBLE_CSS)
    if view.present:  # the view first, in one line, for the people watching the shared screen
        st.html(PRESENTATION_CSS)
        st.markdown(f"**Showing:** {summary(view, bundle)}")
    st.title(title.format(years=assessment_years(view)) if "{years}" in title else title)
    through = f"Data to {bundle.last_month:%b %Y}."
    if not view.present:
        st.caption(words(f"{question} {through}"))
    found = intake.kinds(bundle.provenance)
    real, demo_sets = found[intake.REAL], found[intake.DEMONSTRATION]
    open_mode = run.current().person.open_mode
    if demo_sets and real:
        st.warning(words(f"**Mixed data.** Real: {schema.named(*real)}. Demonstration (illustrative, not real): "
                         f"{schema.named(*demo_sets)}. Figures that combine them are illustrative."),
                   icon=":material/warning:")
    elif bundle.demo and view.present:   # one compact line on a shared screen, sign-in notice with it
        st.warning(PRESENT_DEMO_NOTICE + (f" · {PRESENT_OPEN_NOTICE}" if open_mode else ""), icon=":material/science:")
    elif bundle.demo:
        st.warning(words(DEMO_NOTICE), icon=":material/science:")
    if open_mode and not (view.present and bundle.demo):
        st.caption(":material/lock_open: " + OPEN_NOTICE)
    if bundle.boundary_error:
        st.error(f"Maps are unavailable: {bundle.boundary_error}", icon=":material/map:")
    if view.suppress and not view.present:
        st.info(words(disclosure.note()), icon=":material/visibility_off:")
    if not view.present:
        st.markdown(f"**Showing:** {html.escape(view.describe())}")


def summary(view: Filter, bundle: Bundle) -> str:
    """The view in one line, for presentation mode, whose sidebar is closed: "Whole borough · Calendar
    year 2020 · Disclosure control on: 1 to 4 shown as <5 · Data to Mar 2021"."""
    parts = [html.escape(view.area), html.escape(view.during())]
    if view.exclude_outliers:
        parts.append("flagged months excluded")
    parts.append("disclosure control on: 1 to 4 shown as <5")
    if view.kind != LATEST:    # the latest periods already say where the data ends
        parts.append(f"data to {bundle.last_month:%b %Y}")
    return " · ".join(part[:1].upper() + part[1:] for part in parts)


def store_failed(exc: store.StoreDamaged) -> NoReturn:
    """In place of a page: the data store failed its check (the file and what is wrong with it) and
    what to do; the run stops here, so no figure, sidebar or document is drawn. In the log once."""
    _say_in_log(str(exc))
    st.title("The data store failed its check")
    st.error(f"**{STORE_FAILED}.** {plain(exc)}.", icon=":material/gpp_bad:")   # a path's _ is no emphasis
    st.markdown(STORE_REPAIR)
    st.stop()


@lru_cache(maxsize=64)
def _say_in_log(problem: str) -> None:
    _LOG.error("The data store failed its check; no page is served from it: %s", problem)


def provenance_footer() -> None:
    """The provenance of the data in use, in one line at the foot of every page, and the meanings of the
    abbreviations the page linked."""
    groups: dict[str, list[str]] = {}
    for name, record in data().provenance.items():
        if record:
            kind = "demonstration data" if record.get("demo") else record["source"]
            groups.setdefault(f"{kind} (loaded {record['loaded_at'][:10]})", []).append(
                f"{schema.named(name)} {record['rows']:,} rows")
    st.divider()
    st.caption(words("Data in use: " + "; ".join(f"{', '.join(names)}: {kind}" for kind, names in groups.items())
                     + ". Details and earlier versions on the Data page."))
    glossary_foot()
    documents.build_asked()     # last: the page is readable while a document asked for is built


def section(title: str, *, present: bool = True) -> bool:
    """A section heading (markdown: pass words from a link or an upload through :func:`plain`).
    ``present=False``: presentation mode leaves the section out, heading, headlines, charts and
    maps (the page's design for a meeting). Returns whether the section is drawn, for the page's
    own widgets and words in it."""
    run.new_section(present)
    shown = present or not run.presenting()
    if shown:
        st.subheader(title)
    return shown


def metric(label: str, value, delta: str | None = None, *, help: str | None = None, delta_color: str = "off",
           delta_arrow: str = "auto") -> None:
    """A headline figure with its change (coloured only when the caller says the change is real;
    ``delta_arrow`` "up", "down" or "off" when the change's sign is not the direction it shows)."""
    if not run.allowed("metric"):
        return
    text = f"{value:,}" if isinstance(value, int) else value
    st.metric(words(label), text, delta=delta, delta_color=delta_color, help=help, delta_arrow=delta_arrow)


def footnote(source: str, period: str, caveat: str = "") -> None:
    """The source, period and caveats under a chart."""
    text = f"Source: {source}. Period: {period}."
    if caveat:
        text += f" {caveat}"
    st.caption(words(text))


def not_shown(title: str, why: str) -> None:
    """In place of a chart, table or map: what it would show and why it is not shown."""
    st.info(words(f"**{title}**: {why}"), icon=":material/visibility_off:" if "disclosure" in why else ":material/info:")








def _through_app() -> None:
    """Make sure app.py's navigation (and page config) is in force, even for a deep link.

    Streamlit decides once per process whether the app uses the legacy ``pages/`` folder: until
    some session has run app.py's ``st.navigation``, a link straight to ``/domestic_abuse`` on a
    freshly started server runs the page alone, with auto-generated navigation and no page
    config. The first such run switches the legacy mode off and reruns through app.py, which
    routes to the same page with the same URL.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
