"""Streamlit glue: the cached data bundle, the shared filter, and the page furniture.

The only library module that imports streamlit. Data is loaded once per process
(``st.cache_resource``) and shared read-only by every session; pages get small cubes
(counts per month and ward) so a filter change regroups thousands of rows, not every row.
The shared filter is drawn by :func:`filters`, which every page calls first: the same code
runs in the real app and under ``AppTest.switch_page``. Its widgets are bound to the URL, so a
copied link reopens the same view, and mirrored in session state so the view survives page
switches.
"""

from __future__ import annotations

import html
import importlib
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from smp_dash import access, charts, config, disclosure, geo, measures, metrics, outliers, periods, schema, \
    significance, store
from smp_dash import bundle
from smp_dash.bundle import Bundle
from smp_dash.periods import Period
from smp_dash.selection import CHOICES, LATEST, PUBLISHED, Filter

#: Shown in the period-type box and written into shared links (Streamlit puts the label in the
#: URL, e.g. ``?ptype=Calendar+year``): keep them short and stable.
KIND_LABELS = {LATEST: "Latest", PUBLISHED: "As in the 2020-21 assessment", "calendar": "Calendar year",
               "financial": "Financial year", "assessment": "Assessment year", "rolling": "Rolling 12 months"}
#: The months the 2020-21 assessment's periods run over (December 2019 to December 2020).
PUBLISHED_SPAN = (pd.Timestamp("2019-12-01"), pd.Timestamp("2020-12-01"))
PRESETS = {
    "Whole borough": (),
    "Task force focus area": config.TASK_FORCE_WARDS,
    "Town centre": config.TOWN_CENTRE_WARDS,
}
DEMO_NOTICE = ("**Demonstration data.** Figures the Strategic Assessment 2020-21 states are reproduced "
               "exactly; every other number (other years, wards, months, places) is illustrative, not real.")
OPEN_NOTICE = ("Open demonstration mode: sign-in is not configured, so anyone who can reach this address sees "
               "everything. Configure sign-in before loading real data (README, 'Access control').")
POLICE_CAVEAT = ("police.uk locations are approximate (snapped to anonymous map points); police data shows "
                 "only crime that was reported and recorded.")
_MEMORY = "_smp_filter_memory"
_PRESENTING = "_smp_presenting"
_SHOWN = "_smp_section_shown"
#: Presentation mode: larger type (Streamlit sizes in rem, so the root size scales everything).
PRESENTATION_CSS = "<style>html { font-size: 20px; } [data-testid='stMainBlockContainer'] { max-width: 1200px; }</style>"


def _stamp(data_dir) -> tuple:
    """What identifies the data in use (the store's manifest): changes with every commit."""
    return store.stamp(data_dir)


def data() -> Bundle:
    """The shared data bundle (loaded once per process; reloaded when the store changes)."""
    folder = config.data_dir()
    if not store.exists("crimes", folder):
        _load_demo(str(folder))
    return _bundle(str(folder), str(config.geo_dir()), config.lad_code(), _stamp(folder))


@st.cache_resource(show_spinner="Generating the demonstration data…")
def _load_demo(folder: str) -> None:
    from smp_dash import demo

    demo.write(folder)


@st.cache_resource(show_spinner="Loading data…", max_entries=2)
def _bundle(folder: str, geo_dir: str, lad: str, stamp: tuple) -> Bundle:
    return bundle.from_store(folder, geo_dir, lad)


# Who is using this session --------------------------------------------------------------

def auth_configured() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in ``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:          # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def current_access() -> access.Access | str | None:
    """This session's access: ``access.OPEN`` when sign-in is not configured, None before
    sign-in, the reason (text) when the signed-in person is refused."""
    if not auth_configured():
        return access.OPEN
    user = st.user
    if not user.get("is_logged_in", False):
        return None
    email = user.get("email") or user.get("preferred_username")   # Entra ID may send only the latter
    path = config.roles_file()
    roles = _roles(str(path), _file_stamp(path))
    if isinstance(roles, str):
        return f"Access control is not set up correctly, so nobody can be let in. {roles}"
    role = roles.role_for(email)
    if role is None:
        return (f"{email or 'This account'} is not on the list of people who may use SMP Dash. "
                "Ask the partnership's analyst to add your address or your organisation's domain.")
    return access.Access(role, email)


def who() -> access.Access:
    """The access of the person using this session, worked out afresh from ``st.user`` and the
    roles file (cached) on every call, never remembered: someone who may not see the app gets the
    sign-in page and the run stops here."""
    return require_access()


def _file_stamp(path) -> tuple:
    try:
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns
    except OSError:
        return ()


@st.cache_resource(show_spinner=False, max_entries=4)
def _roles(path: str, stamp: tuple) -> access.Roles | str:
    """The roles file, read again whenever it changes; its error message if it is wrong."""
    try:
        return access.load_roles(path)
    except access.RolesError as exc:
        return str(exc)


