"""The technician app never builds HTML from strings: markup lives only in lit-html's html``/svg``
tagged templates, which escape every value; no module writes innerHTML or parses markup."""
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = sorted(p for p in (ROOT / "offline").rglob("*.js"))
# Sinks that parse a string as markup.
SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc")
MARKUP = re.compile(r"<[A-Za-z!/]")


def literals(source):
    """Yield (kind, text, line) for each string and template literal: kind is '"', "'", 'html', 'svg' or '`'.

    A template's ${…} expressions are scanned as code, so a string inside one is found too.
    """
    i, n, line = 0, len(source), 1
    stack = []  # open template literals: (kind, start, depth of braces inside the current ${})
    depth = 0
    while i < n:
        c = source[i]
        if stack and stack[-1][2] is None:  # inside a template's text
            kind, start, _ = stack[-1]
            if c == "\\":
                i += 2
                continue
            if c == "`":
                stack.pop()
                yield kind, source[start:i], line
                i += 1
                continue
            if source.startswith("${", i):
                stack[-1] = (kind, start, depth)
                depth = 0
                i += 2
                continue
            line += c == "\n"
            i += 1
            continue
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i)
            line += source.count("\n", i, end)
            i = end + 2
            continue
        if c in "\"'":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            yield c, source[i + 1:j], line
            i = j + 1
            continue
        if c == "/" and re.match(r"[\s(,=:!&|?{};]*$", source[max(0, i - 1):i] or " ") and re.search(r"[(,=:!&|?{};]\s*$", source[:i]):
            j = i + 1  # a regular expression literal: skip it whole
            while source[j] != "/":
                j += 2 if source[j] == "\\" else 1
            i = j + 1
            continue
        if c == "`":
            tag = re.search(r"(\w+)\s*$", source[:i])
            kind = tag.group(1) if tag and tag.group(1) in ("html", "svg") else "`"
            stack.append((kind, i + 1, None))
            i += 1
            continue
        if stack and c == "{":
            depth += 1
        elif stack and c == "}":
            if depth == 0:
                kind, start, outer = stack[-1]
                stack[-1] = (kind, start, None)
                depth = outer
                i += 1
                continue
            depth -= 1
        line += c == "\n"
        i += 1


def markup_built_from_strings(source):
    """Where a module builds markup outside html``/svg`` templates: [(line, what)]."""
    found = [(source.count("\n", 0, m.start()) + 1, m.group(0)) for m in SINKS.finditer(source)]
    found += [(line, text[:60]) for kind, text, line in literals(source) if kind not in ("html", "svg") and MARKUP.search(text)]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_builds_html_from_strings(path):
    assert markup_built_from_strings(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_the_old_way():
    old = subprocess.run(["git", "show", "1fb18d1:offline/app.js"], cwd=ROOT, capture_output=True, text=True)
    samples = [
        """card = '<li class="job">' + esc(o.customer_name) + "</li>";""",
        "box.innerHTML = view;",
        "const row = `<tr><td>${n.ssid}</td></tr>`;",
        "node.insertAdjacentHTML('beforeend', row);",
    ]
    if old.returncode == 0:
        samples.append(old.stdout)
    for sample in samples:
        assert markup_built_from_strings(sample), sample
    # ...and lets tagged templates through, values and nested templates included.
    assert markup_built_from_strings("const v = html`<p class=${`a ${b}`}>${t(\"x < y\")}</p>`;") == []
