"""Load test: a task-force meeting's worth of browser sessions on one server.

Starts one ``streamlit run`` on 127.0.0.1 over a fresh demonstration store and opens
``--sessions`` (default 25) sessions at once in Debian's Chromium, each its own tab (its own
websocket, so its own Streamlit session and widget state). For ``--seconds`` (default 120) every session does what a person in
the meeting does (they join a second apart), with a pause of 2 to 6 s between actions (``--think``): switches page from the sidebar,
applies a ward preset (All, Shepway, Town), picks a ward in the Wards box, or changes the
period type. Each action is timed from the click to the page repainted (the rerun it caused has
finished and every chart has drawn; the page's script state and websocket messages are watched,
no fixed sleeps).

An error is an exception shown on a page, a lost connection, or an action whose page does not
finish within 60 s. Prints the number of actions, errors, and p50/p95 repaint time overall and
per kind of action (and for opening the app), and the CPU the server and the browsers used. Then
the same load on the naive baseline (``naive_app.py``: one page, ward
changes only) and the ratio of the ward-change medians.

    .venv/bin/python bench/load.py [--sessions 25] [--seconds 120] [--no-naive]
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
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import (CHARTS_DRAWN, CHROMIUM, CHROMIUM_ARGS, SERVERS, STREAMLIT_IDLE,  # noqa: E402
                      WATCH_RUNS, demo_server, serve)

NAV = ["Overview", "Serious and organised crime", "Children and young people", "Domestic abuse",
       "Substance misuse", "Mental health", "ASB and community protection", "Police data",
       "Shepway task force", "Action plans"]
PRESETS = ["All", "Shep", "Town"]
WARDS = ["High Street", "Park Wood", "Bridge", "Fant", "Heath", "Shepway North", "Allington", "Marden and Yalding"]
PERIOD_TYPES = ["Calendar year", "As in the assessment", "Financial year", "Assessment year"]
TIMEOUT_MS = 60_000
#: Count the messages the page's websocket delivers. A busy browser can take a rerun's "started"
#: and "finished" messages in one go and never show the running state, so a rerun is known to
#: have happened when either the state changed or a message arrived after the action.
COUNT_MESSAGES = """(() => {
    const Native = window.WebSocket;
    window.__smpMessages = 0;
    class Counted extends Native {
        constructor(...args) { super(...args); this.addEventListener('message', () => { window.__smpMessages++; }); }
    }
    window.WebSocket = Counted;
})()"""
RERUN_SEEN = "() => window.__smpRuns > 0 || window.__smpMessages > 0"
VIEWPORT = {"width": 1400, "height": 1000}
JOIN_S = 1.0


class Session:
    """One person in the meeting: a browser context, a tab, and what happened to them."""

    def __init__(self, number: int, context, url: str, actions: tuple[str, ...], seed: int,
                 think: tuple[float, float]):
        self.number, self.browser, self.url, self.actions, self.think = number, context, url, actions, think
        self.rng = random.Random(seed * 1000 + number)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    async def run(self, until: float) -> None:
        self.tab = await self.browser.new_page()     # a tab: its own websocket, its own Streamlit session
        try:
            try:
                start = time.perf_counter()
                await self._open()
                self.times["open"].append(time.perf_counter() - start)
            except Exception as exc:  # noqa: BLE001
                self.errors.append(f"session {self.number}, first open: {type(exc).__name__}: {str(exc)[:160]}")
                return
            while time.monotonic() < until:
                await asyncio.sleep(self.rng.uniform(*self.think))
                if time.monotonic() >= until:
                    break
                kind = self.rng.choice(self.actions)
                try:
                    self.times[kind].append(await self._timed(getattr(self, f"_{kind}")))
                    await self._check()
                except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                    self.errors.append(f"session {self.number}, {kind}: {type(exc).__name__}: {str(exc)[:160]}")
                    await self._open()
        finally:
            await self.tab.close()

    async def _open(self) -> None:
        self.period_type = PERIOD_TYPES[1]      # a fresh session shows periods as in the assessment
        await self.tab.goto(self.url, timeout=TIMEOUT_MS)
        await self.tab.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS)
        await self.tab.locator('[data-testid="stMain"] p:has-text("Showing:")').first.wait_for(timeout=TIMEOUT_MS)
        await self._idle()

    async def _idle(self) -> None:
        await self.tab.wait_for_function(STREAMLIT_IDLE, timeout=TIMEOUT_MS)
        await self.tab.wait_for_function(CHARTS_DRAWN, timeout=TIMEOUT_MS)

    async def _timed(self, action) -> float:
        await self.tab.evaluate(WATCH_RUNS)
        await self.tab.evaluate("() => { window.__smpMessages = 0; }")
        start = time.perf_counter()
        self.doing = await action()
        for stage, check in (("the rerun to start", RERUN_SEEN), ("the rerun to finish", STREAMLIT_IDLE),
                             ("every chart to draw", CHARTS_DRAWN)):
            try:
                await self.tab.wait_for_function(check, timeout=TIMEOUT_MS)
            except Exception as exc:
                now = await self.tab.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').all_inner_texts()
                app = await self.tab.get_attribute('[data-testid="stApp"]', "data-test-script-state")
                runs = await self.tab.evaluate("() => [window.__smpRuns, window.__smpMessages]")
                raise RuntimeError(f"{self.doing}: waited {TIMEOUT_MS / 1000:.0f} s for {stage} "
                                   f"(now on {' '.join(now)!r}, script {app}, runs seen {runs}, url {self.tab.url})") from exc
        seconds = time.perf_counter() - start
        # Leave no widget focused (the Wards box keeps focus after Escape): a focused box's blur on
        # the next click re-renders the sidebar under the pointer and the click can be lost.
        await self.tab.evaluate("() => document.activeElement && document.activeElement.blur()")
        return seconds

    async def _check(self) -> None:
        errors = self.tab.locator('[data-testid="stException"]')
        if await errors.count():
            raise RuntimeError(f"exception on the page: {(await errors.first.inner_text())[:200]}")
        state = await self.tab.get_attribute('[data-testid="stApp"]', "data-test-connection-state")
        if state != "CONNECTED":
            raise RuntimeError(f"connection state {state}")

    async def _page(self) -> None:
        current = await self.tab.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').all_inner_texts()
        choice = self.rng.choice([name for name in NAV if name not in " ".join(current)])
        await self.tab.locator('[data-testid="stSidebarNav"] a', has_text=choice).first.click()
        return f"to {choice} (from {' '.join(current) or '?'})"

    async def _preset(self) -> None:
        choice = self.rng.choice(PRESETS)
        await self.tab.locator('[data-testid="stSidebar"] button', has_text=choice).first.click()
        return f"preset {choice}"

    async def _ward(self) -> None:
        box = self.tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Wards")
        chosen = " ".join(await box.locator('[data-tag], [data-baseweb="tag"]').all_inner_texts())
        ward = self.rng.choice([w for w in WARDS if w not in chosen] or WARDS)
        await box.locator("input").fill(ward)
        option = self.tab.get_by_role("option", name=ward, exact=True)
        await option.wait_for(timeout=TIMEOUT_MS)
        await option.click()
        await self.tab.keyboard.press("Escape")
        return f"ward {ward}"

    async def _period(self) -> None:
        box = self.tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Period type")
        choice = self.rng.choice([p for p in PERIOD_TYPES if p != self.period_type])
        await box.get_by_role("combobox").click()
        await self.tab.get_by_role("option", name=choice, exact=True).click()
        self.period_type = choice
        return f"period type {choice}"


async def load(url: str, sessions: int, seconds: float, actions: tuple[str, ...], seed: int,
               think: tuple[float, float]) -> list[Session]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # One browser context with a tab per person: each tab is its own Streamlit session (its own
        # websocket and widget state); sharing the context's cache spares this 2-core machine from
        # compiling Streamlit's JavaScript 25 times, which a meeting's 25 laptops do on their own CPUs.
        context = await browser.new_context(viewport=VIEWPORT)
        await context.add_init_script(COUNT_MESSAGES)
        people = [Session(n + 1, context, url, actions, seed, think) for n in range(sessions)]
        server = SERVERS[url].pid
        before = (cpu_seconds([server]), machine_busy_seconds(), time.monotonic())
        until = time.monotonic() + seconds
        tasks = []
        for person in people:        # people join over the first half minute, as they do
            tasks.append(asyncio.create_task(person.run(until)))
            await asyncio.sleep(JOIN_S)
        await asyncio.gather(*tasks)
        wall = time.monotonic() - before[2]
        used = (cpu_seconds([server]) - before[0], machine_busy_seconds() - before[1])
        print(f"  CPU over the run ({wall:.0f} s): machine {used[1] / wall / os.cpu_count():.0%} busy ({os.cpu_count()} cores); "
              f"the Streamlit server {used[0] / wall:.0%} of one core, the rest the browser and its driver", flush=True)
        await browser.close()
    return people


def report(label: str, people: list[Session], seconds: float) -> dict[str, float]:
    times: dict[str, list[float]] = defaultdict(list)
    for person in people:
        for kind, values in person.times.items():
            times[kind] += values
    every = [t for values in times.values() for t in values]
    errors = [e for person in people for e in person.errors]
    print(f"\n{label}: {len(people)} sessions for {seconds:.0f} s: {len(every)} actions, {len(errors)} errors")
    for line in errors[:10]:
        print(f"  error: {line}")
    print(f"  {'action':10} {'count':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    medians = {}
    for kind, values in sorted(times.items()) + [("all", every)]:
        if not values:
            continue
        medians[kind] = statistics.median(values)
        print(f"  {kind:10} {len(values):6d} {medians[kind]:7.2f} {_p95(values):7.2f} {max(values):7.2f}")
    print(f"  result: {'PASS' if not errors and every else 'FAIL'} (zero errors required)")
    return medians


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds a person looks at the page between actions (default 2 to 6)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline's run")
    args = parser.parse_args()
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as folder:
        with demo_server(Path(folder)) as url:
            people = asyncio.run(load(url, args.sessions, args.seconds, ("page", "preset", "ward", "period"), args.seed,
                                    tuple(args.think)))
            rss = _rss_mb(SERVERS[url].pid)
        ours = report("SMP Dash", people, args.seconds)
        print(f"  server RSS at the end: {rss:.0f} MB")
        failed = any(person.errors for person in people)
        if not args.no_naive:
            with serve(Path(folder) / "store", Path(folder) / "naive.log", "bench/naive_app.py") as url:
                naive_people = asyncio.run(load(url, args.sessions, args.seconds, ("ward",), args.seed, tuple(args.think)))
            naive = report("Naive baseline (ward changes only)", naive_people, args.seconds)
            if "ward" in ours and "ward" in naive:
                print(f"\nward change p50: naive {naive['ward']:.2f} s / SMP Dash {ours['ward']:.2f} s = "
                      f"{naive['ward'] / ours['ward']:.1f}x")
    return 1 if failed else 0


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by ``pids`` (from /proc; gone processes count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """CPU seconds every core has spent not idle since boot (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]          # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    sys.exit(main())
