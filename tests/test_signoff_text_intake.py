"""Text from the phone with half an emoji in it. A JavaScript string can hold a lone UTF-16
surrogate (a suggestion or note cut with .slice() in the middle of 👍); JSON.stringify sends it as
"\\ud83d". Before, the sync push answered 500 (SQLite cannot store it), so the phone's outbox stuck
on that change for ever. The server reads it as the browser's own Blob/TextEncoder does (U+FFFD),
so the change is kept and the report hash the phone computed still matches."""
import uuid

from tests.conftest import Phone
from tests.test_sync import ORDER  # noqa: F401  (the order the sync tests create)
from tests.test_sync import order_id  # noqa: F401  (fixture)


def test_a_note_with_half_an_emoji_is_kept_not_a_500(login, order_id, db):  # noqa: F811
    phone = Phone(login("techa"))
    mutation = phone.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": "X"})
    body = ('{"client_id": "%s", "mutations": [%s]}' % (phone.client_id, __import__("json").dumps(mutation))
            ).replace('"text": "X"', '"text": "\\u5e08\\u5085\\ud83d \\udc4d ok"')
    response = phone.session.client.post("/api/sync/push", data=body, content_type="application/json",
                                         headers={"X-CSRFToken": phone.session.token})
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json["results"]] == ["applied"]
    text = db.execute("SELECT text FROM order_notes").fetchone()[0]
    assert text == "师傅\ufffd \ufffd ok"
