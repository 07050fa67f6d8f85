"""The column contracts of every dataset, and their validation.

Each dataset has a contract: an ordered list of :class:`Column`. ``validate(df, dataset,
source)`` checks a frame against it and returns a new frame with the contract's types, or
raises :class:`SchemaError` listing every problem with the file, the row, the column, the
value and the rule it broke. Partner CSV templates are the contract's header row.

Every text value of every contract holds at most ``config.limits().field_chars`` characters
(10,000 unless configured): the readers refuse a longer one while reading, before a parser
holds it (``sources._files.check_values``), and :func:`validate` checks again whatever reaches
it by another way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smp_dash import config
from smp_dash.wording import mid_sentence

#: police.uk's 13 street-level crime categories (anti-social behaviour is kept apart).
CRIME_TYPES = (
    "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting",
    "Theft from the person", "Vehicle crime", "Violence and sexual offences",
)
#: Home Office offence subgroups used by the assessment.
OFFENCE_SUBGROUPS = (
    "Violence against the person", "Sexual offences", "Robbery", "Burglary - residential",
    "Burglary - business and community", "Criminal damage and arson", "Drug offences",
    "Possession of weapons offences", "Public order offences", "Theft offences",
    "Vehicle offences", "Miscellaneous crimes against society",
)
HATE_STRANDS = ("Race", "Religion", "Sexual orientation", "Disability", "Transgender",
                "Gender", "Age")
SERVICE_CATEGORIES = ("ASB", "Noise", "Other nuisance", "Dangerous dogs", "Dog fouling",
                      "Stray dogs", "Street trading")
ENFORCEMENT_ACTIONS = ("CPW", "CPN", "FPN")
ACTION_STATUSES = ("delivered", "in progress", "on hold", "postponed")
#: The partnership's priorities (an action plan's ``priority``) and their names.
PRIORITY_NAMES = {"soc": "Serious and organised crime", "children_young_people": "Children and young people",
                  "domestic_abuse": "Domestic abuse", "substance_misuse": "Substance misuse",
                  "mental_health": "Mental health"}
PRIORITIES = tuple(PRIORITY_NAMES)
INDICATOR_PRIORITIES = PRIORITIES + ("asb_community_protection", "pandemic", "task_force",
                                     "police_data", "other")
INDICATOR_UNITS = ("count", "percent", "gbp", "days", "years", "people", "rate")

MAX_ERRORS_LISTED = 20
#: A value longer than this is shown cut short in messages, to its first _SHOWN_CHARS (so that
#: a value cut short is not cut again).
_LONG_CHARS, _SHOWN_CHARS = 100, 60


@dataclass(frozen=True)
class Column:
    """One column of a contract.

    ``kind`` is one of str, date, month, bool, int, float, code. ``allowed`` restricts
    values; ``pattern`` is a regular expression the text must match; ``bounds`` an
    inclusive numeric range.
    """

    name: str
    kind: str = "str"
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    bounds: tuple[float, float] | None = None
    future_ok: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Problem:
    """One broken rule, located precisely enough for a partner to fix the file."""

    source: str
    row: int | None
    column: str | None
    value: object
    rule: str

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        value = "" if self.value is None else f": value {shortened(self.value)!r}"
        return f"{', '.join(where)}{value}: {self.rule}"


class SchemaError(ValueError):
    """A file or frame broke its contract; ``problems`` lists every broken rule."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:MAX_ERRORS_LISTED])
        more = len(problems) - MAX_ERRORS_LISTED
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(problems)} problem(s) found:\n{shown}{tail}")


def too_long(limit: int) -> str:
    """The rule a value longer than ``limit`` characters breaks, in the same words wherever it
    is found (while reading a file, or in :func:`validate`)."""
    return (f"longer than the {limit:,} characters a value may hold (config.Limits.field_chars): "
            "is this the right column, or the right file?")


def shortened(value: object, *, cut: bool = False) -> object:
    """A long text cut to its first characters and its length, for a message (``cut``: the
    text is itself the start of a longer value)."""
    if isinstance(value, str) and len(value) > _LONG_CHARS:
        return f"{value[:_SHOWN_CHARS]}... ({'more than ' * cut}{len(value):,} characters)"
    return value


_LON = (-8.7, 1.8)   # the UK's bounding box, generously
_LAT = (49.8, 60.9)
_WARD = r"^E05\d{6}$"
_LSOA = r"^[EW]01\d{6}$"

