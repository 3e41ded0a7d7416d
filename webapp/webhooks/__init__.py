"""Order events out to the operator's systems by webhook (issue 19 item 2).

outbox.py turns order events into deliveries inside the order's own transaction (nothing is
sent for a change that rolled back, nothing lost for one that committed); delivery.py sends
them, signed per Standard Webhooks, from the job queue (webapp/background/tasks.py), in order
per (client, order), retrying with growing delays; cli.py shows the delivery log and replays.
"""
from flask import g


def init_app(app):
    """Queue the deliveries a request's transactions left behind, once the request is over."""
    from . import outbox, routes
    app.register_blueprint(routes.bp)

    @app.teardown_request
    def _queue_deliveries(_exc=None):
        keys = g.pop("webhook_keys", None)
        if keys:
            outbox.queue(keys)
