"""Fetch the police.uk street-level months the store does not hold yet from the police.uk API.

The API (https://data.police.uk/docs/) gives, for an area polygon and a month, the street-level
crimes and anti-social behaviour (``crimes-street/all-crime``), and lists the months it holds
(``crimes-street-dates``). :func:`fetch` asks for every listed month that neither ``crimes``
nor ``asb_incidents`` holds, turns each month's JSON into the street-level CSV police.uk
publishes (:func:`street_csv`) and reads them with :func:`police_uk.read_police_uk`, exactly
as an ingest does (the same checks, the same point-in-ward assignment, rows outside the borough
set aside and counted). The new rows are added to the rows already held and committed as one
new version of both datasets in one store transaction, so a fetch that fails at any point
changes nothing.

The area is the borough's outline (its wards' union, widened a little and simplified to a
couple of hundred points, so it covers every ward). The API answers 503 when an area holds more
than 10,000 crimes in the month: the month is then asked ward by ward, and a ward that is still
too large by quarters of it. Records seen twice (a point on a ward edge) are kept once, by the
API's record id. 429 (too many requests) and other 5xx answers, and a connection that fails,
are tried again after 1, 2, 4, 8 seconds (or the server's ``Retry-After``); then the fetch
stops with :class:`PoliceApiError`.

Bounded in time: each answer, from connecting to its last byte (status line and headers
included), must arrive within :data:`TIMEOUT` seconds, however slowly a server sends it; and a
fetch that has had no complete answer for ``config.fetch_timeout()`` seconds (waits between
attempts included) gives up with :class:`PoliceApiTimeout`. The address must be https (http
only for a stand-in on this machine), and a redirect is followed only to the same scheme, host
and port: an answer from anywhere else is never taken as police.uk data.

Unlike the monthly archive, the API has no LSOA codes, no crimes without a location (those are
published force-wide only), and keeps about three years.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from typing import Callable, Iterable

import pandas as pd
import shapely

from smp_dash import config, schema
from smp_dash.sources import police_uk

__all__ = ["CRIME_TYPES", "PoliceApiError", "PoliceApiTimeout", "FetchResult", "fetch", "months_to_fetch", "held_months",
           "street_csv", "area_polygon", "poly_text"]

#: The API's category slug -> the "Crime type" of police.uk's street-level files.
CRIME_TYPES = {
    "anti-social-behaviour": police_uk.ASB,
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
}
DATES = "crimes-street-dates"
CRIMES = "crimes-street/all-crime"
#: Seconds for one whole answer (connecting, headers and body), and attempts before giving up
#: (waits of 1, 2, 4, 8 s between). A fetch also gives up after ``config.fetch_timeout()``
#: seconds without a complete answer.
TIMEOUT = 60.0
ATTEMPTS = 5
#: Redirects followed for one request (each to the API's own scheme, host and port).
MAX_REDIRECTS = 5
#: Hosts an http:// address may name: a stand-in on this machine (tests, a local mirror).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
#: The API refuses a GET longer than 4,094 characters: a longer request is POSTed.
MAX_GET = 4000
#: The largest answer read (a month of 10,000 crimes is about 5 MB).
MAX_RESPONSE = 64 * 1024 * 1024
#: How many times a piece of the area is split again (ward, then quarters, then quarters).
MAX_SPLITS = 3
_BOROUGH_WIDEN, _BOROUGH_SIMPLIFY = 0.002, 0.001   # degrees (~200 m and ~100 m)
_WARD_WIDEN, _WARD_SIMPLIFY = 0.001, 0.0005
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATASETS = ("crimes", "asb_incidents")

Progress = Callable[[int, int, str], None]


class PoliceApiError(ValueError):
    """The police.uk API could not be reached, or answered with an error or an unexpected shape."""


class PoliceApiTimeout(PoliceApiError):
    """The police.uk API gave no complete answer in the time allowed: the fetch gave up."""


@dataclass(frozen=True, eq=False)
class FetchResult:
    """What a fetch asked for, what the API gave, and what was committed."""

    api_url: str
    fetched_at: str
    months: tuple[str, ...]              # months asked for (listed by the API, not held)
    held: tuple[str, ...]                # months in range the store already holds: not asked for
    no_data: tuple[str, ...] = ()        # months the API listed but gave nothing for (404 or [])
    split: tuple[str, ...] = ()          # months asked ward by ward (503 for the whole borough)
    ingest: police_uk.IngestResult | None = None
    added: dict[str, int] = field(default_factory=dict)     # dataset -> new rows committed
    records: dict[str, dict] = field(default_factory=dict)  # dataset -> provenance written
    replaced_demo: tuple[str, ...] = ()  # datasets whose demonstration rows the fetch replaced

    def summary(self) -> str:
        """A short account for the command line and the Data page."""
        if not self.months:
            held = f" ({_ranges(self.held)})" if self.held else ""
            return f"Nothing to fetch: the store already holds every month the police.uk API offers{held}."
        lines = [f"Asked the police.uk API at {self.api_url} for {len(self.months)} month(s): "
                 f"{_ranges(self.months)}" + (f"; {len(self.held)} already held." if self.held else ".")]
        if self.split:
            lines.append(f"Asked ward by ward for {_ranges(self.split)} (too many crimes for one request).")
        if self.no_data:
            lines.append(f"The API gave nothing for {_ranges(self.no_data)}.")
        if self.ingest is not None:
            lines.append(self.ingest.summary())
        for name, record in self.records.items():
            lines.append(f"{schema.DATASET_NAMES[name]}: {record['rows']:,} rows ({self.added[name]:,} new), "
                         f"{record['first']} to {record['last']}.")
        if self.replaced_demo:
            lines.append(f"Replaced the demonstration rows of {schema.named(*self.replaced_demo)}.")
        if not self.records:
            lines.append("Nothing new in the borough: nothing committed.")
        return "\n".join(lines)


def fetch(*, wards: pd.DataFrame, lsoas: pd.DataFrame, held: Callable[[], dict[str, pd.DataFrame]],
          commit: Callable[[dict[str, pd.DataFrame], str], tuple[dict, tuple[str, ...]]], api_url: str | None = None,
          start: str | None = None, end: str | None = None,
          progress: Progress | None = None, sleep: Callable[[float], None] | None = None,
          timeout: float = TIMEOUT, give_up_after: float | None = None) -> FetchResult:
    """Fetch the months the store does not hold and commit them with the rows it holds.

    The store is reached only through ``held`` and ``commit`` (``intake.fetch_police_uk`` passes
    them), so this module reads the API and nothing else.

    Parameters
    ----------
    wards, lsoas : the borough's boundaries (``geo.load_wards``/``geo.load_lsoas``).
    held : the real rows held of crimes and asb_incidents (demonstration rows are replaced, never added to).
    commit : writes the datasets given, with a source line, as one version; returns the records
        and the datasets whose demonstration rows it replaced.
    api_url : the API's address (default ``config.police_api_url()``).
    start, end : the first and last month wanted, ``YYYY-MM`` (default: every month listed).
    progress : called as ``progress(months_done, months_total, message)``, the message in plain words
        ("Fetching Dec 2024 (13 of 24)..."), for the Data page and the command line.
    sleep : how to wait between attempts (default ``time.sleep``; tests pass a recorder).
    timeout : seconds for each whole answer, from connecting to its last byte.
    give_up_after : seconds without a complete answer (waits between attempts included) after
        which the fetch stops (default ``config.fetch_timeout()``).

    Returns
    -------
    FetchResult; its ``records`` are empty when nothing new was found (nothing is written).

    Raises
    ------
    PoliceApiError when the API cannot be reached, keeps failing or redirects elsewhere
    (PoliceApiTimeout when it gives no complete answer in time), IngestError or
    schema.SchemaError when what it gives breaks the street-level checks, and whatever ``commit``
    raises (store.StoreLocked when another write holds the store). Nothing is changed in any of these cases.
    """
    url = _checked_url(api_url or config.police_api_url())
    start, end = _checked_month(start, "--from"), _checked_month(end, "--to")
    give_up_after = config.fetch_timeout() if give_up_after is None else give_up_after
    api = _Api(url, timeout, sleep or time.sleep, give_up_after)
    _report(progress, 0, 1, "Asking police.uk which months it has")
    available = api.dates()
    held_now = held_months(*held().values())
    months = months_to_fetch(available, held_now, start, end)
    in_range = tuple(m for m in sorted(held_now) if m in set(available) and (start or m) <= m <= (end or m))
    fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if not months:
        _report(progress, 1, 1, "Nothing to fetch: the data in use holds every month police.uk has")
        return FetchResult(url, fetched_at, (), in_range)

    areas = _Areas.of(wards)
    got, no_data, split = {}, [], []
    for done, month in enumerate(months, 1):
        place = f"({done} of {len(months)})"
        _report(progress, done - 1, len(months), f"Fetching {_month_words(month)} {place}...")
        records, was_split = _month(api, month, areas,
                                    lambda text: _report(progress, done - 1, len(months), f"{text} {place}..."))
        if records:
            got[month] = records
        else:
            no_data.append(month)
        if was_split:
            split.append(month)
        _report(progress, done, len(months), f"Fetched {_month_words(month)} {place}: {len(records):,} records")
    result = FetchResult(url, fetched_at, tuple(months), in_range, tuple(no_data), tuple(split))
    if not got:
        return result
    _report(progress, len(months), len(months), "Checking the rows and adding them to the data in use...")
    ingest = police_uk.read_police_uk(_archive(got), wards=wards, lsoas=lsoas)
    return _commit(result, ingest, held, commit)


def months_to_fetch(available: Iterable[str], held: Iterable[str], start: str | None = None,
                    end: str | None = None) -> list[str]:
    """The months listed by the API, from ``start`` to ``end`` (``YYYY-MM``, inclusive), not held; oldest first."""
    held = set(held)
    return sorted(m for m in set(available) if m not in held and (start or m) <= m <= (end or m))


def held_months(*frames: pd.DataFrame) -> set[str]:
    """The months (``YYYY-MM``) any of ``frames`` (crimes, asb_incidents) has a row in."""
    return {f"{m:%Y-%m}" for frame in frames for m in pd.to_datetime(frame["month"]).dropna().unique()}


def street_csv(records: list[dict], source: str) -> bytes:
    """One month of the API's crimes as the street-level CSV police.uk publishes.

    ``persistent_id`` becomes the Crime ID (blank for anti-social behaviour), the street name
    the Location; the LSOA is blank (the API has none). Line breaks inside text are made spaces,
    as the street-level files have none. Raises PoliceApiError for a record that is not the
    API's shape, naming ``source`` and the record.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(police_uk.COLUMNS)
    for n, record in enumerate(records, 1):
        try:
            where = record["location"] or {}
            outcome = record.get("outcome_status") or {}
            row = {"Crime ID": record.get("persistent_id") or "", "Month": record["month"],
                   "Longitude": where.get("longitude") or "", "Latitude": where.get("latitude") or "",
                   "Location": (where.get("street") or {}).get("name") or "",
                   "Crime type": CRIME_TYPES.get(record["category"], record["category"]),
                   "Last outcome category": outcome.get("category") or "", "Context": record.get("context") or ""}
        except (KeyError, TypeError, AttributeError) as exc:
            raise PoliceApiError(f"{source}: record {n} is not the API's crime shape (no {exc})") from None
        writer.writerow([_one_line(row.get(column, "")) for column in police_uk.COLUMNS])
    return out.getvalue().encode("utf-8")