CONTRACTS: dict[str, tuple[Column, ...]] = {
    "crimes": (
        Column("crime_id", pattern=r"^\S+$", doc="police.uk Crime ID (64 hex) or the force's reference"),
        Column("month", "month", doc="first day of the month the crime was recorded, YYYY-MM-01"),
        Column("crime_type", allowed=CRIME_TYPES, doc="one of police.uk's 13 crime categories"),
        Column("offence_subgroup", nullable=True, allowed=OFFENCE_SUBGROUPS,
               doc="Home Office offence subgroup where known"),
        Column("domestic_abuse", "bool", nullable=True,
               doc="flagged domestic-abuse related (true/false); blank where the source has no flag (police.uk)"),
        Column("hate_strand", nullable=True, allowed=HATE_STRANDS, doc="hate crime strand, blank if none"),
        Column("longitude", "float", nullable=True, bounds=_LON, doc="WGS84; police.uk's anonymised point"),
        Column("latitude", "float", nullable=True, bounds=_LAT, doc="WGS84"),
        Column("location", nullable=True, doc="police.uk's location text, e.g. 'On or near High Street'"),
        Column("lsoa_code", nullable=True, pattern=_LSOA, doc="2011 LSOA code"),
        Column("ward_code", pattern=_WARD, doc="ONS ward code the point (or LSOA) falls in"),
        Column("source", doc="where the row came from (file name, 'demonstration (illustrative)')"),
    ),
    "asb_incidents": (
        Column("month", "month"),
        Column("longitude", "float", nullable=True, bounds=_LON),
        Column("latitude", "float", nullable=True, bounds=_LAT),
        Column("location", nullable=True),
        Column("lsoa_code", nullable=True, pattern=_LSOA),
        Column("ward_code", pattern=_WARD),
        Column("source"),
    ),
    "service_requests": (
        Column("received", "date", doc="date the Community Protection Team received the request"),
        Column("category", allowed=SERVICE_CATEGORIES),
        Column("subcategory", nullable=True, doc="e.g. barking, construction, bonfire smoke"),
        Column("ward_code", pattern=_WARD),
        Column("longitude", "float", nullable=True, bounds=_LON),
        Column("latitude", "float", nullable=True, bounds=_LAT),
        Column("source"),
    ),
    "needle_finds": (
        Column("found", "date"),
        Column("location_name", doc="the place name used in the waste team's log"),
        Column("longitude", "float", bounds=_LON),
        Column("latitude", "float", bounds=_LAT),
        Column("ward_code", pattern=_WARD),
        Column("needles", "int", bounds=(1, 100_000)),
        Column("bulk_incident", "bool", doc="a single find of bagged/unused needles, reported apart"),
        Column("note", nullable=True),
    ),
    "enforcement": (
        Column("issued", "date"),
        Column("action", allowed=ENFORCEMENT_ACTIONS, doc="CPW warning, CPN notice or FPN"),
        Column("category", doc="e.g. Noise (inc. with ASB), Nuisance/dangerous dog"),
        Column("with_police", "bool", doc="issued in partnership with Kent Police"),
        Column("ward_code", pattern=_WARD),
    ),
    "encampments": (
        Column("started", "date"),
        Column("ended", "date"),
        Column("location_name"),
        Column("ward_code", pattern=_WARD),
    ),
    "indicators": (
        Column("indicator_id", pattern=r"^[a-z0-9_]+$"),
        Column("label"),
        Column("priority", allowed=INDICATOR_PRIORITIES),
        Column("period_start", "date"),
        Column("period_end", "date"),
        Column("value", "float"),
        Column("unit", allowed=INDICATOR_UNITS),
        Column("breakdown", nullable=True),
        Column("source"),
        Column("note", nullable=True),
    ),
    "actions": (
        Column("priority", allowed=PRIORITIES),
        Column("action"),
        Column("update", nullable=True),
        Column("status", allowed=ACTION_STATUSES),
        Column("target", "date", nullable=True, future_ok=True),
    ),
    "population": (
        Column("ward_code", pattern=_WARD),
        Column("year", "int", bounds=(1990, 2100)),
        Column("population", "int", bounds=(0, 10_000_000)),
        Column("source", nullable=True),
    ),
    # The compare page (issue 23): read from the published tables (sources.open_data), not templates.
    "csp_crime": (
        Column("financial_year", pattern=r"^\d{4}/\d{2}$", doc="April to March, as the Home Office writes it: 2024/25"),
        Column("quarter", "month", doc="first day of the financial quarter (Q1 of 2024/25: 2024-04-01)"),
        Column("police_force", nullable=True, doc="the police force area, as the Home Office names it"),
        Column("csp_name", doc="the Community Safety Partnership, as the Home Office names it"),
        Column("offence_group", doc="Home Office offence group, e.g. Theft offences"),
        Column("offences", "int", nullable=True, bounds=(0, 100_000_000),
               doc="offences recorded in the quarter; blank when a line of it had no count ('..'): missing, not 0"),
        Column("missing_lines", "int", bounds=(0, 100_000_000), doc="lines of the table with no count in this total"),
        Column("source"),
    ),
    "lad_population": (
        Column("lad_code", pattern=r"^[EWSNK]\d{8}$", doc="ONS code of the local authority (or county, region)"),
        Column("lad_name", doc="its name, as ONS writes it"),
        Column("geography", nullable=True, doc="ONS's kind of area, e.g. Non-metropolitan District"),
        Column("year", "int", nullable=True, bounds=(1990, 2100), doc="the mid-year estimated (June 30th)"),
        Column("population", "int", nullable=True, bounds=(0, 100_000_000),
               doc="residents of all ages; blank when ONS gives none ('..'): missing, not 0"),
        Column("source", nullable=True),
    ),
    "csp_comparators": (
        Column("csp_name", doc="a partnership to compare Maidstone with, as the Home Office names it"),
        Column("group_name", nullable=True, doc="e.g. Most Similar Group (iQuanta)"),
    ),
}

