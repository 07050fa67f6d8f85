"""smp-dash doctor: each dangerous server, sign-in or roles-file setting is reported, and a production
set-up passes (issue 20, "Production settings")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smp_dash import cli, deployment, serving

ROOT = Path(__file__).resolve().parents[1]
TENANT = "11111111-2222-3333-4444-555555555555"
COOKIE_SECRET = "k" * 43
CLIENT_SECRET = "client-secret-never-printed"
SAFE_CONFIG = """[server]
headless = true
enableXsrfProtection = true
enableCORS = true
maxUploadSize = 200

[client]
showErrorDetails = "none"
"""
SECRETS = f"""[auth]
redirect_uri = "https://smp-dash.example.gov.uk/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"

[auth.microsoft]
client_id = "00000000-0000-0000-0000-000000000000"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
"""
ROLES = f"""[domains]
"maidstone.gov.uk" = "viewer"

[sign_in]
issuers = ["https://login.microsoftonline.com/{TENANT}/v2.0"]
tenants = ["{TENANT}"]
"""


def _files(tmp_path, config=SAFE_CONFIG, secrets=SECRETS, roles=ROLES, secrets_mode=0o600, roles_mode=0o640,
           folder_mode=0o750):
    """The three files of a deployment in a folder of their own; ``None`` leaves a file out."""
    folder = tmp_path / "streamlit"
    folder.mkdir(parents=True)
    paths = {"config": folder / "config.toml", "secrets": folder / "secrets.toml", "roles": folder / "roles.toml"}
    for name, text, mode in (("config", config, 0o644), ("secrets", secrets, secrets_mode), ("roles", roles, roles_mode)):
        if text is not None:
            paths[name].write_text(text)
            paths[name].chmod(mode)
    folder.chmod(folder_mode)
    return paths


def _found(paths, environ=None) -> list[tuple[str, str]]:
    """(setting, where) of each finding, with the folders left out of the paths."""
    found = deployment.findings(paths["config"], paths["secrets"], paths["roles"], environ or {})
    return [(f.setting, re.sub(r"(/[^/\s]+)*/", "", f.where)) for f in found]


def test_a_production_set_up_has_no_dangerous_setting(tmp_path):
    assert _found(_files(tmp_path)) == []


@pytest.mark.parametrize("change, expected", [
    # Streamlit's server settings
    ({"config": SAFE_CONFIG.replace("enableXsrfProtection = true", "enableXsrfProtection = false")},
     [("server.enableXsrfProtection", "config.toml")]),
    ({"config": SAFE_CONFIG.replace("enableCORS = true", "enableCORS = false")}, [("server.enableCORS", "config.toml")]),
    ({"config": SAFE_CONFIG.replace("enableCORS = true", 'corsAllowedOrigins = ["*"]')},
     [("server.corsAllowedOrigins", "config.toml")]),
    ({"config": SAFE_CONFIG.replace("maxUploadSize = 200", "maxUploadSize = 2000")}, [("server.maxUploadSize", "config.toml")]),
    ({"config": SAFE_CONFIG.replace("headless = true", "headless = false")}, [("server.headless", "config.toml")]),
    ({"config": SAFE_CONFIG.replace('showErrorDetails = "none"', 'showErrorDetails = "full"')},
     [("client.showErrorDetails", "config.toml")]),
    ({"config": SAFE_CONFIG.replace('showErrorDetails = "none"\n', "")},        # Streamlit's default shows tracebacks
     [("client.showErrorDetails", "Streamlit's default; not set in config.toml")]),
    ({"config": SAFE_CONFIG + '\n[logger]\nlevel = "debug"\n'}, [("logger.level", "config.toml")]),
    ({"config": "[server\n"}, [("Streamlit settings", "config.toml"),           # unreadable: the defaults are assumed
                               ("client.showErrorDetails", "Streamlit's default; not set in config.toml")]),
    # open mode: no [auth], on an address others can reach
    ({"secrets": None}, [("server.address", "Streamlit's default; not set in config.toml")]),
    ({"secrets": "[general]\n"}, [("server.address", "Streamlit's default; not set in config.toml")]),
    ({"secrets": None, "config": SAFE_CONFIG.replace("[server]", '[server]\naddress = "0.0.0.0"')},
     [("server.address", "config.toml")]),
    ({"secrets": None, "config": SAFE_CONFIG.replace("[server]", '[server]\naddress = "127.0.0.1"')}, []),
    # sign-in settings that let a forged or unverified identity in
    ({"secrets": SECRETS.replace(COOKIE_SECRET, "short")}, [("auth.cookie_secret", "secrets.toml")]),
    ({"secrets": SECRETS.replace("https://smp-dash", "http://smp-dash")}, [("auth.redirect_uri", "secrets.toml")]),
    ({"secrets": SECRETS.replace("[auth.microsoft]", 'expose_tokens = "id"\n\n[auth.microsoft]')},
     [("auth.expose_tokens", "secrets.toml")]),
    ({"secrets": SECRETS.replace(TENANT, "organizations")}, [("auth.microsoft.server_metadata_url", "secrets.toml")]),
    ({"secrets": SECRETS.replace(TENANT, "common")}, [("auth.microsoft.server_metadata_url", "secrets.toml")]),
    ({"secrets_mode": 0o644}, [("secrets file", "secrets.toml")]),             # others can read the client secret
    # the roles file: who may change it, and whom it lets in
    ({"roles_mode": 0o660}, [("roles file", "roles.toml")]),
    ({"roles_mode": 0o642}, [("roles file", "roles.toml")]),
    ({"folder_mode": 0o777}, [("roles file", "streamlit")]),                   # the folder: the file can be replaced
    ({"folder_mode": 0o1777}, []),                                             # sticky: only the owner replaces it
    ({"roles": ROLES.split("[sign_in]")[0]}, [("[sign_in] issuers", "roles.toml")]),
    ({"roles": ROLES.replace(TENANT, "9188040d-6c67-4c5b-b112-36a304b66dad")}, [("[sign_in] tenants", "roles.toml")]),
    ({"roles": '[users]\n"ada" = "analyst"\n'}, [("roles file", "roles.toml")]),
    ({"roles": None}, [("roles file", "roles.toml")]),
])
def test_each_dangerous_setting_is_reported(tmp_path, change, expected):
    assert _found(_files(tmp_path, **change)) == expected


def test_an_environment_variable_overrides_the_file_as_in_streamlit(tmp_path):
    paths = _files(tmp_path)
    assert _found(paths, {"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false", "STREAMLIT_SERVER_ENABLE_CORS": "False"}) == [
        ("server.enableXsrfProtection", "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"),
        ("server.enableCORS", "STREAMLIT_SERVER_ENABLE_CORS")]
    assert _found(_files(tmp_path / "b", secrets=None), {"STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}) == []


def test_the_shipped_streamlit_settings_pass(tmp_path):
    paths = {**_files(tmp_path), "config": ROOT / ".streamlit" / "config.toml"}
    assert _found(paths) == []
    # without sign-in too: the shipped address is this machine's, so open mode never faces the network
    assert _found({**paths, "secrets": tmp_path / "absent.toml"}) == []
    # which an operator who opens it to every interface is told
    assert _found({**paths, "secrets": tmp_path / "absent.toml"}, {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}) == [
        ("server.address", "STREAMLIT_SERVER_ADDRESS")]


def test_doctor_exits_1_on_a_dangerous_setting_and_never_prints_a_secret(tmp_path, capsys):
    paths = _files(tmp_path, secrets=SECRETS.replace(COOKIE_SECRET, "short-secret"), roles_mode=0o666)
    assert cli.main(["doctor", "--config", str(paths["config"]), "--secrets", str(paths["secrets"]),
                     "--roles", str(paths["roles"])]) == 1
    out = capsys.readouterr().out
    assert "DANGER auth.cookie_secret" in out and "DANGER roles file" in out and "chmod go-w" in out
    assert out.rstrip().endswith("2 dangerous setting(s).")
    assert "short-secret" not in out and CLIENT_SECRET not in out


def test_doctor_exits_0_on_a_production_set_up(tmp_path, capsys):
    paths = _files(tmp_path)
    assert cli.main(["doctor", "--config", str(paths["config"]), "--secrets", str(paths["secrets"]),
                     "--roles", str(paths["roles"])]) == 0
    assert "No dangerous setting found" in capsys.readouterr().out


# HAProxy in front of several servers (smp-dash serve).
SERVE_CFG = serving.balancer_config([serving.Server("w1", "127.0.0.1", 8502), serving.Server("w2", "127.0.0.1", 8503)])


@pytest.mark.parametrize("signed_in, change, expected", [
    (False, {}, []),                                             # as serve writes it: this machine only
    (True, {"bind 127.0.0.1:": "bind 0.0.0.0:"}, []),            # on the network behind sign-in
    (False, {"bind 127.0.0.1:": "bind 0.0.0.0:"}, ["frontend smp_dash: bind 0.0.0.0:8501"]),
    (False, {"bind 127.0.0.1:": "bind :"}, ["frontend smp_dash: bind :8501"]),  # an empty address: every interface
    (False, {"    cookie SERVERID": "    #"}, ["backend streamlit"]),          # not sticky
    (False, {"    cookie SERVERID": "    #", "balance roundrobin": "balance source"}, []),  # sticky by address
    (False, {" check cookie w2": " cookie w2"}, ["backend streamlit"]),          # w2's health never asked
    (False, {"timeout tunnel 1h": ""}, ["backend streamlit: timeout tunnel"]),
])
def test_each_dangerous_balancer_setting_is_reported(tmp_path, signed_in, change, expected):
    text = SERVE_CFG
    for old, new in change.items():
        text = text.replace(old, new)
    (tmp_path / "haproxy.cfg").write_text(text)
    paths = _files(tmp_path, secrets=SECRETS if signed_in else None, config=SAFE_CONFIG.replace(
        "[server]", '[server]\naddress = "127.0.0.1"'))
    found = deployment.findings(paths["config"], paths["secrets"], paths["roles"], {}, balancer=tmp_path / "haproxy.cfg")
    assert [f.setting for f in found] == expected


def test_doctor_reads_the_balancer_settings_serve_writes(tmp_path, capsys):
    paths = _files(tmp_path)
    (tmp_path / "haproxy.cfg").write_text(SERVE_CFG.replace("timeout tunnel 1h", ""))
    assert cli.main(["doctor", "--config", str(paths["config"]), "--secrets", str(paths["secrets"]),
                     "--roles", str(paths["roles"]), "--balancer", str(tmp_path / "haproxy.cfg")]) == 1
    assert "DANGER backend streamlit: timeout tunnel" in capsys.readouterr().out
