"""MoRiLE priorities: themes scored on threat, risk and harm, with editable scores and weights."""

from functools import partial

import streamlit as st

from smp_dash import charts, config, morile, schema, selection, ui
from smp_dash.periods import CAL_2020

SHEET, ERROR, VERSION = "morile_base", "morile_import_error", "morile_version"
NUMBER, TEXT = st.column_config.NumberColumn, st.column_config.TextColumn

bundle, view = ui.page("MoRiLE priorities", "Which themes carry the most threat, risk and harm, and would other "
                       "weights change the order? The assessment ranks themes with the MoRiLE matrix (Appendix 2).")
p, town = view.pick(CAL_2020), selection.ward_codes(bundle.ward_codes, config.TOWN_CENTRE_WARDS)
measures = ui.cached(morile.measures_from_data, bundle.crimes, bundle.asb, bundle.needles, p, wards=view.wards, town_centre=town, coverage=bundle.coverage)


def _use(sheet, weights=None) -> None:  # a new version makes a new editor, without the old edits
    st.session_state.update({SHEET: sheet, VERSION: st.session_state.get(VERSION, 0) + 1,
                             **{f"w_{name}": weight for name, weight in (weights or {}).items()}})


def _may_import() -> bool:  # for analysts, as loading data is; checked again in the callback, which runs first
    return getattr(ui.current_access(), "can_upload", False)


def _import() -> None:
    upload, st.session_state[ERROR] = st.session_state.get("morile_upload"), None
    try:
        if upload is not None and _may_import():
            _use(morile.read_sheet(upload.getvalue(), upload.name))
    except ValueError as exc:  # SchemaError or IngestError: the sheet in use is kept
        st.session_state[ERROR] = [str(x) for x in getattr(exc, "problems", [exc])]


st.expander("How the priority score is worked out", icon=":material/functions:").markdown(morile.METHOD)
ui.section("Weights")
weights = {}  # one slider per criterion, bound to the URL so a link shares them
for col, (group, names) in zip(st.columns(4), morile.GROUPS.items()):
    col.markdown(f"**{group}**")
    for name in names:
        weights[name] = col.slider(morile.LABELS[name], 0.0, 3.0, morile.DEFAULT_WEIGHTS[name], 0.25,
                                   key=f"w_{name}", bind="query-params")

ui.section("Scoring sheet")
st.caption(morile.SHEET_NOTE)
left, mid, right = st.columns([1, 1, 2], vertical_alignment="bottom")
left.button("Reset to defaults", on_click=_use, args=(morile.default_sheet(), morile.DEFAULT_WEIGHTS),
            icon=":material/restart_alt:", width="stretch")
if _may_import():
    right.file_uploader("Import a scoring sheet (CSV)", type="csv", key="morile_upload", on_change=_import,
                        max_upload_size=config.MAX_UPLOAD_BYTES // 2**20)
else:
    right.caption("Importing a scoring sheet is for analysts; scores and weights can still be changed here.")
for problem in st.session_state.get(ERROR) or []:
    st.error(f"Not imported: {problem}", icon=":material/error:")
base = st.session_state.setdefault(SHEET, morile.default_sheet())  # presentation mode shows no editable table
edited = st.session_state.get("morile_valid", base) if view.present else st.data_editor(
    base, key="morile_sheet", num_rows="dynamic", hide_index=True, width="stretch",
    column_config=ui.morile_sheet_columns(), placeholder="", alt=f"MoRiLE scoring sheet, version {st.session_state.get(VERSION, 0)}")
try:
    sheet = st.session_state["morile_valid"] = morile.validate_sheet(edited, "the scoring sheet", first_row=1)
except schema.SchemaError as exc:
    sheet = st.session_state.get("morile_valid", st.session_state[SHEET])
    st.error("The ranking ignores the edits until these are fixed:\n\n" + "\n".join(f"- {x}" for x in exc.problems))
mid.download_button("Export sheet (CSV)", data=partial(morile.sheet_csv, sheet), file_name="morile-scoring-sheet.csv",
                    mime="text/csv", on_click="ignore", icon=":material/download:", width="stretch")

with_data = morile.data_likelihood(sheet, measures)
table = morile.ranking_table(morile.score(with_data, weights), morile.score(morile.data_likelihood(morile.default_sheet(), measures)))
ui.section(f"Ranking, {view.area}")
left, right = st.columns([6, 5])
with left:
    ui.data_table(table, hide_index=True, width="stretch", height=38 + 35 * len(table),
                  column_order=("rank", "theme", "priority", "change"), ranked=len(table),
                  column_config={"rank": NUMBER("Rank", width="small"), "change": TEXT("vs default", width="small"),
                                 "theme": "Theme", "priority": NUMBER("Score", format="%.2f", width="small")})
with right:  # not ui.chart, whose download button is cramped in half a page
    st.plotly_chart(ui.cached(charts.bars, table, x="theme", y="priority", orientation="h", sort=False,
                              title=f"Priority score, {view.area}", colour=charts.PRIORITY_COLOURS["overview"],
                              highlight=table["theme"].head(5).tolist(), height=90 + 30 * len(table)),
                    width="stretch", key="chart_morile_ranking", config={"displaylogo": False})
    ui.footnote("MoRiLE scoring sheet on this page", p.long_label, "Scores are illustrative defaults unless changed here.")
    ui.download(table, key="morile_ranking", view=view, period=p.long_label)

ui.section("Which single weight change would reorder the top five?")
summary = morile.sensitivity_summary(detail := ui.cached(morile.sensitivity, with_data, weights))
ui.data_table(summary, hide_index=True, width="stretch", height=38 + 35 * len(summary), column_order=summary.columns[1:4].tolist(), ranked=len(summary),
             column_config={"label": "Weight", "smallest_change": "Smallest change", "moves": TEXT("What moves", width=640)})
with st.expander("Every change tried, with the new top five"):
    ui.data_table(detail.assign(weight=detail["weight"].map(morile.LABELS)), hide_index=True, width="stretch",
                  column_order=("weight", "value", "reorders", "top"), column_config={"value": "weight tried", "top": "top five"})
st.caption(morile.SENSITIVITY_NOTE)

ui.section(f"Volume and trend from the data, {p.long_label}")
ui.data_table(morile.data_table(with_data, demo=filter(bundle.demonstration, morile.DATASETS.values())), hide_index=True,
              width="stretch", ranked=20, column_config={"theme": "Theme", "measure": "Data measure", "count": NUMBER("Count", format="localized"),
                            "change": NUMBER("Change", format="%+.1f%%"), "volume": "Volume score", "trend": "Trend score"})
ui.footnote(f"{morile.DATA_SOURCE}, {view.area}; scores: the MoRiLE scoring sheet above", p.long_label, morile.CAVEAT)