def area_polygon(geometry, widen: float = _BOROUGH_WIDEN, simplify: float = _BOROUGH_SIMPLIFY):
    """One polygon covering ``geometry`` (WGS84), with few enough points for the API.

    Widened by ``widen`` degrees and then simplified by less, so the outline never cuts into
    the area (simplification moves it at most ``simplify``); holes are dropped and an area in
    several parts is covered by their convex hull. Rows outside the borough are set aside later.
    """
    shape = shapely.buffer(geometry, widen).simplify(simplify)
    if shape.geom_type != "Polygon":
        shape = shape.convex_hull
    return shapely.Polygon(shape.exterior)


def poly_text(polygon) -> str:
    """The API's ``poly``: ``lat,lng:lat,lng:...`` (5 decimals, the ring left open)."""
    return ":".join(f"{lat:.5f},{lng:.5f}" for lng, lat in list(polygon.exterior.coords)[:-1])


# The area and its pieces --------------------------------------------------------------------

@dataclass(frozen=True)
class _Areas:
    borough: object
    wards: tuple

    @classmethod
    def of(cls, wards: pd.DataFrame) -> _Areas:
        if len(wards) == 0 or "geometry" not in wards:
            raise ValueError("wards must be the borough's ward boundaries (geo.load_wards)")
        geometries = list(wards.geometry.values)
        return cls(area_polygon(shapely.union_all(geometries)),
                   tuple(area_polygon(g, _WARD_WIDEN, _WARD_SIMPLIFY) for g in geometries))