def _provider() -> str | None:
    """The provider to sign in with: the unnamed one, or the first named ``[auth.<name>]``."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [name for name, value in section.items() if hasattr(value, "keys")]
    return named[0] if named else None


def sign_in_page() -> None:
    """The only page served before sign-in (or to someone refused): no data, no navigation."""
    st.title("SMP Dash · Safer Maidstone Partnership")
    state = current_access()
    if state is None:
        st.markdown("The partnership's community safety dashboard. Sign in with your organisation account "
                    "to see it; what you can see depends on the role the partnership has given you.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, args=(_provider(),),
                  key="sign_in")
    elif isinstance(state, str):
        st.error(state, icon=":material/block:")
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")


def require_access() -> access.Access:
    """This session's access, or the sign-in page and a stop: every page and download starts here."""
    state = current_access()
    if not isinstance(state, access.Access):
        sign_in_page()
        st.stop()
    return state


# The shared filter -----------------------------------------------------------------------

def _remember(key: str) -> None:
    st.session_state.setdefault(_MEMORY, {})[key] = st.session_state[key]


def _restore(key: str, valid) -> None:
    memory = st.session_state.setdefault(_MEMORY, {})
    if key in memory and valid(memory[key]):
        st.session_state[key] = memory[key]


def _set_wards(names: tuple[str, ...]) -> None:
    st.session_state["wards"] = list(names)
    _remember("wards")


def add_ward(name: str) -> None:
    """Add a ward (by name) to the shared filter; used by map clicks."""
    current = list(st.session_state.get("wards", []))
    if name and name not in current:
        _set_wards(tuple(current + [name]))


def filters(bundle: Bundle) -> Filter:
    """Draw the shared sidebar filter and return the view it describes.

    Every page calls this first. Widgets are bound to the URL, e.g.
    ``?wards=Shepway+North&wards=Shepway+South&ptype=Calendar+year&period=2019``.
    """
    names = sorted(bundle.wards["ward_name"])
    side = st.sidebar
    side.markdown("### View")
    cols = side.columns(3)
    for col, (label, preset) in zip(cols, PRESETS.items()):
        short = {"Whole borough": "All", "Task force focus area": "Shepway", "Town centre": "Town"}[label]
        col.button(short, key=f"preset_{short}", help=f"{label}: {', '.join(preset) or 'all wards'}",
                   on_click=_set_wards, args=(tuple(p for p in preset if p in names),), width="stretch")
    _restore("wards", lambda v: all(n in names for n in v))
    chosen = side.multiselect("Wards", names, key="wards", bind="query-params", on_change=_remember, args=("wards",),
                              placeholder="Whole borough", help="Leave empty for the whole borough. "
                              "Clicking a ward on a map adds it here.")
    _remember_value("wards", chosen)
    choices = period_choices(bundle)
    _restore("ptype", lambda v: v in choices)
    kind = side.selectbox("Period type", choices, format_func=KIND_LABELS.get, key="ptype",
                          bind="query-params", on_change=_remember, args=("ptype",),
                          help="'Latest' shows each figure for the latest complete period of the kind the assessment "
                          "uses for it; 'As in the 2020-21 assessment' for the period that assessment reports it. "
                          "Financial years run April to March; assessment years December to November.")
    _remember_value("ptype", kind)
    period = None
    if kind not in (PUBLISHED, LATEST):
        options = periods.available(kind, bundle.first_month, bundle.last_month, comparable=True)
        labels = [p.label for p in options]
        _restore("period", lambda v: v in labels)
        label = side.selectbox("Period", labels, key="period", bind="query-params", on_change=_remember, args=("period",))
        _remember_value("period", label)
        period = options[labels.index(label)] if label in labels else options[0]
    _restore("outliers", lambda v: isinstance(v, bool))
    exclude = side.toggle("Exclude flagged months", key="outliers", bind="query-params", on_change=_remember,
                          args=("outliers",), help=f"Outliers are flagged on every monthly chart: {outliers.RULE}. "
                          "Turn this on to replace them by the median of the months before them.")
    _remember_value("outliers", exclude)
    if st.query_params.get("present") == "1" and "present" not in st.session_state:
        st.session_state["present"] = True       # the documented short link, ?present=1
    present = side.toggle("Presentation mode", key="present", bind="query-params",
                          help="For screen-sharing: sidebar closed, larger type, one headline and one chart per "
                               "section, no tables, disclosure control on. Link: ?present=1")
    st.session_state[_PRESENTING] = present
    person = who()
    forced = present or person.always_suppress
    suppress_help = ("Counts of 1 to 4 of domestic abuse, needle finds and hate crime are shown as <5 wherever they "
                     "appear for a ward or a ward selection (and figures that would reveal them are hidden). Always "
                     "on in presentation mode and for viewers.")
    if forced:  # shown on, whatever the link says: a link cannot switch it off
        side.toggle("Disclosure control", value=True, disabled=True, key="suppress_forced", help=suppress_help)
        chosen_suppress = True
    else:
        chosen_suppress = side.toggle("Disclosure control", key="suppress", bind="query-params",
                                      value=config.suppress_default(), help=suppress_help)
    codes = bundle.ward_codes
    view = Filter(tuple(codes[n] for n in chosen), tuple(chosen), kind, period, exclude, present, chosen_suppress,
                  bundle.spans)
    if person.can_download_pack:
        side.download_button("Data pack (HTML)", data=partial(_data_pack, view, bundle.ward_names, bundle.demo),
                             file_name="smp-dash-data-pack.html", mime="text/html", on_click="ignore", key="data_pack",
                             icon=":material/description:", width="stretch",
                             help="Every priority's figures, charts and caveats for this view, in one file that "
                                  "opens in any browser without the dashboard.")
    _account(person)
    return view


