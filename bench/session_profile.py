"""Profile: where a new session's server time goes, with every figure cached.

One server on 127.0.0.1 over a fresh demonstration store (or ``--store DIR``); two sessions open
the overview to warm it, then ``--sessions`` new sessions open it one after another (no
contention: the samples are the work, not waits for the GIL). A sampler thread inside the server
(started by a ``sitecustomize`` module on its ``PYTHONPATH``) records every thread's stack every
5 ms; threads whose innermost frame is a wait are left out. Printed: the server's CPU per session,
and each function's share of the samples of the thread running the script (inclusive: shares
overlap), and of all samples.

    .venv/bin/python bench/session_profile.py [--sessions 30] [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sessions import SERVERS, _cpu, crowd, serve  # noqa: E402

SAMPLER = '''
import collections, os, signal, sys, threading, time, traceback
if os.environ.get("SMP_SAMPLE_TO"):
    IDLE = {"select", "poll", "epoll", "wait", "sleep", "_worker", "accept", "recv", "run_forever", "task", "get",
            "_write_to_self", "_run_once"}
    stacks = collections.Counter()
    def sample():
        me = threading.get_ident()
        while True:
            time.sleep(0.005)
            for ident, frame in sys._current_frames().items():
                stack = traceback.extract_stack(frame) if ident != me else None
                if stack and stack[-1].name not in IDLE:
                    script = any(f.name == "_run_script_thread" for f in stack)
                    stacks[(script, tuple(f"{f.filename.split('site-packages/')[-1]}:{f.name}" for f in stack))] += 1
    def dump(*_):
        with open(os.environ["SMP_SAMPLE_TO"], "w") as out:
            for (script, stack), n in stacks.items():
                out.write(f"{n}\\t{int(script)}\\t{'|'.join(stack)}\\n")
    signal.signal(signal.SIGUSR1, lambda *_: stacks.clear())
    signal.signal(signal.SIGUSR2, dump)
    threading.Thread(target=sample, daemon=True).start()
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    from smp_dash import cli

    with tempfile.TemporaryDirectory(prefix="smp-profile-") as folder:
        folder = Path(folder)
        (folder / "sitecustomize.py").write_text(SAMPLER)
        store = args.store or folder / "store"
        if args.store is None:
            assert cli.main(["--data-dir", str(store), "demo"]) == 0
        env = {"SMP_SAMPLE_TO": str(folder / "samples.tsv"),
               "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
        with serve(store, folder / "streamlit.log", env=env, args=("--server.address", "127.0.0.1")) as url:
            pid = SERVERS[url].pid
            asyncio.run(crowd(url, 2))
            os.kill(pid, signal.SIGUSR1)
            before, times = _cpu([pid]), []
            for _ in range(args.sessions):
                times += asyncio.run(crowd(url, 1))[0]
            cpu = _cpu([pid]) - before
            os.kill(pid, signal.SIGUSR2)
            time.sleep(1)
        rows = [line.split("\t") for line in (folder / "samples.tsv").read_text().splitlines()]
    print(f"{args.sessions} new sessions one after another: server CPU {cpu / args.sessions * 1000:.0f} ms a session, "
          f"median {sorted(times)[len(times) // 2] * 1000:.0f} ms from GET to the overview's end")
    for label, chosen in (("the script's thread", "1"), ("every thread", None)):
        total, inclusive = 0, {}
        for count, script, stack in rows:
            if chosen is not None and script != chosen:
                continue
            total += int(count)
            for name in set(stack.split("|")):
                inclusive[name] = inclusive.get(name, 0) + int(count)
        print(f"\n{label}: {total} samples; inclusive share")
        for name, n in sorted(inclusive.items(), key=lambda item: -item[1])[:args.top]:
            print(f"{n / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
