"""The administration's API clients page (issue 22 item 1 for issue 19's clients): supervisors only, CSRF, tokens
shown once and stored hashed, webhook address checked, every change audited without secrets."""
import re

import pytest
from standardwebhooks.webhooks import Webhook

from webapp.api import clients
from webapp.timeutil import utcnow


def revealed(html, name):
    """The value of the shown-once field (#new-token / #new-secret) on the page, or None."""
    match = re.search(rf'id="{name}" readonly value="([^"]+)"', html)
    return match and match.group(1)


def create(boss, **form):
    return boss.post("/admin/api-clients", {"name": "crm", "scopes": ["orders:read", "orders:write"], **form})


def test_only_a_supervisor_opens_or_changes_api_clients(app, login, db):
    boss, disp, tech = login("boss"), login("disp"), login("techa")
    assert boss.get("/admin/api-clients").status_code == 200
    assert 'href="/admin/api-clients"' in boss.get("/admin/people").text  # in the administration's navigation
    for who in (disp, tech):
        assert who.get("/admin/api-clients").status_code == 403
        assert create(who).status_code == 403
    assert app.test_client().get("/admin/api-clients").status_code == 302  # to the login page
    no_csrf = boss.client.post("/admin/api-clients", data={"name": "crm", "scopes": "orders:read"})
    assert no_csrf.status_code == 400
    assert db.execute("SELECT COUNT(*) FROM api_clients").fetchone()[0] == 0


def test_a_created_client_gets_a_token_shown_once_stored_hashed_that_works_and_an_audit_line_without_secrets(app, login, db):
    boss = login("boss")
    page = create(boss, all_orders="1", webhook_url="https://crm.example.cn/ontrack/hooks")
    assert page.status_code == 201, page.text
    assert page.headers["Cache-Control"] == "no-store"
    token, secret = revealed(page.text, "new-token"), revealed(page.text, "new-secret")
    assert token.startswith("ont_") and secret.startswith("whsec_")
    Webhook(secret)  # a secret the receiver's library accepts
    row = dict(zip(("id", "scopes", "all_orders", "webhook_url", "active"), db.execute(
        "SELECT id, scopes, all_orders, webhook_url, active FROM api_clients WHERE name = 'crm'").fetchone()))
    assert row == {"id": row["id"], "scopes": "orders:read orders:write", "all_orders": 1,
                   "webhook_url": "https://crm.example.cn/ontrack/hooks", "active": 1}
    assert db.execute("SELECT token_hash FROM api_tokens").fetchone()[0] == clients.token_hash(token)
    dump = "\n".join(db.conn.iterdump())
    assert token not in dump and "audit" in dump
    assert token not in boss.get(f"/admin/api-clients/{row['id']}").text  # not shown again
    assert token not in boss.get("/admin/api-clients").text
    api = app.test_client().get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.text
    listing = boss.get("/admin/api-clients").text
    assert "从未" not in listing.split(f'id="api-client-{row["id"]}"')[1].split("</tr>")[0]  # the last use shows
    assert f'href="/webhooks/{row["id"]}"' in listing
    lines = list(db.query("SELECT * FROM audit_log WHERE entity = 'api_client' ORDER BY id"))
    assert [(a["action"], a["entity_key"]) for a in lines] == [("create", "crm"), ("update", "crm")]
    assert all(token not in (a["after"] or "") and secret not in (a["after"] or "") for a in lines)
    assert lines[0]["actor_id"] is not None and "orders:read orders:write" in lines[0]["after"]
    assert "crm" in boss.get("/admin/audit?entity=api_client").text


@pytest.mark.parametrize("form, words", [
    ({"webhook_url": "ftp://crm.example.cn/hooks"}, "https://"),
    ({"webhook_url": "javascript:alert(1)"}, "https://"),
    ({"webhook_url": "https://"}, "主机名"),
    ({"webhook_url": "https://crm.example.cn/a b"}, "空格"),
    ({"scopes": []}, "权限"),
    ({"scopes": ["orders:delete"]}, "orders:delete"),
    ({"name": "  "}, "名称"),
    ({"name": "CRM"}, "已有"),  # names are unique whatever the case
])
def test_bad_input_is_explained_and_nothing_is_created(app, login, db, form, words):
    clients.create_client(db, "crm", ["orders:read"], utcnow())
    boss = login("boss")
    response = create(boss, **{"name": "eoms", **form})
    assert response.status_code == 422
    assert 'id="errors"' in response.text and words in response.text.split('id="errors"')[1].split("</div>")[0]
    assert db.execute("SELECT COUNT(*) FROM api_clients").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM api_tokens").fetchone()[0] == 1


