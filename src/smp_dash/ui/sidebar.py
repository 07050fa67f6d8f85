"""The sidebar: the shared filter first (wards, period, display toggles, and the view as a data pack,
a draft assessment (Word) and tables (Excel)), then the app's pages.

Every page draws it through ``page()``, so the same code runs in the real app and under
``AppTest.switch_page``. Its widgets are bound to the URL, so a copied link reopens the same view
(e.g. ``?wards=Shepway+North&wards=Shepway+South&ptype=Calendar+year&period=2019``). Streamlit
forgets a widget's value when another page draws it; :func:`_keep` hands the value over, so the
view survives page switches with the widget key as its only home.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial

import pandas as pd
import streamlit as st

from smp_dash import access, blocks, config, outliers, periods, report, schema, spc, store
from smp_dash.bundle import Bundle
from smp_dash.selection import CHOICE_LABELS, CHOICES, LATEST, PUBLISHED, Filter
from smp_dash.ui import documents, run
from smp_dash.ui.data import data
from smp_dash.ui.documents import Document
from smp_dash.ui.glossary import glossary_popover
from smp_dash.ui.signin import account

#: The preset buttons: label (in the help), short label (on the button), wards. The middle button is the
#: widest ("Shepway" must fit on one line in the sidebar), hence columns of 2:3:2.
PRESETS = {
    "Whole borough": ("All", ()),
    "Task force focus area": ("Shepway", config.TASK_FORCE_WARDS),
    "Town centre": ("Town", config.TOWN_CENTRE_WARDS),
}
#: The months the 2020-21 assessment's periods run over (December 2019 to December 2020).
PUBLISHED_SPAN = (pd.Timestamp("2019-12-01"), pd.Timestamp("2020-12-01"))
#: Where presentation mode is kept between runs and pages (the toggle's own value is lost on a page change).
_PRESENT = "_present"
#: Where app.py leaves its menu for this run's sidebar (see :func:`menu`).
_MENU = "_menu"
#: The key of the navigation's container: its class is ``st-key-pages``, which the browser tests find it by.
PAGES_KEY = "pages"
SUPPRESS_HELP = ("Counts of 1 to 4 of domestic abuse, needle finds and hate crime are shown as <5 wherever they "
                 "appear for a ward or a ward selection (and figures that would reveal them are hidden). Always "
                 "on in presentation mode and for viewers.")


def view(bundle: Bundle, person: access.Access) -> Filter:
    """Draw the shared filter and return the view it describes (once per run, by ``page()``)."""
    st.sidebar.markdown("### View")
    names = _wards(bundle)
    kind, period = _period(bundle)
    exclude, present, suppress = _display(person)
    control = _control(bundle)
    codes = bundle.ward_codes
    chosen = Filter(tuple(codes[n] for n in names), tuple(names), kind, period, exclude, present, suppress,
                    bundle.spans, control)
    if person.can_download_pack:
        _document_buttons(chosen, bundle)
    _pages()
    glossary_popover(bundle.population)
    account(person)
    return chosen


def menu(pages: dict) -> None:
    """Keep app.py's menu (section heading: its ``st.Page``s) for this run's sidebar, which draws it
    below the view. The app draws its own navigation, headings and links, because Streamlit's
    sidebar menu comes before everything else in the sidebar (the ward filter started 750 px down)
    and its markup fails WCAG's list rules (a ``ul`` whose children are ``div``s)."""
    st.session_state[_MENU] = pages


def add_ward(name: str) -> None:
    """Add a ward (by name) to the shared filter; used by map clicks."""
    current = list(st.session_state.get("wards", []))
    if name and name not in current:
        _set_wards(tuple(current + [name]))


def period_choices(bundle: Bundle) -> tuple[str, ...]:
    """The period choices the data supports: "As in the 2020-21 assessment" only when it covers
    that assessment's periods, and the other kinds only when the data holds one to compare."""
    first, last = bundle.first_month, bundle.last_month
    published = first <= PUBLISHED_SPAN[0] and last >= PUBLISHED_SPAN[1]
    return tuple(c for c in CHOICES if (c != PUBLISHED or published) and
                 (c in (PUBLISHED, LATEST) or periods.available(c, first, last, comparable=True)))