DATASETS = tuple(CONTRACTS)
#: Each dataset in words: what every page, document, message and file name calls it. Its key is the
#: store's and the command line's name, never shown.
DATASET_NAMES = {"crimes": "Recorded crimes", "asb_incidents": "ASB incidents (police)",
                 "service_requests": "Council service requests", "needle_finds": "Needle finds",
                 "enforcement": "Enforcement notices", "encampments": "Unauthorised encampments",
                 "indicators": "Partner indicators", "actions": "Action plans", "population": "Ward populations",
                 "csp_crime": "Crime by partnership (Home Office)", "lad_population": "District populations (ONS)",
                 "csp_comparators": "Comparator partnerships"}


def template(dataset: str) -> str:
    """The template ``dataset`` is loaded through, as a sentence names it: "the partner indicators template"."""
    return f"the {named(dataset)} template"


def named(*datasets: str) -> str:
    """``datasets`` in words, as a sentence carries them mid-way: "needle finds, ASB incidents (police)"."""
    return ", ".join(mid_sentence(DATASET_NAMES.get(name, name)) for name in datasets)
#: The most columns a file may have, checked on its header before it is parsed: four times the
#: widest contract leaves room for stray columns (which are then named), and refuses at once a
#: header of a million columns that would take hours to parse and compare.
MAX_COLUMNS = 4 * max(len(contract) for contract in CONTRACTS.values())

#: Datasets where identical rows are legitimate: police.uk ASB rows carry no id and share
#: anonymised points; two requests, notices or finds can share day, place and category.
ALLOW_DUPLICATE_ROWS = frozenset({"asb_incidents", "service_requests", "enforcement", "needle_finds"})
#: Rows that must be unique within a dataset (beyond exact duplicate rows).
_UNIQUE_KEYS = {"crimes": ("crime_id",), "population": ("ward_code", "year"),
                "csp_crime": ("quarter", "csp_name", "offence_group"), "lad_population": ("lad_code",),
                "csp_comparators": ("csp_name",)}
#: Columns whose order is checked: (earlier, later).
_ORDERED = {"encampments": ("started", "ended"), "indicators": ("period_start", "period_end")}

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def columns(dataset: str) -> list[str]:
    """The contract's column names, in order (the CSV template's header)."""
    return [c.name for c in _contract(dataset)]


