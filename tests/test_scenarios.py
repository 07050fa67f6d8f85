"""Scenarios on tiny hand-built series: the projection, the levers, workload and ratios, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from smp_dash import scenarios as sc

PATTERN = [80, 70, 90, 100, 110, 120, 140, 130, 100, 90, 80, 120]  # mean 102.5
HALF_100 = 1.96 * 10  # the 95% half-width of a Poisson count of 100
#: The months at least half in a national lockdown.
LOCKDOWN = ["2020-04", "2020-05", "2020-06", "2020-11", "2021-01", "2021-02", "2021-03"]


def _series(start: str, values) -> pd.DataFrame:
    values = list(values)
    return pd.DataFrame({"month": pd.date_range(start, periods=len(values), freq="MS"), "value": values})


def _expected(start: str, baseline, half=None, method="seasonal") -> pd.DataFrame:
    """A projection frame written out by hand: the band is 1.96 sqrt(baseline) unless ``half`` is given."""
    base = np.asarray(baseline, dtype=float)
    half = 1.96 * np.sqrt(base) if half is None else np.asarray(half, dtype=float)
    return pd.DataFrame({"month": pd.date_range(start, periods=len(base), freq="MS"), "baseline": base,
                         "lower": np.clip(base - half, 0, None), "upper": base + half, "method": method})


def _projection(values=(100,) * 12, start="2021-01") -> pd.DataFrame:
    """A hand-made projection: baseline ``values`` with a band of +/- 20."""
    base = np.asarray(values, dtype=float)
    return pd.DataFrame({"month": pd.date_range(start, periods=len(base), freq="MS"), "baseline": base,
                         "lower": base - 20, "upper": base + 20})


# project ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, values, expected", [
    # A perfectly seasonal series repeats its pattern, band 1.96 sqrt(value) (no overdispersion).
    ("2016-01", PATTERN * 3, _expected("2019-01", PATTERN)),
    # A constant series projects flat, band +/- 1.96 sqrt(mean).
    ("2016-01", [100] * 36, _expected("2019-01", [100] * 12, [HALF_100] * 12)),
    # Only the last three years set the pattern: an older, different year is ignored.
    ("2015-01", [500] * 12 + PATTERN * 3, _expected("2019-01", PATTERN)),
    # Two years are enough for a seasonal pattern.
    ("2017-01", PATTERN * 2, _expected("2019-01", PATTERN)),
    # All zeros: a zero baseline and a zero band, not a division by zero.
    ("2016-01", [0] * 36, _expected("2019-01", [0] * 12, [0] * 12)),
])
def test_project_known_series(start, values, expected):
    assert_frame_equal(sc.project(_series(start, values), exclude=()), expected)


def test_perfect_seasonal_series_ignores_the_lockdown_default_before_2020():
    # No month of 2016-2018 was in a lockdown, so the default exclusion changes nothing.
    series = _series("2016-01", PATTERN * 3)
    assert_frame_equal(sc.project(series), sc.project(series, exclude=()))


def test_seasonal_pattern_with_a_trend_keeps_its_shape():
    # Each year 10% higher: the indices keep the shape, the level is the last year's.
    values = [v * f for f in (1.0, 1.1, 1.21) for v in PATTERN]
    result = sc.project(_series("2016-01", values), exclude=())
    ratios = result["baseline"] / np.array(PATTERN, dtype=float)
    assert np.allclose(ratios, ratios.iloc[0])
    assert ratios.iloc[0] == pytest.approx(1.21)


def test_overdispersed_series_widens_the_band():
    # Years of 50, 150, then 100 a month: every month-of-year has mean 100, so the indices are 1,
    # and the variance of the 36 values (ddof 1) is 60,000 / 35 against a mean of 100.
    values = [50] * 12 + [150] * 12 + [100] * 12
    result = sc.project(_series("2016-01", values), exclude=())
    phi = 60_000 / 35 / 100
    assert result.attrs["phi"] == pytest.approx(phi)
    assert_frame_equal(result, _expected("2019-01", [100] * 12, [1.96 * math.sqrt(phi * 100)] * 12))
    constant = sc.project(_series("2016-01", [100] * 36), exclude=())
    assert (result["upper"] - result["lower"] > constant["upper"] - constant["lower"]).all()


@pytest.mark.parametrize("exclude, level", [
    (None, 100.0),  # the default leaves the lockdown months (40 a month here) out of the level
    ((), None),  # nothing left out: the lockdown months pull the level down
])
def test_lockdown_exclusion_changes_the_level(exclude, level):
    # 100 a month from Apr 2018 to Mar 2021, except 40 in each lockdown month.
    series = _series("2018-04", [100] * 36)
    series.loc[series["month"].dt.strftime("%Y-%m").isin(LOCKDOWN), "value"] = 40
    result = sc.project(series, exclude=exclude)
    if level is not None:
        assert_frame_equal(result, _expected("2021-04", [level] * 12, [HALF_100] * 12))
        assert result.attrs["excluded"] == LOCKDOWN
    else:
        assert result["baseline"].sum() < 1200
        assert result.attrs["excluded"] == []


def test_chosen_exclusions_are_left_out():
    series = _series("2016-01", [100] * 35 + [400])
    assert sc.project(series, exclude=["2018-12"])["baseline"].tolist() == [100.0] * 12
    assert sc.project(series, exclude=())["baseline"].mean() > 100


def test_every_recent_month_excluded_falls_back_to_all_of_them():
    series = _series("2016-01", [100] * 24 + [60] * 12)
    result = sc.project(series, exclude=pd.date_range("2018-01", periods=12, freq="MS"))
    assert result["baseline"].tolist() == pytest.approx([60.0] * 12)
    assert "uses them all" in result.attrs["method_text"]


@pytest.mark.parametrize("values, level", [
    ([10] * 6 + [20] * 12, 20.0),  # 18 months: flat at the mean of the last 12
    ([30] * 5, 30.0),  # fewer than 12 months: the mean of them all
    (PATTERN + PATTERN[:11], np.mean(PATTERN[1:] + PATTERN[:1])),  # 23 months: still flat, no season
])
def test_short_series_is_flat(values, level):
    result = sc.project(_series("2016-01", values), exclude=(), horizon=3)
    assert result["method"].unique().tolist() == ["flat"]
    assert result["baseline"].tolist() == pytest.approx([level] * 3)
    assert result.attrs["method_text"].startswith("Flat:")


def test_horizon_sets_the_months():
    result = sc.project(_series("2016-01", PATTERN * 3), horizon=18, exclude=())
    assert result["month"].iloc[[0, -1]].tolist() == [pd.Timestamp("2019-01-01"), pd.Timestamp("2020-06-01")]
    assert result["baseline"].tolist() == pytest.approx(PATTERN + PATTERN[:6])


@pytest.mark.parametrize("series, message", [
    (pd.DataFrame({"month": [], "value": []}), "empty"),
    (pd.DataFrame({"month": ["2020-01-01"]}), "no column value"),
    (_series("2020-01", [1, 2, 3]).drop(index=1), "consecutive"),  # a gap
    (_series("2020-01", [1.0, np.nan, 3.0]), "missing values"),
])
def test_project_rejects_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        sc.project(series)


def test_lockdown_months():
    months = pd.date_range("2020-01", "2021-04", freq="MS")
    # Mar 2020 (9 days), Jul 2020 (3) and Dec 2020 (2) were less than half in lockdown.
    assert [f"{m:%Y-%m}" for m in sc.lockdown_months(months)] == LOCKDOWN


# apply and the levers ----------------------------------------------------------------------------

@pytest.mark.parametrize("levers, extra", [
    (sc.Levers(), {}),  # no lever: the baseline
    (sc.Levers(uplift_pct=20, uplift_months=("2021-06", "2021-07")), {"2021-06": 20, "2021-07": 20}),
    (sc.Levers(uplift_pct=10), {"2021-06": 10, "2021-07": 10}),  # default months: June and July of every year
    (sc.Levers(uplift_pct=-25, uplift_months=(12,)), {"2021-12": -25}),
    (sc.Levers(uplift_pct=20, uplift_months=()), {}),  # no months chosen: no effect
    (sc.Levers(event_month="2021-08", event_cases=30), {"2021-08": 30}),
    (sc.Levers(event_cases=30), {}),  # no month chosen: no effect
    (sc.Levers(recording_pct=10, recording_from="2021-10"), {"2021-10": 10, "2021-11": 10, "2021-12": 10}),
    (sc.Levers(recording_pct=5), {f"2021-{m:02d}": 5 for m in range(1, 13)}),  # from the first projected month
    # Together: 100 x 1.2 x 1.1 + 5 = 137 in June; 100 x 1.1 after it.
    (sc.Levers(uplift_pct=20, uplift_months=(6,), recording_pct=10, recording_from="2021-06", event_month="2021-06",
               event_cases=5), {"2021-06": 37, "2021-07": 10, "2021-08": 10, "2021-09": 10, "2021-10": 10,
                                "2021-11": 10, "2021-12": 10}),
])
def test_apply_levers(levers, extra):
    result = sc.apply(_projection(), levers)
    months = result["month"].dt.strftime("%Y-%m")
    assert result["extra"].tolist() == pytest.approx([extra.get(m, 0) for m in months])
    assert result["scenario"].tolist() == pytest.approx((100 + result["extra"]).tolist())
    assert list(result.columns) == ["month", "baseline", "lower", "upper", "scenario", "scenario_lower",
                                    "scenario_upper", "extra"]


@pytest.mark.parametrize("levers, lower, upper", [
    (sc.Levers(uplift_pct=50, uplift_months=("2021-01",)), 120.0, 180.0),  # the band scales: 80 and 120 x 1.5
    (sc.Levers(event_month="2021-01", event_cases=30), 110.0, 150.0),  # a known event shifts it
    (sc.Levers(recording_pct=-50), 40.0, 60.0),
])
def test_apply_scales_the_band(levers, lower, upper):
    first = sc.apply(_projection(), levers).iloc[0]
    assert (first["scenario_lower"], first["scenario_upper"]) == pytest.approx((lower, upper))
    assert (first["lower"], first["upper"]) == (80.0, 120.0)  # the baseline band is unchanged


def test_apply_needs_a_projection():
    with pytest.raises(ValueError, match="no column baseline"):
        sc.apply(_series("2021-01", [1, 2]), sc.Levers())


@pytest.mark.parametrize("kwargs, message", [
    ({"uplift_pct": -100}, "above -100"),
    ({"recording_pct": -150}, "above -100"),
    ({"uplift_months": (13,)}, "1 to 12"),
    ({"event_month": "June"}, "YYYY-MM"),
    ({"recording_from": "not a month"}, "YYYY-MM"),
])
def test_levers_reject_nonsense(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sc.Levers(**kwargs)


def test_levers_are_hashable_and_normalised():
    levers = sc.Levers(uplift_months=["2021-06-01", pd.Timestamp("2021-07-15")], event_month="2021-08")
    assert levers.uplift_months == ("2021-06", "2021-07")
    assert hash(levers) == hash(sc.Levers(uplift_months=("2021-06", "2021-07"), event_month="2021-08-01"))
    assert not levers.active and sc.Levers(recording_pct=1).active


@pytest.mark.parametrize("levers, text", [
    (sc.Levers(), "Baseline only: no change assumed."),
    (sc.Levers(uplift_pct=20, uplift_months=("2021-06", "2021-07")), "+20% in Jun 2021 and Jul 2021."),
    (sc.Levers(uplift_pct=-5), "-5% in Jun and Jul of every year."),
    (sc.Levers(uplift_pct=5, uplift_months=()), "+5% in no months chosen (no effect)."),
    (sc.Levers(event_month="2021-08", event_cases=1200), "A one-off event of +1,200 cases in Aug 2021."),
    (sc.Levers(recording_pct=12.5), "Recording practice +12.5% from the first projected month onward."),
    (sc.Levers(uplift_pct=20, uplift_months=("2021-06",), event_month="2021-08", event_cases=30, recording_pct=10,
               recording_from="2021-10"),
     "+20% in Jun 2021; a one-off event of +30 cases in Aug 2021; recording practice +10% from Oct 2021 onward."),
])
def test_describe(levers, text):
    assert sc.describe(levers) == text


# Totals, workload and ratios ---------------------------------------------------------------------

def test_totals_add_variances_not_bands():
    frame = sc.apply(_projection((100, 100)), sc.Levers(event_month="2021-02", event_cases=7))
    half = math.sqrt(2 * 20 ** 2)
    assert sc.totals(frame) == pytest.approx({"baseline": 200, "lower": 200 - half, "upper": 200 + half,
                                              "scenario": 207, "extra": 7})


@pytest.mark.parametrize("extra, ratios, rows", [
    (50, {"MARAC cases": 0.1, "Sanctuary referrals": 0.02}, [("MARAC cases", 0.1, 5.0), ("Sanctuary referrals", 0.02, 1.0)]),
    (-10, {"CPWs": 0.25}, [("CPWs", 0.25, -2.5)]),  # a scenario below the baseline frees work
    (0, {"CPWs": 0.25}, [("CPWs", 0.25, 0.0)]),
    (50, {}, []),  # no ratio held: an empty table with the columns
])
def test_workload(extra, ratios, rows):
    expected = pd.DataFrame(rows, columns=["item", "per_case", "extra"]).astype({"item": object, "per_case": float,
                                                                                 "extra": float})
    assert_frame_equal(sc.workload(extra, ratios), expected)


def _tiny_data(**changes) -> dict:
    """A year of frames: 20 DA and 5 drug crimes, 10 ASB incidents a month; MARAC 2 and sanctuary 1 a month."""
    months = pd.date_range("2019-12", "2020-12", freq="MS")
    crimes = pd.concat([
        pd.DataFrame({"month": months, "ward_code": "W1", "crime_type": "Violence and sexual offences",
                      "domestic_abuse": True, "n": 20}),
        pd.DataFrame({"month": months, "ward_code": "W2", "crime_type": "Drugs", "domestic_abuse": False, "n": 5}),
    ], ignore_index=True)
    year = months[:12]
    indicators = pd.concat([
        pd.DataFrame({"indicator_id": "marac_cases_monthly", "period_start": year, "value": 2.0}),
        pd.DataFrame({"indicator_id": "sanctuary_referrals_monthly", "period_start": year, "value": 1.0}),
    ], ignore_index=True)
    enforcement = pd.DataFrame({"issued": pd.to_datetime(["2020-01-05", "2020-06-01", "2020-12-31", "2020-03-03",
                                                          "2019-12-20"]),
                                "action": ["CPW", "CPW", "CPW", "CPN", "CPW"]})
    asb = pd.DataFrame({"month": months, "ward_code": "W1", "n": 10})
    needles = pd.DataFrame({"found": pd.to_datetime(["2020-01-05", "2020-01-20", "2020-03-01"]),
                            "ward_code": ["W1", "W2", "W1"], "needles": [3, 500, 4],
                            "bulk_incident": [False, True, False]})
    return {"crimes": crimes, "indicators": indicators, "enforcement": enforcement, "asb": asb, "needles": needles,
            **changes}


@pytest.mark.parametrize("measure, ratios", [
    # Dec 2019 to Nov 2020: 24 MARAC cases and 12 referrals against 240 DA crimes.
    ("Domestic abuse", {"MARAC cases": 0.1, "Sanctuary referrals": 0.05}),
    # Calendar 2020: 3 CPWs (the CPN and the 2019 CPW do not count) against 120 incidents.
    ("ASB incidents", {"Community Protection Warnings": 0.025}),
    ("Drug offences", {}),
    ("Needles found", {}),
])
def test_current_ratios(measure, ratios):
    assert sc.current_ratios(_tiny_data(), measure) == pytest.approx(ratios)


def test_ratios_need_a_whole_year():
    data = _tiny_data()
    short = data["indicators"][data["indicators"]["period_start"] < "2020-06-01"]
    assert sc.current_ratios({**data, "indicators": short}, "Domestic abuse") == {}
    assert sc.ratio_basis({**data, "indicators": short}, "Domestic abuse").startswith("No MARAC")
    assert sc.current_ratios({**data, "enforcement": data["enforcement"].iloc[0:0]}, "ASB incidents") == {}


@pytest.mark.parametrize("measure, words", [
    ("Domestic abuse", "MARAC cases over Dec 2019 to Nov 2020"),
    ("ASB incidents", "Calendar year 2020"),
    ("Drug offences", "No partner workload ratio is held for drug offences"),
    ("Needles found", "No partner workload ratio is held for needle finds"),
])
def test_ratio_basis(measure, words):
    assert words in sc.ratio_basis(_tiny_data(), measure)


@pytest.mark.parametrize("measure, wards, kwargs, first_values", [
    ("Domestic abuse", (), {}, [20, 20]),
    ("Drug offences", (), {}, [5, 5]),
    ("Domestic abuse", ("W2",), {}, [0, 0]),  # the DA rows are all in W1
    ("ASB incidents", ("W1",), {}, [10, 10]),
    ("Needles found", (), {}, [0, 3]),  # Dec 2019 none; Jan 2020 without the bulk find of 500
    ("Needles found", (), {"include_bulk": True}, [0, 503]),
    ("Needles found", ("W2",), {"include_bulk": True}, [0, 500]),
])
def test_measure_series(measure, wards, kwargs, first_values):
    result = sc.measure_series(_tiny_data(), measure, wards, start=pd.Timestamp("2019-12-01"),
                               end=pd.Timestamp("2020-12-01"), **kwargs)
    assert list(result.columns) == ["month", "value"]
    assert len(result) == 13
    assert result["value"].head(2).tolist() == first_values


def test_measure_series_reads_a_bundle_like_object():
    class Bundle:
        first_month, last_month = pd.Timestamp("2020-01-01"), pd.Timestamp("2020-06-01")

    for name, frame in _tiny_data().items():
        setattr(Bundle, name, frame)
    result = sc.measure_series(Bundle(), "Domestic abuse")
    assert result["month"].iloc[[0, -1]].tolist() == [Bundle.first_month, Bundle.last_month]
    with pytest.raises(ValueError, match="unknown measure"):
        sc.measure_series(Bundle(), "Burglary")


def test_inputs_are_not_mutated():
    data = _tiny_data()
    before = {k: v.copy() for k, v in data.items()}
    series = _series("2018-04", range(36))
    kept = series.copy()
    projection = sc.project(series)
    kept_projection = projection.copy()
    applied = sc.apply(projection, sc.Levers(uplift_pct=20, event_month="2021-05", event_cases=3, recording_pct=5))
    sc.export_table(applied, "name", "text")
    sc.projection_figure(series, applied, title="t", colour="#CC79A7")
    for measure in sc.MEASURES:
        sc.measure_series(data, measure, ("W1",))
        sc.current_ratios(data, measure)
    assert_frame_equal(series, kept)
    assert_frame_equal(projection, kept_projection)
    for name, frame in data.items():
        assert_frame_equal(frame, before[name])


# The page's helpers ----------------------------------------------------------------------------

def test_horizon_labels():
    months = sc.horizon(pd.Timestamp("2021-03-01"), 3)
    assert months == {"Apr 2021": "2021-04", "May 2021": "2021-05", "Jun 2021": "2021-06"}


def test_export_table_names_and_describes_the_scenario():
    applied = sc.apply(_projection((100.04, 50)), sc.Levers(recording_pct=10))
    table = sc.export_table(applied, "", "Recording practice +10%.")
    assert table["month"].tolist() == ["2021-01", "2021-02"]
    assert table["scenario"].tolist() == [110.0, 55.0]
    assert table["baseline"].tolist() == [100.0, 50.0]
    assert set(table["scenario_name"]) == {"Unnamed scenario"}
    assert set(table["description"]) == {"Recording practice +10%."}


@pytest.mark.parametrize("levers, names", [
    (sc.Levers(), ["Recorded", "95% band", "95% band", "Baseline"]),  # no scenario line when nothing changes
    (sc.Levers(uplift_pct=20), ["Recorded", "95% band", "95% band", "Scenario", "Baseline"]),
])
def test_projection_figure(levers, names):
    history = _series("2020-01", [100] * 15)
    projected = sc.apply(sc.project(history, exclude=()), levers)
    fig = sc.projection_figure(history, projected, title="DA", colour="#CC79A7")
    assert [t.name for t in fig.data] == names
    assert fig.layout.meta == {"builder": "projection_figure"}
    # The lines start from the last recorded month; the band covers only the projected months.
    assert fig.data[-1].x[0] == pd.Timestamp("2021-03-01") and len(fig.data[1].x) == 12
    assert fig.data[2].fill == "tonexty"
    shapes = {s.name for s in fig.layout.shapes}
    assert shapes == {"lockdown", "highlight"}  # lockdowns shaded as in monthly_trend, the projection tinted


def test_projection_figure_with_no_data():
    empty = pd.DataFrame({"month": [], "value": []})
    fig = sc.projection_figure(empty, pd.DataFrame({"month": [], "baseline": [], "lower": [], "upper": []}),
                               title="t", colour="#000000")
    assert [a.name for a in fig.layout.annotations] == ["no_data"]


def _crimes_only(force: bool) -> "bundle.Bundle":
    """A bundle of one crime a month over 2024 and 2025 and an ASB incident: a force extract (with the
    domestic-abuse flag) or police.uk's rows (without); no needle log."""
    from smp_dash import bundle, schema

    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS")
    frames = {name: schema.empty(name) for name in schema.DATASETS}
    frames["crimes"] = pd.DataFrame({"month": months, "ward_code": "W1", "crime_type": "Drugs",
                                     "offence_subgroup": "Drug offences" if force else None,
                                     "domestic_abuse": pd.array([force] * len(months), dtype="boolean")
                                     if force else pd.array([pd.NA] * len(months), dtype="boolean"),
                                     "hate_strand": None})
    frames["asb_incidents"] = pd.DataFrame({"month": months, "ward_code": "W1"})
    return bundle.build(frames, pd.DataFrame({"ward_code": ["W1"], "ward_name": ["One"]}))


@pytest.mark.parametrize("force, offered, not_offered", [
    # police.uk: no domestic-abuse flag, and no needle log loaded: the page opens on ASB
    (False, ["ASB incidents", "Drug offences"], ["Domestic abuse", "Needles found"]),
    (True, ["Domestic abuse", "ASB incidents", "Drug offences"], ["Needles found"]),
])
def test_only_measures_the_data_holds_are_offered(force, offered, not_offered):
    data = _crimes_only(force)
    got, why = sc.offered(data)
    assert got == offered
    assert why == " ".join(f"{name}: {sc.missing(data, name)}." for name in not_offered)
    assert all(sc.missing(data, name).startswith("not in the data loaded") for name in not_offered)
