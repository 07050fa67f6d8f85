"""Scenarios: a seasonal baseline for the next 12 months, what-if levers on top, and the partner work they bring.

Every widget is bound to the URL, so a copied link reopens the same named scenario.
"""

import streamlit as st

from smp_dash import charts, measures, scenarios as sc, ui

COLOURS = {"Domestic abuse": charts.PRIORITY_COLOURS["domestic_abuse"],
           "ASB incidents": charts.PRIORITY_COLOURS["asb_community_protection"],
           "Drug offences": charts.PRIORITY_COLOURS["substance_misuse"],
           "Needles found": charts.PRIORITY_COLOURS["substance_misuse"]}
SOURCES = {"Domestic abuse": "Kent Police recorded crime, domestic-abuse flag",
           "ASB incidents": "police.uk anti-social behaviour incidents",
           "Drug offences": "Kent Police recorded crime, drug offences",
           "Needles found": "Maidstone Borough Council waste team needle log (bulk finds left out)"}

bundle, view = ui.page("Scenarios: what if?",
                       "What might the next 12 months bring, and what would a tournament summer, a one-off event or a "
                       "change in recording practice add, for the police and for partners?")

offered, not_offered = sc.offered(bundle)
ui.stop_if_missing("Scenarios, the next 12 months", None if offered else not_offered)
months = sc.horizon(bundle.last_month)
labels = list(months)
top = st.columns([2, 1])
name = top[0].text_input("Scenario name", key="sc_name", bind="query-params", max_chars=80,
                         placeholder="e.g. Tournament summer", help="Names the scenario in the link and the download.")
measure = top[1].selectbox("Measure", offered, key="sc_measure", bind="query-params")
if not_offered:
    st.caption(f"Not offered: {not_offered}")
left, middle, right = st.columns(3, border=True)
with left:
    st.markdown("**A busier season**")
    uplift = st.slider("Uplift over chosen months (%)", -50, 100, 0, key="sc_uplift", bind="query-params",
                       help="e.g. +20% over the months of a major football tournament, which the assessment expects "
                       "to raise domestic abuse.")
    chosen = st.multiselect("Uplift months", labels, default=[m for m in labels if m[:3] in ("Jun", "Jul")],
                            key="sc_months", bind="query-params")
with middle:
    st.markdown("**A one-off event**")
    event_month = st.selectbox("Event month", labels, index=None, placeholder="No one-off event",
                               key="sc_event_month", bind="query-params")
    event = st.number_input("Extra cases from the event", 0, 10_000, 0, step=1, key="sc_event", bind="query-params")
with right:
    st.markdown("**A change in recording practice**")
    recording = st.slider("Change in recorded cases (%)", -50, 100, 0, key="sc_recording", bind="query-params",
                          help="e.g. more stop and search finds more drug offences: +X% from a month onward.")
    since = st.selectbox("From", labels, key="sc_recording_from", bind="query-params")

levers = sc.Levers(uplift_pct=uplift, uplift_months=tuple(months[m] for m in chosen),
                   event_month=months.get(event_month), event_cases=int(event or 0),
                   recording_pct=recording, recording_from=months[since])
series = sc.measure_series(bundle, measure, view.wards)
base = ui.cached(sc.project, series)
projected = sc.apply(base, levers)
sums = sc.totals(projected)
described = sc.describe(levers)
title = name.strip() or "Unnamed scenario"

ui.section(f"{ui.plain(title)}: {measure.lower()}, {view.area}, {labels[0]} to {labels[-1]}")  # a name from a link is text
st.markdown(f"**Scenario:** {described}")
st.caption(f"The projection uses {f'the selected wards ({view.area})' if view.wards else 'the whole borough'}; "
           f"change the wards in the sidebar. The period filter does not apply: projections start after the latest "
           f"month of data ({bundle.last_month:%b %Y}).")
dataset = measures.get(sc.MEASURE_IDS[measure]).dataset
k = st.columns(3)
with k[0]:
    ui.metric(bundle.mark("Baseline, next 12 months", dataset), f"{sums['baseline']:,.0f}",
              help=f"95% band {sums['lower']:,.0f} to {sums['upper']:,.0f}")
with k[1]:
    ui.metric(bundle.mark("Scenario, next 12 months", dataset), f"{sums['scenario']:,.0f}")
with k[2]:
    ui.metric(bundle.mark("Extra cases", dataset), f"{sums['extra']:+,.0f}", help="Scenario less baseline, over the next 12 months.")

history = series.tail(36)
recorded = f"{history['month'].iloc[0]:%b %Y} to {history['month'].iloc[-1]:%b %Y} recorded; "
shown, why = sc.recorded(bundle, measure, view, history)
if why:  # months disclosure control keeps back: the projection only
    history, recorded, why = history.iloc[0:0], "", f"Recorded months not shown. {why}"
figure = ui.cached(sc.projection_figure, history, projected, colour=COLOURS[measure],
                   title=bundle.mark(f"{measure} by month, {view.area}: {'recorded, and ' if len(history) else ''}projected "
                                     "with a 95% band", dataset))
ui.chart(figure, sc.export_table(projected, title, described), key="scenario", source=SOURCES[measure],
         period=f"{recorded}{labels[0]} to {labels[-1]} projected", caveat=f"Scenario: {described} {why}".strip(), view=view)

ui.section("Partner workload at current ratios")
ratios = sc.current_ratios(bundle, measure)
if ratios:
    ui.data_table(sc.workload(sums["extra"], ratios), hide_index=True, width="stretch", ranked=10, column_order=("item", "extra", "per_case"),
                 column_config={"item": st.column_config.TextColumn("Partner work"),
                                "per_case": st.column_config.NumberColumn("per case", format="%.3f"),
                                "extra": st.column_config.NumberColumn("extra in the next 12 months", format="%.1f")})
st.caption(bundle.mark(sc.ratio_basis(bundle, measure), *([sc.RATIO_DATASETS[measure]] if ratios else [])))

with st.expander("Method"):
    st.markdown(sc.METHOD)
    st.caption(base.attrs.get("method_text", ""))
st.caption("Copy this link to share the scenario: the address bar holds its name, the levers and the ward filter.")
