"""The installable app's parts: service worker with a content-addressed precache, manifest, offline words."""
import hashlib
import json
import pathlib
import re

from babel.messages.pofile import read_po

from webapp.assets import hashed_name
from webapp.jobs.words import offline_msgids

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_service_worker_precaches_every_shell_file_by_content_hash(app):
    response = app.test_client().get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/" and response.headers["Cache-Control"] == "no-cache"
    entries = json.loads(re.search(r"self.__PRECACHE__ = (\[.*?\]);", response.text).group(1))
    urls = {e["url"]: e["revision"] for e in entries}
    for url, path in (("/offline/app.js", "offline/app.js"), ("/offline/sync.js", "offline/sync.js"),
                      ("/offline/store.js", "offline/store.js")):
        assert urls[url] == hashlib.sha256((ROOT / path).read_bytes()).hexdigest()[:12], url
    for name in ("css/app.css", "vendor/idb-8.0.4/idb.umd.js"):  # static files go by their content-hashed names
        digest = hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]
        assert urls["/static/" + hashed_name(name, digest)] == digest, name
    assert "/offline.html" in urls and "/manifest.webmanifest" in urls
    # An upgrade drops what the new list no longer names.
    assert "cleanupOutdatedCaches()" in response.text


def test_manifest_names_the_app_in_chinese_and_starts_at_the_jobs(app):
    manifest = app.test_client().get("/manifest.webmanifest").json
    assert manifest["name"] == "ONTrack 装维助手" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/jobs/" and {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        response = app.test_client().get(icon["src"])
        response.close()
        assert response.status_code == 200


def test_only_the_offline_scripts_are_served_from_offline(app):
    client = app.test_client()
    response = client.get("/offline/app.js")
    response.close()
    assert response.status_code == 200
    assert client.get("/offline/README.md").status_code == 404
    assert client.get("/offline/..%2Fwsgi.py").status_code == 404


def test_every_sentence_of_the_offline_app_is_in_the_catalogue():
    """Each t() msgid of offline/ is extracted into the one catalogue and translated into Chinese."""
    used = set()
    for path in (ROOT / "offline").rglob("*.js"):
        used |= set(re.findall(r'\bt\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    assert used and set(offline_msgids()) == used
    with open(ROOT / "webapp/translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    untranslated = {m for m in used if not (catalog.get(m) and catalog.get(m).string)}
    assert untranslated == set(), "run make messages and fill the Chinese"


def test_the_shell_carries_the_words_in_the_persons_language(login):
    page = login("techa").get("/jobs/").text
    boot = json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', page, re.S).group(1))
    assert boot["strings"]["Sync now"] == "立即同步" and boot["labels"]["state"]["on_site"] == "已到场"
    assert boot["tz"] == "Asia/Shanghai" and boot["user"]["name"] == "技术员 A"
    assert set(boot["strings"]) == set(offline_msgids())