def validate(df: pd.DataFrame, dataset: str, source: str = "<frame>", *,
             first_row: int = 2, extra: str = "reject", field_chars: int | None = None) -> pd.DataFrame:
    """Check ``df`` against the contract of ``dataset`` and return a typed copy.

    Parameters
    ----------
    df : the rows as read (strings or already-typed values).
    dataset : a key of :data:`CONTRACTS`.
    source : the file name used in messages.
    first_row : the row number of ``df``'s first row in the file (2 for a CSV with a header).
    extra : "reject" to refuse columns the contract does not name, "drop" to ignore them.
    field_chars : the longest text value (default ``config.limits().field_chars``).

    Raises
    ------
    SchemaError listing every problem (file, row, column, value, rule).
    """
    contract = _contract(dataset)
    problems = _check_columns(df, contract, source, extra)
    if problems:
        raise SchemaError(problems)
    rows = df.reset_index(drop=True)
    out = {}
    limit = config.limits().field_chars if field_chars is None else field_chars
    for col in contract:
        values, bad = _coerce(rows[col.name], col, limit)
        problems.extend(_located(rows[col.name], bad, col, source, first_row, limit))
        out[col.name] = values
    typed = pd.DataFrame(out)
    problems.extend(_check_rows(typed, rows, dataset, source, first_row))
    if problems:
        raise SchemaError(problems)
    return typed


def empty(dataset: str) -> pd.DataFrame:
    """A zero-row frame with the contract's columns and types."""
    frame = pd.DataFrame({c: pd.Series([], dtype="object") for c in columns(dataset)})
    return validate(frame, dataset, "<empty>")


def _contract(dataset: str) -> tuple[Column, ...]:
    try:
        return CONTRACTS[dataset]
    except KeyError:
        raise KeyError(f"unknown dataset {dataset!r}; expected one of {', '.join(CONTRACTS)}") from None


def _check_columns(df, contract, source, extra) -> list[Problem]:
    # Sets and a Counter: linear in the number of columns, however many a frame has.
    names = [c.name for c in contract]
    have = Counter(str(c) for c in df.columns)
    problems = [Problem(source, 1, name, None, "required column is missing")
                for name in names if name not in have]
    if extra == "reject":
        known = set(names)
        problems += [Problem(source, 1, name, None,
                             f"column is not part of the contract (expected: {', '.join(names)})")
                     for name in have if name not in known]
    dupes = sorted(name for name, n in have.items() if n > 1)
    problems += [Problem(source, 1, d, None, "column appears more than once") for d in dupes]
    return problems


def _blank(series: pd.Series) -> pd.Series:
    if not _is_text(series):     # numbers, dates and booleans are blank only when missing
        return series.isna()
    return _blank_text(series, series.astype("string").str.strip())


def _blank_text(series: pd.Series, text: pd.Series) -> pd.Series:
    return series.isna() | text.isna() | (text == "")


def _is_text(series: pd.Series) -> bool:
    """Whether a column holds text (or anything else that may hide blanks and stray spaces)."""
    dtype = series.dtype
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
                or pd.api.types.is_bool_dtype(dtype))


def _coerce(series: pd.Series, col: Column, limit: int) -> tuple[pd.Series, pd.Series]:
    """Convert one column to its contract type; return (values, mask of bad rows with rule)."""
    rule = pd.Series("", index=series.index, dtype="object")
    if col.kind == "str":   # stripped once: a county's crime ids are held a few times over as it is
        text = series.astype("string").str.strip()
        blank = _blank_text(series, text)
        values = text.where(~blank, pd.NA) if blank.any() else text
        rule[(values.str.len() > limit).fillna(False).to_numpy(dtype=bool)] = too_long(limit)
    elif col.kind in ("date", "month"):
        blank = _blank(series)
        values = _to_datetime(series, blank)
        bad = values.isna() & ~blank
        rule[bad] = "expected a date as YYYY-MM-DD" if col.kind == "date" else \
            "expected a month as YYYY-MM or YYYY-MM-01"
        if col.kind == "month":
            off = values.notna() & (values.dt.day != 1)
            rule[off] = "a month must be the first day of the month"
        if not col.future_ok:
            future = values > pd.Timestamp.now()
            if _is_text(series):   # a far-future date text (e.g. 3020-01-01) may not parse at all
                year = pd.to_numeric(series.astype("string").str.strip().str.slice(0, 4), errors="coerce")
                future |= values.isna() & (year > pd.Timestamp.now().year)
            rule[future] = "date is in the future"
    elif col.kind == "bool":
        blank = _blank(series)
        text = series.astype("string").str.strip().str.lower()
        values = pd.Series(pd.NA, index=series.index, dtype="boolean")
        values[text.isin(_TRUE)] = True
        values[text.isin(_FALSE)] = False
        if series.dtype == bool or str(series.dtype) == "boolean":
            values = series.astype("boolean")
        rule[values.isna() & ~blank] = "expected true or false"
    elif col.kind in ("int", "float"):
        blank = _blank(series)
        values, rule = _numbers(series, blank, rule, col.kind)
    else:
        raise ValueError(f"unknown column kind {col.kind!r}")
    present = ~blank & (rule == "")
    if not col.nullable:
        rule[blank] = "a value is required"
    if col.allowed is not None:
        outside = present & ~values.isin(col.allowed)
        rule[outside] = "must be one of: " + ", ".join(col.allowed)
    if col.pattern is not None:
        mismatch = present & ~values.astype("string").str.match(col.pattern).fillna(False)
        rule[mismatch] = f"must match {col.pattern}"
    if col.bounds is not None:
        lo, hi = col.bounds
        numeric = pd.to_numeric(values, errors="coerce")
        rule[present & ((numeric < lo) | (numeric > hi))] = f"must be between {lo:g} and {hi:g}"
    return values, rule


