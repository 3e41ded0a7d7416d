"""The broadband account ↔ OLT ↔ PON port ↔ ONU mapping (domain reference §5.5, seed 004).

Jiangsu's practice: the province issues a daily file mapping every broadband account to its OLT
and ONU; alarms carry the OLT and PON port, so the accounts under an alarm are found at PON-port
or ONU level. An import replaces the whole mapping (each file is a full snapshot). No Flask here.
"""
import csv
import io
import itertools
import secrets

from ..db import one, transaction

COLUMNS = ("account", "olt", "pon_port", "onu", "district", "community", "building")
REQUIRED = ("account", "olt", "pon_port")
# Header names as they appear in operators' exports, besides our own.
ALIASES = {
    "宽带账号": "account", "账号": "account", "broadband_account": "account",
    "olt名称": "olt", "olt": "olt", "pon口": "pon_port", "pon端口": "pon_port", "pon": "pon_port",
    "onu": "onu", "onu名称": "onu", "区县": "district", "县区": "district", "小区": "community",
    "小区或学校": "community", "楼栋": "building", "楼栋号": "building",
}
BATCH = 20000
MAX_ERRORS = 50


class MappingError(ValueError):
    """The file cannot be used at all (no header, a required column missing): nothing was changed."""


def header_map(header):
    """Map a CSV header row to our column names; raise MappingError naming what is missing."""
    names = []
    for raw in header:
        key = (raw or "").strip().lower().replace(" ", "_")
        names.append(ALIASES.get(key, key))
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise MappingError("missing column(s): " + ", ".join(missing))
    return names


def read_rows(text_lines):
    """Yield (line_number, row dict or None, problem) from CSV text lines (a header first)."""
    reader = csv.reader(text_lines)
    header = next(reader, None)
    if not header:
        raise MappingError("the file is empty")
    names = header_map(header)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(names, (cell.strip() for cell in row)))
        record = {name: values.get(name, "") for name in COLUMNS}
        missing = [name for name in REQUIRED if not record[name]]
        yield reader.line_num, (None if missing else record), ("missing " + ", ".join(missing)) if missing else ""


def import_csv(db, binary_stream):
    """Replace the mapping with a CSV file's rows. Call it outside any transaction.

    `binary_stream` is UTF-8 (with or without BOM) CSV with a header naming at least account,
    olt and pon_port (or 宽带账号, OLT, PON口). The rows go into a new table in batches, each
    its own short write, and the finished table replaces the old one in one quick step: a
    million-account file never holds the database's write lock for the whole load, and until
    the swap the desk keeps matching against yesterday's mapping. Returns
    {"accounts": n, "skipped": [(line, why)]}. Raises MappingError, UnicodeDecodeError or
    csv.Error, and then nothing has changed.
    """
    rows = read_rows(io.TextIOWrapper(binary_stream, encoding="utf-8-sig", errors="strict", newline=""))
    first = next(rows, None)  # the header is checked before anything is written
    staging = f"account_map_load_{secrets.token_hex(4)}"
    with transaction(db):
        db.conn.execute(f"CREATE TABLE {staging} (account TEXT PRIMARY KEY, olt TEXT NOT NULL, pon_port TEXT NOT NULL,"
                        " onu TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '', community TEXT NOT NULL"
                        " DEFAULT '', building TEXT NOT NULL DEFAULT '') WITHOUT ROWID")
        db.conn.execute(f"CREATE INDEX {staging}_network ON {staging} (olt, pon_port, onu)")
    try:
        result = _load(db, staging, itertools.chain([first] if first else [], rows))
        with transaction(db):
            db.conn.execute("DROP TABLE account_map")
            db.conn.execute(f"ALTER TABLE {staging} RENAME TO account_map")
    except BaseException:
        with transaction(db):
            db.conn.execute(f"DROP TABLE IF EXISTS {staging}")
        raise
    return result


def _load(db, table, rows):
    statement = f"INSERT OR REPLACE INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    skipped, batch, count = [], [], 0
    for line, record, why in rows:
        if record is None:
            if len(skipped) < MAX_ERRORS:
                skipped.append((line, why))
            continue
        batch.append(tuple(record[name] for name in COLUMNS))
        if len(batch) >= BATCH:
            with transaction(db):
                db.conn.executemany(statement, batch)
            count, batch = count + len(batch), []
    with transaction(db):
        db.conn.executemany(statement, batch)
    return {"accounts": count + len(batch), "skipped": skipped}


def position_of(db, account):
    """The network position of one account: {olt, pon_port, onu, district, community, building} or None."""
    if not account:
        return None
    return one(db, "SELECT olt, pon_port, onu, district, community, building FROM account_map WHERE account = ?",
               [account])


def _under(olt, pon_port, onu):
    """The WHERE clause and parameters for an OLT, a PON port of it, or one ONU on that port."""
    where, params = ["olt = ?"], [olt]
    if pon_port:
        where.append("pon_port = ?")
        params.append(pon_port)
        if onu:
            where.append("onu = ?")
            params.append(onu)
    return " AND ".join(where), params


def accounts_under(db, olt, pon_port="", onu=""):
    """Count the accounts under an OLT, a PON port of it, or one ONU on that port."""
    clause, params = _under(olt, pon_port, onu)
    return one(db, f"SELECT COUNT(*) AS n FROM account_map WHERE {clause}", params)["n"]


def place_under(db, olt, pon_port="", onu=""):
    """The most common district and community under a network position, and the building when all share one."""
    clause, params = _under(olt, pon_port, onu)
    top = one(db, f"SELECT district, community, COUNT(*) AS n FROM account_map WHERE {clause}"
                  " GROUP BY district, community ORDER BY n DESC LIMIT 1", params)
    if top is None:
        return {"district": "", "community": "", "building": ""}
    buildings = [r[0] for r in db.conn.execute(
        f"SELECT DISTINCT building FROM account_map WHERE {clause} AND district = ? AND community = ? LIMIT 2",
        [*params, top["district"], top["community"]])]
    return {"district": top["district"], "community": top["community"],
            "building": buildings[0] if len(buildings) == 1 else ""}
