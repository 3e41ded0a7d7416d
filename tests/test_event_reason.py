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


def test_a_single_photos_lit_light_and_a_confirmation_are_words_too(app):
    """Review r51/r52: a single photo's "on" is stored "lit" and said "lit (steady or flashing)"; a confirmation's
    states were shown as codes ("POWER:on LOS:off")."""
    with app.test_request_context():
        with force_locale("zh_Hans_CN"):
            assert event_reason({"action": "led_check", "reason": "POWER:lit LOS:off"}) == "照片读数：POWER 亮（常亮或闪烁） · LOS 灭"
            assert event_reason({"action": "led_confirm", "reason": "POWER:lit LOS:off LAN:blinking"}) == \
                "POWER 亮（常亮或闪烁） · LOS 灭 · LAN 闪烁"
        with force_locale("en"):
            assert event_reason({"action": "led_confirm", "reason": "POWER:on"}) == "POWER steady on"


def test_a_single_photos_on_confirmed_flashing_is_no_correction():
    from webapp.led import checks
    reading = {"steady_known": False, "leds": [{"label": "LAN", "state": "on", "color": "green", "confidence": 0.96},
                                               {"label": "LOS", "state": "off", "color": None, "confidence": 0.95}]}
    flashing = [{"label": "LAN", "state": "blinking", "color": "green"}, {"label": "LOS", "state": "off", "color": None}]
    assert checks.corrections(reading, flashing) == []
    off = [{"label": "LAN", "state": "off", "color": None}, {"label": "LOS", "state": "off", "color": None}]
    assert [c["label"] for c in checks.corrections(reading, off)] == ["LAN"]
    # A burst shows flashing: there "on" confirmed flashing is a correction.
    assert [c["label"] for c in checks.corrections({**reading, "steady_known": True}, flashing)] == ["LAN"]
    check = {"reading": reading, "capture": "photo", "frames": 1, "tapped": None}
    assert checks.photo_lit(check) == [True, False]
    assert checks.photo_lit(check, off) == [False, False]
    assert checks.state_words(flashing, checks.photo_lit(check, flashing)) == "LAN:blinking LOS:off"
    on = [{"label": "LAN", "state": "on", "color": "green"}, off[1]]
    assert checks.state_words(on, checks.photo_lit(check, on)) == "LAN:lit LOS:off"
