"""smp-dash: generate the demonstration data, ingest real files, check the store, print figures.

    smp-dash demo                         build the demonstration dataset into the store
    smp-dash ingest police-uk PATH        a police.uk CSV, a folder of YYYY-MM/ folders, or the zip
    smp-dash ingest DATASET FILE          a partner CSV template (crimes, needle_finds, ...)
    smp-dash ingest csp-crime FILE        the Home Office's crime by Community Safety Partnership area (.ods, CSV)
    smp-dash ingest lad-population FILE   ONS mid-year population estimates by local authority (.xlsx, CSV)
    smp-dash fetch police-uk [--from YYYY-MM] [--to YYYY-MM] [--api-url URL] [--timeout SECONDS]
                                          the months the police.uk API offers and the store lacks
    smp-dash check                        validate the store and its boundary cache, summarise each dataset
    smp-dash figures [--format json]      every figure of the assessment from the data in use
    smp-dash versions DATASET             earlier versions kept for DATASET
    smp-dash restore DATASET VERSION      make an earlier version the one in use
    smp-dash template DATASET             print the CSV template of DATASET
    smp-dash report -o pack.html [--wards NAMES] [--period-type TYPE] [--period LABEL] [--suppress]
                                          the strategic assessment data pack as one HTML file
    smp-dash draft -o assessment.docx [same options]
                                          the draft strategic assessment, an editable Word document
    smp-dash tables -o tables.xlsx [same options]
                                          every table and chart's data as an Excel workbook
    smp-dash doctor [--config PATH] [--secrets PATH] [--roles PATH] [--balancer haproxy.cfg]
                                          dangerous server, sign-in, roles-file and balancer settings; exits 1 if any
    smp-dash serve --workers N [--port P] [--address A] [--balancer haproxy]
                                          N Streamlit servers behind HAProxy with sticky sessions, until Ctrl-C

Every failure prints what is wrong and that the data in use is unchanged, and exits with its
code (:data:`EXIT_CODES`): 1 a check found a problem (``check``: a file differs from its record,
the manifest is damaged, a boundary cache file fails its check; any command reading a store that
fails its check; ``doctor``: a dangerous setting; ``serve``: a server or the balancer did not start or
stopped), 2 bad input (file, row, column; an argument; what the police.uk API
answered, or that it could not be reached), 3 the store busy, 4 the police.uk API gave no
complete answer in time, 5 the file system refused (a full disk, a read-only or missing data
folder, permission refused: one line naming the path; ``serve``: the balancer is not installed).
An ingest goes through the Data page's checks (``intake.preview`` and ``intake.commit``): a file
cut off half-way, rows outside the borough (points, or ward codes of another district) set aside
and counted, a file that keeps no rows refused unless ``--allow-empty``, and the page's limits
(``config.limits()``: file sizes, a zip member's compression ratio, the longest value). A write waits
for another write to the same store (``store.LOCK_TIMEOUT``) and then exits 3. A fetch goes through
the same street-level checks (``sources.police_api``); an API that cannot be reached exits 2, one
that gives no complete answer for ``--timeout`` seconds (``config.fetch_timeout()``) exits 4.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from smp_dash import config, geo, intake, schema, store
from smp_dash.selection import CHOICES, LATEST
from smp_dash.sources.police_api import PoliceApiTimeout

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_BUSY = 3
EXIT_TIMED_OUT = 4
EXIT_SYSTEM = 5
#: Each exit code and what it means (README's command line section lists the same).
EXIT_CODES = {
    0: "done",
    EXIT_CHECK_FAILED: "a check found a problem: check, a file that differs from its record or is missing, a "
                       "damaged or missing manifest, or a boundary cache file that fails its check; report, draft, "
                       "tables, figures over such a store; doctor, a dangerous setting; serve, a server or the balancer did not "
                       "start, or stopped by itself",
    EXIT_BAD_INPUT: "bad input: a file, an argument, or what the police.uk API answered (or it could not be reached)",
    EXIT_BUSY: "another write held the store's lock longer than the wait",
    EXIT_TIMED_OUT: "the police.uk API gave no complete answer in time: the fetch gave up",
    EXIT_SYSTEM: "the file system refused: a full disk, a read-only or missing data folder, permission refused; "
                 "serve, the balancer's program is not installed",
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``smp-dash`` command."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except store.StoreLocked as exc:
        return _refused(exc, EXIT_BUSY)
    except store.StoreDamaged as exc:
        return _refused(exc, EXIT_CHECK_FAILED)
    except PoliceApiTimeout as exc:
        return _refused(exc, EXIT_TIMED_OUT)
    except (schema.SchemaError, ValueError, FileNotFoundError) as exc:
        return _refused(exc, EXIT_BAD_INPUT)
    except OSError as exc:   # the file system's refusal: one line, naming the path
        print(f"error: {store.failure(exc)} {intake.UNCHANGED}", file=sys.stderr)
        return EXIT_SYSTEM


def _refused(exc: Exception, code: int) -> int:
    print(f"error: {exc}", file=sys.stderr)
    print(intake.UNCHANGED, file=sys.stderr)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smp-dash", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="store folder (default: SMP_DATA_DIR or data/store)")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="build the demonstration dataset into the store")
    p.set_defaults(run=_demo)

    p = sub.add_parser("ingest", help="load police.uk data or a partner CSV")
    p.add_argument("dataset", help="police-uk, csp-crime (the Home Office table of crime by partnership, .ods or "
                   "CSV), lad-population (ONS mid-year estimates, .xlsx or CSV), or one of: " + ", ".join(schema.DATASETS))
    p.add_argument("path", type=Path)
    p.add_argument("--lad", default=None, help='district LAD code, or "all" for every Kent and Medway district '
                   "(default: SMP_LAD_CODE or Maidstone)")
    p.add_argument("--demo", action="store_true",
                   help="mark the data as demonstration (invented) data, e.g. the synthetic Kent-scale test files")
    p.add_argument("--allow-empty", action="store_true",
                   help="empty a dataset the file holds no rows of, on purpose (without it such a file is "
                        "refused, and a police.uk file without anti-social behaviour leaves asb_incidents as it is)")
    p.set_defaults(run=_ingest)

    p = sub.add_parser("fetch", help="fetch the police.uk months the store does not hold from the police.uk API")
    p.add_argument("source", choices=("police-uk",), help="police-uk: street-level crimes and anti-social behaviour")
    p.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month wanted (default: the oldest offered)")
    p.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month wanted (default: the latest offered)")
    p.add_argument("--api-url", default=None, help="the API's address (default: SMP_POLICE_API_URL or "
                   f"{config.DEFAULT_POLICE_API_URL})")
    p.add_argument("--lad", default=None, help="district LAD code (default: SMP_LAD_CODE or Maidstone)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="give up when the API has given no complete answer for SECONDS (default: "
                        f"SMP_FETCH_TIMEOUT or {config.FETCH_TIMEOUT:g}); the data in use is then unchanged (exit 4)")
    p.set_defaults(run=_fetch)

    p = sub.add_parser("check", help="check each data file against its record, validate it, summarise it; "
                       "check the boundary cache against the SHA-256 it carries")
    p.set_defaults(run=_check)

    p = sub.add_parser("figures", help="every figure of the assessment from the data in use")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=_figures)

    for name, kind, what in (("report", "HTML", "the strategic assessment data pack as one self-contained HTML file"),
                             ("draft", "Word (.docx)", "the draft strategic assessment as an editable Word document"),
                             ("tables", "Excel (.xlsx)", "every table and chart's data as an Excel workbook")):
        p = sub.add_parser(name, help=what)
        p.add_argument("--wards", default="", help='ward names, comma-separated, e.g. "Shepway North,Shepway South" '
                       "(default: the whole borough)")
        p.add_argument("--period-type", choices=CHOICES, default=LATEST,
                       help="latest: each figure for the latest complete period of its kind (default); published: "
                            "each figure for the period the 2020-21 assessment reports it")
        p.add_argument("--period", default=None, help='a period of that type, e.g. 2019, 2019/20, "Dec 2019 to Nov '
                       '2020" (default: the latest the data covers)')
        p.add_argument("--suppress", action="store_true",
                       help="disclosure control: small ward counts of DA, needle finds and hate crime shown as <5")
        p.add_argument("--exclude-outliers", action="store_true",
                       help="replace flagged months by the median of the months before them, as the app's toggle does")
        p.add_argument("-o", "--output", type=Path, required=True, help=f"the {kind} file to write")
        p.set_defaults(run=partial(_document, name))

    p = sub.add_parser("versions", help="earlier versions kept for a dataset")
    p.add_argument("dataset", choices=schema.DATASETS)
    p.set_defaults(run=_versions)

    p = sub.add_parser("restore", help="make an earlier version the one in use")
    p.add_argument("dataset", choices=schema.DATASETS)
    p.add_argument("version")
    p.set_defaults(run=_restore)

    p = sub.add_parser("template", help="print the CSV template of a dataset")
    p.add_argument("dataset", choices=schema.DATASETS)
    p.set_defaults(run=_template)

    streamlit_dir = config.PROJECT_ROOT / ".streamlit"
    p = sub.add_parser("doctor", help="report dangerous server, sign-in and roles-file settings (exit 1 if any)")
    p.add_argument("--config", type=Path, default=streamlit_dir / "config.toml", help="Streamlit's settings file")
    p.add_argument("--secrets", type=Path, default=streamlit_dir / "secrets.toml", help="the secrets file ([auth])")
    p.add_argument("--roles", type=Path, default=None, help="the roles file (default: SMP_ROLES_FILE or "
                   ".streamlit/roles.toml)")
    p.add_argument("--balancer", type=Path, default=None, help="an HAProxy configuration in front of the servers, "
                   "e.g. the haproxy.cfg smp-dash serve writes (default: none checked)")
    p.set_defaults(run=_doctor)

    p = sub.add_parser("serve", help="several Streamlit servers behind a load balancer with sticky sessions")
    p.add_argument("--workers", type=int, required=True, metavar="N", help="Streamlit server processes to start "
                   "(one per core is a good start), each on a free port of 127.0.0.1")
    p.add_argument("--port", type=int, default=8501, help="the balancer's port (default 8501)")
    p.add_argument("--address", default="127.0.0.1", help="the balancer's address (default 127.0.0.1, this machine "
                   "only, as .streamlit/config.toml's server.address; partners reach it through an https proxy)")
    p.add_argument("--balancer", choices=("haproxy",), default="haproxy", help="the load balancer (Debian's haproxy)")
    p.add_argument("--run-dir", type=Path, default=None, help="where the balancer's settings and every process's "
                   "log are written (default: a new folder under the temporary folder, printed)")
    p.set_defaults(run=_serve)
    return parser


def _demo(args) -> int:
    from smp_dash import demo

    records = demo.write(args.data_dir)
    for name, record in records.items():
        print(f"{name:18} {record['rows']:>8,} rows  {record['first'] or '':>10} to {record['last'] or ''}")
    print(f"Demonstration data written to {args.data_dir or config.data_dir()}.")
    print(demo.NOTICE)
    return 0


def _ingest(args) -> int:
    kind = intake.POLICE_UK if args.dataset in ("police-uk", "police_uk") else args.dataset.replace("-", "_")
    if kind != intake.POLICE_UK and kind not in schema.DATASETS:
        raise ValueError(f"unknown dataset {args.dataset!r}; expected police-uk or one of {', '.join(schema.DATASETS)}")
    wards, lsoas = _boundaries(args.lad or config.lad_code(), kind)
    with _progress_bar() as progress:
        result = intake.preview(args.path, args.path.name, kind, wards=wards, lsoas=lsoas, progress=progress)
    if result.problems:  # the page lets an analyst leave bad rows out; a script is stopped by them
        raise schema.SchemaError(list(result.problems))
    if result.refusal is None or args.allow_empty:  # a refusal is the error message, said once
        print(result.summary())
    for line in result.rejected.head(10).itertuples():
        print(f"  left out: row {line.row}, {line.column} {line.value}: {line.rule}")
    before = {name: store.provenance(name, args.data_dir) for name in result.empty}
    records = intake.commit(result, data_dir=args.data_dir, demo=args.demo, allow_empty=args.allow_empty)
    for name, record in records.items():
        print(f"{name}: {record['rows']:,} rows from {record['source']} ({record['first']} to {record['last']}).")
    for name, meta in before.items():
        if name not in records:
            held = f"{meta['rows']:,} rows from {meta['source']}" if meta else "not loaded"
            print(f"{name}: none in the file; left as it was ({held}). --allow-empty empties it.")
    return 0


def _fetch(args) -> int:
    give_up_after = config.fetch_timeout() if args.timeout is None else config.seconds(args.timeout, "--timeout")
    wards, lsoas = _boundaries(args.lad or config.lad_code(), "police-uk")
    result = intake.fetch_police_uk(wards=wards, lsoas=lsoas, api_url=args.api_url, start=args.start, end=args.end,
                                    data_dir=args.data_dir, give_up_after=give_up_after,
                                    progress=lambda done, total, message: print(message, flush=True))
    print(result.summary())
    return 0


def _boundaries(lad: str, kind: str):
    """The wards and LSOAs that decide what is inside the borough (police.uk needs them)."""
    try:
        return geo.load_wards(lad), geo.load_lsoas(lad)
    except geo.BoundariesMissing:
        if kind == "police-uk":
            raise
        print("warning: no boundary files; points and ward codes are not checked against the borough",
              file=sys.stderr)
        return None, None


@contextmanager
def _progress_bar():
    """A progress bar on a terminal, as ``progress(files_done, files_total)``."""
    from tqdm import tqdm

    with tqdm(unit="file", desc="reading", disable=not sys.stderr.isatty()) as shown:
        def progress(done, total):
            shown.total = total
            shown.n = done
            shown.refresh()

        yield progress


def _check(args) -> int:
    folder = Path(args.data_dir or config.data_dir())
    if not folder.is_dir():   # not "nothing loaded": a mistyped --data-dir or an unmounted disk
        raise store.StoreUnavailable(errno.ENOENT, os.strerror(errno.ENOENT), str(folder), action="read")
    mismatched = store.verify(args.data_dir)
    broken = {name for name, _ in mismatched}
    for name in schema.DATASETS:
        meta = store.provenance(name, args.data_dir)
        if meta is None:
            print(f"{name:18} not loaded")
            continue
        if name in broken:
            continue  # reported below; a changed file is not read
        try:
            frame = schema.validate(store.read(name, args.data_dir), name, str(store.path(name, args.data_dir)))
        except schema.SchemaError as exc:
            broken.add(name)
            print(f"{name:18} INVALID\n{exc}")
            continue
        kind = "demonstration" if meta.get("demo") else "real"
        print(f"{name:18} {len(frame):>8,} rows  {meta.get('first') or '':>10} to {meta.get('last') or '':10}  "
              f"{kind:13} from {meta['source']}  loaded {meta['loaded_at']}")
    for name, problem in mismatched:
        print(f"{name:18} DOES NOT MATCH ITS RECORD: {problem}")
    return EXIT_CHECK_FAILED if _check_boundary_cache(store.cache_dir(folder)) or broken else 0


def _check_boundary_cache(cache: Path) -> bool:
    """Print what the check of the boundary cache (``geo.ward_layer``) found; whether it failed."""
    files = sorted(cache.glob(geo.LAYER_FILES))
    damaged = geo.cache_problems(cache)
    for file, problem in damaged:
        print(f"{'boundary cache':18} FAILED ITS CHECK: {file}: {problem}. It is worked out from the boundary "
              "files: the app works it out again at its next load (deleting it loses nothing)")
    if files and not damaged:
        print(f"{'boundary cache':18} {len(files)} file(s), each matches the SHA-256 it carries")
    return bool(damaged)


def figure_table(data_dir=None):
    """The figures computed from the store in ``data_dir`` (used by the CLI and the app)."""
    from smp_dash import published as stated_figures
    from smp_dash.demo.indicators import published

    data = store.read_all(data_dir)
    data["wards"] = geo.load_wards()[["ward_code", "ward_name"]]
    data["rural_wards"] = config.RURAL_WARDS
    stated = schema.validate(published(), "indicators", "published_figures_2020_21.csv")
    return stated_figures.compute(data, stated)


def _figures(args) -> int:
    table = figure_table(args.data_dir)
    if args.format == "json":
        print(json.dumps(table.to_dict(orient="records"), indent=1, default=str))
    else:
        for row in table.itertuples():
            mark = "ok " if row.agrees else "DIFF"
            print(f"{mark} {row.id:45} {row.period:42} {_show(row.value):>30}  (published {_show(row.published)})")
        print(f"{int(table['agrees'].sum())} of {len(table)} figures agree with the assessment.")
    return 0


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _document(kind: str, args) -> int:
    """``smp-dash report``, ``draft`` or ``tables``: the view's document, written whole or not at all."""
    import os
    import tempfile
    from datetime import datetime, timezone

    from smp_dash import draft, report, workbook

    if not store.exists("crimes", args.data_dir):
        raise FileNotFoundError("no crime data in the store; run `smp-dash demo` or `smp-dash ingest` first")
    wards = geo.load_wards()
    codes = dict(zip(wards["ward_name"], wards["ward_code"]))
    chosen = [name.strip() for name in args.wards.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in codes]
    if unknown:
        raise ValueError(f"unknown ward(s) {', '.join(map(repr, unknown))}; choose from: {', '.join(sorted(codes))}")
    build = {"report": report.data_pack, "draft": draft.document, "tables": workbook.workbook}[kind]
    made = build(
        store.read_all(args.data_dir), wards=tuple(codes[name] for name in chosen),
        ward_names=dict(zip(wards["ward_code"], wards["ward_name"])), period_kind=args.period_type,
        period_label=args.period, demo=store.is_demo(args.data_dir),
        generated_at=datetime.now(timezone.utc).strftime("%d %b %Y %H:%M UTC"),
        provenance={name: store.provenance(name, args.data_dir) for name in schema.DATASETS},
        suppress=args.suppress, exclude_outliers=args.exclude_outliers)
    target = args.output.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed over it, so a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(made.encode("utf-8") if isinstance(made, str) else made)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"{target} ({target.stat().st_size:,} bytes)")
    return 0


