"""The demo city: every state present, the documented logins work, the console shows a busy morning."""
import pytest

from tests.conftest import csrf_from
from webapp import create_app
from webapp.db import connect
from webapp.orders.lifecycle import STATES


@pytest.fixture
def demo_app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "demo.sqlite3"),
                      "SECRET_KEY": "demo-secret-key-demo-secret-key-012"})
    result = app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "300 orders" in result.output
    return app


def test_demo_data_covers_every_state(demo_app):
    db = connect(demo_app.config["DATABASE"])
    states = {row["state"]: row["n"] for row in db.query("SELECT state, COUNT(*) AS n FROM orders GROUP BY state")}
    assert set(states) == set(STATES)
    assert sum(states.values()) == 300
    assert db.execute("SELECT COUNT(*) FROM orders WHERE breached = 1").fetchone()[0] > 0
    users = {row["username"]: row["role"] for row in db.query("SELECT username, role FROM users")}
    assert users == {"dispatch1": "dispatcher", "dispatch2": "dispatcher", "admin": "supervisor",
                     **{f"tech{i}": "technician" for i in range(1, 9)}}
    again = demo_app.test_cli_runner().invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output


@pytest.mark.parametrize("username,landing", [("dispatch1", "/dispatch/"), ("tech3", "/jobs/"), ("admin", "/dispatch/")])
def test_demo_logins(demo_app, username, landing):
    client = demo_app.test_client()
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": "ontrack-demo", "csrf_token": token})
    assert response.headers["Location"] == landing
    page = client.get(landing)
    assert page.status_code == 200
    if landing == "/jobs/":  # the phone app: its briefcase holds the technician's demo jobs
        assert page.headers["X-ONTrack-Shell"].isdigit()
        pulled = client.get("/api/sync/pull?client_id=demo-phone-0001").json
        assert [c for c in pulled["changes"] if c["table"] == "orders"]
    else:
        assert "WO-" in page.text


def test_create_user_command(demo_app):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(args=["create-user", "tech9", "--role", "technician", "--name", "新师傅"],
                           input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["create-user", "tech10", "--role", "technician"], input="short\nshort\n")
    assert bad.exit_code != 0 and "at least 10" in bad.output
    dup = runner.invoke(args=["create-user", "tech9", "--role", "technician"], input="a-long-password\na-long-password\n")
    assert dup.exit_code != 0 and "already exists" in dup.output
