"""``smp-dash serve``: the balancer's settings as written, and the layout run for real: two Streamlit
servers behind HAProxy, a page opened through it, a session kept on its server, everything stopped
by SIGTERM. Plain HTTP and Streamlit's websocket: no browser."""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from browsing import ROOT, balanced
from smp_dash import cli, serving

SERVERS = [serving.Server("w1", "127.0.0.1", 8502), serving.Server("w2", "127.0.0.1", 8503)]


def _settings(text: str) -> dict[str, list[str]]:
    """Each section of an HAProxy file ("global", "frontend smp_dash", ...) and its lines, comments removed."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.split(" #")[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if not raw.startswith(" "):
            current = line
            sections[current] = []
        else:
            sections[current].append(" ".join(line.split()))
    return sections


def test_the_haproxy_settings_keep_each_session_on_its_server_and_check_each_server():
    sections = _settings(serving.balancer_config(SERVERS, "127.0.0.1", 8501))
    assert sections["frontend smp_dash"] == ["bind 127.0.0.1:8501", "default_backend streamlit"]
    backend = sections["backend streamlit"]
    assert "cookie SERVERID insert indirect nocache httponly attr \"SameSite=Lax\"" in backend
    assert "option httpchk GET /_stcore/health" in backend and "http-check expect string ok" in backend
    assert [line for line in backend if line.startswith("server ")] == [
        "server w1 127.0.0.1:8502 check cookie w1", "server w2 127.0.0.1:8503 check cookie w2"]
    # An open page's websocket idles between reruns: the tunnel timeout, not the client's minute, applies.
    assert "timeout tunnel 1h" in sections["defaults"] and "mode http" in sections["defaults"]


@pytest.mark.parametrize("address, bind", [
    ("0.0.0.0", "bind 0.0.0.0:9000"),   # every interface: what an app host behind a front balancer uses
    ("::1", "bind [::1]:9000"),         # an IPv6 address is bracketed before its port
])
def test_the_balancer_listens_where_it_is_told(address, bind):
    assert _settings(serving.balancer_config(SERVERS, address, 9000))["frontend smp_dash"][0] == bind


@pytest.mark.parametrize("servers, message", [
    ([], "at least one server"),
    ([SERVERS[0], dataclasses.replace(SERVERS[1], name="w1")], "names must differ"),
])
def test_settings_that_could_not_work_are_refused(servers, message):
    with pytest.raises(ValueError, match=message):
        serving.balancer_config(servers)


def test_haproxy_accepts_the_settings(tmp_path):
    try:
        program = serving.find_program("haproxy")
    except serving.BalancerMissing:
        pytest.skip("haproxy is not installed (python3 dev.py test installs it)")
    path = tmp_path / "haproxy.cfg"
    path.write_text(serving.balancer_config(serving.local_servers(3), "127.0.0.1", serving.free_port()))
    serving.check_config(program, path)
    path.write_text(path.read_text().replace("timeout tunnel", "timeout tunnnel"))
    with pytest.raises(serving.ServeFailed, match="(?s)haproxy refused .*got 'tunnnel'"):
        serving.check_config(program, path)


def test_a_missing_balancer_says_how_to_install_it_and_starts_nothing(tmp_path, monkeypatch, capsys):
    missing = dataclasses.replace(serving.BALANCERS["haproxy"], program="haproxy-not-installed-here")
    monkeypatch.setitem(serving.BALANCERS, "haproxy", missing)
    run = tmp_path / "run"
    assert cli.main(["serve", "--workers", "2", "--run-dir", str(run)]) == cli.EXIT_SYSTEM
    err = capsys.readouterr().err
    assert "haproxy is not installed" in err and "apt-get install -y haproxy" in err
    assert not run.exists()


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path, capsys):
    try:
        serving.find_program("haproxy")
    except serving.BalancerMissing:
        pytest.skip("haproxy is not installed (python3 dev.py test installs it)")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--workers", "1", "--port", str(port), "--run-dir", str(tmp_path / "run")]) == \
            cli.EXIT_CHECK_FAILED
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_no_workers_is_bad_input(capsys):
    assert cli.main(["serve", "--workers", "0"]) == cli.EXIT_BAD_INPUT
    assert "--workers must be at least 1" in capsys.readouterr().err


# The layout run for real.

def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.status, answer.headers, answer.read().decode()


def _refused(url: str) -> bool:
    try:
        _get(url)
    except (urllib.error.URLError, ConnectionError):
        return True
    return False


def _overview_run(url: str, cookie: str) -> tuple[str, str]:
    """Open Streamlit's websocket through the balancer with ``cookie``, run the default page (the
    overview) to its end; the server that answered the handshake and every message's text."""
    with connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                 additional_headers={"Cookie": cookie}, max_size=None, open_timeout=30) as socket:
        served_by = socket.response.headers["X-SMP-Server"]
        socket.send(BackMsg(rerun_script=BackMsg().rerun_script).SerializeToString())
        seen, deadline = [], time.monotonic() + 45
        while time.monotonic() < deadline:
            forward = ForwardMsg()
            forward.ParseFromString(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            seen.append(str(forward))
            if forward.WhichOneof("type") == "script_finished" and forward.script_finished == \
                    ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY"):
                return served_by, "\n".join(seen)
    pytest.fail("the overview's run did not finish within 45 s")


@pytest.fixture(scope="module")
def layout(demo_store, tmp_path_factory):
    """``smp-dash serve --workers 2`` on a free port over the demonstration store; yields its URL,
    the servers' ports and the process."""
    try:
        serving.find_program("haproxy")
    except serving.BalancerMissing as exc:
        pytest.fail(f"{exc}", pytrace=False)
    with balanced(demo_store, tmp_path_factory.mktemp("serve"), workers=2) as running:
        yield running


@pytest.mark.timeout(120)   # a guard against a hang, not a measure
def test_a_page_opened_through_the_balancer_stays_on_its_server(layout):
    url, _, _ = layout
    firsts = [_get(url + "/") for _ in range(2)]
    for status, headers, body in firsts:
        assert status == 200 and '<div id="root">' in body
        assert headers["Set-Cookie"].startswith(f"SERVERID={headers['X-SMP-Server']};")
    # Two browsers without the cookie are shared between the two servers.
    assert {headers["X-SMP-Server"] for _, headers, _ in firsts} == {"w1", "w2"}

    cookie = "SERVERID=w2"
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/"):
        status, headers, _ = _get(url + path, cookie)
        assert status == 200 and headers["X-SMP-Server"] == "w2"
        assert "SERVERID" not in (headers["Set-Cookie"] or "")   # already placed: not placed again
    served_by, messages = _overview_run(url, cookie)
    assert served_by == "w2"
    assert "Strategic Assessment" in messages and "exception" not in messages


@pytest.mark.timeout(120)   # a guard against a hang, not a measure
def test_a_server_that_ends_is_started_again_and_the_balancer_serves_meanwhile(layout):
    url, ports, process = layout
    os.kill(_server_process(process.pid, ports[0]), signal.SIGKILL)
    # Its session's next request is sent to the server left (redispatched), not refused.
    status, headers, _ = _get(url + "/", "SERVERID=w1")
    assert status == 200 and headers["X-SMP-Server"] == "w2"
    assert process.stdout.readline().startswith(f"server w1 (port {ports[0]}) ended with code -9; starting it again")
    deadline = time.monotonic() + 45
    while _get(url + "/_stcore/health", "SERVERID=w1")[1]["X-SMP-Server"] != "w1":
        assert time.monotonic() < deadline, "w1 was not started again within 45 s"
        time.sleep(0.5)


@pytest.mark.timeout(120)   # a guard against a hang, not a measure
def test_sigterm_stops_the_balancer_and_every_server(layout):
    url, ports, process = layout
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "Stopping" in process.stdout.read()
    assert _refused(url + "/_stcore/health")
    assert all(_refused(f"http://127.0.0.1:{port}/_stcore/health") for port in ports)


def _server_process(serve: int, port: int) -> int:
    """The Streamlit server ``serve`` started on ``port``."""
    for task in Path(f"/proc/{serve}/task").iterdir():
        for child in (task / "children").read_text().split():
            arguments = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"--server.port" in arguments and arguments[arguments.index(b"--server.port") + 1] == str(port).encode():
                return int(child)
    pytest.fail(f"serve has no server on port {port}")


def test_each_server_runs_the_app_on_this_machine_only_without_a_file_watcher():
    command = serving._streamlit(serving.Server("w1", "127.0.0.1", 8502))
    options = dict(zip(command[5::2], command[6::2]))
    assert command[3:5] == ["run", str(ROOT / "app.py")]
    # A watcher per session cost each new session 0.3 s of CPU (BENCHMARKS.md, "Serving many users").
    assert options == {"--server.address": "127.0.0.1", "--server.port": "8502", "--server.headless": "true",
                       "--server.fileWatcherType": "none"}
