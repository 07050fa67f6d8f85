"""Benchmark: one server's own capacity, sessions driven at the Streamlit protocol level.

No browser shares the server's cores: each session is a websocket to ``/_stcore/stream``, as
the browser opens, speaking Streamlit's own messages (``streamlit.proto``: a ``BackMsg``
``rerun_script`` with the page and the URL's query string; the server answers with
``ForwardMsg`` deltas until ``script_finished``). A rerun counts from sending its request to
the ``script_finished`` of the run that was asked for (a run that ends early to rerun, as a
deep link's first run does, does not count as the end). Only the server's part is timed:
nothing is drawn.

1. A meeting following a link: ``--sessions`` sessions open the overview at once.
2. Then each of them changes wards (the overview again with ``?wards=<a ward>``, the URL the
   Wards box writes), all at once.
3. Sessions per second sustained: new sessions arrive evenly at each rate in ``--rates`` for
   ``--seconds`` seconds, each opening the overview and changing wards once; the highest
   rate whose p95 stays within 1 s is what one server sustains.

One server started here on 127.0.0.1 (``--store DIR`` to reuse a store, e.g. one built by
``bench/stores.py``, with ``--lad all`` for the county), or a fresh demonstration store.

With ``--workers N``, instead: capacity on one process against N processes behind HAProxy
(``smp-dash serve --workers N``), in the same run. For each number in ``--sessions`` and each
layout, on servers started afresh: that many sessions open the overview at once (a cold server),
then as many new sessions again (a warm one: figures cached). A session is what a browser does up
to the drawn overview, less the drawing: GET the page (the balancer's answer sets the cookie that
keeps the session on its server), open the websocket with that cookie, run the overview to its
``script_finished``; it is timed from the GET. The clients' own CPU and the servers' (with HAProxy)
are printed, since they share the machine's cores.

    .venv/bin/python bench/sessions.py [--sessions 30] [--rates 1 2 4 8] [--seconds 20]
    .venv/bin/python bench/sessions.py --workers 2 --sessions 30 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from websockets.asyncio.client import connect   # Streamlit's own dependency: no new package

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the server helpers the browser tests use

from browsing import SERVERS, balanced, serve  # noqa: E402

P95_TARGET_S = 1.0
#: A rerun that has not finished in this long counts as an error (and frees its session).
TIMEOUT_S = 60.0
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


class Session:
    """One websocket session: what a browser tab is to the server."""

    def __init__(self, url: str):
        self.base = url
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket = None
        self.server = ""                  # the server the balancer chose (its X-SMP-Server header)
        self.pages: dict[str, str] = {}   # url path -> page script hash (from the navigation message)
        self.errors: list[str] = []

    async def open(self) -> None:
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S)

    async def arrive(self) -> None:
        """What a browser does first: GET the page (keeping the balancer's cookie), then open the
        websocket with it."""
        parts = urllib.parse.urlsplit(self.base)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(f"GET / HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        writer.close()
        cookies = [line.split(":", 1)[1].split(";")[0].strip() for line in head
                   if line.lower().startswith("set-cookie:") and "SERVERID=" in line]
        headers = {"Cookie": cookies[0]} if cookies else None
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S,
                                    additional_headers=headers)
        self.server = self.socket.response.headers.get("X-SMP-Server", "")

    async def rerun(self, query: str = "", page: str = "") -> float:
        """Ask for a run of ``page`` (a url path; "" for the default page) with ``query``; the
        seconds until it has finished."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_script_hash = self.pages.get(page, "")
        start = time.perf_counter()
        await self.socket.send(msg.SerializeToString())
        async with asyncio.timeout(TIMEOUT_S):
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await self.socket.recv())
                kind = forward.WhichOneof("type")
                if kind == "navigation":
                    self.pages.update({p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages})
                elif kind == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
                    self.errors.append(forward.delta.new_element.exception.message[:100])
                elif kind == "script_finished" and forward.script_finished != EARLY:
                    return time.perf_counter() - start

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()


