"""Threat, risk and harm scoring in the manner of MoRiLE (Management of Risk in Law Enforcement).

The Strategic Assessment 2020-21 (Appendix 2) scores each thematic crime area against several
criteria, combines them with a formula and ranks the themes high to low. It does not publish the
matrix, so this module writes one method out in full (:data:`METHOD`) and ships illustrative
default scores read from the assessment's text (:func:`default_sheet`). Partners change scores
and weights; every function here takes frames and returns new ones, leaving its inputs untouched.

The method, per theme (every criterion an integer score; weights ``w`` non-negative):

- harm ``H`` = weighted mean of the five harm criteria (0-4);
- likelihood ``L`` = weighted mean of volume, trend and victim vulnerability (0-4);
- risk ``R = H x L`` (0-16);
- confidence factor ``C = (0.5 + confidence / 8) ** w_confidence`` (confidence 1-4: 0.625-1 at
  weight 1; lower confidence lowers the score but never to zero; weight 0 ignores confidence);
- organisational factor ``O = 1 + weighted mean(capacity, capability) / 4`` (1-2: the less able
  the partnership is to respond, the higher the priority);
- priority score ``P = R x C x O``, rounded to 2 decimal places (0-32); rank by ``P``
  descending, ties by theme name.

Weights act within their group (scaling every harm weight alike changes nothing). A group whose
weights are all 0 counts as the scale's midpoint, 2, for every theme, so it stops reordering them.
"""

from __future__ import annotations

from functools import cache

import io
import math
from types import MappingProxyType

import numpy as np
import pandas as pd

from smp_dash import exports, measures, metrics, schema
from smp_dash.periods import Period
from smp_dash.sources import _files

HARM = ("harm_physical", "harm_psychological", "harm_financial", "harm_community", "harm_scope")
LIKELIHOOD = ("likelihood_volume", "likelihood_trend", "likelihood_vulnerability")
ORGANISATION = ("capacity", "capability")
CRITERIA = HARM + LIKELIHOOD + ("confidence",) + ORGANISATION
GROUPS = MappingProxyType({"Harm": HARM, "Likelihood": LIKELIHOOD, "Confidence": ("confidence",),
                           "Organisational position": ORGANISATION})
#: Inclusive bounds of each criterion's score.
BOUNDS = MappingProxyType({c: ((1, 4) if c == "confidence" else (0, 4)) for c in CRITERIA})
DEFAULT_WEIGHTS = MappingProxyType({c: 1.0 for c in CRITERIA})
LABELS = MappingProxyType({
    "harm_physical": "Physical harm", "harm_psychological": "Psychological harm",
    "harm_financial": "Financial harm", "harm_community": "Community harm", "harm_scope": "Geographic scope",
    "likelihood_volume": "Volume", "likelihood_trend": "Trend", "likelihood_vulnerability": "Victim vulnerability",
    "confidence": "Confidence", "capacity": "Capacity gap", "capability": "Capability gap",
})
PRIORITY_AREAS = schema.PRIORITIES + ("asb_community_protection", "other")
#: Each priority area in words, as the sheet's editor and the ranking show it.
AREA_NAMES = MappingProxyType({**schema.PRIORITY_NAMES, "asb_community_protection": "ASB and community protection",
                               "other": "Other"})
#: Data measures that can supply a theme's volume and trend (see :func:`measures_from_data`).
MEASURES = MappingProxyType({
    "da_crimes": "Domestic abuse crimes (police flag)",
    "drug_offences": "Drug offences",
    "weapon_possession": "Possession of weapons offences",
    "hate_crimes": "Hate crimes",
    "asb_incidents": "ASB incidents",
    "needles_found": "Needles found (bulk finds excluded)",
    "nte_violence": "Violent crime in the town-centre wards",
})
#: The measure (``measures.get``) each data measure counts: its row rule, dataset and whether it is sensitive.
MEASURE_IDS = MappingProxyType({"da_crimes": "domestic_abuse", "drug_offences": "drug_offences",
                                "weapon_possession": "weapons", "hate_crimes": "hate_crime", "asb_incidents": "asb",
                                "needles_found": "needles", "nte_violence": "violent_crime"})
