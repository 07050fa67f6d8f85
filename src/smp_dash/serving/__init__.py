"""Several Streamlit server processes behind one load balancer: ``smp-dash serve --workers N``.

One Streamlit server runs every session's script in one Python process, so its sessions share one
core (BENCHMARKS.md, "One server's capacity"). ``serve`` starts ``N`` servers of ``app.py`` on
127.0.0.1 and HAProxy in front of them on one address and port. A session must stay on one server
(its widget state, uploads, downloads and websocket live there), so HAProxy sends a new browser to
the next server and sets a cookie (:data:`COOKIE`) naming it: every later request of that browser,
the websocket on ``/_stcore/stream`` included, goes to the same server. HAProxy asks each server's
``/_stcore/health`` every 2 s and sends nobody to one that fails; ``serve`` starts a server again
if its process ends, and stops every process it started on Ctrl-C or SIGTERM.

The balancer's settings are written from the template beside this file
(:func:`balancer_config`), so the same file can be read, checked (``haproxy -c``) and copied to
run the layout across several machines (README, "Serving many users").
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from string import Template

from smp_dash import config

#: The cookie HAProxy sets to keep a browser on its server (its value is the server's name).
COOKIE = "SERVERID"
#: What Streamlit answers "ok" on when it is ready to serve.
HEALTH = "/_stcore/health"
#: Streamlit's own address for this machine; every server listens only there.
LOCAL = "127.0.0.1"
#: Connections HAProxy takes at once (an open page holds one websocket).
MAXCONN = 4096
#: Seconds a server may take to answer its health check after starting.
START_S = 90.0
#: Seconds each process is given to stop before it is killed.
STOP_S = 10.0
#: Seconds between looks at the processes while serving.
WATCH_S = 1.0
#: Times a server is started again before serve gives up on it (a server that cannot run).
RESTARTS = 5
TEMPLATES = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Balancer:
    """A load balancer ``serve`` can run: its program, the Debian package holding it, its template,
    and how to check a configuration and run in the foreground."""

    name: str
    program: str
    package: str
    template: str
    check: tuple[str, ...]
    run: tuple[str, ...]

    def install_hint(self) -> str:
        return (f"{self.name} is not installed (no `{self.program}` on PATH). Install Debian's package: "
                f"sudo apt-get install -y {self.package} (python3 dev.py test installs it too), then run "
                f"smp-dash serve again.")


BALANCERS = {
    "haproxy": Balancer("haproxy", "haproxy", "haproxy", "haproxy.cfg",
                        check=("-c", "-f", "{config}"), run=("-db", "-f", "{config}")),
}


@dataclass(frozen=True)
class Server:
    """One Streamlit server behind the balancer: its name (the cookie's value), host and port."""

    name: str
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class BalancerMissing(RuntimeError):
    """The balancer's program is not installed."""


class ServeFailed(RuntimeError):
    """A server or the balancer did not start, or the balancer stopped by itself."""


def balancer_config(servers: list[Server], address: str = LOCAL, port: int = 8501,
                    balancer: str = "haproxy") -> str:
    """The balancer's configuration: listen on ``address:port``, share new sessions among
    ``servers`` and keep each on its server, asking each for its health."""
    if not servers:
        raise ValueError("a balancer needs at least one server behind it")
    names = [s.name for s in servers]
    if len(set(names)) != len(names):
        raise ValueError(f"server names must differ (each is a cookie value): {names}")
    lines = "\n".join(f"    server {s.name} {s.host}:{s.port} check cookie {s.name}" for s in servers)
    template = Template((TEMPLATES / BALANCERS[balancer].template).read_text(encoding="utf-8"))
    return template.substitute(address=_bind_host(address), port=port, cookie=COOKIE, health=HEALTH,
                               maxconn=MAXCONN, servers=lines)


def local_servers(workers: int) -> list[Server]:
    """``workers`` servers on this machine, each on a port free now."""
    if workers < 1:
        raise ValueError(f"--workers must be at least 1 (got {workers})")
    ports: list[int] = []
    while len(ports) < workers:   # the system may hand a port out again once it is closed
        ports += [port for port in [free_port()] if port not in ports]
    return [Server(f"w{n}", LOCAL, port) for n, port in enumerate(ports, 1)]


def find_program(balancer: str) -> str:
    """The path of the balancer's program; :class:`BalancerMissing` saying how to install it."""
    if balancer not in BALANCERS:
        raise ValueError(f"unknown balancer {balancer!r}; choose from {', '.join(BALANCERS)}")
    spec = BALANCERS[balancer]
    found = shutil.which(spec.program, path=os.pathsep.join([os.environ.get("PATH", os.defpath), "/usr/sbin", "/sbin"]))
    if found is None:
        raise BalancerMissing(spec.install_hint())
    return found


def check_config(program: str, path: Path, balancer: str = "haproxy") -> None:
    """Ask the balancer whether it accepts the file at ``path``; :class:`ServeFailed` with its words if not."""
    command = [program, *(a.format(config=path) for a in BALANCERS[balancer].check)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise ServeFailed(f"{balancer} refused {path}: {(result.stdout + result.stderr).strip()[-2000:]}")


def serve(workers: int, port: int, address: str = LOCAL, balancer: str = "haproxy",
          data_dir: Path | None = None, run_dir: Path | None = None, say=print) -> None:
    """Start ``workers`` servers and the balancer on ``address:port``; keep them running until
    Ctrl-C or SIGTERM, then stop them all. Raises :class:`BalancerMissing` before starting
    anything when the balancer is not installed, :class:`ServeFailed` when something does not
    start (everything started is stopped first)."""
    program = find_program(balancer)
    servers = local_servers(workers)
    _check_free(address, port)
    if not (config.PROJECT_ROOT / "app.py").is_file():
        raise ServeFailed(f"{config.PROJECT_ROOT / 'app.py'} not found: serve runs from a checkout of SMP Dash "
                          "(pip install -e), as streamlit run app.py does")
    run_dir = Path(run_dir) if run_dir else Path(_run_folder())
    run_dir.mkdir(parents=True, exist_ok=True)
    settings = run_dir / BALANCERS[balancer].template
    settings.write_text(balancer_config(servers, address, port, balancer), encoding="utf-8")
    check_config(program, settings, balancer)
    env = {**os.environ, **({"SMP_DATA_DIR": str(Path(data_dir).resolve())} if data_dir else {})}
    group = _Processes(run_dir)
    # Both stop it, even where SIGINT was set to be ignored (a shell's background job).
    previous = {sig: signal.signal(sig, _stop_requested) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for server in servers:
            group.start(server.name, _streamlit(server), env)
        for server in servers:
            group.wait_healthy(server.name, server.url)
        group.start(balancer, [program, *(a.format(config=settings) for a in BALANCERS[balancer].run)], env)
        url = f"http://{_url_host(address)}:{port}"
        group.wait_healthy(balancer, url)
        say(f"SMP Dash at {url}: {workers} Streamlit server(s) on {', '.join(str(s.port) for s in servers)} "
            f"behind {balancer} (sticky sessions: cookie {COOKIE}). Settings and logs in {run_dir}. "
            "Ctrl-C stops them all.", flush=True)
        _watch(group, servers, balancer, env, say)
    except (KeyboardInterrupt, _StopRequested):
        say("Stopping SMP Dash's servers and balancer.", flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        group.stop_all()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((LOCAL, 0))
        return probe.getsockname()[1]


def _check_free(address: str, port: int) -> None:
    """:class:`ServeFailed` when something already listens on ``address:port``."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((address, port))
        except OSError as exc:
            raise ServeFailed(f"cannot listen on {address}:{port} ({exc.strerror}): another server has it? "
                              "Choose another --port.") from None


def _watch(group: "_Processes", servers: list[Server], balancer: str, env: dict, say) -> None:
    """Until stopped: a server whose process ended is started again (the balancer routes around it
    meanwhile), up to :data:`RESTARTS` times; the balancer ending ends ``serve``."""
    restarts = dict.fromkeys((s.name for s in servers), 0)
    while True:
        time.sleep(WATCH_S)
        if group.ended(balancer):
            raise ServeFailed(f"{balancer} stopped by itself (exit code {group.code(balancer)}):\n"
                              f"{group.log_tail(balancer)}")
        for server in servers:
            if group.ended(server.name):
                if restarts[server.name] == RESTARTS:
                    raise ServeFailed(f"server {server.name} ended {RESTARTS + 1} times (exit code "
                                      f"{group.code(server.name)}):\n{group.log_tail(server.name)}")
                restarts[server.name] += 1
                say(f"server {server.name} (port {server.port}) ended with code {group.code(server.name)}; "
                    "starting it again", flush=True)
                group.start(server.name, _streamlit(server), env)


def _streamlit(server: Server) -> list[str]:
    """``streamlit run app.py`` from the project folder (so it reads .streamlit/config.toml) on the
    server's port, on this machine only. No file watcher: Streamlit gives each new session its own
    watch over every module the app imports, which cost a new session about 0.3 s of CPU here
    (BENCHMARKS.md, "Serving many users"), to notice edits a server in use never gets."""
    return [sys.executable, "-m", "streamlit", "run", str(config.PROJECT_ROOT / "app.py"),
            "--server.address", server.host, "--server.port", str(server.port), "--server.headless", "true",
            "--server.fileWatcherType", "none"]


class _StopRequested(Exception):
    """SIGINT (Ctrl-C) or SIGTERM arrived."""


def _stop_requested(signum, frame):
    raise _StopRequested()


class _Processes:
    """The processes ``serve`` started, by name, each writing to its own log in the run folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:
            # Its own session: a Ctrl-C in the terminal reaches serve alone, which stops the
            # balancer first and then the servers.
            self.running[name] = subprocess.Popen(command, cwd=config.PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                                  preexec_fn=_end_with_parent)

    def ended(self, name: str) -> bool:
        return self.running[name].poll() is not None

    def code(self, name: str) -> int | None:
        return self.running[name].returncode

    def log_tail(self, name: str, chars: int = 2000) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-chars:]

    def wait_healthy(self, name: str, url: str) -> None:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.ended(name):
                raise ServeFailed(f"{name} exited with code {self.code(name)} before answering {url}{HEALTH}:\n"
                                  f"{self.log_tail(name)}")
            if _healthy(url):
                return
            time.sleep(0.25)
        raise ServeFailed(f"{name} did not answer {url}{HEALTH} within {START_S:g} s:\n{self.log_tail(name)}")

    def stop_all(self) -> None:
        """The balancer first (no new request reaches a stopping server), then every server."""
        for process in reversed(list(self.running.values())):
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_S)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}{HEALTH}", timeout=2) as answer:
            return answer.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _end_with_parent() -> None:
    """In the child, before it runs: be sent SIGTERM if serve itself dies (Linux), so no server
    outlives a serve killed with SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG


def _run_folder() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="smp-dash-serve-")


def _bind_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address   # an IPv6 address is bracketed before its port


def _url_host(address: str) -> str:
    return LOCAL if address in ("0.0.0.0", "") else ("[::1]" if address == "::" else _bind_host(address))