def _wards(bundle: Bundle) -> list[str]:
    """The preset buttons and the ward box; the names chosen."""
    names = sorted(bundle.wards["ward_name"])
    for col, (label, (short, preset)) in zip(st.sidebar.columns([2, 3, 2], gap="small"), PRESETS.items()):
        col.button(short, key=f"preset_{short}", help=f"{label}: {', '.join(preset) or 'all wards'}",
                   on_click=_set_wards, args=(tuple(p for p in preset if p in names),), width="stretch")
    _keep("wards", lambda v: all(n in names for n in v))
    return st.sidebar.multiselect("Wards", names, key="wards", bind="query-params", placeholder="Whole borough",
                                  help="Leave empty for the whole borough. Clicking a ward on a map adds it here.")


def _period(bundle: Bundle) -> tuple[str, periods.Period | None]:
    """The period type and, for a kind of period, which one."""
    choices = period_choices(bundle)
    _keep("ptype", lambda v: v in choices)
    kind = st.sidebar.selectbox("Period type", choices, format_func=CHOICE_LABELS.get, key="ptype",
                                bind="query-params",
                                help="'Latest' shows each figure for the latest complete period of the kind the "
                                "assessment uses for it; 'As in the 2020-21 assessment' for the period that assessment "
                                "reports it. Financial years run April to March; assessment years December to November.")
    if kind in (PUBLISHED, LATEST):
        _keep("period", lambda v: True)   # no period box: its choice is kept for when it comes back
        return kind, None
    options = periods.available(kind, bundle.first_month, bundle.last_month, comparable=True)
    labels = [p.label for p in options]
    _keep("period", lambda v: v in labels)
    label = st.sidebar.selectbox("Period", labels, key="period", bind="query-params")
    return kind, options[labels.index(label)] if label in labels else options[0]


def _display(person: access.Access) -> tuple[bool, bool, bool]:
    """The outlier, presentation and disclosure toggles: (exclude outliers, present, suppress)."""
    side = st.sidebar
    _keep("outliers", lambda v: isinstance(v, bool))
    exclude = side.toggle("Exclude flagged months", key="outliers", bind="query-params",
                          help=f"Outliers are flagged on every monthly chart: {outliers.RULE}. "
                          "Turn this on to replace them by the median of the months before them.")
    present = side.toggle("Presentation mode", value=_presenting(), key="present", on_change=_present_changed,
                          help="For screen-sharing: sidebar closed, larger type, every headline, the key charts and "
                               "maps, short ranked lists instead of tables, disclosure control on. Link: ?present=1")
    _present_in_address(present)
    if present or person.always_suppress:  # shown on, whatever the link says: a link cannot switch it off
        side.toggle("Disclosure control", value=True, disabled=True, key="suppress_forced", help=SUPPRESS_HELP)
        return exclude, present, True
    suppress = side.toggle("Disclosure control", key="suppress", bind="query-params",
                           value=config.suppress_default(), help=SUPPRESS_HELP)
    return exclude, present, suppress


#: The re-baseline box's choice of none.
NO_REBASE = "None"


def _control(bundle: Bundle) -> spc.Settings:
    """The control charts' baseline, the month to re-baseline from and, per monthly chart, which way
    is improvement (each measure's own until the analyst sets another), folded away."""
    box = st.sidebar.expander("Control charts (SPC)")
    months = [f"{m:%b %Y}" for m in pd.date_range(bundle.first_month, bundle.last_month, freq="MS")]
    _keep("spc_baseline", lambda v: isinstance(v, int) and v >= spc.LEAST)
    baseline = box.number_input("Baseline (months)", spc.LEAST, 240, spc.BASELINE, step=1, key="spc_baseline",
                                bind="query-params", help="The mean and process limits come from the first months "
                                "shown, this many (or all of them when fewer).")
    _keep("spc_from", lambda v: v in (NO_REBASE, *months))
    rebase = box.selectbox("Re-baseline from", [NO_REBASE, *months], key="spc_from", bind="query-params",
                           help="Work the mean and limits out again from this month on (after a lockdown, a change "
                                "in recording), from its own baseline.")
    improve = []
    for key, (label, default, because) in blocks.IMPROVEMENT.items():
        _keep(f"spc_{key}", lambda v: v in spc.DIRECTIONS)
        chosen = box.selectbox(f"Improvement: {label}", list(spc.DIRECTIONS), index=list(spc.DIRECTIONS).index(default),
                               format_func=spc.DIRECTIONS.get, key=f"spc_{key}", bind="query-params",
                               help=f"Not set by default: {because}." if because else None)
        improve += [(key, chosen)] if chosen != default else []
    at = None if rebase in (None, NO_REBASE) else pd.Timestamp(datetime.strptime(rebase, "%b %Y"))
    return spc.Settings(int(baseline), at, tuple(improve))


