"""Prometheus metrics: request latency by endpoint, pushes and pulls, busy answers, the job queue's depth.

Under gunicorn every worker process counts for itself; `PROMETHEUS_MULTIPROC_DIR` (set by
webapp/gunicorn_conf.py) lets the scrape add them up. Without it (tests, one process), the
default registry is used.
"""
import os

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "ontrack_request_seconds", "Time to answer a request, by endpoint", ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10))
# The CPU the request's own thread spent (time.thread_time), by endpoint: what a request costs the
# box whatever else runs on it, where wall-clock latency also counts waiting for a core.
REQUEST_CPU = Counter("ontrack_request_cpu_seconds", "CPU seconds spent by the request's thread, by endpoint",
                      ["endpoint", "method"])
RESPONSES = Counter("ontrack_responses_total", "Responses by endpoint and status class", ["endpoint", "status"])
PUSHES = Counter("ontrack_sync_pushes_total", "Sync pushes answered")
MUTATIONS = Counter("ontrack_sync_mutations_total", "Mutations received, by result", ["status"])
PULLS = Counter("ontrack_sync_pulls_total", "Sync pulls answered", ["kind"])
BUSY = Counter("ontrack_database_busy_total", "Requests answered 503 because the database was busy")


def observe_request(endpoint, method, status, seconds):
    """Count one answered request."""
    REQUEST_SECONDS.labels(endpoint, method).observe(seconds)
    RESPONSES.labels(endpoint, f"{status // 100}xx").inc()


def observe_request_cpu(endpoint, method, seconds):
    """Count the CPU seconds one request's thread spent (compression and teardown included)."""
    REQUEST_CPU.labels(endpoint, method).inc(seconds)


def observe_push(results):
    PUSHES.inc()
    for result in results:
        MUTATIONS.labels(result.get("status", "applied")).inc()


def observe_pull(reset):
    PULLS.labels("snapshot" if reset else "changes").inc()


class _QueueDepth:
    """The job queue's depth, read when scraped (not counted per process)."""

    def collect(self):
        from .background import queue_depth
        family = GaugeMetricFamily("ontrack_job_queue_depth", "Jobs waiting for the worker")
        family.add_metric([], queue_depth())
        yield family


def exposition():
    """(body bytes, content type) of every metric."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(_QueueDepth())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Default:
    def collect(self):
        yield from REGISTRY.collect()
