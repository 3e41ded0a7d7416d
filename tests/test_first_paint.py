"""Issue 14: the technician's shell names the first screen's whole ES module graph as
<link rel="modulepreload">, so the browser fetches it at once instead of one import level per
round trip; the modules a job page loads on demand (dynamic import) are not among them."""
import posixpath
import re

from webapp.pwa.routes import OFFLINE_DIR, start_modules

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')


def test_the_shell_preloads_every_module_the_job_list_imports_and_no_other(login):
    tech = login("techa")
    page = tech.get("/jobs/").text
    preloaded = PRELOAD.findall(page)
    assert preloaded and len(preloaded) == len(set(preloaded))
    # Direct and indirect static imports of app.js, the vendored lit-html among them.
    for url in ("/offline/router.js", "/offline/screens/joblist.js", "/offline/screens/attention.js",
                "/offline/push.js", "/static/vendor/lit-html-3.3.3/lit-html.js"):
        assert url in preloaded, url
    # Loaded when a job page is first shown (router.js: import("./screens/job.js")), not before.
    assert "/offline/screens/job.js" not in preloaded and "/offline/screens/fault-finding.js" not in preloaded
    assert "/offline/app.js" not in preloaded  # the entry itself is the page's module script
    for url in preloaded:
        response = tech.get(url)
        response.close()  # a static file is streamed
        assert response.status_code == 200 and "javascript" in response.content_type, url


def test_the_preload_list_follows_the_import_statements(app):
    """Every `from "…"` of every preloaded module of ours is itself preloaded (the graph is closed)."""
    with app.test_request_context():
        preloaded = set(start_modules())
    for url in preloaded:
        if not url.startswith("/offline/"):
            continue
        source = (OFFLINE_DIR / url.removeprefix("/offline/")).read_text()
        for specifier in re.findall(r'^(?:import|export)\s[^;"]*?\sfrom\s"([^"]+)"', source, re.M):
            base = url.rsplit("/", 1)[0]
            target = specifier if specifier.startswith("/") else posixpath.normpath(f"{base}/{specifier}")
            assert target in preloaded or target == "/offline/app.js", (url, specifier)