#: The dataset each data measure is counted from (its figures are marked when it is demonstration data beside real data).
DATASETS = MappingProxyType({key: {"asb_incidents": "asb_incidents", "needles_found": "needle_finds"}.get(key, "crimes")
                             for key in MEASURES})
SHEET_COLUMNS = ("theme", "priority_area", "data_measure") + CRITERIA + ("note",)
#: Volume score thresholds: a count below the first bound scores 1, below the second 2, below the third 3.
VOLUME_BOUNDS = (50, 250, 1000)
#: Trend score thresholds on the % change: <= -10 scores 1, < +10 2, < +30 3, else 4.
TREND_BOUNDS = (-10.0, 10.0, 30.0)
NO_CHANGE = "none within range"
MIDPOINT = 2.0
MAX_THEMES = 100

METHOD = f"""
Each theme is scored on eleven criteria, as whole numbers: harm (physical, psychological, financial,
community, geographic scope), likelihood (volume, trend, victim vulnerability) and organisational position
(capacity and capability, where **higher means the partnership is less able to respond**) from 0 to 4, and
confidence in the information from 1 to 4. Each criterion has a weight (default 1).

| step | formula | range |
|---|---|---|
| Harm H | weighted mean of the five harm scores: Σ(weight × score) ÷ Σ weight | 0-4 |
| Likelihood L | weighted mean of volume, trend and vulnerability | 0-4 |
| Risk R | H × L | 0-16 |
| Confidence factor C | (0.5 + confidence ÷ 8) to the power of the confidence weight | 0.625-1 at weight 1 |
| Organisational factor O | 1 + weighted mean(capacity, capability) ÷ 4 | 1-2 |
| **Priority score P** | **R × C × O**, to 2 decimal places | 0-32 |

Themes are ranked by P, highest first; equal scores are ranked by theme name. Low confidence lowers a score
but never to zero; a confidence weight of 0 ignores confidence. Weights act within their group: raising every
harm weight alike changes nothing, and a group whose weights are all 0 counts as 2 for every theme.

Where a theme names a data measure and the data has it, **volume and trend come from the data** for the area
and period shown: volume scores 1 below {VOLUME_BOUNDS[0]}, 2 below {VOLUME_BOUNDS[1]}, 3 below
{VOLUME_BOUNDS[2]:,}, else 4; trend (change on the same months a year earlier) scores 1 at {TREND_BOUNDS[0]:+.0f}%
or less, 2 below {TREND_BOUNDS[1]:+.0f}%, 3 below {TREND_BOUNDS[2]:+.0f}%, else 4. The sensitivity table
multiplies one weight at a time by 0, 0.5, 1.5, 2 and 3 (a weight of 0 is set to those values instead) and reports
the smallest change that reorders the top five.
"""

SHEET_NOTE = ("Illustrative default scores, judged from the 2020-21 assessment's text (their notes quote its figures): "
              "edit them here, or import your own sheet. Volume and trend come from the data for themes that name a "
              "data measure (see the last table).")
SENSITIVITY_NOTE = ("Each weight in turn is multiplied by 0, 0.5, 1.5, 2 and 3 (a weight of 0 is set to 0.5, 1.5, 2 and 3), "
                    "the others held; shown is the change closest to ×1 (a cut before a rise) that alters the top five "
                    "or their order.")
DATA_SOURCE = "Kent Police recorded crime, ASB incidents and needle finds (bulk finds excluded)"
CAVEAT = ("Default scores are illustrative judgements from the assessment's text, not the partnership's. "
          "Volume and trend thresholds are in the method above.")

