"""Serve the service worker from offline/ at the root scope with its precache list.

The precache list names every file of the app shell with a content hash as its revision, so
a changed file changes the service worker's bytes: the browser installs the new version,
Workbox fetches only what changed and drops what is gone.
"""
import functools
import hashlib
import json

from flask import Response, current_app, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _

from .. import ROOT
from . import bp

OFFLINE_DIR = ROOT / "offline"
STATIC_DIR = ROOT / "static"
# What the phone needs with no connection, besides the per-person shell (cached when visited).
SHELL_STATIC = (
    "css/app.css", "vendor/idb-8.0.4/idb.umd.js", "vendor/signature_pad-5.1.4/signature_pad.umd.min.js",
    "icons/icon-192.png", "icons/icon-512.png",
)
OFFLINE_SCRIPTS = ("store.js", "sync.js", "runner.js", "wifi.js", "led.js", "signature.js", "groupfault-banner.js", "app.js")
SW_VENDOR = ("workbox-core.prod.js", "workbox-routing.prod.js", "workbox-strategies.prod.js",
             "workbox-precaching.prod.js")


@functools.lru_cache(maxsize=None)
def _digest(path, mtime):
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def revision(path):
    """Content hash of a file (cached per modification time)."""
    return _digest(path, path.stat().st_mtime_ns)


def offline_url(name):
    return url_for("pwa.offline_script", name=name, v=revision(OFFLINE_DIR / name))


def precache_entries():
    """[{url, revision}] of everything the app needs offline."""
    entries = [{"url": url_for("static", filename=name), "revision": revision(STATIC_DIR / name)}
               for name in SHELL_STATIC]
    entries += [{"url": url_for("pwa.offline_script", name=name), "revision": revision(OFFLINE_DIR / name)}
                for name in OFFLINE_SCRIPTS]
    page = render_template("offline.html")
    entries.append({"url": url_for("pwa.offline_page"), "revision": hashlib.sha256(page.encode()).hexdigest()[:12]})
    entries.append({"url": url_for("pwa.manifest"), "revision": hashlib.sha256(_manifest_text().encode()).hexdigest()[:12]})
    return entries


@bp.get("/sw.js")
def service_worker():
    vendor = [url_for("static", filename=f"vendor/workbox-7.4.1/{name}") for name in SW_VENDOR]
    head = (f"self.__PRECACHE__ = {json.dumps(precache_entries())};\n"
            f"self.__VENDOR__ = {json.dumps(vendor)};\n"
            f"self.__IDB__ = {json.dumps(url_for('static', filename='vendor/idb-8.0.4/idb.umd.js'))};\n"
            f"self.__SCRIPTS__ = {json.dumps([url_for('pwa.offline_script', name=n) for n in ('store.js', 'sync.js')])};\n")
    body = head + (OFFLINE_DIR / "sw.js").read_text(encoding="utf-8")
    return Response(body, mimetype="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@bp.get("/offline/<name>")
def offline_script(name):
    if name not in OFFLINE_SCRIPTS:
        return "", 404
    # Not send_file: a streamed file skips compression, and these are the phone's biggest downloads.
    path = OFFLINE_DIR / name
    response = Response(path.read_bytes(), mimetype="text/javascript", headers={"Cache-Control": "no-cache"})
    response.set_etag(revision(path))
    return response.make_conditional(request)


@bp.get("/offline.html")
def offline_page():
    return render_template("offline.html")


def _manifest_text():
    return json.dumps({
        "name": "ONTrack 装维助手",
        "short_name": "ONTrack",
        "description": "宽带装维工单、离线现场作业与同步",
        "lang": "zh-CN",
        "start_url": "/jobs/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f3f5f8",
        "theme_color": "#0b62c4",
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }, ensure_ascii=False)


@bp.get("/manifest.webmanifest")
def manifest():
    return Response(_manifest_text(), mimetype="application/manifest+json")
