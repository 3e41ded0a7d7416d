"""Issue 15 item 11 (server side): numbers typed with a Chinese keyboard's full-width digits and minus
are read everywhere a person types a number on the desk."""
from webapp.textclean import half_width
from tests.test_offline_browser import ORDER


def test_half_width_reads_full_width_digits_and_every_minus():
    assert half_width("－３０") == "-30"
    assert half_width("−27.5") == "-27.5" and half_width("–8") == "-8" and half_width("﹣3") == "-3"
    assert half_width("１３９ １２３４ ５６７８") == "139 1234 5678"
    assert half_width("幸福里") == "幸福里" and half_width(None) is None


def test_a_full_width_phone_number_is_accepted_and_stored_plain(login, db):
    desk = login("disp")
    response = desk.post("/orders/new", {**ORDER, "contact_phone": "１３９１２３４５６７８"})
    assert response.status_code == 303, response.text
    assert next(iter(db.query("SELECT contact_phone FROM orders")))["contact_phone"] == "13912345678"


def test_a_question_before_its_answer_never_gets_a_second_mark(app):
    """Issue 15 item 15: no "灯亮吗？：常亮" on the desk, the report or the phone (offline/runner.js qa)."""
    from webapp.filters import question_words
    with app.test_request_context():
        assert question_words("PON 灯状态？") == "PON 灯状态？"
        assert question_words("收光功率") == "收光功率："
    runner = (__import__("pathlib").Path(__file__).resolve().parent.parent / "offline" / "runner.js").read_text()
    assert 'l.question + "：" + l.answer' not in runner and "function qa(" in runner