def _versions(args) -> int:
    kept = store.versions(args.dataset, args.data_dir)
    if not kept:
        print(f"no earlier versions of {args.dataset}")
    for record in kept:
        print(f"{record['version']}  {record.get('rows', '?'):>8} rows  from {record.get('source')}  loaded {record.get('loaded_at')}")
    return 0


def _restore(args) -> int:
    record = store.restore(args.dataset, args.version, args.data_dir)
    print(f"{args.dataset}: restored {args.version} ({record['rows']:,} rows from {record['source']}).")
    return 0


def _template(args) -> int:
    from smp_dash.sources.partner import template_csv

    sys.stdout.write(template_csv(args.dataset))
    return 0


def _doctor(args) -> int:
    from smp_dash import deployment

    found = deployment.findings(args.config, args.secrets, args.roles or config.roles_file(), os.environ,
                                balancer=args.balancer)
    for finding in found:
        print(finding)
    print(f"{len(found)} dangerous setting(s)." if found else
          f"No dangerous setting found in {args.config}, {args.secrets} or the roles file.")
    return EXIT_CHECK_FAILED if found else 0


def _serve(args) -> int:
    from smp_dash import serving

    try:
        serving.serve(args.workers, args.port, args.address, args.balancer, data_dir=args.data_dir,
                      run_dir=args.run_dir)
    except serving.BalancerMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SYSTEM
    except serving.ServeFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
