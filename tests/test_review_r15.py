"""Review r15: faults found by trying the app as the desk would (issue 15 item 8)."""
import re

import pytest


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_the_people_list_shows_skills_in_words_not_the_code_enterprise(login, lang):
    boss = login("boss")
    boss.post(f"/lang/{lang}")
    text = visible_text(boss.get("/admin/").text)
    assert "技术员 B" in text
    assert not re.search(r"\benterprise\b", text), "the people list shows the raw skill code 'enterprise'"