def _quarters(polygon) -> list:
    x0, y0, x1, y1 = polygon.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    pieces = [polygon.intersection(shapely.box(*box)) for box in
              ((x0, y0, xm, ym), (xm, y0, x1, ym), (x0, ym, xm, y1), (xm, ym, x1, y1))]
    return [area_polygon(p, 0.0, _WARD_SIMPLIFY / 4) for p in pieces if not p.is_empty and p.area > 0]


def _month(api: _Api, month: str, areas: _Areas, say: Callable[[str], None]) -> tuple[list[dict], bool]:
    """Every record of ``month`` in the borough's area, each once; and whether it was split."""
    try:
        return api.crimes(areas.borough, month) or [], False
    except _TooMany:
        say(f"Fetching {_month_words(month)} ward by ward, as it holds too many crimes to ask for at once")
    seen: dict = {}
    pending = [(ward, 1) for ward in areas.wards]
    while pending:
        piece, depth = pending.pop(0)
        try:
            for record in api.crimes(piece, month) or []:
                seen.setdefault(_key(record), record)
        except _TooMany:
            if depth >= MAX_SPLITS:
                raise PoliceApiError(f"the police.uk API at {api.url} says a piece of the borough holds too many "
                                     f"crimes for {month} (HTTP 503) even split {MAX_SPLITS} times") from None
            pending[:0] = [(q, depth + 1) for q in _quarters(piece)]
    return list(seen.values()), True


