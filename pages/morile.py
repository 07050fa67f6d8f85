"""MoRiLE priorities: themes scored on threat, risk and harm, with editable scores and weights.

The page keeps its inputs (weights bound to the link, the scoring sheet: edit, import, reset, export)
and draws its model (``priorities.morile.page``) for them; the data pack, the draft and the workbook
draw the model for the default scores and weights.
"""

from functools import partial

import streamlit as st

from smp_dash import blocks, config, morile, schema, ui
from smp_dash.priorities import morile as model

SHEET, ERROR, VERSION = "morile_base", "morile_import_error", "morile_version"

bundle, view = ui.page(model.TITLE, model.QUESTION)
method = st.container()   # the method, above the inputs it explains


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
    # checked once per sheet's content, not on every rerun (ui.cached): the check is half a warm rerun
    sheet = st.session_state["morile_valid"] = ui.cached(morile.validate_sheet, edited, "the scoring sheet",
                                                         first_row=1)
except schema.SchemaError as exc:
    sheet = st.session_state.get("morile_valid", st.session_state[SHEET])
    st.error("The ranking ignores the edits until these are fixed:\n\n" + "\n".join(f"- {x}" for x in exc.problems))
mid.download_button("Export sheet (CSV)", data=partial(morile.sheet_csv, sheet), file_name="morile-scoring-sheet.csv",
                    mime="text/csv", on_click="ignore", icon=":material/download:", width="stretch")

page = ui.figures(model.page, view, weights=tuple(weights.items()), sheet=morile.sheet_rows(sheet))
above, below = blocks.split(page, "Ranking")
with method:
    ui.draw(above, bundle, view)
ui.draw(below, bundle, view)
