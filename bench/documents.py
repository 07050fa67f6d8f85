"""Benchmark: time to build the documents a view can be downloaded as, and what drawing the charts costs.

Builds the demonstration frames once, then times (median of ``--runs``) the Word draft
(``draft.document``: its charts drawn in one kaleido browser session by ``images.figures_png``),
the Excel workbook (``workbook.workbook``) and the HTML data pack (``report.data_pack``). The
baseline is the obvious way to draw the draft's charts: ``images.figure_png`` once per chart, each
call starting its own browser (what ``kaleido.calc_fig_sync`` does); the ratio is taken in the same run.

    .venv/bin/python bench/documents.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone

from smp_dash import assessment, demo, draft, geo, images, report, workbook
from smp_dash.selection import PUBLISHED


def timed(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    wards, lsoas = geo.load_wards(), geo.load_lsoas()
    frames = demo.build(wards, lsoas)
    options = dict(ward_names=dict(zip(wards["ward_code"], wards["ward_name"])), period_kind=PUBLISHED, demo=True,
                   generated_at="bench", provenance={name: {"source": "demonstration", "rows": len(frame), "demo": True}
                                                     for name, frame in frames.items()})
    sections_of = lambda: assessment.sections(frames, ward_names=options["ward_names"], period_kind=PUBLISHED,  # noqa: E731
                                               provenance=options["provenance"])
    _, sections = sections_of()
    figs = [fig for section in sections for fig in section.charts]
    print(f"{datetime.now(timezone.utc):%d %b %Y %H:%M} UTC, {args.runs} runs each, {len(figs)} charts in the draft")

    rows = []
    t_sections, _ = timed(sections_of, args.runs)
    rows.append(("sections (figures, sentences, charts as plotly)", t_sections, ""))
    t_batch, pngs = timed(lambda: images.figures_png(figs, width=draft.DRAW_WIDTH, scale=draft.DRAW_SCALE, demo=True),
                          args.runs)
    t_each, _ = timed(lambda: [images.figure_png(f, width=draft.DRAW_WIDTH, scale=draft.DRAW_SCALE, demo=True)
                               for f in figs], args.runs)
    rows.append((f"draft's {len(figs)} charts, one browser session", t_batch, f"{t_each / t_batch:.1f}x faster"))
    rows.append((f"draft's {len(figs)} charts, a browser per chart (baseline)", t_each, ""))
    t_draft, doc = timed(lambda: draft.document(frames, **options), args.runs)
    rows.append((f"Word draft, whole ({len(doc) / 1e6:.1f} MB)", t_draft, ""))
    t_book, book = timed(lambda: workbook.workbook(frames, **options), args.runs)
    rows.append((f"Excel workbook ({len(book) / 1e3:.0f} KB)", t_book, ""))
    t_pack, pack = timed(lambda: report.data_pack(frames, **options), args.runs)
    rows.append((f"HTML data pack ({len(pack) / 1e6:.1f} MB)", t_pack, ""))

    print(f"{'what':<58} {'median s':>9}  ratio")
    for what, seconds, ratio in rows:
        print(f"{what:<58} {seconds:>9.2f}  {ratio}")
    print(f"PNG bytes per chart, median: {statistics.median(len(p) for p in pngs) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