def _key(record) -> object:
    # The API's id is unique per record (crimes and ASB); a record without one is keyed by itself.
    ident = record.get("id") if isinstance(record, dict) else None
    return ("id", ident) if ident is not None else ("json", json.dumps(record, sort_keys=True))


# HTTP ---------------------------------------------------------------------------------------

class _TooMany(Exception):
    """503 from crimes-street: the area holds more than 10,000 crimes in the month."""


class _Api:
    def __init__(self, url: str, timeout: float, sleep: Callable[[float], None], give_up_after: float):
        self.url, self.timeout, self.sleep, self.give_up_after = url, timeout, sleep, give_up_after
        self.answered_at = time.monotonic()   # the last complete answer (or the start)

    def dates(self) -> list[str]:
        answer = self._call(DATES, {}, "the months it holds")
        months = answer if isinstance(answer, list) else [None]
        if not all(isinstance(d, dict) and _MONTH.match(str(d.get("date"))) for d in months):
            raise PoliceApiError(f"the police.uk API at {self.url} answered {DATES} with something other than "
                                 "a list of months ({\"date\": \"YYYY-MM\"})")
        return [d["date"] for d in answer]

    def crimes(self, polygon, month: str) -> list[dict] | None:
        """The records of ``month`` inside ``polygon``; None when the API has no such month (404)."""
        answer = self._call(CRIMES, {"poly": poly_text(polygon), "date": month}, month)
        if answer is not None and not (isinstance(answer, list) and all(isinstance(r, dict) for r in answer)):
            raise PoliceApiError(f"the police.uk API at {self.url} answered {month} with something other than "
                                 "a list of crimes")
        return answer

    def _call(self, path: str, params: dict, what: str):
        """The JSON answer, None for 404; _TooMany for crimes-street's 503. Retries 429, 5xx, failed
        connections and answers not whole by their deadline, until ``give_up_after`` seconds have
        passed without a usable answer (PoliceApiTimeout, naming the last failure)."""
        request = _request(f"{self.url}/{path}", params)
        for attempt in range(1, ATTEMPTS + 1):
            deadline = min(time.monotonic() + self.timeout, self.answered_at + self.give_up_after)
            try:
                body = _get(request, self.url, deadline)
                self.answered_at = time.monotonic()
                return _json(body, self.url, what)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 404:
                    self.answered_at = time.monotonic()
                    return None
                if exc.code == 503 and path == CRIMES:
                    self.answered_at = time.monotonic()
                    raise _TooMany() from None
                if (exc.code != 429 and exc.code < 500) or attempt == ATTEMPTS:
                    tries = f" after {attempt} attempts" if attempt > 1 else ""
                    raise PoliceApiError(f"the police.uk API at {self.url} answered {what} with HTTP "
                                         f"{exc.code} {exc.reason}{tries}") from None
                wait, last = _retry_after(exc.headers) or 2.0 ** (attempt - 1), f"HTTP {exc.code} {exc.reason}"
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                reason = getattr(exc, "reason", None) or exc
                timed_out = isinstance(reason, TimeoutError) or time.monotonic() >= deadline
                if isinstance(reason, ssl.SSLCertVerificationError) or (attempt == ATTEMPTS and not timed_out):
                    tries = "" if isinstance(reason, ssl.SSLCertVerificationError) else f" ({ATTEMPTS} attempts)"
                    raise PoliceApiError(f"could not reach the police.uk API at {self.url}: {reason}{tries}") from None
                last = "the answer did not arrive whole in time" if timed_out else str(reason)
                if attempt == ATTEMPTS:
                    raise self._timeout(what, last) from None
                wait = 2.0 ** (attempt - 1)
            if time.monotonic() + wait >= self.answered_at + self.give_up_after:
                raise self._timeout(what, last)
            self.sleep(wait)

    def _timeout(self, what: str, last: str) -> PoliceApiTimeout:
        return PoliceApiTimeout(
            f"the police.uk API at {self.url} gave no complete answer for {what} in time (last: {last}; each answer "
            f"may take {min(self.timeout, self.give_up_after):g} s, and a fetch waits {self.give_up_after:g} s "
            "without one: --timeout or SMP_FETCH_TIMEOUT): gave up")


