"""Paths, borough and thresholds: named constants with defaults, overridable at call time.

Nothing here reads a file or the environment at import time; the ``*_dir`` functions read
the environment when they are called, so tests and deployments can point them elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Maidstone's local authority district code (ONS).
DEFAULT_LAD_CODE = "E07000110"

#: Coverage of the demonstration dataset.
DEMO_START = "2015-01-01"

#: Largest upload the web server takes (Streamlit's ``server.maxUploadSize``), in bytes: what
#: a browser may send, not what a file may cost to read (:class:`Limits`).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What reading one file, archive or folder may cost: the same for every door (the Data
    page's upload and ``smp-dash ingest`` both go through ``intake.preview``; the police.uk
    fetch reads its months with them too).

    Memory does not grow with these: police.uk files are read a chunk at a time and only the
    borough's rows are kept. They bound the time a read takes, and refuse what no real file
    needs: a zip bomb, a value of megabytes.
    """

    #: One file as given (a CSV, an archive), and one CSV once unzipped, in bytes.
    file_bytes: int = 4 * 2**30
    #: Every CSV of one archive or folder together, unzipped, in bytes.
    total_bytes: int = 8 * 2**30
    #: The most a zip member may expand: its size unzipped over its size zipped (police.uk's
    #: own archives are about 5; the XML inside the Home Office's .ods table of crime by
    #: partnership about 25, 50 MB to over a gigabyte; a zip bomb is over 1,000).
    ratio: float = 200.0
    #: The longest value of any column of any file, in characters.
    field_chars: int = 10_000
    #: The most files one archive or folder may hold. Every file costs a few milliseconds
    #: however small; police.uk's download of every force for 36 months holds about 5,000.
    files: int = 10_000


#: The limits in force (tests and deployments replace it; read at call time by :func:`limits`).
LIMITS = Limits()

#: The police.uk API (``smp-dash fetch police-uk`` and the Data page's "Fetch the latest months").
DEFAULT_POLICE_API_URL = "https://data.police.uk/api"
#: Seconds a fetch from the police.uk API waits without a complete answer before it gives up
#: (``SMP_FETCH_TIMEOUT``; the command line's ``--timeout``).
FETCH_TIMEOUT = 120.0

#: Counts from 1 to this value are shown as "<5" when disclosure control is on.
SUPPRESSION_THRESHOLD = 4

#: Task force focus area (ward names as in the ONS 2013 ward set).
TASK_FORCE_WARDS = ("Shepway North", "Shepway South")
#: The month the task force began (YYYY-MM), and how long after it a period is too soon to judge its impact.
TASK_FORCE_START = "2020-09"
TASK_FORCE_EARLY_MONTHS = 12
#: Wards that make up Maidstone town centre for the night-time economy view.
TOWN_CENTRE_WARDS = ("High Street", "Bridge", "Fant")

#: Wards outside the unparished town: the dashboard's rural/urban marking (by ward name).
RURAL_WARDS = (
    "Barming", "Boughton Monchelsea and Chart Sutton", "Coxheath and Hunton", "Detling and Thurnham",
    "Downswood and Otham", "Harrietsham and Lenham", "Headcorn", "Leeds", "Loose",
    "Marden and Yalding", "North Downs", "Staplehurst", "Sutton Valence and Langley",
)

BOUNDARY_ATTRIBUTION = (
    "Contains Ordnance Survey and Office for National Statistics data © Crown copyright and "
    "database right. Licensed under the Open Government Licence v3.0. Boundary GeoJSON: "
    "UK-GeoJSON, Martin Chorley, CC BY 4.0."
)


#: The partnership the dashboard serves, as the Home Office's table of crime by partnership names it.
DEFAULT_CSP_NAME = "Maidstone"


def csp_name() -> str:
    """The partnership the compare page is about (``SMP_CSP_NAME``, default Maidstone)."""
    return os.environ.get("SMP_CSP_NAME", DEFAULT_CSP_NAME)


def lad_code() -> str:
    """The borough the dashboard serves (``SMP_LAD_CODE``, default Maidstone)."""
    return os.environ.get("SMP_LAD_CODE", DEFAULT_LAD_CODE)


def limits() -> Limits:
    """The limits every reader applies (:data:`LIMITS`), read when called."""
    return LIMITS


def police_api_url() -> str:
    """The police.uk API to fetch from (``SMP_POLICE_API_URL``, default the public API)."""
    return os.environ.get("SMP_POLICE_API_URL") or DEFAULT_POLICE_API_URL


def fetch_timeout() -> float:
    """Seconds a police.uk fetch waits without a complete answer (``SMP_FETCH_TIMEOUT``, default
    :data:`FETCH_TIMEOUT`); ValueError for anything but a positive number."""
    return seconds(os.environ.get("SMP_FETCH_TIMEOUT") or FETCH_TIMEOUT, "SMP_FETCH_TIMEOUT")


def seconds(value, name: str) -> float:
    """``value`` as a positive, finite number of seconds; ValueError naming ``name`` otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0 < number < float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return number


def data_dir() -> Path:
    """Where the store keeps its Parquet files (``SMP_DATA_DIR``, default ``data/store``)."""
    return Path(os.environ.get("SMP_DATA_DIR", PROJECT_ROOT / "data" / "store"))


def geo_dir() -> Path:
    """Where the ONS boundary GeoJSON files live (``SMP_GEO_DIR``, default ``../shared/geo``)."""
    return Path(os.environ.get("SMP_GEO_DIR", PROJECT_ROOT.parent / "shared" / "geo"))


def suppress_default() -> bool:
    """Whether disclosure control starts on outside presentation mode (``SMP_SUPPRESS=1``)."""
    return os.environ.get("SMP_SUPPRESS", "0").lower() in ("1", "true", "yes")


def roles_file() -> Path:
    """Who may sign in as what (``SMP_ROLES_FILE``, default ``.streamlit/roles.toml``); read only
    when sign-in is configured in ``.streamlit/secrets.toml``."""
    return Path(os.environ.get("SMP_ROLES_FILE", PROJECT_ROOT / ".streamlit" / "roles.toml"))


def reference_dir() -> Path:
    """Published reference tables transcribed from the assessment text (shipped in the repo)."""
    return PROJECT_ROOT / "data" / "reference"
