"""Streamlit glue, the only part of the library that imports streamlit: what pages and app.py use.

- ``data``: the cached bundle and the figure, deck and row caches;
- ``signin``: who is using the session (sign-in, the roles file, the account box);
- ``sidebar``: the shared filter (wards and presets, period, display toggles, data pack), then the menu;
- ``run``: this run's state (data, view, person), worked out once by ``page()``;
- ``page``: opening a page, its header and footer, sections and headline figures;
- ``sections``: charts, downloads, tables, action plans;
- ``maps``: the ward and district map sections;
- ``blocks``: drawing a page model (``smp_dash.blocks``) block by block;
- ``uploads``: upload preview and commit, the police.uk fetch, restoring a version.

Data is loaded once per process (``st.cache_resource``) and shared read-only by every session;
pages get small cubes (counts per month and ward) so a filter change regroups thousands of rows,
not every row.
"""

from smp_dash.blocks import plain
from smp_dash.ui.blocks import draw
from smp_dash.ui.data import cached, figures, per_version, row_sample
from smp_dash.ui.glossary import words
from smp_dash.ui.page import footnote, metric, page, provenance_footer, section
from smp_dash.ui.run import present_in_link
from smp_dash.ui.sections import chart, data_table, download, morile_sheet_columns
from smp_dash.ui.sidebar import menu
from smp_dash.ui.signin import current_access, sign_in_page, who
from smp_dash.ui.uploads import commit_upload, fetch_police_api, restore_version, save_comparators, upload_preview

__all__ = ["cached", "chart", "commit_upload", "current_access", "data_table", "download", "draw",
           "fetch_police_api", "figures", "footnote", "menu", "metric", "morile_sheet_columns", "page", "per_version", "plain",
           "present_in_link", "provenance_footer", "restore_version", "row_sample", "save_comparators", "section", "sign_in_page",
           "upload_preview", "who", "words"]
