#!/usr/bin/env python3
"""psycopg2 and psycopg 3 (the Debian packages) against a real blockdb-server.

Usage: psycopg_test.py BLOCKDB_SERVER_BINARY {psycopg2|psycopg3}

Starts the server on ports the kernel picks, in a temporary data directory, runs the driver's
checks (parameters in text and binary, every common type, transactions with autocommit off,
errors with their SQLSTATE, COPY) and stops the server with SIGTERM, which must exit 0.
Exit status 0 when every check passed.
"""
import datetime
import decimal
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid

DEADLINE_S = 30


def start_server(binary, data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCKDB_")}
    proc = subprocess.Popen(
        [binary, "--data-dir", data_dir, "--pg-port", "0", "--http-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    deadline = time.monotonic() + DEADLINE_S
    output = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        output += line
        match = re.search(r"pgwire listening on 127\.0\.0\.1:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    raise SystemExit("server did not start:\n" + output)


def stop_server(proc):
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=DEADLINE_S)
    assert code == 0, f"server exited {code} after SIGTERM"


ROW = (1, "ann", decimal.Decimal("10.50"),
       datetime.datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=datetime.timezone.utc),
       datetime.date(2024, 5, 1), True, b"\x00\x01\xff", 2.5,
       uuid.UUID("12345678-1234-5678-1234-567812345678"))

CREATE = ("CREATE TABLE {t} (id BIGINT PRIMARY KEY, name TEXT, amount NUMERIC(10,2), "
          "at TIMESTAMPTZ, day DATE, ok BOOLEAN, data BYTEA, ratio DOUBLE PRECISION, u UUID)")


def check_psycopg2(port):
    import psycopg2
    import psycopg2.errors
    import psycopg2.extras
    psycopg2.extras.register_uuid()
    conn = psycopg2.connect(host="127.0.0.1", port=port, user="blockdb", dbname="blockdb")
    assert conn.server_version >= 150000, conn.server_version
    cur = conn.cursor()
    cur.execute(CREATE.format(t="p2"))
    conn.commit()
    cur.execute("INSERT INTO p2 VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", ROW)
    # Autocommit off: psycopg2 sent BEGIN, so the row is in an open transaction.
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
    conn.commit()
    cur.execute("SELECT id, name, amount, at, day, ok, data, ratio, u FROM p2 WHERE id = %s", (1,))
    row = cur.fetchone()
    got = row[:6] + (bytes(row[6]),) + row[7:]
    assert got == ROW, got
    try:
        cur.execute("INSERT INTO p2 (id, name) VALUES (%s, %s)", (1, "again"))
        raise AssertionError("duplicate key accepted")
    except psycopg2.errors.UniqueViolation as e:
        assert e.pgcode == "23505", e.pgcode
        assert "Key (id)=(1) already exists." in str(e), str(e)
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_INERROR
    conn.rollback()
    cur.execute("SELECT count(*) FROM p2")
    assert cur.fetchone()[0] == 1
    try:
        cur.execute("SELECT * FROM nowhere")
        raise AssertionError("missing table accepted")
    except psycopg2.errors.UndefinedTable as e:
        assert e.pgcode == "42P01"
    conn.rollback()
    conn.close()


def check_psycopg3(port):
    import psycopg
    conn = psycopg.connect(host="127.0.0.1", port=port, user="blockdb", dbname="blockdb")
    conn.execute(CREATE.format(t="p3"))
    conn.commit()
    # %b: every parameter in binary.
    conn.execute("INSERT INTO p3 VALUES (%b, %b, %b, %b, %b, %b, %b, %b, %b)", ROW)
    conn.commit()
    for binary in (False, True):
        cur = conn.cursor(binary=binary)
        cur.execute("SELECT id, name, amount, at, day, ok, data, ratio, u FROM p3 WHERE id = %b",
                    (1,))
        got = cur.fetchone()
        assert tuple(got) == ROW, (binary, got)
    conn.commit()
    with conn.transaction():
        conn.execute("INSERT INTO p3 (id, name) VALUES (%s, %s)", (2, "bob"))
    try:
        with conn.transaction():
            conn.execute("INSERT INTO p3 (id, name) VALUES (%s, %s)", (3, "cy"))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    rows = conn.execute("SELECT id FROM p3 ORDER BY id").fetchall()
    assert rows == [(1,), (2,)], rows
    conn.commit()
    with conn.cursor() as cur:
        with cur.copy("COPY p3 (id, name) FROM STDIN") as copy:
            for i in range(10, 20):
                copy.write_row((i, f"row {i}"))
    conn.commit()
    assert conn.execute("SELECT count(*) FROM p3").fetchone()[0] == 12
    out = []
    with conn.cursor() as cur:
        with cur.copy("COPY (SELECT id, name FROM p3 WHERE id >= 18 ORDER BY id) TO STDOUT") as c:
            for row in c.rows():
                out.append(row)
    assert out == [("18", "row 18"), ("19", "row 19")], out
    conn.commit()
    # Errors on an autocommit connection: psycopg 3 sends ROLLBACK through the extended protocol,
    # which the SQL session does not yet accept in a failed transaction block.
    conn.autocommit = True
    try:
        conn.execute("SELEC 1")
        raise AssertionError("syntax error accepted")
    except psycopg.errors.SyntaxError as e:
        assert e.sqlstate == "42601"
    try:
        conn.execute("INSERT INTO p3 (id) VALUES (%b)", (2,))
        raise AssertionError("duplicate key accepted")
    except psycopg.errors.UniqueViolation as e:
        assert e.sqlstate == "23505"
        assert e.diag.message_detail == "Key (id)=(2) already exists.", e.diag.message_detail
    assert conn.execute("SELECT count(*) FROM p3").fetchone()[0] == 12
    conn.close()


def main():
    binary, driver = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(binary, os.path.join(tmp, "data"))
        try:
            {"psycopg2": check_psycopg2, "psycopg3": check_psycopg3}[driver](port)
        finally:
            stop_server(proc)
    print(f"{driver}: all checks passed")


if __name__ == "__main__":
    main()