async def meeting(url: str, sessions: int, wards: list[str], rng: random.Random,
                  pid: int | None = None) -> tuple[list, list, int]:
    """``sessions`` open the overview at once, then all change wards at once."""
    people = [Session(url) for _ in range(sessions)]
    await asyncio.gather(*(p.open() for p in people))
    opened = await asyncio.gather(*(_timed(p.rerun()) for p in people))
    if pid is not None:
        print(f"server RSS after the opens {_rss_mb(pid, 'VmRSS:'):.0f} MB, peak {_rss_mb(pid):.0f} MB", flush=True)
    changed = await asyncio.gather(*(_timed(p.rerun(_wards(rng.choice(wards)), "")) for p in people))
    errors = sum(len(p.errors) for p in people)
    await asyncio.gather(*(p.close() for p in people))
    return opened, changed, errors


async def arrivals(url: str, rate: float, seconds: float, wards: list[str], rng: random.Random) -> tuple[list, int]:
    """New sessions at ``rate`` a second for ``seconds``: each opens the overview, changes wards once."""
    async def visit():
        person = Session(url)
        try:
            await person.open()
            times = [await _timed(person.rerun()), await _timed(person.rerun(_wards(rng.choice(wards))))]
        finally:
            await person.close()
        return times, len(person.errors)

    tasks = []
    for n in range(max(1, round(rate * seconds))):
        tasks.append(asyncio.create_task(visit()))
        await asyncio.sleep(1 / rate)
    done = await asyncio.gather(*tasks)
    return [t for times, _ in done for t in times], sum(e for _, e in done)


async def _timed(run) -> float | None:
    """The seconds ``run`` took, or None when it failed or timed out (an error)."""
    try:
        return await run
    except (TimeoutError, OSError, Exception) as exc:   # a lost connection counts as an error, not a crash
        print(f"  error: {type(exc).__name__}: {str(exc)[:80]}", flush=True)
        return None


async def crowd(url: str, sessions: int) -> tuple[list, dict, int]:
    """``sessions`` arrive at once and open the overview: each one's seconds from its GET to the
    overview's ``script_finished``, how many each server took, errors shown on a page."""
    people = [Session(url) for _ in range(sessions)]

    async def visit(person: Session) -> float:
        start = time.perf_counter()
        await person.arrive()
        await person.rerun()
        return time.perf_counter() - start

    times = await asyncio.gather(*(_timed(visit(p)) for p in people))
    spread: dict[str, int] = {}
    for person in people:
        spread[person.server or "one process"] = spread.get(person.server or "one process", 0) + 1
    await asyncio.gather(*(p.close() for p in people))
    return times, spread, sum(len(p.errors) for p in people)


def capacity(store: Path, folder: Path, sizes: list[int], workers: int, env: dict) -> None:
    """Each meeting size on one process, then on ``workers`` behind HAProxy, on fresh servers."""
    print(f"\nCapacity: sessions opening the overview at once, one process against {workers} behind HAProxy")
    results = []
    for size in sizes:
        for layout in ("one process", f"{workers} workers + HAProxy"):
            with _layout(layout, store, folder, workers, env) as (url, pids):
                for state in ("cold", "warm"):
                    balancer = [pid for pid in pids if _name(pid) == "haproxy"]
                    cpu_before, client_before, wall = _cpu(pids), time.process_time(), time.perf_counter()
                    haproxy_before = _cpu(balancer)
                    times, spread, errors = asyncio.run(crowd(url, size))
                    wall = time.perf_counter() - wall
                    p95 = _summary(f"{size} at once, {layout}, {state}", times)
                    print(f"{'':44} servers' CPU {_cpu(pids) - cpu_before:5.1f} s (HAProxy's "
                          f"{_cpu(balancer) - haproxy_before:4.2f} s), clients' CPU "
                          f"{time.process_time() - client_before:5.1f} s in {wall:5.1f} s; sessions per server "
                          f"{dict(sorted(spread.items()))}; exceptions {errors}; load {os.getloadavg()[0]:.1f}",
                          flush=True)
                    results.append((size, layout, state, times, p95))
    print("\n| sessions at once | layout | server | p50 | p95 | errors |\n|---|---|---|---|---|---|")
    for size, layout, state, times, p95 in results:
        done = sorted(t for t in times if t is not None)
        median = f"{statistics.median(done):.2f} s" if done else "-"
        print(f"| {size} | {layout} | {state} | {median} | {p95 if p95 is None else f'{p95:.2f} s'} | "
              f"{len(times) - len(done)} |")


