"""Loading and restoring data (the Data page; analysts only): upload preview and commit, the
police.uk fetch, restoring a version. Button callbacks run before the page, so each checks access
itself; the outcome is shown on the next run.
"""

from __future__ import annotations

import streamlit as st

from smp_dash import access, geo, intake, schema
from smp_dash.ui.signin import current_access


def upload_preview(upload, kind: str):
    """The preview of an uploaded file, worked out once per file and dataset (a police.uk zip
    takes seconds); the exception if the file cannot be read. The upload's name is only shown."""
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


def commit_upload(preview, allow_empty: bool = False) -> None:
    """Commit a previewed upload (a button callback); the outcome is shown on the next run.
    ``allow_empty`` empties the datasets the file holds no rows of, on purpose."""
    if not _analyst_only():
        return
    try:
        records = intake.commit(preview, allow_empty=allow_empty)
        st.session_state["data_committed"] = st.session_state.get("data_preview_key")  # no second commit of it
        st.session_state["data_done"] = ("success", " ".join(
            f"Committed {r['rows']:,} rows to {schema.named(d)} from {r['source']}." for d, r in records.items()))
    except (ValueError, OSError) as exc:
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))


def fetch_police_api() -> None:
    """Fetch the police.uk months the store lacks from the API (``config.police_api_url()``), with a
    progress bar (a button callback); the outcome is shown on the next run."""
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
    if not _analyst_only():
        return
    try:
        record = intake.restore(dataset, version)
    except (ValueError, OSError) as exc:       # not a listed version, a changed file, or the store busy
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))
        return
    st.session_state["data_done"] = ("success", f"Restored {schema.named(dataset)}: {record['rows']:,} rows from {record['source']}.")


def _analyst_only() -> bool:
    """For button callbacks, which run before the page: only analysts change the data in use."""
    state = current_access()
    if isinstance(state, access.Access) and state.can_upload:
        return True
    reason = state.describe() if isinstance(state, access.Access) else "Sign in first."
    st.session_state["data_done"] = ("error", f"Only analysts can change the data in use. {reason}")
    return False


def _wards_or_none():
    try:
        return geo.load_wards()
    except geo.BoundariesMissing:
        return None
