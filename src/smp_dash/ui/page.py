"""Page furniture: opening a page, its header and footer, sections, headline figures and the words
around them.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from smp_dash import demo, disclosure, intake, measures, metrics, periods, significance
from smp_dash.bundle import Bundle
from smp_dash.selection import Filter
from smp_dash.ui import run, sidebar
from smp_dash.ui.data import data
from smp_dash.ui.signin import require_access

DEMO_NOTICE = f"**{demo.NOTICE_TITLE}** {demo.NOTICE_TEXT}"
OPEN_NOTICE = ("Open demonstration mode: sign-in is not configured, so anyone who can reach this address sees "
               "everything. Configure sign-in before loading real data (README, 'Access control').")
#: Presentation mode: larger type (Streamlit sizes in rem, so the root size scales everything).
PRESENTATION_CSS = "<style>html { font-size: 20px; } [data-testid='stMainBlockContainer'] { max-width: 1200px; }</style>"
_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def page(title: str, question: str) -> tuple[Bundle, Filter]:
    """Open a page: who is asking (checked once for the run), the shared data, the shared filter
    and the header. Every page starts here."""
    _through_app()
    person = require_access()
    bundle = data()
    view = sidebar.view(bundle, person)
    run.start(bundle, view, person)
    header(title, bundle, view, question)
    return bundle, view


def header(title: str, bundle: Bundle, view: Filter, question: str) -> None:
    """Page title (``{years}`` in it becomes the assessment's years for the view, e.g. 2025-26), the
    question it answers, the demonstration notice and the filter in words."""
    st.title(title.format(years=assessment_years(view)) if "{years}" in title else title)
    st.caption(question)
    found = intake.kinds(bundle.provenance)
    real, demo_sets = found[intake.REAL], found[intake.DEMONSTRATION]
    if demo_sets and real:
        st.warning(f"**Mixed data.** Real: {', '.join(real)}. Demonstration (illustrative, not real): "
                   f"{', '.join(demo_sets)}. Figures that combine them are illustrative.", icon=":material/warning:")
    elif bundle.demo:
        st.warning(DEMO_NOTICE, icon=":material/science:")
    if run.current().person.open_mode:
        st.caption(":material/lock_open: " + OPEN_NOTICE)
    if bundle.boundary_error:
        st.error(f"Maps are unavailable: {bundle.boundary_error}", icon=":material/map:")
    if view.suppress:
        st.info(disclosure.note(), icon=":material/visibility_off:")
    if view.present:  # the filter in words, large, for the people watching the shared screen
        st.html(PRESENTATION_CSS)
        st.markdown(f"### Showing: {html.escape(view.describe())}")
    else:
        st.markdown(f"**Showing:** {html.escape(view.describe())}")


def provenance_footer() -> None:
    """The provenance of the data in use, in one line at the foot of every page."""
    groups: dict[str, list[str]] = {}
    for name, record in data().provenance.items():
        if record:
            kind = "demonstration data" if record.get("demo") else record["source"]
            groups.setdefault(f"{kind} (loaded {record['loaded_at'][:10]})", []).append(f"{name} {record['rows']:,} rows")
    st.divider()
    st.caption("Data in use: " + "; ".join(f"{', '.join(names)}: {kind}" for kind, names in groups.items())
               + ". Details and earlier versions on the Data page.")


def section(title: str) -> None:
    """A section heading (markdown: pass words from a link or an upload through :func:`plain`);
    in presentation mode a section shows one headline and one chart."""
    st.subheader(title)
    run.new_section()


def metric(label: str, value, delta: str | None = None, *, help: str | None = None, delta_color: str = "off") -> None:
    """A headline figure with its change (coloured only when the caller says the change is real)."""
    if not run.allowed("metric"):
        return
    text = f"{value:,}" if isinstance(value, int) else value
    st.metric(label, text, delta=delta, delta_color=delta_color, help=help)


def value_metric(value: measures.Value, *, decimals: int = 0, help: str | None = None) -> None:
    """A measure's headline (``measures.value``): its count and change, or, instead of a number,
    why there is none; never a 0 for data that is not there."""
    excluded = f"Excluded outlier months: {', '.join(value.excluded)}." if value.excluded else ""
    detail = " ".join(t for t in (help, *value.notes, excluded) if t) or None
    if not value.available:
        metric(value.label, "n/a", help=" ".join(t for t in (value.missing, detail) if t))
        if not run.presenting():
            st.caption(value.missing)
        return
    if not value.comparable:   # the reason under the figure: a delta this long would be cut off
        metric(value.label, value.guarded.text() if value.guarded and value.guarded.hidden else number(value.current),
               help=" ".join(t for t in (value.no_comparison + ".", detail) if t))
        if not run.presenting():
            st.caption(value.no_comparison)
        return
    change_metric(value.label, value.current, value.previous, value.period.previous().label, decimals=decimals,
                  help=detail, guarded=value.guarded)


def change_metric(label: str, current: float, previous: float, against: str, *, decimals: int = 0,
                  help: str | None = None, guarded: disclosure.Guarded | None = None) -> None:
    """A count with its change on the previous period and whether chance could explain it.

    Changes beyond chance (exact Poisson test, 5%) are coloured (a rise red, a fall green);
    changes within chance are grey; small numbers are labelled, never coloured. ``guarded``
    (a sensitive measure under disclosure control) hides the count or the change it says.
    """
    if guarded is not None and guarded.change_hidden:
        value = guarded.text() if guarded.hidden else number(current)
        metric(label, value, None, help=" ".join(t for t in (help, f"Change on {against} not shown.",
                                                             disclosure.HIDDEN_HELP) if t))
        return
    test = significance.poisson_change(current, previous)
    text = metrics.change_text(current, previous, against, decimals)
    short = "small numbers" if test.small_numbers else "beyond chance" if test.significant else "within chance"
    # The delta stays short enough for a narrow column; the counts behind it go in the help.
    delta = f"{metrics.format_pct(metrics.pct_change(current, previous), decimals)} · {short}" if text else None
    detail = f"{text} ({number(previous)} then). Change {test.verdict}; exact Poisson test." if text else None
    metric(label, number(current), delta, delta_color="inverse" if test.significant else "off",
           help=" ".join(t for t in (help, detail) if t))


def footnote(source: str, period: str, caveat: str = "") -> None:
    """The source, period and caveats under a chart."""
    text = f"Source: {source}. Period: {period}."
    if caveat:
        text += f" {caveat}"
    st.caption(text)


def not_shown(title: str, why: str) -> None:
    """In place of a chart, table or map: what it would show and why it is not shown."""
    st.info(f"**{title}**: {why}", icon=":material/visibility_off:" if "disclosure" in why else ":material/info:")


def stop_if_missing(title: str, why: str | None) -> None:
    """When the page's measure is not in the data loaded: say why, close the page (its footer too) and stop."""
    if why:
        not_shown(title, why)
        provenance_footer()
        st.stop()


def plain(text: str) -> str:
    """``text`` escaped so that Streamlit's markdown shows it as written: no link, image, emphasis or HTML."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in str(text))


def number(value, *, of: float | None = None) -> str:
    """A figure for display: "n/a" when missing, with its share of ``of`` when given."""
    if value is None or value != value:
        return "n/a"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} ({value / of * 100:.0f}%)" if of else text


def percent(value) -> str:
    """A share as the pages write it: "27%", or "n/a" when it is not in the data."""
    return "n/a" if value is None or value != value else f"{number(value)}%"


def assessment_years(view: Filter) -> str:
    """The strategic assessment's years for the view: "2020-21" when its assessment year (December
    to November) ends in 2020."""
    end = view.pick(periods.ASSESS_2020).end.year
    return f"{end}-{(end + 1) % 100:02d}"


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