# theme, priority area, data measure, 11 scores (CRITERIA order), note: illustrative judgements from the text.
_DEFAULTS = (
    ("Domestic abuse (including stalking)", "domestic_abuse", "da_crimes", (4, 4, 3, 2, 3, 4, 2, 4, 4, 3, 2),
     "2,888 DA crimes in 2020 (+5.7%), 19% of all crime; MARAC cases up 37%; children in 294 households."),
    ("County lines and drug supply", "soc", "", (4, 4, 3, 3, 4, 3, 2, 4, 3, 2, 2),
     "Several lines disrupted by RAPTOR; the threat from county lines gangs remains (intelligence-led)."),
    ("Organised crime groups", "soc", "", (3, 3, 4, 3, 3, 1, 3, 3, 2, 2, 2),
     "A new OCG linked to drugs and money laundering around the town centre; 4P plan raised."),
    ("Modern slavery and trafficking", "soc", "", (4, 4, 3, 2, 3, 1, 2, 4, 1, 3, 3),
     "Hidden harm: brothels disrupted (12 arrests, Feb 2021); little data on prevalence."),
    ("Knife crime", "soc", "weapon_possession", (4, 3, 1, 3, 2, 2, 2, 3, 3, 2, 2),
     "Op SEPTRE intensification week; youth survey on fears of carrying knives."),
    ("Violence in the night-time economy", "soc", "nte_violence", (3, 2, 1, 3, 2, 4, 2, 3, 3, 2, 1),
     "NTE shut for much of 2020; safer socialising scheme postponed; reopening to support."),
    ("Illegal puppy farming", "soc", "", (1, 2, 3, 1, 2, 1, 4, 1, 2, 2, 2),
     "Emerged with pandemic demand for puppies; a Kent-wide breeding network disrupted."),
    ("Illegal money lending and doorstep crime", "soc", "", (1, 3, 4, 1, 2, 1, 2, 4, 1, 3, 2),
     "Loan-shark awareness training planned; KCC doorstep crime initiative (low-cost option)."),
    ("Child sexual exploitation and exploitation of young people", "children_young_people", "",
     (4, 4, 1, 2, 3, 1, 2, 4, 2, 3, 2),
     "Outreach where CSE and gang activity are believed to occur was restricted by the pandemic."),
    ("Risk-taking by young people in peer groups", "children_young_people", "", (2, 2, 1, 3, 2, 3, 3, 3, 3, 2, 2),
     "New concern: larger peer groups without natural diversions; no youth gangs identified."),
    ("Anti-social behaviour", "asb_community_protection", "asb_incidents", (1, 3, 1, 4, 3, 4, 4, 2, 4, 1, 1),
     "Significant increases through the lockdowns; neighbour tensions and young people gathering."),
    ("Drug offences and substance misuse", "substance_misuse", "drug_offences", (3, 3, 2, 3, 3, 3, 3, 3, 3, 2, 2),
     "Drug offences up 21% (415 to 502), largely proactive stop and search; alcohol admissions high in Shepway."),
    ("Discarded needles", "substance_misuse", "needles_found", (2, 2, 0, 3, 1, 3, 1, 2, 4, 1, 1),
     "2,511 needles found, 1,500 of them in two bulk finds; without those, finds fell 37%."),
    ("Hate crime", "other", "hate_crimes", (2, 4, 1, 3, 2, 3, 2, 3, 3, 2, 1),
     "380 hate crimes (383 a year earlier); race 74%, sexual orientation 13%."),
    ("Mental health crisis", "mental_health", "", (3, 4, 1, 2, 2, 2, 1, 4, 3, 3, 3),
     "Section 136 used 115 times in 2020 (-20%); 71% of CSVG cases involve mental health."),
    ("Self-neglect and hoarding", "mental_health", "", (3, 3, 1, 2, 1, 1, 2, 4, 2, 3, 3),
     "Self-neglect summit and hoarding project postponed by the pandemic."),
)

#: The default sheet's rows, as :func:`sheet_rows` writes a sheet.
DEFAULT_ROWS = tuple((theme, area, measure, *scores, note) for theme, area, measure, scores, note in _DEFAULTS)


