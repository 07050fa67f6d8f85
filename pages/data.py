"""Data: what is loaded and where it came from (its model, ``priorities.data.page``); for analysts, load,
preview and commit a file, fetch from police.uk, restore a version and read the rows."""

import streamlit as st

from smp_dash import blocks, exports, intake, schema, ui
from smp_dash.priorities import data

bundle, view = ui.page(data.TITLE, data.QUESTION)

status, message = st.session_state.pop("data_done", (None, None))
if status:
    (st.success if status == "success" else st.error)(ui.words(message) + ("" if status == "success" else f"\n\n{intake.UNCHANGED}"))

ui.draw(ui.figures(data.page, view), bundle, view)


def _analyst_sections() -> None:
    """Uploads, restores and row-level data: analysts only (access.py)."""
    ui.section("Load a file")
    kind = st.selectbox("Dataset", list(intake.LABELS), format_func=intake.LABELS.get, key="dataset")
    upload = st.file_uploader("File (CSV, a police.uk zip, or a published .ods or .xlsx table)",
                              type=["csv", "zip", "ods", "xlsx"], key="upload")
    if upload is not None and st.session_state.get("data_committed") == (upload.file_id, kind):
        st.info(f"{upload.name} is committed. Choose another file to load more.", icon=":material/check_circle:")
    elif upload is not None:
        result = ui.upload_preview(upload, kind)
        if isinstance(result, Exception):
            st.error("\n".join(f"- {m}" for m in intake.messages(result)) + f"\n\n{intake.UNCHANGED}")
        else:
            cols = st.columns(4)
            for col, (label, value) in zip(cols, [("Rows read", result.rows_read), ("Rows accepted", result.rows_accepted),
                                                  ("Rows rejected", result.rows_rejected),
                                                  ("Outside the borough", result.rows_outside)]):
                with col:
                    ui.metric(label, value)
            st.text(result.summary())
            st.markdown(f"**Wards covered:** {', '.join(result.wards) or 'none'}")
            if len(result.rejected):
                st.markdown("**Rows left out, and why**")
                ui.data_table(result.rejected, hide_index=True, width="stretch")
            empty = bool(result.empty) and st.checkbox(
                f"Empty {schema.named(*result.empty)} on purpose", key="allow_empty",
                help="The file holds no rows of these datasets, so they are left as they are unless you tick this.")
            targets = result.datasets + (result.empty if empty else ())
            st.button(f"Commit {result.rows_accepted:,} rows to {schema.named(*targets) or intake.LABELS[kind]}",
                      key="commit", type="primary", on_click=ui.commit_upload, args=(result, empty),
                      disabled=result.rows_accepted == 0 and not empty)

    ui.section("Fetch from the police.uk API")
    st.caption(ui.words("Street-level crimes and anti-social behaviour for the months the police.uk API offers and "
                        "the data in use lacks, checked as an upload is and added as one new version."))
    ui.fetch_police_api()

    ui.section("Versions and templates")
    for dataset in intake.LABELS:
        if dataset == intake.POLICE_UK:
            continue
        kept = ui.per_version(intake.versions, dataset)
        with st.expander(f"{schema.DATASET_NAMES[dataset]}: {len(kept)} earlier version(s), template"):
            if kept:
                chosen = st.selectbox("Version", [v["version"] for v in kept], key=f"version_{dataset}",
                                      format_func={v["version"]: intake.version_label(v) for v in kept}.get)
                st.button("Restore", key=f"restore_{dataset}", on_click=ui.restore_version, args=(dataset, chosen))
            st.download_button("Download the CSV template", intake.template_with_notes(dataset),
                               file_name=exports.file_name(intake.LABELS[dataset], ".csv"), mime="text/csv", key=f"template_{dataset}",
                               on_click="ignore", icon=":material/download:")
            ui.data_table(intake.column_notes(dataset), hide_index=True, width="stretch")

    ui.section("Row-level data")
    dataset = st.selectbox("Dataset", intake.ROW_DATASETS, format_func=schema.DATASET_NAMES.get, key="rows_dataset")
    frame, total = ui.row_sample(dataset, view.wards)
    st.caption(f"{total:,} rows {blocks.where(view)}; the newest {len(frame):,} shown.")
    ui.data_table(frame, hide_index=True, width="stretch")
    ui.download(frame, key=f"rows_{dataset}", view=view, period="newest rows",
                data=f"{schema.DATASET_NAMES[dataset]}, the newest rows")


if ui.who().can_upload and not view.present:   # a shared screen shows the data in use, not the analysts' tools
    _analyst_sections()
elif not view.present:
    st.info(f"Loading files, restoring versions and row-level data are for analysts. {ui.who().describe()}",
            icon=":material/lock:")
