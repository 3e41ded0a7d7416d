"""The production entry point compiles every template before the server's threads start.

CPython 3.11 can fail when two threads build ASTs at once (python/cpython gh-106905); Jinja
builds one the first time each template is used, so under gunicorn's threads two first uses
could meet. wsgi.py compiles them all once, in the process gunicorn preloads.
"""
import os
import pathlib
import subprocess
import sys

from webapp import compile_templates

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_template_is_compiled_into_the_cache(app):
    on_disk = {str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*.html")}
    assert compile_templates(app) >= len(on_disk) > 50
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert on_disk <= cached


def test_the_wsgi_module_compiles_them_before_serving(tmp_path):
    env = {**os.environ, "ONTRACK_DATABASE": str(tmp_path / "ontrack.sqlite3"), "PYTHONPATH": str(ROOT)}
    probe = ("import wsgi, pathlib; n = sum(1 for _ in pathlib.Path('templates').rglob('*.html'));"
             "print(len(wsgi.app.jinja_env.cache), n)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    cached, on_disk = map(int, out.stdout.split()[-2:])
    assert cached >= on_disk > 50