def period_choices(bundle: Bundle) -> tuple[str, ...]:
    """The period choices the data supports: "As in the 2020-21 assessment" only when it covers
    that assessment's periods, and the other kinds only when the data holds one to compare."""
    first, last = bundle.first_month, bundle.last_month
    published = first <= PUBLISHED_SPAN[0] and last >= PUBLISHED_SPAN[1]
    return tuple(c for c in CHOICES if (c != PUBLISHED or published) and
                 (c in (PUBLISHED, LATEST) or periods.available(c, first, last, comparable=True)))


def _account(person: access.Access) -> None:
    """Who is signed in, as what, and the way out."""
    st.sidebar.divider()
    st.sidebar.caption(person.describe())
    if not person.open_mode:
        st.sidebar.button("Sign out", key="sign_out", on_click=st.logout, icon=":material/logout:", width="stretch")


def _data_pack(view: Filter, ward_names: dict, demo: bool) -> bytes:
    """The data pack for ``view``, built when the button is clicked (a few seconds)."""
    from datetime import datetime, timezone

    from smp_dash import report

    frames = store.read_all()
    provenance = {name: store.provenance(name) for name in schema.DATASETS}
    return report.data_pack(frames, wards=view.wards, ward_names=ward_names, period_kind=view.kind,
                            period_label=view.period.label if view.period else None, demo=demo,
                            generated_at=datetime.now(timezone.utc).strftime("%d %b %Y %H:%M UTC"),
                            provenance=provenance, suppress=view.suppress,
                            exclude_outliers=view.exclude_outliers).encode("utf-8")


def _remember_value(key: str, value) -> None:
    st.session_state.setdefault(_MEMORY, {})[key] = value


# Loading and restoring data (the Data page; analysts only) ---------------------------------

def _analyst_only() -> bool:
    """For button callbacks, which run before the page: only analysts change the data in use."""
    state = current_access()
    if isinstance(state, access.Access) and state.can_upload:
        return True
    reason = state.describe() if isinstance(state, access.Access) else "Sign in first."
    st.session_state["data_done"] = ("error", f"Only analysts can change the data in use. {reason}")
    return False


def upload_preview(upload, kind: str):
    """The preview of an uploaded file, worked out once per file and dataset (a police.uk zip
    takes seconds); the exception if the file cannot be read. The upload's name is only shown."""
    from smp_dash import intake

    key = (upload.file_id, kind)
    if st.session_state.get("data_preview_key") != key:
        try:
            if kind == intake.POLICE_UK:
                wards, lsoas = geo.load_wards(), geo.load_lsoas()
            else:
                wards, lsoas = _wards_or_none(), None
            st.session_state["data_preview"] = intake.preview(upload.getvalue(), upload.name, kind, wards=wards, lsoas=lsoas)
        except (ValueError, OSError) as exc:
            st.session_state["data_preview"] = exc
        st.session_state["data_preview_key"] = key
    return st.session_state["data_preview"]


def _wards_or_none():
    try:
        return geo.load_wards()
    except geo.BoundariesMissing:
        return None


def commit_upload(preview, allow_empty: bool = False) -> None:
    """Commit a previewed upload (a button callback); the outcome is shown on the next run.
    ``allow_empty`` empties the datasets the file holds no rows of, on purpose."""
    from smp_dash import intake

    if not _analyst_only():
        return
    try:
        records = intake.commit(preview, allow_empty=allow_empty)
        st.session_state["data_committed"] = st.session_state.get("data_preview_key")  # no second commit of it
        st.session_state["data_done"] = ("success", " ".join(
            f"Committed {r['rows']:,} rows to {d} from {r['source']}." for d, r in records.items()))
    except (ValueError, OSError) as exc:
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))


def fetch_police_api() -> None:
    """Fetch the police.uk months the store lacks from the API (``config.police_api_url()``), with a
    progress bar (a button callback); the outcome is shown on the next run."""
    from smp_dash import intake

    if not _analyst_only():
        return
    bar = st.progress(0.0, text="Asking the police.uk API which months it holds")
    try:
        result = intake.fetch_police_uk(wards=geo.load_wards(), lsoas=geo.load_lsoas(),
                                        progress=lambda done, total, text: bar.progress(done / max(total, 1), text=text))
        st.session_state["data_done"] = ("success", result.summary().replace("\n", "  \n"))
    except (ValueError, OSError) as exc:
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))
    finally:
        bar.empty()


