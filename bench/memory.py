"""Benchmark: server memory with one browser session and with many at once.

Starts ``streamlit run`` over a demonstration store, opens one session in Chromium and reads the
server's resident memory (VmRSS from /proc), then keeps ``--sessions`` tabs open at once, each
having drawn the overview and the domestic abuse page, and reads it again. The increment per
extra session is (RSS with N - RSS with 1) / (N - 1). The shared data is loaded once per process
(st.cache_resource), so each session should cost only its own widget state and messages. Then the
same for the naive baseline (``naive_app.py`` with ``st.cache_data``) and the ratio.

    .venv/bin/python bench/memory.py --sessions 20
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the Playwright tests use

from browsing import SERVERS, chromium, demo_server, open_page, serve  # noqa: E402

TARGET_MB = 30.0


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    print(f"date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        with demo_server(Path(folder)) as url:
            ours = _sessions("SMP Dash", browser, url, ["/", "/domestic_abuse"], args.sessions)
        with serve(Path(folder) / "store", Path(folder) / "naive.log", "bench/naive_app.py",
                   env={"NAIVE_MODE": "cache"}) as url:
            naive = _sessions("naive baseline", browser, url, ["/"], args.sessions)
    print(f"naive baseline / SMP Dash, per extra session: {naive / ours:.1f}x" if ours > 0 else
          f"naive baseline per extra session {naive:.1f} MB; SMP Dash {ours:.1f} MB")


def _sessions(label: str, browser, url: str, paths: list[str], sessions: int) -> float:
    pid = SERVERS[url].pid
    contexts = []
    for n in range(sessions):
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        tab = context.new_page()
        for path in paths:
            open_page(tab, f"{url}{path}")
        contexts.append(context)
        if n == 0:
            one = rss_mb(pid)
            print(f"{label}: server RSS with 1 session:  {one:8.1f} MB", flush=True)
    many = rss_mb(pid)
    print(f"{label}: server RSS with {len(contexts)} sessions: {many:8.1f} MB")
    per = (many - one) / (len(contexts) - 1)
    print(f"{label}: increment per extra session: {per:.1f} MB; target {TARGET_MB:g} MB: "
          f"{'PASS' if per <= TARGET_MB else 'MISS'}")
    for context in contexts:
        context.close()
    return per


if __name__ == "__main__":
    main()
