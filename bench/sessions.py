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

    .venv/bin/python bench/sessions.py [--sessions 30] [--rates 1 2 4 8] [--seconds 20]
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
from datetime import datetime, timezone
from pathlib import Path

from websockets.asyncio.client import connect   # Streamlit's own dependency: no new package

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the server helpers the browser tests use

from browsing import SERVERS, serve  # noqa: E402

P95_TARGET_S = 1.0
#: A rerun that has not finished in this long counts as an error (and frees its session).
TIMEOUT_S = 60.0
EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")


class Session:
    """One websocket session: what a browser tab is to the server."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.socket = None
        self.pages: dict[str, str] = {}   # url path -> page script hash (from the navigation message)
        self.errors: list[str] = []

    async def open(self) -> None:
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S)

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
    parser.add_argument("--sessions", type=int, default=30)
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