@contextmanager
def _layout(layout: str, store: Path, folder: Path, workers: int, env: dict):
    """One ``streamlit run`` server, or ``smp-dash serve --workers N``; yields its URL and the
    processes to count the CPU of."""
    if layout == "one process":
        with serve(store, folder / "streamlit.log", env=env, args=("--server.address", "127.0.0.1")) as url:
            yield url, [SERVERS[url].pid]
    else:
        run = Path(tempfile.mkdtemp(dir=folder, prefix="serve-"))
        with balanced(store, run, workers, env=env) as (url, _, process):
            yield url, [process.pid, *_children(process.pid)]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *_children(int(child))]
    return found


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _cpu(pids: list[int]) -> float:
    """User and system CPU seconds the processes have used."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wards(name: str) -> str:
    return urllib.parse.urlencode({"wards": name})


def _summary(label: str, times: list) -> float | None:
    done = sorted(t for t in times if t is not None)
    failed = len(times) - len(done)
    if not done:
        print(f"{label:44} no run finished ({failed} errors)")
        return None
    p95 = done[min(len(done) - 1, round(0.95 * (len(done) - 1)))]
    print(f"{label:44} n={len(done):3}  p50 {statistics.median(done):6.2f} s  p95 {p95:6.2f} s  "
          f"max {done[-1]:6.2f} s  errors {failed}", flush=True)
    return p95 if not failed else float("inf")


def _rss_mb(pid: int, field: str = "VmHWM:") -> float:
    """The server's resident memory in MB: its peak (VmHWM) or now (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[30],
                        help="sessions at once (with --workers: each number is a meeting of its own)")
    parser.add_argument("--workers", type=int, default=0, help="compare one process with this many behind HAProxy "
                        "(smp-dash serve) instead of the one-server runs")
    parser.add_argument("--rates", type=float, nargs="*", default=[1, 2, 4, 8], help="none: the meeting only")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of arrivals per rate")
    parser.add_argument("--store", type=Path, default=None, help="a store to serve (default: a fresh demonstration)")
    parser.add_argument("--lad", default=None, help="SMP_LAD_CODE for the server (all: every Kent ward)")
    args = parser.parse_args()
    from smp_dash import cli, config, geo

    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {len(os.sched_getaffinity(0))} cores; "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    env = {"SMP_LAD_CODE": args.lad} if args.lad else {}
    rng = random.Random(13)
    with tempfile.TemporaryDirectory(prefix="smp-sessions-") as folder:
        store = args.store
        if store is None:
            store = Path(folder) / "store"
            assert cli.main(["--data-dir", str(store), "demo"]) == 0
        if args.workers:
            capacity(store, Path(folder), args.sessions, args.workers, env)
            return
        args.sessions = args.sessions[0]
        wards = sorted(geo.load_wards(args.lad or config.lad_code())["ward_name"])
        with serve(store, Path(folder) / "streamlit.log", env=env, args=("--server.address", "127.0.0.1")) as url:
            pid = SERVERS[url].pid
            opened, changed, errors = asyncio.run(meeting(url, args.sessions, wards, rng, pid))
            print(f"\nA meeting: {args.sessions} sessions at once on one server ({len(wards)} wards)")
            _summary("open the overview (cold server, all at once)", opened)
            _summary("change wards (all at once)", changed)
            print(f"exceptions shown on a page: {errors}")
            print(f"server RSS after the meeting {_rss_mb(pid, 'VmRSS:'):.0f} MB, peak {_rss_mb(pid):.0f} MB")
            if args.rates:
                print(f"\nSessions per second sustained ({args.seconds:g} s of arrivals each; open + ward change)")
            sustained = 0.0
            for rate in sorted(args.rates):
                times, errors = asyncio.run(arrivals(url, rate, args.seconds, wards, rng))
                p95 = _summary(f"{rate:g} new sessions/s", times)
                if errors:
                    print(f"  exceptions shown on a page: {errors}")
                if p95 is None or p95 > P95_TARGET_S:
                    break
                sustained = rate
            print(f"server peak RSS {_rss_mb(pid):.0f} MB (the figure caches hold every view asked for, up to their limits)")
    if args.rates:
        print(f"\nsustained with p95 <= {P95_TARGET_S:g} s: {sustained:g} new sessions/s "
              f"({sustained * 60:.0f} people a minute opening a link and changing wards)")


if __name__ == "__main__":
    main()
