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