def default_sheet() -> pd.DataFrame:
    """The illustrative scoring sheet: one row per theme the assessment discusses.

    Returns
    -------
    DataFrame
        Columns :data:`SHEET_COLUMNS`: theme, priority_area (one of :data:`PRIORITY_AREAS`),
        data_measure (a key of :data:`MEASURES` or ""), the eleven criteria and a note saying
        what in the text the scores rest on. The scores are judgements for demonstration,
        not the partnership's.
    """
    return _default_sheet().copy()     # a copy of its own: a page edits it


@cache
def _default_sheet() -> pd.DataFrame:
    return sheet_from_rows(DEFAULT_ROWS)


def score(sheet: pd.DataFrame, weights=None) -> pd.DataFrame:
    """Score and rank every theme of ``sheet`` (the method in the module docstring).

    Parameters
    ----------
    sheet : DataFrame
        A valid sheet (see :func:`validate_sheet`); extra columns are kept.
    weights : mapping, optional
        Criterion -> non-negative weight; missing criteria weigh :data:`DEFAULT_WEIGHTS`.

    Returns
    -------
    DataFrame
        ``sheet`` with harm, likelihood, risk, confidence_factor, organisational_factor,
        priority (the score, 2 dp) and rank (1 = highest), sorted by rank.
    """
    w = check_weights(weights)
    _require(sheet, CRITERIA + ("theme",))
    parts = _parts(sheet[list(CRITERIA)].to_numpy(float), w)
    ranked = sheet.assign(**parts).iloc[_order(parts["priority"], sheet["theme"].to_numpy(object))]
    return ranked.assign(rank=np.arange(1, len(ranked) + 1)).reset_index(drop=True)


def check_weights(weights=None) -> dict[str, float]:
    """``weights`` completed from :data:`DEFAULT_WEIGHTS`; a ValueError for unknown, negative or non-finite ones."""
    given = dict(weights or {})
    unknown = sorted(set(given) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown weight(s) {', '.join(unknown)}; the criteria are {', '.join(CRITERIA)}")
    out = {**DEFAULT_WEIGHTS, **given}
    bad = {k: v for k, v in out.items() if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0)}
    if bad:
        raise ValueError(f"weights must be non-negative numbers: {bad}")
    return {k: float(v) for k, v in out.items()}


def data_likelihood(sheet: pd.DataFrame, measures: dict[str, tuple[int, float]]) -> pd.DataFrame:
    """Replace judged volume and trend with scores from the data where a theme's measure has data.

    Parameters
    ----------
    sheet : DataFrame
        A valid sheet.
    measures : dict
        Measure -> (count this period, % change on the same months a year earlier), e.g. from
        :func:`measures_from_data`. A NaN change (nothing a year earlier) leaves the judged trend.

    Returns
    -------
    DataFrame
        ``sheet`` with likelihood_volume/likelihood_trend replaced by :func:`volume_score` and
        :func:`trend_score` for themes whose data_measure is in ``measures``, plus measure_count,
        measure_change and data_driven (True where volume came from the data).
    """
    linked = sheet["data_measure"].map(lambda k: measures.get(k) if k else None)
    count = linked.map(lambda v: v[0] if v is not None else np.nan).astype(float)
    change = linked.map(lambda v: v[1] if v is not None else np.nan).astype(float)
    driven = count.notna()
    volume = sheet["likelihood_volume"].where(~driven, count.map(volume_score))
    trend = sheet["likelihood_trend"].where(~change.notna(), change.map(trend_score))
    return sheet.assign(likelihood_volume=volume.astype("int64"), likelihood_trend=trend.astype("int64"),
                        measure_count=count.astype("Int64"), measure_change=change, data_driven=driven.to_numpy())


def volume_score(count: float) -> int:
    """1-4 from a count: below 50 scores 1, below 250 2, below 1,000 3, else 4."""
    return 1 + sum(count >= bound for bound in VOLUME_BOUNDS)