def test_english_says_plainly_why_an_address_cannot_receive_webhooks(login):
    boss = login("boss")
    assert "必须以 https:// 或 http:// 开头" in create(boss, webhook_url="ftp://crm.example.cn/hooks").text
    assert boss.post("/lang/en").status_code in (302, 303)
    text = create(boss, webhook_url="ftp://crm.example.cn/hooks").text
    assert "must start with https:// or http://; “ftp://crm.example.cn/hooks” does not" in text


def test_issue_and_revoke_tokens_rotate_the_secret_change_the_address_and_revoke_the_client(app, login, db):
    boss = login("boss")
    first_page = create(boss, webhook_url="http://127.0.0.1:9/hooks")
    first, secret = revealed(first_page.text, "new-token"), revealed(first_page.text, "new-secret")
    client_id = db.execute("SELECT id FROM api_clients WHERE name = 'crm'").fetchone()[0]
    call = lambda token: app.test_client().get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code  # noqa: E731

    issued = boss.post(f"/admin/api-clients/{client_id}/tokens")
    second = revealed(issued.text, "new-token")
    assert issued.status_code == 201 and second not in (None, first) and call(second) == 200
    assert boss.post(f"/admin/api-clients/{client_id}/tokens/revoke", {"prefix": first[:10]}).status_code == 303
    assert call(first) == 401 and call(second) == 200
    assert boss.post(f"/admin/api-clients/{client_id}/tokens/revoke", {"prefix": first[:10]}).status_code == 422

    rotated = revealed(boss.post(f"/admin/api-clients/{client_id}/secret").text, "new-secret")
    assert rotated.startswith("whsec_") and rotated != secret
    stored = db.execute("SELECT webhook_secret FROM api_clients WHERE id = ?", [client_id]).fetchone()[0]
    assert stored == rotated  # no key configured: kept as it is (docs/api.md "Signing secrets at rest")
    moved = boss.post(f"/admin/api-clients/{client_id}/webhook", {"webhook_url": "https://eoms.example.cn/h"})
    assert revealed(moved.text, "new-secret") not in (None, rotated)
    assert boss.post(f"/admin/api-clients/{client_id}/webhook", {"webhook_url": "mailto:a@b.cn"}).status_code == 422
    assert boss.post(f"/admin/api-clients/{client_id}/webhook", {"webhook_url": ""}).status_code == 303
    assert boss.post(f"/admin/api-clients/{client_id}/secret").status_code == 422  # no address, no secret
    assert db.execute("SELECT webhook_url, webhook_secret FROM api_clients WHERE id = ?", [client_id]).fetchone() == ("", "")

    assert boss.post(f"/admin/api-clients/{client_id}/deactivate").status_code == 303
    assert call(second) == 401
    page = boss.get(f"/admin/api-clients/{client_id}").text
    assert 'id="revoked"' in page and 'id="issue-token"' not in page
    assert boss.post(f"/admin/api-clients/{client_id}/tokens").status_code == 422
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE entity = 'api_client' ORDER BY id")]
    assert actions == ["create", "update", "issue_token", "revoke_token", "rotate_secret", "update", "update", "deactivate"]
    every_line = " ".join(str(v) for row in db.execute("SELECT before, after FROM audit_log") for v in row)
    assert not any(s in every_line for s in (first, second, secret, rotated))
    assert boss.get("/admin/api-clients/999").status_code == 404


def test_the_command_line_uses_the_same_functions_and_is_audited_too(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api-client", "create", "nms", "--scope", "alarms:write"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["api-client", "webhook", "nms", "ftp://nms.example.cn"])
    assert bad.exit_code != 0 and "https://" in bad.output
    assert runner.invoke(args=["api-client", "webhook", "nms", "https://nms.example.cn/h"]).exit_code == 0
    rotated = runner.invoke(args=["api-client", "rotate-secret", "nms"])
    assert rotated.exit_code == 0 and "whsec_" in rotated.output
    token = result.output.rsplit(": ", 1)[1].strip()
    assert app.test_client().post("/api/v1/alarms", json={}, headers={"Authorization": f"Bearer {token}"}).status_code == 422
    logged = runner.invoke(args=["api-client", "calls", "nms"])
    assert logged.exit_code == 0 and "POST\t/api/v1/alarms\t422" in logged.output
    assert "last used 20" in runner.invoke(args=["api-client", "list"]).output
    rows = list(db.query("SELECT actor_id, action FROM audit_log WHERE entity = 'api_client' ORDER BY id"))
    assert [(r["actor_id"], r["action"]) for r in rows] == [(None, "create"), (None, "update"), (None, "rotate_secret")]
