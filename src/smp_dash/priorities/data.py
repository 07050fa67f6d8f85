"""Data: which data is in use and where it came from, as every viewer of the Data page sees it.

Loading a file, fetching from police.uk, restoring a version and reading rows are the analysts'
tools: inputs, not figures, drawn by the page script itself (``pages/data.py``).
"""

from __future__ import annotations

from smp_dash import blocks, bundle as bundles, intake, measures, schema
from smp_dash.selection import Filter

#: Its name in the navigation.
NAME = "Data"
TITLE = "Data"
QUESTION = "Which data is in use, where did it come from, and how do I load or restore a file?"
MIXED = ("Demonstration and real data are mixed: figures that combine the datasets marked demonstration with real "
         "ones are illustrative, not real.")
PROVENANCE = "Where each dataset came from"
COVERAGE = "Months covered, and months missing inside them"
GAPS = "police.uk leaves some months out; a chart shows them as gaps, never as zero."
ROWS = "Rows in use per month"


def page(bundle, view: Filter) -> blocks.Page:
    """The data in use: which datasets are real, demonstration or not loaded, a warning when real
    and demonstration data are mixed, where each came from, the months each covers and misses,
    and its rows per month. The same for every view: the ward filter does not apply."""
    records = bundle.provenance
    out = blocks.Page(TITLE, QUESTION)
    out.add(blocks.Heading("Data in use"),
            *(blocks.said(f"{', '.join(schema.DATASET_NAMES[n] for n in names)}.", kind.capitalize(), document=False)
              for kind, names in intake.kinds(records).items() if names),
            blocks.Caution(MIXED) if intake.mixed(records=records) else None,
            blocks.Table("provenance", PROVENANCE, intake.provenance_table(records=records), document=False),
            blocks.Table("coverage_table", COVERAGE, bundles.coverage_table(bundle), ranked=20, document=False),
            blocks.Caption(GAPS, document=False),
            _rows(bundle))
    return out


def _rows(bundle) -> blocks.Chart | blocks.Missing:
    """Rows in use per month of each dated dataset, or why there are none."""
    from smp_dash import charts

    rows = bundles.rows_per_month(bundle)
    rows = rows.assign(dataset=rows["dataset"].map(schema.DATASET_NAMES))
    if rows.empty:
        return blocks.Missing(ROWS, f"{measures.NOT_LOADED}: no dated dataset holds rows")
    return blocks.Chart("coverage", ROWS, charts.monthly_trend(rows, series="dataset", title=ROWS, lockdowns=False),
                        rows, "the data in use (provenance above)", "every month loaded", document=False)
