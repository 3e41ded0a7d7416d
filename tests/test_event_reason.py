"""An LED check's timeline line is stored as the reader's codes and shown in words (issue 15 item 8/9, issue 15c)."""
from flask_babel import force_locale

from webapp.filters import event_reason


def test_led_readings_and_retake_reasons_are_words_in_the_readers_language(app):
    with app.test_request_context():
        with force_locale("zh_Hans_CN"):
            assert event_reason({"action": "led_check", "reason": "POWER:on PON:blinking LOS:off"}) == "照片读数：POWER 常亮 · PON 闪烁 · LOS 灭"
            assert event_reason({"action": "led_check", "reason": "too_dark,blurry"}) == "太暗、模糊"
            assert event_reason({"action": "reject", "reason": "客户不在家"}) == "客户不在家"
        with force_locale("en"):
            assert event_reason({"action": "led_check", "reason": "too_dark"}) == "too dark"
            assert event_reason({"action": "led_check", "reason": "POWER:on"}) == "Read from the photo: POWER steady on"
