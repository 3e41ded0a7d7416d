"""The shipped reverse-proxy configuration (deploy/Caddyfile*) keeps the one upstream in service."""
import pathlib
import re

import pytest

DEPLOY = pathlib.Path(__file__).resolve().parent.parent / "deploy"


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.lan"])
def test_the_proxy_never_takes_its_only_upstream_out_on_a_failed_health_probe(name):
    # Before: `health_uri /healthz` on the single 127.0.0.1:5000 upstream. /healthz answers 503
    # when the job worker is down or the database is busy for a moment; Caddy then marks its only
    # upstream unhealthy and answers every phone "no upstreams available" until the next probe.
    text = (DEPLOY / name).read_text(encoding="utf-8")
    directives = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    upstreams = [d for d in directives if d.startswith("reverse_proxy ")]
    assert len(upstreams) == 1 and len(upstreams[0].split()) == 3, upstreams  # "reverse_proxy HOST:PORT {"
    active = [d for d in directives if re.match(r"health_(uri|path|port|interval|timeout|status|body|headers?)\b", d)]
    assert not active, f"{name}: active health check on the only upstream: {active}"
