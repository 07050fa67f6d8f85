"""Loading and restoring data (the Data page; analysts only): upload preview and commit, the
police.uk fetch, restoring a version. Button callbacks run before the page, so each checks access
itself; the outcome is shown on the next run. The fetch, which takes minutes, runs under its own
button instead, saying what it is doing there.
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


def save_comparators(names, group: str | None) -> None:
    """Keep the partnerships chosen on the compare page as its comparators (a button callback, analysts
    only); the outcome is shown on the next run."""
    if not _analyst_only():
        return
    try:
        intake.save_comparators(names, group, source="chosen on the compare page")
        st.session_state["data_done"] = ("success", f"Kept {len(names)} comparator partnerships."
                                         if names else "The comparators are every partnership of the force area again.")
    except (ValueError, OSError) as exc:
        st.session_state["data_done"] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc)))


#: The fetch asked for (set by its button), until the run that fetches takes it; its outcome after.
_FETCH, _FETCHED = "_fetch_asked", "_fetch_done"


def fetch_police_api() -> None:
    """The "Fetch the latest months" button, and under it what the fetch is doing while it runs, in
    words ("Fetching Dec 2024 (13 of 24)..."), then what it fetched or why it could not.

    The fetch (``config.police_api_url()``; minutes for two years) runs in the page's run, under its
    button: a button callback runs before the page and would draw its progress at the top. The button
    is drawn disabled while it runs, so it cannot be started twice; the page is drawn again after it,
    with the data it added."""
    asked = st.session_state.pop(_FETCH, False)
    st.button("Fetch the latest months", key="fetch_police_api", on_click=_ask_fetch, icon=":material/cloud_download:",
              disabled=asked)
    under = st.empty()
    if not asked:
        status, message = st.session_state.pop(_FETCHED, (None, None))
        if status:
            (under.success if status == "success" else under.error)(message)
        return
    bar = under.progress(0.0, text="Asking police.uk which months it has")
    try:
        result = intake.fetch_police_uk(wards=geo.load_wards(), lsoas=geo.load_lsoas(),
                                        progress=lambda done, total, text: bar.progress(done / max(total, 1), text=text))
        st.session_state[_FETCHED] = ("success", result.summary().replace("\n", "  \n"))
    except (ValueError, OSError) as exc:
        st.session_state[_FETCHED] = ("error", "\n".join(f"- {m}" for m in intake.messages(exc))
                                      + f"\n\n{intake.UNCHANGED}")
    st.rerun()


def _ask_fetch() -> None:
    """The fetch button's callback: ask for a fetch (analysts only); it runs under the button."""
    if _analyst_only():
        st.session_state[_FETCH] = True


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