def _get(request: urllib.request.Request, api_url: str, deadline: float) -> bytes:
    """The body of ``request``'s answer, read whole by ``deadline`` (``time.monotonic()``) or
    TimeoutError; redirects followed only within ``api_url``'s scheme, host and port."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("no time left")
    opener = urllib.request.build_opener(_Redirects(api_url), _Http(deadline), _Https(deadline))
    with opener.open(request, timeout=left) as answer:
        chunks, size = [], 0
        while size <= MAX_RESPONSE and (chunk := answer.read1(1 << 16)):   # past the cap: _json refuses it
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the API's own scheme, host and port."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, api_url: str):
        self.api_url, self.origin = api_url, _origin(api_url)

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != self.origin:
            fp.close()
            raise PoliceApiError(f"the police.uk API at {self.api_url} redirected to {_origin_text(newurl)}, "
                                 "another address: refused (only the API's own scheme, host and port are followed)")
        followed = super().redirect_request(req, fp, code, msg, headers, newurl)
        fp.close()   # the redirect's own body is never read (urllib would read all of it)
        return followed


class _Http(urllib.request.HTTPHandler):
    def __init__(self, deadline: float):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(partial(_connection, http.client.HTTPConnection, self.deadline), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float):
        super().__init__(context=ssl.create_default_context())   # certificates and host names checked
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(partial(_connection, http.client.HTTPSConnection, self.deadline), req,
                            context=self._context)


def _connection(kind, deadline: float, *args, **kwargs) -> http.client.HTTPConnection:
    """An http.client connection whose answer is read against ``deadline``."""
    connection = kind(*args, **kwargs)
    connection.response_class = partial(_Answer, deadline=deadline)
    return connection


class _Answer(http.client.HTTPResponse):
    """An answer whose every read from the socket (status line, headers, body) ends by the deadline."""

    def __init__(self, sock, *args, deadline: float, **kwargs):
        super().__init__(_Timed(sock, deadline), *args, **kwargs)


class _Timed:
    """A socket as http.client's answer sees it: ``makefile`` gives a reader bounded by a deadline."""

    def __init__(self, sock, deadline: float):
        self.sock, self.deadline = sock, deadline

    def makefile(self, mode: str):
        return io.BufferedReader(_TimedReader(self.sock, self.deadline))


