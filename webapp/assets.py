"""Static files under content-hashed names, precompressed, served by WhiteNoise with immutable caching.

`url_for('static', filename='css/app.css')` gives `/static/css/app.3f2a1b9c04d2.css`: the name
changes whenever the bytes do, so a browser may keep the file for a year without asking
again (`Cache-Control: immutable`), and a new release is fetched at once. The hashed copies,
with their Brotli and gzip variants, are built into `instance/assets/` when the app starts
(only files that changed; each written under a temporary name and renamed, so two
processes starting together never serve half a file). The plain names are still served
with a short cache lifetime, compressed the same way: the web manifest names its icons by
them, and the offline modules import lit-html and signature_pad by path
(webapp/pwa/routes.py MODULE_IMPORTS), so a phone fetches those under their plain names.
"""
import hashlib
import os
import pathlib
import shutil
import tempfile

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

PLAIN_MAX_AGE = 3600
HASH_LENGTH = 12


def hashed_name(relative, digest):
    """'css/app.css', 'ab12…' → 'css/app.ab12….css'."""
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{relative}.{digest}"


def build(static_dir, out_dir):
    """Write hashed, precompressed copies of every static file; return {plain name: hashed name}."""
    static_dir, out_dir = pathlib.Path(static_dir), pathlib.Path(out_dir)
    manifest = {}
    compressor = Compressor(quiet=True)
    for path in sorted(static_dir.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".br"):
            continue
        relative = path.relative_to(static_dir).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        manifest[relative] = hashed_name(relative, digest)
        target = out_dir / manifest[relative]
        if not target.exists():
            _write_compressed(path, target, compressor)
        plain = out_dir / relative  # the plain name, rewritten whenever the file changed
        if not plain.exists() or plain.read_bytes() != path.read_bytes():
            _write_compressed(path, plain, compressor)
    return manifest


def _write_compressed(source, target, compressor):
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        staged = os.path.join(scratch, target.name)
        shutil.copyfile(source, staged)
        variants = compressor.compress(staged) if compressor.should_compress(staged) else []
        for variant in variants:  # the variants first: whoever sees the file sees them too
            os.replace(variant, str(target) + variant[len(staged):])
        os.replace(staged, target)


def init_app(app, static_dir):
    """Serve static files through WhiteNoise and make url_for('static') name the hashed copies."""
    out_dir = pathlib.Path(app.instance_path) / "assets"
    manifest = build(static_dir, out_dir)
    hashed = {"/static/" + name for name in manifest.values()}
    server = WhiteNoise(app.wsgi_app, max_age=PLAIN_MAX_AGE,
                        immutable_file_test=lambda path, url: url in hashed)
    server.add_files(str(out_dir), prefix="static/")  # hashed and plain names, each with .br and .gz beside it
    app.wsgi_app = server

    @app.url_defaults
    def _hashed_static(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    app.extensions["ontrack_assets"] = manifest