def _numbers(series: pd.Series, blank: pd.Series, rule: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Numbers, refusing text, inf and -inf (also what overflows a float, e.g. 1e309) and, for
    whole numbers, fractions and values beyond 64 bits."""
    parsed = pd.to_numeric(series.where(~blank), errors="coerce")  # may be uint64 or Int64
    number = pd.Series(parsed.to_numpy(dtype="float64", na_value=np.nan), index=series.index)
    rule = rule.copy()
    rule[number.isna() & ~blank] = f"expected a number{' (whole)' if kind == 'int' else ''}"
    rule[np.isinf(number)] = "expected a finite number (this is infinite, or too large to hold)"
    if kind == "float":
        return number, rule
    rule[np.isfinite(number) & (number % 1 != 0)] = "expected a whole number"
    rule[np.isfinite(number) & (number.abs() >= 2.0**63)] = "expected a whole number that fits in 64 bits"
    whole = pd.Series(pd.NA, index=series.index, dtype="Int64")
    ok = (rule == "") & number.notna()
    whole[ok] = parsed[ok].round().astype("int64")
    return whole, rule


def _to_datetime(series: pd.Series, blank: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.astype("datetime64[ns]")
    text = series.astype("string").str.strip()
    month_only = text.str.fullmatch(r"\d{4}-\d{2}").fillna(False)
    text = text.where(~month_only, text + "-01")
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    years = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
    in_range = iso & ~blank & years.between(1678, 2261)  # what datetime64[ns] can hold
    parsed = pd.to_datetime(text.where(in_range), format="%Y-%m-%d", errors="coerce")
    return parsed.astype("datetime64[ns]")


def _located(raw: pd.Series, rule: pd.Series, col: Column, source: str, first_row: int, limit: int):
    bad = rule[rule != ""]
    for idx, text in bad.items():
        value = raw.iloc[idx]
        if _is_missing(value):
            value = None
        elif text == too_long(limit):   # never hold megabytes in a message
            value = shortened(value)
        yield Problem(source, int(idx) + first_row, col.name, value, text)


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _check_rows(typed, raw, dataset, source, first_row) -> list[Problem]:
    problems = []
    key = _UNIQUE_KEYS.get(dataset)
    repeated_key = typed.duplicated(list(key), keep="first") if key else None
    if dataset in ALLOW_DUPLICATE_ROWS or (repeated_key is not None and not repeated_key.any()):
        # a row can only repeat an earlier one if its unique key does: no need to compare whole rows
        dup = pd.Series(False, index=typed.index)
    else:
        dup = typed.duplicated(keep="first")
    # Every repeat is listed (SchemaError shows the first few): a reader that sets rows aside
    # and validates again then needs one more pass, not one per twenty repeats.
    for idx in np.flatnonzero(dup.to_numpy()):
        problems.append(Problem(source, int(idx) + first_row, None, None,
                                "duplicate row (the same as an earlier row)"))
    if key:
        clash = repeated_key & ~dup
        for idx in np.flatnonzero(clash.to_numpy()):
            problems.append(Problem(source, int(idx) + first_row, ",".join(key),
                                    typed.loc[idx, key[0]], "must be unique"))
    if dataset in _ORDERED:
        early, late = _ORDERED[dataset]
        wrong = typed[late] < typed[early]
        for idx in np.flatnonzero(wrong.fillna(False).to_numpy()):
            problems.append(Problem(source, int(idx) + first_row, late, raw.loc[idx, late],
                                    f"must not be before {early}"))
    return problems