def restore_version(dataset: str, version: str) -> None:
    """Make an earlier version the one in use (a button callback)."""
    from smp_dash import intake

    if not _analyst_only():
        return
    try:
        record = intake.restore(dataset, version)
    except (ValueError, OSError) as exc:       # not a listed version, a changed file, or the store busy
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))
        return
    st.session_state["data_done"] = ("success", f"Restored {dataset}: {record['rows']:,} rows from {record['source']}.")


def row_sample(dataset: str, wards: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """The newest rows of ``dataset`` in ``wards`` and how many match (``intake.rows``), worked out
    once per dataset, wards and version of the data in use."""
    folder = config.data_dir()
    return _row_sample(dataset, tuple(wards), str(folder), _stamp(folder))


@st.cache_resource(max_entries=32, show_spinner=False)
def _row_sample(dataset: str, wards: tuple[str, ...], folder: str, stamp: tuple):
    from smp_dash import intake

    return intake.rows(dataset, wards, data_dir=folder)


# Page furniture --------------------------------------------------------------------------

def cached(builder, *args, **kwargs):
    """``builder(*args, **kwargs)``, computed once per distinct input and shared.

    For the pure builders of charts, maps and metrics: building a plotly figure costs tens of
    milliseconds of validation, so a rerun with the same filter gets the same object back.
    Builders return fresh objects and callers only read them, so sharing is safe.
    """
    return _figure(f"{builder.__module__}:{builder.__qualname__}", *args, **kwargs)


def figures(build, view: Filter, **options):
    """``build(data(), view, **options)``: a page's figures (``smp_dash.priorities``), computed once
    per version of the data in use, view and options, and shared by every session showing that view.

    Keyed on the store's manifest and the view, never on the data itself (hashing the cubes on
    every lookup would cost more than the figures). Callers only read what comes back.
    """
    return _figures(f"{build.__module__}:{build.__qualname__}", _stamp(config.data_dir()), view,
                    tuple(sorted(options.items())), data())


@st.cache_resource(max_entries=512, show_spinner=False)
def _figures(builder: str, stamp: tuple, view: Filter, options: tuple, _bundle: Bundle):
    module, attribute = builder.split(":")
    return getattr(importlib.import_module(module), attribute)(_bundle, view, **dict(options))


@st.cache_resource(max_entries=256, show_spinner=False)
def _deck(geo_key: str, _geojson: dict, values: pd.DataFrame, **kwargs):
    """A cached choropleth; the boundaries are named by ``geo_key`` rather than hashed (50 KB+)."""
    from smp_dash import maps

    return maps.choropleth(_geojson, values, **kwargs)


@st.cache_resource(max_entries=1024, show_spinner=False)
def _figure(smp_builder: str, /, *args, **kwargs):
    module, attribute = smp_builder.split(":")
    return getattr(importlib.import_module(module), attribute)(*args, **kwargs)


def page(title: str, question: str) -> tuple[Bundle, Filter]:
    """Open a page: the shared data, the shared filter, and the header. Every page starts here."""
    _through_app()
    who()
    bundle = data()
    view = filters(bundle)
    header(title, bundle, view, question)
    return bundle, view


def _through_app() -> None:
    """Make sure app.py's navigation (and page config) is in force, even for a deep link.

    Streamlit decides once per process whether the app uses the legacy ``pages/`` folder: until
    some session has run app.py's ``st.navigation``, a link straight to ``/domestic_abuse`` on a
    freshly started server runs the page alone, with auto-generated navigation and no page
    config. The first such run switches the legacy mode off and reruns through app.py, which
    routes to the same page with the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _kinds(bundle: Bundle) -> tuple[list[str], list[str]]:
    """Datasets in use that are real, and those that are demonstration data."""
    loaded = {name: record for name, record in bundle.provenance.items() if record}
    return ([n for n, r in loaded.items() if not r.get("demo")], [n for n, r in loaded.items() if r.get("demo")])


def provenance_footer() -> None:
    """The provenance of the data in use, in one line at the foot of every page."""
    bundle = data()
    groups: dict[str, list[str]] = {}
    for name, record in bundle.provenance.items():
        if record:
            kind = "demonstration data" if record.get("demo") else record["source"]
            groups.setdefault(f"{kind} (loaded {record['loaded_at'][:10]})", []).append(f"{name} {record['rows']:,} rows")
    st.divider()
    st.caption("Data in use: " + "; ".join(f"{', '.join(names)}: {kind}" for kind, names in groups.items())
               + ". Details and earlier versions on the Data page.")


def header(title: str, bundle: Bundle, view: Filter, question: str) -> None:
    """Page title (``{years}`` in it becomes the assessment's years for the view, e.g. 2025-26), the
    question it answers, the demonstration notice and the filter in words."""
    st.title(title.format(years=assessment_years(view)) if "{years}" in title else title)
    st.caption(question)
    real, demo_sets = _kinds(bundle)
    if demo_sets and real:
        st.warning(f"**Mixed data.** Real: {', '.join(real)}. Demonstration (illustrative, not real): "
                   f"{', '.join(demo_sets)}. Figures that combine them are illustrative.", icon=":material/warning:")
    elif bundle.demo:
        st.warning(DEMO_NOTICE, icon=":material/science:")
    if who().open_mode:
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


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def plain(text: str) -> str:
    """``text`` escaped so that Streamlit's markdown shows it as written: no link, image, emphasis or HTML."""
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in str(text))


def assessment_years(view: Filter) -> str:
    """The strategic assessment's years for the view: "2020-21" when its assessment year (December
    to November) ends in 2020."""
    end = view.pick(periods.ASSESS_2020).end.year
    return f"{end}-{(end + 1) % 100:02d}"


def presenting() -> bool:
    """Whether this run is in presentation mode (set by :func:`filters`)."""
    return bool(st.session_state.get(_PRESENTING, False))


def section(title: str) -> None:
    """A section heading (markdown: pass words from a link or an upload through :func:`plain`);
    in presentation mode a section shows one headline and one chart."""
    st.subheader(title)
    st.session_state[_SHOWN] = {"metric": 0, "chart": 0}


def _allowed(kind: str) -> bool:
    """In presentation mode, only the first ``kind`` (metric or chart) of each section is drawn."""
    shown = st.session_state.setdefault(_SHOWN, {"metric": 0, "chart": 0})
    shown[kind] += 1
    return not presenting() or shown[kind] == 1


def data_table(frame: pd.DataFrame, *, key: str | None = None, view: Filter | None = None, period: str = "",
               sensitive_wards: bool = False, **kwargs) -> None:
    """A data table; left out in presentation mode (no raw tables on a shared screen).

    The table's own toolbar has no export (``client.disableDataExport``): with a ``key`` the
    app's CSV button, which follows the role rules and neutralises formulas, is drawn under it.
    """
    if presenting():
        return
    st.dataframe(frame, **kwargs)
    if key is not None:
        download(frame, key=key, view=view, period=period, sensitive_wards=sensitive_wards)


def footnote(source: str, period: str, caveat: str = "") -> None:
    """The source, period and caveats under a chart."""
    text = f"Source: {source}. Period: {period}."
    if caveat:
        text += f" {caveat}"
    st.caption(text)


def chart(fig, table: pd.DataFrame, *, key: str, source: str, period: str, caveat: str = "", view: Filter | None = None,
          exclusions: str = "", sensitive_wards: bool = False, missing: str = "") -> None:
    """A plotly chart, its footnote and a CSV download of the data behind it (``sensitive_wards``:
    ward-level DA, needle finds or hate crime, which viewers may not download). A table with no
    rows or no number draws no chart: ``missing`` (or "not in the data loaded") says why."""
    if not _allowed("chart"):
        return
    if _nothing_to_draw(table):   # never an empty chart: say why there is nothing
        not_shown(fig.layout.title.text or key, missing or f"{measures.NOT_LOADED} for this view")
        return
    st.plotly_chart(fig, width="stretch", key=f"chart_{key}", config={"displaylogo": False})
    if presenting():
        footnote(source, period, caveat)
        return
    left, right = st.columns([4, 1])
    with left:
        footnote(source, period, caveat)
    with right:
        if not download(table, key=key, view=view, period=period, exclusions=exclusions, sensitive_wards=sensitive_wards):
            return
        st.download_button("Chart (PNG)", data=partial(_png, fig), file_name=f"smp-dash-{key}.png", mime="image/png",
                           key=f"png_{key}", on_click="ignore", icon=":material/image:", width="stretch")


def _nothing_to_draw(table: pd.DataFrame) -> bool:
    """A chart's data with no rows, or no number in it (every value missing)."""
    numbers = table.select_dtypes("number")
    return table.empty or (not numbers.empty and numbers.isna().all().all())


def percent(value) -> str:
    """A share as the pages write it: "27%", or "n/a" when it is not in the data."""
    return "n/a" if value is None or value != value else f"{number(value)}%"


def _png(fig) -> bytes:
    """The chart as a PNG, rendered when clicked (kaleido with the system chromium, a few seconds)."""
    from smp_dash import images

    return images.figure_png(fig)


def monthly_chart(frame: pd.DataFrame, view: Filter, *, key: str, title: str, colour: str, source: str,
                  period: str, caveat: str = "", series: str | None = None, highlight=None, y: str = "value",
                  y_title: str = "Count", extra_flags: pd.Series | None = None,
                  guarded: disclosure.Guarded | None = None, why: str = "") -> None:
    """A monthly trend with outliers flagged by the robust rule (and ``extra_flags``, e.g. bulk
    needle finds), shown with or without them as the shared filter says.

    The rule judges the counts in ``value`` (its Poisson floor needs counts) even when the
    chart draws another column ``y``, such as a rate. A sensitive count for a ward selection
    (``guarded``, the selection's total under disclosure control) is shown by quarter when a month
    is small, and not at all when a quarter is or the total is hidden (:func:`disclosure.protect_series`).
    """
    if guarded is not None and guarded.selection and frame is not None:
        frame, why = (None, guarded.series_hidden()) if guarded.series_hidden() else disclosure.protect_series(frame)
    if frame is None:       # not in the data loaded, or hidden by disclosure control: say why
        not_shown(title, why)
        return
    if why:                 # a sensitive series shown by quarter (disclosure.protect_series)
        fig = cached(charts.monthly_trend, frame, series=series, y=y, title=f"{title}, by quarter",
                     colour=colour, highlight=highlight, y_title=y_title)
        chart(fig, frame, key=key, source=source, period=period, caveat=" ".join(t for t in (caveat, why) if t),
              view=view)
        return
    flags = outliers.flag_series(frame, series=series)
    if extra_flags is not None:
        flags = flags | extra_flags.reindex(frame.index, fill_value=False).astype(bool)
    flagged = frame.loc[flags, "month"].dt.strftime("%b %Y").tolist()
    shown, note, excluded = frame.assign(outlier=flags), "", ""
    if flagged:
        note = f"Flagged outliers ({outliers.RULE}): {', '.join(flagged)}."
    if view.exclude_outliers and flagged:
        shown = outliers.without(frame, flags, y=y).assign(outlier=False)
        excluded = f"flagged months replaced by the median of the {outliers.WINDOW} months before: {', '.join(flagged)}"
        note = f"Excluded: {excluded}."
    fig = cached(charts.monthly_trend, shown, series=series, y=y, title=title, colour=colour,
                 highlight=highlight, outliers="outlier", y_title=y_title)
    chart(fig, shown, key=key, source=source, period=period, caveat=" ".join(t for t in (caveat, note) if t),
          view=view, exclusions=excluded)



def morile_sheet_columns() -> dict:
    """How the MoRiLE scoring sheet's columns are edited: scores as whole numbers in their bounds."""
    from smp_dash import morile

    number, text = st.column_config.NumberColumn, st.column_config.TextColumn
    columns = {c: number(morile.LABELS[c], min_value=morile.BOUNDS[c][0], max_value=morile.BOUNDS[c][1], step=1,
                         format="%d", required=True) for c in morile.CRITERIA}
    return columns | {"theme": text("Theme", required=True, width="medium"),
                      "priority_area": st.column_config.SelectboxColumn("Priority", options=morile.PRIORITY_AREAS,
                                                                        required=True),
                      "data_measure": st.column_config.SelectboxColumn("Data measure", options=list(morile.MEASURES)),
                      "note": text("Note", width="large")}


def stop_if_missing(title: str, why: str | None) -> None:
    """When the page's measure is not in the data loaded: say why, close the page (its footer too) and stop."""
    if why:
        not_shown(title, why)
        provenance_footer()
        st.stop()


def not_shown(title: str, why: str) -> None:
    """In place of a chart, table or map: what it would show and why it is not shown."""
    st.info(f"**{title}**: {why}", icon=":material/visibility_off:" if "disclosure" in why else ":material/info:")


def download(table: pd.DataFrame, *, key: str, view: Filter | None, period: str, exclusions: str = "",
             sensitive_wards: bool = False) -> bool:
    """A "download data (CSV)" button; the file records the filter and period it came from.

    Returns False (and draws a note instead) when this person's role may not download it.
    """
    from smp_dash import exports

    if not who().can_download(sensitive_wards):
        st.caption(":material/lock: Ward-level downloads of sensitive data are not available to viewers.")
        return False
    described = view.describe() if view else ""
    # A callable: the CSV is made only when someone clicks, not on every rerun.
    st.download_button("Download data (CSV)", data=partial(exports.csv_bytes, table, view=described, period=period,
                                                           exclusions=exclusions),
                       file_name=f"smp-dash-{key}.csv", mime="text/csv", key=f"dl_{key}", on_click="ignore",
                       icon=":material/download:", width="stretch")
    return True


def metric(label: str, value, delta: str | None = None, *, help: str | None = None, delta_color: str = "off") -> None:
    """A headline figure with its change (coloured only when the caller says the change is real)."""
    if not _allowed("metric"):
        return
    text = f"{value:,}" if isinstance(value, int) else value
    st.metric(label, text, delta=delta, delta_color=delta_color, help=help)


def overlay_chart(frame: pd.DataFrame, period: Period, view: Filter, *, key: str, title: str, colour: str,
                  source: str, first: pd.Timestamp) -> None:
    """This period against the previous one on the same month axis, outliers flagged as on every
    monthly chart (judged on the whole series from ``first``) and excluded when the filter says."""
    series = metrics.monthly(frame, first, period.end)
    flags = outliers.flag_series(series)
    flagged = series.loc[flags, "month"]
    shown, note, excluded = series.assign(outlier=flags), "", ""
    if view.exclude_outliers and flags.any():
        shown = outliers.without(series, flags).assign(outlier=False)
    months = lambda p: shown[p.contains(shown["month"])].reset_index(drop=True)
    now, before = months(period), months(period.previous())
    inside = flagged[period.contains(flagged) | period.previous().contains(flagged)].dt.strftime("%b %Y").tolist()
    if inside:
        note = (f"Excluded: {', '.join(inside)}, replaced by the median of the {outliers.WINDOW} months before."
                if view.exclude_outliers else f"Flagged outliers ({outliers.RULE}): {', '.join(inside)}.")
        excluded = ", ".join(inside) if view.exclude_outliers else ""
    fig = cached(charts.period_overlay, now, before, title=title, colour=colour, current_label=period.label,
                 previous_label=period.previous().label, outliers="outlier")
    chart(fig, now.assign(previous=before["value"].reindex(now.index).to_numpy()), key=key, source=source,
          period=f"{period.label} and {period.previous().label}", caveat=note, view=view, exclusions=excluded)


def value_metric(value: measures.Value, *, decimals: int = 0, help: str | None = None) -> None:
    """A measure's headline (``measures.value``): its count and change, or, instead of a number,
    why there is none; never a 0 for data that is not there."""
    excluded = f"Excluded outlier months: {', '.join(value.excluded)}." if value.excluded else ""
    detail = " ".join(t for t in (help, *value.notes, excluded) if t) or None
    if not value.available:
        metric(value.label, "n/a", help=" ".join(t for t in (value.missing, detail) if t))
        if not presenting():
            st.caption(value.missing)
        return
    if not value.comparable:   # the reason under the figure: a delta this long would be cut off
        metric(value.label, value.guarded.text() if value.guarded and value.guarded.hidden else number(value.current),
               help=" ".join(t for t in (value.no_comparison + ".", detail) if t))
        if not presenting():
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


def actions_table(bundle: Bundle, priority: str) -> None:
    """The action plan rows of one priority with their status."""
    rows = action_rows(bundle.actions[bundle.actions["priority"] == priority])
    if rows.empty:
        st.caption(f"{measures.NOT_LOADED}: no action plan for this priority (load one through the actions template).")
        return
    data_table(rows[["action", "status", "update", "target"]], hide_index=True, width="stretch",
                 column_config={"action": st.column_config.TextColumn("Action", width="medium"),
                                "status": st.column_config.TextColumn("Status", width="small"),
                                "update": st.column_config.TextColumn("Update", width="large"),
                                "target": st.column_config.TextColumn("Target", width="small")})
    footnote("Strategic Assessment 2020-21 action plans", "2020-21, updates as at the assessment")


def action_rows(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions for display: the target as "Jun 2021", blank where the plan sets none."""
    return actions.assign(target=actions["target"].dt.strftime("%b %Y").fillna(""))


def ward_map(deck, *, key: str, legend_html: str, caption: str) -> None:
    """A pydeck ward map: clicking a ward adds it to the shared ward filter."""
    if not _allowed("chart"):
        return
    st.pydeck_chart(deck, width="stretch", height=480, on_select=partial(_map_clicked, f"map_{key}"),
                    selection_mode="single-object", key=f"map_{key}")
    st.html(legend_html)
    st.caption(f"{caption} Click a ward to add it to the ward filter. {config.BOUNDARY_ATTRIBUTION}")


def _map_clicked(key: str) -> None:
    selection = st.session_state[key].get("selection", {})
    for picked in selection.get("objects", {}).get("wards", []):
        add_ward(picked.get("ward_name") or picked.get("properties", {}).get("ward_name", ""))


MEASURES = {"count": "Count", "rate": "Rate per 1,000 residents", "change": "Change on previous period"}


def number(value, *, of: float | None = None) -> str:
    """A figure for display: "n/a" when missing, with its share of ``of`` when given."""
    if value is None or value != value:
        return "n/a"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} ({value / of * 100:.0f}%)" if of else text


def protect(table: pd.DataFrame, view: Filter, sensitive: bool) -> pd.DataFrame | None:
    """``table`` (a ward table) with disclosure control applied, or None when it does not apply."""
    return disclosure.suppress_wards(table) if sensitive and view.suppress else None


def protect_counts(frame: pd.DataFrame, column: str, view: Filter, **kwargs) -> pd.DataFrame:
    """A breakdown with small counts hidden (numbers NaN) when disclosure control is on."""
    return disclosure.suppress_counts(frame, column, **kwargs) if view.suppress else frame


def shown_counts(frame: pd.DataFrame, column: str, view: Filter, sensitive: bool = True) -> pd.DataFrame:
    """A small table of counts as shown: "<5" for hidden counts when disclosure control is on."""
    return disclosure.shown(frame, column, sensitive and view.suppress)


def ward_map_section(bundle: Bundle, view: Filter, table: pd.DataFrame, *, key: str, colour: str, caption: str,
                     points: pd.DataFrame | None = None, points_label: str = "Needles", sensitive: bool = False) -> None:
    """Measure selector and ward choropleth for ``table`` (from ``metrics.ward_table``).

    ``sensitive`` data (DA, needle finds, hate crime) is drawn with disclosure control when it is
    on: hidden wards are grey and points with small counts are left off.
    """
    from smp_dash import maps

    if bundle.geojson is None:
        st.info("The ward map needs the ONS boundary files; see the notice above.")
        return
    measure = st.segmented_control("Map measure", list(MEASURES), format_func=MEASURES.get, default="count",
                                   key=f"{key}_measure", bind="query-params") or "count"
    column = {"count": "current", "rate": "rate", "change": "pct_change"}[measure]
    protected = protect(table, view, sensitive)
    values = table.assign(value=table[column]) if protected is None else disclosure.map_values(protected, value=column)
    if protected is not None and points is not None:
        points = points[points["size"] > config.SUPPRESSION_THRESHOLD]
    if points is not None and not who().can_see_locations:
        points = None           # viewers see ward totals, not where finds were made
    deck = _deck(f"wards:{config.geo_dir()}:{config.lad_code()}", bundle.geojson, values, measure=measure, measure_label=MEASURES[measure],
                           selected=tuple(sorted(view.wards)), points=points, colour=colour, diverging=measure == "change",
                           points_label=points_label)
    legend = maps.legend_html(maps.legend(values["value"], colour=colour, diverging=measure == "change",
                                          measure=measure), MEASURES[measure])
    ward_map(deck, key=key, legend_html=legend, caption=caption + " Rates use approximate ward populations."
             if measure == "rate" else caption)


def funnel_chart(table: pd.DataFrame, *, key: str, colour: str, view: Filter, period: str, title: str,
                 sensitive: bool = False) -> None:
    """Ward rates against the borough rate with 95% and 99.8% limits (from ``metrics.ward_table``)."""
    protected = protect(table, view, sensitive)
    if protected is not None:  # a hidden ward is left off: its rate would give its count away
        table = table[protected["current"].notna().to_numpy()]
    wards, rate = significance.ward_funnel(table)
    if wards.empty:
        st.info("A funnel plot needs ward populations.")
        return
    limits = significance.funnel_limits(np.linspace(wards["population"].min() * 0.9, wards["population"].max() * 1.05, 120), rate)
    fig = cached(charts.funnel, wards, limits, rate=rate, title=title, colour=colour)
    above = wards.loc[wards["position"].str.startswith("above"), "ward_name"].tolist()
    chart(fig, wards[["ward_name", "current", "population", "rate", "lower_95", "upper_95", "lower_99.8", "upper_99.8", "position"]],
          key=key, source="ward counts and approximate ward populations", period=period, view=view,
          caveat=f"Borough rate {rate:.1f} per 1,000. Wards above the 99.8% limit are very unlikely to differ by chance"
                 + (f": {', '.join(above)}." if above else "; none this period."), sensitive_wards=sensitive)


_NUMBER_COLUMNS = {"current": st.column_config.NumberColumn("this period", format="%d"),
                   "previous": st.column_config.NumberColumn("previous", format="%d"),
                   "pct_change": st.column_config.NumberColumn("change", format="%+.0f%%"),
                   "rate": st.column_config.NumberColumn("per 1,000", format="%.1f")}
#: With disclosure control the cells are text ("<5", "hidden").
_TEXT_COLUMNS = {"current": "this period", "previous": "previous", "pct_change": "change", "rate": "per 1,000"}


def ward_top_table(table: pd.DataFrame, *, key: str, view: Filter, period: str, n: int = 10,
                   sensitive: bool = False) -> None:
    """The ``n`` wards with most, rural wards marked, and a download of all wards."""
    if presenting():
        return
    protected = protect(table, view, sensitive)
    if protected is not None:
        table = disclosure.display(protected).assign(rural=table["rural"].to_numpy())
    top = table.head(n)
    shown = top.assign(ward=top["ward_name"] + top["rural"].map({True: " (rural)", False: ""}))
    st.markdown(f"**Top {n} wards, {period}**")
    data_table(shown[["rank", "ward", "current", "previous", "pct_change", "rate"]], hide_index=True, width="stretch",
                 column_config=_TEXT_COLUMNS if protected is not None else _NUMBER_COLUMNS)
    download(table, key=key, view=view, period=period, sensitive_wards=sensitive)


def district_map_section(bundle: Bundle, table: pd.DataFrame, *, key: str, colour: str, caption: str) -> None:
    """Kent districts coloured by ``table`` (lad_name, current, previous, pct_change)."""
    from smp_dash import maps

    geojson = _district_geojson(str(config.geo_dir()))
    if geojson is None:
        st.info("The district map needs the ONS boundary files; see the notice above.")
        return
    names = {f["properties"]["lad_name"]: f["properties"]["lad_code"] for f in geojson["features"]}
    values = table.assign(lad_code=table["lad_name"].map(names), value=table["current"])
    chart = cached(maps.outline_map, geojson, values, measure="count", measure_label="Recorded crimes", colour=colour,
                   title="", selected={names["Maidstone"]} if "Maidstone" in names else None)
    st.plotly_chart(chart, width="stretch", key=f"map_{key}", config={"displayModeBar": False}, theme=None)
    st.html(maps.legend_html(maps.legend(values["value"], colour=colour), "Recorded crimes"))
    st.caption(f"{caption} {config.BOUNDARY_ATTRIBUTION}")


@st.cache_resource(show_spinner=False)
def _district_geojson(geo_dir: str) -> dict | None:
    try:
        return geo.district_geojson(geo.load_districts(geo_dir))
    except geo.BoundariesMissing:
        return None
