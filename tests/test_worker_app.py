"""The Huey worker builds its Flask app once, even when its periodic tasks start on several threads at once."""
import threading

import pytest

from webapp.background import tasks
from webapp.config import Config


@pytest.fixture
def fresh_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(Config, "DATABASE", str(tmp_path / "worker.sqlite3"))
    monkeypatch.setattr(Config, "BLOB_FOLDER", str(tmp_path / "blobs"))
    monkeypatch.setattr(tasks, "_worker_app", {})
    yield


def test_threads_starting_together_share_one_app(fresh_worker):
    # Without the lock two threads built the app together: DuplicateComponentNameError (bearerAuth).
    start = threading.Barrier(6)
    apps, errors = [], []

    def run():
        start.wait()
        try:
            apps.append(tasks._app())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(apps) == 6 and len({id(app) for app in apps}) == 1