def _pages() -> None:
    """The pages, under a heading and their sections' headings: one link each (the current page's in
    bold), with no gaps between them so the menu stays as compact as Streamlit's own."""
    pages = st.session_state.get(_MENU)
    if not pages:       # a page run without app.py (a test of the script alone) has no menu to draw
        return
    box = st.sidebar.container(key=PAGES_KEY, gap=None)
    box.markdown("### Pages")
    for section, entries in pages.items():
        box.markdown(f"#### {section}")
        for entry in entries:
            box.page_link(entry, width="stretch")


#: What a view can be downloaded as, each built when its button is clicked (ui.documents).
DOCUMENTS = (
    Document("data_pack", "Data pack (HTML)", "smp-dash-data-pack.html", "text/html", ":material/description:",
             "Every priority's figures, charts and caveats for this view, in one file that opens in any browser "
             "without the dashboard.", "Building the data pack, a few seconds", "Download the data pack (HTML)"),
    Document("draft", "Draft assessment (Word)", "smp-dash-draft-assessment.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ":material/edit_document:",
             "The strategic assessment's first draft for this view: each priority's figures in sentences, charts, "
             "ward tables and action plans, in Word's own styles, for the analyst to edit. Takes about ten seconds.",
             "Building the draft, about 10 seconds", "Download the draft (Word)"),
    Document("tables", "Tables (Excel)", "smp-dash-tables.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ":material/table_view:",
             "Every table and every chart's data for this view as a workbook: a sheet each, numbers as numbers, and "
             "an index of sources, periods and caveats.", "Building the tables, a few seconds",
             "Download the tables (Excel)"),
)


def _document_buttons(view: Filter, bundle: Bundle) -> None:
    documents.offer(DOCUMENTS, partial(_document, view=view, ward_names=bundle.ward_names, demo=bundle.demo),
                    (view, store.stamp()))


def _document(kind: str, view: Filter, ward_names: dict, demo: bool) -> bytes:
    """The data pack, draft or workbook for ``view``, built when its button is clicked (a few seconds)."""
    from smp_dash import draft, workbook   # python-docx and openpyxl load only when asked for

    build = {"data_pack": report.data_pack, "draft": draft.document, "tables": workbook.workbook}[kind]
    # from the bundle the pages read (its sections of a view kept for every document and session), not every row
    made = build(data(), wards=view.wards, ward_names=ward_names, period_kind=view.kind,
                 period_label=view.period.label if view.period else None, demo=demo,
                 generated_at=datetime.now(timezone.utc).strftime("%d %b %Y %H:%M UTC"),
                 provenance={name: store.provenance(name) for name in schema.DATASETS}, suppress=view.suppress,
                 exclude_outliers=view.exclude_outliers, control=view.control)
    return made.encode("utf-8") if isinstance(made, str) else made


def _keep(key: str, valid) -> None:
    """Carry widget ``key``'s value over to this run's widget while it is ``valid``, and forget it
    once it is not (a ward or period the data no longer has).

    Streamlit drops a widget's value at the end of a run that does not draw it, and a page switch
    draws a new widget; setting the key before the widget hands the value over. On the same page
    this changes nothing.
    """
    if key in st.session_state:
        if valid(st.session_state[key]):
            st.session_state[key] = st.session_state[key]
        else:
            del st.session_state[key]


def _presenting() -> bool:
    """Presentation mode, kept in the session from the first link (``?present=1``, ``true`` or ``yes``,
    any case) until the toggle turns it off: a page change, which redraws the toggle, keeps it."""
    if _PRESENT not in st.session_state:
        st.session_state[_PRESENT] = run.present_in_link()
    return st.session_state[_PRESENT]


def _present_changed() -> None:
    st.session_state[_PRESENT] = bool(st.session_state["present"])


def _present_in_address(present: bool) -> None:
    """``present=1`` in the address on every page while presentation mode is on, so a refresh or a
    copied link opens it again; gone once it is off. (Streamlit drops unbound parameters on a page
    change, and a bound toggle would drop ``1`` and ``yes``, so the address is written here.)"""
    if present and not run.present_in_link():
        st.query_params["present"] = "1"
    elif not present and "present" in st.query_params:
        del st.query_params["present"]


def _set_wards(names: tuple[str, ...]) -> None:
    st.session_state["wards"] = list(names)
