"""/healthz through the shipped reverse proxy (Debian's caddy, deploy/Caddyfile.lan) tells the world only up or down.

Real parts: gunicorn and the job worker as `make run` starts them, and caddy run with the shipped
Caddyfile, its site address swapped for a plain-HTTP port on loopback (no certificate to make)
and its upstream for the test server's port.
"""
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.stack import ROOT, Stack, free_port

CADDY = shutil.which("caddy") or "/usr/bin/caddy"


def shipped_config(upstream_port, listen_port):
    """deploy/Caddyfile.lan on a loopback port over plain HTTP, proxying to the test server."""
    text = (ROOT / "deploy" / "Caddyfile.lan").read_text(encoding="utf-8")
    text = re.sub(r"^https://\S+ \{", f"http://127.0.0.1:{listen_port} {{", text, count=1, flags=re.M)
    text = re.sub(r"^\s*tls internal\s*$", "", text, flags=re.M)
    text = text.replace("127.0.0.1:5000", f"127.0.0.1:{upstream_port}")
    assert f"reverse_proxy 127.0.0.1:{upstream_port}" in text
    return "{\n\tadmin off\n\tauto_https off\n}\n" + text


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def behind_caddy(tmp_path_factory):
    """(the proxy's URL, the server's own URL): the stack with ONTRACK_PROXY_COUNT=1 behind the shipped Caddyfile."""
    folder = tmp_path_factory.mktemp("caddy")
    stack = Stack(folder / "stack", extra_env={"ONTRACK_PROXY_COUNT": "1", "ONTRACK_METRICS_TOKEN": "monitor-token-0123456789"})
    stack.prepare()
    stack.start()
    port = free_port()
    (folder / "Caddyfile").write_text(shipped_config(stack.port, port), encoding="utf-8")
    with open(folder / "caddy.log", "wb") as log:  # the child keeps its own copy of the file
        caddy = subprocess.Popen([CADDY, "run", "--config", str(folder / "Caddyfile"), "--adapter", "caddyfile"],
                                 stdout=log, stderr=subprocess.STDOUT, env={"HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"),
                                      "XDG_CONFIG_HOME": str(folder / "config"), "PATH": "/usr/bin:/bin"})
    proxy = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(proxy + "/login", timeout=2).close()
                break
            except OSError:
                assert caddy.poll() is None, (folder / "caddy.log").read_text()
                time.sleep(0.2)
        # The worker checks in within a few seconds of starting.
        while time.monotonic() < deadline and get(stack.url + "/healthz")[0] != 200:
            time.sleep(0.3)
        yield proxy, stack.url
    finally:
        caddy.terminate()
        caddy.wait(10)
        stack.stop()


def test_through_the_proxy_healthz_is_a_bare_up_or_down(behind_caddy):
    proxy, _server = behind_caddy
    status, body = get(proxy + "/healthz")
    assert status == 200 and body == {"ok": True}  # before: the database error text, free bytes, the worker's heartbeat


def test_a_forged_forwarded_for_from_outside_gets_no_details(behind_caddy):
    proxy, _server = behind_caddy
    status, body = get(proxy + "/healthz", headers={"X-Forwarded-For": "127.0.0.1"})
    assert status == 200 and body == {"ok": True}


def test_the_box_itself_and_the_monitoring_token_still_get_every_check(behind_caddy):
    proxy, server = behind_caddy
    status, body = get(server + "/healthz")  # the worker's/container's health check, on the box
    assert status == 200 and body["worker"]["ok"] and body["database"]["ok"] and body["disk"]["free_bytes"] > 0
    status, body = get(proxy + "/healthz", headers={"Authorization": "Bearer monitor-token-0123456789"})
    assert status == 200 and body["worker"]["ok"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(proxy + "/metrics", timeout=10)
    refused.value.close()
    assert refused.value.code == 404  # the Caddyfile keeps the metrics on the box


def test_through_the_proxy_the_server_header_names_no_software(behind_caddy):
    """README, "Headers": the phones, behind the shipped Caddyfile, see Server: ONTrack (Caddy keeps the upstream's)."""
    proxy, _server = behind_caddy
    with urllib.request.urlopen(proxy + "/login", timeout=10) as response:
        assert response.headers.get_all("Server") == ["ONTrack"], response.headers.get_all("Server")