def trend_score(pct: float) -> int:
    """1-4 from a % change: -10% or less scores 1, below +10% 2, below +30% 3, else 4."""
    low, mid, high = TREND_BOUNDS
    return 1 if pct <= low else 2 if pct < mid else 3 if pct < high else 4


def rank_change(default_scored: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Each theme of ``scored`` with its rank under the defaults and the places it moved.

    Returns
    -------
    DataFrame
        theme, default_rank, rank, change (default_rank - rank: positive = moved up; NA for a
        theme the default sheet lacks), in the order of ``scored``.
    """
    before = dict(zip(default_scored["theme"], default_scored["rank"]))
    default_rank = scored["theme"].map(before).astype("Int64")
    return pd.DataFrame({"theme": scored["theme"].to_numpy(), "default_rank": default_rank.to_numpy(),
                         "rank": scored["rank"].to_numpy(), "change": (default_rank - scored["rank"]).to_numpy()})


def change_label(change) -> str:
    """▲2 (up two places), ▼1 (down one), – (unchanged), "new" (not in the default sheet)."""
    if change is None or pd.isna(change):
        return "new"
    return "–" if change == 0 else f"▲{int(change)}" if change > 0 else f"▼{-int(change)}"


def ranking_table(scored: pd.DataFrame, default_scored: pd.DataFrame) -> pd.DataFrame:
    """The ranking for display: rank, theme, priority area, score, change against the default, harm and likelihood."""
    moved = rank_change(default_scored, scored)["change"].map(change_label)
    return pd.DataFrame({"rank": scored["rank"], "theme": scored["theme"], "priority_area": scored["priority_area"],
                         "priority": scored["priority"], "change": moved.to_numpy(),
                         "harm": scored["harm"].round(2), "likelihood": scored["likelihood"].round(2)})


def sensitivity(sheet: pd.DataFrame, weights=None, top: int = 5,
                factors: tuple[float, ...] = (0, 0.5, 1.5, 2, 3)) -> pd.DataFrame:
    """Change one weight at a time and see whether the top ``top`` themes reorder.

    A weight at 0 is tried at the factors themselves (as if from 1), so it can still be tested; a
    change that leaves the weight as it is (0 times anything, a factor of 1) is not tried.

    Returns
    -------
    DataFrame
        One row per criterion and change tried: weight, current (its weight now), factor, value (the weight
        tried), change (:func:`weight_change`, e.g. "weight 1 → 0.5 (×0.5)"), reorders (the top ``top``, in
        order, differ), top (the new top ``top``, "; "-separated) and moves (what changed, e.g. "Hate crime
        enters at 5; Anti-social behaviour drops out").
    """
    w = check_weights(weights)
    _require(sheet, CRITERIA + ("theme",))
    values, themes = sheet[list(CRITERIA)].to_numpy(float), sheet["theme"].to_numpy(object)
    leaders = lambda weights: themes[_order(_parts(values, weights)["priority"], themes)[:top]].tolist()  # noqa: E731
    base = leaders(w)   # as score ranks them, without a frame per change tried
    rows = []
    for name in CRITERIA:
        for factor in factors:
            value = (w[name] or 1.0) * factor
            if value == w[name]:   # nothing would change
                continue
            now = leaders({**w, name: value})
            rows.append({"weight": name, "current": w[name], "factor": float(factor), "value": value,
                         "change": weight_change(w[name], value), "reorders": now != base,
                         "top": "; ".join(now), "moves": _moves(base, now)})
    return pd.DataFrame(rows, columns=["weight", "current", "factor", "value", "change", "reorders", "top", "moves"])


def weight_change(before: float, after: float) -> str:
    """A weight's change as arithmetic that holds: "weight 1 → 0.5 (×0.5)", or "weight 0 → 0.5" from 0
    (no factor turns 0 into anything)."""
    text = f"weight {before:g} → {after:g}"
    return f"{text} (×{after / before:g})" if before else text


def sensitivity_summary(detail: pd.DataFrame) -> pd.DataFrame:
    """Per weight, the smallest single change (by |factor - 1|, a cut before a rise) that reorders the top.

    Returns
    -------
    DataFrame
        weight, label, smallest_change ("weight 1 → 1.5 (×1.5)" or :data:`NO_CHANGE`), moves, top.
    """
    rows = []
    for name, tried in detail.groupby("weight", sort=False):
        hits = tried[tried["reorders"]]
        if hits.empty:
            rows.append({"weight": name, "label": LABELS.get(name, name), "smallest_change": NO_CHANGE,
                         "moves": "", "top": ""})
            continue
        best = hits.assign(_d=(hits["factor"] - 1).abs()).sort_values(["_d", "factor"], kind="stable").iloc[0]
        rows.append({"weight": name, "label": LABELS.get(name, name),
                     "smallest_change": best["change"],
                     "moves": best["moves"], "top": best["top"]})
    return pd.DataFrame(rows, columns=["weight", "label", "smallest_change", "moves", "top"])


def validate_sheet(df: pd.DataFrame, source: str, *, first_row: int = 2) -> pd.DataFrame:
    """Check a scoring sheet and return a typed copy; raise SchemaError listing every problem.

    Parameters
    ----------
    df : DataFrame
        The sheet as read (text) or as edited (numbers).
    source : str
        The file (or "the scoring sheet on this page") named in messages.
    first_row : int
        The row number of ``df``'s first row (2 in a CSV, whose header is row 1).

    Raises
    ------
    smp_dash.schema.SchemaError
        Missing or unknown columns, no themes, blank or duplicate themes, an unknown
        priority_area or data_measure, scores that are not whole numbers within their bounds.
    """
    have = [str(c) for c in df.columns]
    present, known = set(have), set(SHEET_COLUMNS)   # sets: linear in the number of columns
    problems = [schema.Problem(source, 1, c, None, "required column is missing") for c in SHEET_COLUMNS if c not in present]
    problems += [schema.Problem(source, 1, c, None, f"column is not part of the sheet (expected: {', '.join(SHEET_COLUMNS)})")
                 for c in have if c not in known]
    if not problems and not len(df):
        problems.append(schema.Problem(source, None, None, None, "the sheet has no themes"))
    if not problems and len(df) > MAX_THEMES:
        problems.append(schema.Problem(source, None, None, len(df), f"at most {MAX_THEMES} themes"))
    if problems:
        raise schema.SchemaError(problems)
    rows = df.reset_index(drop=True)
    text = {c: rows[c].map(_text) for c in ("theme", "priority_area", "data_measure", "note")}
    seen: dict[str, int] = {}
    for i, (raw, theme) in enumerate(zip(rows["theme"], text["theme"])):
        rule = ("a value is required" if not theme else
                f"duplicate theme (as row {seen[theme.casefold()]})" if theme.casefold() in seen else "")
        seen.setdefault(theme.casefold(), i + first_row)
        if rule:
            problems.append(schema.Problem(source, i + first_row, "theme", _shown(raw), rule))
    for column, allowed, blank_ok in (("priority_area", PRIORITY_AREAS, False), ("data_measure", tuple(MEASURES), True)):
        for i, (raw, value) in enumerate(zip(rows[column], text[column])):
            if (value or not blank_ok) and value not in allowed:
                rule = "a value is required" if not value else "must be one of: " + ", ".join(allowed)
                problems.append(schema.Problem(source, i + first_row, column, _shown(raw), rule))
    scores = {}
    for column in CRITERIA:
        values, rules = _scores(rows[column], *BOUNDS[column])
        problems += [schema.Problem(source, i + first_row, column, _shown(rows[column].iloc[i]), r)
                     for i, r in enumerate(rules) if r]
        scores[column] = values
    if problems:
        raise schema.SchemaError(problems)
    return _typed(pd.DataFrame({**text, **scores})[list(SHEET_COLUMNS)])


def read_sheet(bytes_or_path, name: str | None = None, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Read a scoring sheet CSV (as written by :func:`sheet_csv`) and validate it.

    Raises
    ------
    ValueError (``IngestError``) naming the file when it is empty, too large, not UTF-8 text, not
    comma-separated, cut off or has too many or repeated columns; smp_dash.schema.SchemaError
    (file, row, column, value, rule) for bad content.
    """
    source, data = _files.load_bytes(bytes_or_path, name=name, max_bytes=max_bytes)
    data = _files.check_text(data, source, "the scoring sheet uses commas")
    _files.check_not_cut_off(data, source)
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, ValueError) as exc:
        raise _files.locate_parse_error(data, source, (), exc) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return validate_sheet(frame, source)


def sheet_csv(sheet: pd.DataFrame) -> bytes:
    """The sheet's columns as UTF-8 CSV, text that a spreadsheet would take for a formula made inert.

    :func:`read_sheet` reads it back to an equal frame.
    """
    return exports.csv_bytes(sheet[list(SHEET_COLUMNS)])


def sheet_rows(sheet: pd.DataFrame) -> tuple[tuple, ...]:
    """A valid sheet as a tuple of rows (:data:`SHEET_COLUMNS`, plain Python values): hashable, so a
    cache can key on it; :func:`sheet_from_rows` gives the frame back."""
    return tuple(zip(*(sheet[c].tolist() for c in SHEET_COLUMNS)))


def sheet_from_rows(rows) -> pd.DataFrame:
    """The sheet :func:`sheet_rows` wrote, typed as :func:`validate_sheet` returns it."""
    return _typed(pd.DataFrame(list(rows), columns=list(SHEET_COLUMNS)))


def measures_from_data(crimes: pd.DataFrame, asb: pd.DataFrame, needles: pd.DataFrame, period: Period, *,
                       wards: tuple[str, ...] = (), town_centre: tuple[str, ...] = (),
                       coverage: dict | None = None) -> dict[str, tuple[int, float]]:
    """(count in ``period``, % change on the same months a year earlier) for each data measure.

    Parameters
    ----------
    crimes, asb : DataFrame
        Monthly cubes (``ui.Bundle.crimes`` and ``.asb``): month, ward_code, ..., n.
    needles : DataFrame
        Needle finds (found, ward_code, needles, bulk_incident); bulk finds are left out as outliers.
    period : Period
        The period counted.
    wards : tuple of str
        Ward codes to count in; empty for the whole borough.
    town_centre : tuple of str
        Ward codes of the night-time economy (nte_violence); without them that measure is omitted.
    coverage : dict, optional
        Dataset -> ``bundle.Coverage`` (``Bundle.coverage``): a measure whose dataset does not hold
        every month of ``period`` and of the year before has no change (NaN), so its judged trend stands.

    Returns
    -------
    dict
        Measure (a key of :data:`MEASURES`) -> (count, % change; NaN when a year earlier had none);
        a measure the data does not hold for ``period`` is left out (its theme keeps the judged scores).
    """
    whole = {"crimes": crimes, "asb": asb, "needles": needles}
    # Missing is not zero: a measure the data does not hold for the period (police.uk has no
    # domestic-abuse flag; needles not loaded) keeps the sheet's judged volume and trend.
    held = {k for k, mid in MEASURE_IDS.items() if _held(measures.get(mid), whole, period)}
    crimes, asb, needles = (metrics.in_wards(f, wards) for f in (crimes, asb, needles))
    rule = lambda measure_id, rows: measures.get(measure_id).rows(rows)  # noqa: E731
    frames = {
        "da_crimes": rule("domestic_abuse", crimes),
        "drug_offences": rule("drug_offences", crimes),
        "weapon_possession": rule("weapons", crimes),
        "hate_crimes": rule("hate_crime", crimes),
        "asb_incidents": asb,
    }
    if town_centre:
        frames["nte_violence"] = rule("violent_crime", metrics.in_wards(crimes, town_centre))
    out = {k: _change(metrics.compare(f, "month", period, weight="n")) for k, f in frames.items() if k in held}
    if "needles_found" in held:
        out["needles_found"] = _change(metrics.needle_change(needles, period, include_bulk=False))
    for k, (count, _) in out.items():
        cover = (coverage or {}).get(measures.get(MEASURE_IDS[k]).dataset)
        if coverage is not None and (cover is None or cover.no_comparison(period)):
            out[k] = (count, math.nan)    # a change against a year the data holds in part is no trend
    return {k: out[k] for k in MEASURES if k in out}


def _held(measure, frames: dict[str, pd.DataFrame], period: Period) -> bool:
    """Whether the data holds ``measure`` for ``period``: rows in it, and the field the measure reads
    (or a sound substitute, as police.uk's categories are for violent crime)."""
    rows = metrics.in_period(frames[measure.frame], measure.date, period)
    return len(rows) > 0 and (measure.known is None or bool(measure.substitute) or bool(measure.known(rows).all()))


def _change(table: pd.DataFrame) -> tuple[int, float]:
    row = table.iloc[0]
    return int(row["current"]), float(row["pct_change"])


def _parts(values: np.ndarray, w: dict[str, float]) -> dict[str, np.ndarray]:
    """Each row's harm, likelihood, risk, confidence and organisational factors and priority (the
    method in the module docstring) from ``values``, the sheet's criteria in :data:`CRITERIA` order."""
    harm, likelihood = _weighted(values, HARM, w), _weighted(values, LIKELIHOOD, w)
    confidence = (0.5 + values[:, CRITERIA.index("confidence")] / 8) ** w["confidence"]
    organisational = 1 + _weighted(values, ORGANISATION, w) / 4
    risk = harm * likelihood
    return {"harm": harm, "likelihood": likelihood, "risk": risk, "confidence_factor": confidence,
            "organisational_factor": organisational, "priority": np.round(risk * confidence * organisational, 2)}


def _weighted(values: np.ndarray, names: tuple[str, ...], weights: dict[str, float]) -> np.ndarray:
    w = np.array([weights[n] for n in names])
    if not w.sum():
        return np.full(len(values), MIDPOINT)
    return values[:, [CRITERIA.index(n) for n in names]] @ w / w.sum()


def _order(priority: np.ndarray, themes: np.ndarray) -> np.ndarray:
    """Row positions by priority, highest first; equal priorities by theme name (a stable sort)."""
    by_name = np.argsort(np.argsort(themes, kind="stable"), kind="stable")
    return np.lexsort((by_name, -priority))


def _moves(before: list[str], after: list[str]) -> str:
    parts = [f"{t} enters at {i}" if t not in before else f"{t} {before.index(t) + 1} → {i}"
             for i, t in enumerate(after, 1) if t not in before or before.index(t) + 1 != i]
    return "; ".join(parts + [f"{t} drops out" for t in before if t not in after])


def _scores(column: pd.Series, low: int, high: int) -> tuple[list[int], list[str]]:
    values, rules = [], []
    for raw in column:
        text = _text(raw)
        number = pd.to_numeric(text, errors="coerce") if text else math.nan
        rule = ("a value is required" if not text else "expected a whole number" if pd.isna(number) or number % 1
                else f"must be between {low} and {high}" if not low <= number <= high else "")
        rules.append(rule)
        values.append(0 if rule else int(number))
    return values, rules


def _text(value) -> str:
    """A cell as stripped text ("" for blank); a quote ``exports.inert`` put before a formula is removed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text[1:] if text.startswith("'") and exports.inert(text[1:]) == text else text


def _shown(value):
    """A cell as a message shows it: None when blank, numpy numbers as plain Python ones."""
    if not _text(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({**{c: "object" for c in ("theme", "priority_area", "data_measure", "note")},
                         **{c: "int64" for c in CRITERIA}})


def _require(frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the sheet has no column {', '.join(missing)}: validate it with validate_sheet first")
