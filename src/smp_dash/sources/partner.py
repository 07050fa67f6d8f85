"""Partner CSV templates: the contract's header row with an example, and their reader.

Partners (the Community Protection Team, the waste team, Kent Police analysts) fill in a
template in Excel and upload it. The reader refuses what Excel commonly produces instead of a
comma-separated UTF-8 file (a workbook named .csv, semicolons, Windows-1252 text, a file cut
off half-way), and then validates every row against the contract, naming the file, the row and
the column.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from smp_dash import config, schema
from smp_dash.sources import _files
from smp_dash.sources._files import IngestError

__all__ = ["IngestError", "read_partner_csv", "template_csv"]

_WHO = "the partner templates use commas"
_WARD = "E05004996"  # High Street ward, Maidstone

#: An example value for each column name, valid under every contract that uses the name.
_EXAMPLES = {
    "crime_id": "KP-2020-0512345", "month": "2020-05-01", "crime_type": "Violence and sexual offences",
    "offence_subgroup": "Violence against the person", "domestic_abuse": "false", "hate_strand": "",
    "longitude": "0.527315", "latitude": "51.269237", "location": "On or near High Street",
    "lsoa_code": "E01024371", "ward_code": _WARD, "source": "Maidstone Borough Council",
    "received": "2020-05-04", "subcategory": "barking", "found": "2020-05-04",
    "location_name": "Brenchley Gardens", "needles": "3", "bulk_incident": "false", "note": "",
    "issued": "2020-05-04", "with_police": "true", "started": "2020-05-04", "ended": "2020-05-11",
    "indicator_id": "da_repeat_referrals", "label": "Repeat domestic abuse referrals to MARAC",
    "period_start": "2020-04-01", "period_end": "2021-03-31", "value": "27.5", "unit": "percent",
    "breakdown": "", "update": "Campaign ran in November 2020", "status": "in progress",
    "target": "2021-03-31", "year": "2020", "population": "8921",
    "financial_year": "2020/21", "quarter": "2020-04-01", "police_force": "Kent", "csp_name": "Maidstone",
    "offence_group": "Theft offences", "offences": "1234", "missing_lines": "0", "lad_code": "E07000110",
    "lad_name": "Maidstone", "geography": "Non-metropolitan District", "group_name": "Most Similar Group (iQuanta)",
}
#: Where one column name means different things in different datasets.
_BY_DATASET = {
    ("service_requests", "category"): "Noise",
    ("enforcement", "category"): "Noise (inc. with ASB)",
    ("enforcement", "action"): "CPW",
    ("actions", "action"): "Run a domestic abuse awareness campaign",
    ("actions", "priority"): "domestic_abuse",
    ("indicators", "priority"): "domestic_abuse",
    ("population", "source"): "ONS mid-2020 ward population estimates",
    ("csp_crime", "source"): "Home Office, police recorded crime by Community Safety Partnership area",
    ("lad_population", "population"): "177700",
    ("lad_population", "source"): "ONS mid-year population estimates",
}


def template_csv(dataset: str) -> str:
    """The CSV template of ``dataset``: the contract's header and one example row that validates."""
    schema.columns(dataset)  # an unknown dataset fails with the list of known ones
    contract = schema.CONTRACTS[dataset]
    example = [_example(dataset, col) for col in contract]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([col.name for col in contract])
    writer.writerow(example)
    return buffer.getvalue()


def read_partner_csv(path_or_bytes, dataset: str, *, name: str | None = None,
                     limits: config.Limits | None = None) -> pd.DataFrame:
    """Read a filled-in partner template and return it typed by the contract of ``dataset``.

    Parameters
    ----------
    path_or_bytes : a path, the file's bytes, or an uploaded file object.
    dataset : a key of ``schema.CONTRACTS``.
    name : the file name used in messages (default: the path's or upload's name).
    limits : what reading it may cost (default ``config.limits()``): the largest file, the
        longest value.

    Raises
    ------
    IngestError (a ValueError) for a file that is not comma-separated UTF-8 text;
    schema.SchemaError listing every row that breaks the contract (file, row, column).
    """
    schema.columns(dataset)
    limits = limits or config.limits()
    source, data = _files.load_bytes(path_or_bytes, name=name, max_bytes=limits.file_bytes)
    data = _files.check_text(data, source, _WHO, limits)
    return schema.validate(parse_partner_csv(data, source), dataset, source, first_row=2,
                           field_chars=limits.field_chars)


def _example(dataset: str, col: schema.Column) -> str:
    value = _BY_DATASET.get((dataset, col.name), _EXAMPLES.get(col.name))
    if value is None:  # a column added to a contract after this table was written
        value = {"date": "2020-05-04", "month": "2020-05-01", "bool": "false",
                 "int": "1", "float": "0"}.get(col.kind, "example")
    if col.allowed is not None and value not in col.allowed and value != "":
        value = col.allowed[0]
    return value


def parse_partner_csv(data: bytes, source: str) -> pd.DataFrame:
    """The rows of a partner CSV as text columns, trailing blank rows dropped, not yet validated.

    ``data`` has passed ``_files.check_text`` (which vets the header and the length of every
    value on one line, so no parser is handed megabytes in a cell). A cut-off last row and
    ragged rows raise ``IngestError`` naming the line.
    """
    _files.check_not_cut_off(data, source)
    return _without_trailing_blanks(_parse(data, source))


def _parse(data: bytes, source: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                            skip_blank_lines=False, encoding="utf-8")
    except (pd.errors.ParserError, ValueError) as exc:
        raise _files.locate_parse_error(data, source, (), exc) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _without_trailing_blanks(frame: pd.DataFrame) -> pd.DataFrame:
    # Excel often saves empty rows (",,,,") after the data; blank rows in the middle are kept
    # so that every reported row number is the row the partner sees.
    if frame.empty:
        return frame
    filled = frame.apply(lambda col: col.str.strip().ne("")).any(axis=1).to_numpy()
    last = filled.nonzero()[0]
    return frame.iloc[: (last[-1] + 1 if last.size else 0)]
