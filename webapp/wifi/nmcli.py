"""NetworkManager's `nmcli dev wifi list`: terse (-t, -g) after any shell prompt, with or without
its -f field list, and the default table people paste (columns found by the header, values by
their shape, so SSIDs with spaces and "--" for hidden ones read right). Signal % → dBm as
0.6 × % − 100 (NetworkManager's level-to-quality, inverted)."""
import re

from flask_babel import gettext as _

from .parsers import MAC, _MAC, ScanFormatError, finite, network

# `nmcli dev wifi list` without -f (NetworkManager ≥ 1.16; older ones had no BSSID column).
NMCLI_DEFAULT_FIELDS = ["in-use", "bssid", "ssid", "mode", "chan", "rate", "signal", "bars", "security"]
NMCLI_ALL_FIELDS = ["name", "ssid", "ssid-hex", "bssid", "mode", "chan", "freq", "rate", "signal", "bars", "security",
                    "wpa-flags", "rsn-flags", "device", "active", "in-use", "dbus-path"]
NMCLI_TABLE_COMMAND = "nmcli -f IN-USE,BSSID,SSID,CHAN,FREQ,SIGNAL,SECURITY dev wifi list"


def _table_help():
    return _("run '%(command)s' (or the same with -t) so every network comes with its BSSID", command=NMCLI_TABLE_COMMAND)
# One pattern per column of nmcli's table, so SSIDs with spaces fall between columns that have a shape.
_TABLE_COLUMNS = {
    "in-use": r"\*?", "active": r"\S+", "bssid": MAC, "ssid": r".*?", "ssid-hex": r"\S+", "name": r"\S+",
    "mode": r"\S+", "chan": r"\d+", "freq": r"\d+\s*MHz", "rate": r"\d+(?:\.\d+)?\s*\S*bit/s", "signal": r"\d+",
    "bars": r"\S+", "security": r".*?", "wpa-flags": r".*?", "rsn-flags": r".*?", "device": r"\S+", "dbus-path": r"\S+",
}


def _split_nmcli(line):
    fields, current, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current.append(line[i + 1])
            i += 2
            continue
        if line[i] == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(line[i])
        i += 1
    fields.append("".join(current))
    return fields


def nmcli_command(line):
    """The -f/--fields list of an nmcli command line (after any shell prompt), [] without one, None if not a command."""
    match = re.search(r"(?:^|[\s$#>%])nmcli(?:\s|$)", line)
    if not match:
        return None
    fields = re.search(r"(?:--fields|-f)[ =]([\w,-]+)", line[match.start():])
    getter = re.search(r"(?:--get-values|-g)[ =]([\w,-]+)", line[match.start():])
    chosen = fields or getter
    if not chosen:
        return []
    names = [f.lower() for f in chosen.group(1).split(",")]
    return NMCLI_ALL_FIELDS if names == ["all"] else names


def _table_header(line):
    words = re.split(r"\s{2,}|\s(?=[A-Z-]{3,}\b)", line.strip())
    names = [w.strip().lower() for w in words if w.strip()]
    if "ssid" in names and "signal" in names and all(re.fullmatch(r"[a-z*-]+", n) for n in names):
        return ["in-use" if n == "*" else n for n in names]
    return None


def parse_nmcli(text):
    lines = [l.rstrip("\r") for l in text.splitlines() if l.strip()]
    fields, rows, table = None, [], None
    for line in lines:
        command = nmcli_command(line)
        if command is not None:
            fields = command or fields
            continue
        header = _table_header(line)
        if header and not rows:
            table = header
            continue
        if re.search(r"[$#>%]$", line.strip()) and "\\:" not in line:
            continue  # a bare shell prompt ("$", "[root@host ~]#", "PS C:\\Users\\tech>")
        rows.append(line)
    if table:
        return _nmcli_table(table, rows)
    rows = [_split_nmcli(line) for line in rows]
    if not rows:
        raise ScanFormatError(_("No nmcli rows."))
    if fields is None:
        if all(len(r) == len(NMCLI_DEFAULT_FIELDS) for r in rows):
            fields = NMCLI_DEFAULT_FIELDS
        elif all(len(r) == len(NMCLI_DEFAULT_FIELDS) - 1 for r in rows):  # NetworkManager < 1.16: no BSSID
            raise ScanFormatError(_("This nmcli output has no BSSID field, which cannot tell networks apart: %(help)s.",
                                      help=_table_help()))
        else:
            raise ScanFormatError(_("nmcli output without its field list: run '%(command)s' and keep the command line.",
                                      command="nmcli -t -f SSID,BSSID,CHAN,FREQ,SIGNAL,SECURITY dev wifi list"))
    if "bssid" not in fields or "signal" not in fields or not ({"freq", "chan"} & set(fields)):
        raise ScanFormatError(_("nmcli output needs the BSSID, SIGNAL and CHAN or FREQ fields: %(help)s.", help=_table_help()))
    result = []
    for row in rows:
        if len(row) != len(fields):
            raise ScanFormatError(_("An nmcli row has %(count)d fields, not %(expected)d.", count=len(row), expected=len(fields)))
        result.append(_nmcli_network(dict(zip(fields, row))))
    return result


def _nmcli_table(columns, rows):
    """nmcli's table (no -t): columns found by their header, values by their shape."""
    if "bssid" not in columns:
        raise ScanFormatError(_("This is nmcli's table without a BSSID column, which cannot tell networks apart: %(help)s.",
                                  help=_table_help()))
    if not ({"chan", "freq"} & set(columns)):
        raise ScanFormatError(_("This nmcli table has no CHAN or FREQ column: %(help)s.", help=_table_help()))
    parts = []
    for i, name in enumerate(columns):
        pattern = f"(?P<{name.replace('-', '_')}>{_TABLE_COLUMNS.get(name, r'.*?')})"
        parts.append(pattern if i == 0 else (r"\s*" if name == "in-use" or columns[i - 1] == "in-use" else r"\s+") + pattern)
    row_pattern = re.compile(r"^\s*" + "".join(parts) + r"\s*$")
    result = []
    for line in rows:
        match = row_pattern.match(line)
        if not match:
            raise ScanFormatError(_("A row of the nmcli table is not readable: %(line)s", line=repr(line.strip()[:60])))
        result.append(_nmcli_network({k.replace("_", "-"): v for k, v in match.groupdict().items()}))
    return result


def _nmcli_network(values):
    if not (_MAC.fullmatch(values["bssid"]) or not values["bssid"].strip() or values["bssid"].strip() == "--"):
        raise ScanFormatError(_("Not a BSSID in nmcli output: %(value)s", value=repr(values["bssid"][:30])))
    try:
        pct = finite(values["signal"], "signal")
        freq = int(values["freq"].split()[0]) if values.get("freq") else None
        chan = int(values["chan"]) if values.get("chan") else None
    except (ValueError, IndexError):
        raise ScanFormatError(_("A number in the nmcli output is not a number.")) from None
    security = (values.get("security") or "").strip()
    ssid = values.get("ssid", "")
    ssid = "" if ssid.strip() == "--" and "ssid-hex" not in values else ssid
    return network(values["bssid"], ssid, freq=freq, channel=chan if not freq else None, signal=0.6 * pct - 100,
                   security=("open" if security in ("", "--") else security))
