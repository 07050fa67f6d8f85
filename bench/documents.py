"""Benchmark: time to build the documents a view can be downloaded as, and what drawing the charts costs.

Builds the demonstration frames once, then times (median of ``--runs``) the Word draft
(``draft.document``: its charts drawn ``images.TABS`` at a time in one kaleido browser session by
``images.figures_png``), the Excel workbook (``workbook.workbook``) and the HTML data pack
(``report.data_pack``), three ways: from the store's frames (every row: the bundle and every
section built again, as the app did before issue 22); from the bundle the app holds (built once
per data version, as ``ui.data.data`` holds it) for a view no document was made of yet (a fresh
bundle each run, no image drawn before: the first click); and the same view again (another
session's click, or the next document of the view: its sections and images kept). The baseline
for the charts is the obvious way to draw them: ``images.figure_png`` once per chart, each call
starting its own browser (what ``kaleido.calc_fig_sync`` does); the ratio is taken in the same run.

    .venv/bin/python bench/documents.py --runs 3 [--no-per-chart]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone

import pandas as pd

from smp_dash import assessment, bundle, demo, draft, geo, images, report, workbook
from smp_dash.selection import PUBLISHED


def timed(work, runs: int, before=None) -> tuple[float, object]:
    times, result = [], None
    for run in range(runs):
        made = before(run) if before else None
        start = time.perf_counter()
        result = work(made) if before else work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-per-chart", action="store_true", help="skip the browser-per-chart baseline (slow)")
    args = parser.parse_args()
    wards, lsoas = geo.load_wards(), geo.load_lsoas()
    frames = demo.build(wards, lsoas)
    options = dict(ward_names=dict(zip(wards["ward_code"], wards["ward_name"])), period_kind=PUBLISHED, demo=True,
                   generated_at="bench", provenance={name: {"source": "demonstration", "rows": len(frame), "demo": True}
                                                     for name, frame in frames.items()})
    held = lambda: bundle.build(frames, pd.DataFrame({"ward_code": list(options["ward_names"]),  # noqa: E731
                                                      "ward_name": list(options["ward_names"].values())}),
                                provenance=options["provenance"])
    sections_of = lambda: assessment.sections(frames, ward_names=options["ward_names"], period_kind=PUBLISHED,  # noqa: E731
                                               provenance=options["provenance"])
    _, sections = sections_of()
    figs = [fig for section in sections for fig in section.charts]
    print(f"{datetime.now(timezone.utc):%d %b %Y %H:%M} UTC, {args.runs} runs each, {len(figs)} charts in the draft")

    def fresh(_run):           # nothing drawn or kept yet: the first document of a view
        images._IMAGES.clear()
        return held()

    rows = []
    t_sections, _ = timed(sections_of, args.runs)
    rows.append(("sections (figures, sentences, charts as plotly)", t_sections, ""))
    t_batch, pngs = timed(lambda _: images.figures_png(figs, width=draft.DRAW_WIDTH, scale=draft.DRAW_SCALE, demo=True),
                          args.runs, before=lambda run: images._IMAGES.clear())
    if not args.no_per_chart:
        t_each, _ = timed(lambda: [images.figure_png(f, width=draft.DRAW_WIDTH, scale=draft.DRAW_SCALE, demo=True)
                                   for f in figs], args.runs)
        rows.append((f"draft's {len(figs)} charts, one browser, {images.TABS} at a time", t_batch,
                     f"{t_each / t_batch:.1f}x faster"))
        rows.append((f"draft's {len(figs)} charts, a browser per chart (baseline)", t_each, ""))
    else:
        rows.append((f"draft's {len(figs)} charts, one browser, {images.TABS} at a time", t_batch, ""))
    for name, build in (("Word draft", draft.document), ("Excel workbook", workbook.workbook),
                        ("HTML data pack", report.data_pack)):
        t_frames, made = timed(lambda _: build(frames, **options), args.runs, before=fresh)
        size = f"{len(made) / 1e6:.1f} MB" if len(made) > 1e6 else f"{len(made) / 1e3:.0f} KB"
        rows.append((f"{name} ({size}), from every row", t_frames, ""))
        t_first, _ = timed(lambda data: build(data, **options), args.runs, before=fresh)
        rows.append((f"{name}, a view's first, from the bundle held", t_first, f"{t_frames / t_first:.1f}x faster"))
        data = held()
        build(data, **options)
        t_again, _ = timed(lambda: build(data, **options), args.runs)
        rows.append((f"{name}, the same view again", t_again, f"{t_frames / t_again:.1f}x faster"))

    print(f"{'what':<58} {'median s':>9}  ratio")
    for what, seconds, ratio in rows:
        print(f"{what:<58} {seconds:>9.2f}  {ratio}")
    print(f"PNG bytes per chart, median: {statistics.median(len(p) for p in pngs) / 1e3:.0f} KB")


if __name__ == "__main__":
    main()
