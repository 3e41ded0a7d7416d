"""Serve the service worker from offline/ at the root scope with its precache list.

The precache list names every file of the app shell with a content hash as its revision, so
a changed file changes the service worker's bytes: the browser installs the new version,
Workbox fetches only what changed and drops what is gone.
"""
import functools
import hashlib
import json
import posixpath
import re

from flask import Response, current_app, render_template, request, url_for

from .. import ROOT
from . import bp

OFFLINE_DIR = ROOT / "offline"
STATIC_DIR = ROOT / "static"
# What the phone needs with no connection, besides the per-person shell (cached when visited).
LIT_HTML = "vendor/lit-html-3.3.3/lit-html.js"  # offline/html.js imports it by this path
SHELL_STATIC = (
    "css/app.css", "vendor/idb-8.0.4/idb.umd.js", "vendor/signature_pad-5.1.4/signature_pad.umd.min.js", LIT_HTML,
    "icons/icon-192.png", "icons/icon-512.png", "js/offline-page.js",
)
MODULE_IMPORTS = (LIT_HTML, "vendor/signature_pad-5.1.4/signature_pad.umd.min.js")  # imported by path from offline/
# The app's own scripts by path under offline/: the classic ones (store, sync, runner, wifi, led,
# upgrade) and the ES modules (app.js and everything it imports, screens/ included).
OFFLINE_SCRIPTS = tuple(sorted(
    p.relative_to(OFFLINE_DIR).as_posix() for p in OFFLINE_DIR.rglob("*.js") if p.name != "sw.js"))
SW_VENDOR = ("workbox-core.prod.js", "workbox-routing.prod.js", "workbox-strategies.prod.js",
             "workbox-precaching.prod.js")


@functools.lru_cache(maxsize=None)
def _digest(path, mtime):
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def revision(path):
    """Content hash of a file (cached per modification time)."""
    return _digest(path, path.stat().st_mtime_ns)


def offline_url(name):
    """The URL the shell loads an offline script by: ?h=<content hash>, which sw.js strips (see there)."""
    return url_for("pwa.offline_script", name=name, h=revision(OFFLINE_DIR / name))


# A static import or re-export of an ES module (`import … from "…"`, `export … from "…"`, `import "…"`);
# `import("…")` is left out on purpose: those modules load when a screen first needs them.
STATIC_IMPORT = re.compile(r'^(?:import|export)\s(?:[^;"]*?\sfrom\s)?"([^"]+)"', re.M)


@functools.lru_cache(maxsize=None)
def _static_imports(path, mtime):
    return tuple(STATIC_IMPORT.findall(path.read_text(encoding="utf-8")))


def start_modules(entry="app.js"):
    """[URL] of every ES module the offline module `entry` imports statically, directly or through others.

    The shell names them as `<link rel="modulepreload">`, so the browser fetches the whole module
    graph of the first screen at once instead of one import level per round trip (on Lighthouse's
    simulated slow 4G, 150 ms each: issue 14). Specifiers are resolved as the browser resolves them
    (relative to the importing module, or an absolute path); `entry` itself is not in the list.
    """
    found, todo = [], [f"/offline/{entry}"]
    while todo:
        url = todo.pop(0)
        name = url.removeprefix("/offline/")
        if not url.startswith("/offline/") or name not in OFFLINE_SCRIPTS:
            continue  # a vendor module (lit-html): imports nothing of ours
        path = OFFLINE_DIR / name
        for specifier in _static_imports(path, path.stat().st_mtime_ns):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(url), specifier))
            if target not in found:
                found.append(target)
                todo.append(target)
    return [url for url in found if url != f"/offline/{entry}"]


def precache_entries():
    """[{url, revision}] of everything the app needs offline."""
    entries = [{"url": url_for("static", filename=name), "revision": revision(STATIC_DIR / name)}
               for name in SHELL_STATIC]
    # ES modules import their vendor files by the plain path (an import cannot name a content hash
    # that changes with every release), so those are precached under that path too: a job page
    # opened for the first time offline loads its modules from here (issue 12 × issue 14).
    entries += [{"url": f"{current_app.static_url_path}/{name}", "revision": revision(STATIC_DIR / name)}
                for name in MODULE_IMPORTS]
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


@bp.get("/offline/<path:name>")
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
