"""WSGI entry point: `flask --app wsgi run`, or any WSGI server pointed at `wsgi:app`."""
from webapp import compile_templates, create_app

app = create_app()
# Every template compiled now, once, before the server's threads start (gunicorn preloads this
# module): see compile_templates.
compile_templates(app)
