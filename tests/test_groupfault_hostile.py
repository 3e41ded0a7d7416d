"""Hostile alarm files on the fault desk: never a 500, a line-numbered reason, nothing else lost."""
import pytest

from tests.test_groupfaults import upload

HEADER = "告警编号,告警类型,OLT名称,PON口,影响用户数\nA1,主干光纤断,OLT-1,0/1/1,80\n"


@pytest.mark.parametrize("row", [
    "A9,主干光纤断,OLT-1,0/1/1,99999999999999999999999",  # past SQLite's INTEGER
    "A9,主干光纤断,OLT-1,0/1/1,١٢",  # digits, but not 0-9
    "A9,主干光纤断," + "O" * 5000 + ",0/1/1,80",  # longer than the desk's form allows
    "A9,主干光纤断,OLT\x07-1,0/1/1,80",  # a control character
])
def test_a_bad_row_is_named_by_its_line_and_the_good_rows_are_kept(login, db, row):
    desk = login("disp")
    response = upload(desk, "/group-faults/alarms/import", (HEADER + row + "\n").encode(), follow_redirects=True)
    assert response.status_code == 200 and "第 3 行" in response.text
    assert [f["alarm_ref"] for f in db.query("SELECT alarm_ref FROM group_faults")] == ["A1"]


def test_a_file_the_csv_reader_cannot_split_is_refused_whole(login, db):
    desk = login("disp")
    tail = 'A9,主干光纤断,"' + "x" * 140000 + '"'  # a field past the csv module's 128 KB limit
    response = upload(desk, "/group-faults/alarms/import", (HEADER + tail + "\n").encode(), follow_redirects=True)
    assert response.status_code == 200 and "UTF-8 CSV" in response.text
    assert db.execute("SELECT COUNT(*) FROM group_faults").fetchone()[0] == 0


TIMED = "告警编号,告警类型,OLT名称,PON口,影响用户数,发生时间\nA1,主干光纤断,OLT-1,0/1/1,80,2026-11-30 08:00\n"


@pytest.mark.parametrize("when", ["0001-01-01 00:00", "9999-12-31 23:59"])
def test_an_imported_alarm_at_year_one_or_9999_is_a_named_bad_row(login, db, when):
    """Year 1 in Shanghai is before year 1 in UTC: stored, it overflowed (fresh review)."""
    desk = login("disp")
    row = f"A9,主干光纤断,OLT-1,0/1/2,80,{when}"
    response = upload(desk, "/group-faults/alarms/import", (TIMED + row + "\n").encode(), follow_redirects=True)
    assert response.status_code == 200 and "第 3 行" in response.text
    assert [f["alarm_ref"] for f in db.query("SELECT alarm_ref FROM group_faults")] == ["A1"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_an_alarm_typed_at_year_one_or_9999_is_a_form_error(login, db, when):
    """Fresh review: a typed alarm at 0001-01-01 answered 404 "not found" (the overflow's last net) and was lost with a
    misleading message; it is refused with the range the date must be in, and nothing is registered."""
    desk = login("disp")
    response = desk.post("/group-faults/alarms", {"alarm_class": "onu", "alarm_type": "onu_power_loss", "olt": "OLT-X",
                                                  "pon_port": "0/2/3", "onu": "ONU-9", "affected_users": "3",
                                                  "occurred_at": when}, follow_redirects=True)
    assert response.status_code == 200 and "1970" in response.text and "2999" in response.text, response.text[-2000:]
    assert db.execute("SELECT COUNT(*) FROM group_faults").fetchone()[0] == 0