class _TimedReader(io.RawIOBase):
    def __init__(self, sock, deadline: float):
        self.raw = sock.makefile("rb", buffering=0)    # holds the socket open until closed, as http.client's does
        self.sock, self.deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer did not arrive whole by its deadline")
        self.sock.settimeout(left)
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _origin(url: str) -> tuple:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(
        parts.scheme.lower())


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


def _request(url: str, params: dict) -> urllib.request.Request:
    query = urllib.parse.urlencode(params)
    headers = {"Accept": "application/json", "User-Agent": "smp-dash (police.uk fetch)"}
    if len(url) + 1 + len(query) > MAX_GET:
        return urllib.request.Request(url, data=query.encode("ascii"), method="POST",
                                      headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    return urllib.request.Request(f"{url}?{query}" if query else url, headers=headers)


def _json(body: bytes, url: str, what: str):
    if len(body) > MAX_RESPONSE:
        raise PoliceApiError(f"the police.uk API at {url} answered {what} with more than {MAX_RESPONSE:,} bytes")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoliceApiError(f"the police.uk API at {url} answered {what} with something that is not JSON "
                             f"({exc})") from None


def _retry_after(headers) -> float | None:
    try:
        return min(max(float(headers.get("Retry-After")), 0.0), 60.0)
    except (TypeError, ValueError, AttributeError):
        return None


def _checked_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the police.uk API address must be an http(s) URL, not {url!r}")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"the police.uk API address must be https, not {url!r} (http only for a stand-in on "
                         f"this machine: {', '.join(LOCAL_HOSTS)})")
    return url.strip().rstrip("/")


def _checked_month(month: str | None, option: str) -> str | None:
    if month is not None and not _MONTH.match(month):
        raise ValueError(f"{option} {month!r}: expected a month as YYYY-MM, e.g. 2024-05")
    return month


# Reading and committing -------------------------------------------------------------------------

def _archive(months: dict[str, list[dict]]) -> io.BytesIO:
    """The fetched months as police.uk's archive (one street CSV per month), for the ingest reader."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for month, records in sorted(months.items()):
            archive.writestr(f"{month}/{month}-api-street.csv", street_csv(records, f"police.uk API {month}"))
    buffer.seek(0)
    buffer.name = "police.uk API.zip"
    return buffer


def _commit(result: FetchResult, ingest: police_uk.IngestResult, rows_held, commit) -> FetchResult:
    # Read what is held again just before writing: a file loaded while the API was answering is
    # kept, and a month it brought is not added twice.
    held = rows_held()
    again = held_months(*held.values())
    new = {name: _labelled(frame[~frame["month"].dt.strftime("%Y-%m").isin(again)])
           for name, frame in (("crimes", ingest.crimes), ("asb_incidents", ingest.asb))}
    new["crimes"] = new["crimes"][~new["crimes"]["crime_id"].isin(held["crimes"]["crime_id"])]
    frames = {name: pd.concat([held[name], new[name]], ignore_index=True) for name in _DATASETS if len(new[name])}
    added = {name: len(new[name]) for name in frames}
    if not frames:
        return replace(result, ingest=ingest)
    months = sorted(set().union(*(held_months(new[name]) for name in frames)))
    source = f"police.uk API {result.api_url}: crimes-street {_ranges(months)}, fetched at {result.fetched_at}"
    records, demo = commit(frames, source)
    return replace(result, ingest=ingest, added=added, records=records, replaced_demo=demo)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(source="police.uk API " + frame["month"].dt.strftime("%Y-%m"))


def _ranges(months: Iterable[str]) -> str:
    """Months as runs: ``2024-01 to 2024-03, 2024-05``."""
    runs: list[list[str]] = []
    for month in sorted(months):
        if runs and _next(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def _next(month: str) -> str:
    return f"{pd.Period(month, 'M') + 1}"


def _one_line(value) -> str:
    return re.sub(r"[\r\n]+", " ", str(value))


def _month_words(month: str) -> str:
    """A month as the pages write it: "2024-12" -> "Dec 2024"."""
    return datetime.strptime(month, "%Y-%m").strftime("%b %Y")


def _report(progress: Progress | None, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)
